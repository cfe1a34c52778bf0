//! Calls and returns: entering a callee (directly, with no call out of line, in the
//! common case), `call_indirect`'s checks, calls of imports and host functions, and
//! returning to the caller.

use std::rc::Rc;

use super::num;
use super::run::{memory_view, module_code, position, table_elements, table_view, CallFrame, Run};
use super::views::{CodeRef, Ip, SliceView, Slots};
use crate::interp::isa::{Op, Slot, ZEROED_AT_ENTRY};
use crate::interp::store::{Callee, Caller, FuncEntity, HostCall, Store};
use crate::interp::types::{Instance, TrapKind, TypeId, ValType, Value};

impl Run {
    /// Enters `callee`, a function of the running instance, whose arguments start at slot
    /// `arg_base` of the current frame; the caller resumes at `self.at.frame.ip`.
    #[inline(always)]
    pub(super) fn enter(&mut self, callee: CodeRef, arg_base: Slot) -> Result<(), TrapKind> {
        if self.try_enter_directly(callee, arg_base) {
            return Ok(());
        }
        self.enter_through_push_frame(callee, arg_base)
    }

    /// `enter` without its inline common case: for calls that seldom enter a function of
    /// the same instance (calls of imports), where it would only make the code larger.
    #[inline(always)]
    pub(super) fn enter_through_push_frame(
        &mut self,
        callee: CodeRef,
        arg_base: Slot,
    ) -> Result<(), TrapKind> {
        let base = self.push_frame(callee, arg_base)?;
        self.move_within_instance(callee, callee.entry(), base);
        Ok(())
    }

    /// `enter`'s common case, with no call out of line (so a threaded handler running it
    /// need not save registers): `false`, with nothing done, when the frame stack must
    /// grow, a limit is near or the callee has more than a few declared locals to zero.
    #[inline(always)]
    pub(super) fn try_enter_directly(&mut self, callee: CodeRef, arg_base: Slot) -> bool {
        // The caller's frame is written first, and kept only if the checks pass: fewer
        // values live at once, so none goes to the native stack.
        let depth = self.frames.len();
        if depth >= self.frame_room {
            return false;
        }
        // SAFETY: `depth < frame_room <= frames.capacity()`.
        unsafe { CallFrame::copy(&self.at.frame, self.frames.as_mut_ptr().add(depth)) };
        let func = callee.func();
        let base = self.at.frame.base + arg_base as usize;
        // (`base` is inside the caller's frame, so `stack.len() - base` does not wrap.)
        if func.direct_entry_slots as usize > self.stack.len() - base {
            return false;
        }
        // Zeroes the declared locals, and past them up to `ZEROED_AT_ENTRY` slots that
        // hold nothing yet (the callee's operands, or beyond the top of the stack in
        // use): a fixed-size store, with no loop or `memset`.
        // SAFETY: `base + num_params + ZEROED_AT_ENTRY <= base + direct_entry_slots`,
        // within the stack as just checked.
        unsafe {
            let locals = self.stack.as_mut_ptr().add(base + func.num_params as usize);
            locals
                .cast::<[u64; ZEROED_AT_ENTRY]>()
                .write_unaligned([0; ZEROED_AT_ENTRY]);
        }
        // SAFETY: `base + frame_size <= base + direct_entry_slots <= stack.len()`.
        let slots =
            unsafe { Slots::new_unchecked(&mut self.stack, base, func.frame_size as usize) };
        // SAFETY: the frame at `depth` was written above.
        unsafe { self.frames.set_len(depth + 1) };
        let frame = &mut self.at.frame;
        (frame.code, frame.ip, frame.base, frame.slots) = (callee, callee.entry(), base, slots);
        true
    }

