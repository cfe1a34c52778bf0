//! The fusions made as ops are emitted: the op just emitted is taken back when the op
//! that uses its result can absorb it (a comparison into a branch, a constant into a
//! float compare-and-branch, a shift into the add, xor or or using it, a product into the
//! add summing it, a shift or an added constant into the mask applied to it, a counter's
//! step into its loop test, a load and the add of a constant into the store writing the
//! sum back, a `global.get` and the add of a constant into the `global.set` of the sum).

use super::stack::Operand;
use super::Translator;
use crate::interp::isa::{Op, Slot};

/// The condition of a conditional branch.
#[derive(Clone, Copy)]
pub(super) enum Condition {
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
    pub(super) fn branch_when(self, when: bool) -> Op {
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

impl Translator<'_> {
    /// Pops a branch condition. If it is the result of the op just emitted, a comparison
    /// or `i32.eqz`, that op is taken back to be fused into the branch; so is the
    /// comparison an `i32.eqz` negates, if it was emitted just before into the same slot,
    /// and the write of a constant that a float comparison just after reads.
    pub(super) fn pop_condition(&mut self) -> Result<Condition, ()> {
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
    pub(super) fn take_back_constant(&mut self, slot: Slot) -> Option<u64> {
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
    pub(super) fn take_back_producer(&mut self, wanted: impl Fn(&Op) -> bool) -> Option<Op> {
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

    /// `combined`, a binary op on the operands at stack positions `operands` (popped or
    /// not), fused with the op just emitted if that computed either operand (a
    /// temporary, with no label between them) by a shift or a multiplication with a fused
    /// form (`Op::with_shifted_operand`, `Op::with_product_operand`); that op is taken
    /// back. `combined` unchanged otherwise.
    pub(super) fn fuse_operand_producer(&mut self, combined: Op, operands: [u32; 2]) -> Op {
        if self.ops.len() <= self.barrier {
            return combined;
        }
        let Some(&producer) = self.ops.last() else {
            return combined;
        };
        // `combined` reads a position's own slot only where that operand is a temporary.
        let fused = operands.into_iter().find_map(|position| {
            let slot = self.slot(position).ok()?;
            combined
                .with_shifted_operand(&producer, slot)
                .or_else(|| combined.with_product_operand(&producer, slot))
        });
        match fused {
            Some(fused) => {
                self.ops.pop();
                self.offsets.pop();
                fused
            }
            None => combined,
        }
    }

    /// `masked`, an `i32.and` with a constant, fused with the op just emitted if that
    /// computed its operand (a temporary, with no label between them) by an unsigned
    /// right shift by a constant (a bit field's extraction) or by adding a constant (an
    /// index stepped around a ring, a digit test). The producer is taken back.
    pub(super) fn fuse_masked(&mut self, masked: Op) -> Op {
        let Op::I32AndImm { dst, imm: mask, .. } = masked else {
            return masked;
        };
        let mask = mask as u32;
        let producer = |op: &Op| matches!(op, Op::I32ShrUImm { .. } | Op::I32AddImm { .. });
        match self.take_back_producer(producer) {
            Some(Op::I32ShrUImm {
                a: src, imm: shift, ..
            }) => Op::I32ShrUAndImm {
                dst,
                src,
                // The shift uses the count's low 5 bits: the low 8 are enough.
                shift: shift as u8,
                mask,
            },
            Some(Op::I32AddImm { a: src, imm, .. }) => Op::I32AddAndImm {
                dst,
                src,
                add: imm as u32,
                mask,
            },
            _ => masked,
        }
    }

    /// Replaces the `i32.load` and the `i32.add` of a constant just emitted by one op
    /// adding the constant in memory, if the `i32.store` being translated (at `offset`)
    /// writes the sum back where the load read: the same address slot and offset, its
    /// value the temporary on top of the stack that the load wrote and the add stepped,
    /// with no label between them. Pops the store's operands if it did; whether it did.
    pub(super) fn fuse_increment_in_memory(&mut self, offset: u32) -> bool {
        let (Some(at), [.., address, Operand::Temp]) = (self.last_two_ops(), &self.stack[..])
        else {
            return false;
        };
        let (Ok(value), Ok(below)) = (self.slot(self.height() - 1), self.slot(self.height() - 2))
        else {
            return false;
        };
        let addr = match *address {
            Operand::Local(local) => local,
            Operand::Temp => below,
            Operand::Const(_) => return false,
        };
        let fused = match self.ops[at..] {
            [Op::Load32 {
                dst: loaded,
                addr: read,
                offset: read_offset,
            }, Op::I32AddImm { dst, a, imm }]
                if [loaded, a, dst] == [value; 3] && (read, read_offset) == (addr, offset) =>
            {
                Op::I32AddImmInMemory {
                    addr,
                    offset,
                    add: imm as u32,
                }
            }
            _ => return false,
        };
        // The op keeps the load's offset in the module, where a trap would be.
        self.replace_last_two_ops(fused);
        self.stack.truncate(self.stack.len() - 2);
        true
    }

    /// Replaces the `global.get` and the `i32.add` or `i32.sub` of a constant just emitted
    /// by one op stepping the global, if the `global.set` being translated writes their
    /// result (`src`) back to the same `global`, with no label between them: the stack
    /// pointer's prologue `sp = sp - frame` (the result kept in a local too), a counter
    /// in a global. Only when the value read is a temporary that only the add read.
    /// Whether it did.
    pub(super) fn fuse_global_step(&mut self, src: Slot, global: u32) -> bool {
        let Some(at) = self.last_two_ops() else {
            return false;
        };
        // (A subtraction of a constant is translated as an addition.)
        let [Op::GlobalGet {
            dst: read,
            global: read_from,
        }, Op::I32AddImm { dst, a, imm }] = self.ops[at..]
        else {
            return false;
        };
        if a != read || read_from != global || dst != src || (read as u32) < self.num_locals {
            return false;
        }
        // An i32 add uses its immediate's low 32 bits.
        let imm = imm as u32;
        // The op keeps the `global.get`'s offset in the module.
        self.replace_last_two_ops(Op::GlobalI32AddImm { dst, global, imm });
        true
    }

    /// The index of the first of the last two ops emitted, if no label lies before
    /// either (both may be taken back).
    fn last_two_ops(&self) -> Option<usize> {
        let at = self.ops.len().checked_sub(2)?;
        (at >= self.barrier).then_some(at)
    }

    /// Replaces the last two ops emitted by `fused`, which keeps the first's offset in
    /// the module.
    fn replace_last_two_ops(&mut self, fused: Op) {
        let at = self.ops.len() - 2;
        self.ops.truncate(at);
        self.ops.push(fused);
        self.offsets.truncate(at + 1);
    }

    /// Emits a conditional branch, fused with the op just emitted when that op steps the
    /// counter it tests (`i += k; br_if i < n`: the loop idiom) and no label lies between.
    pub(super) fn emit_branch(&mut self, op: Op) -> usize {
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
}
