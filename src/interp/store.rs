//! The store: owns every runtime object (functions, memories, tables, globals,
//! instances) plus the host's data `T`; handles (`Func`, `Memory`, ...) index into it.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::error::{Error, Trap};
use super::exec::CallOutcome;
use super::limits::{Limits, PAGE_SIZE};
use super::module::Module;
use super::observer::Observer;
use super::types::{ExternType, GlobalType, MemoryType, TableType};
use super::value::{FuncType, ValType, Value};

/// A host function: reads its arguments, writes its results, or fails with a trap.
pub type HostFn<T> = dyn Fn(&mut Caller<'_, T>, &[Value], &mut [Value]) -> Result<(), Trap>;

/// A host function on raw bits (`Func::new_raw`): the slice holds the arguments' bits in
/// order (an i32 zero-extended, a float its IEEE bits) and takes the results' bits in
/// their place; it is as long as the longer of the two lists. A call skips the
/// conversions to and from `Value`s.
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
                let mut bits: Vec<u64> = args.iter().map(|arg| arg.to_bits()).collect();
                bits.resize(args.len().max(ty.results().len()), 0);
                call(caller, &mut bits)?;
                let results = ty.results().iter().zip(bits);
                Ok(results
                    .map(|(&ty, bits)| Value::from_bits(ty, bits, caller.store.id))
                    .collect())
            }
        }
    }
}

macro_rules! handle {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        ///
        /// It holds its index in its store and the store's id: used with another store,
        /// it is an error (`Error::Usage`, or a trap when a host function returns it).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(pub(crate) u32, pub(crate) u64);
    )*};
}

handle! {
    /// A function (wasm or host) in a store.
    Func;
    /// A linear memory in a store.
    Memory;
    /// A table in a store.
    Table;
    /// A global in a store.
    Global;
    /// An instantiated module in a store.
    Instance;
}

/// Anything that can be imported or exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extern {
    Func(Func),
    Table(Table),
    Memory(Memory),
    Global(Global),
}

impl From<Func> for Extern {
    fn from(f: Func) -> Self {
        Extern::Func(f)
    }
}
impl From<Memory> for Extern {
    fn from(m: Memory) -> Self {
        Extern::Memory(m)
    }
}
impl From<Table> for Extern {
    fn from(t: Table) -> Self {
        Extern::Table(t)
    }
}
impl From<Global> for Extern {
    fn from(g: Global) -> Self {
        Extern::Global(g)
    }
}

