//! The executor's views of what it runs on, and its only `unsafe` code: unchecked access to frame slots, to the current
//! function's code and to the instance's globals, and bounds-checked access to linear
//! memory through a cached pointer.
//! Each block names the guarantee (from validation, translation or the call protocol)
//! that makes it sound.

use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicPtr, Ordering};

use crate::interp::code;
use crate::interp::isa::{CompiledFunc, Encoder, Instr, Op, Slot};
use crate::interp::module::ModuleInner;
use crate::interp::store::GlobalEntity;
use crate::interp::types::TrapKind;

/// The current frame's slots: a pointer to slot 0 inside the value stack.
#[derive(Clone, Copy)]
pub(super) struct Slots {
    base: *mut u64,
    #[cfg(debug_assertions)]
    len: usize,
}

impl Slots {
    /// The frame starting at `stack[base]`, of a function needing `frame_size` slots.
    #[inline(always)]
    pub fn new(stack: &mut [u64], base: usize, frame_size: usize) -> Slots {
        assert!(
            base + frame_size <= stack.len(),
            "frame outside the value stack"
        );
        // SAFETY: just asserted.
        unsafe { Slots::new_unchecked(stack, base, frame_size) }
    }

    /// `new` without its check.
    ///
    /// # Safety
    /// `base + frame_size <= stack.len()`.
    #[inline(always)]
    pub unsafe fn new_unchecked(stack: &mut [u64], base: usize, frame_size: usize) -> Slots {
        let _ = frame_size; // Kept for the debug build's slot checks.
        Slots {
            // SAFETY: `base <= stack.len()`, by the caller's guarantee.
            base: unsafe { stack.as_mut_ptr().add(base) },
            #[cfg(debug_assertions)]
            len: frame_size,
        }
    }

    /// The address of `slot`, which with the `count - 1` slots after it lies in the frame
    /// (checked in debug builds): the translator only names slots below the function's
    /// `frame_size` (locals plus the validated maximum operand height, a vector's two
    /// slots both), and `Slots::new` checked that the whole frame lies inside the value
    /// stack, which is never reallocated while a call runs.
    #[inline(always)]
    fn at(self, slot: Slot, count: usize) -> *mut u64 {
        #[cfg(debug_assertions)]
        assert!(
            slot as usize + count <= self.len,
            "slots {slot}..+{count} outside frame of {}",
            self.len
        );
        let _ = count;
        // SAFETY: inside the frame, as above.
        unsafe { self.base.add(slot as usize) }
    }

    #[inline(always)]
    pub fn get(self, slot: Slot) -> u64 {
        // SAFETY: `at`'s guarantee.
        unsafe { *self.at(slot, 1) }
    }

    #[inline(always)]
    pub fn set(self, slot: Slot, value: u64) {
        // SAFETY: `at`'s guarantee.
        unsafe { *self.at(slot, 1) = value }
    }

    /// The 16 bytes of `slot` and the slot after it (a `v128`, low half first).
    #[inline(always)]
    pub fn get_vector(self, slot: Slot) -> [u8; 16] {
        // SAFETY: `at`'s guarantee, for both slots; the read is unaligned-safe.
        unsafe { self.at(slot, 2).cast::<[u8; 16]>().read_unaligned() }
    }

    /// Writes `bytes` to `slot` (the first 8) and the slot after it.
    #[inline(always)]
    pub fn set_vector(self, slot: Slot, bytes: [u8; 16]) {
        // SAFETY: `at`'s guarantee, for both slots.
        unsafe { self.at(slot, 2).cast::<[u8; 16]>().write_unaligned(bytes) }
    }
}

/// A translated function the executor is running or will return to.
#[derive(Clone, Copy)]
pub(super) struct CodeRef(*const CompiledFunc);

impl CodeRef {
    #[inline(always)]
    pub fn func<'a>(self) -> &'a CompiledFunc {
        // SAFETY: compiled functions live in a module's `Arc<ModuleInner>`, owned by
        // an instance in the store; instances are never removed from a store, and the
        // executor holds the store borrowed for the whole call, so the code outlives it.
        unsafe { &*self.0 }
    }

