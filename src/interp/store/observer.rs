//! The instruction observer: an optional hook that sees every instruction before it runs
//! (the teaching-interpreter's "print the stack and the program counter").
//!
//! With no observer installed the executor runs a path compiled without the hook
//! (a const generic), so observing costs nothing when it is off.

use crate::interp::isa::{OnMemory, Op};

/// One instruction about to execute.
pub struct Step<'a> {
    /// Function index in its module.
    pub func_index: u32,
    pub func_name: Option<&'a str>,
    /// Byte offset in the module of the wasm instruction this op came from.
    pub offset: u32,
    /// Index of the op in the function's translated code.
    pub pc: usize,
    /// The internal instruction (`Display` prints it WAT-like); for an access off memory
    /// 0's fast path (`Op::OtherMemory`), the op it runs, on `memory`.
    pub op: &'a Op,
    /// Where `op` runs when not on memory 0's fast path.
    pub memory: Option<OnMemory>,
    /// Number of active wasm frames below this one.
    pub depth: usize,
    /// The frame's slots: locals first, then the operand stack.
    pub slots: &'a [u64],
    pub num_locals: usize,
}

pub trait Observer {
    fn before(&mut self, step: &Step<'_>);
}
