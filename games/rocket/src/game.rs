//! The game's state and rules: the rocket, bullets, enemies, particles and score, advanced
//! by `update(dt)` and shown by `draw`.

use std::f64::consts::PI;

use crate::host::Host;
use crate::rng::Rng;
use crate::rules::*;
use crate::vector::Vector;

/// The keys the host toggles.
#[derive(Debug, Clone, Copy, Default)]
struct Keys {
    shoot: bool,
    boost: bool,
    left: bool,
    right: bool,
}

#[derive(Debug, Clone, Copy)]
struct Rocket {
    position: Vector,
    /// Heading in radians (0 = +x; positive turns clockwise on screen, y down).
    angle: f64,
}

#[derive(Debug, Clone, Copy)]
struct Bullet {
    position: Vector,
    velocity: Vector,
}

#[derive(Debug, Clone, Copy)]
struct Particle {
    position: Vector,
    /// Unit direction of travel.
    direction: Vector,
    /// Seconds left to live.
    ttl: f64,
}

/// Countdown timers, in seconds accumulated towards the next event.
#[derive(Debug, Clone, Copy, Default)]
struct Timers {
    shot: f64,
    enemy: f64,
    trail: f64,
}

/// The whole game.
pub struct Game {
    size: Vector,
    rng: Rng,
    rocket: Rocket,
    bullets: Vec<Bullet>,
    enemies: Vec<Vector>,
    particles: Vec<Particle>,
    score: u32,
    keys: Keys,
    timers: Timers,
}

impl Game {
    /// A new game on a `width` × `height` field, the rocket in the middle.
    pub fn new(width: f64, height: f64) -> Game {
        let size = Vector::new(width, height);
        Game {
            size,
            rng: Rng::new(),
            rocket: Rocket {
                position: size * 0.5,
                angle: 0.0,
            },
            bullets: Vec::new(),
            enemies: Vec::new(),
            particles: Vec::new(),
            score: 0,
            keys: Keys::default(),
            timers: Timers::default(),
        }
    }

    /// Restarts the game on a field of this size (the contract's `resize`).
    pub fn resize(&mut self, width: f64, height: f64) {
        *self = Game::new(width, height);
    }

    pub fn toggle_shoot(&mut self, on: bool) {
        self.keys.shoot = on;
    }

    pub fn toggle_boost(&mut self, on: bool) {
        self.keys.boost = on;
    }

    pub fn toggle_turn_left(&mut self, on: bool) {
        self.keys.left = on;
    }

    pub fn toggle_turn_right(&mut self, on: bool) {
        self.keys.right = on;
    }

    pub fn score(&self) -> u32 {
        self.score
    }

    /// Advances the game by `dt` seconds.
    pub fn update(&mut self, dt: f64, host: &mut impl Host) {
        self.move_rocket(dt, host);
        self.leave_trail(dt, host);
        self.shoot(dt, host);
        self.move_bullets(dt);
        self.spawn_enemies(dt);
        self.move_enemies(dt, host);
        self.hit_enemies(host);
        self.crash_into_enemies(host);
        self.age_particles(dt);
    }

    /// Draws the frame: clear, particles, bullets, enemies, the rocket, the score.
    pub fn draw(&self, host: &mut impl Host) {
        host.clear_screen();
        for particle in &self.particles {
            let p = particle.position;
            host.draw_particle(p.x, p.y, PARTICLE_RADIUS * particle.ttl);
        }
        for bullet in &self.bullets {
            host.draw_bullet(bullet.position.x, bullet.position.y);
        }
        for enemy in &self.enemies {
            host.draw_enemy(enemy.x, enemy.y);
        }
        let rocket = self.rocket;
        host.draw_player(rocket.position.x, rocket.position.y, rocket.angle);
        host.draw_score(self.score as f64);
    }

    fn heading(&self, host: &mut impl Host) -> Vector {
        let angle = self.rocket.angle;
        Vector::new(host.cos(angle), host.sin(angle))
    }

    /// Turns, moves forward (faster while boosting), wraps around the field's edges.
    fn move_rocket(&mut self, dt: f64, host: &mut impl Host) {
        if self.keys.left {
            self.rocket.angle -= TURN_RATE * dt;
        }
        if self.keys.right {
            self.rocket.angle += TURN_RATE * dt;
        }
        let speed = if self.keys.boost {
            BOOST_SPEED
        } else {
            ROCKET_SPEED
        };
        let step = self.heading(host) * (speed * dt);
        let moved = self.rocket.position + step;
        self.rocket.position = Vector::new(wrap(moved.x, self.size.x), wrap(moved.y, self.size.y));
    }

    /// A particle flying backwards, `TRAIL_RATE` times a second.
    fn leave_trail(&mut self, dt: f64, host: &mut impl Host) {
        self.timers.trail += dt;
        let interval = 1.0 / TRAIL_RATE;
        while self.timers.trail >= interval {
            self.timers.trail -= interval;
            let backwards = self.heading(host) * -1.0;
            self.particles.push(Particle {
                position: self.rocket.position,
                direction: backwards,
                ttl: TRAIL_TTL,
            });
        }
    }

