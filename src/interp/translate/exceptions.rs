//! Exceptions: `throw` and `throw_ref` (ops that end the block, like `unreachable`), and
//! `try_table`, which costs nothing on entry: it is a block whose catch clauses become
//! entries of the function's handler table (`isa::Catch`), each with a landing pad after
//! the block's code, a branch to the clause's label, where the unwinder puts the values.

use wasmparser::{Catch as Clause, TryTable};

use super::control::FrameKind;
use super::{Emit, Translator};
use crate::interp::isa::{Catch, Op};
use crate::interp::types::ValType;

/// An open `try_table`: where its code starts and its clauses.
pub(super) struct OpenTry {
    start: usize,
    clauses: Vec<Clause>,
}

impl Translator<'_> {
    pub(super) fn translate_try_table(&mut self, try_table: TryTable) -> Emit {
        self.open(FrameKind::TryTable, try_table.ty)?;
        self.try_tables.push(OpenTry {
            start: self.ops.len(),
            clauses: try_table.catches,
        });
        Ok(())
    }

    /// At the `end` of a `try_table` (its frame still open, its results moved into
    /// place): the branch past the landing pads, then one pad per clause, and their
    /// entries in the handler table.
    pub(super) fn close_try_table(&mut self) -> Emit {
        let open = self.try_tables.pop().expect("a try_table is open");
        let end = self.ops.len();
        if !self.frame().unreachable {
            let past = self.emit(Op::Br { offset: 0 });
            self.frame_mut().fixups.push(past);
        }
        // The pads are entered from the unwinder: nothing before may be retargeted.
        self.bind_label();
        for clause in open.clauses {
            let (tag, with_ref, label) = match clause {
                Clause::One { tag, label } => (Some(tag), false, label),
                Clause::OneRef { tag, label } => (Some(tag), true, label),
                Clause::All { label } => (None, false, label),
                Clause::AllRef { label } => (None, true, label),
            };
            // The clause's label is counted from outside the `try_table`.
            let depth = label + 1;
            let dst = self.slot(self.target(depth).height)?;
            let pad = self.emit(Op::Br { offset: 0 });
            self.link(pad, depth);
            self.catches.push(Catch {
                start: open.start as u32,
                end: end as u32,
                tag,
                with_ref,
                dst,
                pad: pad as u32,
            });
        }
        Ok(())
    }

    /// `throw`: the tag's values are the top operands, in consecutive slots.
    pub(super) fn translate_throw(&mut self, tag: u32) -> Emit {
        let params = ValType::slots_of(self.module.tag_type(tag).params()) as u32;
        let base = self.prepare_args(params)?;
        self.emit(Op::Throw { tag, base });
        self.finish_call(params, &[])?;
        self.mark_unreachable();
        Ok(())
    }

    pub(super) fn translate_throw_ref(&mut self) -> Emit {
        let exn = self.pop_slot()?;
        self.emit(Op::ThrowRef { exn });
        self.mark_unreachable();
        Ok(())
    }
}
