//! The driver: each wasmparser operator, in order, to the translator's parts (the
//! numeric operators through the ISA's tables).

use wasmparser::Operator;

use super::control::{if_save_position, FrameKind};
use super::fuse::Condition;
use super::stack::Operand;
use super::{Emit, Translator};
use crate::interp::isa::Op;

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

    pub(super) fn translate(&mut self, op: Operator) -> Emit {
        if self.frame().unreachable {
            return self.skip_dead(op);
        }
        match super::memory::memories_of(&op) {
            Some(memories) if !self.on_fast_path(memories) => {
                let offset_high = super::memory::offset_high(&op);
                self.translate_on_memory_0(op, false)?;
                self.move_to_memory(memories, offset_high);
                Ok(())
            }
            _ => self.translate_on_memory_0(op, true),
        }
    }

    /// Translates `op`; one that accesses memory, as if it accessed memory 0 (on its
    /// fast path, `on_fast_path`, or moved out of line after).
    fn translate_on_memory_0(&mut self, op: Operator, on_fast_path: bool) -> Emit {
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
            Operator::TryTable { try_table } => self.translate_try_table(try_table),
            Operator::Throw { tag_index } => self.translate_throw(tag_index),
            Operator::ThrowRef => self.translate_throw_ref(),
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
            Operator::Call { function_index } => self.translate_call(function_index, false),
            Operator::CallIndirect {
                type_index,
                table_index,
            } => self.translate_call_indirect(type_index, table_index, false),
            Operator::ReturnCall { function_index } => self.translate_call(function_index, true),
            Operator::ReturnCallIndirect {
                type_index,
                table_index,
            } => self.translate_call_indirect(type_index, table_index, true),
            Operator::CallRef { type_index } => self.translate_call_ref(type_index, false),
            Operator::ReturnCallRef { type_index } => self.translate_call_ref(type_index, true),
            Operator::RefAsNonNull => {
                let src = self.slot_of_top()?;
                self.emit(Op::RefAsNonNull { src });
                Ok(())
            }
            Operator::BrOnNull { relative_depth } => self.translate_br_on_null(relative_depth),
            Operator::BrOnNonNull { relative_depth } => {
                self.translate_br_on_non_null(relative_depth)
            }
            Operator::I64Add128 => self.wide_arithmetic(4, |base| Op::I64Add128 { base }),
            Operator::I64Sub128 => self.wide_arithmetic(4, |base| Op::I64Sub128 { base }),
            Operator::I64MulWideS => self.wide_arithmetic(2, |base| Op::I64MulWideS { base }),
            Operator::I64MulWideU => self.wide_arithmetic(2, |base| Op::I64MulWideU { base }),
            Operator::Drop => {
                let slots = if self.top_is_v128() { 2 } else { 1 };
                self.stack.truncate(self.stack.len() - slots);
                Ok(())
            }
            Operator::Select | Operator::TypedSelect { .. } if self.below_top_is_v128() => {
                self.translate_v128_select()
            }
            Operator::Select | Operator::TypedSelect { .. } => self.translate_select(),
            Operator::LocalGet { local_index } => self.get_local(local_index),
            Operator::LocalSet { local_index } => self.set_local(local_index, false),
            Operator::LocalTee { local_index } => self.set_local(local_index, true),
            Operator::GlobalGet { global_index } if self.is_v128_global(global_index) => self
                .produce_v128(|dst| Op::GlobalGet128 {
                    dst,
                    global: global_index,
                }),
            Operator::GlobalSet { global_index } if self.is_v128_global(global_index) => {
                let src = self.pop_v128()?;
                self.emit(Op::GlobalSet128 {
                    src,
                    global: global_index,
                });
                Ok(())
            }
            Operator::GlobalGet { global_index } => self.produce(|dst| Op::GlobalGet {
                dst,
                global: global_index,
            }),
            Operator::GlobalSet { global_index } => {
                let src = self.pop_slot()?;
                if !self.fuse_global_step(src, global_index) {
                    self.emit(Op::GlobalSet {
                        src,
                        global: global_index,
                    });
                }
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
                .or_else(|| self.translate_memory_access(&other, on_fast_path))
                .or_else(|| self.translate_simd(&other))
                .unwrap_or_else(|| {
                    unreachable!("the validator rejects {other:?} with our feature set")
                }),
        }
    }
}
