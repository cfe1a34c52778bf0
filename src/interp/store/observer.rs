//! The instruction observer: an optional hook that sees every instruction before it runs
//! (the teaching-interpreter's "print the stack and the program counter"), and each
//! exception caught.
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

/// An exception caught: what was thrown, which frames it left, where it landed.
pub struct Catching<'a> {
    /// The exception's tag, as messages name it.
    pub tag: String,
    /// The frames the exception left on its way (0: caught where it was thrown).
    pub frames_left: usize,
    /// The function whose handler caught it, and the handler's landing pad there (the
    /// op the observer sees next).
    pub func_index: u32,
    pub func_name: Option<&'a str>,
    pub pad: usize,
    /// Number of active wasm frames below the handler's.
    pub depth: usize,
}

pub trait Observer {
    fn before(&mut self, step: &Step<'_>);

    /// An exception was caught (after the `throw` that `before` saw): execution goes on
    /// at the handler.
    fn caught(&mut self, _catching: &Catching<'_>) {}
}
