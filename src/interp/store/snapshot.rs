//! Save states of an instance: [`Instance::snapshot`] captures everything a running
//! instance can change (its memories' bytes and sizes, its globals, mutable or not, its
//! tables' elements, which element and data segments it has dropped) and
//! [`Instance::restore`] puts it back between calls, so that the instance goes on exactly
//! as it did from the moment of the capture.
//!
//! A snapshot names its module by the SHA-256 of the module's bytes and is refused by an
//! instance of any other module. Function references are kept as indices into the
//! instance's function index space (not store addresses), so a snapshot also restores into
//! a fresh instance of the same module in another store, linked the same way. A snapshot
//! holding a host reference (a non-null `externref`) cannot be captured: it would not mean
//! the same thing in another store.

use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Store;
use crate::interp::module::Module;
use crate::interp::types::{HeapType, Instance, ValType, PAGE_SIZE};

/// An instance's state at one moment, between calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// SHA-256 of the module's bytes ([`Module::sha256`]).
    pub module_sha256: [u8; 32],
    /// Each memory's bytes, in the instance's memory index order (imported ones too).
    pub memories: Vec<Vec<u8>>,
    /// Each global's value bits (references as function index + 1, 0 for null; a
    /// `v128`'s low half).
    pub globals: Vec<u64>,
    /// The upper halves of the `v128` globals, in global order (empty without any;
    /// states saved before SIMD have none).
    #[serde(default)]
    pub globals_high: Vec<u64>,
    /// Each table's elements (function index + 1, 0 for null).
    pub tables: Vec<Vec<u64>>,
    /// Each element segment's items, empty once dropped (function index + 1: the
    /// segments games can hold are of function references).
    pub elements: Vec<Vec<u64>>,
    /// Which data segments have been dropped (their bytes come from the module).
    pub dropped_datas: Vec<bool>,
}

/// Why a snapshot cannot be taken or restored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotError {
    /// The snapshot was taken of another module.
    OtherModule,
    /// It does not fit this instance (a count or size differs, or is over a limit).
    Mismatch(String),
    /// A global, table or segment holds a reference that cannot be saved.
    Unsaveable(String),
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::OtherModule => {
                f.write_str("the saved state belongs to another module (its SHA-256 differs)")
            }
            SnapshotError::Mismatch(what) => write!(f, "the saved state does not fit: {what}"),
            SnapshotError::Unsaveable(what) => write!(f, "the state cannot be saved: {what}"),
        }
    }
}

impl std::error::Error for SnapshotError {}

impl Module {
    /// SHA-256 of the module's bytes: what a [`Snapshot`] names its module by.
    pub fn sha256(&self) -> [u8; 32] {
        Sha256::digest(&self.inner.code.bytes).into()
    }
}

/// Reference bits (store function address + 1) to function index + 1, and back.
struct RefMap {
    /// Store address → index in the instance's function index space.
    to_index: HashMap<u32, u64>,
    funcs: Box<[u32]>,
}

impl RefMap {
    fn new<T>(store: &Store<T>, instance: Instance) -> RefMap {
        let funcs = store.instances[instance.0 as usize].funcs.clone();
        let to_index = funcs
            .iter()
            .enumerate()
            .map(|(index, &address)| (address, index as u64))
            .collect();
        RefMap { to_index, funcs }
    }

    /// `bits` of a value of type `ty` as saved (`Way::Save`) or as the store holds them
    /// (`Way::Load`); `what` names the place, for errors.
    fn convert(
        &self,
        way: Way,
        ty: ValType,
        bits: u64,
        what: &dyn Fn() -> String,
    ) -> Result<u64, SnapshotError> {
        let refused = |why: String| match way {
            Way::Save => SnapshotError::Unsaveable(why),
            Way::Load => SnapshotError::Mismatch(why),
        };
        match ty {
            ValType::Ref(r) if r.heap.is_func() && bits != 0 => match way {
                Way::Save => self.to_index.get(&((bits - 1) as u32)).map(|i| i + 1),
                Way::Load => self.funcs.get((bits - 1) as usize).map(|&a| a as u64 + 1),
            }
            .ok_or_else(|| match way {
                Way::Save => refused(format!("{} holds a function of another instance", what())),
                Way::Load => refused(format!("{} names function {}", what(), bits - 1)),
            }),
            ValType::Ref(r) if bits != 0 => {
                let held = match r.heap {
                    HeapType::Exn => "an exception reference",
                    _ => "a host reference",
                };
                Err(refused(format!("{} holds {held}", what())))
            }
            _ => Ok(bits),
        }
    }
}

