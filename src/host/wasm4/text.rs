//! `text`, `textUtf8`, `textUtf16`: characters drawn as 8×8 glyphs of WASM-4's
//! [`font`](super::font) left to right, `\n` going back to the start one line (8 pixels)
//! down; ink in draw colour 1, the rest of each glyph's box in draw colour 2 (WASM-4's
//! `drawText`: each glyph is a `blit` of the font).

use super::font;
use super::framebuffer::Screen;
use super::memory_map::{HEIGHT, WIDTH};
use super::sprite::{self, Sheet};

/// Pixels from one character to the next, and from one line to the next.
const ADVANCE: i64 = 8;
const GLYPH_SIZE: (i32, i32) = (font::GLYPH as i32, font::GLYPH as i32);
/// A glyph's rows read as a 1-bit sprite.
const GLYPH_SHEET: Sheet = Sheet {
    src_x: 0,
    src_y: 0,
    stride: font::GLYPH as i32,
    two_bits: false,
};

/// Draws the characters `chars` (codes 32–255 are Latin-1) from (`x`, `y`), counting a
/// unit of work for each character read. As in WASM-4, a zero ends the text, and the
/// other control characters but `\n` and codes past 255 take a glyph's place and draw
/// nothing.
pub fn draw(screen: &mut Screen, chars: impl IntoIterator<Item = u32>, x: i32, y: i32) {
    let colors = [screen.color(1), screen.color(2), None, None];
    let (mut pen_x, mut pen_y) = (x as i64, y as i64);
    for c in chars {
        screen.work += 1;
        match c {
            0 => return,
            0x0a => {
                pen_x = x as i64;
                pen_y += ADVANCE;
                continue;
            }
            _ => {
                // A glyph wholly off the screen is skipped (the text may be long).
                let visible = (1 - ADVANCE..WIDTH as i64).contains(&pen_x)
                    && (1 - ADVANCE..HEIGHT as i64).contains(&pen_y);
                if let Some(rows) = font::glyph(c).filter(|_| visible) {
                    sprite::draw(
                        screen,
                        (pen_x, pen_y),
                        GLYPH_SIZE,
                        0,
                        colors,
                        |_, sx, sy| GLYPH_SHEET.pixel(rows, sx, sy),
                    );
                }
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

    /// Character `c`'s ink, rows of bits set where it has ink (bit 7 leftmost).
    fn ink(c: char) -> [u8; 8] {
        std::array::from_fn(|row| !font::glyph(c as u32).unwrap()[row])
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
        assert_eq!(cell(&pixels, 16, 24, 3), ink('H'));
        assert_eq!(cell(&pixels, 24, 24, 3), ink('i'));
        assert_eq!(cell(&pixels, 16, 32, 3), ink('A'));
        assert_eq!(cell(&pixels, 24, 32, 3), [0; 8]);
    }

    #[test]
    fn the_background_is_draw_colour_two() {
        let pixels = drawn("!", 0x23, 0, 0);
        let drawn_ink = cell(&pixels, 0, 0, 2);
        assert_eq!(drawn_ink, ink('!'));
        let background = cell(&pixels, 0, 0, 1);
        assert_eq!(background.map(|row| !row), drawn_ink);
    }

    #[test]
    fn text_far_off_the_screen_is_skipped() {
        let long = "x".repeat(1000);
        let pixels = drawn(&long, 0x4, i32::MAX - 16, i32::MIN);
        assert!(pixels.iter().all(|&p| p == 0));
        let pixels = drawn("\u{1}\u{100}!\0!", 0x4, 0, 0);
        assert_eq!(cell(&pixels, 0, 0, 3), [0; 8]);
        assert_eq!(cell(&pixels, 8, 0, 3), [0; 8]);
        assert_eq!(cell(&pixels, 16, 0, 3), ink('!'));
        assert_eq!(cell(&pixels, 24, 0, 3), [0; 8], "a zero ends the text");
        let pixels = drawn("ab", 0x4, -8, -4);
        assert_eq!(&cell(&pixels, 0, 0, 3)[..4], &ink('b')[4..]);
    }
}
