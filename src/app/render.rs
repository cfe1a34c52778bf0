//! Draws a display list through a [`Painter`]: maps game units to the picture (scaled and
//! letterboxed) and skips or clamps what no renderer should be handed (NaN, infinities,
//! absurd sizes). Two painters draw the same primitives: [`WindowPainter`] with macroquad
//! in the window, and the software [`Raster`](super::raster::Raster) for pictures made
//! without one (`--headless` screenshots, GIFs). A framebuffer is scaled with crisp
//! (nearest) pixels.

use macroquad::prelude::{
    draw_circle, draw_circle_lines, draw_line, draw_rectangle, draw_rectangle_lines, draw_text,
    draw_texture_ex, draw_triangle, measure_text, screen_height, screen_width, vec2, Color,
    DrawTextureParams, FilterMode, Texture2D, Vec2, WHITE,
};

use super::theme::{PlayerLook, Round, Theme};
use crate::host::display_list::format_score;
use crate::host::DrawCall;

/// The primitives a display list is drawn with, in picture pixels (x right, y down).
/// Circles are macroquad's regular polygons: 20 sides filled, 30 as rings.
pub trait Painter {
    /// The picture's size in pixels.
    fn size(&self) -> (f32, f32);
    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Color);
    /// A rectangle's outline, `thickness` wide inside its edges.
    fn rect_lines(&mut self, x: f32, y: f32, w: f32, h: f32, thickness: f32, color: Color);
    fn triangle(&mut self, a: Vec2, b: Vec2, c: Vec2, color: Color);
    fn circle(&mut self, x: f32, y: f32, r: f32, color: Color);
    /// A ring from radius `r` outwards, `thickness` wide.
    fn circle_lines(&mut self, x: f32, y: f32, r: f32, thickness: f32, color: Color);
    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, thickness: f32, color: Color);
    /// Text in the default font, `size` pixels high, its top left corner at `corner`.
    fn text(&mut self, text: &str, corner: Vec2, size: u16, color: Color);
    /// Indexed pixels through `palette` (`0x00RRGGBB`), stretched over `dest`
    /// (x, y, width, height) with nearest sampling.
    fn indexed_image(
        &mut self,
        size: (u16, u16),
        palette: &[u32; 4],
        pixels: &[u8],
        dest: (f32, f32, f32, f32),
    );
}

/// Paints the window through macroquad.
pub struct WindowPainter;

impl Painter for WindowPainter {
    fn size(&self) -> (f32, f32) {
        (screen_width(), screen_height())
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Color) {
        draw_rectangle(x, y, w, h, color);
    }

    fn rect_lines(&mut self, x: f32, y: f32, w: f32, h: f32, thickness: f32, color: Color) {
        draw_rectangle_lines(x, y, w, h, thickness, color);
    }

    fn triangle(&mut self, a: Vec2, b: Vec2, c: Vec2, color: Color) {
        draw_triangle(a, b, c, color);
    }

    fn circle(&mut self, x: f32, y: f32, r: f32, color: Color) {
        draw_circle(x, y, r, color);
    }

    fn circle_lines(&mut self, x: f32, y: f32, r: f32, thickness: f32, color: Color) {
        draw_circle_lines(x, y, r, thickness, color);
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, thickness: f32, color: Color) {
        draw_line(x1, y1, x2, y2, thickness, color);
    }

    fn text(&mut self, text: &str, corner: Vec2, size: u16, color: Color) {
        let ascent = measure_text(text, None, size, 1.0).offset_y;
        draw_text(text, corner.x, corner.y + ascent, size as f32, color);
    }

    /// One texture per frame: a 160×160 one costs nothing worth caching.
    fn indexed_image(
        &mut self,
        size: (u16, u16),
        palette: &[u32; 4],
        pixels: &[u8],
        (x, y, w, h): (f32, f32, f32, f32),
    ) {
        let texture = Texture2D::from_rgba8(size.0, size.1, &indexed_to_rgba(palette, pixels));
        texture.set_filter(FilterMode::Nearest);
        let params = DrawTextureParams {
            dest_size: Some(vec2(w, h)),
            ..DrawTextureParams::default()
        };
        draw_texture_ex(&texture, x, y, WHITE, params);
    }
}

