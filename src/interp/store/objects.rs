//! The handles' methods that do not run code: creating host functions, memories, tables
//! and globals, and reading them. (Calling a function is in `exec`.)

use std::rc::Rc;

use super::entities::{FuncEntity, GlobalEntity, HostCall, MemoryEntity, TableEntity};
use super::{Caller, Store};
use crate::interp::module::Module;
use crate::interp::types::{
    Error, Extern, Func, FuncType, Global, GlobalType, Instance, Memory, MemoryType, Table,
    TableType, Trap, ValType, Value,
};

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
        let type_id = ty.id().index();
        let frame_len = ValType::slots_of(ty.params()).max(ValType::slots_of(ty.results()));
        let checked_results = ty.results().iter().any(|ty| match ty {
            ValType::I32 | ValType::F32 => true,
            ValType::Ref(r) => r.heap.is_func(),
            _ => false,
        });
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
}

impl Memory {
    pub fn new<T>(store: &mut Store<T>, ty: MemoryType) -> Result<Memory, Error> {
        let bytes = store.check_memory_size(&ty)?;
        store.memories.push(MemoryEntity {
            ty,
            data: vec![0; bytes],
        });
        Ok(Memory(store.memories.len() as u32 - 1, store.id))
    }

    pub fn data<'a, T>(&self, store: &'a Store<T>) -> &'a [u8] {
        &store.memories[self.0 as usize].data
    }

    pub fn data_mut<'a, T>(&self, store: &'a mut Store<T>) -> &'a mut [u8] {
        &mut store.memories[self.0 as usize].data
    }

    /// Current size in its pages (64 KiB, unless its type says otherwise).
    pub fn pages<T>(&self, store: &Store<T>) -> u64 {
        store.memories[self.0 as usize].pages()
    }

    /// Grows by `delta` pages; the old size, or `None` past the maximum or the store's limit.
    pub fn grow<T>(&self, store: &mut Store<T>, delta: u64) -> Option<u64> {
        store.grow_memory(self.0, delta)
    }
}

impl Table {
    /// A table of `ty.limits.min` elements `init`; an error past the store's limits, or if
    /// `init` is a function of another store or not of the element type.
    pub fn new<T>(store: &mut Store<T>, ty: TableType, init: Value) -> Result<Table, Error> {
        let bits = store.value_bits(init)?;
        if !store.value_fits(init, ty.element) {
            return Err(Error::Usage(format!(
                "a table of {} cannot hold {init}",
                ty.element
            )));
        }
        store.push_table(ty, bits)
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
    /// A global holding `value`; an error if `value` is a function of another store or
    /// not of the global's type.
    pub fn new<T>(store: &mut Store<T>, ty: GlobalType, value: Value) -> Result<Global, Error> {
        let bits = store.value_bits(value)?;
        if !store.value_fits(value, ty.content) {
            return Err(Error::Usage(format!(
                "a global of type {} cannot hold {value}",
                ty.content
            )));
        }
        Ok(Global(
            store.globals.push(GlobalEntity::new(ty, value, bits)),
            store.id,
        ))
    }

    pub fn get<T>(&self, store: &Store<T>) -> Value {
        store.globals[self.0 as usize].value(store.id)
    }

    pub fn set<T>(&self, store: &mut Store<T>, value: Value) -> Result<(), Error> {
        store.check_own(Extern::Global(*self), "a global")?;
        store.value_bits(value)?;
        let ty = store.globals[self.0 as usize].ty;
        if !ty.mutable || !store.value_fits(value, ty.content) {
            return Err(Error::Usage(format!(
                "cannot set a {} global to a {} value",
                ty.content,
                value.ty()
            )));
        }
        store.globals[self.0 as usize] = GlobalEntity::new(ty, value, value.to_bits());
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

    pub fn module<'a, T>(&self, store: &'a Store<T>) -> &'a Module {
        &store.instances[self.0 as usize].module
    }
}

impl<T> Store<T> {
    /// Adds a table of `ty.limits.min` elements of bits `init` (unchecked: the caller's
    /// job); an error past the store's limits.
    pub(crate) fn push_table(&mut self, ty: TableType, init: u64) -> Result<Table, Error> {
        let limits = &self.limits;
        if ty.limits.min > limits.max_table_elements as u64 {
            return Err(Error::Limit(format!(
                "table of {} elements exceeds the limit of {}",
                ty.limits.min, limits.max_table_elements
            )));
        }
        if ty.limits.min > self.table_room() {
            return Err(Error::Limit(format!(
                "table of {} elements exceeds the limit of {} elements in all tables ({} in use)",
                ty.limits.min, limits.max_total_table_elements, self.table_elements
            )));
        }
        self.table_elements += ty.limits.min;
        self.tables.push(TableEntity {
            ty,
            elements: vec![init; ty.limits.min as usize],
        });
        Ok(Table(self.tables.len() as u32 - 1, self.id))
    }
}
