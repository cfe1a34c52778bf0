//! The store's global cells, each in an allocation of its own that never moves: an
//! instance keeps pointers to its globals' cells (`InstanceEntity::global_cells`), so
//! the executor reaches a global's value through one pointer, and adding globals (a host
//! function may) leaves the executor's view of them as it was.

use std::ops::{Index, IndexMut};
use std::ptr::NonNull;

use super::entities::GlobalEntity;

/// Every global of a store, by address: each global's cell, where its value stays from
/// its creation until the store drops.
#[derive(Default)]
pub(crate) struct GlobalCells {
    cells: Vec<NonNull<GlobalEntity>>,
}

impl GlobalCells {
    /// Adds `global` in a cell of its own; its address.
    pub fn push(&mut self, global: GlobalEntity) -> u32 {
        self.cells.push(NonNull::from(Box::leak(Box::new(global))));
        self.cells.len() as u32 - 1
    }

    /// The cell of global `addr`.
    pub fn cell(&self, addr: u32) -> NonNull<GlobalEntity> {
        self.cells[addr as usize]
    }
}

impl Index<usize> for GlobalCells {
    type Output = GlobalEntity;

    fn index(&self, addr: usize) -> &GlobalEntity {
        // SAFETY: the cell was allocated by `push` and lives until `drop`; while `self`
        // is borrowed shared, nothing writes to it (the executor writes through its
        // pointers only while it holds the store borrowed mutably).
        unsafe { self.cells[addr].as_ref() }
    }
}

impl IndexMut<usize> for GlobalCells {
    fn index_mut(&mut self, addr: usize) -> &mut GlobalEntity {
        // SAFETY: as in `index`, with `self` borrowed mutably.
        unsafe { self.cells[addr].as_mut() }
    }
}

impl Drop for GlobalCells {
    fn drop(&mut self) {
        for &cell in &self.cells {
            // SAFETY: each cell came from `Box::leak` in `push` and is freed once, here.
            drop(unsafe { Box::from_raw(cell.as_ptr()) });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::types::{GlobalType, ValType};

    fn global(bits: u64) -> GlobalEntity {
        let ty = GlobalType {
            content: ValType::I64,
            mutable: true,
        };
        GlobalEntity { ty, bits, high: 0 }
    }

    /// The executor's pointers stay good however many globals come after theirs.
    #[test]
    fn a_cell_stays_where_it_is_while_globals_are_added() {
        let mut cells = GlobalCells::default();
        let first = cells.push(global(7));
        let pointer = cells.cell(first);
        for bits in 0..10_000 {
            cells.push(global(bits));
        }
        assert_eq!(cells.cell(first), pointer);
        // SAFETY: the cell lives as long as `cells`, and nothing else borrows it.
        unsafe { (*pointer.as_ptr()).bits = 8 };
        assert_eq!(cells[first as usize].bits, 8);
        assert_eq!(cells[10_000].bits, 9_999);
    }
}