    /// `CallIndirect` (`op`, with `self.at.frame.ip` already past it) through table 0 to
    /// a function of the running instance, entered directly (see `try_enter_directly`),
    /// with no access to the store; `false`, with nothing done, for anything else: other
    /// tables, other callees, calls to enter out of line and calls that trap.
    #[cfg(wasmcade_threaded)]
    #[inline(always)]
    pub(super) fn try_call_indirect_directly(&mut self, op: &Op) -> bool {
        let Op::CallIndirect {
            type_index,
            table: 0,
            index,
            base,
        } = *op
        else {
            return false;
        };
        let element = self.at.table0.get(self.at.frame.slots.get(index) as u32);
        match self.indirect_callee(element, type_index) {
            Ok((_, callee)) => self.try_enter_callee_directly(callee, base),
            Err(_) => false,
        }
    }

    /// The function a `CallIndirect` of module type `type_index` finds in the table
    /// element `element` (its bits; `None` past the table's end): its store address and
    /// callee record, or the trap.
    #[inline(always)]
    pub(super) fn indirect_callee(
        &self,
        element: Option<u64>,
        type_index: u32,
    ) -> Result<(u32, Callee), TrapKind> {
        let element = element.ok_or(TrapKind::UndefinedElement)?;
        let addr = element
            .checked_sub(1)
            .ok_or(TrapKind::UninitializedElement)? as u32;
        let callee = self
            .at
            .callees
            .get(addr)
            .expect("tables hold functions of the store");
        if Some(callee.type_id) != self.at.type_ids.get(type_index) {
            return Err(TrapKind::IndirectCallTypeMismatch);
        }
        Ok((addr, callee))
    }

    /// `indirect_callee`, where a function of a declared subtype of the type expected
    /// passes too (3.0): the check of `call_indirect` and `return_call_indirect` run out
    /// of line. The direct path (`try_call_indirect_directly`) takes only equal types,
    /// and leaves a mismatch to this one.
    #[inline(always)]
    pub(super) fn indirect_callee_or_subtype(
        &self,
        element: Option<u64>,
        type_index: u32,
    ) -> Result<(u32, Callee), TrapKind> {
        match self.indirect_callee(element, type_index) {
            Err(TrapKind::IndirectCallTypeMismatch) => self.subtype_callee(element, type_index),
            result => result,
        }
    }

    /// The callee of a `call_indirect` whose type is not the one expected (a mismatch,
    /// so the element holds a function): it, if its type is a declared subtype.
    #[cold]
    #[inline(never)]
    fn subtype_callee(
        &self,
        element: Option<u64>,
        type_index: u32,
    ) -> Result<(u32, Callee), TrapKind> {
        let mismatch = TrapKind::IndirectCallTypeMismatch;
        let addr = element
            .and_then(|bits| bits.checked_sub(1))
            .ok_or(mismatch.clone())? as u32;
        let callee = self.at.callees.get(addr).ok_or(mismatch.clone())?;
        let expected = self.at.type_ids.get(type_index).ok_or(mismatch.clone())?;
        match TypeId(callee.type_id).is_subtype_of(TypeId(expected)) {
            true => Ok((addr, callee)),
            false => Err(mismatch),
        }
    }

    /// Enters `callee` directly if it is a function of the running instance (see
    /// `try_enter_directly`); `false`, with nothing done, otherwise.
    #[inline(always)]
    pub(super) fn try_enter_callee_directly(&mut self, callee: Callee, arg_base: Slot) -> bool {
        callee.instance == self.at.frame.instance
            && self.try_enter_directly(self.at.module_code.nth(callee.def), arg_base)
    }

    /// Moves to `ip` in `code` of the running instance, with its frame at `stack[base]`.
    #[inline(always)]
    pub(super) fn move_within_instance(&mut self, code: CodeRef, ip: Ip, base: usize) {
        let frame_size = code.func().frame_size as usize;
        let slots = Slots::new(&mut self.stack, base, frame_size);
        let frame = &mut self.at.frame;
        (frame.code, frame.ip, frame.base, frame.slots) = (code, ip, base, slots);
    }

