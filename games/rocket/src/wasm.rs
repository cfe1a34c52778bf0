//! The wasm module's side of the rocket contract: the `env` imports behind [`Host`], and
//! the exported functions the host calls. One game lives in the module's memory.

use crate::{Game, Host};

#[link(wasm_import_module = "env")]
extern "C" {
    fn clear_screen();
    fn draw_player(x: f64, y: f64, angle: f64);
    fn draw_enemy(x: f64, y: f64);
    fn draw_bullet(x: f64, y: f64);
    fn draw_particle(x: f64, y: f64, radius: f64);
    fn draw_score(score: f64);
    fn sin(x: f64) -> f64;
    fn cos(x: f64) -> f64;
    fn Math_atan(x: f64) -> f64;
}

/// The imports, as the game's [`Host`].
struct Imports;

// SAFETY (every block below): the imports take and return plain numbers; the host
// provides them with exactly these signatures (the contract).
impl Host for Imports {
    fn clear_screen(&mut self) {
        unsafe { clear_screen() }
    }
    fn draw_player(&mut self, x: f64, y: f64, angle: f64) {
        unsafe { draw_player(x, y, angle) }
    }
    fn draw_enemy(&mut self, x: f64, y: f64) {
        unsafe { draw_enemy(x, y) }
    }
    fn draw_bullet(&mut self, x: f64, y: f64) {
        unsafe { draw_bullet(x, y) }
    }
    fn draw_particle(&mut self, x: f64, y: f64, radius: f64) {
        unsafe { draw_particle(x, y, radius) }
    }
    fn draw_score(&mut self, score: f64) {
        unsafe { draw_score(score) }
    }
    fn sin(&mut self, x: f64) -> f64 {
        unsafe { sin(x) }
    }
    fn cos(&mut self, x: f64) -> f64 {
        unsafe { cos(x) }
    }
    fn atan(&mut self, x: f64) -> f64 {
        unsafe { Math_atan(x) }
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
pub extern "C" fn resize(width: f64, height: f64) {
    with_game(|game| game.resize(width, height));
}

#[no_mangle]
pub extern "C" fn update(dt: f64) {
    with_game(|game| game.update(dt, &mut Imports));
}

#[no_mangle]
pub extern "C" fn draw() {
    with_game(|game| game.draw(&mut Imports));
}

#[no_mangle]
pub extern "C" fn toggle_shoot(on: i32) {
    with_game(|game| game.toggle_shoot(on != 0));
}

#[no_mangle]
pub extern "C" fn toggle_boost(on: i32) {
    with_game(|game| game.toggle_boost(on != 0));
}

#[no_mangle]
pub extern "C" fn toggle_turn_left(on: i32) {
    with_game(|game| game.toggle_turn_left(on != 0));
}

#[no_mangle]
pub extern "C" fn toggle_turn_right(on: i32) {
    with_game(|game| game.toggle_turn_right(on != 0));
}
