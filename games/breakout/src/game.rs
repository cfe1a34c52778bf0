//! The game's state and rules: the paddle, the ball, the wall of bricks, score, lives
//! and levels, advanced by `update(dt)` and shown by `draw`.

use crate::canvas::Canvas;
use crate::rules::*;
use crate::text::push_number;

/// Where the game is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// The ball rests on the paddle until Space or Enter launches it.
    Serving,
    Playing,
    /// No lives left; Space or Enter starts a new game.
    GameOver,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Ball {
    x: f32,
    y: f32,
    /// Velocity in units per second.
    vx: f32,
    vy: f32,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Brick {
    x: f32,
    y: f32,
    w: f32,
    row: usize,
}

const BACKGROUND: u32 = 0x1010_18ff;
const BORDER: u32 = 0x4040_60ff;
const PADDLE: u32 = 0xeeee_eeff;
const BALL: u32 = 0xffdd_33ff;
const TEXT: u32 = 0xffff_ffff;
const ROW_COLORS: [u32; ROWS] = [
    0xff55_55ff,
    0xffaa_33ff,
    0xffee_44ff,
    0x66dd_66ff,
    0x44bb_ffff,
    0xaa77_ffff,
];

/// The whole game.
pub struct Game {
    width: f32,
    height: f32,
    /// The paddle's left edge.
    paddle_x: f32,
    ball: Ball,
    /// The ball's speed now (it grows with every brick, up to the cap).
    speed: f32,
    bricks: Vec<Brick>,
    score: u32,
    lives: u32,
    level: u32,
    state: State,
    left: bool,
    right: bool,
}

impl Game {
    /// A new game on a `width` × `height` field: level 1, three lives, serving.
    pub fn new(width: f32, height: f32) -> Game {
        let mut game = Game {
            width,
            height,
            paddle_x: (width - PADDLE_WIDTH) / 2.0,
            ball: Ball {
                x: 0.0,
                y: 0.0,
                vx: 0.0,
                vy: 0.0,
            },
            speed: BALL_SPEED,
            bricks: Vec::new(),
            score: 0,
            lives: LIVES,
            level: 1,
            state: State::Serving,
            left: false,
            right: false,
        };
        game.build_wall();
        game.rest_ball_on_paddle();
        game
    }

    /// The contract's `init`: a new game on this field.
    pub fn init(&mut self, width: f32, height: f32, canvas: &mut impl Canvas) {
        *self = Game::new(width, height);
        let mut message = String::from("breakout: field ");
        push_number(&mut message, width as u32);
        message.push('x');
        push_number(&mut message, height as u32);
        canvas.log(&message);
    }

    pub fn state(&self) -> State {
        self.state
    }

    pub fn score(&self) -> u32 {
        self.score
    }

    pub fn lives(&self) -> u32 {
        self.lives
    }

    pub fn level(&self) -> u32 {
        self.level
    }

    /// Arrows or A/D hold the paddle's direction; Space or Enter launches the ball, or
    /// starts a new game after the last life.
    pub fn key_down(&mut self, code: i32, canvas: &mut impl Canvas) {
        match code {
            keys::LEFT | keys::A => self.left = true,
            keys::RIGHT | keys::D => self.right = true,
            keys::SPACE | keys::ENTER => match self.state {
                State::Serving => self.launch(canvas),
                State::GameOver => *self = Game::new(self.width, self.height),
                State::Playing => {}
            },
            _ => {}
        }
    }

    pub fn key_up(&mut self, code: i32) {
        match code {
            keys::LEFT | keys::A => self.left = false,
            keys::RIGHT | keys::D => self.right = false,
            _ => {}
        }
    }

    /// Advances the game by `dt` seconds (at most `MAX_DT`).
    pub fn update(&mut self, dt: f32) {
        let dt = dt.clamp(0.0, MAX_DT);
        self.move_paddle(dt);
        match self.state {
            State::Serving => self.rest_ball_on_paddle(),
            State::Playing => self.move_ball(dt),
            State::GameOver => {}
        }
    }

    /// Draws the frame: background and border, bricks, paddle, ball, the status line and
    /// any message.
    pub fn draw(&self, canvas: &mut impl Canvas) {
        canvas.clear(BACKGROUND);
        canvas.set_color(BORDER);
        canvas.stroke_rect(1.0, 1.0, self.width - 2.0, self.height - 2.0, 2.0);
        for brick in &self.bricks {
            canvas.set_color(ROW_COLORS[brick.row]);
            canvas.fill_rect(brick.x, brick.y, brick.w, BRICK_HEIGHT);
        }
        canvas.set_color(PADDLE);
        canvas.fill_rect(
            self.paddle_x,
            self.paddle_top(),
            PADDLE_WIDTH,
            PADDLE_HEIGHT,
        );
        canvas.set_color(BALL);
        canvas.fill_circle(self.ball.x, self.ball.y, BALL_RADIUS);
        canvas.set_color(TEXT);
        let mut status = String::from("SCORE ");
        push_number(&mut status, self.score);
        status.push_str("   LIVES ");
        push_number(&mut status, self.lives);
        status.push_str("   LEVEL ");
        push_number(&mut status, self.level);
        canvas.text(&status, MARGIN, 28.0, 20.0);
        let message = match self.state {
            State::Serving => "SPACE: LAUNCH",
            State::GameOver => "GAME OVER - SPACE: PLAY AGAIN",
            State::Playing => return,
        };
        let x = self.width / 2.0 - message.len() as f32 * 7.0;
        canvas.text(message, x, self.height * 0.62, 28.0);
    }

    fn paddle_top(&self) -> f32 {
        self.height - PADDLE_LIFT
    }

    fn level_speed(&self) -> f32 {
        (BALL_SPEED + (self.level - 1) as f32 * LEVEL_SPEEDUP).min(MAX_BALL_SPEED)
    }

    /// Rows of bricks across the field, below the status line.
    fn build_wall(&mut self) {
        let w = (self.width - 2.0 * MARGIN - (COLUMNS - 1) as f32 * GAP) / COLUMNS as f32;
        self.bricks = (0..ROWS)
            .flat_map(|row| {
                (0..COLUMNS).map(move |column| Brick {
                    x: MARGIN + column as f32 * (w + GAP),
                    y: WALL_TOP + row as f32 * (BRICK_HEIGHT + GAP),
                    w,
                    row,
                })
            })
            .collect();
    }

    fn rest_ball_on_paddle(&mut self) {
        self.ball = Ball {
            x: self.paddle_x + PADDLE_WIDTH / 2.0,
            y: self.paddle_top() - BALL_RADIUS,
            vx: 0.0,
            vy: 0.0,
        };
    }

    /// Sends the ball up, slanted at random.
    fn launch(&mut self, canvas: &mut impl Canvas) {
        let slant = (canvas.random() as f32 - 0.5) * 0.8;
        self.ball.vx = slant * self.speed;
        self.ball.vy = -(1.0 - slant * slant).sqrt() * self.speed;
        self.state = State::Playing;
    }

    fn move_paddle(&mut self, dt: f32) {
        let direction = self.right as i32 - self.left as i32;
        let x = self.paddle_x + direction as f32 * PADDLE_SPEED * dt;
        self.paddle_x = x.clamp(0.0, (self.width - PADDLE_WIDTH).max(0.0));
    }

    /// Moves the ball in steps of at most half its radius, so that it cannot pass
    /// through a brick or the paddle even at full speed in a long frame.
    fn move_ball(&mut self, dt: f32) {
        let distance = self.speed * dt;
        let steps = (distance / (BALL_RADIUS * 0.5)).ceil().max(1.0) as u32;
        let step = dt / steps as f32;
        for _ in 0..steps {
            self.ball.x += self.ball.vx * step;
            self.ball.y += self.ball.vy * step;
            self.bounce_off_walls();
            self.bounce_off_paddle();
            self.hit_a_brick();
            if self.ball.y - BALL_RADIUS > self.height {
                self.lose_ball();
                return;
            }
            if self.bricks.is_empty() {
                self.next_level();
                return;
            }
        }
    }

    fn bounce_off_walls(&mut self) {
        let ball = &mut self.ball;
        if ball.x < BALL_RADIUS {
            ball.x = BALL_RADIUS;
            ball.vx = ball.vx.abs();
        } else if ball.x > self.width - BALL_RADIUS {
            ball.x = self.width - BALL_RADIUS;
            ball.vx = -ball.vx.abs();
        }
        if ball.y < BALL_RADIUS {
            ball.y = BALL_RADIUS;
            ball.vy = ball.vy.abs();
        }
    }

    /// Falling onto the paddle, the ball goes back up, slanted by where it landed: straight
    /// up from the middle, up to `MAX_BOUNCE_SLANT` sideways at the ends.
    fn bounce_off_paddle(&mut self) {
        let top = self.paddle_top();
        let ball = self.ball;
        let over_paddle = ball.x >= self.paddle_x - BALL_RADIUS
            && ball.x <= self.paddle_x + PADDLE_WIDTH + BALL_RADIUS;
        let touching = ball.y + BALL_RADIUS >= top && ball.y - BALL_RADIUS <= top + PADDLE_HEIGHT;
        if ball.vy <= 0.0 || !over_paddle || !touching {
            return;
        }
        let centre = self.paddle_x + PADDLE_WIDTH / 2.0;
        let offset = ((ball.x - centre) / (PADDLE_WIDTH / 2.0)).clamp(-1.0, 1.0);
        let vx = offset * MAX_BOUNCE_SLANT * self.speed;
        self.ball.vx = vx;
        self.ball.vy = -(self.speed * self.speed - vx * vx).sqrt();
        self.ball.y = top - BALL_RADIUS;
    }

    /// The first brick the ball touches disappears, scores, speeds the ball up and
    /// reflects it off the side it was hit on.
    fn hit_a_brick(&mut self) {
        let ball = self.ball;
        let touched = self.bricks.iter().position(|brick| {
            let (dx, dy) = offset_to_brick(&ball, brick);
            dx * dx + dy * dy < BALL_RADIUS * BALL_RADIUS
        });
        let index = match touched {
            Some(index) => index,
            None => return,
        };
        let brick = self.bricks.remove(index);
        self.score += TOP_ROW_POINTS - 10 * brick.row as u32;
        let (dx, dy) = offset_to_brick(&ball, &brick);
        // Away from the brick, along the axis it was hit on.
        if dx.abs() > dy.abs() {
            self.ball.vx = ball.vx.abs().copysign(dx);
        } else {
            self.ball.vy = ball.vy.abs().copysign(dy);
        }
        let speed = (self.speed + HIT_SPEEDUP).min(MAX_BALL_SPEED);
        let scale = speed / self.speed;
        self.ball.vx *= scale;
        self.ball.vy *= scale;
        self.speed = speed;
    }

    fn lose_ball(&mut self) {
        self.lives -= 1;
        self.speed = self.level_speed();
        self.state = if self.lives == 0 {
            State::GameOver
        } else {
            State::Serving
        };
        self.rest_ball_on_paddle();
    }

    fn next_level(&mut self) {
        self.level += 1;
        self.speed = self.level_speed();
        self.build_wall();
        self.state = State::Serving;
        self.rest_ball_on_paddle();
    }
}

/// From the brick's closest point to the ball's centre: positive dx means the ball is to
/// the right of the brick, positive dy that it is below.
fn offset_to_brick(ball: &Ball, brick: &Brick) -> (f32, f32) {
    let closest_x = ball.x.clamp(brick.x, brick.x + brick.w);
    let closest_y = ball.y.clamp(brick.y, brick.y + BRICK_HEIGHT);
    (ball.x - closest_x, ball.y - closest_y)
}

#[cfg(test)]
mod tests;
