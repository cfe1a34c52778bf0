//! `text`, `textUtf8`, `textUtf16`: characters drawn as 8×8 glyphs of [`font`](super::font)
//! left to right, `\n` going back to the start one line (8 pixels) down; ink in draw
//! colour 1, the rest of each glyph's box in draw colour 2.

use std::convert::Infallible;

use super::font;
use super::framebuffer::Screen;
use super::sprite;

/// Pixels from one character to the next, and from one line to the next.
const ADVANCE: i64 = 8;

/// Draws the characters `chars` (codes 0–255 are Latin-1) from (`x`, `y`). As in
/// WASM-4, control characters other than `\n` and codes past 255 take a glyph's
/// place and draw nothing.
pub fn draw(screen: &mut Screen, chars: impl IntoIterator<Item = u32>, x: i32, y: i32) {
    let colors = [screen.color(2), screen.color(1), None, None];
    let (mut pen_x, mut pen_y) = (x as i64, y as i64);
    for c in chars {
        if c == '\n' as u32 {
            pen_x = x as i64;
            pen_y += ADVANCE;
            continue;
        }
        if (32..=255).contains(&c) {
            // A glyph whose corner does not fit an i32 is far off the screen.
            if let (Ok(gx), Ok(gy)) = (i32::try_from(pen_x), i32::try_from(pen_y)) {
                let rows = font::glyph(c);
                let sample = |_: &[u8], sx: i64, sy: i64| {
                    Ok::<u8, Infallible>((rows[sy as usize] >> (7 - sx)) & 1)
                };
                let Ok(()) = sprite::draw(screen, (gx, gy), (8, 8), 0, colors, sample);
            }
        }
        pen_x += ADVANCE;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::wasm4::memory_map::{self, reset, CART_MEMORY, DRAW_COLORS, WIDTH};

    fn drawn(text: &str, colors: u16, x: i32, y: i32) -> Box<[u8]> {
        let mut memory = vec![0; CART_MEMORY];
        reset(&mut memory);
        memory[DRAW_COLORS..DRAW_COLORS + 2].copy_from_slice(&colors.to_le_bytes());
        draw(
            &mut Screen::new(&mut memory),
            text.chars().map(u32::from),
            x,
            y,
        );
        memory_map::pixels(&memory)
    }

    /// The 8×8 box at (x, y) as 8 rows of bits, bit 7 leftmost, set where `pixel == value`.
    fn cell(pixels: &[u8], x: usize, y: usize, value: u8) -> [u8; 8] {
        std::array::from_fn(|row| {
            (0..8).fold(0, |bits, col| {
                bits | (((pixels[(y + row) * WIDTH + x + col] == value) as u8) << (7 - col))
            })
        })
    }

    #[test]
    fn glyphs_advance_by_eight_and_newline_returns_to_the_start() {
        let pixels = drawn("Hi\nA", 0x4, 16, 24);
        assert_eq!(&cell(&pixels, 16, 24, 3), font::glyph('H' as u32));
        assert_eq!(&cell(&pixels, 24, 24, 3), font::glyph('i' as u32));
        assert_eq!(&cell(&pixels, 16, 32, 3), font::glyph('A' as u32));
        assert_eq!(cell(&pixels, 24, 32, 3), [0; 8]);
    }

    #[test]
    fn the_background_is_draw_colour_two() {
        let pixels = drawn("!", 0x23, 0, 0);
        let ink = cell(&pixels, 0, 0, 2);
        assert_eq!(&ink, font::glyph('!' as u32));
        let background = cell(&pixels, 0, 0, 1);
        assert_eq!(background.map(|row| !row), ink);
    }

    #[test]
    fn text_far_off_the_screen_is_skipped() {
        let long = "x".repeat(1000);
        let pixels = drawn(&long, 0x4, i32::MAX - 16, i32::MIN);
        assert!(pixels.iter().all(|&p| p == 0));
        let pixels = drawn("\u{1}\u{100}!", 0x4, 0, 0);
        assert_eq!(cell(&pixels, 0, 0, 3), [0; 8]);
        assert_eq!(cell(&pixels, 8, 0, 3), [0; 8]);
        assert_eq!(&cell(&pixels, 16, 0, 3), font::glyph('!' as u32));
        let pixels = drawn("ab", 0x4, -8, -4);
        assert_eq!(&cell(&pixels, 0, 0, 3)[..4], &font::glyph('b' as u32)[4..]);
    }
}
