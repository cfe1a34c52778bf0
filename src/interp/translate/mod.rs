//! Translation of one function body, validated when its module loaded (`bodies`), into
//! our slot-based code (see `isa` for the model).
//!
//! The translator keeps a compile-time operand stack whose entries say where each value
//! is: already in its own stack slot (`Temp`), still in a local, or a constant not yet
//! written anywhere. Operators read locals and constants in place, so most `local.get`
//! and `i32.const` instructions cost nothing at run time, and a `local.set` right after
//! the instruction that computed the value retargets that instruction to the local.

use wasmparser::{BlockType, FunctionBody, Operator};

use crate::interp::isa::{CompiledFunc, Encoder, Op, Slot, MAX_FUNCTION_OPS};
use crate::interp::module::ModuleInner;
use crate::interp::types::{LoadError, MAX_FRAME_SLOTS};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Operand {
    /// In its own slot: `num_locals + position`.
    Temp,
    /// Still in a local.
    Local(Slot),
    /// A constant (raw bits) not yet written to any slot.
    Const(u64),
}

/// The condition of a conditional branch.
enum Condition {
    /// An i32 in a slot: nonzero is true.
    Slot(Slot),
    /// A comparison (or `i32.eqz`) taken back from the code, to be fused into the branch.
    Fused {
        comparison: Op,
        /// Under an `i32.eqz`, taken back too: the branch tests the comparison negated.
        negated: bool,
        /// The constant a float comparison's right operand is, its write taken back too.
        constant: Option<u64>,
    },
}

