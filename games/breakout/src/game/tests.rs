//! One test per rule, run natively with a recording canvas.

use super::*;

/// Records every call; `random` replays a fixed list.
#[derive(Default)]
struct Recorder {
    calls: Vec<String>,
    randoms: Vec<f64>,
}

impl Canvas for Recorder {
    fn clear(&mut self, color: u32) {
        self.calls.push(format!("clear {color:x}"));
    }
    fn set_color(&mut self, color: u32) {
        self.calls.push(format!("set_color {color:x}"));
    }
    fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.calls
            .push(format!("fill_rect {x:?} {y:?} {w:?} {h:?}"));
    }
    fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, line_width: f32) {
        self.calls.push(format!(
            "stroke_rect {x:?} {y:?} {w:?} {h:?} {line_width:?}"
        ));
    }
    fn fill_circle(&mut self, x: f32, y: f32, radius: f32) {
        self.calls
            .push(format!("fill_circle {x:?} {y:?} {radius:?}"));
    }
    fn text(&mut self, text: &str, x: f32, y: f32, size: f32) {
        self.calls.push(format!("text {text} {x:?} {y:?} {size:?}"));
    }
    fn random(&mut self) -> f64 {
        if self.randoms.is_empty() {
            0.5
        } else {
            self.randoms.remove(0)
        }
    }
    fn log(&mut self, message: &str) {
        self.calls.push(format!("log {message}"));
    }
}

const W: f32 = 1024.0;
const H: f32 = 600.0;

fn close(a: f32, b: f32) -> bool {
    (a - b).abs() < 1e-3
}

/// A game in play with no bricks in the way (a far-away one keeps the level going).
fn open_field() -> Game {
    let mut game = Game::new(W, H);
    game.bricks = vec![Brick {
        x: 0.0,
        y: -1000.0,
        w: 1.0,
        row: 0,
    }];
    game.state = State::Playing;
    game
}

#[test]
fn init_restarts_on_the_new_field_and_logs_it() {
    let mut game = Game::new(W, H);
    game.score = 99;
    let mut canvas = Recorder::default();
    game.init(800.0, 500.0, &mut canvas);
    assert_eq!(canvas.calls, ["log breakout: field 800x500"]);
    assert_eq!(game.score(), 0);
    assert_eq!(game.bricks.len(), ROWS * COLUMNS);
    let right_edge = game.bricks.iter().map(|b| b.x + b.w).fold(0.0, f32::max);
    assert!(
        close(right_edge, 800.0 - MARGIN),
        "the wall spans the field: {right_edge}"
    );
}

#[test]
fn the_ball_waits_on_the_paddle_until_space_or_enter() {
    for key in [keys::SPACE, keys::ENTER] {
        let mut game = Game::new(W, H);
        game.update(0.5);
        assert_eq!(game.state(), State::Serving);
        assert!(close(game.ball.y, H - PADDLE_LIFT - BALL_RADIUS));
        let mut canvas = Recorder {
            randoms: vec![0.75],
            ..Recorder::default()
        };
        game.key_down(key, &mut canvas);
        assert_eq!(game.state(), State::Playing);
        // random 0.75 → slant +0.2: up and to the right, at the level's speed.
        assert!(close(game.ball.vx, 0.2 * BALL_SPEED));
        assert!(game.ball.vy < 0.0);
        assert!(close(game.ball.vx.hypot(game.ball.vy), BALL_SPEED));
    }
}

#[test]
fn keys_move_the_paddle_which_stays_in_the_field() {
    let mut game = Game::new(W, H);
    let mut canvas = Recorder::default();
    let start = game.paddle_x;
    game.key_down(keys::RIGHT, &mut canvas);
    game.update(0.1);
    assert!(close(game.paddle_x, start + PADDLE_SPEED * 0.1));
    game.key_up(keys::RIGHT);
    game.update(0.1);
    assert!(
        close(game.paddle_x, start + PADDLE_SPEED * 0.1),
        "stops on key up"
    );
    game.key_down(keys::A, &mut canvas);
    for _ in 0..50 {
        game.update(0.1);
    }
    assert_eq!(game.paddle_x, 0.0);
    game.key_up(keys::A);
    game.key_down(keys::D, &mut canvas);
    for _ in 0..50 {
        game.update(0.1);
    }
    assert_eq!(game.paddle_x, W - PADDLE_WIDTH);
}

