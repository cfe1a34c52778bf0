//! WASM-4 carts of our own, run headless through the library: every import against
//! the pixels WASM-4's rules give, the memory map (memory 0, beside a cart's own second
//! memory too), the frame rules and the gamepad;
//! and one cart through `wasmcade play --headless`.

mod common;

use std::path::Path;
use std::time::Instant;

use wasmcade::host::wasm4::{font, memory_map};
use wasmcade::host::{Abi, DrawCall, Game};
use wasmcade::interp::{Limits, Module};

use common::{repo_path, temp_dir, text, wasmcade, wasmcade_command};

const FRAME: f64 = 1.0 / 60.0;

/// The imports every inline cart may call.
const IMPORTS: &str = r#"
  (import "env" "memory" (memory 1 1))
  (import "env" "blit" (func $blit (param i32 i32 i32 i32 i32 i32)))
  (import "env" "blitSub" (func $blitSub (param i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "env" "line" (func $line (param i32 i32 i32 i32)))
  (import "env" "hline" (func $hline (param i32 i32 i32)))
  (import "env" "vline" (func $vline (param i32 i32 i32)))
  (import "env" "oval" (func $oval (param i32 i32 i32 i32)))
  (import "env" "rect" (func $rect (param i32 i32 i32 i32)))
  (import "env" "text" (func $text (param i32 i32 i32)))
  (import "env" "textUtf8" (func $textUtf8 (param i32 i32 i32 i32)))
  (import "env" "textUtf16" (func $textUtf16 (param i32 i32 i32 i32)))
  (import "env" "diskr" (func $diskr (param i32 i32) (result i32)))
  (import "env" "diskw" (func $diskw (param i32 i32) (result i32)))
  (import "env" "tone" (func $tone (param i32 i32 i32 i32)))
"#;

/// A cart with `extra` (data, globals, a start function) whose `update` runs `update`.
fn cart_wat(extra: &str, update: &str) -> String {
    format!("(module {IMPORTS} {extra} (func (export \"update\") {update}))")
}

fn module(wat: &str) -> Module {
    Module::new(&wat::parse_str(wat).unwrap()).unwrap()
}

/// Starts a cart (its disk in `file`'s place, if given).
fn start_cart(wat: &str, file: Option<&Path>) -> Box<dyn Game> {
    let module = module(wat);
    assert_eq!(Abi::detect(&module), Abi::Wasm4);
    let mut game = Abi::Wasm4
        .instantiate(&module, Limits::default(), 0, file)
        .unwrap();
    game.start(160.0, 160.0).unwrap();
    game
}

/// A cart running `update` every frame.
fn cart(extra: &str, update: &str) -> Box<dyn Game> {
    start_cart(&cart_wat(extra, update), None)
}

/// A cart running `update` every frame, each call into it given `fuel`.
fn fueled_cart(update: &str, fuel: u64) -> Box<dyn Game> {
    let limits = Limits {
        fuel: Some(fuel),
        ..Limits::default()
    };
    let mut game = Abi::Wasm4
        .instantiate(&module(&cart_wat("", update)), limits, 0, None)
        .unwrap();
    game.start(160.0, 160.0).unwrap();
    game
}

/// The screen after one more frame: palette and one palette index per pixel.
struct Screen {
    palette: [u32; 4],
    pixels: Box<[u8]>,
}

impl Screen {
    fn at(&self, x: usize, y: usize) -> u8 {
        self.pixels[y * 160 + x]
    }

    /// Pixels `x0..x1` of row `y`.
    fn row(&self, y: usize, x0: usize, x1: usize) -> Vec<u8> {
        (x0..x1).map(|x| self.at(x, y)).collect()
    }

    fn count(&self, value: u8) -> usize {
        self.pixels.iter().filter(|&&p| p == value).count()
    }

    /// The 8×8 box at (x, y) as rows of bits (bit 7 leftmost), set where the pixel is `value`.
    fn cell(&self, x: usize, y: usize, value: u8) -> [u8; 8] {
        std::array::from_fn(|row| {
            (0..8).fold(0, |bits, col| {
                bits | (((self.at(x + col, y + row) == value) as u8) << (7 - col))
            })
        })
    }
}

fn frame(game: &mut Box<dyn Game>) -> Screen {
    game.update(FRAME).unwrap();
    shown(game)
}

/// The screen as `draw` shows it now.
fn shown(game: &mut Box<dyn Game>) -> Screen {
    match game.draw().unwrap() {
        [DrawCall::Framebuffer {
            width: 160,
            height: 160,
            palette,
            pixels,
        }] => Screen {
            palette: *palette,
            pixels: pixels.clone(),
        },
        other => panic!("expected one framebuffer, got {} calls", other.len()),
    }
}

/// Sets DRAW_COLORS.
fn colors(value: u16) -> String {
    format!("(i32.store16 (i32.const 0x14) (i32.const {value:#x}))")
}

#[test]
fn the_memory_map_starts_with_the_documented_defaults() {
    // `start` sees the mouse nowhere (0x7fff, 0x7fff) and keeps the sign; the update
    // draws a pixel (in the default fill colour) only if DRAW_COLORS, the gamepads and
    // the system flags hold their start-up values and the mouse is at (0, 0) with no
    // buttons, as WASM-4's web app writes it before every update until the mouse moves.
    let start = r#"(global $nowhere (mut i32) (i32.const 0))
        (func (export "start")
          (global.set $nowhere (i32.eq (i32.load (i32.const 0x1a)) (i32.const 0x7fff7fff))))"#;
    let update = "(if (i32.and (global.get $nowhere) (i32.and
            (i32.eq (i32.load16_u (i32.const 0x14)) (i32.const 0x1203))
            (i32.eqz (i32.or (i32.or (i32.load (i32.const 0x16)) (i32.load (i32.const 0x1a)))
                             (i32.load8_u (i32.const 0x1e))))))
          (then (call $rect (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 1))))";
    let screen = frame(&mut cart(start, update));
    assert_eq!(screen.palette, [0xe0f8cf, 0x86c06c, 0x306850, 0x071821]);
    assert_eq!(screen.at(0, 0), 2);
    assert_eq!(screen.count(0), 160 * 160 - 1);
}