impl Condition {
    /// The branch op (offset still to be linked) taken when the condition is `when`.
    fn branch_when(self, when: bool) -> Op {
        let (comparison, negated, constant) = match self {
            Condition::Slot(cond) if when => return Op::BrIfNez { cond, offset: 0 },
            Condition::Slot(cond) => return Op::BrIfEqz { cond, offset: 0 },
            Condition::Fused {
                comparison,
                negated,
                constant,
            } => (comparison, negated, constant),
        };
        if let Op::I32Eqz { src: cond, .. } = comparison {
            return match when {
                true => Op::BrIfEqz { cond, offset: 0 },
                false => Op::BrIfNez { cond, offset: 0 },
            };
        }
        let branch = comparison
            .fused_branch(when != negated)
            .expect("pop_condition fuses only comparisons");
        match constant {
            Some(imm) => branch
                .with_immediate_operand(imm)
                .expect("only float comparisons take their constant back"),
            None => branch,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum FrameKind {
    Block,
    Loop,
    If,
    Else,
}

struct ControlFrame {
    kind: FrameKind,
    /// Operand stack height below the frame's parameters.
    height: u32,
    num_params: u32,
    num_results: u32,
    /// For loops: where a branch to the label jumps.
    loop_start: usize,
    /// Forward branches to the end of the frame, patched when it is reached.
    fixups: Vec<usize>,
    /// For `if`: the conditional branch to patch at `else` (or at `end`).
    else_fixup: Option<usize>,
    /// The rest of this frame is dead code (after `br`, `return`, `unreachable`).
    unreachable: bool,
}

impl ControlFrame {
    /// How many values a branch to this frame's label carries.
    fn label_arity(&self) -> u32 {
        if self.kind == FrameKind::Loop {
            self.num_params
        } else {
            self.num_results
        }
    }
}

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

/// Translates one function body, which validated when its module loaded.
pub(crate) fn translate_function(
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
    shortcut_branches(&mut t.ops);
    duplicate_short_tails(&mut t.ops, &mut t.offsets);
    pair_copies(&mut t.ops, &mut t.offsets);
    cache_operands(&mut t.ops);
    if t.ops.len() > MAX_FUNCTION_OPS {
        return Err(LoadError::new(
            format!(
                "function {func_index} translates to {} ops; wasmcade supports at most \
                 {MAX_FUNCTION_OPS}",
                t.ops.len()
            ),
            Some(t.offset as usize),
        ));
    }
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

macro_rules! translate_binary {
    ($($op:ident $imm:ident $op_acc:ident $imm_acc:ident $name:literal $f:ident,)*) => {
        fn translate_binary(&mut self, op: &Operator) -> Option<Emit> {
            Some(match op {
                $( Operator::$op => self.binary(
                    |dst, a, b| Op::$op { dst, a, b },
                    Some(|dst, a, imm| Op::$imm { dst, a, imm }),
                ), )*
                _ => return None,
            })
        }
    };
}

macro_rules! translate_plain_binary {
    ($fname:ident: $($op:ident $op_acc:ident $name:literal $f:ident,)*) => {
        fn $fname(&mut self, op: &Operator) -> Option<Emit> {
            Some(match op {
                $( Operator::$op => self.binary(|dst, a, b| Op::$op { dst, a, b }, None), )*
                _ => return None,
            })
        }
    };
}

macro_rules! translate_unary {
    ($fname:ident: $($op:ident $op_acc:ident $name:literal $f:ident,)*) => {
        fn $fname(&mut self, op: &Operator) -> Option<Emit> {
            Some(match op {
                $( Operator::$op => self.unary(|dst, src| Op::$op { dst, src }), )*
                _ => return None,
            })
        }
    };
}

macro_rules! translate_float_binary {
    ($($t:tt)*) => { translate_plain_binary!(translate_float_binary: $($t)*); };
}
macro_rules! translate_fallible_binary {
    ($($t:tt)*) => { translate_plain_binary!(translate_fallible_binary: $($t)*); };
}
macro_rules! translate_unary_total {
    ($($t:tt)*) => { translate_unary!(translate_unary_total: $($t)*); };
}
macro_rules! translate_fallible_unary {
    ($($t:tt)*) => { translate_unary!(translate_fallible_unary: $($t)*); };
}

impl Translator<'_> {
    for_each_binary!(translate_binary);
    for_each_float_binary!(translate_float_binary);
    for_each_fallible_binary!(translate_fallible_binary);
    for_each_unary!(translate_unary_total);
    for_each_fallible_unary!(translate_fallible_unary);

    fn translate(&mut self, op: Operator) -> Emit {
        if self.frame().unreachable {
            return self.skip_dead(op);
        }
        // The ops with one translation per table row (numeric ones, loads and stores) are
        // looked for after the rest, among which are the most frequent (`local.get`,
        // constants, `local.set`): they are matched first.
        match op {
            Operator::Nop => Ok(()),
            Operator::Unreachable => {
                self.emit(Op::Unreachable);
                self.mark_unreachable();
                Ok(())
            }
            Operator::Block { blockty } => self.open(FrameKind::Block, blockty),
            Operator::Loop { blockty } => self.open(FrameKind::Loop, blockty),
            Operator::If { blockty } => {
                // With parameters, the saves below may overwrite the comparison's
                // operands: only a parameterless `if` fuses its comparison.
                let condition = match self.block_arity(blockty).0 {
                    0 => self.pop_condition()?,
                    _ => Condition::Slot(self.pop_slot()?),
                };
                self.open(FrameKind::If, blockty)?;
                // The else path must still see the parameters, which the then path may
                // overwrite: save them above the condition's slot, where only the then
                // path writes.
                let (height, params) = (self.frame().height, self.frame().num_params);
                for i in 0..params {
                    let dst = self.slot(if_save_position(height, params) + i)?;
                    let src = self.slot(height + i)?;
                    self.emit(Op::Copy { dst, src });
                }
                self.reserve(if_save_position(height, params) + params)?;
                let fixup = self.emit(condition.branch_when(false));
                self.frame_mut().else_fixup = Some(fixup);
                Ok(())
            }
            Operator::Else => self.translate_else(),
            Operator::End => self.translate_end(),
            Operator::Br { relative_depth } => {
                self.branch(relative_depth)?;
                self.mark_unreachable();
                Ok(())
            }
            Operator::BrIf { relative_depth } => self.translate_br_if(relative_depth),
            Operator::BrTable { targets } => {
                let index = self.pop_slot()?;
                let depths: Vec<u32> = targets
                    .targets()
                    .chain(std::iter::once(Ok(targets.default())))
                    .collect::<Result<_, _>>()
                    .expect("validated br_table");
                self.translate_br_table(index, &depths)
            }
            Operator::Return => {
                self.translate_return()?;
                self.mark_unreachable();
                Ok(())
            }
            Operator::Call { function_index } => self.translate_call(function_index),
            Operator::CallIndirect {
                type_index,
                table_index,
            } => {
                let index = self.pop_slot()?;
                let ty = &self.module.types[type_index as usize];
                let (params, results) = (ty.params().len() as u32, ty.results().len() as u32);
                let base = self.prepare_args(params)?;
                self.emit(Op::CallIndirect {
                    type_index,
                    table: table_index,
                    index,
                    base,
                });
                self.finish_call(params, results)
            }
            Operator::Drop => {
                self.stack.pop();
                Ok(())
            }
            Operator::Select | Operator::TypedSelect { .. } => {
                let cond = self.pop_slot()?;
                let b = self.pop_slot()?;
                let a = self.slot_of_top()?;
                let dst = self.slot(self.height() - 1)?;
                self.stack.pop();
                self.emit(Op::Select { dst, cond, a, b });
                self.push_temp()
            }
            Operator::LocalGet { local_index } => self.push(Operand::Local(local_index as Slot)),
            Operator::LocalSet { local_index } => self.local_set(local_index as Slot, false),
            Operator::LocalTee { local_index } => self.local_set(local_index as Slot, true),
            Operator::GlobalGet { global_index } => self.produce(|dst| Op::GlobalGet {
                dst,
                global: global_index,
            }),
            Operator::GlobalSet { global_index } => {
                let src = self.pop_slot()?;
                self.emit(Op::GlobalSet {
                    src,
                    global: global_index,
                });
                Ok(())
            }
            Operator::I32Const { value } => self.push(Operand::Const(value as u32 as u64)),
            Operator::I64Const { value } => self.push(Operand::Const(value as u64)),
            Operator::F32Const { value } => self.push(Operand::Const(value.bits() as u64)),
            Operator::F64Const { value } => self.push(Operand::Const(value.bits())),
            Operator::RefNull { .. } => self.push(Operand::Const(0)),
            Operator::RefIsNull => self.unary(|dst, src| Op::I64Eqz { dst, src }),
            Operator::RefFunc { function_index } => self.produce(|dst| Op::RefFunc {
                dst,
                func: function_index,
            }),
            // Slots are untyped: reinterpretations change nothing, and an i32 is stored
            // zero-extended (`exec/num.rs`), so it already is its `i64.extend_i32_u`.
            Operator::I32ReinterpretF32
            | Operator::F32ReinterpretI32
            | Operator::I64ReinterpretF64
            | Operator::F64ReinterpretI64
            | Operator::I64ExtendI32U => Ok(()),
            Operator::MemorySize { .. } => self.produce(|dst| Op::MemorySize { dst }),
            Operator::MemoryGrow { .. } => self.unary(|dst, delta| Op::MemoryGrow { dst, delta }),
            Operator::MemoryFill { .. } => {
                let [dst, value, len] = self.pop3()?;
                self.emit(Op::MemoryFill { dst, value, len });
                Ok(())
            }
            Operator::MemoryCopy { .. } => {
                let [dst, src, len] = self.pop3()?;
                self.emit(Op::MemoryCopy { dst, src, len });
                Ok(())
            }
            Operator::MemoryInit { data_index, .. } => {
                let [dst, src, len] = self.pop3()?;
                self.emit(Op::MemoryInit {
                    segment: data_index,
                    dst,
                    src,
                    len,
                });
                Ok(())
            }
            Operator::DataDrop { data_index } => {
                self.emit(Op::DataDrop {
                    segment: data_index,
                });
                Ok(())
            }
            Operator::TableGet { table } => {
                self.unary(|dst, index| Op::TableGet { dst, index, table })
            }
            Operator::TableSet { table } => {
                let value = self.pop_slot()?;
                let index = self.pop_slot()?;
                self.emit(Op::TableSet {
                    index,
                    value,
                    table,
                });
                Ok(())
            }
            Operator::TableSize { table } => self.produce(|dst| Op::TableSize { dst, table }),
            Operator::TableGrow { table } => {
                let delta = self.pop_slot()?;
                let init = self.slot_of_top()?;
                let dst = self.slot(self.height() - 1)?;
                self.stack.pop();
                self.emit(Op::TableGrow {
                    dst,
                    init,
                    delta,
                    table,
                });
                self.push_temp()
            }
            Operator::TableFill { table } => {
                let [start, value, len] = self.pop3()?;
                self.emit(Op::TableFill {
                    start,
                    value,
                    len,
                    table,
                });
                Ok(())
            }
            Operator::TableCopy {
                dst_table,
                src_table,
            } => {
                let [dst, src, len] = self.pop3()?;
                self.emit(Op::TableCopy {
                    dst_table,
                    src_table,
                    dst,
                    src,
                    len,
                });
                Ok(())
            }
            Operator::TableInit { elem_index, table } => {
                let [dst, src, len] = self.pop3()?;
                self.emit(Op::TableInit {
                    table,
                    segment: elem_index,
                    dst,
                    src,
                    len,
                });
                Ok(())
            }
            Operator::ElemDrop { elem_index } => {
                self.emit(Op::ElemDrop {
                    segment: elem_index,
                });
                Ok(())
            }
            other => self
                .translate_binary(&other)
                .or_else(|| self.translate_float_binary(&other))
                .or_else(|| self.translate_fallible_binary(&other))
                .or_else(|| self.translate_unary_total(&other))
                .or_else(|| self.translate_fallible_unary(&other))
                .or_else(|| self.translate_memory_access(&other))
                .unwrap_or_else(|| {
                    unreachable!("the validator rejects {other:?} with our feature set")
                }),
        }
    }

    fn translate_memory_access(&mut self, op: &Operator) -> Option<Emit> {
        macro_rules! loads {
            ($($load:ident $load_add:ident $load_add_imm:ident $load_acc:ident $name:literal $bytes:literal $f:ident,)*) => {
                fn load_op(kind: &str, dst: Slot, addr: Slot, offset: u32) -> Op {
                    match kind {
                        $( stringify!($load) => Op::$load { dst, addr, offset }, )*
                        _ => unreachable!(),
                    }
                }
                fn load_add_op(kind: &str, dst: Slot, [a, b]: [Slot; 2], offset: u32) -> Op {
                    match kind {
                        $( stringify!($load) => Op::$load_add { dst, a, b, offset }, )*
                        _ => unreachable!(),
                    }
                }
                fn load_add_imm_op(kind: &str, dst: Slot, a: Slot, imm: u32, offset: u32) -> Op {
                    match kind {
                        $( stringify!($load) => Op::$load_add_imm { dst, a, imm, offset }, )*
                        _ => unreachable!(),
                    }
                }
            };
        }
        for_each_load!(loads);
        macro_rules! stores {
            ($($store:ident $store_imm:ident $store_acc:ident $name:literal $bytes:literal,)*) => {
                fn store_op(kind: &str, addr: Slot, value: Slot, offset: u32) -> Op {
                    match kind {
                        $( stringify!($store) => Op::$store { addr, value, offset }, )*
                        _ => unreachable!(),
                    }
                }
                fn store_imm_op(kind: &str, addr: Slot, value: u64, offset: u32) -> Op {
                    match kind {
                        $( stringify!($store) => Op::$store_imm { addr, offset, value }, )*
                        _ => unreachable!(),
                    }
                }
            };
        }
        for_each_store!(stores);
        let (kind, memarg, is_load) = match op {
            Operator::I32Load { memarg } | Operator::F32Load { memarg } => ("Load32", memarg, true),
            Operator::I64Load { memarg } | Operator::F64Load { memarg } => ("Load64", memarg, true),
            Operator::I32Load8S { memarg } => ("Load8S32", memarg, true),
            Operator::I32Load8U { memarg } | Operator::I64Load8U { memarg } => {
                ("Load8U", memarg, true)
            }
            Operator::I32Load16S { memarg } => ("Load16S32", memarg, true),
            Operator::I32Load16U { memarg } | Operator::I64Load16U { memarg } => {
                ("Load16U", memarg, true)
            }
            Operator::I64Load8S { memarg } => ("Load8S64", memarg, true),
            Operator::I64Load16S { memarg } => ("Load16S64", memarg, true),
            Operator::I64Load32S { memarg } => ("Load32S64", memarg, true),
            Operator::I64Load32U { memarg } => ("Load32", memarg, true),
            Operator::I32Store8 { memarg } | Operator::I64Store8 { memarg } => {
                ("Store8", memarg, false)
            }
            Operator::I32Store16 { memarg } | Operator::I64Store16 { memarg } => {
                ("Store16", memarg, false)
            }
            Operator::I32Store { memarg }
            | Operator::F32Store { memarg }
            | Operator::I64Store32 { memarg } => ("Store32", memarg, false),
            Operator::I64Store { memarg } | Operator::F64Store { memarg } => {
                ("Store64", memarg, false)
            }
            _ => return None,
        };
        // Without memory64 the validator proved the offset fits in 32 bits.
        let offset = memarg.offset as u32;
        Some(if is_load {
            // An `i32.add` whose only use is the address fuses into the load.
            let add = |op: &Op| matches!(op, Op::I32Add { .. } | Op::I32AddImm { .. });
            match self.take_back_producer(add) {
                Some(Op::I32Add { a, b, .. }) => {
                    self.unary(|dst, _| load_add_op(kind, dst, [a, b], offset))
                }
                // An i32 add uses its immediate's low 32 bits.
                Some(Op::I32AddImm { a, imm, .. }) => {
                    self.unary(|dst, _| load_add_imm_op(kind, dst, a, imm as u32, offset))
                }
                _ => self.unary(|dst, addr| load_op(kind, dst, addr, offset)),
            }
        } else {
            (|| {
                let op = match *self.stack.last().expect("validated") {
                    Operand::Const(value) => {
                        self.stack.pop();
                        store_imm_op(kind, self.pop_slot()?, value, offset)
                    }
                    _ => {
                        let value = self.pop_slot()?;
                        store_op(kind, self.pop_slot()?, value, offset)
                    }
                };
                self.emit(op);
                Ok(())
            })()
        })
    }

    // ---- the operand stack ----

    fn height(&self) -> u32 {
        self.stack.len() as u32
    }

    /// The slot of operand stack position `position`.
    fn slot(&self, position: u32) -> Result<Slot, ()> {
        Slot::try_from(self.num_locals + position).map_err(|_| ())
    }

    fn reserve(&mut self, height: u32) -> Emit {
        if self.num_locals + height > MAX_FRAME_SLOTS {
            return Err(());
        }
        self.max_height = self.max_height.max(height);
        Ok(())
    }

    fn push(&mut self, operand: Operand) -> Emit {
        self.stack.push(operand);
        self.reserve(self.height())
    }

    fn push_temp(&mut self) -> Emit {
        self.push(Operand::Temp)
    }

    /// The slot holding the operand at `position`, writing a constant to its own slot first.
    fn slot_at(&mut self, position: u32) -> Result<Slot, ()> {
        match self.stack[position as usize] {
            Operand::Temp => self.slot(position),
            Operand::Local(local) => Ok(local),
            Operand::Const(bits) => {
                let dst = self.slot(position)?;
                self.emit_const(dst, bits);
                self.stack[position as usize] = Operand::Temp;
                Ok(dst)
            }
        }
    }

    fn slot_of_top(&mut self) -> Result<Slot, ()> {
        self.slot_at(self.height() - 1)
    }

    fn pop_slot(&mut self) -> Result<Slot, ()> {
        let slot = self.slot_of_top()?;
        self.stack.pop();
        Ok(slot)
    }

    /// Pops a branch condition. If it is the result of the op just emitted, a comparison
    /// or `i32.eqz`, that op is taken back to be fused into the branch; so is the
    /// comparison an `i32.eqz` negates, if it was emitted just before into the same slot,
    /// and the write of a constant that a float comparison just after reads.
    fn pop_condition(&mut self) -> Result<Condition, ()> {
        let is_comparison = |op: &Op| op.fused_branch(true).is_some();
        let fused =
            self.take_back_producer(|op| is_comparison(op) || matches!(op, Op::I32Eqz { .. }));
        let Some(mut comparison) = fused else {
            return Ok(Condition::Slot(self.pop_slot()?));
        };
        let mut negated = false;
        // An `i32.eqz` of the temporary it overwrites: the comparison that computed the
        // temporary may be just before it.
        if let Op::I32Eqz { dst, src } = comparison {
            if dst == src {
                if let Some(negates) = self.take_back_producer(is_comparison) {
                    (comparison, negated) = (negates, true);
                }
            }
        }
        let constant = comparison
            .float_comparison_rhs()
            .and_then(|rhs| self.take_back_constant(rhs));
        self.pop_slot()?;
        Ok(Condition::Fused {
            comparison,
            negated,
            constant,
        })
    }

    /// Takes back the op just emitted if it wrote a constant to `slot`, the operand stack
    /// slot just above the top (so nothing but the op after it read it); its bits.
    fn take_back_constant(&mut self, slot: Slot) -> Option<u64> {
        if self.ops.len() <= self.barrier || self.slot(self.height()) != Ok(slot) {
            return None;
        }
        let value = match *self.ops.last()? {
            Op::Const32 { dst, value } if dst == slot => value as u64,
            Op::Const64 { dst, value } if dst == slot => value,
            _ => return None,
        };
        self.ops.pop();
        self.offsets.pop();
        Some(value)
    }

    /// Takes back the op just emitted if it computed the operand on top of the stack (a
    /// temporary, with no label between them) and `wanted` accepts it, to fuse it into
    /// the op that uses that operand. The operand stays on the stack.
    fn take_back_producer(&mut self, wanted: impl Fn(&Op) -> bool) -> Option<Op> {
        if self.stack.last() != Some(&Operand::Temp) || self.ops.len() <= self.barrier {
            return None;
        }
        let top = self.slot(self.height() - 1).ok()?;
        let mut last = *self.ops.last()?;
        if !(last.result_slot_mut().is_some_and(|dst| *dst == top) && wanted(&last)) {
            return None;
        }
        self.offsets.pop();
        self.ops.pop()
    }

    /// `combined`, a binary op on the two operands on top of the stack (the top one just
    /// popped), fused with the op just emitted if that computed either operand (a
    /// temporary, with no label between them) by a shift with a fused form
    /// (`Op::with_shifted_operand`); the shift is taken back. `combined` unchanged otherwise.
    fn fuse_shifted_operand(&mut self, combined: Op) -> Op {
        if self.ops.len() <= self.barrier {
            return combined;
        }
        let Some(&shift) = self.ops.last() else {
            return combined;
        };
        // The operands' positions: `combined` reads a position's own slot only where
        // that operand is a temporary.
        let lhs = self.height() - 1;
        let fused = [lhs, lhs + 1]
            .into_iter()
            .find_map(|position| combined.with_shifted_operand(&shift, self.slot(position).ok()?));
        match fused {
            Some(fused) => {
                self.ops.pop();
                self.offsets.pop();
                fused
            }
            None => combined,
        }
    }

    fn pop3(&mut self) -> Result<[Slot; 3], ()> {
        let c = self.pop_slot()?;
        let b = self.pop_slot()?;
        let a = self.pop_slot()?;
        Ok([a, b, c])
    }

    fn emit_const(&mut self, dst: Slot, bits: u64) {
        match u32::try_from(bits) {
            Ok(value) => self.emit(Op::Const32 { dst, value }),
            Err(_) => self.emit(Op::Const64 { dst, value: bits }),
        };
    }

    /// Writes the operand at `position` into slot `dst` (unless it is already there).
    fn move_operand(&mut self, position: u32, dst: Slot) -> Emit {
        match self.stack[position as usize] {
            Operand::Temp => {
                let src = self.slot(position)?;
                if src != dst {
                    self.emit(Op::Copy { dst, src });
                }
            }
            Operand::Local(src) => {
                self.emit(Op::Copy { dst, src });
            }
            Operand::Const(bits) => self.emit_const(dst, bits),
        }
        Ok(())
    }

    /// Makes the operand at `position` a `Temp` in its own slot.
    fn materialize(&mut self, position: u32) -> Emit {
        let dst = self.slot(position)?;
        self.move_operand(position, dst)?;
        self.stack[position as usize] = Operand::Temp;
        Ok(())
    }

    fn materialize_all(&mut self) -> Emit {
        for position in 0..self.height() {
            self.materialize(position)?;
        }
        Ok(())
    }

    /// An instruction with no operands and one result.
    fn produce(&mut self, op: impl FnOnce(Slot) -> Op) -> Emit {
        let dst = self.slot(self.height())?;
        self.emit(op(dst));
        self.push_temp()
    }

    fn unary(&mut self, op: impl FnOnce(Slot, Slot) -> Op) -> Emit {
        let src = self.slot_of_top()?;
        let dst = self.slot(self.height() - 1)?;
        self.stack.pop();
        self.emit(op(dst, src));
        self.push_temp()
    }

    fn binary(
        &mut self,
        op: impl FnOnce(Slot, Slot, Slot) -> Op,
        imm_op: Option<fn(Slot, Slot, i64) -> Op>,
    ) -> Emit {
        let rhs = *self.stack.last().expect("validated");
        let imm = match (rhs, imm_op) {
            (Operand::Const(bits), Some(imm_op)) => Some((imm_op, bits as i64)),
            _ => None,
        };
        let emitted = match imm {
            Some((imm_op, imm)) => {
                self.stack.pop();
                let a = self.slot_of_top()?;
                let dst = self.slot(self.height() - 1)?;
                imm_op(dst, a, imm)
            }
            None => {
                let b = self.pop_slot()?;
                let a = self.slot_of_top()?;
                let dst = self.slot(self.height() - 1)?;
                self.fuse_shifted_operand(op(dst, a, b))
            }
        };
        self.stack.pop();
        self.emit(emitted);
        self.push_temp()
    }

    fn local_set(&mut self, local: Slot, tee: bool) -> Emit {
        let value = self.stack.pop().expect("validated");
        let top = self.height();
        // Operands still reading the local's old value must get their own copy first.
        let mut preserved = false;
        for position in 0..top {
            if self.stack[position as usize] == Operand::Local(local) {
                self.materialize(position)?;
                preserved = true;
            }
        }
        let value_slot = self.slot(top)?;
        let retargeted = value == Operand::Temp
            && !preserved
            && self.ops.len() > self.barrier
            && self
                .ops
                .last_mut()
                .and_then(Op::result_slot_mut)
                .filter(|dst| **dst == value_slot)
                .map(|dst| *dst = local)
                .is_some();
        if !retargeted {
            self.stack.push(value);
            self.move_operand(top, local)?;
            self.stack.pop();
        }
        if tee {
            self.push(Operand::Local(local))?;
        }
        Ok(())
    }

    // ---- control flow ----

    fn frame(&self) -> &ControlFrame {
        self.control.last().expect("inside a function")
    }

    fn frame_mut(&mut self) -> &mut ControlFrame {
        self.control.last_mut().expect("inside a function")
    }

    fn emit(&mut self, op: Op) -> usize {
        self.ops.push(op);
        self.offsets.push(self.offset);
        self.ops.len() - 1
    }

    /// Binds a label at the current position: no retargeting across it.
    fn bind_label(&mut self) -> usize {
        self.barrier = self.ops.len();
        self.ops.len()
    }

    fn mark_unreachable(&mut self) {
        let height = self.frame().height;
        self.stack.truncate(height as usize);
        self.frame_mut().unreachable = true;
    }

    fn block_arity(&self, blockty: BlockType) -> (u32, u32) {
        match blockty {
            BlockType::Empty => (0, 0),
            BlockType::Type(_) => (0, 1),
            BlockType::FuncType(index) => {
                let ty = &self.module.types[index as usize];
                (ty.params().len() as u32, ty.results().len() as u32)
            }
        }
    }

    fn open(&mut self, kind: FrameKind, blockty: BlockType) -> Emit {
        // Control can join inside the block: values below must not depend on locals.
        self.materialize_all()?;
        let (num_params, num_results) = self.block_arity(blockty);
        let loop_start = self.bind_label();
        let height = self.height() - num_params;
        self.reserve(height + num_results)?;
        self.control.push(ControlFrame {
            kind,
            height,
            num_params,
            num_results,
            loop_start,
            fixups: Vec::new(),
            else_fixup: None,
            unreachable: false,
        });
        Ok(())
    }

    /// Moves the top `arity` operands into the label's slots at `height`.
    fn move_results(&mut self, height: u32, arity: u32) -> Emit {
        let first = self.height() - arity;
        for i in 0..arity {
            let dst = self.slot(height + i)?;
            self.move_operand(first + i, dst)?;
        }
        Ok(())
    }

    /// Whether branching with the top `arity` operands to slots at `height` needs moves.
    fn results_in_place(&self, height: u32, arity: u32) -> bool {
        let first = self.height() - arity;
        first == height
            && self.stack[first as usize..]
                .iter()
                .all(|operand| *operand == Operand::Temp)
    }

    fn target(&self, depth: u32) -> &ControlFrame {
        &self.control[self.control.len() - 1 - depth as usize]
    }

    /// Emits the jump of a branch to `depth` whose values are already in place.
    fn jump(&mut self, depth: u32, op: Op) {
        let at = self.emit_branch(op);
        self.link(at, depth);
    }

    /// Emits a conditional branch, fused with the op just emitted when that op steps the
    /// counter it tests (`i += k; br_if i < n`: the loop idiom) and no label lies between.
    fn emit_branch(&mut self, op: Op) -> usize {
        let fused = (self.ops.len() > self.barrier)
            .then(|| self.ops.last().and_then(|add| op.fused_increment(add)))
            .flatten();
        match fused {
            Some(fused) => {
                self.ops.pop();
                self.offsets.pop();
                self.emit(fused)
            }
            None => self.emit(op),
        }
    }

    /// Points the branch op at `at` to the label at `depth` (now for loops, at the
    /// frame's end otherwise).
    fn link(&mut self, at: usize, depth: u32) {
        let frame_index = self.control.len() - 1 - depth as usize;
        let frame = &mut self.control[frame_index];
        if frame.kind == FrameKind::Loop {
            let offset = frame.loop_start as i32 - at as i32;
            set_offset(&mut self.ops[at], offset);
        } else {
            frame.fixups.push(at);
        }
    }

    /// An unconditional branch: move the values, then jump.
    fn branch(&mut self, depth: u32) -> Emit {
        if depth as usize == self.control.len() - 1 {
            return self.translate_return();
        }
        let (height, arity) = (self.target(depth).height, self.target(depth).label_arity());
        self.move_results(height, arity)?;
        self.jump(depth, Op::Br { offset: 0 });
        Ok(())
    }

    fn translate_br_if(&mut self, depth: u32) -> Emit {
        let condition = self.pop_condition()?;
        let is_return = depth as usize == self.control.len() - 1;
        let (height, arity) = (self.target(depth).height, self.target(depth).label_arity());
        if !is_return && self.results_in_place(height, arity) {
            self.jump(depth, condition.branch_when(true));
            return Ok(());
        }
        // Moves are only for the taken path: skip them when the condition is false.
        let skip = self.emit(condition.branch_when(false));
        self.branch(depth)?;
        self.patch_here(skip);
        Ok(())
    }

    fn translate_br_table(&mut self, index: Slot, depths: &[u32]) -> Emit {
        self.emit(Op::BrTable {
            index,
            len: depths.len() as u32 - 1,
        });
        let entries: Vec<usize> = depths
            .iter()
            .map(|_| self.emit(Op::Br { offset: 0 }))
            .collect();
        for (&entry, &depth) in entries.iter().zip(depths) {
            let is_return = depth as usize == self.control.len() - 1;
            let (height, arity) = (self.target(depth).height, self.target(depth).label_arity());
            if !is_return && self.results_in_place(height, arity) {
                self.link(entry, depth);
            } else {
                // A trampoline after the table moves the values, then jumps.
                self.patch_here(entry);
                self.branch(depth)?;
            }
        }
        self.mark_unreachable();
        Ok(())
    }

    /// Moves the results to slots `0..arity` and returns. Leaves the compile-time stack
    /// as it was: `br_if` and `br_table` reach this on one path only.
    fn translate_return(&mut self) -> Emit {
        let arity = self.control[0].num_results;
        let first = self.height() - arity;
        match (arity, self.stack.last()) {
            (0, _) => {
                self.emit(Op::Return);
            }
            (1, Some(&Operand::Const(bits))) => {
                self.emit_const(0, bits);
                self.emit(Op::Return);
            }
            (1, Some(&Operand::Local(src))) => {
                self.emit(Op::Return1 { src });
            }
            (1, _) => {
                let src = self.slot(first)?;
                self.emit(Op::Return1 { src });
            }
            _ => {
                // Stage in the operands' own slots first: a local among the results may
                // be one of the slots being overwritten.
                for position in first..self.height() {
                    let dst = self.slot(position)?;
                    self.move_operand(position, dst)?;
                }
                let src = self.slot(first)?;
                self.emit(Op::ReturnMany {
                    src,
                    count: arity as u16,
                });
            }
        }
        Ok(())
    }

    fn translate_else(&mut self) -> Emit {
        let (height, arity) = (self.frame().height, self.frame().num_results);
        if !self.frame().unreachable {
            self.move_results(height, arity)?;
            let jump = self.emit(Op::Br { offset: 0 });
            self.frame_mut().fixups.push(jump);
        }
        let else_fixup = self.frame_mut().else_fixup.take().expect("else follows if");
        self.bind_label();
        self.patch_here(else_fixup);
        let params = self.frame().num_params;
        for i in 0..params {
            let (dst, src) = (
                self.slot(height + i)?,
                self.slot(if_save_position(height, params) + i)?,
            );
            self.emit(Op::Copy { dst, src });
        }
        self.stack.truncate(height as usize);
        for _ in 0..params {
            self.push_temp()?;
        }
        let frame = self.frame_mut();
        frame.kind = FrameKind::Else;
        frame.unreachable = false;
        Ok(())
    }

    fn translate_end(&mut self) -> Emit {
        if self.control.len() == 1 {
            // The function's end: return whatever the body left.
            if !self.frame().unreachable {
                self.translate_return()?;
            }
            let fixups = std::mem::take(&mut self.frame_mut().fixups);
            if !fixups.is_empty() {
                self.bind_label();
                for fixup in fixups {
                    self.patch_here(fixup);
                }
                // Branches to the function label carry the results in the label slots.
                let arity = self.frame().num_results;
                self.stack.truncate(0);
                for _ in 0..arity {
                    self.push_temp()?;
                }
                self.translate_return()?;
            }
            self.control.pop();
            return Ok(());
        }
        let (height, arity) = (self.frame().height, self.frame().num_results);
        if !self.frame().unreachable {
            self.move_results(height, arity)?;
        }
        let frame = self.control.pop().expect("inside a block");
        self.bind_label();
        for fixup in frame.fixups.into_iter().chain(frame.else_fixup) {
            self.patch_here(fixup);
        }
        self.stack.truncate(height as usize);
        for _ in 0..arity {
            self.push_temp()?;
        }
        Ok(())
    }

    /// Dead code after an unconditional branch: track nesting, wait for `else`/`end`.
    fn skip_dead(&mut self, op: Operator) -> Emit {
        match op {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => {
                self.dead_depth += 1;
                Ok(())
            }
            Operator::End if self.dead_depth > 0 => {
                self.dead_depth -= 1;
                Ok(())
            }
            Operator::Else if self.dead_depth == 0 => self.translate_else(),
            Operator::End => self.translate_end(),
            _ => Ok(()),
        }
    }

    // ---- calls ----

    /// Puts the top `params` operands into consecutive slots; returns the first.
    fn prepare_args(&mut self, params: u32) -> Result<Slot, ()> {
        let first = self.height() - params;
        for position in first..self.height() {
            self.materialize(position)?;
        }
        self.slot(first)
    }

    fn finish_call(&mut self, params: u32, results: u32) -> Emit {
        let first = self.height() - params;
        self.stack.truncate(first as usize);
        for _ in 0..results {
            self.push_temp()?;
        }
        Ok(())
    }

    fn translate_call(&mut self, func_index: u32) -> Emit {
        let ty = self.module.func_type_of(func_index);
        let (params, results) = (ty.params().len() as u32, ty.results().len() as u32);
        let base = self.prepare_args(params)?;
        let imported = self.module.num_imported_funcs;
        self.emit(match func_index.checked_sub(imported) {
            Some(def) => Op::CallInternal { def, base },
            None => Op::CallImport {
                func: func_index,
                base,
            },
        });
        self.finish_call(params, results)
    }

    /// Points the branch at `at` to the current end of the code.
    fn patch_here(&mut self, at: usize) {
        let offset = self.ops.len() as i32 - at as i32;
        set_offset(&mut self.ops[at], offset);
    }
}

/// Where `if` saves its parameters for the else path: above them and the condition.
fn if_save_position(height: u32, params: u32) -> u32 {
    height + params + 1
}

/// Rotates loops whose exit test sits before the back edge (`branch_back_directly`),
/// then rewrites each `br` whose target makes the jump itself redundant:
///
/// - A `br` to a return (the end of an `if` or a block at the end of the function)
///   becomes that return: returns read only slots, so where they run does not matter.
/// - Loop inversion. A `while` loop compiles to a head that tests for the exit and a
///   `br` at the bottom that jumps back to it: two dispatches per iteration for one
///   test. When a `br` jumps to a side-effect-free conditional branch whose target is
///   the op right after that `br`, running the test in the `br`'s place, inverted and
///   jumping past the head, does the same in one op; each iteration then runs the test
///   once (fused with the counter's step when it has one, as `emit_branch` does).
///
/// Then a copy into the slot a `return` reads, right before it, becomes the return of the
/// copy's source (a block's result moved into place only to be returned). The return
/// stays for branches that target it, which wrote its slot themselves.
fn shortcut_branches(ops: &mut [Op]) {
    branch_back_directly(ops);
    for at in 0..ops.len() {
        let Op::Br { offset } = ops[at] else {
            continue;
        };
        let head = (at as isize + offset as isize) as usize;
        let mut target = ops[head];
        if let Op::Return | Op::Return1 { .. } | Op::ReturnMany { .. } = target {
            ops[at] = target;
            continue;
        }
        let Some(&mut exit) = target.branch_offset_mut() else {
            continue;
        };
        if head as isize + exit as isize != at as isize + 1 {
            continue;
        }
        let Some(mut inverted) = target.inverted_branch() else {
            continue;
        };
        let body = head as i32 + 1;
        set_offset(&mut inverted, body - at as i32);
        ops[at] = inverted;
        fuse_counter_step(ops, at, body);
    }
    for at in 1..ops.len() {
        if let (Op::Copy { dst, src }, Op::Return1 { src: returned }) = (ops[at - 1], ops[at]) {
            if dst == returned {
                ops[at - 1] = Op::Return1 { src };
            }
        }
    }
}

/// Loop rotation at the bottom: a conditional branch out of a loop followed by the `br`
/// back to the loop's head (`br_if $exit; br $loop`, or a `do while` loop's test
/// compiled to jump out) runs two ops per iteration. With the test inverted to jump back
/// itself and the `br` taking the exit instead, an iteration runs one (fused with the
/// counter's step when it has one); the exit runs two. Swapping the two targets keeps
/// the set of targeted ops and the meaning of landing on the test; a `br` that a branch
/// lands on is left alone.
fn branch_back_directly(ops: &mut [Op]) {
    let mut targeted = None;
    for at in 0..ops.len().saturating_sub(1) {
        let Op::Br { offset: back } = ops[at + 1] else {
            continue;
        };
        if back >= 0 || targeted.get_or_insert_with(|| branch_targets(ops))[at + 1] {
            continue;
        }
        let Some(mut inverted) = ops[at].inverted_branch() else {
            continue;
        };
        let exit = at as i32 + ops[at].branch_offset().expect("a conditional branch");
        let head = at as i32 + 1 + back;
        set_offset(&mut inverted, head - at as i32);
        ops[at] = inverted;
        ops[at + 1] = Op::Br {
            offset: exit - (at as i32 + 1),
        };
        fuse_counter_step(ops, at, head);
    }
}

/// The longest run of ops `duplicate_short_tails` copies in place of a `br`.
const MAX_TAIL_OPS: usize = 6;

/// Tail duplication: a forward `br` to a short run of ops that ends in an unconditional
/// branch or a return (a loop's latch, the code after an `if`/`else` or a `br_table`'s
/// case) is replaced by a copy of the run, saving the `br` and running the copy with its
/// own branch history; a `br` to the next op is dropped. Copies keep their branches'
/// targets; `br_table` entries, which the table reads, and runs containing a `br_table`
/// are left alone; the copies add at most as many ops as the function had. Resolves
/// every branch offset again.
fn duplicate_short_tails(ops: &mut Vec<Op>, offsets: &mut Vec<u32>) {
    let tail_end = |head: usize| {
        for (at, op) in ops.iter().enumerate().skip(head).take(MAX_TAIL_OPS) {
            match op {
                Op::BrTable { .. } => return None,
                Op::Br { .. }
                | Op::Return
                | Op::Return1 { .. }
                | Op::ReturnMany { .. }
                | Op::Unreachable => return Some(at),
                _ => {}
            }
        }
        None
    };
    if !ops
        .iter()
        .any(|op| matches!(*op, Op::Br { offset } if offset > 0))
    {
        return;
    }
    let mut table_entries = vec![false; ops.len()];
    for (at, op) in ops.iter().enumerate() {
        if let Op::BrTable { len, .. } = *op {
            table_entries[at + 1..=at + 1 + len as usize].fill(true);
        }
    }
    let mut budget = ops.len();
    let mut tails = vec![None; ops.len()];
    for (at, op) in ops.iter().enumerate() {
        let Op::Br { offset } = *op else {
            continue;
        };
        if offset <= 0 || table_entries[at] {
            continue;
        }
        let head = at + offset as usize;
        if head == at + 1 {
            // A `br` to the next op does nothing: dropped.
            tails[at] = Some(head..head);
        } else if let Some(end) = tail_end(head).filter(|&end| end - head <= budget) {
            budget -= end - head;
            tails[at] = Some(head..end + 1);
        }
    }
    if tails.iter().all(Option::is_none) {
        return;
    }
    // For each old op, its new index (a replaced `br`: its copy's first op, or the next
    // op's); for each new op, the old index of the op it is or copies.
    let mut new_index = Vec::with_capacity(ops.len());
    let mut origin = Vec::with_capacity(2 * ops.len());
    for (at, tail) in tails.into_iter().enumerate() {
        new_index.push(origin.len());
        match tail {
            Some(run) => origin.extend(run),
            None => origin.push(at),
        }
    }
    let mut copied: Vec<Op> = origin.iter().map(|&old| ops[old]).collect();
    for (at, op) in copied.iter_mut().enumerate() {
        if let Some(offset) = op.branch_offset_mut() {
            let target = (origin[at] as isize + *offset as isize) as usize;
            *offset = new_index[target] as i32 - at as i32;
        }
    }
    *offsets = origin.iter().map(|&old| offsets[old]).collect();
    *ops = copied;
}

/// Runs each two copies in a row as one op (`Copy2`; a call's arguments are moved into
/// place by a run of copies), unless a branch lands on the second. Drops the merged ops
/// and resolves every branch offset again.
fn pair_copies(ops: &mut Vec<Op>, offsets: &mut Vec<u32>) {
    let is_pair = |pair: &[Op]| matches!(pair, [Op::Copy { .. }, Op::Copy { .. }]);
    if !ops.windows(2).any(is_pair) {
        return;
    }
    let targeted = branch_targets(ops);
    // Compacts in place: for each old op, its new index (a merged copy: its pair's); for
    // each new op, the old index it came from.
    let mut new_index = Vec::with_capacity(ops.len());
    let mut origin = Vec::with_capacity(ops.len());
    let (mut read, mut write) = (0, 0);
    while read < ops.len() {
        new_index.push(write);
        origin.push(read);
        offsets[write] = offsets[read];
        ops[write] = match (ops[read], ops.get(read + 1)) {
            (
                Op::Copy { dst, src },
                Some(&Op::Copy {
                    dst: dst2,
                    src: src2,
                }),
            ) if !targeted[read + 1] => {
                new_index.push(write);
                read += 1;
                Op::Copy2 {
                    dst,
                    src,
                    dst2,
                    src2,
                }
            }
            (op, _) => op,
        };
        read += 1;
        write += 1;
    }
    ops.truncate(write);
    offsets.truncate(write);
    for (at, op) in ops.iter_mut().enumerate() {
        if let Some(offset) = op.branch_offset_mut() {
            let target = (origin[at] as isize + *offset as isize) as usize;
            *offset = new_index[target] as i32 - at as i32;
        }
    }
}

/// Fuses `i += k` right before the loop test at `at` (one that jumps back to `head`) with
/// it into a loop-counter op; the test stays behind it for branches that target it, run
/// once on exit otherwise.
fn fuse_counter_step(ops: &mut [Op], at: usize, head: i32) {
    let counted = at
        .checked_sub(1)
        .and_then(|add| ops[at].fused_increment(&ops[add]));
    if let Some(mut counted) = counted {
        set_offset(&mut counted, head - (at as i32 - 1));
        ops[at - 1] = counted;
    }
}

/// Which ops a branch lands on.
fn branch_targets(ops: &[Op]) -> Vec<bool> {
    let mut targeted = vec![false; ops.len()];
    for (at, op) in ops.iter().enumerate() {
        if let Some(offset) = op.branch_offset() {
            targeted[(at as isize + offset as isize) as usize] = true;
        }
    }
    targeted
}

/// Lets an op take its operand from the register where the threaded executor keeps the
/// result of the op just before it (`Op::with_cached_operand`), wherever that op is the
/// only way in: no branch lands between them. (Calls are no producers, so returning to
/// the op after a call never relies on the register either.)
fn cache_operands(ops: &mut [Op]) {
    let targeted = branch_targets(ops);
    for at in 1..ops.len() {
        if targeted[at] {
            continue;
        }
        let cached = ops[at - 1].cached_result();
        if let Some(op) = cached.and_then(|slot| ops[at].with_cached_operand(slot)) {
            ops[at] = op;
        }
    }
}

fn set_offset(op: &mut Op, new: i32) {
    match op.branch_offset_mut() {
        Some(offset) => *offset = new,
        None => unreachable!("not a branch: {op:?}"),
    }
}
