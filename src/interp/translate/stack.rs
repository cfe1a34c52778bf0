//! The compile-time operand stack: where each operand is (its own slot, still in a
//! local, or a constant not yet written), and the emitting of ops that read operands in
//! place and push their result.

use super::{Emit, Translator};
use crate::interp::isa::{Op, Slot};
use crate::interp::types::{ValType, MAX_FRAME_SLOTS};

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Operand {
    /// In its own slot: `num_locals + position`.
    Temp,
    /// Still in a local.
    Local(Slot),
    /// A constant (raw bits) not yet written to any slot.
    Const(u64),
}

impl Translator<'_> {
    // ---- the operand stack ----

    pub(super) fn height(&self) -> u32 {
        self.stack.len() as u32
    }

    /// The slot of operand stack position `position`.
    pub(super) fn slot(&self, position: u32) -> Result<Slot, ()> {
        Slot::try_from(self.num_locals + position).map_err(|_| ())
    }

    pub(super) fn reserve(&mut self, height: u32) -> Emit {
        if self.num_locals + height > MAX_FRAME_SLOTS {
            return Err(());
        }
        self.max_height = self.max_height.max(height);
        Ok(())
    }

    pub(super) fn push(&mut self, operand: Operand) -> Emit {
        self.push_half(operand, false)
    }

    /// Pushes `operand`, the upper half of a `v128` with `upper` (see `Translator::upper`).
    fn push_half(&mut self, operand: Operand, upper: bool) -> Emit {
        let position = self.stack.len();
        self.stack.push(operand);
        match self.upper.get_mut(position) {
            Some(mark) => *mark = upper,
            None => self.upper.push(upper),
        }
        self.reserve(self.height())
    }

    /// Pushes a `v128` as its two halves, low first.
    pub(super) fn push_v128(&mut self, low: Operand, high: Operand) -> Emit {
        self.push_half(low, false)?;
        self.push_half(high, true)
    }

    /// Pushes temporaries holding values of `types` (in their own slots already).
    pub(super) fn push_temps(&mut self, types: &[ValType]) -> Emit {
        for &ty in types {
            match ty {
                ValType::V128 => self.push_v128(Operand::Temp, Operand::Temp)?,
                _ => self.push_temp()?,
            }
        }
        Ok(())
    }

    /// Whether the operand on top is a `v128` (its upper half).
    pub(super) fn top_is_v128(&self) -> bool {
        self.height() > 0 && self.upper[self.height() as usize - 1]
    }

    /// The first of two consecutive slots holding the `v128` at positions `position` and
    /// `position + 1`, writing it to its own slots first unless it is in place already
    /// (a temporary, or a `v128` local).
    pub(super) fn v128_slot_at(&mut self, position: u32) -> Result<Slot, ()> {
        let (low, high) = (self.slot_at(position)?, self.slot_at(position + 1)?);
        if low.checked_add(1) == Some(high) {
            return Ok(low);
        }
        self.materialize(position)?;
        self.materialize(position + 1)?;
        self.slot(position)
    }

    /// Pops the `v128` on top; the first of its two slots.
    pub(super) fn pop_v128(&mut self) -> Result<Slot, ()> {
        let slot = self.v128_slot_at(self.height() - 2)?;
        self.stack.truncate(self.stack.len() - 2);
        Ok(slot)
    }

    pub(super) fn push_temp(&mut self) -> Emit {
        self.push(Operand::Temp)
    }

    /// The slot holding the operand at `position`, writing a constant to its own slot first.
    pub(super) fn slot_at(&mut self, position: u32) -> Result<Slot, ()> {
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

    pub(super) fn slot_of_top(&mut self) -> Result<Slot, ()> {
        self.slot_at(self.height() - 1)
    }

    pub(super) fn pop_slot(&mut self) -> Result<Slot, ()> {
        let slot = self.slot_of_top()?;
        self.stack.pop();
        Ok(slot)
    }

    pub(super) fn pop3(&mut self) -> Result<[Slot; 3], ()> {
        let c = self.pop_slot()?;
        let b = self.pop_slot()?;
        let a = self.pop_slot()?;
        Ok([a, b, c])
    }

    pub(super) fn emit_const(&mut self, dst: Slot, bits: u64) {
        match u32::try_from(bits) {
            Ok(value) => self.emit(Op::Const32 { dst, value }),
            Err(_) => self.emit(Op::Const64 { dst, value: bits }),
        };
    }

    /// Writes the operand at `position` into slot `dst` (unless it is already there).
    pub(super) fn move_operand(&mut self, position: u32, dst: Slot) -> Emit {
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
    pub(super) fn materialize(&mut self, position: u32) -> Emit {
        let dst = self.slot(position)?;
        self.move_operand(position, dst)?;
        self.stack[position as usize] = Operand::Temp;
        Ok(())
    }

    pub(super) fn materialize_all(&mut self) -> Emit {
        for position in 0..self.height() {
            self.materialize(position)?;
        }
        Ok(())
    }

    /// An instruction with no operands and one result.
    pub(super) fn produce(&mut self, op: impl FnOnce(Slot) -> Op) -> Emit {
        let dst = self.slot(self.height())?;
        self.emit(op(dst));
        self.push_temp()
    }

    pub(super) fn unary(&mut self, op: impl FnOnce(Slot, Slot) -> Op) -> Emit {
        let src = self.slot_of_top()?;
        let dst = self.slot(self.height() - 1)?;
        self.stack.pop();
        self.emit(op(dst, src));
        self.push_temp()
    }

    /// `select` (not of `v128`s), a constant arm of 32 bits or fewer in the op.
    pub(super) fn translate_select(&mut self) -> Emit {
        let cond = self.pop_slot()?;
        let constant = |arm: Option<&Operand>| match arm {
            Some(&Operand::Const(bits)) => u32::try_from(bits).ok(),
            _ => None,
        };
        let op = match constant(self.stack.last()) {
            Some(imm) => {
                self.stack.pop();
                let a = self.slot_of_top()?;
                let dst = self.slot(self.height() - 1)?;
                Op::SelectElseImm { dst, cond, a, imm }
            }
            None => {
                let b = self.pop_slot()?;
                let dst = self.slot(self.height() - 1)?;
                match constant(self.stack.last()) {
                    Some(imm) => Op::SelectImm { dst, cond, imm, b },
                    None => Op::Select {
                        dst,
                        cond,
                        a: self.slot_of_top()?,
                        b,
                    },
                }
            }
        };
        self.stack.pop();
        self.emit(op);
        self.push_temp()
    }

    pub(super) fn binary(
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
                self.fuse_masked(imm_op(dst, a, imm).simplified())
            }
            None => {
                let b = self.pop_slot()?;
                let a = self.slot_of_top()?;
                let lhs = self.height() - 1;
                let dst = self.slot(lhs)?;
                self.fuse_operand_producer(op(dst, a, b), [lhs, lhs + 1])
            }
        };
        self.stack.pop();
        self.emit(emitted);
        self.push_temp()
    }

    /// `local.set` (or with `tee`, `local.tee`) of local `index`.
    pub(super) fn set_local(&mut self, index: u32, tee: bool) -> Emit {
        let (slot, wide) = self.locals[index as usize];
        if !wide {
            return self.local_set(slot, tee);
        }
        // A `v128` the op just emitted computed writes the local itself; any other is
        // moved, the upper half, then the lower one, each a slot of its own.
        if !self.retarget_v128(slot)? {
            self.local_set(slot + 1, false)?;
            self.local_set(slot, false)?;
        }
        if tee {
            self.push_v128(Operand::Local(slot), Operand::Local(slot + 1))?;
        }
        Ok(())
    }

    /// `local.get` of local `index`: read in place.
    pub(super) fn get_local(&mut self, index: u32) -> Emit {
        match self.locals[index as usize] {
            (slot, false) => self.push(Operand::Local(slot)),
            (slot, true) => self.push_v128(Operand::Local(slot), Operand::Local(slot + 1)),
        }
    }

    /// Pops the `v128` on top into the local at `local` by retargeting the op that
    /// computed it (the last op emitted, writing the vector's temporary slots), if it
    /// is one and nothing else on the stack reads the local's old value; `false` (the
    /// stack unchanged) otherwise.
    fn retarget_v128(&mut self, local: Slot) -> Result<bool, ()> {
        let top = self.height() - 2;
        let old_value_read = self.stack[..top as usize].iter().any(|&operand| {
            operand == Operand::Local(local) || operand == Operand::Local(local + 1)
        });
        if self.stack[top as usize..] != [Operand::Temp, Operand::Temp]
            || old_value_read
            || self.ops.len() <= self.barrier
        {
            return Ok(false);
        }
        let value_slot = self.slot(top)?;
        let retargeted = self
            .ops
            .last_mut()
            .and_then(Op::vector_result_slot_mut)
            .filter(|dst| **dst == value_slot)
            .map(|dst| *dst = local)
            .is_some();
        if retargeted {
            self.stack.truncate(top as usize);
        }
        Ok(retargeted)
    }

    /// `local.set` of a one-slot value (or of a `v128`'s half) to slot `local`.
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
}
