//! The software [`Painter`]: draws a display list into RGBA pixels without a window or a
//! GPU, for `--headless` screenshots and GIFs. It builds the same triangles macroquad
//! 0.4.16 builds for each primitive (`draw_poly` for circles, `draw_arc` for rings,
//! `draw_line`, `draw_rectangle_lines`) and fills them as OpenGL does: a pixel is covered
//! when its centre is inside a triangle, with the top-left rule on the edges, and blended
//! over what is there by the colour's alpha. Text uses macroquad's default font
//! (ProggyClean, `assets/ProggyClean.ttf`) rasterised by the same `fontdue`, placed as
//! `draw_text` places it. `tests/window.rs` compares the two renderers' pictures.

use std::collections::HashMap;
use std::f32::consts::TAU;
use std::sync::LazyLock;

use macroquad::prelude::{vec2, Color, Vec2};

use super::render::{indexed_to_rgba, Painter};

/// macroquad's default font.
static FONT: LazyLock<fontdue::Font> = LazyLock::new(|| {
    fontdue::Font::from_bytes(
        &include_bytes!("../../assets/ProggyClean.ttf")[..],
        fontdue::FontSettings::default(),
    )
    .expect("the bundled font parses")
});

/// Sides of a filled circle (`draw_circle`) and of a ring (`draw_circle_lines`).
const CIRCLE_SIDES: u8 = 20;
const RING_SIDES: u8 = 30;

/// An RGBA picture, rows top-down, drawn in software.
pub struct Raster {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
    /// Glyphs rasterised so far, by character and size: (metrics, coverage).
    glyphs: HashMap<(char, u16), (fontdue::Metrics, Vec<u8>)>,
}

impl Raster {
    /// A black picture of `width`×`height` pixels.
    pub fn new(width: u32, height: u32) -> Raster {
        let mut pixels = vec![0; width as usize * height as usize * 4];
        pixels.chunks_exact_mut(4).for_each(|p| p[3] = 255);
        Raster {
            width,
            height,
            pixels,
            glyphs: HashMap::new(),
        }
    }

    /// The pixels, RGBA, rows top-down.
    pub fn into_rgba(self) -> Vec<u8> {
        self.pixels
    }

    /// Blends `color` with coverage `alpha` (0–1) over pixel (`x`, `y`), as OpenGL's
    /// `SRC_ALPHA, ONE_MINUS_SRC_ALPHA` blending into an 8-bit framebuffer.
    fn blend(&mut self, x: u32, y: u32, color: Color, alpha: f32) {
        let at = (y as usize * self.width as usize + x as usize) * 4;
        let a = (color.a * alpha).clamp(0.0, 1.0);
        let pixel = &mut self.pixels[at..at + 4];
        if a == 1.0 {
            let byte = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
            pixel[..3].copy_from_slice(&[byte(color.r), byte(color.g), byte(color.b)]);
            return;
        }
        for (channel, source) in pixel.iter_mut().zip([color.r, color.g, color.b]) {
            let dest = *channel as f32 / 255.0;
            let value = source.clamp(0.0, 1.0) * a + dest * (1.0 - a);
            *channel = (value * 255.0).round() as u8;
        }
    }

    /// Fills a triangle: every pixel whose centre is inside it (see [`is_bottom_left`] for
    /// those on its edges).
    fn fill(&mut self, a: Vec2, b: Vec2, c: Vec2, color: Color) {
        let (a, b, c) = if edge(a, b, c) < 0.0 {
            (a, c, b)
        } else {
            (a, b, c)
        };
        let area = edge(a, b, c);
        // Degenerate, or NaN somewhere: nothing to fill.
        if area.is_nan() || area <= 0.0 || ![a, b, c].iter().all(|p| p.is_finite()) {
            return;
        }
        let clamp = |v: f32, max: u32| v.clamp(0.0, max as f32) as u32;
        let (x0, x1) = (a.x.min(b.x).min(c.x), a.x.max(b.x).max(c.x));
        let (y0, y1) = (a.y.min(b.y).min(c.y), a.y.max(b.y).max(c.y));
        let (x0, x1) = (clamp(x0.floor(), self.width), clamp(x1.ceil(), self.width));
        let (y0, y1) = (
            clamp(y0.floor(), self.height),
            clamp(y1.ceil(), self.height),
        );
        let edges = [(b, c), (c, a), (a, b)];
        for y in y0..y1 {
            for x in x0..x1 {
                let p = vec2(x as f32 + 0.5, y as f32 + 0.5);
                let inside = edges.iter().all(|&(from, to)| {
                    let w = edge(from, to, p);
                    w > 0.0 || (w == 0.0 && is_bottom_left(from, to))
                });
                if inside {
                    self.blend(x, y, color, 1.0);
                }
            }
        }
    }

