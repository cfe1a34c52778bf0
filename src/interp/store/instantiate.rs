//! Instantiation: allocate a module's functions, globals, tables, memories and tags in the
//! store, apply element and data segments. The caller runs the start function.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use wasmparser::ExternalKind;

use super::entities::{copy_at, copy_in_bounds, FuncEntity, GlobalEntity, InstanceEntity};
use super::Store;
use crate::interp::module::{ConstExpr, ElementMode, Module};
use crate::interp::types::{Error, Extern, Func, Global, Instance, Memory, Table, Tag, TrapKind};

/// Instantiates `module` with `imports` already resolved and type-checked, in order, up
/// to its start function, which it returns for the caller to run (running code is above
/// this layer).
pub(crate) fn instantiate<T>(
    store: &mut Store<T>,
    module: &Module,
    imports: &[Extern],
) -> Result<(Instance, Option<Func>), Error> {
    let m = &module.inner;
    let instance_index = store.instances.len() as u32;

    let mut funcs = Vec::with_capacity(m.func_types.len());
    let mut tables = Vec::with_capacity(m.tables.len());
    let mut memories = Vec::with_capacity(m.memories.len());
    let mut globals = Vec::with_capacity(m.globals.len());
    let mut tags = Vec::with_capacity(m.tags.len());
    for (import, info) in imports.iter().zip(&m.imports) {
        match *import {
            Extern::Func(f) => funcs.push(f.0),
            Extern::Table(t) => tables.push(t.0),
            Extern::Memory(mem) => memories.push(mem.0),
            Extern::Global(g) => globals.push(g.0),
            Extern::Tag(t) => {
                let name = &mut store.tags[t.0 as usize].name;
                name.get_or_insert_with(|| format!("{}.{}", info.module, info.name));
                tags.push(t.0);
            }
        }
    }
    for &ty in &m.tags[tags.len()..] {
        tags.push(store.push_tag(m.types[ty as usize].clone(), None));
    }

    let type_ids: Box<[u32]> = m.types.iter().map(|ty| ty.id().index()).collect();
    for (def, &ty) in m.func_types[m.num_imported_funcs as usize..]
        .iter()
        .enumerate()
    {
        let wasm = FuncEntity::Wasm {
            instance: instance_index,
            def: def as u32,
        };
        funcs.push(store.push_func(wasm, type_ids[ty as usize]));
    }

    // Resources first, so a module over the limits fails before anything runs.
    for ty in &m.memories[m.num_imported_memories as usize..] {
        memories.push(Memory::new(store, *ty)?.0);
    }
    for ty in &m.tables[m.num_imported_tables as usize..] {
        // Null at first, also in a table of a non-nullable type: its initialiser fills
        // it once the globals are set (below), before anything can read it.
        tables.push(store.push_table(*ty, 0)?.0);
    }

    let eval = |store: &Store<T>, globals: &[u32], expr: &ConstExpr| -> u64 {
        expr.evaluate(
            |g| store.globals[globals[g as usize] as usize].bits,
            |f| funcs[f as usize] as u64 + 1,
        )
    };
    for (ty, init) in m.globals[m.num_imported_globals as usize..]
        .iter()
        .zip(&m.global_inits)
    {
        let bits = eval(store, &globals, init);
        // A `v128`'s upper half (0 for the others).
        let high = init.evaluate_high(|g| store.globals[globals[g as usize] as usize].high);
        let cell = GlobalEntity {
            ty: *ty,
            bits,
            high,
        };
        globals.push(store.globals.push(cell));
    }
    // Defined tables with an initial element other than null (3.0), filled now that the
    // globals it may read are set.
    let defined_tables = &tables[m.num_imported_tables as usize..];
    for (&addr, init) in defined_tables.iter().zip(&m.table_inits) {
        if let Some(init) = init {
            let bits = eval(store, &globals, init);
            store.tables[addr as usize].elements.fill(bits);
        }
    }

    let elements: Vec<Rc<[u64]>> = m
        .elements
        .iter()
        .map(|segment| {
            segment
                .items
                .iter()
                .map(|item| eval(store, &globals, item))
                .collect()
        })
        .collect();

    let exports: HashMap<String, Extern> = m
        .exports
        .iter()
        .map(|export| {
            let i = export.index as usize;
            let ext = match export.kind {
                ExternalKind::Func | ExternalKind::FuncExact => {
                    Extern::Func(Func(funcs[i], store.id))
                }
                ExternalKind::Table => Extern::Table(Table(tables[i], store.id)),
                ExternalKind::Memory => Extern::Memory(Memory(memories[i], store.id)),
                ExternalKind::Global => Extern::Global(Global(globals[i], store.id)),
                ExternalKind::Tag => {
                    let name = &mut store.tags[tags[i] as usize].name;
                    name.get_or_insert_with(|| export.name.clone());
                    Extern::Tag(Tag(tags[i], store.id))
                }
            };
            (export.name.clone(), ext)
        })
        .collect();

    let active_elements: Vec<(usize, u32, u64)> = m
        .elements
        .iter()
        .enumerate()
        .filter_map(|(i, segment)| match &segment.mode {
            ElementMode::Active { table, offset } => {
                Some((i, *table, eval(store, &globals, offset)))
            }
            _ => None,
        })
        .collect();
    let active_datas: Vec<(usize, u32, u64)> = m
        .datas
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            d.active
                .as_ref()
                .map(|(memory, offset)| (i, *memory, eval(store, &globals, offset)))
        })
        .collect();

    let start = m.start.map(|s| Func(funcs[s as usize], store.id));
    store.instances.push(InstanceEntity {
        module: module.clone(),
        funcs: funcs.into(),
        tables: tables.into(),
        memories: memories.into(),
        global_cells: globals.iter().map(|&g| store.globals.cell(g)).collect(),
        globals: globals.into(),
        tags: tags.into(),
        type_ids,
        elements,
        datas: m.datas.iter().map(|d| d.bytes.clone()).collect(),
        exports,
    });
    // The instance exists from here on even if a segment traps: its functions may
    // already sit in an imported table (the spec keeps earlier segments applied).
    let instance = &mut store.instances[instance_index as usize];
    for &(i, table, offset) in &active_elements {
        let items = &instance.elements[i];
        let table = &mut store.tables[instance.tables[table as usize] as usize].elements;
        copy_in_bounds(table, offset, items).ok_or(TrapKind::TableOutOfBounds)?;
        instance.elements[i] = Rc::new([]);
    }
    for (i, segment) in m.elements.iter().enumerate() {
        if matches!(segment.mode, ElementMode::Declared) {
            instance.elements[i] = Rc::new([]);
        }
    }
    for &(i, memory, offset) in &active_datas {
        let bytes = &instance.datas[i];
        let memory = &mut store.memories[instance.memories[memory as usize] as usize];
        // The offset is an i64 for a 64-bit memory, else an i32.
        let offset = if memory.ty.index64 {
            offset
        } else {
            offset as u32 as u64
        };
        copy_at(&mut memory.data, offset, bytes).ok_or(TrapKind::MemoryOutOfBounds)?;
        instance.datas[i] = Arc::new([]);
    }
    Ok((Instance(instance_index, store.id), start))
}