impl RefMap {
    /// [`RefMap::convert`] of every one of `items`.
    fn convert_all<C: FromIterator<u64>>(
        &self,
        way: Way,
        ty: ValType,
        items: &[u64],
        what: &dyn Fn() -> String,
    ) -> Result<C, SnapshotError> {
        items
            .iter()
            .map(|&bits| self.convert(way, ty, bits, what))
            .collect()
    }
}

/// Which way [`RefMap::convert`] goes.
#[derive(Clone, Copy)]
enum Way {
    Save,
    Load,
}

impl Instance {
    /// Captures the instance's state (see the module docs). Call it between calls.
    pub fn snapshot<T>(&self, store: &Store<T>) -> Result<Snapshot, SnapshotError> {
        let refs = RefMap::new(store, *self);
        let instance = &store.instances[self.0 as usize];
        let module = &instance.module.inner;
        let memories = instance
            .memories
            .iter()
            .map(|&m| store.memories[m as usize].data.clone())
            .collect();
        let globals = instance
            .globals
            .iter()
            .enumerate()
            .map(|(i, &g)| {
                let global = &store.globals[g as usize];
                refs.convert(Way::Save, global.ty.content, global.bits, &|| {
                    format!("global {i}")
                })
            })
            .collect::<Result<_, _>>()?;
        let globals_high = instance
            .globals
            .iter()
            .map(|&g| &store.globals[g as usize])
            .filter(|global| global.ty.content == ValType::V128)
            .map(|global| global.high)
            .collect();
        let tables = instance
            .tables
            .iter()
            .enumerate()
            .map(|(i, &t)| {
                let table = &store.tables[t as usize];
                let what = || format!("table {i}");
                refs.convert_all(Way::Save, table.ty.element, &table.elements, &what)
            })
            .collect::<Result<_, _>>()?;
        let elements = instance
            .elements
            .iter()
            .enumerate()
            .map(|(i, items)| {
                let what = || format!("element segment {i}");
                refs.convert_all(Way::Save, ValType::FUNCREF, items, &what)
            })
            .collect::<Result<_, _>>()?;
        let dropped_datas = instance
            .datas
            .iter()
            .zip(&module.datas)
            .map(|(now, original)| now.is_empty() && !original.bytes.is_empty())
            .collect();
        Ok(Snapshot {
            module_sha256: instance.module.sha256(),
            memories,
            globals,
            globals_high,
            tables,
            elements,
            dropped_datas,
        })
    }