    /// Saves the caller's position for a call of `callee` with its frame at slot
    /// `arg_base`, after checking the limits and zeroing the callee's declared locals;
    /// returns the callee's frame base. Out of line: the path `try_enter_directly`
    /// leaves, and calls across instances.
    #[inline(never)]
    pub(super) fn push_frame(
        &mut self,
        callee: CodeRef,
        arg_base: Slot,
    ) -> Result<usize, TrapKind> {
        let func = callee.func();
        let base = self.at.frame.base + arg_base as usize;
        if self.frames.len() >= self.max_depth || base + func.frame_size as usize > self.stack.len()
        {
            return Err(TrapKind::CallStackExhausted);
        }
        // Declared locals start at zero.
        self.stack[base + func.num_params as usize..base + func.num_locals as usize].fill(0);
        self.frames.push(self.at.frame);
        self.frame_room = self.frames.capacity().min(self.max_depth);
        Ok(base)
    }

    /// `CallImport` (`op`), with `self.at.frame.ip` already past it.
    #[inline(always)]
    pub(super) fn call_import<T>(&mut self, store: &mut Store<T>, op: &Op) -> Result<(), TrapKind> {
        let Op::CallImport { func, base } = *op else {
            unreachable!("not a call of an import: {op:?}");
        };
        let addr = store.instances[self.at.frame.instance as usize].funcs[func as usize];
        self.call_addr(store, addr, base)
    }

    /// `CallIndirect` (`op`), with `self.at.frame.ip` already past it.
    #[inline(always)]
    pub(super) fn call_indirect<T>(
        &mut self,
        store: &mut Store<T>,
        op: &Op,
    ) -> Result<(), TrapKind> {
        let Op::CallIndirect {
            type_index,
            table,
            index,
            base,
        } = *op
        else {
            unreachable!("not a call_indirect: {op:?}");
        };
        let index = self.at.frame.slots.get(index) as u32;
        let element = match table {
            0 => self.at.table0.get(index),
            _ => table_elements(store, self.at.frame.instance, table)
                .get(index as usize)
                .copied(),
        };
        let (addr, callee) = self.indirect_callee_or_subtype(element, type_index)?;
        // The common case, a function of the running instance entered directly, makes no
        // call out of line (so the function running it saves few registers).
        if self.try_enter_callee_directly(callee, base) {
            return Ok(());
        }
        self.call_addr_out_of_line(store, addr, base)
    }

    /// `ReturnCall`, `ReturnCallIndirect` and `ReturnCallRef` (`op`), with `self.at.frame.ip` already past
    /// it: the callee takes over the running function's frame, so tail calls run in
    /// constant frame-stack space. A host function takes no frame: it is called as by
    /// `call_addr`, and the op after this one returns its results.
    pub(super) fn return_call<T>(&mut self, store: &mut Store<T>, op: &Op) -> Result<(), TrapKind> {
        let instance = self.at.frame.instance;
        let (addr, arg_base) = match *op {
            Op::ReturnCall { func, base } => (
                store.instances[instance as usize].funcs[func as usize],
                base,
            ),
            Op::ReturnCallIndirect {
                type_index,
                table,
                index,
                base,
            } => {
                let index = self.at.frame.slots.get(index) as u32;
                let element = table_elements(store, instance, table)
                    .get(index as usize)
                    .copied();
                (
                    self.indirect_callee_or_subtype(element, type_index)?.0,
                    base,
                )
            }
            Op::ReturnCallRef { func, base } => {
                (num::referenced_func(self.at.frame.slots.get(func))?, base)
            }
            _ => unreachable!("not a tail call: {op:?}"),
        };
        let &FuncEntity::Wasm {
            instance: callee_instance,
            def,
            ..
        } = &store.funcs[addr as usize]
        else {
            return self.call_addr(store, addr, arg_base);
        };
        if callee_instance == instance {
            let callee = self.at.module_code.translated(def, self.encoder)?;
            return self.replace_frame(callee, arg_base);
        }
        let callee = module_code(store, callee_instance).translated(def, self.encoder)?;
        let base = self.move_args_to_frame_base(callee, arg_base)?;
        self.at = position(&mut self.stack, store, callee_instance, callee, base);
        Ok(())
    }

