//! The wasm module's side of the canvas contract: the `env` imports behind [`Canvas`],
//! and the exported functions the host calls. One game lives in the module's memory.

use crate::{Canvas, Game};

#[link(wasm_import_module = "env")]
extern "C" {
    fn clear(color: u32);
    fn set_color(color: u32);
    fn fill_rect(x: f32, y: f32, w: f32, h: f32);
    fn stroke_rect(x: f32, y: f32, w: f32, h: f32, line_width: f32);
    fn fill_circle(x: f32, y: f32, radius: f32);
    fn text(ptr: *const u8, len: usize, x: f32, y: f32, size: f32);
    fn random() -> f64;
    fn log(ptr: *const u8, len: usize);
}

/// The imports, as the game's [`Canvas`].
struct Imports;

// SAFETY (every block below): the imports take plain numbers, or a pointer and length of
// a live `&str` in this module's memory, which the host only reads during the call; the
// host provides them with these signatures (the contract).
impl Canvas for Imports {
    fn clear(&mut self, color: u32) {
        unsafe { clear(color) }
    }
    fn set_color(&mut self, color: u32) {
        unsafe { set_color(color) }
    }
    fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        unsafe { fill_rect(x, y, w, h) }
    }
    fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32, line_width: f32) {
        unsafe { stroke_rect(x, y, w, h, line_width) }
    }
    fn fill_circle(&mut self, x: f32, y: f32, radius: f32) {
        unsafe { fill_circle(x, y, radius) }
    }
    fn text(&mut self, message: &str, x: f32, y: f32, size: f32) {
        unsafe { text(message.as_ptr(), message.len(), x, y, size) }
    }
    fn random(&mut self) -> f64 {
        unsafe { random() }
    }
    fn log(&mut self, message: &str) {
        unsafe { log(message.as_ptr(), message.len()) }
    }
}

/// The one game. wasm32 without threads: exports run one at a time, never re-entered.
static mut GAME: Option<Game> = None;

fn with_game(action: impl FnOnce(&mut Game)) {
    // SAFETY: single-threaded, and no export calls another export, so this is the only
    // reference to GAME while it lives.
    let game = unsafe { &mut *std::ptr::addr_of_mut!(GAME) };
    action(game.get_or_insert_with(|| Game::new(1024.0, 600.0)));
}

#[no_mangle]
pub extern "C" fn init(width: f32, height: f32) {
    with_game(|game| game.init(width, height, &mut Imports));
}

#[no_mangle]
pub extern "C" fn update(dt: f32) {
    with_game(|game| game.update(dt));
}

#[no_mangle]
pub extern "C" fn draw() {
    with_game(|game| game.draw(&mut Imports));
}

#[no_mangle]
pub extern "C" fn key_down(code: i32) {
    with_game(|game| game.key_down(code, &mut Imports));
}

#[no_mangle]
pub extern "C" fn key_up(code: i32) {
    with_game(|game| game.key_up(code));
}
