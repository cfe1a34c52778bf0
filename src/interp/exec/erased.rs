//! The type-erased trampolines through which the threaded handlers, which have no
//! store of their own, run the ops that need one: each is `Run::store_op` (or one of its
//! two calls alone) for the `Store<T>` the loop executor lent them.

use super::run::Run;
use crate::interp::isa::Op;
use crate::interp::store::Store;
use crate::interp::types::TrapKind;

/// An op that needs the store, run for the threaded handlers (`erased_store_op`).
#[cfg(wasmcade_threaded)]
pub(super) type StoreOp = unsafe fn(&mut Run, &Op) -> bool;

/// `Run::store_op` for a `Store<T>` behind `run.store`: `false` when the op trapped, with
/// the trap in `run.trap`. (Nothing is returned through memory: the handler calling it
/// keeps no stack slot whose address escapes, which would keep its own call of the next
/// handler from being a jump.)
///
/// # Safety
/// `run.store` points to a live `Store<T>` that nothing else uses during the call.
#[cfg(wasmcade_threaded)]
pub(super) unsafe fn erased_store_op<T>(run: &mut Run, op: &Op) -> bool {
    // SAFETY: the caller's guarantee.
    unsafe { with_erased_store::<T>(run, |run, store| run.store_op(store, op)) }
}

/// `Run::call_import`, as `erased_store_op` runs `Run::store_op`.
///
/// # Safety
/// As for `erased_store_op`.
#[cfg(wasmcade_threaded)]
pub(super) unsafe fn erased_call_import<T>(run: &mut Run, op: &Op) -> bool {
    // SAFETY: the caller's guarantee.
    unsafe { with_erased_store::<T>(run, |run, store| run.call_import(store, op)) }
}

/// `Run::call_indirect`, as `erased_store_op` runs `Run::store_op`.
///
/// # Safety
/// As for `erased_store_op`.
#[cfg(wasmcade_threaded)]
pub(super) unsafe fn erased_call_indirect<T>(run: &mut Run, op: &Op) -> bool {
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
pub(super) unsafe fn with_erased_store<T>(
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