    /// While shooting, a bullet from the nose every `SHOT_INTERVAL`.
    fn shoot(&mut self, dt: f64, host: &mut impl Host) {
        if !self.keys.shoot {
            self.timers.shot = 0.0;
            return;
        }
        self.timers.shot += dt;
        while self.timers.shot >= SHOT_INTERVAL {
            self.timers.shot -= SHOT_INTERVAL;
            let heading = self.heading(host);
            self.bullets.push(Bullet {
                position: self.rocket.position + heading * NOSE,
                velocity: heading * BULLET_SPEED,
            });
        }
    }

    /// Moves bullets; those outside the field are gone.
    fn move_bullets(&mut self, dt: f64) {
        let size = self.size;
        for bullet in &mut self.bullets {
            bullet.position = bullet.position + bullet.velocity * dt;
        }
        self.bullets.retain(|b| {
            let p = b.position;
            p.x >= 0.0 && p.x <= size.x && p.y >= 0.0 && p.y <= size.y
        });
    }

    /// One enemy every `ENEMY_INTERVAL`, somewhere at least `SPAWN_DISTANCE` away.
    fn spawn_enemies(&mut self, dt: f64) {
        self.timers.enemy += dt;
        while self.timers.enemy >= ENEMY_INTERVAL {
            self.timers.enemy -= ENEMY_INTERVAL;
            let place = Vector::new(self.rng.unit() * self.size.x, self.rng.unit() * self.size.y);
            self.enemies
                .push(push_away(place, self.rocket.position, SPAWN_DISTANCE));
        }
    }

    /// Every enemy flies straight at the rocket.
    fn move_enemies(&mut self, dt: f64, host: &mut impl Host) {
        let target = self.rocket.position;
        for enemy in &mut self.enemies {
            let to_rocket = target - *enemy;
            if to_rocket.length() == 0.0 {
                continue;
            }
            let mut angle = host.atan(to_rocket.y / to_rocket.x);
            if to_rocket.x < 0.0 {
                angle += PI;
            }
            let direction = Vector::new(host.cos(angle), host.sin(angle));
            *enemy = *enemy + direction * (ENEMY_SPEED * dt);
        }
    }

    /// A bullet touching an enemy removes both, scores, and explodes.
    fn hit_enemies(&mut self, host: &mut impl Host) {
        let mut index = 0;
        while index < self.enemies.len() {
            let enemy = self.enemies[index];
            let hit = self
                .bullets
                .iter()
                .position(|b| b.position.distance(enemy) < BULLET_RADIUS + ENEMY_RADIUS);
            match hit {
                Some(bullet) => {
                    self.bullets.remove(bullet);
                    self.enemies.remove(index);
                    self.score += POINTS_PER_KILL;
                    self.explode(enemy, host);
                }
                None => index += 1,
            }
        }
    }

    /// An enemy touching the rocket: an explosion there, then the game starts over with
    /// the rocket somewhere new.
    fn crash_into_enemies(&mut self, host: &mut impl Host) {
        let rocket = self.rocket.position;
        let crashed = self
            .enemies
            .iter()
            .any(|e| e.distance(rocket) < ENEMY_RADIUS + ROCKET_RADIUS);
        if !crashed {
            return;
        }
        self.explode(rocket, host);
        self.score = 0;
        self.bullets.clear();
        self.enemies.clear();
        self.rocket.position =
            Vector::new(self.rng.unit() * self.size.x, self.rng.unit() * self.size.y);
    }

    /// `EXPLOSION_PARTICLES` particles in evenly spread directions, with random lives.
    fn explode(&mut self, at: Vector, host: &mut impl Host) {
        for i in 0..EXPLOSION_PARTICLES {
            let angle = 2.0 * PI * i as f64 / EXPLOSION_PARTICLES as f64;
            let (low, high) = EXPLOSION_TTL;
            self.particles.push(Particle {
                position: at,
                direction: Vector::new(host.cos(angle), host.sin(angle)),
                ttl: self.rng.range(low, high),
            });
        }
    }

    /// Particles slow down and shrink as they age, and are gone when their time is up.
    fn age_particles(&mut self, dt: f64) {
        for particle in &mut self.particles {
            let speed = PARTICLE_SPEED * particle.ttl * particle.ttl;
            particle.position = particle.position + particle.direction * (speed * dt);
            particle.ttl -= dt;
        }
        self.particles.retain(|p| p.ttl > 0.0);
    }
}

/// Wraps a coordinate into `[0, size)`.
fn wrap(value: f64, size: f64) -> f64 {
    if value < 0.0 {
        value + size
    } else if value >= size {
        value - size
    } else {
        value
    }
}

/// `place`, moved straight away from `from` until it is at least `distance` away.
fn push_away(place: Vector, from: Vector, distance: f64) -> Vector {
    let offset = place - from;
    let length = offset.length();
    if length >= distance {
        place
    } else if length == 0.0 {
        from + Vector::new(distance, 0.0)
    } else {
        from + offset * (distance / length)
    }
}

#[cfg(test)]
mod tests;
