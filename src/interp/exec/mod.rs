//! The executor: runs translated code with an explicit value stack and an explicit
//! call-frame stack (no native recursion per wasm call or block).
//!
//! One `loop { match }` over `Op`, compiled in up to four variants by const generics:
//! with or without fuel metering and with or without an instruction observer, so each
//! costs nothing when it is off.

#[macro_use]
mod simple;
mod num;
mod raw;

#[cfg(wasmcade_threaded)]
mod threaded;

#[cfg(wasmcade_threaded)]
pub(crate) use threaded::handler_of;

use std::rc::Rc;

use raw::{CodeRef, GlobalsView, Ip, MemView, ModuleCode, SliceView, Slots};

use super::error::{Error, FrameInfo, Trap, TrapKind};
use super::isa::{Op, Slot, ZEROED_AT_ENTRY};
use super::limits::PAGE_SIZE;
use super::observer::{Observer, Step};
use super::store::{Callee, Caller, Func, FuncEntity, HostCall, Instance, Store};
use super::value::Value;

/// Calls `func` with `args` (already type-checked) from the host, to its end, under the
/// store's fuel limit (running out of fuel is a trap).
pub(crate) fn invoke<T>(
    store: &mut Store<T>,
    func: Func,
    args: &[Value],
) -> Result<Vec<Value>, Trap> {
    let fuel = store.limits.fuel;
    match call(store, func, args, fuel, false)? {
        CallOutcome::Finished(values) => Ok(values),
        CallOutcome::OutOfFuel(_) => unreachable!("a call that may not pause trapped instead"),
    }
}

/// How a call from the host that may pause ended (`Func::call_resumable`).
pub enum CallOutcome {
    /// The function returned these results.
    Finished(Vec<Value>),
    /// The fuel ran out before the next instruction: the call can go on with more.
    OutOfFuel(PausedCall),
}

/// A call from the host into wasm that ran out of fuel before it finished. It goes on
/// with [`PausedCall::resume`], or ends when dropped (its instance is then in whatever
/// state the code left it, as after a trap). While it is paused the host may use the
/// store as usual, even call other functions.
pub struct PausedCall {
    run: Box<Run>,
    /// The function called, for its results' types.
    func: Func,
    /// The store the call runs in (`Store::id`): it may resume in no other.
    store_id: u64,
}

impl PausedCall {
    /// Goes on with `fuel` more units, until the function returns, traps or runs out again.
    pub fn resume<T>(self, store: &mut Store<T>, fuel: u64) -> Result<CallOutcome, Error> {
        if store.id != self.store_id {
            return Err(Error::Usage(
                "a paused call can only resume in the store it started in".into(),
            ));
        }
        let mut run = *self.run;
        run.refresh_views(store);
        run.go(store, self.func, Some(fuel), true)
            .map_err(Error::Trap)
    }

    /// Where the call stands: the function about to run its next instruction first,
    /// then its callers.
    pub fn backtrace<T>(&self, store: &Store<T>) -> Vec<FrameInfo> {
        self.run.backtrace(store, true)
    }
}

/// Calls `func` with `args` under `fuel` (none: unmetered); with `pausable`, running out
/// of fuel pauses the call instead of trapping.
pub(crate) fn call<T>(
    store: &mut Store<T>,
    func: Func,
    args: &[Value],
    fuel: Option<u64>,
    pausable: bool,
) -> Result<CallOutcome, Trap> {
    let (instance, def) = match &store.funcs[func.0 as usize] {
        FuncEntity::Host { call, ty, .. } => {
            let (call, ty) = (call.clone(), ty.clone());
            let mut caller = Caller {
                store,
                instance: None,
            };
            return call
                .call_with_values(&mut caller, &ty, args)
                .map(CallOutcome::Finished);
        }
        FuncEntity::Wasm { instance, def, .. } => (*instance, *def),
    };
    let code = module_code(store, instance)
        .translated(def)
        .map_err(Trap::new)?;
    let slots = store.limits.max_stack_slots;
    let mut stack = match store.spare_stack.take() {
        Some(stack) if stack.len() == slots => stack,
        _ => vec![0; slots],
    };
    let func_code = code.func();
    if func_code.frame_size as usize > stack.len() {
        return Err(Trap::new(TrapKind::CallStackExhausted));
    }
    for (slot, arg) in stack.iter_mut().zip(args) {
        *slot = arg.to_bits();
    }
    stack[func_code.num_params as usize..func_code.num_locals as usize].fill(0);

    let at = position(&mut stack, store, instance, code, 0);
    let frames = Vec::with_capacity(16);
    let max_depth = store.limits.max_call_depth;
    let run = Run {
        stack,
        at,
        frame_room: frames.capacity().min(max_depth),
        frames,
        max_depth,
        fuel: 0,
        host_args: Vec::new(),
        host_results: Vec::new(),
        #[cfg(wasmcade_threaded)]
        store: std::ptr::null_mut(),
        #[cfg(wasmcade_threaded)]
        store_op: erased_store_op::<T>,
        #[cfg(wasmcade_threaded)]
        call_import: erased_call_import::<T>,
        #[cfg(wasmcade_threaded)]
        call_indirect: erased_call_indirect::<T>,
        #[cfg(wasmcade_threaded)]
        trap: None,
        #[cfg(wasmcade_threaded)]
        register_at_pause: 0,
    };
    run.go(store, func, fuel, pausable)
}

