//! The slow path's view of a memory (`Op::OtherMemory`): any memory of the instance,
//! 32- or 64-bit (memory64), of any page size. Addresses are the memory's width (a
//! 32-bit memory's i32 operands use their low 32 bits, as memory 0's `MemView` does);
//! an access's end is computed without wrapping, so `address + offset` past `u64::MAX`
//! traps, as the spec says. The bytes are `MemView`'s, accessed through its checked
//! `*_at` methods.

use super::views::{LinearMemory, MemView};
use crate::interp::types::{MemoryType, TrapKind};

#[derive(Clone, Copy)]
pub(super) struct WideView {
    bytes: MemView,
    index64: bool,
    /// The part of a memory64 access's static offset above 32 bits, which the op's own
    /// `offset` field cannot hold (`MemoryOp::offset_high`).
    offset_high: u64,
}

impl WideView {
    pub fn new(bytes: MemView, ty: &MemoryType, offset_high: u64) -> WideView {
        WideView {
            bytes,
            index64: ty.index64,
            offset_high,
        }
    }

    /// An address or length operand, at the memory's width.
    pub fn operand(self, value: u64) -> u64 {
        if self.index64 {
            value
        } else {
            value as u32 as u64
        }
    }

    /// The byte index of `addr + offset` (plus the high part of the offset).
    fn start(self, addr: u64, offset: u32) -> Result<u64, TrapKind> {
        self.operand(addr)
            .checked_add(offset as u64)
            .and_then(|at| at.checked_add(self.offset_high))
            .ok_or(TrapKind::MemoryOutOfBounds)
    }

    pub fn len(self) -> usize {
        self.bytes.len()
    }

    pub fn load<const N: usize>(self, addr: u64, offset: u32) -> Result<[u8; N], TrapKind> {
        self.bytes.load_at(self.start(addr, offset)?)
    }

    pub fn store<const N: usize>(
        self,
        addr: u64,
        offset: u32,
        bytes: [u8; N],
    ) -> Result<(), TrapKind> {
        self.bytes.store_at(self.start(addr, offset)?, bytes)
    }

    /// `memory.fill`.
    pub fn fill(self, dst: u64, value: u8, len: u64) -> Result<(), TrapKind> {
        self.bytes
            .fill_at(self.operand(dst), value, self.operand(len))
    }

    /// `memory.copy` within this memory.
    pub fn copy_within(self, dst: u64, src: u64, len: u64) -> Result<(), TrapKind> {
        self.copy_from(dst, self, src, len)
    }

    /// `memory.copy` from `source`: the length is an i64 only between two 64-bit memories.
    pub fn copy_from(self, dst: u64, source: WideView, src: u64, len: u64) -> Result<(), TrapKind> {
        let len = if self.index64 && source.index64 {
            len
        } else {
            len as u32 as u64
        };
        let (dst, src) = (self.operand(dst), source.operand(src));
        self.bytes.copy_at(dst, source.bytes, src, len)
    }

    /// `memory.init`'s copy of a segment's bytes in.
    pub fn write(self, dst: u64, bytes: &[u8]) -> Result<(), TrapKind> {
        self.bytes.write_at(self.operand(dst), bytes)
    }
}

impl LinearMemory for WideView {
    fn load<const N: usize>(self, addr: u64, offset: u32) -> Result<[u8; N], TrapKind> {
        WideView::load(self, addr, offset)
    }

    fn store<const N: usize>(self, addr: u64, offset: u32, bytes: [u8; N]) -> Result<(), TrapKind> {
        WideView::store(self, addr, offset, bytes)
    }

    fn write(self, dst: u64, bytes: &[u8]) -> Result<(), TrapKind> {
        WideView::write(self, dst, bytes)
    }
}