    /// A tail call of `callee`, a function of the running instance, with its arguments at
    /// slot `arg_base`: it takes over the running function's frame.
    #[inline(always)]
    pub(super) fn replace_frame(
        &mut self,
        callee: CodeRef,
        arg_base: Slot,
    ) -> Result<(), TrapKind> {
        let base = self.move_args_to_frame_base(callee, arg_base)?;
        self.move_within_instance(callee, callee.entry(), base);
        Ok(())
    }

    /// Moves a tail call's arguments from slot `arg_base` to the running frame's base,
    /// where `callee` will run, and zeroes its declared locals; returns the base.
    #[inline(always)]
    fn move_args_to_frame_base(
        &mut self,
        callee: CodeRef,
        arg_base: Slot,
    ) -> Result<usize, TrapKind> {
        let func = callee.func();
        let base = self.at.frame.base;
        if base + func.frame_size as usize > self.stack.len() {
            return Err(TrapKind::CallStackExhausted);
        }
        let args = base + arg_base as usize;
        self.stack
            .copy_within(args..args + func.num_params as usize, base);
        let declared_locals = base + func.num_params as usize..base + func.num_locals as usize;
        // Most tail-called functions declare none: skip the call of `memset`.
        if !declared_locals.is_empty() {
            self.stack[declared_locals].fill(0);
        }
        Ok(base)
    }

    /// `call_addr`, out of line.
    #[inline(never)]
    pub(super) fn call_addr_out_of_line<T>(
        &mut self,
        store: &mut Store<T>,
        addr: u32,
        arg_base: Slot,
    ) -> Result<(), TrapKind> {
        self.call_addr(store, addr, arg_base)
    }

    /// Calls the function at store address `addr` (wasm or host).
    #[inline(always)]
    pub(super) fn call_addr<T>(
        &mut self,
        store: &mut Store<T>,
        addr: u32,
        arg_base: Slot,
    ) -> Result<(), TrapKind> {
        match &store.funcs[addr as usize] {
            &FuncEntity::Wasm { instance, def, .. } if instance == self.at.frame.instance => self
                .enter_through_push_frame(
                    self.at.module_code.translated(def, self.encoder)?,
                    arg_base,
                ),
            &FuncEntity::Wasm { instance, def, .. } => {
                let callee = module_code(store, instance).translated(def, self.encoder)?;
                let base = self.push_frame(callee, arg_base)?;
                self.at = position(&mut self.stack, store, instance, callee, base);
                Ok(())
            }
            FuncEntity::Host { .. } => {
                let instance = self.at.frame.instance;
                let moves = store.moves;
                // The host function may charge fuel for its work (`Caller::consume_fuel`).
                store.fuel_in_host_call = self.fuel;
                let called = self.call_host(
                    store,
                    addr,
                    self.at.frame.base + arg_base as usize,
                    instance,
                );
                self.fuel = store.fuel_in_host_call;
                called?;
                // The host may have grown (and so moved) the memory or a table, or added
                // functions.
                if store.moves != moves {
                    self.at.mem = memory_view(store, instance);
                    self.at.table0 = table_view(store, instance);
                    self.at.callees = SliceView::new(&store.callees);
                }
                Ok(())
            }
        }
    }