#[test]
fn the_gamepads_and_the_mouse_are_written_before_every_update() {
    // The cart zeroes gamepad 1 and moves the mouse each update (as lime-volleyball
    // zeroes its gamepad to swallow a press); before the next, the host writes them
    // again: the bar on row 0 is as long as gamepad 1, the one on row 1 as MOUSE_X.
    let update = format!(
        "{} (call $hline (i32.const 0) (i32.const 0) (i32.load8_u (i32.const 0x16)))
         (call $hline (i32.const 0) (i32.const 1) (i32.load16_s (i32.const 0x1a)))
         (i32.store8 (i32.const 0x16) (i32.const 0))
         (i32.store16 (i32.const 0x1a) (i32.const 99))",
        colors(0x2)
    );
    let mut game = cart("", &update);
    game.key(39, true).unwrap();
    game.mouse(7.5, 3.0, 0);
    for _ in 0..3 {
        let screen = frame(&mut game);
        assert_eq!(
            screen.row(0, 0, 160).iter().filter(|&&p| p == 1).count(),
            32
        );
        assert_eq!(screen.row(1, 0, 160).iter().filter(|&&p| p == 1).count(), 7);
    }
}

#[test]
fn rect_fills_with_colour_one_and_outlines_with_colour_two() {
    let update = format!(
        "{} (call $rect (i32.const 10) (i32.const 20) (i32.const 5) (i32.const 4))",
        colors(0x42)
    );
    let screen = frame(&mut cart("", &update));
    assert_eq!(screen.row(20, 9, 16), [0, 3, 3, 3, 3, 3, 0]);
    assert_eq!(screen.row(21, 9, 16), [0, 3, 1, 1, 1, 3, 0]);
    assert_eq!(screen.row(23, 9, 16), [0, 3, 3, 3, 3, 3, 0]);
    assert_eq!(screen.row(24, 9, 16), [0; 7]);
    assert_eq!(screen.count(3) + screen.count(1), 20);
}

/// A cart with a second memory of its own plays: the host's memory map is memory 0
/// (`env.memory`, imported before any memory the cart defines); the other memory, where
/// this cart keeps its rectangle and writes over its own DRAW_COLORS offset, is the cart's.
#[test]
fn a_cart_with_a_second_memory_keeps_the_memory_map_in_memory_0() {
    let extra = r#"(memory $own 1) (data (memory $own) (i32.const 0) "\0a\14\05\04")"#;
    let update = format!(
        "{} (i32.store16 $own (i32.const 0x14) (i32.const 0x11))
         (call $rect (i32.load8_u $own (i32.const 0)) (i32.load8_u $own (i32.const 1))
           (i32.load8_u $own (i32.const 2)) (i32.load8_u $own (i32.const 3)))",
        colors(0x42)
    );
    let screen = frame(&mut cart(extra, &update));
    assert_eq!(screen.row(20, 9, 16), [0, 3, 3, 3, 3, 3, 0]);
    assert_eq!(screen.row(21, 9, 16), [0, 3, 1, 1, 1, 3, 0]);
    assert_eq!(screen.count(3) + screen.count(1), 20);
}

