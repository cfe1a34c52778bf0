//! The rocket game: a small 2D shooter that keeps the rocket contract of the original
//! 2017 `program.wasm`, so the original runs in wasmcade and this module runs in any
//! host written for the original.
//!
//! The rules live in plain Rust ([`Game`]) and reach the host only through the [`Host`]
//! trait (the contract's imports), so they compile and are tested natively. For wasm32
//! the `wasm` module binds that trait to the `env` imports and exports the contract's
//! functions.
//!
//! Native use (what the host's differential test does):
//!
//! ```
//! use rocket::{Game, Host};
//! # struct Quiet;
//! # impl Host for Quiet {
//! #     fn clear_screen(&mut self) {}
//! #     fn draw_player(&mut self, _: f64, _: f64, _: f64) {}
//! #     fn draw_enemy(&mut self, _: f64, _: f64) {}
//! #     fn draw_bullet(&mut self, _: f64, _: f64) {}
//! #     fn draw_particle(&mut self, _: f64, _: f64, _: f64) {}
//! #     fn draw_score(&mut self, _: f64) {}
//! #     fn sin(&mut self, x: f64) -> f64 { x.sin() }
//! #     fn cos(&mut self, x: f64) -> f64 { x.cos() }
//! #     fn atan(&mut self, x: f64) -> f64 { x.atan() }
//! # }
//! let mut host = Quiet;
//! let mut game = Game::new(1024.0, 600.0);
//! game.toggle_shoot(true);
//! game.update(1.0 / 60.0, &mut host);
//! game.draw(&mut host);
//! ```

mod game;
mod host;
mod rng;
pub mod rules;
mod vector;
#[cfg(target_arch = "wasm32")]
mod wasm;

pub use game::Game;
pub use host::Host;
