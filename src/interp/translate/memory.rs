//! Loads and stores: an `i32.add` whose only use is a load's address fuses into the load;
//! a store of a constant takes the value inline.

use wasmparser::Operator;

use super::stack::Operand;
use super::{Emit, Translator};
use crate::interp::isa::{AddressTerm, Op, Slot};

impl Translator<'_> {
    /// A load or store (`None` for other operators).
    pub(super) fn translate_memory_access(&mut self, op: &Operator) -> Option<Emit> {
        // Slots are untyped: `f32.load` is `Load32`, `i64.load8_u` is `Load8U`. The plain
        // forms, from which the others follow (`Op::load_from_sum`, `Op::store_of_constant`).
        type Load = fn(Slot, Slot, u32) -> Op;
        type Store = fn(Slot, Slot, u32) -> Op;
        let (memarg, load, store): (_, Option<Load>, Option<Store>) = match op {
            Operator::I32Load { memarg }
            | Operator::F32Load { memarg }
            | Operator::I64Load32U { memarg } => (
                memarg,
                Some(|dst, addr, offset| Op::Load32 { dst, addr, offset }),
                None,
            ),
            Operator::I64Load { memarg } | Operator::F64Load { memarg } => (
                memarg,
                Some(|dst, addr, offset| Op::Load64 { dst, addr, offset }),
                None,
            ),
            Operator::I32Load8S { memarg } => (
                memarg,
                Some(|dst, addr, offset| Op::Load8S32 { dst, addr, offset }),
                None,
            ),
            Operator::I32Load8U { memarg } | Operator::I64Load8U { memarg } => (
                memarg,
                Some(|dst, addr, offset| Op::Load8U { dst, addr, offset }),
                None,
            ),
            Operator::I32Load16S { memarg } => (
                memarg,
                Some(|dst, addr, offset| Op::Load16S32 { dst, addr, offset }),
                None,
            ),
            Operator::I32Load16U { memarg } | Operator::I64Load16U { memarg } => (
                memarg,
                Some(|dst, addr, offset| Op::Load16U { dst, addr, offset }),
                None,
            ),
            Operator::I64Load8S { memarg } => (
                memarg,
                Some(|dst, addr, offset| Op::Load8S64 { dst, addr, offset }),
                None,
            ),
            Operator::I64Load16S { memarg } => (
                memarg,
                Some(|dst, addr, offset| Op::Load16S64 { dst, addr, offset }),
                None,
            ),
            Operator::I64Load32S { memarg } => (
                memarg,
                Some(|dst, addr, offset| Op::Load32S64 { dst, addr, offset }),
                None,
            ),
            Operator::I32Store8 { memarg } | Operator::I64Store8 { memarg } => (
                memarg,
                None,
                Some(|addr, value, offset| Op::Store8 {
                    addr,
                    value,
                    offset,
                }),
            ),
            Operator::I32Store16 { memarg } | Operator::I64Store16 { memarg } => (
                memarg,
                None,
                Some(|addr, value, offset| Op::Store16 {
                    addr,
                    value,
                    offset,
                }),
            ),
            Operator::I32Store { memarg }
            | Operator::F32Store { memarg }
            | Operator::I64Store32 { memarg } => (
                memarg,
                None,
                Some(|addr, value, offset| Op::Store32 {
                    addr,
                    value,
                    offset,
                }),
            ),
            Operator::I64Store { memarg } | Operator::F64Store { memarg } => (
                memarg,
                None,
                Some(|addr, value, offset| Op::Store64 {
                    addr,
                    value,
                    offset,
                }),
            ),
            _ => return None,
        };
        // Without memory64 the validator proved the offset fits in 32 bits.
        let offset = memarg.offset as u32;
        Some(match (load, store) {
            (Some(load), _) => self.load(load, offset),
            (_, Some(store)) => self.store(store, offset),
            (None, None) => unreachable!("a load or a store"),
        })
    }

    /// A load: an `i32.add` whose only use is the address fuses into it.
    fn load(&mut self, load: fn(Slot, Slot, u32) -> Op, offset: u32) -> Emit {
        let add = |op: &Op| matches!(op, Op::I32Add { .. } | Op::I32AddImm { .. });
        let sum = match self.take_back_producer(add) {
            Some(Op::I32Add { a, b, .. }) => Some((a, AddressTerm::Slot(b))),
            // An i32 add uses its immediate's low 32 bits.
            Some(Op::I32AddImm { a, imm, .. }) => Some((a, AddressTerm::Imm(imm as u32))),
            _ => None,
        };
        self.unary(|dst, addr| {
            let plain = load(dst, addr, offset);
            match sum {
                Some((a, b)) => plain.load_from_sum(a, b).expect("a load"),
                None => plain,
            }
        })
    }

    /// A store: a constant value is an immediate.
    fn store(&mut self, store: fn(Slot, Slot, u32) -> Op, offset: u32) -> Emit {
        let op = match *self.stack.last().expect("validated") {
            Operand::Const(value) => {
                self.stack.pop();
                let addr = self.pop_slot()?;
                store(addr, 0, offset)
                    .store_of_constant(value)
                    .expect("a store")
            }
            _ => {
                let value = self.pop_slot()?;
                store(self.pop_slot()?, value, offset)
            }
        };
        self.emit(op);
        Ok(())
    }
}
