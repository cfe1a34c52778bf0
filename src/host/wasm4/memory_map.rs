//! WASM-4's memory map (`docs` in `/work/shared/docs/wasm4.md`, wasm4.org "memory"): where
//! the palette, draw colours, gamepads, mouse, system flags and framebuffer live in the
//! cart's first 64 KiB page, and their values when a cart starts.

/// Four colours, each a little-endian u32 `0x00RRGGBB`.
pub const PALETTE: usize = 0x04;
/// Four nibbles (u16, little-endian): the draw colours, 0 = transparent.
pub const DRAW_COLORS: usize = 0x14;
/// Gamepad 1 (players 2–4 follow, one byte each).
pub const GAMEPAD1: usize = 0x16;
pub const GAMEPADS: usize = 4;
/// i16 each.
pub const MOUSE_X: usize = 0x1a;
pub const MOUSE_Y: usize = 0x1c;
/// 1 left, 2 right, 4 middle.
pub const MOUSE_BUTTONS: usize = 0x1e;
/// Bit 0: keep the framebuffer between frames; bit 1: hide the gamepad overlay.
pub const SYSTEM_FLAGS: usize = 0x1f;
pub const SYSTEM_PRESERVE_FRAMEBUFFER: u8 = 1;
/// 160×160 pixels, 2 bits each, leftmost pixel in the lowest bits.
pub const FRAMEBUFFER: usize = 0xa0;
pub const WIDTH: usize = 160;
pub const HEIGHT: usize = 160;
pub const FRAMEBUFFER_SIZE: usize = WIDTH * HEIGHT / 4;
/// Where the cart's own data may start: the memory a cart needs at the least.
pub const CART_MEMORY: usize = FRAMEBUFFER + FRAMEBUFFER_SIZE;

/// The default palette, from light to dark.
pub const DEFAULT_PALETTE: [u32; 4] = [0xe0f8cf, 0x86c06c, 0x306850, 0x071821];
pub const DEFAULT_DRAW_COLORS: u16 = 0x1203;
/// The mouse position before the mouse is seen.
pub const MOUSE_UNKNOWN: i16 = 0x7fff;

/// Puts the start-up values in a cart's memory (at least [`CART_MEMORY`] bytes): the
/// default palette and draw colours, the mouse nowhere, everything else below the
/// cart's own memory zero.
pub fn reset(memory: &mut [u8]) {
    memory[..CART_MEMORY].fill(0);
    for (i, colour) in DEFAULT_PALETTE.iter().enumerate() {
        let at = PALETTE + 4 * i;
        memory[at..at + 4].copy_from_slice(&colour.to_le_bytes());
    }
    memory[DRAW_COLORS..DRAW_COLORS + 2].copy_from_slice(&DEFAULT_DRAW_COLORS.to_le_bytes());
    for at in [MOUSE_X, MOUSE_Y] {
        memory[at..at + 2].copy_from_slice(&MOUSE_UNKNOWN.to_le_bytes());
    }
}

/// The palette as the cart has set it.
pub fn palette(memory: &[u8]) -> [u32; 4] {
    std::array::from_fn(|i| {
        let at = PALETTE + 4 * i;
        u32::from_le_bytes([memory[at], memory[at + 1], memory[at + 2], memory[at + 3]])
            & 0x00ff_ffff
    })
}

/// The draw colours as the cart has set them.
pub fn draw_colors(memory: &[u8]) -> u16 {
    u16::from_le_bytes([memory[DRAW_COLORS], memory[DRAW_COLORS + 1]])
}

/// The framebuffer as one palette index (0–3) per pixel, row by row.
pub fn pixels(memory: &[u8]) -> Box<[u8]> {
    memory[FRAMEBUFFER..CART_MEMORY]
        .iter()
        .flat_map(|&byte| [byte & 3, (byte >> 2) & 3, (byte >> 4) & 3, byte >> 6])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_writes_the_documented_defaults() {
        let mut memory = vec![0xaa; 0x10000];
        reset(&mut memory);
        assert_eq!(&memory[4..8], &[0xcf, 0xf8, 0xe0, 0]);
        assert_eq!(palette(&memory), DEFAULT_PALETTE);
        assert_eq!(draw_colors(&memory), 0x1203);
        assert_eq!(&memory[MOUSE_X..MOUSE_X + 4], &[0xff, 0x7f, 0xff, 0x7f]);
        assert_eq!(memory[GAMEPAD1], 0);
        assert!(memory[FRAMEBUFFER..CART_MEMORY].iter().all(|&b| b == 0));
        assert_eq!(
            memory[CART_MEMORY], 0xaa,
            "the cart's own memory is left alone"
        );
    }

    #[test]
    fn pixels_unpack_lowest_bits_first() {
        let mut memory = vec![0; CART_MEMORY];
        memory[FRAMEBUFFER] = 0b11_10_01_00;
        let pixels = pixels(&memory);
        assert_eq!(pixels.len(), WIDTH * HEIGHT);
        assert_eq!(&pixels[..5], &[0, 1, 2, 3, 0]);
    }
}
