//! Multi-memory: `Op::OtherMemory`, an access to another memory than memory 0, run
//! through the store. Its op, translated as for memory 0, runs with the same semantics
//! (`simple`'s and the store ops'), on a view of the memory it names. The ops on memory 0
//! keep their fast path: they never come here.

use super::run::{likely, memory_view, Run};
use super::views::{GlobalsView, MemView, Slots};
use super::{num, simd};
use crate::interp::isa::Op;
use crate::interp::store::Store;
use crate::interp::types::{TrapKind, PAGE_SIZE};

impl Run {
    /// Runs `memory_ops[op]` of the running function on memory `memory` of its instance
    /// (a `memory.copy` from memory `src_memory`).
    pub(super) fn on_other_memory<T>(
        &mut self,
        store: &mut Store<T>,
        op: u32,
        memory: u32,
        src_memory: u32,
    ) -> Result<(), TrapKind> {
        let op = &self.at.frame.code.func().memory_ops[op as usize];
        let slots = self.at.frame.slots;
        let instance = self.at.frame.instance;
        let view = |store: &mut Store<T>, memory: u32| {
            let addr = store.instances[instance as usize].memories[memory as usize];
            MemView::new(&mut store.memories[addr as usize].data)
        };
        let mem = view(store, memory);
        match *op {
            Op::MemoryGrow { dst, delta } => {
                let addr = store.instances[instance as usize].memories[memory as usize];
                let result = store
                    .grow_memory(addr, slots.get(delta) as u32)
                    .unwrap_or(u32::MAX);
                // Memory 0 may be the same memory, imported twice.
                self.at.mem = memory_view(store, instance);
                slots.set(dst, result as u64);
                Ok(())
            }
            Op::MemoryInit {
                segment,
                dst,
                src,
                len,
            } => self.memory_init(store, mem, segment, [dst, src, len]),
            Op::MemoryCopy { dst, src, len } if src_memory != memory => {
                let source = view(store, src_memory);
                mem.copy_from(slots.get(dst), source, slots.get(src), slots.get(len))
            }
            _ => run_simple(op, mem, slots, self.at.globals),
        }
    }
}

/// Runs `op`, a memory access of the simple ops (`simple`), on `mem`.
#[allow(unreachable_code, clippy::diverging_sub_expression)]
fn run_simple(op: &Op, mem: MemView, slots: Slots, globals: GlobalsView) -> Result<(), TrapKind> {
    macro_rules! slot {
        ($s:expr) => {
            slots.get($s)
        };
    }
    macro_rules! set {
        ($s:expr, $v:expr) => {
            slots.set($s, $v)
        };
    }
    macro_rules! operand {
        ($s:expr) => {
            slots.get($s)
        };
    }
    macro_rules! mem {
        () => {
            mem
        };
    }
    macro_rules! globals {
        () => {
            globals
        };
    }
    macro_rules! frame {
        () => {
            slots
        };
    }
    macro_rules! tri {
        ($e:expr) => {
            $e?
        };
    }
    // Only memory accesses come here: no branch.
    macro_rules! jump {
        ($offset:expr) => {{
            let _ = $offset;
            unreachable!("a branch on another memory")
        }};
    }
    macro_rules! take_entry {
        ($n:expr) => {{
            let _ = $n;
            unreachable!("a branch on another memory")
        }};
    }
    macro_rules! dispatch {
        ($( [$variant:ident $($cached:ident)?] $fields:tt => $body:block )*) => {
            match *op {
                $( Op::$variant $fields $(| Op::$cached $fields)? => $body )*
                _ => unreachable!("not a memory access: {op:?}"),
            }
        };
    }
    with_simple_ops!(dispatch);
    Ok(())
}
