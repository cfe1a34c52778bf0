//! The ops that need the store (`store_op!`: tables, `memory.grow`, `memory.init`,
//! dropped segments, `ref.func`, calls of imports and `call_indirect`), run here by both
//! executors.

use std::rc::Rc;

use super::num;
use super::run::{table_elements, table_view, Run};
use super::views::{LinearMemory, MemView};
use crate::interp::isa::Op;
use crate::interp::store::{copy_in_bounds, Store};
use crate::interp::types::TrapKind;

impl Run {
    /// Runs an op that needs the store (`store_op!`), with `self.at.frame.ip` already past it.
    /// Calls move the position to the callee; everything else stays in the function.
    /// Both executors run these ops here: the loop executor directly, the threaded one
    /// through `Run::store_op` (it has no store of its own). Inlined into both in
    /// optimised builds; out of line in debug builds, so that the loop executor's frame
    /// stays small even unoptimised (where it holds every inlined arm's locals).
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(super) fn store_op<T>(&mut self, store: &mut Store<T>, op: &Op) -> Result<(), TrapKind> {
        let slots = self.at.frame.slots;
        match *op {
            Op::CallImport { .. } => self.call_import(store, op)?,
            Op::CallIndirect { .. } => self.call_indirect(store, op)?,
            Op::CallRef { func, base } => {
                let addr = num::referenced_func(slots.get(func))?;
                self.call_addr(store, addr, base)?
            }
            Op::ReturnCall { .. } | Op::ReturnCallIndirect { .. } | Op::ReturnCallRef { .. } => {
                self.return_call(store, op)?
            }
            Op::RefFunc { dst, func } => {
                let addr = store.instances[self.at.frame.instance as usize].funcs[func as usize];
                slots.set(dst, addr as u64 + 1);
            }
            Op::MemoryGrow { dst, delta } => {
                let addr = store.instances[self.at.frame.instance as usize].memories[0];
                // Memory 0 here is a plain one (32-bit, 64 KiB pages): others take
                // the slow path (`Op::OtherMemory`).
                let result = store
                    .grow_memory(addr, slots.get(delta) as u32 as u64)
                    .unwrap_or(u32::MAX as u64);
                self.at.mem = MemView::new(&mut store.memories[addr as usize].data);
                slots.set(dst, result);
            }
            Op::MemoryInit {
                segment,
                dst,
                src,
                len,
            } => self.memory_init(store, self.at.mem, segment, [dst, src, len])?,
            Op::OtherMemory {
                op,
                memory,
                src_memory,
            } => self.on_other_memory(store, op, memory, src_memory)?,
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
                copy_in_bounds(target, slots.get(dst), &items).ok_or(TrapKind::TableOutOfBounds)?;
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
                copy_in_bounds(target, slots.get(dst), &segment[from])
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

    /// `memory.init` of `segment` into `mem` (at `dst`, from `src`, `len` bytes).
    pub(super) fn memory_init<T>(
        &self,
        store: &Store<T>,
        mem: impl LinearMemory,
        segment: u32,
        [dst, src, len]: [crate::interp::isa::Slot; 3],
    ) -> Result<(), TrapKind> {
        let slots = self.at.frame.slots;
        let data = &store.instances[self.at.frame.instance as usize].datas[segment as usize];
        let bytes =
            sub_range(data, slots.get(src), slots.get(len)).ok_or(TrapKind::MemoryOutOfBounds)?;
        mem.write(slots.get(dst), bytes)
    }
}

/// `start..start + len` if it lies within `0..size` (operands are wasm i32s).
pub(crate) fn checked_range(size: usize, start: u64, len: u64) -> Option<std::ops::Range<usize>> {
    let start = start as u32 as usize;
    let end = start.checked_add(len as u32 as usize)?;
    (end <= size).then_some(start..end)
}

pub(crate) fn sub_range(bytes: &[u8], start: u64, len: u64) -> Option<&[u8]> {
    checked_range(bytes.len(), start, len).map(|range| &bytes[range])
}