    /// The instruction pointer at the function's first op.
    #[inline(always)]
    pub fn entry(self) -> Ip {
        Ip(self.func().ops.as_ptr())
    }

    /// The instruction pointer at op `index` (one of the function's).
    pub fn at(self, index: usize) -> Ip {
        let ops = &self.func().ops;
        assert!(index < ops.len(), "op {index} is outside the function");
        Ip(ops[index..].as_ptr())
    }

    /// The index of the op `ip` points at.
    #[inline(always)]
    pub fn index_of(self, ip: Ip) -> usize {
        (ip.0 as usize - self.func().ops.as_ptr() as usize) / std::mem::size_of::<Instr>()
    }
}

/// The instruction pointer: the next op of the running function. A raw pointer, so
/// fetching an op is one load and a branch one addition.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Ip(*const Instr);

impl Ip {
    /// The op, and moves past it. A reference, not a copy: each arm of the dispatch
    /// reads only its own fields, after the jump.
    #[inline(always)]
    pub fn fetch<'a>(&mut self) -> &'a Op {
        // SAFETY: an `Ip` starts at a function's first op (`CodeRef::entry`) or at a
        // saved return address inside it, and only moves by `fetch` and `jump`.
        // Translation ends every path with a return or an unconditional branch, and
        // every branch offset (and `br_table` entry) points inside the function, so
        // the op read here is inside `ops`.
        // The code outlives the call (see `CodeRef::func`).
        unsafe {
            let instr = &*self.0;
            self.0 = self.0.add(1);
            &instr.encoded
        }
    }

    /// The op `ip` points at, without moving (the threaded handlers' `fetch`: moving
    /// last lets the dispatch step the pointer in place).
    #[cfg(wasmcade_threaded)]
    #[inline(always)]
    pub fn op<'a>(self) -> &'a Op {
        // SAFETY: as in `fetch`.
        unsafe { &(*self.0).encoded }
    }

    /// The op after this one.
    #[cfg(wasmcade_threaded)]
    #[inline(always)]
    pub fn next(self) -> Ip {
        // SAFETY: as in `fetch`: translation ends every path with a return or an
        // unconditional branch, so an op that goes on to the next one has one.
        Ip(unsafe { self.0.add(1) })
    }

    /// The target of a branch by `offset` bytes from this op (an encoded branch offset,
    /// see `Instr::encoded`).
    #[cfg(wasmcade_threaded)]
    #[inline(always)]
    pub fn branch_target(self, offset: i32) -> Ip {
        // SAFETY: as in `jump`.
        Ip(unsafe { self.0.byte_offset(offset as isize) })
    }

    /// The threaded handler of the op `ip` points at (the one that charges fuel, with
    /// `METER`), without moving.
    #[cfg(wasmcade_threaded)]
    #[inline(always)]
    pub fn handler<const METER: bool>(self) -> crate::interp::isa::ErasedHandler {
        // SAFETY: as in `fetch`.
        unsafe {
            if METER {
                (*self.0).handlers.metered
            } else {
                (*self.0).handlers.plain
            }
        }
    }

    /// Jumps `offset` bytes from the op just fetched (an encoded branch offset, see
    /// `Instr::encoded`).
    #[inline(always)]
    pub fn jump(&mut self, offset: i32) {
        // SAFETY: branch offsets are resolved by translation to targets inside the
        // function (see `fetch`), and encoded as whole `Instr`s.
        self.0 = unsafe { self.0.sub(1).byte_offset(offset as isize) };
    }

    /// `br_table`: moves to the `n`-th of the entries that follow it and, when that entry
    /// is a `Br` (always, unless the translator made it a `return`), takes it here
    /// instead of dispatching it as an op of its own.
    #[inline(always)]
    pub fn take_entry(&mut self, n: u32) {
        // SAFETY: `n <= len`, and translation emits `len + 1` entries after a `BrTable`,
        // so the entry is one of them; a `Br`'s offset leads inside the function (see
        // `fetch`) and is counted from the `Br` itself.
        unsafe {
            self.0 = self.0.add(n as usize);
            if let Op::Br { offset } = (*self.0).encoded {
                self.0 = self.0.byte_offset(offset as isize);
            }
        }
    }
}