    /// Calls host function `addr` with the arguments at `stack[base..]`; its results
    /// replace them. Out of line: it keeps the interpreter loop's state in registers.
    #[inline(never)]
    pub(super) fn call_host<T>(
        &mut self,
        store: &mut Store<T>,
        addr: u32,
        base: usize,
        instance: u32,
    ) -> Result<(), TrapKind> {
        let FuncEntity::Host {
            ty,
            call,
            frame_len,
            checked_results,
            calls,
            ..
        } = &mut store.funcs[addr as usize]
        else {
            unreachable!("call_addr checked that `addr` is a host function");
        };
        *calls += 1;
        let Some(frame) = self.stack.get_mut(base..base + *frame_len) else {
            return Err(TrapKind::CallStackExhausted);
        };
        match call {
            HostCall::Raw(call) => {
                let checked_results = *checked_results;
                // SAFETY: functions are never removed from the store or replaced, and the
                // function behind the `Rc` stays where it is when the host adds functions
                // (and so moves the `Rc`s): it outlives the call, which cannot reach it.
                let call = unsafe { &*Rc::as_ptr(call) };
                let mut caller = Caller {
                    instance: Some(Instance(instance, store.id)),
                    store,
                };
                call(&mut caller, frame).map_err(|trap| trap.kind)?;
                if checked_results {
                    // Keep the slots' invariant (`num.rs`: 32-bit values zero-extended)
                    // through the conversions that define the encoding, and tables to
                    // the store's own functions.
                    let FuncEntity::Host { ty, .. } = &store.funcs[addr as usize] else {
                        unreachable!("functions are never removed");
                    };
                    let mut at = 0;
                    for &ty in ty.results() {
                        let value = Value::read_slots(ty, &frame[at..], store.id);
                        frame[at] = result_bits(store, value, ty)?;
                        at += ty.slots();
                    }
                }
            }
            HostCall::Values(call) => {
                let call = Rc::clone(call);
                self.host_args.clear();
                self.host_args
                    .extend(Value::read_all(ty.params(), frame, store.id));
                self.host_results.clear();
                self.host_results
                    .extend(ty.results().iter().map(|t| t.default_value()));
                let mut caller = Caller {
                    instance: Some(Instance(instance, store.id)),
                    store,
                };
                call(&mut caller, &self.host_args, &mut self.host_results)
                    .map_err(|trap| trap.kind)?;
                let FuncEntity::Host { ty, .. } = &store.funcs[addr as usize] else {
                    unreachable!("functions are never removed");
                };
                let mut at = 0;
                for (&value, &ty) in self.host_results.iter().zip(ty.results()) {
                    let bits = result_bits(store, value, ty)?;
                    value.write_slots(bits, &mut frame[at..]);
                    at += value.ty().slots();
                }
            }
        }
        Ok(())
    }

    /// Returns to the caller; `false` when the outermost function returned.
    #[inline(always)]
    pub(super) fn leave<T>(&mut self, store: &mut Store<T>) -> bool {
        if self.leave_within_instance() {
            return true;
        }
        let Some(frame) = self.frames.pop() else {
            return false;
        };
        self.go_to(store, frame);
        true
    }

    /// Returns to the caller if it runs in the same instance; `false` (and nothing done)
    /// otherwise, or when the outermost function is returning.
    #[inline(always)]
    pub(super) fn leave_within_instance(&mut self) -> bool {
        match self.frames.last() {
            Some(frame) if frame.instance == self.at.frame.instance => {
                // SAFETY: `at.frame` is a live frame record.
                unsafe { CallFrame::copy(frame, &mut self.at.frame) };
                self.frames.pop();
                true
            }
            _ => false,
        }
    }
}

/// The slot bits of a host function's result of type `ty`: a function reference the
/// store does not hold, or a reference not of a reference type `ty` (null for a
/// non-nullable one, a function of another type for a concrete one), is a trap (the host
/// function misused the embedding API).
fn result_bits<T>(store: &Store<T>, value: Value, ty: ValType) -> Result<u64, TrapKind> {
    let bits = store
        .value_bits(value)
        .map_err(|error| TrapKind::Host(format!("a host function returned {error}")))?;
    if let ValType::Ref(_) = ty {
        if !store.value_fits(value, ty) {
            return Err(TrapKind::Host(format!(
                "a host function returned {value} for a result of type {ty}"
            )));
        }
    }
    Ok(bits)
}