/// The rocket's triangle in game units, pointing along +x before rotation.
const ROCKET: [(f64, f64); 3] = [(0.0, -8.0), (20.0, 0.0), (0.0, 8.0)];
/// Coordinates further than this outside the field are not drawn.
const MAX_COORDINATE: f64 = 1.0e6;

/// Where the play field sits in the window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub field: (f64, f64),
    /// Window pixels per game unit.
    pub scale: f32,
    /// Window position of the field's top left corner.
    pub origin: Vec2,
}

impl Viewport {
    /// The largest scale at which the whole field fits the screen, centred.
    pub fn fit(field: (f64, f64), screen: (f32, f32)) -> Viewport {
        let (width, height) = (field.0 as f32, field.1 as f32);
        let scale = (screen.0 / width)
            .min(screen.1 / height)
            .max(f32::MIN_POSITIVE);
        let origin = vec2(screen.0 - width * scale, screen.1 - height * scale) / 2.0;
        Viewport {
            field,
            scale,
            origin,
        }
    }

    /// Window position of a game point, or `None` if it is not a drawable number.
    pub fn point(&self, x: f64, y: f64) -> Option<Vec2> {
        let limit = MAX_COORDINATE + self.field.0.max(self.field.1);
        let usable = |v: f64| v.is_finite() && v.abs() <= limit;
        (usable(x) && usable(y)).then(|| self.origin + vec2(x as f32, y as f32) * self.scale)
    }

    /// The game point under a window position (outside the field for the letterbox).
    pub fn field_point(&self, window: Vec2) -> (f64, f64) {
        let point = (window - self.origin) / self.scale;
        (point.x as f64, point.y as f64)
    }

    /// Window length of a game radius; `None` for NaN, infinite or non-positive ones.
    /// Huge radii are clamped to the field's diagonal.
    pub fn radius(&self, r: f64) -> Option<f32> {
        let diagonal = self.field.0.hypot(self.field.1);
        (r.is_finite() && r > 0.0).then(|| r.min(diagonal) as f32 * self.scale)
    }
}

/// Draws one frame's display list over the whole picture, then covers whatever spilled
/// outside the field.
pub fn draw_frame(
    painter: &mut impl Painter,
    calls: &[DrawCall],
    theme: &Theme,
    field: (f64, f64),
) {
    let (width, height) = painter.size();
    let viewport = Viewport::fit(field, (width, height));
    painter.rect(0.0, 0.0, width, height, theme.letterbox);
    // A game that never calls `clear_screen` still gets a field, as on a fresh canvas.
    draw_call(painter, &DrawCall::Clear, theme, &viewport);
    for call in calls {
        draw_call(painter, call, theme, &viewport);
    }
    draw_letterbox(painter, theme, &viewport);
}

fn draw_call(painter: &mut impl Painter, call: &DrawCall, theme: &Theme, viewport: &Viewport) {
    match *call {
        DrawCall::Fill { .. }
        | DrawCall::Rect { .. }
        | DrawCall::Circle { .. }
        | DrawCall::Line { .. }
        | DrawCall::Polygon { .. }
        | DrawCall::Text { .. } => draw_shape(painter, call, viewport),
        DrawCall::Framebuffer {
            width,
            height,
            palette,
            ref pixels,
        } => {
            if pixels.len() == width as usize * height as usize {
                let size = vec2(viewport.field.0 as f32, viewport.field.1 as f32) * viewport.scale;
                let dest = (viewport.origin.x, viewport.origin.y, size.x, size.y);
                painter.indexed_image((width, height), &palette, pixels, dest);
            }
        }
        // Heard, not seen (see `app::sound`).
        DrawCall::Tone { .. } => {}
        DrawCall::Clear => {
            let size = vec2(viewport.field.0 as f32, viewport.field.1 as f32) * viewport.scale;
            let origin = viewport.origin;
            painter.rect(origin.x, origin.y, size.x, size.y, theme.background);
        }
        DrawCall::Player { x, y, angle } => match theme.player {
            PlayerLook::Rocket(color) => draw_rocket(painter, x, y, angle, color, viewport),
            PlayerLook::Round(round) => draw_round(painter, x, y, &round, viewport),
        },
        DrawCall::Enemy { x, y } => draw_round(painter, x, y, &theme.enemy, viewport),
        DrawCall::Bullet { x, y } => draw_round(painter, x, y, &theme.bullet, viewport),
        DrawCall::Particle { x, y, radius } => {
            if let (Some(centre), Some(radius)) = (viewport.point(x, y), viewport.radius(radius)) {
                painter.circle(centre.x, centre.y, radius, theme.particle);
            }
        }
        DrawCall::Score(score) => {
            let text = format!("Score: {}", format_score(score));
            let size = (theme.score_size * viewport.scale).round().max(1.0) as u16;
            let corner = viewport.origin + vec2(10.0, 10.0) * viewport.scale;
            painter.text(&text, corner, size, theme.score);
        }
    }
}