    /// Fills the triangles `indices` (three per triangle) of `vertices`.
    fn fill_mesh(&mut self, vertices: &[Vec2], indices: &[usize], color: Color) {
        for corner in indices.chunks_exact(3) {
            self.fill(
                vertices[corner[0]],
                vertices[corner[1]],
                vertices[corner[2]],
                color,
            );
        }
    }

    /// A glyph's metrics and coverage at `size` pixels.
    fn glyph(&mut self, character: char, size: u16) -> &(fontdue::Metrics, Vec<u8>) {
        self.glyphs
            .entry((character, size))
            .or_insert_with(|| FONT.rasterize(character, size as f32))
    }
}

/// Twice the signed area of (`a`, `b`, `p`): positive when `p` is on the inner side of the
/// edge `a`→`b` of a triangle wound that way.
fn edge(a: Vec2, b: Vec2, p: Vec2) -> f32 {
    (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x)
}

/// Whether a pixel centre exactly on edge `from`→`to` (of a triangle wound so that
/// [`edge`] is positive inside) counts as inside, so that triangles sharing an edge cover
/// each pixel once: OpenGL's top-left rule, whose "top" is the bottom of the picture here
/// (GL's window rows run upwards; seen so on Mesa's llvmpipe under Xvfb).
fn is_bottom_left(from: Vec2, to: Vec2) -> bool {
    let d = to - from;
    (d.y == 0.0 && d.x < 0.0) || d.y < 0.0
}

impl Painter for Raster {
    fn size(&self) -> (f32, f32) {
        (self.width as f32, self.height as f32)
    }

