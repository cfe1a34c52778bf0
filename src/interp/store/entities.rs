//! The store's runtime entities: functions (wasm or host), memories, tables, globals and
//! instances, as the executor reads them.

use std::collections::HashMap;
use std::ptr::NonNull;
use std::rc::Rc;
use std::sync::Arc;

use super::Caller;
use crate::interp::module::Module;
use crate::interp::types::{
    Extern, FuncType, GlobalType, MemoryType, TableType, Trap, ValType, Value,
};
/// A host function: reads its arguments, writes its results, or fails with a trap.
pub type HostFn<T> = dyn Fn(&mut Caller<'_, T>, &[Value], &mut [Value]) -> Result<(), Trap>;

/// A host function on raw bits (`Func::new_raw`): the slice holds the arguments' bits in
/// order (an i32 zero-extended, a float its IEEE bits, a `v128` two slots, low half
/// first) and takes the results' bits in their place; it is as long as the longer of the
/// two lists in slots. A call skips the conversions to and from `Value`s.
pub type RawHostFn<T> = dyn Fn(&mut Caller<'_, T>, &mut [u64]) -> Result<(), Trap>;

/// How a host function takes its arguments.
pub(crate) enum HostCall<T> {
    Values(Rc<HostFn<T>>),
    Raw(Rc<RawHostFn<T>>),
}

impl<T> Clone for HostCall<T> {
    fn clone(&self) -> Self {
        match self {
            HostCall::Values(call) => HostCall::Values(Rc::clone(call)),
            HostCall::Raw(call) => HostCall::Raw(Rc::clone(call)),
        }
    }
}

impl<T> HostCall<T> {
    /// Calls with `args` (of `ty`'s parameter types) and returns the results.
    pub(crate) fn call_with_values(
        &self,
        caller: &mut Caller<'_, T>,
        ty: &FuncType,
        args: &[Value],
    ) -> Result<Vec<Value>, Trap> {
        match self {
            HostCall::Values(call) => {
                let mut results: Vec<Value> =
                    ty.results().iter().map(|t| t.default_value()).collect();
                call(caller, args, &mut results)?;
                Ok(results)
            }
            HostCall::Raw(call) => {
                let params = ValType::slots_of(ty.params());
                let mut bits = vec![0; params.max(ValType::slots_of(ty.results()))];
                let mut at = 0;
                for arg in args {
                    arg.write_slots(arg.to_bits(), &mut bits[at..]);
                    at += arg.ty().slots();
                }
                call(caller, &mut bits)?;
                Ok(Value::read_all(ty.results(), &bits, caller.store.id))
            }
        }
    }
}

/// What `call_indirect` checks and enters of a function, kept beside `Store::funcs`
/// without the host data type (so the threaded executor can read it): its type's
/// store-wide id (kept only here), and the instance and index of its code
/// (`HOST_CALLEE` for a host function).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Callee {
    pub type_id: u32,
    pub instance: u32,
    pub def: u32,
}

/// `Callee::instance` of a host function.
pub(crate) const HOST_CALLEE: u32 = u32::MAX;

pub(crate) enum FuncEntity<T> {
    Wasm {
        instance: u32,
        /// Index into the module's translated code (defined functions only).
        def: u32,
    },
    Host {
        ty: FuncType,
        call: HostCall<T>,
        /// The slots a call hands over: the longer of the parameter and result lists.
        frame_len: usize,
        /// Whether a result is i32 or f32, whose bits a call must zero-extend, or a
        /// function reference, which must be one of the store's.
        checked_results: bool,
        /// Calls so far (`Func::host_calls`).
        calls: u64,
    },
}

pub(crate) struct MemoryEntity {
    pub ty: MemoryType,
    pub data: Vec<u8>,
}

impl MemoryEntity {
    /// The size in its pages (`MemoryType::page_size`).
    pub fn pages(&self) -> u64 {
        (self.data.len() as u64) >> self.ty.page_size_log2
    }

    /// `memory.grow`: the old size in pages, or `None` (wasm -1) past its maximum, its
    /// address space or the store's limit of `limit_bytes`.
    pub(super) fn grow(&mut self, delta: u64, limit_bytes: u64) -> Option<u64> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        let space = self.ty.address_space_pages();
        if new > self.ty.limits.max.unwrap_or(space).min(space) {
            return None;
        }
        let bytes = new.checked_mul(self.ty.page_size())?;
        if bytes > limit_bytes {
            return None;
        }
        self.data.resize(usize::try_from(bytes).ok()?, 0);
        Some(old)
    }
}

