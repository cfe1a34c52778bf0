//! Binary-format rules of WebAssembly 2.0 that wasmparser relaxes because it also
//! decodes later proposals: with memory64 and multi-memory in its grammar it reads
//! memory limits and memarg offsets as 64-bit LEB128 (so an overlong 32-bit encoding
//! slips through) and the `memory.size`/`memory.grow` byte as a memory index (which,
//! multi-memory being on, it is, but in one byte: 2.0's over-long zeros stay refused). We
//! check the raw bytes for those few spots. A 64-bit memory's (memory64's) limits and
//! offsets are 64-bit LEB128s, as wasmparser reads them.

use crate::interp::types::LoadError;

/// Reads one unsigned LEB128 at `pos`, returning (value, encoded length).
fn read_leb(bytes: &[u8], pos: usize) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (i, &byte) in bytes.get(pos..)?.iter().enumerate().take(10) {
        value |= ((byte & 0x7f) as u64) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

fn too_long(pos: usize) -> LoadError {
    LoadError::new("integer representation too long", Some(pos))
}

/// A u32 field must take at most 5 bytes.
fn check_u32_at(bytes: &[u8], pos: usize) -> Result<usize, LoadError> {
    match read_leb(bytes, pos) {
        Some((_, len)) if len <= 5 => Ok(len),
        _ => Err(too_long(pos)),
    }
}

/// A u64 field must take at most 10 bytes.
fn check_u64_at(bytes: &[u8], pos: usize) -> Result<usize, LoadError> {
    read_leb(bytes, pos)
        .map(|(_, len)| len)
        .ok_or_else(|| too_long(pos))
}

/// The memory section's limits: `count (flags min [max] [page size])*`; the flags' bit 2
/// makes a 64-bit memory, bit 3 gives the page size's logarithm (custom page sizes).
pub fn check_memory_section(bytes: &[u8], start: usize) -> Result<(), LoadError> {
    let (count, len) = read_leb(bytes, start).ok_or_else(|| too_long(start))?;
    let mut pos = start + len;
    for _ in 0..count {
        let flags = *bytes.get(pos).ok_or_else(|| too_long(pos))?;
        pos += 1;
        let limit = if flags & 4 != 0 {
            check_u64_at
        } else {
            check_u32_at
        };
        pos += limit(bytes, pos)?;
        if flags & 1 != 0 {
            pos += limit(bytes, pos)?;
        }
        if flags & 8 != 0 {
            pos += check_u32_at(bytes, pos)?;
        }
    }
    Ok(())
}

/// A load or store at `op_offset` (one opcode byte, then `align [memory] offset`; the
/// memory index is there when the alignment's bit 6 is set). The offset of an access to
/// a 64-bit memory (`index64`) is a u64.
pub fn check_memarg(
    bytes: &[u8],
    op_offset: usize,
    index64: impl Fn(u32) -> bool,
) -> Result<(), LoadError> {
    let mut pos = op_offset + 1;
    let align = read_leb(bytes, pos).map_or(0, |(align, _)| align);
    pos += check_u32_at(bytes, pos)?;
    let mut memory = 0;
    if align & 0x40 != 0 {
        memory = read_leb(bytes, pos).map_or(0, |(memory, _)| memory as u32);
        pos += check_u32_at(bytes, pos)?;
    }
    if index64(memory) {
        return Ok(());
    }
    check_u32_at(bytes, pos).map(drop)
}

/// `memory.size` / `memory.grow` at `op_offset`: the next byte is 2.0's literal zero, or
/// with multi-memory a memory index in one byte (which the validator checks); 2.0's
/// over-long zeros (`80 00`...) stay refused.
pub fn check_zero_byte(bytes: &[u8], op_offset: usize) -> Result<(), LoadError> {
    match bytes.get(op_offset + 1) {
        Some(0..0x80) => Ok(()),
        _ => Err(LoadError::new("zero byte expected", Some(op_offset + 1))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlong_u32_is_rejected() {
        assert!(check_u32_at(&[0x82, 0x80, 0x80, 0x80, 0x00], 0).is_ok());
        assert!(check_u32_at(&[0x82, 0x80, 0x80, 0x80, 0x80, 0x00], 0).is_err());
        assert!(check_zero_byte(&[0x40, 0x80, 0x00], 0).is_err());
        assert!(check_zero_byte(&[0x40, 0x00], 0).is_ok());
        assert!(check_zero_byte(&[0x40, 0x01], 0).is_ok());
    }
}
