//! The store: owns every runtime object (functions, memories, tables, globals,
//! instances) plus the host's data `T`; handles (`Func`, `Memory`, ...) index into it.
//! Entities and their growth are here, instantiation in `instantiate`, the handles'
//! methods in `objects`, a host function's view in `caller`. Running code is above, in
//! `exec`.

mod caller;
mod entities;
mod exceptions;
mod global_cells;
mod instantiate;
mod objects;
mod observer;
mod snapshot;

use std::sync::atomic::{AtomicU64, Ordering};

use crate::interp::types::{
    Error, Extern, ExternType, Func, FuncType, HeapType, Limits, MemoryType, ValType, Value,
    PAGE_SIZE,
};
use entities::HOST_CALLEE;

pub use caller::Caller;
pub(crate) use entities::{
    copy_at, copy_in_bounds, span, Callee, FuncEntity, GlobalEntity, HostCall, InstanceEntity,
    MemoryEntity, TableEntity,
};
pub use entities::{HostFn, RawHostFn};
pub(crate) use exceptions::{ExnEntity, TagEntity};
pub(crate) use global_cells::GlobalCells;
pub(crate) use instantiate::instantiate;
pub use observer::{Catching, Observer, Step};
pub use snapshot::{Snapshot, SnapshotError};

/// All runtime state of a set of instances, plus the host's data `T`.
pub struct Store<T> {
    /// Unique among the stores of this process (for handles that belong to one store).
    pub(crate) id: u64,
    data: T,
    pub(crate) limits: Limits,
    pub(crate) funcs: Vec<FuncEntity<T>>,
    /// Each function's `Callee`, by the same addresses.
    pub(crate) callees: Vec<Callee>,
    pub(crate) memories: Vec<MemoryEntity>,
    pub(crate) tables: Vec<TableEntity>,
    pub(crate) globals: GlobalCells,
    pub(crate) instances: Vec<InstanceEntity>,
    pub(crate) tags: Vec<TagEntity>,
    /// The exceptions thrown (`exceptions`).
    pub(crate) exceptions: Vec<ExnEntity>,
    pub(crate) observer: Option<Box<dyn Observer>>,
    /// A value stack kept between calls, so a call does not allocate one.
    pub(crate) spare_stack: Option<Vec<u64>>,
    pub(crate) fuel_consumed: u64,
    /// The running call's fuel left, while a host function it called runs (charged by
    /// `Caller::consume_fuel`).
    pub(crate) fuel_in_host_call: u64,
    /// Elements of all the tables, against `Limits::max_total_table_elements`.
    table_elements: u64,
    /// Counts the changes that may move memory bytes, table elements or callees
    /// (`grow_memory`, `grow_table`, `push_func`: their only ways in), so that an
    /// executor can tell whether its views of them survived a host call. (Global cells
    /// never move: `GlobalCells`.)
    pub(crate) moves: u64,
}

impl<T> Store<T> {
    pub fn new(data: T) -> Self {
        Store::with_limits(data, Limits::default())
    }

    pub fn with_limits(data: T, limits: Limits) -> Self {
        static NEXT_ID: AtomicU64 = AtomicU64::new(0);
        Store {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            data,
            limits,
            funcs: Vec::new(),
            callees: Vec::new(),
            memories: Vec::new(),
            tables: Vec::new(),
            globals: GlobalCells::default(),
            instances: Vec::new(),
            tags: Vec::new(),
            exceptions: Vec::new(),
            observer: None,
            spare_stack: None,
            fuel_consumed: 0,
            fuel_in_host_call: 0,
            table_elements: 0,
            moves: 0,
        }
    }

    /// `memory.grow` of memory `addr` by `delta` pages: the old size in pages, or `None`
    /// (wasm -1) past its maximum or the store's limit.
    pub(crate) fn grow_memory(&mut self, addr: u32, delta: u64) -> Option<u64> {
        self.moves += 1;
        let limit = self.memory_limit_bytes();
        self.memories[addr as usize].grow(delta, limit)
    }

    /// The store's limit on any one memory, in bytes (`Limits::max_memory_pages`).
    fn memory_limit_bytes(&self) -> u64 {
        self.limits.max_memory_pages as u64 * PAGE_SIZE as u64
    }

    /// `table.grow` of table `addr` by `delta` elements `init`: the old size, or `None`
    /// (wasm -1) past its maximum or the store's limit.
    pub(crate) fn grow_table(&mut self, addr: u32, delta: u32, init: u64) -> Option<u32> {
        self.moves += 1;
        let room = self.table_room();
        let table = &mut self.tables[addr as usize];
        let total_limit = (table.elements.len() as u64 + room).min(u32::MAX as u64) as u32;
        let limit = self.limits.max_table_elements.min(total_limit);
        let old = table.grow(delta, init, limit)?;
        self.table_elements += delta as u64;
        Some(old)
    }

    /// Elements the store's tables may still add between them.
    fn table_room(&self) -> u64 {
        self.limits
            .max_total_table_elements
            .saturating_sub(self.table_elements)
    }

    /// Adds a function of the type with store-wide id `type_id`; its address.
    pub(crate) fn push_func(&mut self, func: FuncEntity<T>, type_id: u32) -> u32 {
        self.moves += 1;
        self.callees.push(match func {
            FuncEntity::Wasm { instance, def } => Callee {
                type_id,
                instance,
                def,
            },
            FuncEntity::Host { .. } => Callee {
                type_id,
                instance: HOST_CALLEE,
                def: 0,
            },
        });
        self.funcs.push(func);
        self.funcs.len() as u32 - 1
    }

