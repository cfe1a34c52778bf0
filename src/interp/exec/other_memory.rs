//! Multi-memory, memory64 and custom page sizes: `Op::OtherMemory`, an access to
//! another memory than memory 0 or to a memory 0 that is not a plain one (32-bit, 64 KiB
//! pages), run through the store. Its op, translated as for memory 0, runs with the same
//! semantics (`simple`'s and the store ops'), on a `WideView` of the memory it names. The
//! ops on a plain memory 0 keep their fast path: they never come here.

use super::run::{likely, memory_view, Run};
use super::views::{GlobalsView, MemView, Slots};
use super::wide_view::WideView;
use super::{num, simd};
use crate::interp::isa::{MemoryOp, Op};
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
        let MemoryOp {
            ref op,
            offset_high,
        } = self.at.frame.code.func().memory_ops[op as usize];
        let slots = self.at.frame.slots;
        let instance = self.at.frame.instance;
        let addr_of = |store: &Store<T>, memory: u32| {
            store.instances[instance as usize].memories[memory as usize] as usize
        };
        let view = |store: &mut Store<T>, memory: u32| {
            let addr = addr_of(store, memory);
            let entity = &mut store.memories[addr];
            WideView::new(MemView::new(&mut entity.data), &entity.ty, offset_high)
        };
        let mem = view(store, memory);
        match *op {
            Op::MemorySize { dst } => {
                slots.set(dst, store.memories[addr_of(store, memory)].pages());
                Ok(())
            }
            Op::MemoryGrow { dst, delta } => {
                let addr = addr_of(store, memory);
                // -1 of the memory's width.
                let failed = mem.operand(u64::MAX);
                let result = store
                    .grow_memory(addr as u32, mem.operand(slots.get(delta)))
                    .unwrap_or(failed);
                // Memory 0 may be the same memory, imported twice, or this one.
                self.at.mem = memory_view(store, instance);
                slots.set(dst, result);
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
fn run_simple(op: &Op, mem: WideView, slots: Slots, globals: GlobalsView) -> Result<(), TrapKind> {
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
