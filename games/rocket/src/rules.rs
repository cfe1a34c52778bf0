//! The numbers of the original game's rules, in game units and seconds.

use std::f64::consts::PI;

/// Rocket speed, always moving forward.
pub const ROCKET_SPEED: f64 = 200.0;
/// Rocket speed while boosting.
pub const BOOST_SPEED: f64 = 400.0;
/// Turning speed in radians per second.
pub const TURN_RATE: f64 = 2.0 * PI;
pub const ROCKET_RADIUS: f64 = 6.0;
/// Where bullets leave the rocket: its nose, ahead of its origin.
pub const NOSE: f64 = 20.0;
/// Trail particles per second, and how long each lives.
pub const TRAIL_RATE: f64 = 20.0;
pub const TRAIL_TTL: f64 = 0.5;

/// Seconds between bullets while shooting.
pub const SHOT_INTERVAL: f64 = 0.01;
pub const BULLET_SPEED: f64 = 500.0;
pub const BULLET_RADIUS: f64 = 3.0;

/// Seconds between enemies.
pub const ENEMY_INTERVAL: f64 = 1.0;
pub const ENEMY_SPEED: f64 = 100.0;
pub const ENEMY_RADIUS: f64 = 10.0;
/// No enemy appears closer to the rocket than this.
pub const SPAWN_DISTANCE: f64 = 200.0;

pub const POINTS_PER_KILL: u32 = 10;
/// Particles of one explosion, one per direction, each living 0.1 .. 0.9 s.
pub const EXPLOSION_PARTICLES: u32 = 30;
pub const EXPLOSION_TTL: (f64, f64) = (0.1, 0.9);
/// A particle moves at `PARTICLE_SPEED · ttl²` and is drawn with radius
/// `PARTICLE_RADIUS · ttl`.
pub const PARTICLE_SPEED: f64 = 500.0;
pub const PARTICLE_RADIUS: f64 = 5.0;