#[test]
fn a_zero_nibble_draws_nothing() {
    let update = format!(
        "{} (call $rect (i32.const 0) (i32.const 0) (i32.const 6) (i32.const 6))
         {} (call $rect (i32.const 0) (i32.const 0) (i32.const 6) (i32.const 6))
         {} (call $hline (i32.const 0) (i32.const 10) (i32.const 6))",
        colors(0x3),
        colors(0x20),
        colors(0x40)
    );
    let screen = frame(&mut cart("", &update));
    assert_eq!(
        screen.row(2, 0, 6),
        [1, 2, 2, 2, 2, 1],
        "the fill stays under a transparent one"
    );
    assert_eq!(
        screen.row(10, 0, 6),
        [0; 6],
        "lines use nibble 1, here transparent"
    );
}

#[test]
fn hline_vline_and_line_include_their_ends() {
    let update = format!(
        "{} (call $hline (i32.const 5) (i32.const 7) (i32.const 3))
         (call $vline (i32.const 50) (i32.const 60) (i32.const 2))
         (call $line (i32.const 100) (i32.const 100) (i32.const 103) (i32.const 97))",
        colors(0x2)
    );
    let screen = frame(&mut cart("", &update));
    assert_eq!(screen.row(7, 4, 9), [0, 1, 1, 1, 0]);
    assert_eq!(
        (59..63).map(|y| screen.at(50, y)).collect::<Vec<_>>(),
        [0, 1, 1, 0]
    );
    for i in 0..4 {
        assert_eq!(screen.at(100 + i, 100 - i), 1);
    }
    assert_eq!(screen.count(1), 3 + 2 + 4);
}

#[test]
fn ovals_are_symmetric_inside_their_box_with_fill_and_outline() {
    let update = format!(
        "{} (call $oval (i32.const 40) (i32.const 50) (i32.const 21) (i32.const 13))",
        colors(0x42)
    );
    let screen = frame(&mut cart("", &update));
    for y in 0..160 {
        for x in 0..160 {
            let p = screen.at(x, y);
            if p == 0 {
                continue;
            }
            assert!(
                (40..61).contains(&x) && (50..63).contains(&y),
                "{x},{y} outside the box"
            );
            assert_eq!(screen.at(40 + 60 - x, y), p);
            assert_eq!(screen.at(x, 50 + 62 - y), p);
        }
    }
    assert_eq!(screen.at(50, 56), 1, "the centre is filled");
    assert_eq!(
        (screen.at(40, 56), screen.at(60, 56)),
        (3, 3),
        "west and east ends"
    );
    assert_eq!(
        (screen.at(50, 50), screen.at(50, 62)),
        (3, 3),
        "north and south ends"
    );
}

/// An 8×2 1-bpp sprite: row 0 `#.......`, row 1 `.......#`; and a 4×1 2-bpp one.
const SPRITES: &str = r#"(data (i32.const 0x2000) "\80\01") (data (i32.const 0x2010) "\1b")"#;

