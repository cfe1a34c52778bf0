//! The stepper's exceptions: `throw` and `throw_ref` end the instruction with
//! `TrapKind::Exception`, and `Stepper::catch` looks for the innermost `try_table` label
//! with a clause for it, through the frames out from the running one (a host function
//! between them passes the exception on as its error): the frames and labels above it
//! go, the values (and the reference) are pushed, and the clause's label is branched to.

use std::rc::Rc;

use wasmparser::{Catch as Clause, Operator};

use super::machine::{Flow, LabelKind, Stepper, Typed};
use crate::interp::store::Store;
use crate::interp::types::{RefType, TrapKind, ValType, Value};

impl Stepper {
    /// `throw` of the running instance's tag `tag`, its values on top of the stack.
    pub(super) fn throw<T>(&mut self, store: &mut Store<T>, tag: u32) -> TrapKind {
        let addr = store.instances[self.instance() as usize].tags[tag as usize];
        let count = store.tags[addr as usize].ty.params().len();
        let values = self.stack.split_off(self.stack.len() - count);
        let mut bits = Vec::new();
        for value in values {
            bits.push(value.bits);
            if value.ty == ValType::V128 {
                bits.push(value.high);
            }
        }
        let exn = store.push_exception(addr, &bits);
        TrapKind::exception(exn, String::new())
    }

    /// Catches exception `exn` at the innermost handler for it; `false` (and nothing
    /// changed) if there is none.
    pub(super) fn catch<T>(&mut self, store: &mut Store<T>, exn: u32) -> bool {
        let tag = store.exceptions[exn as usize].tag;
        let Some((frame_index, label_index, clause)) = self.handler(store, tag) else {
            return false;
        };
        let frames_left = self.frames.len() - 1 - frame_index;
        while self.frames.len() > frame_index + 1 {
            let frame = self.frames.pop().expect("frames above the handler's");
            self.locals_in_frames -= frame.locals.len();
        }
        let label = self.labels[label_index];
        self.labels.truncate(label_index);
        self.stack.truncate(label.height);
        let (values, with_ref, depth) = match clause {
            Clause::One { label, .. } => (true, false, label),
            Clause::OneRef { label, .. } => (true, true, label),
            Clause::All { label } => (false, false, label),
            Clause::AllRef { label } => (false, true, label),
        };
        if values {
            let entity = &store.exceptions[exn as usize];
            let ty = &store.tags[entity.tag as usize].ty;
            for value in Value::read_all(ty.params(), &entity.values, store.id) {
                self.stack.push(Typed::of(value));
            }
        }
        if with_ref {
            store.exceptions[exn as usize].referenced = true;
            self.push(ValType::Ref(RefType::EXNREF), exn as u64 + 1);
        } else {
            store.release_exception(exn);
        }
        self.caught = Some((frames_left, self.frame().layout.func_index));
        let layout = Rc::clone(&self.frame().layout);
        match self.branch(&layout, depth) {
            Flow::Jump(to) => self.frame_mut().pc = to,
            _ => self.return_from_frame(store),
        }
        true
    }

    /// The innermost `try_table` with a clause catching tag `tag` (a store address): its
    /// frame's and label's indices and the clause.
    fn handler<T>(&self, store: &Store<T>, tag: u32) -> Option<(usize, usize, Clause)> {
        for (frame_index, frame) in self.frames.iter().enumerate().rev() {
            let labels_end = self
                .frames
                .get(frame_index + 1)
                .map_or(self.labels.len(), |next| next.label_base);
            let tags = &store.instances[frame.instance as usize].tags;
            // A tail call's callee (a host function: a wasm one took the frame over)
            // runs in place of the caller, outside its handlers.
            let running = frame.layout.operator(&frame.module.inner, frame.pc);
            if let Ok(
                Operator::ReturnCall { .. }
                | Operator::ReturnCallIndirect { .. }
                | Operator::ReturnCallRef { .. },
            ) = running
            {
                continue;
            }
            for label_index in (frame.label_base..labels_end).rev() {
                let label = self.labels[label_index];
                if label.kind != LabelKind::TryTable {
                    continue;
                }
                let operator = frame
                    .layout
                    .operator(&frame.module.inner, label.start as usize);
                let Ok(Operator::TryTable { try_table }) = operator else {
                    continue;
                };
                let clause = try_table.catches.into_iter().find(|clause| match *clause {
                    Clause::One { tag: t, .. } | Clause::OneRef { tag: t, .. } => {
                        tags[t as usize] == tag
                    }
                    Clause::All { .. } | Clause::AllRef { .. } => true,
                });
                if let Some(clause) = clause {
                    return Some((frame_index, label_index, clause));
                }
            }
        }
        None
    }
}