    pub fn data(&self) -> &T {
        &self.data
    }

    pub fn data_mut(&mut self) -> &mut T {
        &mut self.data
    }

    pub fn into_data(self) -> T {
        self.data
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    pub fn limits_mut(&mut self) -> &mut Limits {
        &mut self.limits
    }

    /// Instructions executed by the most recent call from the host (counted only while
    /// fuel metering or an observer is on).
    pub fn fuel_consumed(&self) -> u64 {
        self.fuel_consumed
    }

    /// Installs (or removes) the instruction observer. With none installed, execution
    /// takes a path compiled without any observer hook.
    pub fn set_observer(&mut self, observer: Option<Box<dyn Observer>>) {
        self.observer = observer;
    }

    pub fn take_observer(&mut self) -> Option<Box<dyn Observer>> {
        self.observer.take()
    }

    /// Whether `value` belongs to this store (see `value_bits`) and is of type `ty` or
    /// a subtype: a function reference of a concrete type must be to a function of that
    /// type or a declared subtype; null only fits a nullable type.
    pub(crate) fn value_fits(&self, value: Value, ty: ValType) -> bool {
        let ValType::Ref(r) = ty else {
            return value.ty() == ty;
        };
        match value {
            Value::FuncRef(None)
            | Value::ExternRef(None)
            | Value::ExnRef(None)
            | Value::NullAny => r.nullable && Value::null_of(r) == value,
            Value::ExnRef(Some(_)) => r.heap == HeapType::Exn,
            Value::FuncRef(Some(func)) => match r.heap {
                HeapType::Func => true,
                HeapType::Concrete(id) => self.func_type(func).id().is_subtype_of(id),
                _ => false,
            },
            Value::ExternRef(Some(_)) => r.heap == HeapType::Extern,
            _ => false,
        }
    }

    pub(crate) fn func_type(&self, func: Func) -> FuncType {
        match &self.funcs[func.0 as usize] {
            FuncEntity::Host { ty, .. } => ty.clone(),
            FuncEntity::Wasm { instance, def, .. } => {
                let module = &self.instances[*instance as usize].module;
                let index = module.inner.num_imported_funcs + def;
                module.inner.func_type_of(index).clone()
            }
        }
    }

    pub(crate) fn extern_type(&self, ext: Extern) -> ExternType {
        match ext {
            Extern::Func(f) => ExternType::Func(self.func_type(f)),
            Extern::Table(t) => {
                let table = &self.tables[t.0 as usize];
                let mut ty = table.ty;
                ty.limits.min = table.elements.len() as u64;
                ExternType::Table(ty)
            }
            Extern::Memory(m) => {
                let memory = &self.memories[m.0 as usize];
                let mut ty = memory.ty;
                ty.limits.min = memory.pages();
                ExternType::Memory(ty)
            }
            Extern::Global(g) => ExternType::Global(self.globals[g.0 as usize].ty),
            Extern::Tag(t) => ExternType::Tag(self.tags[t.0 as usize].ty.clone()),
        }
    }

    /// The slot bits of `value`, if it belongs in this store: a function reference from
    /// another store does not (its index means nothing here), nor one past its functions.
    pub(crate) fn value_bits(&self, value: Value) -> Result<u64, Error> {
        match value {
            Value::FuncRef(Some(func)) if func.1 != self.id => Err(foreign("a function reference")),
            Value::FuncRef(Some(func)) if func.0 as usize >= self.funcs.len() => {
                Err(Error::Usage(format!(
                    "function reference {} is past the store's functions",
                    func.0
                )))
            }
            Value::ExnRef(Some(exn)) if exn as usize >= self.exceptions.len() => Err(Error::Usage(
                format!("exception reference {exn} is past the store's exceptions"),
            )),
            value => Ok(value.to_bits()),
        }
    }

    /// `Ok` if `item` lives in this store.
    pub(crate) fn check_own(&self, item: Extern, what: &str) -> Result<(), Error> {
        if item.store_id() == self.id {
            Ok(())
        } else {
            Err(foreign(what))
        }
    }

    /// The size in bytes of a new memory of type `ty`, or the error if it exceeds the
    /// store's limit.
    pub(crate) fn check_memory_size(&self, ty: &MemoryType) -> Result<usize, Error> {
        let (pages, page_size) = (ty.limits.min, ty.page_size());
        let limit = self.limits.max_memory_pages;
        let bytes = pages
            .checked_mul(page_size)
            .filter(|&bytes| bytes <= self.memory_limit_bytes());
        let Some(bytes) = bytes.and_then(|bytes| usize::try_from(bytes).ok()) else {
            let unit = if page_size == PAGE_SIZE as u64 {
                String::new()
            } else {
                format!(" of {page_size} bytes")
            };
            return Err(Error::Limit(format!(
                "memory of {pages} pages{unit} ({} MiB) exceeds the limit of {limit} pages ({} MiB)",
                pages as u128 * page_size as u128 / (1 << 20),
                limit as u64 * 64 / 1024
            )));
        };
        Ok(bytes)
    }
}

/// The error for an item of another store used in this one.
fn foreign(what: &str) -> Error {
    Error::Usage(format!(
        "{what} from another store used in this one (handles belong to the store that made them)"
    ))
}
