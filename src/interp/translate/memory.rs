//! Loads and stores: an `i32.add` whose only use is a load's address fuses into the load;
//! a store of a constant takes the value inline; a load, the add of a constant and the
//! store of the sum back are one op. An access to another memory than memory 0, or to a
//! memory 0 that is not plain (64-bit, or of custom page size), is translated as for
//! memory 0, then moved out of line (`Op::OtherMemory`).

use wasmparser::{MemArg, MemArgTarget, Operator};

use super::stack::Operand;
use super::{Emit, Translator};
use crate::interp::isa::{AddressTerm, MemoryOp, Op, Slot};

/// A load or a store, by its plain form's constructor: `(dst, addr, offset)` for a
/// load, `(addr, value, offset)` for a store.
enum Access {
    Load(fn(Slot, Slot, u32) -> Op),
    Store(fn(Slot, Slot, u32) -> Op),
}

/// The memories an operator accesses, `(memory, source memory)` (they differ only for a
/// `memory.copy` between two memories); `None` for operators that access none.
pub(super) fn memories_of(op: &Operator) -> Option<(u32, u32)> {
    use Operator as O;
    let memory = match *op {
        O::MemorySize { mem }
        | O::MemoryGrow { mem }
        | O::MemoryFill { mem }
        | O::MemoryInit { mem, .. } => mem,
        O::MemoryCopy { dst_mem, src_mem } => return Some((dst_mem, src_mem)),
        _ => match memarg_of(op)?.target {
            MemArgTarget::Memory(memory) => memory,
            // GC arrays are refused as the bodies validate.
            MemArgTarget::Array(_) => return None,
        },
    };
    Some((memory, memory))
}

/// The part of a load or store's static offset above 32 bits (memory64's), which the
/// op keeps out of line (`MemoryOp::offset_high`); 0 for other operators.
pub(super) fn offset_high(op: &Operator) -> u64 {
    memarg_of(op).map_or(0, |memarg| memarg.offset & !(u32::MAX as u64))
}

/// The memory immediate of a load or store (SIMD ones too).
fn memarg_of(op: &Operator) -> Option<MemArg> {
    use Operator as O;
    match *op {
        O::I32Load { memarg }
        | O::I64Load { memarg }
        | O::F32Load { memarg }
        | O::F64Load { memarg }
        | O::I32Load8S { memarg }
        | O::I32Load8U { memarg }
        | O::I32Load16S { memarg }
        | O::I32Load16U { memarg }
        | O::I64Load8S { memarg }
        | O::I64Load8U { memarg }
        | O::I64Load16S { memarg }
        | O::I64Load16U { memarg }
        | O::I64Load32S { memarg }
        | O::I64Load32U { memarg }
        | O::I32Store { memarg }
        | O::I64Store { memarg }
        | O::F32Store { memarg }
        | O::F64Store { memarg }
        | O::I32Store8 { memarg }
        | O::I32Store16 { memarg }
        | O::I64Store8 { memarg }
        | O::I64Store16 { memarg }
        | O::I64Store32 { memarg }
        | O::V128Store { memarg } => Some(memarg),
        _ => super::simd::memarg_of(op),
    }
}

