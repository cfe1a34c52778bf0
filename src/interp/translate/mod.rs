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
mod exceptions;
mod fuse;
mod memory;
mod passes;
mod simd;
mod stack;

use wasmparser::{BlockType, FunctionBody};

use crate::interp::isa::{Catch, CompiledFunc, Encoder, MemoryOp, Op, Slot, MAX_FUNCTION_OPS};
use crate::interp::module::ModuleInner;
use crate::interp::types::{LoadError, ValType, MAX_FRAME_SLOTS};
use control::{ControlFrame, FrameKind};
use stack::Operand;

struct Translator<'m> {
    module: &'m ModuleInner,
    ops: Vec<Op>,
    offsets: Vec<u32>,
    /// Slots of the locals (a `v128` local takes two).
    num_locals: u32,
    /// Each local's first slot and whether it is a `v128` (two slots).
    locals: Vec<(Slot, bool)>,
    /// The body's `v128` constants and their slots (after the locals', written once at
    /// entry: see `simd::vector_constants`).
    vector_constants: Vec<(u128, Slot)>,
    stack: Vec<Operand>,
    /// For each operand stack position, whether the operand last pushed there is the
    /// upper half of a `v128` (which takes two positions, two slots).
    upper: Vec<bool>,
    max_height: u32,
    control: Vec<ControlFrame>,
    /// Ops at or after this index may be retargeted; a label bound here forbids it before.
    barrier: usize,
    /// Nesting depth of blocks opened inside dead code.
    dead_depth: u32,
    offset: u32,
    /// The ops of accesses off memory 0's fast path (`Op::OtherMemory`).
    memory_ops: Vec<MemoryOp>,
    /// The `try_table`s open, innermost last, and the handlers of those closed.
    try_tables: Vec<exceptions::OpenTry>,
    catches: Vec<Catch>,
}

/// A function body translated to our ops, before the executor gives them handlers.
/// Counts of parameters, results and locals are of slots (a `v128` takes two).
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
    /// The ops run off memory 0's fast path (`Op::OtherMemory`).
    pub memory_ops: Vec<MemoryOp>,
    /// The exception handlers, innermost first.
    pub catches: Vec<Catch>,
}

impl Translation {
    /// The function as the executor runs it, each op with the handlers `encoder` gives it.
    pub fn encode(self, encoder: Encoder) -> CompiledFunc {
        let mut func = CompiledFunc::new(
            &self.ops,
            self.offsets.into(),
            self.func_index,
            [self.num_params, self.num_results, self.num_locals],
            self.frame_size,
            encoder,
        );
        func.memory_ops = self.memory_ops.into();
        func.catches = self.catches.into();
        func
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
    // The passes that move ops would move them out of their `try_table`'s range.
    let may_move = translation.catches.is_empty();
    passes::run(&mut translation.ops, &mut translation.offsets, may_move);
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
    let type_index = module.func_types[func_index as usize];
    let ty = module.func_type_of(func_index);
    // The locals' declarations, parameters first, then each one's slots (refused past
    // the frame's slots before any is laid out).
    // (Each with whether it is a `v128`, all the translator needs of a local's type.)
    let mut declared: Vec<(u32, bool)> = ty
        .params()
        .iter()
        .map(|&param| (1, param == ValType::V128))
        .collect();
    let mut locals_reader = body.get_locals_reader()?;
    for _ in 0..locals_reader.get_count() {
        let (count, ty) = locals_reader.read()?;
        declared.push((count, ty == wasmparser::ValType::V128));
    }
    let constants = simd::vector_constants(body)?;
    let slots: u64 = declared
        .iter()
        .map(|&(count, v128)| count as u64 * (1 + v128 as u64))
        .sum::<u64>()
        + 2 * constants.len() as u64;
    if slots > MAX_FRAME_SLOTS as u64 {
        return Err(LoadError::frame_too_large(
            func_index,
            u32::try_from(slots).unwrap_or(u32::MAX),
            body.range().start as usize,
        ));
    }
    let mut locals = Vec::new();
    let mut num_locals = 0;
    for (count, v128) in declared {
        for _ in 0..count {
            locals.push((num_locals as Slot, v128));
            num_locals += 1 + v128 as u32;
        }
    }
    let vector_constants = constants
        .into_iter()
        .map(|value| {
            num_locals += 2;
            (value, num_locals as Slot - 2)
        })
        .collect();
    let mut t = Translator {
        module,
        ops: Vec::new(),
        offsets: Vec::new(),
        num_locals,
        locals,
        vector_constants,
        stack: Vec::new(),
        upper: Vec::new(),
        max_height: 0,
        control: vec![ControlFrame {
            kind: FrameKind::Block,
            blockty: BlockType::FuncType(type_index),
            height: 0,
            num_params: 0,
            num_results: ValType::slots_of(ty.results()) as u32,
            loop_start: 0,
            fixups: Vec::new(),
            else_fixup: None,
            unreachable: false,
        }],
        barrier: 0,
        dead_depth: 0,
        offset: 0,
        memory_ops: Vec::new(),
        try_tables: Vec::new(),
        catches: Vec::new(),
    };
    t.write_vector_constants();
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
        num_params: ValType::slots_of(ty.params()) as u16,
        num_results: ValType::slots_of(ty.results()) as u16,
        num_locals: num_locals as u16,
        frame_size: num_locals + t.max_height,
        memory_ops: t.memory_ops,
        catches: t.catches,
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