/// The functions of the running instance's module: their entries (see `code`) and the
/// module, which translates a function at its first call.
#[derive(Clone, Copy)]
pub(super) struct ModuleCode {
    entries: *const [AtomicPtr<CompiledFunc>],
    module: *const ModuleInner,
}

impl ModuleCode {
    pub fn new(module: &ModuleInner) -> ModuleCode {
        ModuleCode {
            entries: &*module.code.entries,
            module,
        }
    }

    /// The `def`-th defined function (`CallInternal`'s operand, validated in range): its
    /// translation, or the stub of one not yet translated, which only the fast call
    /// paths may take (they refuse it, see `CompiledFunc::untranslated`).
    #[inline(always)]
    pub fn nth(self, def: u32) -> CodeRef {
        // SAFETY: the module lives as long as its instance, which outlives the call
        // (see `CodeRef::func`); the index is bounds-checked.
        let entry = unsafe { &(*self.entries)[def as usize] };
        // Acquire: pairs with the release that published the translation.
        CodeRef(entry.load(Ordering::Acquire))
    }

    /// The `def`-th defined function, translated now (its ops given their handlers by
    /// `encoder`) if this is its first call.
    #[inline(always)]
    pub fn translated(self, def: u32, encoder: Encoder) -> Result<CodeRef, TrapKind> {
        let code = self.nth(def);
        if !code.func().is_untranslated() {
            return Ok(code);
        }
        // SAFETY: as in `nth`.
        let module = unsafe { &*self.module };
        translate_at_first_call(module, def, encoder)
    }
}

/// `ModuleCode::translated`'s slow path, out of line.
#[cold]
#[inline(never)]
fn translate_at_first_call(
    module: &ModuleInner,
    def: u32,
    encoder: Encoder,
) -> Result<CodeRef, TrapKind> {
    match code::translated(module, def, encoder) {
        Ok(func) => Ok(CodeRef(func)),
        Err(err) => Err(TrapKind::Untranslatable(err.to_string())),
    }
}

/// A slice of the store the executor reads often, as a cached pointer and length: the
/// current instance's table 0 and function type ids, and the store's callees (for
/// `call_indirect`, which otherwise reaches them through several lookups in a row).
/// Refreshed whenever the slice may have moved: after `table.grow` (table 0), after host
/// calls that moved anything (`Store::moves`) and on instance switches.
#[derive(Clone, Copy)]
pub(super) struct SliceView<E> {
    ptr: *const E,
    len: usize,
}

impl<E: Copy> SliceView<E> {
    pub fn new(elements: &[E]) -> SliceView<E> {
        SliceView {
            ptr: elements.as_ptr(),
            len: elements.len(),
        }
    }

    pub fn none() -> SliceView<E> {
        SliceView {
            ptr: ptr::null(),
            len: 0,
        }
    }

    /// Element `index`, if the slice has it.
    #[inline(always)]
    pub fn get(self, index: u32) -> Option<E> {
        let index = index as usize;
        // SAFETY: `index < len`; the view is refreshed whenever the slice may have moved
        // (see the type's docs), so `ptr..ptr + len` is the live slice.
        (index < self.len).then(|| unsafe { *self.ptr.add(index) })
    }
}

/// The current instance's memory 0, as a cached pointer and length. Refreshed whenever
/// the memory may have moved: after `memory.grow`, host calls and instance switches.
/// (A view of another memory, `Op::OtherMemory`'s, lives for one op.)
#[derive(Clone, Copy)]
pub(super) struct MemView {
    ptr: *mut u8,
    len: usize,
}

impl MemView {
    pub fn new(bytes: &mut Vec<u8>) -> MemView {
        MemView {
            ptr: bytes.as_mut_ptr(),
            len: bytes.len(),
        }
    }

