//! Throwing and catching: `throw` makes an exception in the store and `throw_ref`
//! throws one again; either ends the executor's run with `TrapKind::Exception`, and
//! `Run::catch` then looks for its handler, from the running function out through its
//! callers (of any instance; a host function between them passes the exception on as
//! its error), by code position in each one's handler table (`isa::Catch`). Nothing runs
//! when no exception is thrown. The handler's frame becomes the running one, the
//! exception's values (and its reference) go to the label's slots, and execution goes
//! on at the handler's landing pad; when no handler is found, the frames stay as they
//! were for the trap's backtrace.

use super::run::{CallFrame, Run};
use super::views::Slots;
use crate::interp::isa::Slot;
use crate::interp::store::{Catching, Store};
use crate::interp::types::{TrapKind, ValType};

/// What `Run::catch` found: the handler and how far the exception went to it.
pub struct Caught {
    /// The frames left (the running function's and its callers' up to the handler's).
    pub frames_left: usize,
    /// The function that caught it and the handler's landing pad there.
    pub func_index: u32,
    pub instance: u32,
    /// The exception's tag (its store address).
    pub tag: u32,
    pub pad: usize,
    /// The frames below the handler's.
    pub depth: usize,
}

impl Caught {
    /// What an observer sees of it.
    pub fn event<'a, T>(&self, store: &'a Store<T>) -> Catching<'a> {
        let module = &store.instances[self.instance as usize].module;
        Catching {
            tag: store.tag_name(self.tag),
            frames_left: self.frames_left,
            func_index: self.func_index,
            func_name: module.func_name(self.func_index),
            pad: self.pad,
            depth: self.depth,
        }
    }
}

impl Run {
    /// `throw` of tag `tag` (the running instance's index) with the values at `s[base..]`.
    pub(super) fn throw<T>(
        &mut self,
        store: &mut Store<T>,
        slots: Slots,
        tag: u32,
        base: Slot,
    ) -> TrapKind {
        let addr = store.instances[self.at.frame.instance as usize].tags[tag as usize];
        let count = ValType::slots_of(store.tags[addr as usize].ty.params());
        let values: Vec<u64> = (0..count).map(|i| slots.get(base + i as Slot)).collect();
        let exn = store.push_exception(addr, &values);
        TrapKind::exception(exn, String::new())
    }

    /// `throw_ref` of the reference `bits`.
    pub(super) fn throw_ref(bits: u64) -> TrapKind {
        match bits.checked_sub(1) {
            Some(exn) => TrapKind::exception(exn as u32, String::new()),
            None => TrapKind::NullExceptionReference,
        }
    }

    /// Catches exception `exn` at the innermost handler for it, if there is one: goes
    /// to its landing pad with the values in place. Leaves everything as it is if none.
    pub(super) fn catch<T>(&mut self, store: &mut Store<T>, exn: u32) -> Option<Caught> {
        let tag = store.exceptions[exn as usize].tag;
        let frames = std::iter::once(&self.at.frame).chain(self.frames.iter().rev());
        let (frames_left, catch) = frames.enumerate().find_map(|(depth, frame)| {
            // The op that threw, or the call the exception came out of.
            let pc = frame.code.index_of(frame.ip).checked_sub(1)?;
            let func = frame.code.func();
            // A tail call's callee (a host function: a wasm one took the frame over)
            // runs in place of the caller, outside its handlers.
            if func.ops[pc].op().is_tail_call() {
                return None;
            }
            let tags = &store.instances[frame.instance as usize].tags;
            func.catches
                .iter()
                .find(|c| c.covers(pc) && c.tag.is_none_or(|t| tags[t as usize] == tag))
                .map(|c| (depth, *c))
        })?;
        let mut frame: CallFrame = match frames_left {
            0 => self.at.frame,
            n => {
                let at = self.frames.len() - n;
                let frame = self.frames[at];
                self.frames.truncate(at);
                frame
            }
        };
        frame.ip = frame.code.at(catch.pad as usize);
        self.go_to(store, frame);
        let slots = self.at.frame.slots;
        let mut dst = catch.dst;
        if catch.tag.is_some() {
            for &value in store.exceptions[exn as usize].values.iter() {
                slots.set(dst, value);
                dst += 1;
            }
        }
        if catch.with_ref {
            store.exceptions[exn as usize].referenced = true;
            slots.set(dst, exn as u64 + 1);
        } else {
            store.release_exception(exn);
        }
        Some(Caught {
            frames_left,
            func_index: frame.code.func().func_index,
            instance: frame.instance,
            tag,
            pad: catch.pad as usize,
            depth: self.frames.len(),
        })
    }
}
