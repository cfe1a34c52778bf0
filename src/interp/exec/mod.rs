//! The executor: runs translated code with an explicit value stack and an explicit
//! call-frame stack (no native recursion per wasm call or block).
//!
//! - `invoke`: calls from the host (`Func::call`, resumable calls), which set up a `Run`
//!   (`run`: the call's state and position) and drive an executor;
//! - `interpreter`: the loop executor (`loop { match }`), and `threaded`: one handler
//!   per op, chained by tail calls, where optimised builds compile it in;
//! - `simple`: the semantics of the ops both executors run the same way, written once;
//!   `num`: the numeric operators' semantics, `simd`: the 128-bit vector operators'; `store_ops`: the ops that need the store,
//!   reached from the handlers through `erased`'s trampolines (`other_memory`: accesses
//!   to memories other than memory 0); `calls`: calls and returns; `exceptions`:
//!   throwing, and finding the handler when an exception unwinds;
//! - `views`: the only `unsafe` access (frame slots, code, memory, globals, tables);
//! - `encode`: the ops' handlers as the code cache stores them, and the module's
//!   translating methods that need them.

#[macro_use]
mod simple;
mod calls;
mod encode;
#[cfg(wasmcade_threaded)]
mod erased;
mod exceptions;
mod interpreter;
mod invoke;
pub(crate) mod num;
mod other_memory;
mod run;
mod wide_view;
// The stepper (`step::simd`) calls the lane semantics; the slot-level dispatchers in it
// take the executors' private slot views and stay theirs.
#[allow(private_interfaces)]
pub(crate) mod simd;
#[cfg(test)]
mod simd_loops;
mod store_ops;
#[cfg(wasmcade_threaded)]
mod threaded;
mod views;

pub use invoke::{CallOutcome, PausedCall};
pub(crate) use store_ops::{checked_range, sub_range};
