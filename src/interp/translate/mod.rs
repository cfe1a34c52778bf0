//! Translation of one function body, validated when its module loaded (`bodies`), into
//! our slot-based code (see `isa` for the model).
//!
//! The translator keeps a compile-time operand stack whose entries say where each value
//! is: already in its own stack slot (`Temp`), still in a local, or a constant not yet
//! written anywhere. Operators read locals and constants in place, so most `local.get`
//! and `i32.const` instructions cost nothing at run time, and a `local.set` right after
//! the instruction that computed the value retargets that instruction to the local.

mod branches;
mod control;
mod driver;
mod fuse;
mod memory;
mod passes;
mod stack;

use wasmparser::FunctionBody;

use crate::interp::isa::{CompiledFunc, Encoder, Op, MAX_FUNCTION_OPS};
use crate::interp::module::ModuleInner;
use crate::interp::types::{LoadError, MAX_FRAME_SLOTS};
use control::{ControlFrame, FrameKind};
use stack::Operand;

struct Translator<'m> {
    module: &'m ModuleInner,
    ops: Vec<Op>,
    offsets: Vec<u32>,
    num_locals: u32,
    stack: Vec<Operand>,
    max_height: u32,
    control: Vec<ControlFrame>,
    /// Ops at or after this index may be retargeted; a label bound here forbids it before.
    barrier: usize,
    /// Nesting depth of blocks opened inside dead code.
    dead_depth: u32,
    offset: u32,
}

/// A function body translated to our ops, before the executor gives them handlers.
pub(crate) struct Translation {
    pub ops: Vec<Op>,
    /// For each op, the byte offset in the module of the wasm instruction it came from.
    pub offsets: Vec<u32>,
    pub func_index: u32,
    pub num_params: u16,
    pub num_results: u16,
    pub num_locals: u16,
    /// Locals plus the highest operand stack.
    pub frame_size: u32,
}

impl Translation {
    /// The function as the executor runs it, each op with the handlers `encoder` gives it.
    pub fn encode(self, encoder: Encoder) -> CompiledFunc {
        CompiledFunc::new(
            &self.ops,
            self.offsets.into(),
            self.func_index,
            [self.num_params, self.num_results, self.num_locals],
            self.frame_size,
            encoder,
        )
    }
}

/// Translates one function body, which validated when its module loaded: each operator
/// in turn (with the fusions made as ops are emitted), then the passes over the result.
pub(crate) fn translate_function(
    module: &ModuleInner,
    func_index: u32,
    body: &FunctionBody<'_>,
) -> Result<Translation, LoadError> {
    let mut translation = translate_operators(module, func_index, body)?;
    passes::run(&mut translation.ops, &mut translation.offsets);
    let ops = translation.ops.len();
    if ops > MAX_FUNCTION_OPS {
        let offset = translation.offsets.last().copied().unwrap_or_default();
        return Err(LoadError::new(
            format!(
                "function {func_index} translates to {ops} ops; wasmcade supports at most \
                 {MAX_FUNCTION_OPS}"
            ),
            Some(offset as usize),
        ));
    }
    Ok(translation)
}

/// The ops of one function body as its operators emit them, before the passes.
fn translate_operators(
    module: &ModuleInner,
    func_index: u32,
    body: &FunctionBody<'_>,
) -> Result<Translation, LoadError> {
    let ty = module.func_type_of(func_index);
    let mut locals_reader = body.get_locals_reader()?;
    let mut num_locals = ty.params().len() as u32;
    for _ in 0..locals_reader.get_count() {
        num_locals += locals_reader.read()?.0;
    }
    if num_locals > MAX_FRAME_SLOTS {
        return Err(LoadError::frame_too_large(
            func_index,
            num_locals,
            body.range().start as usize,
        ));
    }
    let mut t = Translator {
        module,
        ops: Vec::new(),
        offsets: Vec::new(),
        num_locals,
        stack: Vec::new(),
        max_height: 0,
        control: vec![ControlFrame {
            kind: FrameKind::Block,
            height: 0,
            num_params: 0,
            num_results: ty.results().len() as u32,
            loop_start: 0,
            fixups: Vec::new(),
            else_fixup: None,
            unreachable: false,
        }],
        barrier: 0,
        dead_depth: 0,
        offset: 0,
    };
    let mut reader = body.get_operators_reader()?;
    while !reader.eof() {
        let (op, offset) = reader.read_with_offset()?;
        t.offset = offset as u32;
        t.translate(op).map_err(|()| {
            LoadError::frame_too_large(func_index, num_locals + t.max_height + 1, offset as usize)
        })?;
    }
    reader.finish()?;
    Ok(Translation {
        ops: t.ops,
        offsets: t.offsets,
        func_index,
        num_params: ty.params().len() as u16,
        num_results: ty.results().len() as u16,
        num_locals: num_locals as u16,
        frame_size: num_locals + t.max_height,
    })
}

/// `Err(())` means the frame outgrew 16-bit slots (reported with the function's index).
type Emit = Result<(), ()>;

impl Translator<'_> {
    fn emit(&mut self, op: Op) -> usize {
        self.ops.push(op);
        self.offsets.push(self.offset);
        self.ops.len() - 1
    }
}

#[cfg(test)]
mod tests;