impl Extern {
    /// The id of the store the item lives in.
    pub(crate) fn store_id(self) -> u64 {
        match self {
            Extern::Func(f) => f.1,
            Extern::Table(t) => t.1,
            Extern::Memory(m) => m.1,
            Extern::Global(g) => g.1,
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
    pub fn pages(&self) -> u32 {
        (self.data.len() / PAGE_SIZE) as u32
    }

    /// `memory.grow`: the old size in pages, or `None` (wasm -1) past either maximum.
    fn grow(&mut self, delta: u32, limit_pages: u32) -> Option<u32> {
        let old = self.pages();
        let new = old.checked_add(delta)?;
        let max = self.ty.limits.max.unwrap_or(65_536).min(limit_pages);
        if new > max {
            return None;
        }
        self.data.resize(new as usize * PAGE_SIZE, 0);
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
    fn grow(&mut self, delta: u32, init: u64, limit: u32) -> Option<u32> {
        let old = self.elements.len() as u32;
        let new = old.checked_add(delta)?;
        if new > self.ty.limits.max.unwrap_or(u32::MAX).min(limit) {
            return None;
        }
        self.elements.resize(new as usize, init);
        Some(old)
    }
}

pub(crate) struct GlobalEntity {
    pub ty: GlobalType,
    pub bits: u64,
}

pub(crate) struct InstanceEntity {
    pub module: Module,
    /// Store addresses of the module's functions, tables, memories, globals.
    pub funcs: Box<[u32]>,
    pub tables: Box<[u32]>,
    pub memories: Box<[u32]>,
    pub globals: Box<[u32]>,
    /// Store-wide type id of each of the module's types (for `call_indirect`).
    pub type_ids: Box<[u32]>,
    /// Element segments as reference bits; dropped segments are empty.
    pub elements: Vec<Rc<[u64]>>,
    /// Data segments; dropped segments are empty.
    pub datas: Vec<Arc<[u8]>>,
    pub exports: HashMap<String, Extern>,
}

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
    pub(crate) globals: Vec<GlobalEntity>,
    pub(crate) instances: Vec<InstanceEntity>,
    type_registry: HashMap<FuncType, u32>,
    pub(crate) observer: Option<Box<dyn Observer>>,
    /// A value stack kept between calls, so a call does not allocate one.
    pub(crate) spare_stack: Option<Vec<u64>>,
    pub(crate) fuel_consumed: u64,
    /// The running call's fuel left, while a host function it called runs (charged by
    /// `Caller::consume_fuel`).
    pub(crate) fuel_in_host_call: u64,
    /// Elements of all the tables, against `Limits::max_total_table_elements`.
    table_elements: u64,
    /// Counts the changes that may move memory bytes, table elements, globals or callees
    /// (`grow_memory`, `grow_table`, `push_global`, `push_func`: their only ways in), so
    /// that an executor can tell whether its views of them survived a host call.
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
            globals: Vec::new(),
            instances: Vec::new(),
            type_registry: HashMap::new(),
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
    pub(crate) fn grow_memory(&mut self, addr: u32, delta: u32) -> Option<u32> {
        self.moves += 1;
        let limit = self.limits.max_memory_pages;
        self.memories[addr as usize].grow(delta, limit)
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

    /// Adds a global; its address.
    pub(crate) fn push_global(&mut self, global: GlobalEntity) -> u32 {
        self.moves += 1;
        self.globals.push(global);
        self.globals.len() as u32 - 1
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

    /// The store-wide id of a function type: equal types get equal ids.
    pub(crate) fn intern_type(&mut self, ty: &FuncType) -> u32 {
        let next = self.type_registry.len() as u32;
        *self.type_registry.entry(ty.clone()).or_insert(next)
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
                ty.limits.min = table.elements.len() as u32;
                ExternType::Table(ty)
            }
            Extern::Memory(m) => {
                let memory = &self.memories[m.0 as usize];
                let mut ty = memory.ty;
                ty.limits.min = memory.pages();
                ExternType::Memory(ty)
            }
            Extern::Global(g) => ExternType::Global(self.globals[g.0 as usize].ty),
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

    pub(crate) fn check_memory_size(&self, pages: u32) -> Result<(), Error> {
        let limit = self.limits.max_memory_pages;
        if pages > limit {
            return Err(Error::Limit(format!(
                "memory of {pages} pages ({} MiB) exceeds the limit of {limit} pages ({} MiB)",
                pages as u64 * 64 / 1024,
                limit as u64 * 64 / 1024
            )));
        }
        Ok(())
    }
}

/// The error for an item of another store used in this one.
fn foreign(what: &str) -> Error {
    Error::Usage(format!(
        "{what} from another store used in this one (handles belong to the store that made them)"
    ))
}

impl Func {
    /// A host function with the given signature.
    pub fn new<T>(
        store: &mut Store<T>,
        ty: FuncType,
        call: impl Fn(&mut Caller<'_, T>, &[Value], &mut [Value]) -> Result<(), Trap> + 'static,
    ) -> Func {
        Func::new_host(store, ty, HostCall::Values(Rc::new(call)))
    }

    /// A host function with the given signature on raw bits (see [`RawHostFn`]): the
    /// cheaper form for functions called often, such as a game's draw calls.
    pub fn new_raw<T>(
        store: &mut Store<T>,
        ty: FuncType,
        call: impl Fn(&mut Caller<'_, T>, &mut [u64]) -> Result<(), Trap> + 'static,
    ) -> Func {
        Func::new_host(store, ty, HostCall::Raw(Rc::new(call)))
    }

    fn new_host<T>(store: &mut Store<T>, ty: FuncType, call: HostCall<T>) -> Func {
        let type_id = store.intern_type(&ty);
        let frame_len = ty.params().len().max(ty.results().len());
        let checked_results = ty
            .results()
            .iter()
            .any(|ty| matches!(ty, ValType::I32 | ValType::F32 | ValType::FuncRef));
        let host = FuncEntity::Host {
            ty,
            call,
            frame_len,
            checked_results,
            calls: 0,
        };
        Func(store.push_func(host, type_id), store.id)
    }

    /// How many times wasm code has called this host function (0 for a wasm function).
    pub fn host_calls<T>(&self, store: &Store<T>) -> u64 {
        match store.funcs[self.0 as usize] {
            FuncEntity::Host { calls, .. } => calls,
            FuncEntity::Wasm { .. } => 0,
        }
    }

    pub fn ty<T>(&self, store: &Store<T>) -> FuncType {
        store.func_type(*self)
    }

    /// Calls the function with typed arguments; traps come back as `Error::Trap`.
    pub fn call<T>(&self, store: &mut Store<T>, args: &[Value]) -> Result<Vec<Value>, Error> {
        self.check_args(store, args)?;
        super::exec::invoke(store, *self, args).map_err(Error::Trap)
    }

    /// Calls the function with typed arguments and `fuel` units of fuel; when the fuel
    /// runs out before it returns, the call pauses (`CallOutcome::OutOfFuel`) and can go
    /// on with more (`PausedCall::resume`), however deep in wasm calls it is. The store's
    /// own fuel limit does not apply.
    pub fn call_resumable<T>(
        &self,
        store: &mut Store<T>,
        args: &[Value],
        fuel: u64,
    ) -> Result<CallOutcome, Error> {
        self.check_args(store, args)?;
        super::exec::call(store, *self, args, Some(fuel), true).map_err(Error::Trap)
    }

    /// `Ok` if the function and its arguments belong to `store` and the arguments fit
    /// its parameters.
    fn check_args<T>(&self, store: &Store<T>, args: &[Value]) -> Result<(), Error> {
        store.check_own(Extern::Func(*self), "a function")?;
        for &arg in args {
            store.value_bits(arg)?;
        }
        let ty = self.ty(store);
        let arg_types: Vec<ValType> = args.iter().map(Value::ty).collect();
        if arg_types != ty.params() {
            return Err(Error::Usage(format!(
                "function {ty} called with arguments of types ({})",
                arg_types
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            )));
        }
        Ok(())
    }
}

impl Memory {
    pub fn new<T>(store: &mut Store<T>, ty: MemoryType) -> Result<Memory, Error> {
        store.check_memory_size(ty.limits.min)?;
        store.memories.push(MemoryEntity {
            ty,
            data: vec![0; ty.limits.min as usize * PAGE_SIZE],
        });
        Ok(Memory(store.memories.len() as u32 - 1, store.id))
    }

    pub fn data<'a, T>(&self, store: &'a Store<T>) -> &'a [u8] {
        &store.memories[self.0 as usize].data
    }

    pub fn data_mut<'a, T>(&self, store: &'a mut Store<T>) -> &'a mut [u8] {
        &mut store.memories[self.0 as usize].data
    }

    /// Current size in 64 KiB pages.
    pub fn pages<T>(&self, store: &Store<T>) -> u32 {
        store.memories[self.0 as usize].pages()
    }

    /// Grows by `delta` pages; the old size, or `None` past the maximum or the store's limit.
    pub fn grow<T>(&self, store: &mut Store<T>, delta: u32) -> Option<u32> {
        store.grow_memory(self.0, delta)
    }
}

impl Table {
    pub fn new<T>(store: &mut Store<T>, ty: TableType, init: Value) -> Result<Table, Error> {
        let limits = &store.limits;
        if ty.limits.min > limits.max_table_elements {
            return Err(Error::Limit(format!(
                "table of {} elements exceeds the limit of {}",
                ty.limits.min, limits.max_table_elements
            )));
        }
        if ty.limits.min as u64 > store.table_room() {
            return Err(Error::Limit(format!(
                "table of {} elements exceeds the limit of {} elements in all tables ({} in use)",
                ty.limits.min, limits.max_total_table_elements, store.table_elements
            )));
        }
        let init = store.value_bits(init)?;
        store.table_elements += ty.limits.min as u64;
        store.tables.push(TableEntity {
            ty,
            elements: vec![init; ty.limits.min as usize],
        });
        Ok(Table(store.tables.len() as u32 - 1, store.id))
    }

    pub fn size<T>(&self, store: &Store<T>) -> u32 {
        store.tables[self.0 as usize].elements.len() as u32
    }

    pub fn get<T>(&self, store: &Store<T>, index: u32) -> Option<Value> {
        let table = &store.tables[self.0 as usize];
        let bits = *table.elements.get(index as usize)?;
        Some(Value::from_bits(table.ty.element, bits, store.id))
    }
}

impl Global {
    /// A global holding `value`; an error if `value` is a function of another store.
    pub fn new<T>(store: &mut Store<T>, ty: GlobalType, value: Value) -> Result<Global, Error> {
        let bits = store.value_bits(value)?;
        Ok(Global(
            store.push_global(GlobalEntity { ty, bits }),
            store.id,
        ))
    }

    pub fn get<T>(&self, store: &Store<T>) -> Value {
        let global = &store.globals[self.0 as usize];
        Value::from_bits(global.ty.content, global.bits, store.id)
    }

    pub fn set<T>(&self, store: &mut Store<T>, value: Value) -> Result<(), Error> {
        store.check_own(Extern::Global(*self), "a global")?;
        store.value_bits(value)?;
        let global = &mut store.globals[self.0 as usize];
        if !global.ty.mutable || value.ty() != global.ty.content {
            return Err(Error::Usage(format!(
                "cannot set a {} global to a {} value",
                global.ty.content,
                value.ty()
            )));
        }
        global.bits = value.to_bits();
        Ok(())
    }
}

impl Instance {
    pub fn export(&self, store: &Store<impl Sized>, name: &str) -> Option<Extern> {
        store.instances[self.0 as usize].exports.get(name).copied()
    }

    pub fn get_func<T>(&self, store: &Store<T>, name: &str) -> Option<Func> {
        match self.export(store, name)? {
            Extern::Func(f) => Some(f),
            _ => None,
        }
    }

    pub fn get_memory<T>(&self, store: &Store<T>, name: &str) -> Option<Memory> {
        match self.export(store, name)? {
            Extern::Memory(m) => Some(m),
            _ => None,
        }
    }

    pub fn get_global<T>(&self, store: &Store<T>, name: &str) -> Option<Global> {
        match self.export(store, name)? {
            Extern::Global(g) => Some(g),
            _ => None,
        }
    }

    pub fn get_table<T>(&self, store: &Store<T>, name: &str) -> Option<Table> {
        match self.export(store, name)? {
            Extern::Table(t) => Some(t),
            _ => None,
        }
    }

    /// The instance's first memory (exported or not), if it has one.
    pub fn default_memory<T>(&self, store: &Store<T>) -> Option<Memory> {
        store.instances[self.0 as usize]
            .memories
            .first()
            .map(|&m| Memory(m, store.id))
    }

    /// Calls the exported function `name`.
    pub fn call<T>(
        &self,
        store: &mut Store<T>,
        name: &str,
        args: &[Value],
    ) -> Result<Vec<Value>, Error> {
        let func = self.get_func(store, name).ok_or_else(|| {
            Error::Usage(format!("the module exports no function named `{name}`"))
        })?;
        func.call(store, args)
    }

    pub fn module<'a, T>(&self, store: &'a Store<T>) -> &'a Module {
        &store.instances[self.0 as usize].module
    }
}

