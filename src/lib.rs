//! wasmcade: a native desktop host for WebAssembly games, with its own interpreter.
//!
//! - [`interp`]: the WebAssembly interpreter core (decode, validate, translate, execute).
//! - [`wast`]: the spec-script runner (`wasmcade wast`, the conformance tests).
//! - [`cli`]: the `wasmcade` command line.

pub mod cli;
pub mod interp;
pub mod wast;
