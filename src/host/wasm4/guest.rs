//! Reading the cart's memory safely: byte ranges, C strings and little-endian numbers.
//! A read that reaches past the memory is an [`OutOfBounds`] error, which the import
//! that read turns into a trap naming itself.

use crate::interp::Trap;

/// A read of `len` bytes at `address` that does not fit in the cart's memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfBounds {
    pub address: i64,
    pub len: u64,
}

impl OutOfBounds {
    /// The trap of import `import`, which made this read.
    pub fn trap(self, import: &str, memory_len: usize) -> Trap {
        Trap::host(format!(
            "{import}: {} bytes at {:#x} lie outside the cart's memory ({memory_len} bytes)",
            self.len, self.address
        ))
    }
}

/// `len` bytes at `ptr`.
pub fn bytes(memory: &[u8], ptr: u32, len: u32) -> Result<&[u8], OutOfBounds> {
    let start = ptr as usize;
    start
        .checked_add(len as usize)
        .and_then(|end| memory.get(start..end))
        .ok_or(OutOfBounds {
            address: ptr as i64,
            len: len as u64,
        })
}

/// The bytes from `ptr` up to (not including) the first zero byte.
pub fn c_string(memory: &[u8], ptr: u32) -> Result<&[u8], OutOfBounds> {
    let rest = memory.get(ptr as usize..).unwrap_or(&[]);
    match rest.iter().position(|&b| b == 0) {
        Some(len) => Ok(&rest[..len]),
        None => Err(OutOfBounds {
            address: ptr as i64,
            len: rest.len() as u64 + 1,
        }),
    }
}

/// The little-endian u32 at `ptr`.
pub fn u32_at(memory: &[u8], ptr: u32) -> Result<u32, OutOfBounds> {
    let b = bytes(memory, ptr, 4)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// The little-endian f64 at `ptr`.
pub fn f64_at(memory: &[u8], ptr: u32) -> Result<f64, OutOfBounds> {
    let b = bytes(memory, ptr, 8)?;
    Ok(f64::from_le_bytes(b.try_into().expect("eight bytes")))
}

/// The little-endian UTF-16 units in `bytes` (an odd last byte is ignored).
pub fn utf16_units(bytes: &[u8]) -> impl Iterator<Item = u16> + '_ {
    bytes
        .chunks_exact(2)
        .map(|unit| u16::from_le_bytes([unit[0], unit[1]]))
}

/// UTF-16 text, invalid units replaced.
pub fn utf16(bytes: &[u8]) -> String {
    char::decode_utf16(utf16_units(bytes))
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stay_inside_memory() {
        let memory = b"ab\0cd\x01\x00\x00\x00";
        assert_eq!(bytes(memory, 3, 2), Ok(&b"cd"[..]));
        assert!(bytes(memory, u32::MAX, 2).is_err());
        assert!(bytes(memory, 8, 2).is_err());
        assert_eq!(c_string(memory, 0), Ok(&b"ab"[..]));
        assert!(c_string(memory, 3).is_ok());
        assert!(c_string(b"abc", 0).is_err(), "no terminating zero");
        assert!(c_string(memory, 100).is_err());
        assert_eq!(u32_at(memory, 5), Ok(1));
        assert!(f64_at(memory, 5).is_err());
        assert_eq!(utf16(&[0x48, 0, 0x69, 0, 0x21]), "Hi");
    }
}
