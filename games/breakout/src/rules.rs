//! The numbers of the game, in game units and seconds.

pub const LIVES: u32 = 3;
pub const ROWS: usize = 6;
pub const COLUMNS: usize = 12;
/// Space around the wall of bricks and between bricks.
pub const MARGIN: f32 = 32.0;
pub const GAP: f32 = 4.0;
/// Where the wall starts (below the score line) and how tall a brick is.
pub const WALL_TOP: f32 = 80.0;
pub const BRICK_HEIGHT: f32 = 22.0;
/// Points of a brick in the top row; each row below is worth 10 less.
pub const TOP_ROW_POINTS: u32 = 60;

pub const PADDLE_WIDTH: f32 = 120.0;
pub const PADDLE_HEIGHT: f32 = 14.0;
/// How far the paddle's top is above the field's bottom.
pub const PADDLE_LIFT: f32 = 40.0;
pub const PADDLE_SPEED: f32 = 600.0;

pub const BALL_RADIUS: f32 = 8.0;
/// Ball speed at level 1, what each level adds, what each brick adds, and the cap.
pub const BALL_SPEED: f32 = 350.0;
pub const LEVEL_SPEEDUP: f32 = 50.0;
pub const HIT_SPEEDUP: f32 = 8.0;
pub const MAX_BALL_SPEED: f32 = 800.0;
/// The steepest a paddle bounce sends the ball sideways: |vx| / speed at the paddle's ends.
pub const MAX_BOUNCE_SLANT: f32 = 0.8;
/// The longest step of one `update`: a stall does not teleport the ball.
pub const MAX_DT: f32 = 0.1;

/// Browser key codes (`docs/canvas-abi.md`).
pub mod keys {
    pub const LEFT: i32 = 37;
    pub const RIGHT: i32 = 39;
    pub const A: i32 = 65;
    pub const D: i32 = 68;
    pub const SPACE: i32 = 32;
    pub const ENTER: i32 = 13;
}