/// A function's place in the run: the running one's (`Position::frame`), or a suspended
/// caller's, saved by a call (a copy of its `Position::frame`) and restored by the return.
#[derive(Clone, Copy)]
struct CallFrame {
    code: CodeRef,
    /// The next op to run; a caller's, the op after its call.
    ip: Ip,
    base: usize,
    /// The slot view of the frame at `base`, kept so a return within the instance need
    /// not rebuild (and re-check) it: the value stack never moves while a call runs.
    slots: Slots,
    instance: u32,
}

impl CallFrame {
    /// Copies `from` to `to` field by field, each read then written before the next. A
    /// call writes some fields of the running frame just before saving it, and a return
    /// restores a frame a call saved just before: a copy in wider (vector) moves would
    /// read data from two narrower stores still on their way to the cache, which the
    /// processor cannot forward, and stall until they land; and reading every field
    /// before writing any takes as many registers, which a call's handler then saves.
    /// (Volatile accesses are neither merged nor reordered.)
    ///
    /// # Safety
    /// `to` is valid for writes (it may be uninitialized).
    #[inline(always)]
    unsafe fn copy(from: &CallFrame, to: *mut CallFrame) {
        use std::ptr::{addr_of_mut, read_volatile, write_volatile};
        // SAFETY: `from`'s fields are initialized; `to` is valid for writes.
        unsafe {
            write_volatile(addr_of_mut!((*to).code), read_volatile(&from.code));
            write_volatile(addr_of_mut!((*to).ip), read_volatile(&from.ip));
            write_volatile(addr_of_mut!((*to).base), read_volatile(&from.base));
            write_volatile(addr_of_mut!((*to).slots), read_volatile(&from.slots));
            write_volatile(addr_of_mut!((*to).instance), read_volatile(&from.instance));
        }
    }
}

/// The state of one call from the host into wasm.
struct Run {
    stack: Vec<u64>,
    /// Where execution is.
    at: Position,
    frames: Vec<CallFrame>,
    /// The most frames `frames` may hold.
    max_depth: usize,
    /// How many frames `frames` can hold without growing or passing `max_depth`.
    frame_room: usize,
    fuel: u64,
    /// Host calls' arguments and results, reused so that a call does not allocate.
    host_args: Vec<Value>,
    host_results: Vec<Value>,
    /// For the threaded handlers, which have no store of their own: the `Store<T>` the
    /// loop executor lent them for this stretch of the chain...
    #[cfg(wasmcade_threaded)]
    store: *mut (),
    /// ...`Run::store_op` for that `T` (see `erased_store_op`), and its two calls alone
    /// (much smaller functions, for the commonest store ops)...
    #[cfg(wasmcade_threaded)]
    store_op: StoreOp,
    #[cfg(wasmcade_threaded)]
    call_import: StoreOp,
    #[cfg(wasmcade_threaded)]
    call_indirect: StoreOp,
    /// ...and the trap of a store op they ran, for the loop executor to raise.
    #[cfg(wasmcade_threaded)]
    trap: Option<TrapKind>,
    /// The register when the handlers stopped for want of fuel: the op not run may read
    /// its operand there alone (`Op::cached_operand`), so a pause writes it to the slot.
    #[cfg(wasmcade_threaded)]
    register_at_pause: u64,
}