#[test]
fn walls_reflect_the_ball() {
    for (ball, check) in [
        (
            Ball {
                x: 12.0,
                y: 300.0,
                vx: -300.0,
                vy: 0.0,
            },
            (|b: &Ball| b.vx > 0.0) as fn(&Ball) -> bool,
        ),
        (
            Ball {
                x: W - 12.0,
                y: 300.0,
                vx: 300.0,
                vy: 0.0,
            },
            |b: &Ball| b.vx < 0.0,
        ),
        (
            Ball {
                x: 500.0,
                y: 12.0,
                vx: 0.0,
                vy: -300.0,
            },
            |b: &Ball| b.vy > 0.0,
        ),
    ] {
        let mut game = open_field();
        game.ball = ball;
        game.speed = 300.0;
        game.update(0.05);
        assert!(check(&game.ball), "{:?}", game.ball);
        assert!(game.ball.x >= BALL_RADIUS && game.ball.x <= W - BALL_RADIUS);
    }
}

#[test]
fn the_paddle_bounce_slants_with_where_the_ball_lands() {
    let mut slants = Vec::new();
    for offset in [-1.0f32, -0.5, 0.0, 0.5, 1.0] {
        let mut game = open_field();
        let centre = game.paddle_x + PADDLE_WIDTH / 2.0;
        let top = H - PADDLE_LIFT;
        game.ball = Ball {
            x: centre + offset * PADDLE_WIDTH / 2.0,
            y: top - BALL_RADIUS - 1.0,
            vx: 0.0,
            vy: 300.0,
        };
        game.speed = 300.0;
        game.update(0.01);
        assert!(game.ball.vy < 0.0, "goes back up");
        assert!(
            close(game.ball.vx.hypot(game.ball.vy), 300.0),
            "keeps its speed"
        );
        slants.push(game.ball.vx / 300.0);
    }
    assert!(close(slants[2], 0.0), "straight up from the middle");
    assert!(close(slants[4], MAX_BOUNCE_SLANT) && close(slants[0], -MAX_BOUNCE_SLANT));
    assert!(slants.windows(2).all(|w| w[0] < w[1]), "{slants:?}");
}

#[test]
fn a_brick_hit_disappears_scores_reflects_and_speeds_the_ball_up() {
    let mut game = Game::new(W, H);
    game.state = State::Playing;
    let bottom_row = game.bricks.iter().rposition(|b| b.row == ROWS - 1).unwrap();
    let brick = game.bricks[bottom_row];
    game.ball = Ball {
        x: brick.x + brick.w / 2.0,
        y: brick.y + BRICK_HEIGHT + BALL_RADIUS + 1.0,
        vx: 0.0,
        vy: -BALL_SPEED,
    };
    let bricks = game.bricks.len();
    game.update(0.02);
    assert_eq!(game.bricks.len(), bricks - 1);
    assert!(!game.bricks.contains(&brick));
    assert_eq!(game.score(), TOP_ROW_POINTS - 10 * (ROWS as u32 - 1));
    assert!(game.ball.vy > 0.0, "reflected down");
    assert!(close(game.speed, BALL_SPEED + HIT_SPEEDUP));
    assert!(close(game.ball.vx.hypot(game.ball.vy), game.speed));
}

#[test]
fn the_speed_up_is_capped() {
    let mut game = Game::new(W, H);
    game.state = State::Playing;
    for _ in 0..200 {
        let brick = game.bricks[0];
        game.ball = Ball {
            x: brick.x + brick.w / 2.0,
            y: brick.y + BRICK_HEIGHT + BALL_RADIUS - 1.0,
            vx: 0.0,
            vy: -game.speed,
        };
        game.hit_a_brick();
        if game.bricks.len() == 1 {
            break;
        }
    }
    assert_eq!(game.speed, MAX_BALL_SPEED);
}