#[test]
fn blit_draws_one_and_two_bit_sprites_flipped_and_rotated() {
    let blit = |x: i32, y: i32, flags: i32| {
        format!("(call $blit (i32.const 0x2000) (i32.const {x}) (i32.const {y}) (i32.const 8) (i32.const 2) (i32.const {flags}))")
    };
    let update = format!(
        "{} {} {} {} {} {} (call $blit (i32.const 0x2010) (i32.const 0) (i32.const 100) (i32.const 4) (i32.const 1) (i32.const 1))",
        colors(0x4321),
        blit(0, 0, 0),
        blit(0, 10, 2),
        blit(0, 20, 4),
        blit(0, 30, 8),
        blit(0, 50, 10),
    );
    let screen = frame(&mut cart(SPRITES, &update));
    // Plain: value 1 → colour 2 (palette 1), value 0 → colour 1 (palette 0).
    assert_eq!(screen.row(0, 0, 8), [1, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(screen.row(1, 0, 8), [0, 0, 0, 0, 0, 0, 0, 1]);
    // Flipped in x.
    assert_eq!(screen.row(10, 0, 8), [0, 0, 0, 0, 0, 0, 0, 1]);
    assert_eq!(screen.row(11, 0, 8), [1, 0, 0, 0, 0, 0, 0, 0]);
    // Flipped in y.
    assert_eq!(screen.row(20, 0, 8), [0, 0, 0, 0, 0, 0, 0, 1]);
    // Rotated anticlockwise: 2 wide, 8 tall; the top-left pixel ends bottom left, the
    // bottom-right one top right.
    let lit: Vec<(usize, usize)> = (30..40)
        .flat_map(|y| (0..3).map(move |x| (x, y)))
        .filter(|&(x, y)| screen.at(x, y) == 1)
        .collect();
    assert_eq!(lit, [(1, 30), (0, 37)]);
    // Flipped in x, then rotated.
    let lit: Vec<(usize, usize)> = (50..60)
        .flat_map(|y| (0..3).map(move |x| (x, y)))
        .filter(|&(x, y)| screen.at(x, y) == 1)
        .collect();
    assert_eq!(lit, [(0, 50), (1, 57)]);
    // 2 bpp: values 0–3 in colours 1–4, i.e. palette 0, 1, 2, 3.
    assert_eq!(screen.row(100, 0, 4), [0, 1, 2, 3]);
}

#[test]
fn blit_sub_draws_a_window_of_a_sheet() {
    // A 16×2 sheet: the right half's first row is ##......, second row ......##.
    let data = r#"(data (i32.const 0x2000) "\00\c0\00\03")"#;
    let update = format!(
        "{} (call $blitSub (i32.const 0x2000) (i32.const 20) (i32.const 20) (i32.const 8) (i32.const 2)
            (i32.const 8) (i32.const 0) (i32.const 16) (i32.const 0))
         (call $blitSub (i32.const 0x2000) (i32.const 40) (i32.const 20) (i32.const 2) (i32.const 1)
            (i32.const 14) (i32.const 1) (i32.const 16) (i32.const 0))",
        colors(0x30)
    );
    let screen = frame(&mut cart(data, &update));
    assert_eq!(screen.row(20, 20, 28), [2, 2, 0, 0, 0, 0, 0, 0]);
    assert_eq!(screen.row(21, 20, 28), [0, 0, 0, 0, 0, 0, 2, 2]);
    assert_eq!(screen.row(20, 40, 42), [2, 2]);
    assert_eq!(screen.count(2), 6);
}

#[test]
fn text_places_glyphs_eight_pixels_apart_and_newline_starts_a_line() {
    let data = r#"(data (i32.const 0x2000) "Ok\0aA\00") (data (i32.const 0x2010) "h\c3\a9") (data (i32.const 0x2020) "W\00x\00")"#;
    let update = format!(
        "{} (call $text (i32.const 0x2000) (i32.const 10) (i32.const 10))
         (call $textUtf8 (i32.const 0x2010) (i32.const 3) (i32.const 10) (i32.const 40))
         (call $textUtf16 (i32.const 0x2020) (i32.const 4) (i32.const 10) (i32.const 60))",
        colors(0x14)
    );
    let screen = frame(&mut cart(data, &update));
    // The glyph's ink as rows of bits (WASM-4's font has 0 bits where the ink is).
    let glyph =
        |c: char| -> [u8; 8] { std::array::from_fn(|row| !font::glyph(c as u32).unwrap()[row]) };
    // Ink in draw colour 1 = 4 (palette entry 3); the boxes' background in draw colour
    // 2 = 1 (palette entry 0), the colour of the cleared screen.
    assert_eq!(screen.cell(10, 10, 3), glyph('O'));
    assert_eq!(screen.cell(18, 10, 3), glyph('k'));
    assert_eq!(screen.cell(10, 18, 3), glyph('A'));
    assert_eq!(screen.cell(18, 18, 3), [0; 8]);
    // As in WASM-4, UTF-8 is drawn byte by byte: é is two characters (boxes here).
    assert_eq!(screen.cell(10, 40, 3), glyph('h'));
    assert_eq!(screen.cell(18, 40, 3), glyph('\u{c3}'));
    assert_eq!(screen.cell(26, 40, 3), glyph('\u{a9}'));
    assert_eq!(screen.cell(34, 40, 3), [0; 8]);
    assert_eq!(screen.cell(10, 60, 3), glyph('W'));
    assert_eq!(screen.cell(18, 60, 3), glyph('x'));
}

#[test]
fn a_new_palette_shows_in_the_next_frame() {
    let update = "(i32.store (i32.const 0x04) (i32.const 0xff0000))
                  (i32.store (i32.const 0x10) (i32.const 0x123456))";
    let screen = frame(&mut cart("", update));
    assert_eq!(screen.palette, [0xff0000, 0x86c06c, 0x306850, 0x123456]);
}

/// A cart that draws a pixel in its first update only, and sets SYSTEM_FLAGS to `flags`.
fn first_frame_only(flags: u8) -> Box<dyn Game> {
    let update = format!(
        "(i32.store8 (i32.const 0x1f) (i32.const {flags}))
         (if (i32.eqz (global.get $n)) (then {} (call $hline (i32.const 0) (i32.const 0) (i32.const 1))))
         (global.set $n (i32.add (global.get $n) (i32.const 1)))",
        colors(0x2)
    );
    cart("(global $n (mut i32) (i32.const 0))", &update)
}

#[test]
fn the_screen_is_cleared_each_frame_unless_the_cart_preserves_it() {
    let mut game = first_frame_only(0);
    assert_eq!(frame(&mut game).at(0, 0), 1);
    assert_eq!(frame(&mut game).at(0, 0), 0);
    let mut game = first_frame_only(1);
    assert_eq!(frame(&mut game).at(0, 0), 1);
    assert_eq!(frame(&mut game).at(0, 0), 1);
}

#[test]
fn the_first_update_clears_what_start_drew_unless_the_cart_keeps_it() {
    // `_initialize` sets the colours, `start` draws (and sets SYSTEM_FLAGS to `flags`):
    // WASM-4 clears the screen before every update, the first too, unless bit 0 is set.
    for (flags, shown) in [(0, 0), (1, 3)] {
        let extra = format!(
            "(func (export \"_initialize\") {}) (func (export \"start\")
               (i32.store8 (i32.const 0x1f) (i32.const {flags}))
               (call $hline (i32.const 3) (i32.const 3) (i32.const 1)))",
            colors(0x4)
        );
        let mut game = cart(&extra, "");
        assert_eq!(frame(&mut game).at(3, 3), shown, "flags {flags}");
    }
}