fn draw_rocket(
    painter: &mut impl Painter,
    x: f64,
    y: f64,
    angle: f64,
    color: Color,
    viewport: &Viewport,
) {
    if !angle.is_finite() {
        return;
    }
    let (sin, cos) = angle.sin_cos();
    let corner =
        |(px, py): (f64, f64)| viewport.point(x + px * cos - py * sin, y + px * sin + py * cos);
    if let [Some(a), Some(b), Some(c)] = ROCKET.map(corner) {
        painter.triangle(a, b, c, color);
    }
}

fn draw_round(painter: &mut impl Painter, x: f64, y: f64, round: &Round, viewport: &Viewport) {
    let Some(centre) = viewport.point(x, y) else {
        return;
    };
    let radius = round.radius * viewport.scale;
    match round.ring {
        None => painter.circle(centre.x, centre.y, radius, round.color),
        Some(width) => painter.circle_lines(
            centre.x,
            centre.y,
            radius,
            width * viewport.scale,
            round.color,
        ),
    }
}

/// A canvas-contract shape, in its own colour.
fn draw_shape(painter: &mut impl Painter, call: &DrawCall, viewport: &Viewport) {
    let color = rgba(call.color().unwrap_or(0));
    let at = |x: f32, y: f32| viewport.point(x as f64, y as f64);
    let length = |v: f32| viewport.radius(v as f64);
    match call {
        DrawCall::Fill { .. } => {
            let size = vec2(viewport.field.0 as f32, viewport.field.1 as f32) * viewport.scale;
            painter.rect(viewport.origin.x, viewport.origin.y, size.x, size.y, color);
        }
        DrawCall::Rect {
            x, y, w, h, line, ..
        } => {
            // Negative sizes extend to the left or up.
            let (x, w) = if *w < 0.0 { (x + w, -w) } else { (*x, *w) };
            let (y, h) = if *h < 0.0 { (y + h, -h) } else { (*y, *h) };
            if let (Some(corner), Some(w), Some(h)) = (at(x, y), length(w), length(h)) {
                match line.map(length) {
                    None => painter.rect(corner.x, corner.y, w, h, color),
                    Some(Some(width)) => painter.rect_lines(corner.x, corner.y, w, h, width, color),
                    Some(None) => {}
                }
            }
        }
        DrawCall::Circle {
            x, y, radius, line, ..
        } => {
            if let (Some(centre), Some(r)) = (at(*x, *y), length(*radius)) {
                match line.map(length) {
                    None => painter.circle(centre.x, centre.y, r, color),
                    Some(Some(width)) => painter.circle_lines(centre.x, centre.y, r, width, color),
                    Some(None) => {}
                }
            }
        }
        DrawCall::Line {
            x1,
            y1,
            x2,
            y2,
            width,
            ..
        } => {
            if let (Some(a), Some(b), Some(width)) = (at(*x1, *y1), at(*x2, *y2), length(*width)) {
                painter.line(a.x, a.y, b.x, b.y, width, color);
            }
        }
        DrawCall::Polygon { points, line, .. } => {
            let Some(points) = points
                .iter()
                .map(|p| at(p[0], p[1]))
                .collect::<Option<Vec<Vec2>>>()
            else {
                return;
            };
            match line.map(length) {
                // A fan of triangles: right for convex polygons, as documented.
                None => {
                    for pair in points.windows(2).skip(1) {
                        painter.triangle(points[0], pair[0], pair[1], color);
                    }
                }
                Some(Some(width)) => {
                    for (i, a) in points.iter().enumerate() {
                        let b = points[(i + 1) % points.len()];
                        painter.line(a.x, a.y, b.x, b.y, width, color);
                    }
                }
                Some(None) => {}
            }
        }
        DrawCall::Text {
            text, x, y, size, ..
        } => {
            if let (Some(corner), Some(size)) = (at(*x, *y), length(*size)) {
                let size = size.clamp(1.0, 512.0).round() as u16;
                painter.text(text, corner, size, color);
            }
        }
        _ => {}
    }
}

