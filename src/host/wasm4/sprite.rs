//! `blit` and `blitSub`: sprites from the cart's memory (1 or 2 bits per pixel, rows
//! most significant bit first), flipped and rotated as the flags say, each pixel value
//! `v` painted in draw colour `v + 1`; WASM-4's `Framebuffer.blit`, step for step. The
//! same routine draws the font's glyphs.

use super::framebuffer::Screen;
use super::memory_map::{HEIGHT, WIDTH};

/// Flags of `blit` and `blitSub`.
pub const BLIT_2BPP: u32 = 1;
pub const BLIT_FLIP_X: u32 = 2;
pub const BLIT_FLIP_Y: u32 = 4;
/// 90° anticlockwise, after the flips.
pub const BLIT_ROTATE: u32 = 8;

/// A `blitSub` source: the window at (`src_x`, `src_y`) of a sheet `stride` pixels wide
/// (`blit`'s is the whole sprite: no offset, stride = width).
#[derive(Debug, Clone, Copy)]
pub struct Sheet {
    pub src_x: i32,
    pub src_y: i32,
    pub stride: i32,
    pub two_bits: bool,
}

impl Sheet {
    /// The value of pixel (`x`, `y`) of the window, from `bytes` (the sheet's bytes to
    /// the end of memory). As in WASM-4, the bit index is taken modulo 2³² and a byte
    /// past the end reads as 0 (a JavaScript array gives `undefined` there).
    pub fn pixel(&self, bytes: &[u8], x: i64, y: i64) -> u8 {
        let row = (self.src_y as i64 + y).wrapping_mul(self.stride as i64);
        let index = row.wrapping_add(self.src_x as i64 + x) as u32;
        let (byte, shift, mask) = if self.two_bits {
            (index >> 2, 6 - (index & 3) * 2, 3)
        } else {
            (index >> 3, 7 - (index & 7), 1)
        };
        bytes
            .get(byte as usize)
            .map_or(0, |&value| (value >> shift) & mask)
    }
}

/// Draws a `width`×`height` sprite at (`x`, `y`) with `flags` (flip and rotate; the
/// bit depth is the sampler's business): `sample(memory, sx, sy)` gives the value of
/// sprite pixel (sx, sy), `colors[value]` the palette index it paints (`None`:
/// transparent). Only the part on the screen is sampled, row by row.
pub fn draw(
    screen: &mut Screen,
    (x, y): (i64, i64),
    (width, height): (i32, i32),
    flags: u32,
    colors: [Option<u8>; 4],
    sample: impl Fn(&[u8], i64, i64) -> u8,
) {
    let (width, height) = (width as i64, height as i64);
    let (w, h) = (WIDTH as i64, HEIGHT as i64);
    let rotate = flags & BLIT_ROTATE != 0;
    let flip_x = (flags & BLIT_FLIP_X != 0) != rotate;
    let flip_y = flags & BLIT_FLIP_Y != 0;
    // Columns (u) and rows (v) of the sprite that land on the screen.
    let (u_range, v_range) = if rotate {
        (
            y.max(0) - y..width.min(h - y),
            x.max(0) - x..height.min(w - x),
        )
    } else {
        (
            x.max(0) - x..width.min(w - x),
            y.max(0) - y..height.min(h - y),
        )
    };
    screen.work +=
        (u_range.end - u_range.start).max(0) as u64 * (v_range.end - v_range.start).max(0) as u64;
    for v in v_range {
        for u in u_range.clone() {
            let (tx, ty) = if rotate {
                (x + v, y + u)
            } else {
                (x + u, y + v)
            };
            let sx = if flip_x { width - u - 1 } else { u };
            let sy = if flip_y { height - v - 1 } else { v };
            if let Some(color) = colors[sample(screen.memory, sx, sy) as usize] {
                screen.put(color, tx, ty);
            }
        }
    }
}