    pub fn none() -> MemView {
        MemView {
            ptr: ptr::null_mut(),
            len: 0,
        }
    }

    pub fn len(self) -> usize {
        self.len
    }

    /// The end of the `N`-byte access at `addr + offset` if it lies inside memory. Loads
    /// and stores address their bytes back from the end: the sum is then computed once,
    /// both for the bounds check and (less `N`, folded into the access's displacement)
    /// for the access.
    #[inline(always)]
    fn access_end<const N: usize>(self, addr: u64, offset: u32) -> Result<usize, TrapKind> {
        // Addresses are u32 and offsets at most u32, so the sum cannot overflow u64.
        let end = opaque((addr as u32 as u64) + offset as u64 + N as u64);
        if end > self.len as u64 {
            return Err(TrapKind::MemoryOutOfBounds);
        }
        Ok(end as usize)
    }

    /// The byte range `[addr + offset, .. + n)` if it lies inside memory.
    #[inline(always)]
    fn range(self, addr: u64, offset: u64, n: usize) -> Result<usize, TrapKind> {
        // Addresses are u32 and offsets at most u32, so the sum cannot overflow u64.
        let start = (addr as u32 as u64) + offset;
        if start + n as u64 > self.len as u64 {
            return Err(TrapKind::MemoryOutOfBounds);
        }
        Ok(start as usize)
    }

    #[inline(always)]
    pub fn load<const N: usize>(self, addr: u64, offset: u32) -> Result<[u8; N], TrapKind> {
        let end = self.access_end::<N>(addr, offset)?;
        // SAFETY: `access_end` checked `end <= len` (and `end >= N`), and the view is
        // refreshed whenever the memory's buffer may have moved, so `ptr..ptr + len` is
        // the live buffer.
        Ok(unsafe { ptr::read_unaligned(self.ptr.add(end - N) as *const [u8; N]) })
    }

    #[inline(always)]
    pub fn store<const N: usize>(
        self,
        addr: u64,
        offset: u32,
        bytes: [u8; N],
    ) -> Result<(), TrapKind> {
        let end = self.access_end::<N>(addr, offset)?;
        // SAFETY: as in `load`.
        unsafe { ptr::write_unaligned(self.ptr.add(end - N) as *mut [u8; N], bytes) };
        Ok(())
    }

    /// `memory.fill`.
    pub fn fill(self, dst: u64, value: u8, len: u64) -> Result<(), TrapKind> {
        let start = self.range(dst, 0, len as u32 as usize)?;
        // SAFETY: as in `load`, for `len` bytes from `start`.
        unsafe { ptr::write_bytes(self.ptr.add(start), value, len as u32 as usize) };
        Ok(())
    }

    /// `memory.copy` (the ranges may overlap).
    pub fn copy_within(self, dst: u64, src: u64, len: u64) -> Result<(), TrapKind> {
        let n = len as u32 as usize;
        let to = self.range(dst, 0, n)?;
        let from = self.range(src, 0, n)?;
        // SAFETY: both ranges were checked as in `load`.
        unsafe { copy_bytes(self.ptr.add(from), self.ptr.add(to), n) };
        Ok(())
    }

    /// `memory.init`: copies bytes from outside memory (a data segment) in.
    pub fn write(self, dst: u64, bytes: &[u8]) -> Result<(), TrapKind> {
        let start = self.range(dst, 0, bytes.len())?;
        // SAFETY: as in `load`.
        unsafe { copy_bytes(bytes.as_ptr(), self.ptr.add(start), bytes.len()) };
        Ok(())
    }

    // The slow path's accesses (`WideView`'s): at a byte index already computed, any
    // u64, checked whole (`start + n` may overflow).

    /// `start` if the `n` bytes from it lie inside memory.
    fn checked(self, start: u64, n: u64) -> Result<usize, TrapKind> {
        match start.checked_add(n) {
            Some(end) if end <= self.len as u64 => Ok(start as usize),
            _ => Err(TrapKind::MemoryOutOfBounds),
        }
    }

