//! Drawing into the 2-bit framebuffer in the cart's memory, with WASM-4's pixel rules
//! (its web runtime's `framebuffer.ts`, step for step): the draw colours pick palette
//! entries, 0 is transparent; everything is clipped to the 160×160 screen, so any
//! coordinates or sizes are safe. Each drawing counts its [`Screen::work`]: the pixels
//! it visits, which the imports charge to the cart's fuel.

use super::memory_map::{self, FRAMEBUFFER, HEIGHT, WIDTH};

const W: i64 = WIDTH as i64;
const H: i64 = HEIGHT as i64;
/// Lines longer than this (in either direction) are clipped to the screen before they
/// are stepped through; shorter ones are stepped exactly as WASM-4 does.
const MAX_STEPPED_LINE: i64 = 1 << 16;
/// Ovals wider or taller than this (either way) are not drawn: WASM-4 steps through
/// every one of their rows and columns, on the screen or not, and past this size its
/// floating-point error terms lose their exactness (and may never end the loop).
/// Within it the steps are at most about its width and height, and exact.
pub const MAX_OVAL: u32 = 1 << 16;

/// The screen of a cart: its memory (the framebuffer and, for sprites, everything else)
/// and the draw colours in force.
pub struct Screen<'a> {
    pub memory: &'a mut [u8],
    colors: u16,
    /// Pixels visited so far (painted, clipped away or transparent).
    pub work: u64,
}