/// `blit`/`blitSub` of the sprite sheet at `ptr` (which must lie inside memory), in
/// draw colours 1–2 (1 bit per pixel) or 1–4 (2 bits).
pub fn blit(
    screen: &mut Screen,
    ptr: usize,
    sheet: &Sheet,
    at: (i32, i32),
    size: (i32, i32),
    flags: u32,
) {
    let colors = std::array::from_fn(|v| screen.color(v as u32 + 1));
    let at = (at.0 as i64, at.1 as i64);
    draw(screen, at, size, flags, colors, |memory, sx, sy| {
        sheet.pixel(&memory[ptr..], sx, sy)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::wasm4::memory_map::{self, reset, CART_MEMORY, DRAW_COLORS};

    const SPRITE: usize = CART_MEMORY;

    /// Draws `bytes` as a sprite with these draw colours; returns the pixels.
    fn blit_bytes(
        bytes: &[u8],
        colors: u16,
        at: (i32, i32),
        size: (i32, i32),
        flags: u32,
    ) -> Box<[u8]> {
        let mut memory = vec![0; CART_MEMORY + bytes.len()];
        reset(&mut memory);
        memory[DRAW_COLORS..DRAW_COLORS + 2].copy_from_slice(&colors.to_le_bytes());
        memory[SPRITE..].copy_from_slice(bytes);
        let sheet = Sheet {
            src_x: 0,
            src_y: 0,
            stride: size.0,
            two_bits: flags & BLIT_2BPP != 0,
        };
        blit(
            &mut Screen::new(&mut memory),
            SPRITE,
            &sheet,
            at,
            size,
            flags,
        );
        memory_map::pixels(&memory)
    }

    fn row(pixels: &[u8], y: usize, x: usize, n: usize) -> Vec<u8> {
        pixels[y * WIDTH + x..y * WIDTH + x + n].to_vec()
    }

    #[test]
    fn one_bit_sprites_are_msb_first_with_a_transparent_colour() {
        // Draw colour 1 = 0 (transparent), colour 2 = 4 (palette entry 3).
        let pixels = blit_bytes(&[0b1000_0001, 0b0100_0000], 0x40, (0, 0), (8, 2), 0);
        assert_eq!(row(&pixels, 0, 0, 8), [3, 0, 0, 0, 0, 0, 0, 3]);
        assert_eq!(row(&pixels, 1, 0, 8), [0, 3, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn two_bit_sprites_use_all_four_colours() {
        let pixels = blit_bytes(&[0b00_01_10_11], 0x4321, (3, 4), (4, 1), BLIT_2BPP);
        assert_eq!(row(&pixels, 4, 3, 4), [0, 1, 2, 3]);
    }

    #[test]
    fn flips_and_rotation() {
        // A 2×2 sprite: top row 1 0, bottom row 0 0 (1 bpp, 2 pixels per row packed).
        let sprite = [0b1000_0000];
        let at = |flags| {
            let pixels = blit_bytes(&sprite, 0x20, (10, 10), (2, 2), flags);
            let lit: Vec<(usize, usize)> = (0..4)
                .map(|i| (10 + i % 2, 10 + i / 2))
                .filter(|&(x, y)| pixels[y * WIDTH + x] == 1)
                .collect();
            lit
        };
        assert_eq!(at(0), [(10, 10)]);
        assert_eq!(at(BLIT_FLIP_X), [(11, 10)]);
        assert_eq!(at(BLIT_FLIP_Y), [(10, 11)]);
        // Anticlockwise: the top-left corner goes to the bottom left.
        assert_eq!(at(BLIT_ROTATE), [(10, 11)]);
        assert_eq!(at(BLIT_ROTATE | BLIT_FLIP_X), [(10, 10)]);
    }

    #[test]
    fn a_sprite_is_clipped_at_every_edge() {
        let full = [0xff; 32];
        for at in [(-4, -4), (156, 156), (-4, 156), (156, -4)] {
            let pixels = blit_bytes(&full, 0x20, at, (8, 8), 0);
            assert_eq!(pixels.iter().filter(|&&p| p == 1).count(), 16, "{at:?}");
        }
        let pixels = blit_bytes(&full, 0x20, (i32::MIN, i32::MAX), (i32::MAX, i32::MAX), 0);
        assert!(pixels.iter().all(|&p| p == 0));
    }

    #[test]
    fn bits_past_the_end_of_memory_read_as_zero() {
        let sheet = Sheet {
            src_x: -9,
            src_y: 0,
            stride: 8,
            two_bits: false,
        };
        // Bit index -9 is 2³² - 9 modulo 2³²: far past the end.
        assert_eq!(sheet.pixel(&[0xff; 4], 0, 0), 0);
        assert_eq!(sheet.pixel(&[0xff; 4], 9, 0), 1);
        assert_eq!(
            sheet.pixel(&[0xff; 4], 9, 4),
            0,
            "row 4 starts past the end"
        );
    }
}
