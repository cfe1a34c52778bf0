//! What the game needs from its host: the rocket contract's imports.

/// The contract's imports: drawing (in game units, x right, y down) and math.
pub trait Host {
    fn clear_screen(&mut self);
    /// The rocket at (x, y), rotated by `angle` radians.
    fn draw_player(&mut self, x: f64, y: f64, angle: f64);
    fn draw_enemy(&mut self, x: f64, y: f64);
    fn draw_bullet(&mut self, x: f64, y: f64);
    fn draw_particle(&mut self, x: f64, y: f64, radius: f64);
    fn draw_score(&mut self, score: f64);
    fn sin(&mut self, x: f64) -> f64;
    fn cos(&mut self, x: f64) -> f64;
    fn atan(&mut self, x: f64) -> f64;
}
