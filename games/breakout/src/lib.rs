//! Breakout for wasmcade: bounce the ball off the paddle and clear the wall of bricks.
//! Written against the canvas contract (`docs/canvas-abi.md` at the repository's top).
//!
//! The rules live in plain Rust ([`Game`]) and reach the host only through the
//! [`Canvas`] trait (the contract's imports), so they compile and are tested natively;
//! for wasm32 the `wasm` module binds that trait to the `env` imports and exports
//! `init`, `update`, `draw`, `key_down` and `key_up`.

mod canvas;
mod game;
pub mod rules;
mod text;
#[cfg(target_arch = "wasm32")]
mod wasm;

pub use canvas::Canvas;
pub use game::{Game, State};
