//! wasmcade: a native desktop host for WebAssembly games, with its own interpreter.
//!
//! - [`interp`]: the WebAssembly interpreter core (decode, validate, translate, execute).
//! - [`wast`]: the spec-script runner (`wasmcade wast`, the conformance tests).
//! - [`host`]: game ABIs: import bindings that fill a display list (no graphics here).
//! - [`app`]: the frame loop, in a macroquad window or headless.
//! - [`bundled`]: the games built into the binary.
//! - [`save`]: files written atomically (screenshots, dumps, WASM-4 disks).
//! - [`cli`]: the `wasmcade` command line.

pub mod app;
pub mod bundled;
pub mod cli;
pub mod host;
pub mod interp;
pub mod save;
pub mod wast;