    /// Puts the state `snapshot` holds back into this instance, all of it or (when the
    /// snapshot is of another module or does not fit) nothing. Call it between calls.
    pub fn restore<T>(
        &self,
        store: &mut Store<T>,
        snapshot: &Snapshot,
    ) -> Result<(), SnapshotError> {
        let instance = &store.instances[self.0 as usize];
        if snapshot.module_sha256 != instance.module.sha256() {
            return Err(SnapshotError::OtherModule);
        }
        let refs = RefMap::new(store, *self);
        let module = instance.module.clone();
        let m = &module.inner;
        let counts = [
            ("memories", instance.memories.len(), snapshot.memories.len()),
            ("globals", instance.globals.len(), snapshot.globals.len()),
            ("tables", instance.tables.len(), snapshot.tables.len()),
            (
                "element segments",
                m.elements.len(),
                snapshot.elements.len(),
            ),
            ("data segments", m.datas.len(), snapshot.dropped_datas.len()),
        ];
        for (what, have, saved) in counts {
            if have != saved {
                return Err(SnapshotError::Mismatch(format!(
                    "{saved} {what} saved, the instance has {have}"
                )));
            }
        }
        // Check everything before changing anything.
        let limits = store.limits.clone();
        for (i, (&m, bytes)) in instance.memories.iter().zip(&snapshot.memories).enumerate() {
            let ty = store.memories[m as usize].ty;
            let space = ty.address_space_pages();
            let max = ty.limits.max.unwrap_or(space).min(space);
            let (page, limit) = (
                ty.page_size(),
                limits.max_memory_pages as u64 * PAGE_SIZE as u64,
            );
            let len = bytes.len() as u64;
            if !len.is_multiple_of(page)
                || len > limit
                || !(ty.limits.min..=max).contains(&(len / page))
            {
                return Err(SnapshotError::Mismatch(format!(
                    "memory {i} of {} bytes is not a whole number of pages within its limits",
                    bytes.len()
                )));
            }
        }
        for (i, (&t, elements)) in instance.tables.iter().zip(&snapshot.tables).enumerate() {
            let ty = store.tables[t as usize].ty.limits;
            let max = ty
                .max
                .unwrap_or(u64::MAX)
                .min(limits.max_table_elements as u64);
            if !(ty.min..=max).contains(&(elements.len() as u64)) {
                return Err(SnapshotError::Mismatch(format!(
                    "table {i} of {} elements is over its limits",
                    elements.len()
                )));
            }
        }
        let wide = instance
            .globals
            .iter()
            .filter(|&&g| store.globals[g as usize].ty.content == ValType::V128)
            .count();
        if wide != snapshot.globals_high.len() {
            return Err(SnapshotError::Mismatch(format!(
                "{} v128 globals saved, the instance has {wide}",
                snapshot.globals_high.len()
            )));
        }
        let globals: Vec<(u32, u64)> = instance
            .globals
            .iter()
            .zip(&snapshot.globals)
            .enumerate()
            .map(|(i, (&g, &bits))| {
                let ty = store.globals[g as usize].ty.content;
                Ok((
                    g,
                    refs.convert(Way::Load, ty, bits, &|| format!("global {i}"))?,
                ))
            })
            .collect::<Result<_, SnapshotError>>()?;
        let tables: Vec<(u32, Vec<u64>)> = instance
            .tables
            .iter()
            .zip(&snapshot.tables)
            .enumerate()
            .map(|(i, (&t, elements))| {
                let ty = store.tables[t as usize].ty.element;
                let what = || format!("table {i}");
                Ok((t, refs.convert_all(Way::Load, ty, elements, &what)?))
            })
            .collect::<Result<_, SnapshotError>>()?;
        let elements: Vec<Rc<[u64]>> = snapshot
            .elements
            .iter()
            .enumerate()
            .map(|(i, items)| {
                let what = || format!("element segment {i}");
                refs.convert_all(Way::Load, ValType::FUNCREF, items, &what)
            })
            .collect::<Result<_, _>>()?;

        // Now apply it all. Memory and table sizes may change: executors' views of them
        // must be refreshed, as after a grow.
        store.moves += 1;
        let memories = instance.memories.clone();
        for (&m, bytes) in memories.iter().zip(&snapshot.memories) {
            store.memories[m as usize].data.clone_from(bytes);
        }
        let mut highs = snapshot.globals_high.iter();
        for (g, bits) in globals {
            let global = &mut store.globals[g as usize];
            global.bits = bits;
            if global.ty.content == ValType::V128 {
                global.high = *highs.next().expect("counted above");
            }
        }
        for (t, elements) in tables {
            store.tables[t as usize].elements = elements;
        }
        let instance = &mut store.instances[self.0 as usize];
        instance.elements = elements;
        instance.datas = m
            .datas
            .iter()
            .zip(&snapshot.dropped_datas)
            .map(|(data, &dropped)| {
                if dropped {
                    Arc::from([])
                } else {
                    Arc::clone(&data.bytes)
                }
            })
            .collect();
        Ok(())
    }
}
