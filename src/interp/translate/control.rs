//! Control flow: blocks, loops, `if`/`else`, branches (with their values moved into the
//! label's slots), `br_table`, returns, calls, and skipping dead code. Forward branches
//! are patched when their label is reached.

use wasmparser::{BlockType, Operator};

use super::branches::set_offset;
use super::stack::Operand;
use super::{Emit, Translator};
use crate::interp::isa::{Op, Slot};
use crate::interp::types::ValType;

/// The slots a value of `ty` takes: 2 for a `v128`, 1 otherwise (all the translator
/// needs of a block's type).
fn slots_of(ty: wasmparser::ValType) -> u32 {
    match ty {
        wasmparser::ValType::V128 => 2,
        _ => 1,
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum FrameKind {
    Block,
    Loop,
    If,
    Else,
    /// A `try_table` (see `exceptions`).
    TryTable,
}

pub(super) struct ControlFrame {
    pub(super) kind: FrameKind,
    /// The block's type (the function's, for the function's own frame).
    pub(super) blockty: BlockType,
    /// Operand stack height below the frame's parameters.
    pub(super) height: u32,
    /// Slots of the parameters and of the results (a `v128` takes two).
    pub(super) num_params: u32,
    pub(super) num_results: u32,
    /// For loops: where a branch to the label jumps.
    pub(super) loop_start: usize,
    /// Forward branches to the end of the frame, patched when it is reached.
    pub(super) fixups: Vec<usize>,
    /// For `if`: the conditional branch to patch at `else` (or at `end`).
    pub(super) else_fixup: Option<usize>,
    /// The rest of this frame is dead code (after `br`, `return`, `unreachable`).
    pub(super) unreachable: bool,
}

impl ControlFrame {
    /// How many values a branch to this frame's label carries.
    pub(super) fn label_arity(&self) -> u32 {
        if self.kind == FrameKind::Loop {
            self.num_params
        } else {
            self.num_results
        }
    }
}

impl Translator<'_> {
    // ---- control flow ----

    pub(super) fn frame(&self) -> &ControlFrame {
        self.control.last().expect("inside a function")
    }

    pub(super) fn frame_mut(&mut self) -> &mut ControlFrame {
        self.control.last_mut().expect("inside a function")
    }

    /// Binds a label at the current position: no retargeting across it.
    pub(super) fn bind_label(&mut self) -> usize {
        self.barrier = self.ops.len();
        self.ops.len()
    }

    pub(super) fn mark_unreachable(&mut self) {
        let height = self.frame().height;
        self.stack.truncate(height as usize);
        self.frame_mut().unreachable = true;
    }

    /// The slots of a block's parameters and results.
    pub(super) fn block_arity(&self, blockty: BlockType) -> (u32, u32) {
        let slots = |types: &[ValType]| ValType::slots_of(types) as u32;
        match blockty {
            BlockType::Empty => (0, 0),
            BlockType::Type(ty) => (0, slots_of(ty)),
            BlockType::FuncType(index) => {
                let ty = &self.module.types[index as usize];
                (slots(ty.params()), slots(ty.results()))
            }
        }
    }

    /// Pushes temporaries for a block's parameters (`params`) or results, in their slots.
    pub(super) fn push_block_values(&mut self, blockty: BlockType, params: bool) -> Emit {
        let module = self.module;
        match blockty {
            BlockType::Empty => Ok(()),
            BlockType::Type(_) if params => Ok(()),
            BlockType::Type(ty) if slots_of(ty) == 2 => self.push_temps(&[ValType::V128]),
            BlockType::Type(_) => self.push_temp(),
            BlockType::FuncType(index) => {
                let ty = &module.types[index as usize];
                self.push_temps(if params { ty.params() } else { ty.results() })
            }
        }
    }

    pub(super) fn open(&mut self, kind: FrameKind, blockty: BlockType) -> Emit {
        // Control can join inside the block: values below must not depend on locals.
        self.materialize_all()?;
        let (num_params, num_results) = self.block_arity(blockty);
        let loop_start = self.bind_label();
        let height = self.height() - num_params;
        self.reserve(height + num_results)?;
        self.control.push(ControlFrame {
            kind,
            blockty,
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
    pub(super) fn move_results(&mut self, height: u32, arity: u32) -> Emit {
        let first = self.height() - arity;
        for i in 0..arity {
            let dst = self.slot(height + i)?;
            self.move_operand(first + i, dst)?;
        }
        Ok(())
    }

    /// Whether branching with the top `arity` operands to slots at `height` needs moves.
    pub(super) fn results_in_place(&self, height: u32, arity: u32) -> bool {
        let first = self.height() - arity;
        first == height
            && self.stack[first as usize..]
                .iter()
                .all(|operand| *operand == Operand::Temp)
    }

    pub(super) fn target(&self, depth: u32) -> &ControlFrame {
        &self.control[self.control.len() - 1 - depth as usize]
    }

    /// Emits the jump of a branch to `depth` whose values are already in place.
    pub(super) fn jump(&mut self, depth: u32, op: Op) {
        let at = self.emit_branch(op);
        self.link(at, depth);
    }

    /// Points the branch op at `at` to the label at `depth` (now for loops, at the
    /// frame's end otherwise).
    pub(super) fn link(&mut self, at: usize, depth: u32) {
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
    pub(super) fn branch(&mut self, depth: u32) -> Emit {
        if depth as usize == self.control.len() - 1 {
            return self.translate_return();
        }
        let (height, arity) = (self.target(depth).height, self.target(depth).label_arity());
        self.move_results(height, arity)?;
        self.jump(depth, Op::Br { offset: 0 });
        Ok(())
    }

    pub(super) fn translate_br_if(&mut self, depth: u32) -> Emit {
        let condition = self.pop_condition()?;
        self.branch_if(depth, |when| condition.branch_when(when))
    }

    /// A conditional branch to `depth` with the top operands as the label's values:
    /// `branch_when(true)` is the op that branches when the condition holds,
    /// `branch_when(false)` the one that branches when it does not.
    fn branch_if(&mut self, depth: u32, branch_when: impl Fn(bool) -> Op) -> Emit {
        let is_return = depth as usize == self.control.len() - 1;
        let (height, arity) = (self.target(depth).height, self.target(depth).label_arity());
        if !is_return {
            let taken = branch_when(true);
            let in_place = self.results_in_place(height, arity).then_some(taken);
            if let Some(op) = in_place.or_else(|| self.copy_and_branch(height, arity, taken)) {
                self.jump(depth, op);
                return Ok(());
            }
        }
        // Moves are only for the taken path: skip them when the condition is false.
        let skip = self.emit(branch_when(false));
        self.branch(depth)?;
        self.patch_here(skip);
        Ok(())
    }

    /// `branch` as one op that copies the label's one value on both paths, where that
    /// is harmless: the value is a local's, to go to the slot at the label's height, on
    /// top of the stack, so that on the path falling through that slot holds nothing (a
    /// loop's parameter passed back from a local: `local.tee $n; br_if $loop`).
    fn copy_and_branch(&self, height: u32, arity: u32, branch: Op) -> Option<Op> {
        let Some(&Operand::Local(src)) = self.stack.last() else {
            return None;
        };
        if arity != 1 || self.height() - 1 != height {
            return None;
        }
        let dst = self.slot(height).ok()?;
        Some(match branch {
            Op::BrIfNez { cond, offset } => Op::CopyBrIfNez {
                dst,
                src,
                cond,
                offset,
            },
            Op::BrIfEqz { cond, offset } => Op::CopyBrIfEqz {
                dst,
                src,
                cond,
                offset,
            },
            _ => return None,
        })
    }

    /// `br_on_null`: branches with the values below the reference on top when it is
    /// null; otherwise the reference stays.
    pub(super) fn translate_br_on_null(&mut self, depth: u32) -> Emit {
        let cond = self.slot_of_top()?;
        // Off the stack while the branch moves the values below it (the moves write
        // only the label's slots, below it, so the reference stays in its slot).
        let reference = self.stack.pop().expect("validated");
        self.branch_if(depth, |when| match when {
            true => Op::BrIfNull { cond, offset: 0 },
            false => Op::BrIfNonNull { cond, offset: 0 },
        })?;
        self.push(reference)
    }

    /// `br_on_non_null`: branches with the values and the reference on top when it is
    /// not null; otherwise drops the reference.
    pub(super) fn translate_br_on_non_null(&mut self, depth: u32) -> Emit {
        let cond = self.slot_of_top()?;
        self.branch_if(depth, |when| match when {
            true => Op::BrIfNonNull { cond, offset: 0 },
            false => Op::BrIfNull { cond, offset: 0 },
        })?;
        self.stack.pop();
        Ok(())
    }

    pub(super) fn translate_br_table(&mut self, index: Slot, depths: &[u32]) -> Emit {
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
    pub(super) fn translate_return(&mut self) -> Emit {
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

    pub(super) fn translate_else(&mut self) -> Emit {
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
        self.push_block_values(self.frame().blockty, true)?;
        let frame = self.frame_mut();
        frame.kind = FrameKind::Else;
        frame.unreachable = false;
        Ok(())
    }

    pub(super) fn translate_end(&mut self) -> Emit {
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
                self.stack.truncate(0);
                self.push_block_values(self.frame().blockty, false)?;
                self.translate_return()?;
            }
            self.control.pop();
            return Ok(());
        }
        let (height, arity) = (self.frame().height, self.frame().num_results);
        if !self.frame().unreachable {
            self.move_results(height, arity)?;
        }
        if self.frame().kind == FrameKind::TryTable {
            self.close_try_table()?;
        }
        let frame = self.control.pop().expect("inside a block");
        self.bind_label();
        for fixup in frame.fixups.into_iter().chain(frame.else_fixup) {
            self.patch_here(fixup);
        }
        self.stack.truncate(height as usize);
        self.push_block_values(frame.blockty, false)?;
        Ok(())
    }

    /// Dead code after an unconditional branch: track nesting, wait for `else`/`end`.
    pub(super) fn skip_dead(&mut self, op: Operator) -> Emit {
        match op {
            Operator::Block { .. }
            | Operator::Loop { .. }
            | Operator::If { .. }
            | Operator::TryTable { .. } => {
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
    pub(super) fn prepare_args(&mut self, params: u32) -> Result<Slot, ()> {
        let first = self.height() - params;
        for position in first..self.height() {
            self.materialize(position)?;
        }
        self.slot(first)
    }

    /// After a call whose arguments are the top `params` slots: its results, of `results`.
    pub(super) fn finish_call(&mut self, params: u32, results: &[ValType]) -> Emit {
        let first = self.height() - params;
        self.stack.truncate(first as usize);
        self.push_temps(results)
    }

    /// `call`, or with `tail` `return_call`: the call, then the return of its results,
    /// which runs only when the callee is a host function (a wasm callee takes over the
    /// frame and returns to our caller itself).
    pub(super) fn translate_call(&mut self, func_index: u32, tail: bool) -> Emit {
        let ty = self.module.func_type_of(func_index);
        let params = ValType::slots_of(ty.params()) as u32;
        let base = self.prepare_args(params)?;
        let imported = self.module.num_imported_funcs;
        self.emit(match (func_index.checked_sub(imported), tail) {
            (Some(def), false) => Op::CallInternal { def, base },
            (None, false) => Op::CallImport {
                func: func_index,
                base,
            },
            (Some(def), true) => Op::ReturnCallInternal { def, base },
            (None, true) => Op::ReturnCall {
                func: func_index,
                base,
            },
        });
        self.finish_any_call(params, ty.results(), tail)
    }

    /// `call_indirect`, or with `tail` `return_call_indirect` (see `translate_call`).
    pub(super) fn translate_call_indirect(
        &mut self,
        type_index: u32,
        table: u32,
        tail: bool,
    ) -> Emit {
        let index = self.pop_slot()?;
        let ty = &self.module.types[type_index as usize];
        let (params, results) = (ValType::slots_of(ty.params()) as u32, ty.results());
        let base = self.prepare_args(params)?;
        self.emit(match tail {
            false => Op::CallIndirect {
                type_index,
                table,
                index,
                base,
            },
            true => Op::ReturnCallIndirect {
                type_index,
                table,
                index,
                base,
            },
        });
        self.finish_any_call(params, results, tail)
    }

    /// `call_ref` of type `type_index`, or with `tail` `return_call_ref` (see
    /// `translate_call`): the reference on top, the arguments below it.
    pub(super) fn translate_call_ref(&mut self, type_index: u32, tail: bool) -> Emit {
        let func = self.pop_slot()?;
        let ty = &self.module.types[type_index as usize];
        let (params, results) = (ValType::slots_of(ty.params()) as u32, ty.results());
        let base = self.prepare_args(params)?;
        self.emit(match tail {
            false => Op::CallRef { func, base },
            true => Op::ReturnCallRef { func, base },
        });
        self.finish_any_call(params, results, tail)
    }

    /// After a call (`finish_call`); after a tail call, also the return of its results.
    fn finish_any_call(&mut self, params: u32, results: &[ValType], tail: bool) -> Emit {
        self.finish_call(params, results)?;
        if tail {
            self.translate_return()?;
            self.mark_unreachable();
        }
        Ok(())
    }

    /// A wide-arithmetic op (`make`) on the top `operands` values, which it replaces with
    /// its result's two halves: like a call, it takes its operands in consecutive slots.
    pub(super) fn wide_arithmetic(&mut self, operands: u32, make: impl FnOnce(Slot) -> Op) -> Emit {
        let base = self.prepare_args(operands)?;
        self.emit(make(base));
        self.finish_call(operands, &[ValType::I64, ValType::I64])
    }

    /// Points the branch at `at` to the current end of the code.
    pub(super) fn patch_here(&mut self, at: usize) {
        let offset = self.ops.len() as i32 - at as i32;
        set_offset(&mut self.ops[at], offset);
    }
}

/// Where `if` saves its parameters for the else path: above them and the condition.
pub(super) fn if_save_position(height: u32, params: u32) -> u32 {
    height + params + 1
}