    pub fn load_at<const N: usize>(self, start: u64) -> Result<[u8; N], TrapKind> {
        let start = self.checked(start, N as u64)?;
        // SAFETY: `checked` put `start..start + N` inside the live buffer (see `load`).
        Ok(unsafe { ptr::read_unaligned(self.ptr.add(start) as *const [u8; N]) })
    }

    pub fn store_at<const N: usize>(self, start: u64, bytes: [u8; N]) -> Result<(), TrapKind> {
        let start = self.checked(start, N as u64)?;
        // SAFETY: as in `load_at`.
        unsafe { ptr::write_unaligned(self.ptr.add(start) as *mut [u8; N], bytes) };
        Ok(())
    }

    pub fn fill_at(self, start: u64, value: u8, len: u64) -> Result<(), TrapKind> {
        let start = self.checked(start, len)?;
        // SAFETY: as in `load_at`, for `len` bytes (which fit in memory, so in a usize).
        unsafe { ptr::write_bytes(self.ptr.add(start), value, len as usize) };
        Ok(())
    }

    /// Copies `len` bytes from `source` (this memory or another; they may overlap).
    pub fn copy_at(self, dst: u64, source: MemView, src: u64, len: u64) -> Result<(), TrapKind> {
        let to = self.checked(dst, len)?;
        let from = source.checked(src, len)?;
        // SAFETY: both ranges were checked as in `load_at`, each in its own view.
        unsafe { copy_bytes(source.ptr.add(from), self.ptr.add(to), len as usize) };
        Ok(())
    }

    pub fn write_at(self, start: u64, bytes: &[u8]) -> Result<(), TrapKind> {
        let start = self.checked(start, bytes.len() as u64)?;
        // SAFETY: as in `load_at`.
        unsafe { copy_bytes(bytes.as_ptr(), self.ptr.add(start), bytes.len()) };
        Ok(())
    }
}

/// What the semantics written once for every memory (the SIMD accesses', `memory.init`'s)
/// run on: memory 0's `MemView` (32-bit addresses), or a `WideView` of any memory, on the
/// slow path. The names are `MemView`'s own, to which its implementation hands over.
pub(crate) trait LinearMemory: Copy {
    fn load<const N: usize>(self, addr: u64, offset: u32) -> Result<[u8; N], TrapKind>;
    fn store<const N: usize>(self, addr: u64, offset: u32, bytes: [u8; N]) -> Result<(), TrapKind>;
    fn write(self, dst: u64, bytes: &[u8]) -> Result<(), TrapKind>;
}

impl LinearMemory for MemView {
    #[inline(always)]
    fn load<const N: usize>(self, addr: u64, offset: u32) -> Result<[u8; N], TrapKind> {
        MemView::load(self, addr, offset)
    }

    #[inline(always)]
    fn store<const N: usize>(self, addr: u64, offset: u32, bytes: [u8; N]) -> Result<(), TrapKind> {
        MemView::store(self, addr, offset, bytes)
    }

    #[inline(always)]
    fn write(self, dst: u64, bytes: &[u8]) -> Result<(), TrapKind> {
        MemView::write(self, dst, bytes)
    }
}

