//! The stepper: WebAssembly run one instruction at a time as the binary has it, for
//! `--trace`, `wasmcade debug` and the window's machine view. It shares the store
//! (memories, globals, tables, host functions) with normal execution and the operators'
//! semantics (`exec::num`) with the executors; normal execution never comes here, so it
//! pays nothing for it.
//!
//! - `layout`: a function body's instruction positions and block structure;
//! - `machine`: the stepped call (typed operand stack, labels, frames) and control;
//! - `exceptions`: throwing, and catching at a `try_table`'s label;
//! - `operators`: every other instruction; `simd`: the 128-bit SIMD ones;
//! - `text`: instructions as the text format writes them;
//! - `names`: the locals' names from the name section;
//! - `view`: what a paused call shows (instruction, stack, frames, blocks, listing),
//!   and whole calls stepped under a watcher.

mod exceptions;
mod layout;
mod machine;
mod names;
mod operators;
mod simd;
mod text;
mod view;

pub use machine::{LabelKind, StepOutcome, Stepper, Typed};
pub use view::{run_until, run_watched, FrameView, Instruction, Watcher};