impl Translator<'_> {
    /// Whether an access to `memories` (`memories_of`) runs on memory 0's fast path: both
    /// are memory 0, and it is plain (`MemoryType::is_plain`).
    pub(super) fn on_fast_path(&self, memories: (u32, u32)) -> bool {
        memories == (0, 0) && self.module.memories[0].is_plain()
    }

    /// Moves the op just translated (every memory access ends with its op), an access to
    /// `memories` off the fast path translated as if to a plain memory 0 (its offset's
    /// low 32 bits; `offset_high` the rest), out of line: `Op::OtherMemory` runs it on
    /// them.
    pub(super) fn move_to_memory(&mut self, (memory, src_memory): (u32, u32), offset_high: u64) {
        let at = self.ops.last_mut().expect("a memory access emits its op");
        let moved = std::mem::replace(
            at,
            Op::OtherMemory {
                op: self.memory_ops.len() as u32,
                memory,
                src_memory,
            },
        );
        self.memory_ops.push(MemoryOp {
            op: moved,
            offset_high,
        });
    }

    /// A load or store (`None` for other operators), `on_fast_path` if it accesses a
    /// plain memory 0.
    pub(super) fn translate_memory_access(
        &mut self,
        op: &Operator,
        on_fast_path: bool,
    ) -> Option<Emit> {
        // Slots are untyped: `f32.load` is `Load32`, `i64.load8_u` is `Load8U`. The plain
        // forms, from which the others follow (`Op::with_computed_address`,
        // `Op::store_of_constant`).
        macro_rules! load {
            ($variant:ident) => {
                Access::Load(|dst, addr, offset| Op::$variant { dst, addr, offset })
            };
        }
        macro_rules! store {
            ($variant:ident) => {
                Access::Store(|addr, value, offset| Op::$variant {
                    addr,
                    value,
                    offset,
                })
            };
        }
        use Operator as O;
        let (access, memarg) = match op {
            O::I32Load { memarg } | O::F32Load { memarg } | O::I64Load32U { memarg } => {
                (load!(Load32), memarg)
            }
            O::I64Load { memarg } | O::F64Load { memarg } => (load!(Load64), memarg),
            O::I32Load8S { memarg } => (load!(Load8S32), memarg),
            O::I32Load8U { memarg } | O::I64Load8U { memarg } => (load!(Load8U), memarg),
            O::I32Load16S { memarg } => (load!(Load16S32), memarg),
            O::I32Load16U { memarg } | O::I64Load16U { memarg } => (load!(Load16U), memarg),
            O::I64Load8S { memarg } => (load!(Load8S64), memarg),
            O::I64Load16S { memarg } => (load!(Load16S64), memarg),
            O::I64Load32S { memarg } => (load!(Load32S64), memarg),
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => (store!(Store8), memarg),
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => (store!(Store16), memarg),
            O::I32Store { memarg } | O::F32Store { memarg } | O::I64Store32 { memarg } => {
                (store!(Store32), memarg)
            }
            O::I64Store { memarg } | O::F64Store { memarg } => (store!(Store64), memarg),
            _ => return None,
        };
        // A memory64 offset's high bits go out of line (`offset_high`).
        let offset = memarg.offset as u32;
        Some(match access {
            Access::Load(load) => self.load(load, offset),
            Access::Store(store) => {
                // Only an `i32.store` writes back an `i32.add`'s sum.
                let counter = on_fast_path && matches!(op, O::I32Store { .. });
                self.store(store, offset, counter)
            }
        })
    }

    /// A load: an `i32.add`, or an `i32.shl` by a constant, whose only use is the address
    /// fuses into it.
    fn load(&mut self, load: fn(Slot, Slot, u32) -> Op, offset: u32) -> Emit {
        let address = self
            .take_back_producer(|op| address_of(op).is_some())
            .and_then(|op| address_of(&op));
        self.unary(|dst, addr| {
            let plain = load(dst, addr, offset);
            match address {
                Some((a, b)) => plain.with_computed_address(a, b).expect("a load"),
                None => plain,
            }
        })
    }

    /// A store: a constant value is an immediate; if `counter` (an `i32.store` on memory
    /// 0's fast path), the store of a constant added to what the `i32.load` just before
    /// read from the same address is one op with them (`fuse_increment_in_memory`).
    fn store(&mut self, store: fn(Slot, Slot, u32) -> Op, offset: u32, counter: bool) -> Emit {
        if counter && self.fuse_increment_in_memory(offset) {
            return Ok(());
        }
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

/// The slot and term an address-computing op (an `i32.add`, or an `i32.shl` by a
/// constant) computes its result from, for a load to fuse (`Op::with_computed_address`).
fn address_of(op: &Op) -> Option<(Slot, AddressTerm)> {
    match *op {
        Op::I32Add { a, b, .. } => Some((a, AddressTerm::Slot(b))),
        // An i32 add uses its immediate's low 32 bits, a shift its count's low 5: the low
        // 8 are enough.
        Op::I32AddImm { a, imm, .. } => Some((a, AddressTerm::Imm(imm as u32))),
        Op::I32ShlImm { a, imm, .. } => Some((a, AddressTerm::Shift(imm as u8))),
        _ => None,
    }
}
