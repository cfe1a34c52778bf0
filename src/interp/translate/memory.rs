//! Loads and stores: an `i32.add` whose only use is a load's address fuses into the load;
//! a store of a constant takes the value inline.

use wasmparser::Operator;

use super::stack::Operand;
use super::{Emit, Translator};
use crate::interp::isa::{Op, Slot};

impl Translator<'_> {
    pub(super) fn translate_memory_access(&mut self, op: &Operator) -> Option<Emit> {
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
}
