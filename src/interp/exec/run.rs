//! The state of one call from the host into wasm (`Run`): the value stack, the frame
//! stack and where execution is (`Position`: the running function's frame, and views of
//! its instance's memory, globals, table 0 and code), and how a position is built from
//! the store. The executors and call paths are `impl Run` blocks in the files beside.

#[cfg(wasmcade_threaded)]
use super::erased::StoreOp;
use super::views::{CodeRef, GlobalsView, Ip, MemView, ModuleCode, SliceView, Slots};
use crate::interp::isa::Encoder;
use crate::interp::store::{Callee, Store};
#[cfg(wasmcade_threaded)]
use crate::interp::types::TrapKind;
use crate::interp::types::{FrameInfo, Value};

/// A function's place in the run: the running one's (`Position::frame`), or a suspended
/// caller's, saved by a call (a copy of its `Position::frame`) and restored by the return.
#[derive(Clone, Copy)]
pub(super) struct CallFrame {
    pub(super) code: CodeRef,
    /// The next op to run; a caller's, the op after its call.
    pub(super) ip: Ip,
    pub(super) base: usize,
    /// The slot view of the frame at `base`, kept so a return within the instance need
    /// not rebuild (and re-check) it: the value stack never moves while a call runs.
    pub(super) slots: Slots,
    pub(super) instance: u32,
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
    pub(super) unsafe fn copy(from: &CallFrame, to: *mut CallFrame) {
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
pub(super) struct Run {
    pub(super) stack: Vec<u64>,
    /// Where execution is.
    pub(super) at: Position,
    pub(super) frames: Vec<CallFrame>,
    /// The most frames `frames` may hold.
    pub(super) max_depth: usize,
    /// How many frames `frames` can hold without growing or passing `max_depth`.
    pub(super) frame_room: usize,
    pub(super) fuel: u64,
    /// Host calls' arguments and results, reused so that a call does not allocate.
    pub(super) host_args: Vec<Value>,
    pub(super) host_results: Vec<Value>,
    /// For the threaded handlers, which have no store of their own: the `Store<T>` the
    /// loop executor lent them for this stretch of the chain...
    #[cfg(wasmcade_threaded)]
    pub(super) store: *mut (),
    /// ...`Run::store_op` for that `T` (see `erased_store_op`), and its two calls alone
    /// (much smaller functions, for the commonest store ops)...
    #[cfg(wasmcade_threaded)]
    pub(super) store_op: StoreOp,
    #[cfg(wasmcade_threaded)]
    pub(super) call_import: StoreOp,
    #[cfg(wasmcade_threaded)]
    pub(super) call_indirect: StoreOp,
    /// ...and the trap of a store op they ran, for the loop executor to raise.
    #[cfg(wasmcade_threaded)]
    pub(super) trap: Option<TrapKind>,
    /// Set (to the depth of the frame it started in) when the threaded handlers met a
    /// block costing more fuel than is left: the loop executor then runs and charges an
    /// op at a time, until that frame reaches the next block or returns (its callees run
    /// an op at a time too, so that the rest of the block is charged); a paused call
    /// keeps it.
    #[cfg(wasmcade_threaded)]
    pub(super) metering_by_op: Option<usize>,
    /// The handlers a function translated at its first call gets (`encode::encoder`).
    pub(super) encoder: Encoder,
}

/// Where the executor is: the running function, its frame and its instance.
pub(super) struct Position {
    pub(super) frame: CallFrame,
    pub(super) mem: MemView,
    pub(super) globals: GlobalsView,
    /// The running instance's table 0, the store ids of its function types and the
    /// store's callees (for `CallIndirect`).
    pub(super) table0: SliceView<u64>,
    pub(super) type_ids: SliceView<u32>,
    pub(super) callees: SliceView<Callee>,
    /// The running instance's module code (for `CallInternal`).
    pub(super) module_code: ModuleCode,
}

impl Run {
    /// Goes to `frame` (a caller's, or the running one's), with the views of its
    /// instance built anew from the store.
    #[inline(always)]
    pub(super) fn go_to<T>(&mut self, store: &mut Store<T>, frame: CallFrame) {
        self.at = position(
            &mut self.stack,
            store,
            frame.instance,
            frame.code,
            frame.base,
        );
        self.at.frame = frame;
    }

    /// The running function's place, then each caller's (its call, before its saved
    /// return address). The running function is at the op before its instruction
    /// pointer (the op that trapped), or `at_ip` at the op there (the op not yet run).
    pub(super) fn backtrace<T>(&self, store: &Store<T>, at_ip: bool) -> Vec<FrameInfo> {
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
pub(super) fn likely(condition: bool) -> bool {
    if !condition {
        unlikely_path();
    }
    condition
}

/// Calls to a `#[cold]` function make LLVM treat their block as rarely run.
#[cold]
#[inline]
pub(super) fn unlikely_path() {}

/// The position at the entry of `code` in `instance`, with its frame at `stack[base]`.
pub(super) fn position<T>(
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
        globals: GlobalsView::new(&store.instances[instance as usize].global_cells),
        table0: table_view(store, instance),
        type_ids: SliceView::new(&store.instances[instance as usize].type_ids),
        callees: SliceView::new(&store.callees),
        module_code,
    }
}

/// The functions of `instance`'s module.
#[inline(always)]
pub(super) fn module_code<T>(store: &Store<T>, instance: u32) -> ModuleCode {
    ModuleCode::new(&store.instances[instance as usize].module.inner)
}

#[inline(always)]
pub(super) fn memory_view<T>(store: &mut Store<T>, instance: u32) -> MemView {
    match store.instances[instance as usize].memories.first() {
        Some(&addr) => MemView::new(&mut store.memories[addr as usize].data),
        None => MemView::none(),
    }
}

pub(super) fn table_view<T>(store: &Store<T>, instance: u32) -> SliceView<u64> {
    match store.instances[instance as usize].tables.first() {
        Some(&addr) => SliceView::new(&store.tables[addr as usize].elements),
        None => SliceView::none(),
    }
}

pub(super) fn table_elements<T>(store: &Store<T>, instance: u32, table: u32) -> &[u64] {
    let addr = store.instances[instance as usize].tables[table as usize];
    &store.tables[addr as usize].elements
}