/// An op that needs the store, run for the threaded handlers (`erased_store_op`).
#[cfg(wasmcade_threaded)]
type StoreOp = unsafe fn(&mut Run, &Op) -> bool;

/// `Run::store_op` for a `Store<T>` behind `run.store`: `false` when the op trapped, with
/// the trap in `run.trap`. (Nothing is returned through memory: the handler calling it
/// keeps no stack slot whose address escapes, which would keep its own call of the next
/// handler from being a jump.)
///
/// # Safety
/// `run.store` points to a live `Store<T>` that nothing else uses during the call.
#[cfg(wasmcade_threaded)]
unsafe fn erased_store_op<T>(run: &mut Run, op: &Op) -> bool {
    // SAFETY: the caller's guarantee.
    unsafe { with_erased_store::<T>(run, |run, store| run.store_op(store, op)) }
}

/// `Run::call_import`, as `erased_store_op` runs `Run::store_op`.
///
/// # Safety
/// As for `erased_store_op`.
#[cfg(wasmcade_threaded)]
unsafe fn erased_call_import<T>(run: &mut Run, op: &Op) -> bool {
    // SAFETY: the caller's guarantee.
    unsafe { with_erased_store::<T>(run, |run, store| run.call_import(store, op)) }
}

/// `Run::call_indirect`, as `erased_store_op` runs `Run::store_op`.
///
/// # Safety
/// As for `erased_store_op`.
#[cfg(wasmcade_threaded)]
unsafe fn erased_call_indirect<T>(run: &mut Run, op: &Op) -> bool {
    // SAFETY: the caller's guarantee.
    unsafe { with_erased_store::<T>(run, |run, store| run.call_indirect(store, op)) }
}

/// Runs `f` with the `Store<T>` behind `run.store`; `false` when it trapped, with the
/// trap in `run.trap`.
///
/// # Safety
/// As for `erased_store_op`.
#[cfg(wasmcade_threaded)]
#[inline(always)]
unsafe fn with_erased_store<T>(
    run: &mut Run,
    f: impl FnOnce(&mut Run, &mut Store<T>) -> Result<(), TrapKind>,
) -> bool {
    // SAFETY: the caller's guarantee.
    let store = unsafe { &mut *run.store.cast::<Store<T>>() };
    match f(run, store) {
        Ok(()) => true,
        Err(kind) => {
            run.trap = Some(kind);
            false
        }
    }
}

/// Where the executor is: the running function, its frame and its instance.
struct Position {
    frame: CallFrame,
    mem: MemView,
    globals: GlobalsView,
    /// The running instance's table 0, the store ids of its function types and the
    /// store's callees (for `CallIndirect`).
    table0: SliceView<u64>,
    type_ids: SliceView<u32>,
    callees: SliceView<Callee>,
    /// The running instance's module code (for `CallInternal`).
    module_code: ModuleCode,
}

impl Run {
    /// Runs from where the call stands with `fuel` (none: unmetered) to its end, a trap,
    /// or (with `pausable`) the fuel running out.
    fn go<T>(
        mut self,
        store: &mut Store<T>,
        func: Func,
        fuel: Option<u64>,
        pausable: bool,
    ) -> Result<CallOutcome, Trap> {
        self.fuel = fuel.unwrap_or(u64::MAX);
        let mut observer = store.observer.take();
        let observer_was_set = observer.is_some();
        let result = match (fuel.is_some(), observer.as_deref_mut()) {
            (false, None) => self.execute::<T, false, false>(store, None),
            (true, None) => self.execute::<T, true, false>(store, None),
            (false, Some(o)) => self.execute::<T, false, true>(store, Some(o)),
            (true, Some(o)) => self.execute::<T, true, true>(store, Some(o)),
        };
        store.fuel_consumed = fuel.unwrap_or(u64::MAX) - self.fuel;
        if store.observer.is_none() {
            store.observer = observer;
        }
        let trap = match result {
            Ok(()) => {
                let ty = store.func_type(func);
                let results = ty
                    .results()
                    .iter()
                    .zip(self.stack.iter())
                    .map(|(ty, bits)| Value::from_bits(*ty, *bits, store.id))
                    .collect();
                store.spare_stack = Some(self.stack);
                return Ok(CallOutcome::Finished(results));
            }
            Err(TrapKind::OutOfFuel(_)) if pausable => {
                self.save_register_at_pause(observer_was_set);
                return Ok(CallOutcome::OutOfFuel(PausedCall {
                    run: Box::new(self),
                    func,
                    store_id: store.id,
                }));
            }
            Err(kind) => {
                let out_of_fuel = matches!(kind, TrapKind::OutOfFuel(_));
                let kind = match kind {
                    TrapKind::OutOfFuel(_) => TrapKind::OutOfFuel(fuel.unwrap_or(0)),
                    kind => kind,
                };
                Trap {
                    kind,
                    backtrace: self.backtrace(store, out_of_fuel),
                }
            }
        };
        store.spare_stack = Some(self.stack);
        Err(trap)
    }

