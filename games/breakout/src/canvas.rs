//! What the game needs from its host: the canvas contract's imports it uses.

/// The imports, in game units (x right, y down) and `0xRRGGBBAA` colours.
pub trait Canvas {
    fn clear(&mut self, color: u32);
    fn set_color(&mut self, color: u32);
    fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32);
    fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, line_width: f32);
    fn fill_circle(&mut self, x: f32, y: f32, radius: f32);
    /// Text with its top left corner at (x, y), `size` units tall.
    fn text(&mut self, text: &str, x: f32, y: f32, size: f32);
    /// A number in [0, 1) from the host's seeded generator.
    fn random(&mut self) -> f64;
    fn log(&mut self, message: &str);
}