/// Indexed pixels through `palette` (`0x00RRGGBB`), as RGBA bytes.
pub fn indexed_to_rgba(palette: &[u32; 4], pixels: &[u8]) -> Vec<u8> {
    pixels
        .iter()
        .flat_map(|&index| {
            let [_, r, g, b] = palette[index as usize & 3].to_be_bytes();
            [r, g, b, 255]
        })
        .collect()
}

/// `0xRRGGBBAA` as a macroquad colour.
fn rgba(color: u32) -> Color {
    let [r, g, b, a] = color.to_be_bytes();
    Color::from_rgba(r, g, b, a)
}

/// Paints the bars around the field, hiding shapes that reach past its edges.
fn draw_letterbox(painter: &mut impl Painter, theme: &Theme, viewport: &Viewport) {
    let (sw, sh) = painter.size();
    let size = vec2(viewport.field.0 as f32, viewport.field.1 as f32) * viewport.scale;
    let (left, top) = (viewport.origin.x, viewport.origin.y);
    let (right, bottom) = (left + size.x, top + size.y);
    painter.rect(0.0, 0.0, sw, top, theme.letterbox);
    painter.rect(0.0, bottom, sw, sh - bottom, theme.letterbox);
    painter.rect(0.0, top, left, size.y, theme.letterbox);
    painter.rect(right, top, sw - right, size.y, theme.letterbox);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_is_scaled_to_fit_and_centred() {
        let v = Viewport::fit((1000.0, 500.0), (500.0, 500.0));
        assert_eq!(v.scale, 0.5);
        assert_eq!(v.origin, vec2(0.0, 125.0));
        assert_eq!(v.point(1000.0, 500.0), Some(vec2(500.0, 375.0)));
        assert_eq!(v.field_point(vec2(500.0, 375.0)), (1000.0, 500.0));
        assert_eq!(v.field_point(vec2(0.0, 0.0)), (0.0, -250.0));
    }

    #[test]
    fn unusable_numbers_are_skipped_and_huge_radii_clamped() {
        let v = Viewport::fit((100.0, 100.0), (100.0, 100.0));
        assert_eq!(v.point(f64::NAN, 0.0), None);
        assert_eq!(v.point(0.0, f64::INFINITY), None);
        assert_eq!(v.point(1e300, 0.0), None);
        assert_eq!(v.radius(f64::NAN), None);
        assert_eq!(v.radius(0.0), None);
        assert_eq!(v.radius(-1.0), None);
        assert_eq!(v.radius(1e300), Some(100.0f64.hypot(100.0) as f32));
        assert_eq!(v.radius(2.5), Some(2.5));
    }

    #[test]
    fn indexed_pixels_go_through_the_palette() {
        let palette = [0x0011_2233, 0x00ff_0000, 0, 0x00ff_ffff];
        assert_eq!(
            indexed_to_rgba(&palette, &[0, 3, 1]),
            [0x11, 0x22, 0x33, 255, 255, 255, 255, 255, 255, 0, 0, 255]
        );
    }

    #[test]
    fn colours_are_rgba() {
        assert_eq!(rgba(0xff80_00ff), Color::from_rgba(255, 128, 0, 255));
    }

    #[test]
    fn a_zero_sized_window_does_not_divide_by_zero() {
        let v = Viewport::fit((100.0, 100.0), (0.0, 0.0));
        assert!(v.scale > 0.0 && v.scale.is_finite());
    }
}