    /// Writes the register the threaded handlers stopped with (for want of fuel) to the
    /// slot the op not run reads it from, if it does: a paused call goes on from the
    /// slots. (The loop executor, which alone runs observed calls, keeps no register.)
    fn save_register_at_pause(&mut self, observed: bool) {
        #[cfg(wasmcade_threaded)]
        if !observed {
            let mut ip = self.at.frame.ip;
            if let Some(slot) = ip.fetch().cached_operand() {
                self.at.frame.slots.set(slot, self.register_at_pause);
            }
        }
        #[cfg(not(wasmcade_threaded))]
        let _ = observed;
    }

    /// Rebuilds the views of the store the position keeps (memory, globals, tables,
    /// callees): before going on with a paused call, whose store the host may have
    /// changed in the meantime.
    fn refresh_views<T>(&mut self, store: &mut Store<T>) {
        let frame = self.at.frame;
        self.at = position(
            &mut self.stack,
            store,
            frame.instance,
            frame.code,
            frame.base,
        );
        self.at.frame = frame;
    }

    fn execute<T, const METER: bool, const OBSERVE: bool>(
        &mut self,
        store: &mut Store<T>,
        mut observer: Option<&mut dyn Observer>,
    ) -> Result<(), TrapKind> {
        // The two values every op uses live in locals (registers), not in `self.at`: they
        // are written back to it before a call or return and read again after it.
        let mut ip = self.at.frame.ip;
        let mut slots = self.at.frame.slots;

        macro_rules! slot {
            ($s:expr) => {
                slots.get($s)
            };
        }
        macro_rules! set {
            ($s:expr, $v:expr) => {
                slots.set($s, $v)
            };
        }
        let outcome: Result<(), TrapKind> = 'exec: loop {
            // Runs a call or return on `self.at` with the locals written back, then reloads them.
            macro_rules! with_frame_change {
                ($e:expr) => {{
                    self.at.frame.ip = ip;
                    let result = $e;
                    ip = self.at.frame.ip;
                    slots = self.at.frame.slots;
                    result
                }};
            }
            macro_rules! tri {
                ($e:expr) => {
                    match $e {
                        Ok(v) => v,
                        Err(kind) => break 'exec Err(kind),
                    }
                };
            }
            // The simple ops run in the threaded handlers, up to the next op that needs
            // this loop (or would trap here).
            #[cfg(wasmcade_threaded)]
            if !OBSERVE {
                self.store = std::ptr::from_mut(store).cast();
                ip = threaded::run::<METER>(ip, self);
                slots = self.at.frame.slots;
                if let Some(kind) = self.trap.take() {
                    break 'exec Err(kind);
                }
            }
            if METER {
                if self.fuel == 0 {
                    // Before the op: a paused call goes on with it.
                    break 'exec Err(TrapKind::OutOfFuel(0));
                }
                self.fuel -= 1;
            } else if OBSERVE {
                // Counted for the observer's statistics, never exhausted.
                self.fuel -= 1;
            }
            let op = ip.fetch();
            if OBSERVE {
                if let Some(observer) = observer.as_deref_mut() {
                    let func = self.at.frame.code.func();
                    let module = &store.instances[self.at.frame.instance as usize].module;
                    let pc = self.at.frame.code.index_of(ip) - 1;
                    // As translated: the executor's copy has branch offsets in bytes.
                    let op = func.ops[pc].op();
                    observer.before(&Step {
                        func_index: func.func_index,
                        func_name: module.func_name(func.func_index),
                        offset: func.offsets[pc],
                        pc,
                        op: &op,
                        depth: self.frames.len(),
                        slots: &self.stack
                            [self.at.frame.base..self.at.frame.base + func.frame_size as usize],
                        num_locals: func.num_locals as usize,
                    });
                }
            }

            macro_rules! jump {
                ($offset:expr) => {
                    ip.jump($offset)
                };
            }
            // This loop keeps no register copy: a cached operand is read from its slot.
            macro_rules! operand {
                ($s:expr) => {
                    slots.get($s)
                };
            }
            macro_rules! take_entry {
                ($n:expr) => {
                    ip.take_entry($n)
                };
            }
            macro_rules! mem {
                () => {
                    self.at.mem
                };
            }
            macro_rules! globals {
                () => {
                    self.at.globals
                };
            }
            // One flat `match` over every op (one jump table): the simple ops (shared
            // with the threaded executor), then returns and internal calls, which move
            // through the call stack, and the ops that need the store (`store_op`, also
            // shared with the threaded executor).
            macro_rules! dispatch {
                ($( [$variant:ident $($cached:ident)?] $fields:tt => $body:block )*) => {
                    match *op {
                        $( Op::$variant $fields $(| Op::$cached $fields)? => $body )*
                        Op::Unreachable => break 'exec Err(TrapKind::Unreachable),
                        Op::Return => {
                            if !with_frame_change!(self.leave(store)) {
                                break 'exec Ok(());
                            }
                        }
                        Op::Return1 { src } => {
                            set!(0, slot!(src));
                            if !with_frame_change!(self.leave(store)) {
                                break 'exec Ok(());
                            }
                        }
                        Op::ReturnMany { src, count } => {
                            for i in 0..count {
                                set!(i, slot!(src + i));
                            }
                            if !with_frame_change!(self.leave(store)) {
                                break 'exec Ok(());
                            }
                        }
                        Op::CallInternal { def, base } => {
                            let callee = tri!(self.at.module_code.translated(def));
                            tri!(with_frame_change!(self.enter(callee, base)));
                        }
                        store_op!() => tri!(with_frame_change!(self.store_op(store, op))),
                    }
                };
            }
            with_simple_ops!(dispatch);
        };
        // Past the op that trapped; at the op not run for want of fuel.
        self.at.frame.ip = ip;
        outcome
    }

    /// Runs an op that needs the store (`store_op!`), with `self.at.frame.ip` already past it.
    /// Calls move the position to the callee; everything else stays in the function.
    /// Both executors run these ops here: the loop executor directly, the threaded one
    /// through `Run::store_op` (it has no store of its own). Inlined into both in
    /// optimised builds; out of line in debug builds, so that the loop executor's frame
    /// stays small even unoptimised (where it holds every inlined arm's locals).
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn store_op<T>(&mut self, store: &mut Store<T>, op: &Op) -> Result<(), TrapKind> {
        let slots = self.at.frame.slots;
        match *op {
            Op::CallImport { .. } => self.call_import(store, op)?,
            Op::CallIndirect { .. } => self.call_indirect(store, op)?,
            Op::RefFunc { dst, func } => {
                let addr = store.instances[self.at.frame.instance as usize].funcs[func as usize];
                slots.set(dst, addr as u64 + 1);
            }
            Op::MemoryGrow { dst, delta } => {
                let addr = store.instances[self.at.frame.instance as usize].memories[0];
                let result = store
                    .grow_memory(addr, slots.get(delta) as u32)
                    .unwrap_or(u32::MAX);
                self.at.mem = MemView::new(&mut store.memories[addr as usize].data);
                slots.set(dst, result as u64);
            }
            Op::MemoryInit {
                segment,
                dst,
                src,
                len,
            } => {
                let data =
                    &store.instances[self.at.frame.instance as usize].datas[segment as usize];
                let bytes = sub_range(data, slots.get(src), slots.get(len))
                    .ok_or(TrapKind::MemoryOutOfBounds)?;
                self.at.mem.write(slots.get(dst), bytes)?;
            }
            Op::DataDrop { segment } => {
                store.instances[self.at.frame.instance as usize].datas[segment as usize] =
                    std::sync::Arc::new([]);
            }
            Op::TableGet { dst, index, table } => {
                let elements = table_elements(store, self.at.frame.instance, table);
                let value = *elements
                    .get(slots.get(index) as u32 as usize)
                    .ok_or(TrapKind::TableOutOfBounds)?;
                slots.set(dst, value);
            }
            Op::TableSet {
                index,
                value,
                table,
            } => {
                let addr = store.instances[self.at.frame.instance as usize].tables[table as usize];
                let elements = &mut store.tables[addr as usize].elements;
                let cell = elements
                    .get_mut(slots.get(index) as u32 as usize)
                    .ok_or(TrapKind::TableOutOfBounds)?;
                *cell = slots.get(value);
            }
            Op::TableSize { dst, table } => {
                slots.set(
                    dst,
                    table_elements(store, self.at.frame.instance, table).len() as u64,
                );
            }
            Op::TableGrow {
                dst,
                init,
                delta,
                table,
            } => {
                let addr = store.instances[self.at.frame.instance as usize].tables[table as usize];
                let result = store
                    .grow_table(addr, slots.get(delta) as u32, slots.get(init))
                    .unwrap_or(u32::MAX);
                self.at.table0 = table_view(store, self.at.frame.instance);
                slots.set(dst, result as u64);
            }
            Op::TableFill {
                start,
                value,
                len,
                table,
            } => {
                let addr = store.instances[self.at.frame.instance as usize].tables[table as usize];
                let elements = &mut store.tables[addr as usize].elements;
                let range = checked_range(elements.len(), slots.get(start), slots.get(len))
                    .ok_or(TrapKind::TableOutOfBounds)?;
                elements[range].fill(slots.get(value));
            }
            Op::TableCopy {
                dst_table,
                src_table,
                dst,
                src,
                len,
            } => {
                let source = table_elements(store, self.at.frame.instance, src_table);
                let from = checked_range(source.len(), slots.get(src), slots.get(len))
                    .ok_or(TrapKind::TableOutOfBounds)?;
                let items: Vec<u64> = source[from].to_vec();
                let addr =
                    store.instances[self.at.frame.instance as usize].tables[dst_table as usize];
                let target = &mut store.tables[addr as usize].elements;
                super::instance::copy_in_bounds(target, slots.get(dst), &items)
                    .ok_or(TrapKind::TableOutOfBounds)?;
            }
            Op::TableInit {
                table,
                segment,
                dst,
                src,
                len,
            } => {
                let inst = &store.instances[self.at.frame.instance as usize];
                let segment = &inst.elements[segment as usize];
                let from = checked_range(segment.len(), slots.get(src), slots.get(len))
                    .ok_or(TrapKind::TableOutOfBounds)?;
                let target = &mut store.tables[inst.tables[table as usize] as usize].elements;
                super::instance::copy_in_bounds(target, slots.get(dst), &segment[from])
                    .ok_or(TrapKind::TableOutOfBounds)?;
            }
            Op::ElemDrop { segment } => {
                store.instances[self.at.frame.instance as usize].elements[segment as usize] =
                    Rc::new([]);
            }
            _ => unreachable!("not an op of the store: {op:?}"),
        }
        Ok(())
    }

    /// Enters `callee`, a function of the running instance, whose arguments start at slot
    /// `arg_base` of the current frame; the caller resumes at `self.at.frame.ip`.
    #[inline(always)]
    fn enter(&mut self, callee: CodeRef, arg_base: Slot) -> Result<(), TrapKind> {
        if self.try_enter_directly(callee, arg_base) {
            return Ok(());
        }
        self.enter_through_push_frame(callee, arg_base)
    }

    /// `enter` without its inline common case: for calls that seldom enter a function of
    /// the same instance (calls of imports), where it would only make the code larger.
    #[inline(always)]
    fn enter_through_push_frame(
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
    fn try_enter_directly(&mut self, callee: CodeRef, arg_base: Slot) -> bool {
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
    fn try_call_indirect_directly(&mut self, op: &Op) -> bool {
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
    fn indirect_callee(
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

    /// Enters `callee` directly if it is a function of the running instance (see
    /// `try_enter_directly`); `false`, with nothing done, otherwise.
    #[inline(always)]
    fn try_enter_callee_directly(&mut self, callee: Callee, arg_base: Slot) -> bool {
        callee.instance == self.at.frame.instance
            && self.try_enter_directly(self.at.module_code.nth(callee.def), arg_base)
    }

    /// Moves to `ip` in `code` of the running instance, with its frame at `stack[base]`.
    #[inline(always)]
    fn move_within_instance(&mut self, code: CodeRef, ip: Ip, base: usize) {
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
    fn push_frame(&mut self, callee: CodeRef, arg_base: Slot) -> Result<usize, TrapKind> {
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
    fn call_import<T>(&mut self, store: &mut Store<T>, op: &Op) -> Result<(), TrapKind> {
        let Op::CallImport { func, base } = *op else {
            unreachable!("not a call of an import: {op:?}");
        };
        let addr = store.instances[self.at.frame.instance as usize].funcs[func as usize];
        self.call_addr(store, addr, base)
    }

    /// `CallIndirect` (`op`), with `self.at.frame.ip` already past it.
    #[inline(always)]
    fn call_indirect<T>(&mut self, store: &mut Store<T>, op: &Op) -> Result<(), TrapKind> {
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
        let (addr, callee) = self.indirect_callee(element, type_index)?;
        // The common case, a function of the running instance entered directly, makes no
        // call out of line (so the function running it saves few registers).
        if self.try_enter_callee_directly(callee, base) {
            return Ok(());
        }
        self.call_addr_out_of_line(store, addr, base)
    }

    /// `call_addr`, out of line.
    #[inline(never)]
    fn call_addr_out_of_line<T>(
        &mut self,
        store: &mut Store<T>,
        addr: u32,
        arg_base: Slot,
    ) -> Result<(), TrapKind> {
        self.call_addr(store, addr, arg_base)
    }

    /// Calls the function at store address `addr` (wasm or host).
    #[inline(always)]
    fn call_addr<T>(
        &mut self,
        store: &mut Store<T>,
        addr: u32,
        arg_base: Slot,
    ) -> Result<(), TrapKind> {
        match &store.funcs[addr as usize] {
            &FuncEntity::Wasm { instance, def, .. } if instance == self.at.frame.instance => {
                self.enter_through_push_frame(self.at.module_code.translated(def)?, arg_base)
            }
            &FuncEntity::Wasm { instance, def, .. } => {
                let callee = module_code(store, instance).translated(def)?;
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
                // globals or functions.
                if store.moves != moves {
                    self.at.mem = memory_view(store, instance);
                    self.at.globals = globals_view(store, instance);
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
    fn call_host<T>(
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
                    for (bits, &ty) in frame.iter_mut().zip(ty.results()) {
                        *bits = result_bits(store, Value::from_bits(ty, *bits, store.id))?;
                    }
                }
            }
            HostCall::Values(call) => {
                let call = Rc::clone(call);
                self.host_args.clear();
                let args = ty.params().iter().zip(frame.iter());
                self.host_args
                    .extend(args.map(|(ty, bits)| Value::from_bits(*ty, *bits, store.id)));
                self.host_results.clear();
                self.host_results
                    .extend(ty.results().iter().map(|t| t.default_value()));
                let mut caller = Caller {
                    instance: Some(Instance(instance, store.id)),
                    store,
                };
                call(&mut caller, &self.host_args, &mut self.host_results)
                    .map_err(|trap| trap.kind)?;
                for (bits, &value) in frame.iter_mut().zip(&self.host_results) {
                    *bits = result_bits(store, value)?;
                }
            }
        }
        Ok(())
    }

    /// Returns to the caller; `false` when the outermost function returned.
    #[inline(always)]
    fn leave<T>(&mut self, store: &mut Store<T>) -> bool {
        if self.leave_within_instance() {
            return true;
        }
        let Some(frame) = self.frames.pop() else {
            return false;
        };
        self.at = position(
            &mut self.stack,
            store,
            frame.instance,
            frame.code,
            frame.base,
        );
        self.at.frame = frame;
        true
    }

    /// Returns to the caller if it runs in the same instance; `false` (and nothing done)
    /// otherwise, or when the outermost function is returning.
    #[inline(always)]
    fn leave_within_instance(&mut self) -> bool {
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

    /// The running function's place, then each caller's (its call, before its saved
    /// return address). The running function is at the op before its instruction
    /// pointer (the op that trapped), or `at_ip` at the op there (the op not yet run).
    fn backtrace<T>(&self, store: &Store<T>, at_ip: bool) -> Vec<FrameInfo> {
        let frame = &self.at.frame;
        let pc = frame.code.index_of(frame.ip);
        let innermost = (
            frame.code,
            if at_ip { pc } else { pc.saturating_sub(1) },
            frame.instance,
        );
        let callers = self
            .frames
            .iter()
            .rev()
            .map(|f| (f.code, f.code.index_of(f.ip).saturating_sub(1), f.instance));
        std::iter::once(innermost)
            .chain(callers)
            .map(|(code, ip, instance)| {
                let func = code.func();
                let module = &store.instances[instance as usize].module;
                FrameInfo {
                    func_index: func.func_index,
                    func_name: module.func_name(func.func_index).map(str::to_string),
                    offset: func.offsets.get(ip).map(|&o| o as usize),
                }
            })
            .collect()
    }
}

/// `condition`, marked as usually true: a loop's back edge stays a predicted branch
/// instead of a conditional move, which would make fetching the next op wait for it.
#[inline(always)]
fn likely(condition: bool) -> bool {
    if !condition {
        unlikely_path();
    }
    condition
}

/// Calls to a `#[cold]` function make LLVM treat their block as rarely run.
#[cold]
#[inline]
fn unlikely_path() {}

/// The position at the entry of `code` in `instance`, with its frame at `stack[base]`.
fn position<T>(
    stack: &mut [u64],
    store: &mut Store<T>,
    instance: u32,
    code: CodeRef,
    base: usize,
) -> Position {
    let frame_size = code.func().frame_size as usize;
    let module_code = module_code(store, instance);
    Position {
        frame: CallFrame {
            code,
            ip: code.entry(),
            base,
            instance,
            slots: Slots::new(stack, base, frame_size),
        },
        mem: memory_view(store, instance),
        globals: globals_view(store, instance),
        table0: table_view(store, instance),
        type_ids: SliceView::new(&store.instances[instance as usize].type_ids),
        callees: SliceView::new(&store.callees),
        module_code,
    }
}

/// The functions of `instance`'s module.
#[inline(always)]
fn module_code<T>(store: &Store<T>, instance: u32) -> ModuleCode {
    ModuleCode::new(&store.instances[instance as usize].module.inner)
}

#[inline(always)]
fn memory_view<T>(store: &mut Store<T>, instance: u32) -> MemView {
    match store.instances[instance as usize].memories.first() {
        Some(&addr) => MemView::new(&mut store.memories[addr as usize].data),
        None => MemView::none(),
    }
}

#[inline(always)]
fn globals_view<T>(store: &mut Store<T>, instance: u32) -> GlobalsView {
    GlobalsView::new(
        &store.instances[instance as usize].globals,
        &mut store.globals,
    )
}

fn table_view<T>(store: &Store<T>, instance: u32) -> SliceView<u64> {
    match store.instances[instance as usize].tables.first() {
        Some(&addr) => SliceView::new(&store.tables[addr as usize].elements),
        None => SliceView::none(),
    }
}

fn table_elements<T>(store: &Store<T>, instance: u32, table: u32) -> &[u64] {
    let addr = store.instances[instance as usize].tables[table as usize];
    &store.tables[addr as usize].elements
}

/// The slot bits of a host function's result: a function reference the store does
/// not hold is a trap (the host function misused the embedding API).
fn result_bits<T>(store: &Store<T>, value: Value) -> Result<u64, TrapKind> {
    store
        .value_bits(value)
        .map_err(|error| TrapKind::Host(format!("a host function returned {error}")))
}

/// `start..start + len` if it lies within `0..size` (operands are wasm i32s).
fn checked_range(size: usize, start: u64, len: u64) -> Option<std::ops::Range<usize>> {
    let start = start as u32 as usize;
    let end = start.checked_add(len as u32 as usize)?;
    (end <= size).then_some(start..end)
}

fn sub_range(bytes: &[u8], start: u64, len: u64) -> Option<&[u8]> {
    checked_range(bytes.len(), start, len).map(|range| &bytes[range])
}