/// What a host function sees of the store while it runs.
pub struct Caller<'a, T> {
    pub(crate) store: &'a mut Store<T>,
    pub(crate) instance: Option<Instance>,
}

impl<'a, T> Caller<'a, T> {
    pub fn data(&self) -> &T {
        self.store.data()
    }

    pub fn data_mut(&mut self) -> &mut T {
        self.store.data_mut()
    }

    /// The calling instance's memory 0, if it has one.
    pub fn memory(&self) -> Option<Memory> {
        self.instance?.default_memory(self.store)
    }

    /// The caller's memory bytes (empty if it has no memory).
    pub fn memory_data(&self) -> &[u8] {
        match self.memory() {
            Some(m) => m.data(self.store),
            None => &[],
        }
    }

    /// The host data and the caller's memory at once (e.g. to draw into a framebuffer).
    pub fn data_and_memory_mut(&mut self) -> (&mut T, &mut [u8]) {
        let memory = self.memory();
        let store = &mut *self.store;
        let bytes: &mut [u8] = match memory {
            Some(m) => &mut store.memories[m.0 as usize].data,
            None => &mut [],
        };
        (&mut store.data, bytes)
    }

    pub fn store(&mut self) -> &mut Store<T> {
        self.store
    }

    /// Charges `units` of the calling wasm code's fuel for work this host function does
    /// on its behalf (points copied, pixels drawn...), so that a flood of cheap calls
    /// doing much work runs out of fuel like a loop does: the code stops (or pauses)
    /// before its next instruction. Without fuel metering it changes nothing that shows.
    pub fn consume_fuel(&mut self, units: u64) {
        self.store.fuel_in_host_call = self.store.fuel_in_host_call.saturating_sub(units);
    }

    /// The calling code's fuel left (`u64::MAX`, or near it, without fuel metering).
    pub fn fuel_left(&self) -> u64 {
        self.store.fuel_in_host_call
    }
}