/// Copies `len` bytes from `src` to `dst`; the ranges may overlap (as with `ptr::copy`).
/// Large copies between ranges apart from each other, at addresses that differ in their
/// offset within a cache line, go in 64-byte blocks stored at whole cache lines rather than
/// through the C library's `memmove`: from 2112 bytes up, glibc's uses `rep movsb` on
/// processors with fast short `rep movsb`, which AMD Zen processors (the benchmark
/// machine's) run two to three times slower for such copies (100,000 copies, 1 or 8
/// bytes out of line: 4 KiB in 53–54 ms against 15 ms in blocks, 8 KiB in 106–107 against
/// 31 ms; equally aligned copies take the same time either way, 32 bytes out of line
/// 12 against 16 ms). Overlapping copies stay with `memmove`, which copies them with its
/// own vector loops (the `bulk` workload's moves by 1 to 64 bytes of up to 4 KiB: 28–32 ms
/// for 200,000, against 37–45 ms in blocks).
///
/// # Safety
/// `src..src + len` must be readable and `dst..dst + len` writable.
#[inline]
unsafe fn copy_bytes(src: *const u8, dst: *mut u8, len: usize) {
    const BLOCK: usize = 64;
    type Block = [u8; BLOCK];
    let (from, to) = (src as usize, dst as usize);
    let apart = to >= from.wrapping_add(len) || from >= to.wrapping_add(len);
    if len < 2048 || from.wrapping_sub(to) % BLOCK == 0 || !apart {
        // SAFETY: as the caller promised; `ptr::copy` allows overlap.
        return unsafe { ptr::copy(src, dst, len) };
    }
    // The bytes up to the destination's next cache line, then whole lines, then the rest.
    let head = to.wrapping_neg() % BLOCK;
    // SAFETY: the head, every block and the tail lie within the two ranges the caller
    // vouched for (`head < 64 <= len`), which do not overlap.
    unsafe {
        ptr::copy_nonoverlapping(src, dst, head);
        let mut at = head;
        while len - at >= BLOCK {
            let block = ptr::read_unaligned(src.add(at).cast::<Block>());
            ptr::write_unaligned(dst.add(at).cast::<Block>(), block);
            at += BLOCK;
        }
        ptr::copy_nonoverlapping(src.add(at), dst.add(at), len - at);
    }
}

/// The current instance's globals: its list of pointers to their cells
/// (`InstanceEntity::global_cells`). Neither the list nor the cells ever move, so the view
/// lasts as long as the store, whatever a host function adds to it.
#[derive(Clone, Copy)]
pub(super) struct GlobalsView {
    cells: *const NonNull<GlobalEntity>,
}

impl GlobalsView {
    /// The view of an instance's `cells`.
    #[inline(always)]
    pub fn new(cells: &[NonNull<GlobalEntity>]) -> GlobalsView {
        GlobalsView {
            cells: cells.as_ptr(),
        }
    }

    /// Global `index`'s cell.
    #[inline(always)]
    fn cell(self, index: u32) -> *mut GlobalEntity {
        // SAFETY: validation proved `index` below the instance's number of globals, the
        // length of its list of cells, which lives as long as the store (instances are
        // never removed) and the executor holds the store borrowed for the whole call.
        unsafe { (*self.cells.add(index as usize)).as_ptr() }
    }

    #[inline(always)]
    pub fn get(self, index: u32) -> u64 {
        // SAFETY: a cell lives as long as the store (`GlobalCells`); the store is
        // borrowed by the executor, and nothing else reaches the cell while the op runs.
        unsafe { (*self.cell(index)).bits }
    }

    #[inline(always)]
    pub fn set(self, index: u32, bits: u64) {
        // SAFETY: as in `get` (validation also proved the global mutable).
        unsafe { (*self.cell(index)).bits = bits }
    }

    /// A `v128` global's upper half (`GlobalEntity::high`).
    #[inline(always)]
    pub fn get_high(self, index: u32) -> u64 {
        // SAFETY: as in `get`.
        unsafe { (*self.cell(index)).high }
    }

    #[inline(always)]
    pub fn set_high(self, index: u32, bits: u64) {
        // SAFETY: as in `set`.
        unsafe { (*self.cell(index)).high = bits }
    }
}

/// `value`, hidden from the optimiser: it cannot split the sum `value` was computed as
/// (LLVM otherwise recomputes an access's start address next to its end, one more add per
/// load and store). Costs no instruction.
#[inline(always)]
#[cfg_attr(
    not(any(target_arch = "x86_64", target_arch = "aarch64")),
    allow(unused_mut)
)]
fn opaque(mut value: u64) -> u64 {
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    // SAFETY: the template is a comment: the register is left as it is.
    unsafe {
        std::arch::asm!(
            "/* {0} */",
            inout(reg) value,
            options(pure, nomem, nostack, preserves_flags)
        );
    }
    value
}