impl<'a> Screen<'a> {
    /// The screen in `memory`, drawing with the draw colours found there.
    pub fn new(memory: &'a mut [u8]) -> Screen<'a> {
        let colors = memory_map::draw_colors(memory);
        Screen {
            memory,
            colors,
            work: 0,
        }
    }

    /// Draw colour `n` (1–4) as written: 0 transparent, else palette entry (d − 1) & 3.
    fn nibble(&self, n: u32) -> u16 {
        (self.colors >> (4 * (n - 1))) & 0xf
    }

    /// The palette index that draw colour `n` (1–4) paints, or `None` for transparent.
    pub fn color(&self, n: u32) -> Option<u8> {
        match self.nibble(n) {
            0 => None,
            d => Some(palette_entry(d)),
        }
    }

    /// Sets every pixel to palette index 0.
    pub fn clear(&mut self) {
        self.memory[FRAMEBUFFER..memory_map::CART_MEMORY].fill(0);
    }

    /// Paints one pixel that is known to be on the screen.
    pub(super) fn put(&mut self, color: u8, x: i64, y: i64) {
        let index = (W * y + x) as usize;
        let byte = &mut self.memory[FRAMEBUFFER + (index >> 2)];
        let shift = (index & 3) * 2;
        *byte = (*byte & !(3 << shift)) | (color << shift);
    }

    /// Paints one pixel if it is on the screen.
    pub fn point(&mut self, color: u8, x: i64, y: i64) {
        self.work += 1;
        if (0..W).contains(&x) && (0..H).contains(&y) {
            self.put(color, x, y);
        }
    }

    /// Paints pixels `x0..x1` of row `y`, clipped: the whole bytes between its ends at
    /// once (a row starts on a byte, 160 being a multiple of 4).
    fn span(&mut self, color: u8, x0: i64, y: i64, x1: i64) {
        let (x0, x1) = (x0.max(0), x1.min(W));
        if !(0..H).contains(&y) || x0 >= x1 {
            return;
        }
        self.work += (x1 - x0) as u64;
        let (first_byte, last_byte) = ((x0 + 3) / 4, x1 / 4);
        if first_byte >= last_byte {
            for x in x0..x1 {
                self.put(color, x, y);
            }
            return;
        }
        for x in x0..first_byte * 4 {
            self.put(color, x, y);
        }
        let row = FRAMEBUFFER + (W * y / 4) as usize;
        self.memory[row + first_byte as usize..row + last_byte as usize].fill(color * 0x55);
        for x in last_byte * 4..x1 {
            self.put(color, x, y);
        }
    }

    /// Paints pixels `y0..y1` of column `x`, clipped.
    fn column(&mut self, color: u8, x: i64, y0: i64, y1: i64) {
        if (0..W).contains(&x) {
            let ys = y0.max(0)..y1.min(H);
            self.work += (ys.end - ys.start).max(0) as u64;
            for y in ys {
                self.put(color, x, y);
            }
        }
    }

    /// `hline(x, y, len)`: `len` pixels to the right of (x, y) in draw colour 1.
    pub fn hline(&mut self, x: i32, y: i32, len: i32) {
        if let Some(color) = self.color(1) {
            let (x, len) = (x as i64, len as i64);
            self.span(color, x, y as i64, x + len);
        }
    }

    /// `vline(x, y, len)`: `len` pixels down from (x, y) in draw colour 1.
    pub fn vline(&mut self, x: i32, y: i32, len: i32) {
        if let Some(color) = self.color(1) {
            let (y, len) = (y as i64, len as i64);
            self.column(color, x as i64, y, y + len);
        }
    }

    /// `rect(x, y, w, h)`: filled with draw colour 1, outlined with draw colour 2 (a
    /// zero or negative size still draws the edges WASM-4 draws).
    pub fn rect(&mut self, x: i32, y: i32, width: i32, height: i32) {
        let (x, y) = (x as i64, y as i64);
        let (right, bottom) = (x + width as i64, y + height as i64);
        if let Some(fill) = self.color(1) {
            for row in y.max(0)..bottom.min(H) {
                self.span(fill, x, row, right);
            }
        }
        if let Some(stroke) = self.color(2) {
            self.column(stroke, x, y, bottom);
            self.column(stroke, right - 1, y, bottom);
            self.span(stroke, x, y, right);
            self.span(stroke, x, bottom - 1, right);
        }
    }

    /// `line(x1, y1, x2, y2)` in draw colour 1: WASM-4's Bresenham from the upper end
    /// down, whose error term starts at half a step (kept doubled here, in integers).
    pub fn line(&mut self, x1: i32, y1: i32, x2: i32, y2: i32) {
        let Some(color) = self.color(1) else {
            return;
        };
        let (mut a, mut b) = ((x1 as i64, y1 as i64), (x2 as i64, y2 as i64));
        if a.1 > b.1 {
            std::mem::swap(&mut a, &mut b);
        }
        if (b.0 - a.0).abs().max(b.1 - a.1) > MAX_STEPPED_LINE {
            match clip_segment(a, b) {
                Some(clipped) => (a, b) = clipped,
                None => return,
            }
        }
        let (mut x, mut y) = a;
        let dx = (b.0 - x).abs();
        let sx = if x < b.0 { 1 } else { -1 };
        let dy = b.1 - y;
        let mut err2 = if dx > dy { dx } else { -dy };
        loop {
            self.point(color, x, y);
            if (x, y) == b {
                break;
            }
            let e2 = err2;
            if e2 > -2 * dx {
                err2 -= 2 * dy;
                x += sx;
            }
            if e2 < 2 * dy {
                err2 += 2 * dx;
                y += 1;
            }
        }
    }

    /// `oval(x, y, w, h)` inside that box: filled with draw colour 1, outlined with
    /// draw colour 2; WASM-4's midpoint ellipse, in its floating-point arithmetic and
    /// with its quirks: an outline nibble of 0 paints palette entry 3, one of 15 draws
    /// nothing at all, and zero or negative sizes still draw a few columns.
    pub fn oval(&mut self, x: i32, y: i32, width: i32, height: i32) {
        let stroke_nibble = self.nibble(2);
        if stroke_nibble == 0xf
            || width.unsigned_abs() > MAX_OVAL
            || height.unsigned_abs() > MAX_OVAL
        {
            return;
        }
        let stroke = palette_entry(stroke_nibble);
        let fill = self.color(1);
        let (x, y, width, height) = (x as f64, y as f64, width as f64, height as f64);
        let a = width - 1.0;
        let b = height - 1.0;
        let b1 = b % 2.0;
        let mut north = y + (height / 2.0).floor();
        let mut west = x;
        let mut east = x + width - 1.0;
        let mut south = north - b1;
        let (a2, b2) = (a * a, b * b);
        let mut dx = 4.0 * (1.0 - a) * b2;
        let mut dy = 4.0 * (b1 + 1.0) * a2;
        let mut err = dx + dy + b1 * a2;
        let (ddy, ddx) = (8.0 * a2, 8.0 * b2);
        let pixel = |v: f64| v as i64;
        loop {
            for (px, py) in [(east, north), (west, north), (west, south), (east, south)] {
                self.point(stroke, pixel(px), pixel(py));
            }
            if let Some(fill) = fill.filter(|_| east - (west + 1.0) > 0.0) {
                let (start, end) = (pixel(west) + 1, pixel(east));
                self.span(fill, start, pixel(north), end);
                self.span(fill, start, pixel(south), end);
            }
            let err2 = 2.0 * err;
            if err2 <= dy {
                north += 1.0;
                south -= 1.0;
                dy += ddy;
                err += dy;
            }
            if err2 >= dx || err2 > dy {
                west += 1.0;
                east -= 1.0;
                dx += ddx;
                err += dx;
            }
            if west > east {
                break;
            }
        }
        while north - south < height {
            for (px, py) in [(west - 1.0, north), (east + 1.0, north)] {
                self.point(stroke, pixel(px), pixel(py));
            }
            north += 1.0;
            for (px, py) in [(west - 1.0, south), (east + 1.0, south)] {
                self.point(stroke, pixel(px), pixel(py));
            }
            south -= 1.0;
        }
    }
}

/// The palette index a draw colour nibble paints (WASM-4's `(d - 1) & 3`, 0 giving 3).
fn palette_entry(nibble: u16) -> u8 {
    (nibble.wrapping_sub(1) & 3) as u8
}

/// The part of the segment `a`–`b` inside the screen and a pixel around it
/// (Liang–Barsky), with the ends rounded to pixels and the upper end first.
fn clip_segment(a: (i64, i64), b: (i64, i64)) -> Option<((i64, i64), (i64, i64))> {
    let (x0, y0) = (a.0 as f64, a.1 as f64);
    let (dx, dy) = ((b.0 - a.0) as f64, (b.1 - a.1) as f64);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    let edges = [
        (-dx, x0 + 1.0),
        (dx, W as f64 - x0),
        (-dy, y0 + 1.0),
        (dy, H as f64 - y0),
    ];
    for (p, q) in edges {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    let at = |t: f64| ((x0 + t * dx).round() as i64, (y0 + t * dy).round() as i64);
    (t0 <= t1).then(|| (at(t0), at(t1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::wasm4::memory_map::{reset, CART_MEMORY, DRAW_COLORS};

    /// A fresh memory with these draw colours, and a function reading pixels back.
    fn memory(colors: u16) -> Vec<u8> {
        let mut memory = vec![0; CART_MEMORY];
        reset(&mut memory);
        memory[DRAW_COLORS..DRAW_COLORS + 2].copy_from_slice(&colors.to_le_bytes());
        memory
    }

    fn pixel(memory: &[u8], x: usize, y: usize) -> u8 {
        memory_map::pixels(memory)[y * WIDTH + x]
    }

    fn painted(memory: &[u8]) -> usize {
        memory_map::pixels(memory)
            .iter()
            .filter(|&&p| p != 0)
            .count()
    }

    #[test]
    fn points_pack_two_bits_lowest_first() {
        let mut memory = memory(0x2);
        let mut screen = Screen::new(&mut memory);
        screen.point(3, 1, 0);
        screen.point(2, 0, 1);
        assert_eq!(memory[FRAMEBUFFER], 0b1100);
        assert_eq!(memory[FRAMEBUFFER + 40], 0b10);
    }

    #[test]
    fn huge_and_negative_sizes_are_clipped_not_looped() {
        let mut memory = memory(0x32);
        let mut screen = Screen::new(&mut memory);
        screen.rect(i32::MIN, i32::MIN, -1, -1);
        screen.rect(i32::MAX, 5, 10, 10);
        screen.hline(i32::MIN, 3, -1);
        screen.vline(7, i32::MIN, -1);
        screen.line(i32::MIN, i32::MIN, i32::MAX, i32::MAX);
        screen.oval(i32::MIN, i32::MIN, i32::MAX, i32::MAX);
        screen.oval(-3, -3, -1, 0);
        assert!(painted(&memory) > 0);
        let mut memory = memory_with_line(i32::MIN, 80, i32::MAX, 80);
        assert_eq!(
            painted(&memory),
            WIDTH,
            "a huge horizontal line covers its row"
        );
        assert_eq!(pixel(&memory, 0, 80), 1);
        Screen::new(&mut memory).clear();
        assert_eq!(painted(&memory), 0);
    }

    fn memory_with_line(x1: i32, y1: i32, x2: i32, y2: i32) -> Vec<u8> {
        let mut memory = memory(0x2);
        Screen::new(&mut memory).line(x1, y1, x2, y2);
        memory
    }

    #[test]
    fn lines_include_both_ends_and_a_diagonal_steps_evenly() {
        let memory = memory_with_line(10, 20, 13, 17);
        for i in 0..4 {
            assert_eq!(pixel(&memory, 10 + i, 20 - i), 1);
        }
        assert_eq!(painted(&memory), 4);
        let memory = memory_with_line(0, 0, 5, 2);
        assert_eq!((pixel(&memory, 0, 0), pixel(&memory, 5, 2)), (1, 1));
        assert_eq!(painted(&memory), 6);
    }

    #[test]
    fn ovals_of_any_size_end_and_stay_near_their_box() {
        let sizes = [
            i32::MIN,
            -65537,
            -65536,
            -9,
            -1,
            0,
            1,
            2,
            9,
            65536,
            65537,
            i32::MAX,
        ];
        for w in sizes {
            for h in sizes {
                let mut memory = memory(0x32);
                let mut screen = Screen::new(&mut memory);
                screen.oval(-100, -100, w, h);
                let visits = 4 * (w.unsigned_abs() as u64 + h.unsigned_abs() as u64) + 16;
                assert!(screen.work <= visits, "{w}x{h}: {} pixels", screen.work);
            }
        }
    }

    #[test]
    fn ovals_are_symmetric_and_stay_in_their_box() {
        for (w, h) in [(1, 1), (2, 2), (5, 3), (8, 8), (13, 6), (40, 21)] {
            let mut memory = memory(0x32);
            Screen::new(&mut memory).oval(20, 30, w, h);
            let pixels = memory_map::pixels(&memory);
            let mut count = 0;
            for y in 0..HEIGHT {
                for x in 0..WIDTH {
                    let p = pixels[y * WIDTH + x];
                    if p == 0 {
                        continue;
                    }
                    count += 1;
                    let (bx, by) = (x as i32 - 20, y as i32 - 30);
                    assert!(
                        (0..w).contains(&bx) && (0..h).contains(&by),
                        "{w}x{h}: {x},{y}"
                    );
                    let mirror_x = 20 + (w - 1 - bx) as usize;
                    let mirror_y = 30 + (h - 1 - by) as usize;
                    assert_eq!(pixels[y * WIDTH + mirror_x], p, "{w}x{h} mirrored in x");
                    assert_eq!(pixels[mirror_y * WIDTH + x], p, "{w}x{h} mirrored in y");
                }
            }
            assert!(count > 0, "{w}x{h} drew nothing");
            // The widest row and column reach the box's edges, in the outline colour.
            assert_eq!(
                pixels[(30 + h as usize / 2) * WIDTH + 20],
                2,
                "{w}x{h} west"
            );
            assert_eq!(pixels[30 * WIDTH + 20 + w as usize / 2], 2, "{w}x{h} north");
        }
    }
}
