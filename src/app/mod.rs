//! The app: runs a game frame by frame, in a macroquad window or headless.
//!
//! - [`session`]: one game instance and its frame step (keys → toggles, `update`, `draw`).
//! - [`keys`], [`script`]: the game's key table; scripted keys and recordings.
//! - [`headless`]: the frame loop without a window (tests, CI, no display).
//! - [`window`]: the macroquad frame loop, with [`controls`] (the host's keys),
//!   [`render`] and [`theme`] (drawing the display list), [`overlay`] and [`hud`]
//!   (panels over the game), [`watch`] (hot reload), `sound` (WASM-4 tones, with the
//!   `sound` feature).
//! - [`screenshot`]: frames to PNG files (written with [`crate::save`]); [`raster`] draws
//!   a display list in software for [`capture`] (pictures and GIFs without a window).
//! - [`machine`]: the machine view (the game stepped one WebAssembly instruction at a
//!   time, its listing, stack, locals, frames and memory beside the field) and the
//!   profile panel; [`profile`]: instructions counted per function.
//! - [`savestate`]: save states on disk; [`gamepad`] (the controller mapping table) and
//!   [`controllers`] (the devices).

pub mod capture;
pub mod controllers;
pub mod controls;
pub mod gamepad;
pub mod headless;
pub mod hud;
pub mod keys;
pub mod machine;
pub mod overlay;
pub mod profile;
pub mod raster;
pub mod render;
pub mod savestate;
pub mod screenshot;
pub mod script;
pub mod session;
#[cfg(feature = "sound")]
pub mod sound;
pub mod theme;
pub mod watch;
pub mod window;