#[test]
fn updates_run_at_sixty_hertz_whatever_the_host_frame_rate() {
    // Each update makes the bar at the top one pixel longer (the screen is preserved).
    let update = format!(
        "(i32.store8 (i32.const 0x1f) (i32.const 1)) {}
         (call $hline (global.get $n) (i32.const 0) (i32.const 1))
         (global.set $n (i32.add (global.get $n) (i32.const 1)))",
        colors(0x2)
    );
    let mut game = cart("(global $n (mut i32) (i32.const 0))", &update);
    let bar = |game: &mut Box<dyn Game>| {
        shown(game)
            .row(0, 0, 160)
            .iter()
            .filter(|&&p| p == 1)
            .count()
    };
    game.update(FRAME / 2.0).unwrap();
    assert_eq!(bar(&mut game), 0);
    game.update(FRAME / 2.0).unwrap();
    assert_eq!(bar(&mut game), 1);
    game.update(FRAME * 2.0).unwrap();
    assert_eq!(bar(&mut game), 3);
    game.update(10.0).unwrap();
    assert_eq!(bar(&mut game), 7, "a long stall runs at most four updates");
    for _ in 0..60 {
        game.update(FRAME).unwrap();
    }
    assert_eq!(bar(&mut game), 67);
}

#[test]
fn the_disk_survives_in_a_file_beside_the_cart() {
    // Each frame the cart reads its disk and draws a bar as long as what it read; in
    // `start` it saves "hello" if the disk was empty.
    let extra = r#"(data (i32.const 0x2000) "hello")
        (func (export "start")
          (if (i32.eqz (call $diskr (i32.const 0x3000) (i32.const 1024)))
            (then (drop (call $diskw (i32.const 0x2000) (i32.const 5))))))"#;
    let update = format!(
        "{} (call $hline (i32.const 0) (i32.const 0) (call $diskr (i32.const 0x3000) (i32.const 3)))",
        colors(0x2)
    );
    let wat = cart_wat(extra, &update);
    let dir = temp_dir("wasm4-disk");
    let cart_file = dir.join("cart.wasm");
    let mut game = start_cart(&wat, Some(&cart_file));
    assert_eq!(std::fs::read(dir.join("cart.disk")).unwrap(), b"hello");
    assert_eq!(
        frame(&mut game).count(1),
        3,
        "diskr reads at most what it is asked for"
    );
    drop(game);
    std::fs::write(dir.join("cart.disk"), b"hi").unwrap();
    let mut game = start_cart(&wat, Some(&cart_file));
    assert_eq!(
        frame(&mut game).count(1),
        2,
        "a new instance reads the file"
    );
    assert_eq!(std::fs::read(dir.join("cart.disk")).unwrap(), b"hi");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn keys_set_gamepad_one() {
    // The bar on row 0 is as long as the gamepad byte.
    let update = format!(
        "{} (call $hline (i32.const 0) (i32.const 0) (i32.load8_u (i32.const 0x16)))",
        colors(0x2)
    );
    let mut game = cart("", &update);
    let pad = |game: &mut Box<dyn Game>| frame(game).count(1);
    assert_eq!(pad(&mut game), 0);
    for (code, bits) in [(88, 1), (90, 2), (37, 16), (39, 32), (38, 64), (40, 128)] {
        game.key(code, true).unwrap();
        assert_eq!(pad(&mut game), bits.min(160), "key {code}");
        game.key(code, false).unwrap();
    }
    game.key(32, true).unwrap();
    game.key(67, true).unwrap();
    game.key(37, true).unwrap();
    assert_eq!(pad(&mut game), 1 + 2 + 16);
    game.key(13, true).unwrap();
    assert_eq!(
        pad(&mut game),
        1 + 2 + 16,
        "other keys leave the gamepad alone"
    );
}

#[test]
fn the_mouse_is_in_screen_pixels_with_its_buttons() {
    // The cart marks the pixel under the mouse while the left button is held.
    let update = format!(
        "{} (if (i32.eq (i32.load8_u (i32.const 0x1e)) (i32.const 1))
           (then (call $hline (i32.load16_s (i32.const 0x1a)) (i32.load16_s (i32.const 0x1c)) (i32.const 1))))",
        colors(0x2)
    );
    let mut game = cart("", &update);
    game.mouse(12.7, 30.2, 1);
    let screen = frame(&mut game);
    assert_eq!((screen.at(12, 30), screen.count(1)), (1, 1));
    game.mouse(12.7, 30.2, 2);
    assert_eq!(frame(&mut game).count(1), 0);
    game.mouse(-1e9, f64::NAN, 1);
    assert_eq!(
        frame(&mut game).count(1),
        0,
        "far off the screen, and no panic"
    );
}