pub(crate) struct TableEntity {
    pub ty: TableType,
    /// Reference bits: 0 is null, otherwise index + 1.
    pub elements: Vec<u64>,
}

impl TableEntity {
    /// `table.grow`: the old size, or `None` (wasm -1) past either maximum.
    pub(super) fn grow(&mut self, delta: u32, init: u64, limit: u32) -> Option<u32> {
        let old = self.elements.len() as u32;
        let new = old.checked_add(delta)?;
        if new as u64 > self.ty.limits.max.unwrap_or(u64::MAX).min(limit as u64) {
            return None;
        }
        self.elements.resize(new as usize, init);
        Some(old)
    }
}

pub(crate) struct GlobalEntity {
    pub ty: GlobalType,
    /// The value's slot bits (a `v128`'s low half).
    pub bits: u64,
    /// A `v128`'s upper half; 0 for the other types.
    pub high: u64,
}

impl GlobalEntity {
    /// A global of type `ty` holding `value` with low slot bits `bits` (checked by the store).
    pub fn new(ty: GlobalType, value: Value, bits: u64) -> GlobalEntity {
        GlobalEntity {
            ty,
            bits,
            high: value.high_bits(),
        }
    }

    /// The value, in the store with id `store`.
    pub fn value(&self, store: u64) -> Value {
        Value::read_slots(self.ty.content, &[self.bits, self.high], store)
    }
}

pub(crate) struct InstanceEntity {
    pub module: Module,
    /// Store addresses of the module's functions, tables, memories, globals.
    pub funcs: Box<[u32]>,
    pub tables: Box<[u32]>,
    pub memories: Box<[u32]>,
    pub globals: Box<[u32]>,
    /// The cells of the same globals (`GlobalCells::cell`), for the executor: neither
    /// they nor this list ever move.
    pub global_cells: Box<[NonNull<GlobalEntity>]>,
    /// Store addresses of the instance's tags, by tag index.
    pub tags: Box<[u32]>,
    /// Store-wide type id of each of the module's types (for `call_indirect`).
    pub type_ids: Box<[u32]>,
    /// Element segments as reference bits; dropped segments are empty.
    pub elements: Vec<Rc<[u64]>>,
    /// Data segments; dropped segments are empty.
    pub datas: Vec<Arc<[u8]>>,
    pub exports: HashMap<String, Extern>,
}

/// Copies `items` into `dst` at `offset` (an i32), or `None` if any of it falls outside:
/// an element or data segment's copy into a table or memory.
pub(crate) fn copy_in_bounds<E: Copy>(dst: &mut [E], offset: u64, items: &[E]) -> Option<()> {
    copy_at(dst, offset as u32 as u64, items)
}

/// Copies `items` into `dst` from index `start` (any u64: a 64-bit memory's), or `None`
/// if any of it falls outside.
pub(crate) fn copy_at<E: Copy>(dst: &mut [E], start: u64, items: &[E]) -> Option<()> {
    let range = span(dst.len(), start, items.len() as u64)?;
    dst[range].copy_from_slice(items);
    Some(())
}

/// `start..start + len` if it lies within `0..size` (any u64s: no wrapping).
pub(crate) fn span(size: usize, start: u64, len: u64) -> Option<std::ops::Range<usize>> {
    let end = start.checked_add(len)?;
    (end <= size as u64).then_some(start as usize..end as usize)
}