    /// The pixels whose centres are inside: the same as its two triangles, filled a row
    /// at a time.
    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Color) {
        if !(x.is_finite() && y.is_finite() && w.is_finite() && h.is_finite()) {
            return;
        }
        let (x0, x1) = (x.min(x + w), x.max(x + w));
        let (y0, y1) = (y.min(y + h), y.max(y + h));
        // Centres at i + 0.5 in [x0, x1) and in (y0, y1]: left and bottom edges count.
        let clamp = |v: f32, max: u32| v.clamp(0.0, max as f32) as u32;
        let columns = clamp((x0 - 0.5).ceil(), self.width)..clamp((x1 - 0.5).ceil(), self.width);
        let rows = clamp((y0 - 0.5).floor() + 1.0, self.height)
            ..clamp((y1 - 0.5).floor() + 1.0, self.height);
        for row in rows {
            for column in columns.clone() {
                self.blend(column, row, color, 1.0);
            }
        }
    }

    fn rect_lines(&mut self, x: f32, y: f32, w: f32, h: f32, thickness: f32, color: Color) {
        let t = thickness / 2.0;
        let vertices = [
            vec2(x, y),
            vec2(x + w, y),
            vec2(x + w, y + h),
            vec2(x, y + h),
            vec2(x + t, y + t),
            vec2(x + w - t, y + t),
            vec2(x + w - t, y + h - t),
            vec2(x + t, y + h - t),
        ];
        let indices = [
            0, 1, 4, 1, 4, 5, 1, 5, 6, 1, 2, 6, 3, 7, 2, 2, 7, 6, 0, 4, 3, 3, 4, 7,
        ];
        self.fill_mesh(&vertices, &indices, color);
    }

    fn triangle(&mut self, a: Vec2, b: Vec2, c: Vec2, color: Color) {
        self.fill(a, b, c, color);
    }

    fn circle(&mut self, x: f32, y: f32, r: f32, color: Color) {
        let centre = vec2(x, y);
        let sides = CIRCLE_SIDES as f32;
        let rim: Vec<Vec2> = (0..=CIRCLE_SIDES)
            .map(|i| {
                let angle = i as f32 / sides * std::f32::consts::PI * 2.0;
                centre + r * vec2(angle.cos(), angle.sin())
            })
            .collect();
        for pair in rim.windows(2) {
            self.fill(centre, pair[0], pair[1], color);
        }
    }

    fn circle_lines(&mut self, x: f32, y: f32, r: f32, thickness: f32, color: Color) {
        let part = 360.0f32.to_radians();
        let sides = (RING_SIDES as f32 * part / TAU).ceil().max(1.0);
        let span = part / sides;
        let centre = vec2(x, y);
        let at = |angle: f32, radius: f32| centre + radius * Vec2::from_angle(angle);
        for i in 0..sides as usize {
            let start = i as f32 * span;
            let end = start + span;
            let quad = [
                at(start, r),
                at(start, r + thickness),
                at(end, r),
                at(end, r + thickness),
            ];
            self.fill_mesh(&quad, &[0, 1, 2, 2, 1, 3], color);
        }
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, thickness: f32, color: Color) {
        let (nx, ny) = (-(y2 - y1), x2 - x1);
        let tlen = (nx * nx + ny * ny).sqrt() / (thickness * 0.5);
        if tlen < f32::EPSILON {
            return;
        }
        let t = vec2(nx / tlen, ny / tlen);
        let (a, b) = (vec2(x1, y1), vec2(x2, y2));
        self.fill_mesh(&[a + t, a - t, b + t, b - t], &[0, 1, 2, 2, 1, 3], color);
    }

    /// As `draw_text`: glyphs at their fontdue offsets along the advances, the baseline
    /// below `corner` by the tallest glyph's height above it. Each pixel shows the texel
    /// under its centre: the window samples glyphs that way (their atlas is set to linear
    /// filtering, yet Mesa's llvmpipe pictures match nearest sampling, seen at
    /// fractional glyph positions).
    fn text(&mut self, text: &str, corner: Vec2, size: u16, color: Color) {
        let glyphs: Vec<(fontdue::Metrics, Vec<u8>)> =
            text.chars().map(|c| self.glyph(c, size).clone()).collect();
        let ascent = glyphs
            .iter()
            .map(|(m, _)| m.height as f32 + m.ymin as f32)
            .fold(f32::MIN, f32::max);
        let baseline = corner.y + ascent;
        let mut advance = 0.0;
        let mut last = None;
        for (character, (metrics, coverage)) in text.chars().zip(&glyphs) {
            let kerning = last
                .and_then(|left| FONT.horizontal_kern(left, character, size as f32))
                .unwrap_or(0.0);
            last = Some(character);
            let (w, h) = (metrics.width, metrics.height);
            let left = corner.x + metrics.xmin as f32 + advance + kerning;
            let top = baseline - h as f32 - metrics.ymin as f32;
            advance += metrics.advance_width + kerning;
            // The pixels whose centres the glyph's quad covers, each showing the texel
            // under its centre.
            let clamp = |v: f32, max: u32| v.clamp(0.0, max as f32) as u32;
            let right = left + w as f32;
            let bottom = top + h as f32;
            let columns =
                clamp((left - 0.5).ceil(), self.width)..clamp((right - 0.5).ceil(), self.width);
            let rows = clamp((top - 0.5).floor() + 1.0, self.height)
                ..clamp((bottom - 0.5).floor() + 1.0, self.height);
            for y in rows {
                let ty = ((y as f32 + 0.5 - top) as usize).min(h - 1);
                for x in columns.clone() {
                    let tx = ((x as f32 + 0.5 - left) as usize).min(w - 1);
                    let alpha = coverage[ty * w + tx] as f32 / 255.0;
                    if alpha > 0.0 {
                        self.blend(x, y, color, alpha);
                    }
                }
            }
        }
    }

    fn indexed_image(
        &mut self,
        size: (u16, u16),
        palette: &[u32; 4],
        pixels: &[u8],
        (left, top, w, h): (f32, f32, f32, f32),
    ) {
        let rgba = indexed_to_rgba(palette, pixels);
        let (sw, sh) = (size.0 as f32, size.1 as f32);
        let clamp = |v: f32, max: u32| v.clamp(0.0, max as f32) as u32;
        for y in clamp(top.floor(), self.height)..clamp((top + h).ceil(), self.height) {
            let v = (y as f32 + 0.5 - top) / h * sh;
            if !(0.0..sh).contains(&v) {
                continue;
            }
            for x in clamp(left.floor(), self.width)..clamp((left + w).ceil(), self.width) {
                let u = (x as f32 + 0.5 - left) / w * sw;
                if !(0.0..sw).contains(&u) {
                    continue;
                }
                let from = (v as usize * size.0 as usize + u as usize) * 4;
                let to = (y as usize * self.width as usize + x as usize) * 4;
                self.pixels[to..to + 4].copy_from_slice(&rgba[from..from + 4]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raster: &Raster, x: u32, y: u32) -> [u8; 4] {
        let i = (y * raster.width + x) as usize * 4;
        raster.pixels[i..i + 4].try_into().unwrap()
    }

    #[test]
    fn edges_through_pixel_centres_count_on_the_left_and_bottom() {
        // A 3-pixel-wide outline: its inner edges pass through pixel centres.
        let mut raster = Raster::new(12, 12);
        raster.rect_lines(0.0, 0.0, 10.0, 10.0, 3.0, Color::from_rgba(0, 255, 0, 255));
        let green = |x, y| at(&raster, x, y)[1] == 255;
        assert!(
            green(5, 0) && green(5, 1) && !green(5, 2),
            "top bar: rows 0-1"
        );
        assert!(!green(5, 8) && green(5, 9), "bottom bar: row 9");
        assert!(green(0, 5) && !green(1, 5), "left bar: column 0");
        assert!(green(8, 5) && green(9, 5), "right bar: columns 8-9");
    }

    #[test]
    fn rectangles_cover_the_pixels_whose_centres_they_contain() {
        let mut raster = Raster::new(8, 8);
        raster.rect(1.0, 2.0, 3.0, 2.0, Color::from_rgba(255, 0, 0, 255));
        let red: Vec<(u32, u32)> = (0..8)
            .flat_map(|y| (0..8).map(move |x| (x, y)))
            .filter(|&(x, y)| at(&raster, x, y) == [255, 0, 0, 255])
            .collect();
        assert_eq!(red, [(1, 2), (2, 2), (3, 2), (1, 3), (2, 3), (3, 3)]);
    }

    #[test]
    fn half_transparent_colours_blend_once_across_shared_edges() {
        let mut raster = Raster::new(4, 4);
        let corners = [
            vec2(0.0, 0.0),
            vec2(4.0, 0.0),
            vec2(4.0, 4.0),
            vec2(0.0, 4.0),
        ];
        let white = Color::from_rgba(255, 255, 255, 128);
        raster.fill_mesh(&corners, &[0, 1, 2, 0, 2, 3], white);
        // Every pixel blended once (the diagonal shared by the two triangles too).
        let values: Vec<u8> = (0..16).map(|i| at(&raster, i % 4, i / 4)[0]).collect();
        assert!(values.iter().all(|&v| v == 128), "{values:?}");
    }

    #[test]
    fn circles_are_twenty_sided_and_text_is_drawn() {
        let mut raster = Raster::new(64, 64);
        raster.circle(32.0, 32.0, 20.0, Color::from_rgba(0, 0, 255, 255));
        let blue = raster
            .pixels
            .chunks_exact(4)
            .filter(|p| p[2] == 255)
            .count();
        // A regular 20-gon of radius 20 has area 20²·10·sin(18°) ≈ 1236.
        assert!((1200..1270).contains(&blue), "{blue}");
        let mut raster = Raster::new(64, 32);
        raster.text(
            "Hi",
            vec2(2.0, 2.0),
            20,
            Color::from_rgba(255, 255, 255, 255),
        );
        let lit = raster.pixels.chunks_exact(4).filter(|p| p[0] > 128).count();
        assert!(lit > 20, "{lit} lit pixels");
    }

    #[test]
    fn an_image_is_stretched_with_nearest_pixels() {
        let mut raster = Raster::new(4, 2);
        raster.indexed_image(
            (2, 1),
            &[0x00ff_0000, 0x0000_ff00, 0, 0],
            &[0, 1],
            (0.0, 0.0, 4.0, 2.0),
        );
        assert_eq!(at(&raster, 1, 1), [255, 0, 0, 255]);
        assert_eq!(at(&raster, 2, 0), [0, 255, 0, 255]);
    }
}