#[test]
fn drawing_is_clipped_at_every_edge_whatever_the_numbers() {
    let update = format!(
        "{} (call $rect (i32.const -5) (i32.const -5) (i32.const 10) (i32.const 10))
         (call $rect (i32.const 155) (i32.const 155) (i32.const 1000) (i32.const 1000))
         (call $rect (i32.const -2147483648) (i32.const 100) (i32.const 2147483647) (i32.const 1))
         (call $rect (i32.const 2147483647) (i32.const 2147483647) (i32.const 2147483647) (i32.const -1))
         (call $hline (i32.const -100) (i32.const 159) (i32.const 2147483647))
         (call $vline (i32.const 159) (i32.const -2147483648) (i32.const -1))
         (call $line (i32.const -2147483648) (i32.const -2147483648) (i32.const 2147483647) (i32.const 2147483647))
         (call $oval (i32.const -2147483648) (i32.const -2147483648) (i32.const -1) (i32.const 2147483647))
         (call $oval (i32.const -10) (i32.const -10) (i32.const 20) (i32.const 20))
         (call $blit (i32.const 0x2000) (i32.const -2147483648) (i32.const 2147483647) (i32.const 2147483647) (i32.const 2147483647) (i32.const 8))
         (call $text (i32.const 0x2000) (i32.const 2147483647) (i32.const -2147483648))",
        colors(0x2)
    );
    let screen = frame(&mut cart(
        r#"(data (i32.const 0x2000) "\ff\ff\00")"#,
        &update,
    ));
    assert_eq!(screen.at(0, 0), 1);
    assert_eq!(screen.at(4, 4), 1);
    assert_eq!(screen.at(30, 3), 0);
    assert_eq!(screen.at(8, 0), 1, "the oval, clipped");
    assert_eq!(screen.at(159, 159), 1);
    assert_eq!(screen.at(155, 155), 1);
    assert_eq!(screen.row(159, 0, 160), vec![1; 160]);
    assert_eq!(screen.at(100, 100), 1, "the diagonal");
}

#[test]
fn reading_outside_memory_traps_naming_the_import() {
    for call in [
        "(call $blit (i32.const 0xfffffff0) (i32.const 0) (i32.const 0) (i32.const 8) (i32.const 8) (i32.const 0))",
        "(call $textUtf8 (i32.const 0xffff) (i32.const 2) (i32.const 0) (i32.const 0))",
        "(drop (call $diskw (i32.const 0xfffe) (i32.const 100)))",
    ] {
        let name = call.split('$').nth(1).unwrap().split(' ').next().unwrap();
        let mut game = cart("", call);
        let error = game.update(FRAME).unwrap_err().to_string();
        assert!(
            error.contains(&format!("{name}: ")) && error.contains("the cart's memory"),
            "{name}: {error}"
        );
    }
}

/// An update that runs `steps` turns of a loop (about 4 units of fuel each), then
/// draws a bar as long as the counter's low 7 bits, on a row given by its next bits.
fn counting_update(steps: u32) -> String {
    format!(
        "(local $n i32) (local.set $n (i32.const {steps}))
         (loop $again
           (local.set $n (i32.sub (local.get $n) (i32.const 1)))
           (br_if $again (local.get $n)))
         {} (call $hline (i32.const 0) (global.get 0) (i32.and (global.get 0) (i32.const 127)))
         (global.set 0 (i32.add (global.get 0) (i32.const 1)))",
        colors(0x2)
    )
}

#[test]
fn a_long_update_runs_in_slices_to_the_same_frame_and_the_same_fuel() {
    // 3 million turns of a loop, several million units of fuel: with a deadline that
    // has always passed, each `update_until` runs one slice and pauses.
    let update = counting_update(3_000_000);
    let cart = || {
        let limits = Limits {
            fuel: Some(1_000_000_000),
            ..Limits::default()
        };
        let wat = cart_wat("(global (mut i32) (i32.const 0))", &update);
        let mut game = Abi::Wasm4
            .instantiate(&module(&wat), limits, 0, None)
            .unwrap();
        game.start(160.0, 160.0).unwrap();
        game
    };
    let mut whole = cart();
    let mut sliced = cart();
    for _ in 0..2 {
        whole.update(FRAME).unwrap();
        let mut spent = 0;
        while !sliced.update_until(FRAME, Instant::now()).unwrap() {
            let so_far = sliced.busy().expect("a paused update");
            assert!(so_far > spent, "each slice goes on");
            spent = so_far;
        }
        assert_eq!(sliced.busy(), None);
        assert!(
            spent >= 2_000_000,
            "several slices: {spent} units before the last"
        );
        assert_eq!(
            sliced.last_call_instructions(),
            whole.last_call_instructions()
        );
    }
    assert_eq!(shown(&mut sliced).pixels, shown(&mut whole).pixels);
}

