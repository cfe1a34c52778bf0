//! `blit` and `blitSub`: sprites from the cart's memory (1 or 2 bits per pixel, rows
//! most significant bit first), flipped and rotated as the flags say, each pixel value
//! `v` painted in draw colour `v + 1`. The same routine draws the font's glyphs.

use super::framebuffer::Screen;
use super::memory_map::{HEIGHT, WIDTH};

/// Flags of `blit` and `blitSub`.
pub const BLIT_2BPP: u32 = 1;
pub const BLIT_FLIP_X: u32 = 2;
pub const BLIT_FLIP_Y: u32 = 4;
/// 90° anticlockwise, after the flips.
pub const BLIT_ROTATE: u32 = 8;

/// A `blitSub` source: a `width`×`height` window at (`src_x`, `src_y`) of a sheet
/// `stride` pixels wide at `ptr` (`blit` is the whole sheet: no offset, stride = width).
pub struct Sheet {
    pub ptr: u32,
    pub src_x: i32,
    pub src_y: i32,
    pub stride: i32,
    pub two_bits: bool,
}

impl Sheet {
    /// The value of pixel (`x`, `y`) of the window, or the address of the byte that
    /// holds it when that lies outside `memory`.
    pub fn pixel(&self, memory: &[u8], x: i64, y: i64) -> Result<u8, i64> {
        let bit = (self.src_y as i64 + y) * self.stride as i64 + self.src_x as i64 + x;
        let (byte, shift, mask) = if self.two_bits {
            (bit >> 2, 6 - (bit & 3) * 2, 3)
        } else {
            (bit >> 3, 7 - (bit & 7), 1)
        };
        let address = self.ptr as i64 + byte;
        match usize::try_from(address).ok().and_then(|a| memory.get(a)) {
            Some(&value) => Ok((value >> shift) & mask),
            _ => Err(address),
        }
    }
}

/// Draws a `width`×`height` sprite at (`x`, `y`) with `flags` (flip and rotate; the
/// bit depth is the sampler's business): `sample(memory, sx, sy)` gives the value of
/// sprite pixel (sx, sy), `colors[value]` the palette index it paints (`None`:
/// transparent). Only the part on the screen is sampled.
pub fn draw<E>(
    screen: &mut Screen,
    (x, y): (i32, i32),
    (width, height): (i32, i32),
    flags: u32,
    colors: [Option<u8>; 4],
    mut sample: impl FnMut(&[u8], i64, i64) -> Result<u8, E>,
) -> Result<(), E> {
    let (x, y, width, height) = (x as i64, y as i64, width as i64, height as i64);
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
    for v in v_range {
        for u in u_range.clone() {
            let (tx, ty) = if rotate {
                (x + v, y + u)
            } else {
                (x + u, y + v)
            };
            let sx = if flip_x { width - u - 1 } else { u };
            let sy = if flip_y { height - v - 1 } else { v };
            let value = sample(screen.memory, sx, sy)?;
            if let Some(color) = colors[value as usize] {
                screen.point(color, tx, ty);
            }
        }
    }
    Ok(())
}

/// `blit`/`blitSub`: the window of `sheet`, in draw colours 1–2 (1 bit per pixel) or
/// 1–4 (2 bits); `Err` carries the first address outside memory the sprite reaches.
pub fn blit(
    screen: &mut Screen,
    sheet: &Sheet,
    at: (i32, i32),
    size: (i32, i32),
    flags: u32,
) -> Result<(), i64> {
    let colors = std::array::from_fn(|v| screen.color(v as u32 + 1));
    draw(screen, at, size, flags, colors, |memory, sx, sy| {
        sheet.pixel(memory, sx, sy)
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
            ptr: SPRITE as u32,
            src_x: 0,
            src_y: 0,
            stride: size.0,
            two_bits: flags & BLIT_2BPP != 0,
        };
        blit(&mut Screen::new(&mut memory), &sheet, at, size, flags).unwrap();
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
    fn reading_past_memory_is_an_error_not_a_panic() {
        let mut memory = vec![0; CART_MEMORY];
        reset(&mut memory);
        let sheet = Sheet {
            ptr: u32::MAX,
            src_x: 0,
            src_y: 0,
            stride: 8,
            two_bits: false,
        };
        let result = blit(&mut Screen::new(&mut memory), &sheet, (0, 0), (8, 8), 0);
        assert_eq!(result, Err(u32::MAX as i64));
        let sheet = Sheet {
            ptr: 0,
            src_x: -9,
            ..sheet
        };
        assert!(blit(&mut Screen::new(&mut memory), &sheet, (0, 0), (8, 8), 0).is_err());
    }
}