#[test]
fn a_fast_ball_in_a_long_frame_does_not_tunnel_through_a_brick() {
    let mut game = open_field();
    game.bricks = vec![
        Brick {
            x: 400.0,
            y: 300.0,
            w: 60.0,
            row: 0,
        },
        Brick {
            x: 0.0,
            y: -1000.0,
            w: 1.0,
            row: 0,
        },
    ];
    game.speed = MAX_BALL_SPEED;
    // 0.1 s at full speed is 80 units: ten times the brick's 22-unit height.
    game.ball = Ball {
        x: 430.0,
        y: 360.0,
        vx: 0.0,
        vy: -MAX_BALL_SPEED,
    };
    game.update(0.1);
    assert_eq!(game.bricks.len(), 1, "the brick was hit");
    assert!(
        game.ball.y > 300.0 + BRICK_HEIGHT,
        "and the ball bounced off it: {:?}",
        game.ball
    );
}

#[test]
fn missing_the_ball_costs_a_life_and_the_last_one_ends_the_game() {
    let mut game = open_field();
    let mut canvas = Recorder::default();
    for lives_left in (0..LIVES).rev() {
        game.state = State::Playing;
        game.ball = Ball {
            x: 20.0,
            y: H - 5.0,
            vx: 0.0,
            vy: 400.0,
        };
        game.update(0.1);
        assert_eq!(game.lives(), lives_left);
        if lives_left > 0 {
            assert_eq!(game.state(), State::Serving);
            assert!(
                close(game.ball.y, H - PADDLE_LIFT - BALL_RADIUS),
                "back on the paddle"
            );
        }
    }
    assert_eq!(game.state(), State::GameOver);
    game.draw(&mut canvas);
    assert!(canvas.calls.iter().any(|c| c.starts_with("text GAME OVER")));
    game.key_down(keys::SPACE, &mut canvas);
    assert_eq!(
        (game.state(), game.lives(), game.score(), game.level()),
        (State::Serving, LIVES, 0, 1)
    );
    assert_eq!(game.bricks.len(), ROWS * COLUMNS);
}

#[test]
fn clearing_the_wall_starts_the_next_level_faster() {
    let mut game = Game::new(W, H);
    game.state = State::Playing;
    let brick = game.bricks[0];
    game.bricks = vec![brick];
    game.ball = Ball {
        x: brick.x + brick.w / 2.0,
        y: brick.y + BRICK_HEIGHT + BALL_RADIUS + 1.0,
        vx: 0.0,
        vy: -BALL_SPEED,
    };
    game.update(0.02);
    assert_eq!(game.level(), 2);
    assert_eq!(game.state(), State::Serving);
    assert_eq!(game.bricks.len(), ROWS * COLUMNS);
    assert!(close(game.speed, BALL_SPEED + LEVEL_SPEEDUP));
}

#[test]
fn drawing_starts_with_clear_and_shows_the_status() {
    let game = Game::new(W, H);
    let mut canvas = Recorder::default();
    game.draw(&mut canvas);
    assert_eq!(canvas.calls[0], "clear 101018ff");
    assert!(canvas
        .calls
        .iter()
        .any(|c| c == "text SCORE 0   LIVES 3   LEVEL 1 32.0 28.0 20.0"));
    let bricks = canvas
        .calls
        .iter()
        .filter(|c| c.starts_with("fill_rect"))
        .count();
    assert_eq!(bricks, ROWS * COLUMNS + 1, "every brick and the paddle");
    assert!(canvas
        .calls
        .iter()
        .any(|c| c.starts_with("text SPACE: LAUNCH")));
}

#[test]
fn the_same_inputs_play_the_same_game() {
    let play = || {
        let mut game = Game::new(W, H);
        let mut canvas = Recorder {
            randoms: vec![0.3, 0.9, 0.1],
            ..Recorder::default()
        };
        for frame in 0..3000 {
            if frame % 400 == 0 {
                game.key_down(keys::SPACE, &mut canvas);
            }
            match frame % 90 {
                0 => game.key_down(keys::LEFT, &mut canvas),
                45 => game.key_up(keys::LEFT),
                _ => {}
            }
            game.update(1.0 / 60.0);
            game.draw(&mut canvas);
        }
        (canvas.calls, game.score())
    };
    let (first, score) = play();
    assert_eq!(first, play().0);
    assert!(score > 0, "the session scores");
}