#[test]
fn a_cart_is_stopped_when_one_update_spends_its_whole_budget_in_slices_or_not() {
    let update = "(loop $forever (br $forever))";
    for sliced in [false, true] {
        let mut game = fueled_cart(update, 5_000_000);
        let error = loop {
            let result = match sliced {
                true => game.update_until(FRAME, Instant::now()),
                false => game.update(FRAME).map(|()| true),
            };
            match result {
                Ok(finished) => assert!(!finished, "the loop returned"),
                Err(error) => break error,
            }
        };
        let message = error.to_string();
        assert!(
            message.contains("out of fuel in update (budget 5000000: instructions and host work)"),
            "{message}"
        );
        assert!(!error.backtrace().is_empty(), "where it looped");
    }
}

#[test]
fn the_imports_charge_their_work_to_the_carts_fuel() {
    // One full-screen rect is 25,600 pixels; a million of them stop the cart as a loop
    // would, long before they are all drawn.
    let rects = "(local $i i32)
        (loop $again
          (call $rect (i32.const 0) (i32.const 0) (i32.const 160) (i32.const 160))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $again (i32.lt_u (local.get $i) (i32.const 1000000))))";
    let started = Instant::now();
    let error = fueled_cart(rects, 50_000_000).update(FRAME).unwrap_err();
    assert!(
        error.to_string().contains("out of fuel in update"),
        "{error}"
    );
    assert!(started.elapsed().as_secs() < 20);
    let mut game = fueled_cart(
        "(call $rect (i32.const -10) (i32.const 0) (i32.const 200) (i32.const 160))",
        50_000_000,
    );
    game.update(FRAME).unwrap();
    let work = game.last_call_instructions();
    assert!(
        (25_600..25_700).contains(&work),
        "{work} units for one screen of pixels"
    );
}

#[test]
fn play_gives_a_cart_twenty_times_the_fuel_of_other_games() {
    // `start` spends about 180 million units, the first update 360 million: over the
    // 100 million other contracts get, far under the 2 billion a cart gets.
    let cart = repo_path("tests/games/wasm4/heavy_update.wat");
    let output = wasmcade(&["play", &cart, "--headless", "--frames", "2"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(text(&output.stdout).trim(), "frames=2 draw_calls=2 score=-");
    let output = wasmcade(&["play", &cart, "--headless", "--fuel", "100000000"]);
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("out of fuel in start (budget 100000000: instructions and host work)"),
        "{stderr}"
    );
}

#[test]
fn an_import_declared_with_a_64_bit_argument_traps_when_called() {
    // WASM-4's JavaScript host would get a BigInt, which its drawing code cannot take.
    let wat = r#"(module (import "env" "memory" (memory 1 1))
        (import "env" "rect" (func $rect (param i32 i32 i64 i32)))
        (func (export "update") (call $rect (i32.const 0) (i32.const 0) (i64.const 5) (i32.const 5))))"#;
    let mut game = start_cart(wat, None);
    let error = game.update(FRAME).unwrap_err().to_string();
    assert!(
        error.contains("rect: declared with a parameter of type i64"),
        "{error}"
    );
}

#[test]
fn carts_are_detected_and_other_games_still_are_not() {
    assert_eq!(Abi::detect(&module(&cart_wat("", ""))), Abi::Wasm4);
    let only_rect = r#"(module (import "env" "rect" (func (param i32 i32 i32 i32))) (memory 1) (func (export "update")))"#;
    assert_eq!(Abi::detect(&module(only_rect)), Abi::Wasm4);
    let canvas = r#"(module (import "env" "fill_rect" (func (param f32 f32 f32 f32))) (func (export "update") (param f32)) (func (export "draw")))"#;
    assert_eq!(Abi::detect(&module(canvas)), Abi::Canvas);
    let orbit = std::fs::read_to_string(repo_path("tests/games/orbit.wat")).unwrap();
    assert_eq!(Abi::detect(&module(&orbit)), Abi::Rocket);
    let shapes = std::fs::read_to_string(repo_path("tests/games/shapes.wat")).unwrap();
    assert_eq!(Abi::detect(&module(&shapes)), Abi::Canvas);
}

#[test]
fn a_cart_with_its_own_memory_gets_the_start_up_values() {
    let wat = r#"(module (import "env" "rect" (func $rect (param i32 i32 i32 i32))) (memory 1)
        (func (export "update") (call $rect (i32.const 0) (i32.const 0) (i32.const 2) (i32.const 2))))"#;
    let mut game = start_cart(wat, None);
    let screen = frame(&mut game);
    assert_eq!(screen.palette, memory_map::DEFAULT_PALETTE);
    // The default draw colours 0x1203: fill in colour 3 (palette entry 2), no outline.
    assert_eq!(screen.row(0, 0, 3), [2, 2, 0]);
    let tiny =
        r#"(module (import "env" "rect" (func (param i32 i32 i32 i32))) (func (export "update")))"#;
    let error = Abi::Wasm4
        .instantiate(&module(tiny), Limits::default(), 0, None)
        .err()
        .unwrap()
        .to_string();
    assert!(error.contains("need one page"), "{error}");
}

/// `wasm` with an empty memory section (no memories) added where the format puts it.
fn with_empty_memory_section(wasm: &[u8]) -> Vec<u8> {
    const MEMORY_SECTION: u8 = 5;
    let mut at = 8;
    while at < wasm.len() && (wasm[at] == 0 || wasm[at] < MEMORY_SECTION) {
        let (mut size, mut shift, mut next) = (0usize, 0, at + 1);
        loop {
            let byte = wasm[next];
            size |= ((byte & 0x7f) as usize) << shift;
            shift += 7;
            next += 1;
            if byte & 0x80 == 0 {
                break;
            }
        }
        at = next + size;
    }
    [&wasm[..at], &[MEMORY_SECTION, 1, 0], &wasm[at..]].concat()
}

#[test]
fn a_cart_with_an_empty_memory_section_of_its_own_is_accepted() {
    let update = format!(
        "{} (call $hline (i32.const 0) (i32.const 0) (i32.const 2))",
        colors(0x2)
    );
    let wasm = with_empty_memory_section(&wat::parse_str(cart_wat("", &update)).unwrap());
    let module = Module::new(&wasm).unwrap();
    assert!(module
        .sections()
        .iter()
        .any(|s| s.name == "memory" && s.size == 1));
    let mut game = Abi::Wasm4
        .instantiate(&module, Limits::default(), 0, None)
        .unwrap();
    game.start(160.0, 160.0).unwrap();
    assert_eq!(frame(&mut game).count(1), 2);
}

#[test]
fn play_headless_runs_a_cart_and_traces_go_to_the_log() {
    let dir = temp_dir("wasm4-cli");
    let cart = dir.join("every.wasm");
    let wat = std::fs::read_to_string(repo_path("tests/games/wasm4/every_import.wat")).unwrap();
    std::fs::write(&cart, wat::parse_str(&wat).unwrap()).unwrap();
    let output = wasmcade_command(&[
        "play",
        cart.to_str().unwrap(),
        "--headless",
        "--frames",
        "3",
    ])
    .env("RUST_LOG", "info")
    .output()
    .unwrap();
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(output.status.success(), "{stderr}");
    // Each frame is the screen and the tone the cart plays every update.
    assert_eq!(stdout.trim(), "frames=3 draw_calls=6 score=-");
    assert!(stderr.contains("wasm4 contract"), "{stderr}");
    for line in [
        "cart: Hello",
        "cart: UTF-8",
        "cart: UTF-16",
        "cart: frame 2 of cart",
    ] {
        assert!(stderr.contains(line), "{line} missing from:\n{stderr}");
    }
    assert_eq!(std::fs::read(dir.join("every.disk")).unwrap(), b"Hello");
    let output = wasmcade(&[
        "play",
        cart.to_str().unwrap(),
        "--headless",
        "--frames",
        "1",
        "--abi",
        "canvas",
    ]);
    assert!(
        !output.status.success(),
        "forcing another contract fails its check"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn tones_reach_the_frame_after_them_with_their_arguments() {
    let mut game = cart(
        "",
        "(call $tone (i32.const 0x020b0106) (i32.const 0x03050a14) (i32.const 0x5028) (i32.const 0x46))",
    );
    game.update(1.0 / 60.0).unwrap();
    game.update(1.0 / 60.0).unwrap();
    let calls = game.draw().unwrap().to_vec();
    let tones: Vec<&DrawCall> = calls
        .iter()
        .filter(|c| matches!(c, DrawCall::Tone { .. }))
        .collect();
    assert_eq!(tones.len(), 2, "one per update since the last frame");
    assert_eq!(
        *tones[0],
        DrawCall::Tone {
            frequency: 0x020b_0106,
            duration: 0x0305_0a14,
            volume: 0x5028,
            flags: 0x46
        }
    );
    assert!(
        matches!(calls[0], DrawCall::Framebuffer { .. }),
        "the screen comes first"
    );
    let calls = game.draw().unwrap().to_vec();
    assert_eq!(calls.len(), 1, "a tone plays once");
}
