//! Reading the cart's memory as WASM-4's JavaScript host does: its imports take views of
//! the memory (typed arrays), whose creation fails for a negative address or length, a
//! range past the end, or UTF-16 text at an odd address. Such a read is a [`BadRead`],
//! which the import that made it turns into a trap naming itself (where WASM-4 shows its
//! crash screen).

use std::fmt;

/// Why a read of the cart's memory cannot be made (addresses as the cart passed them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadRead {
    /// The address lies outside the `memory_len` bytes of memory.
    Outside { address: i32, memory_len: usize },
    /// `len` bytes at `address` run past the end of memory.
    PastTheEnd {
        address: i32,
        len: usize,
        memory_len: usize,
    },
    /// A length below zero.
    NegativeLength(i32),
    /// UTF-16 text must start at an even address.
    Misaligned(i32),
}

impl fmt::Display for BadRead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            BadRead::Outside {
                address,
                memory_len,
            } => write!(
                f,
                "address {:#x} lies outside the cart's memory ({memory_len} bytes)",
                address as u32
            ),
            BadRead::PastTheEnd {
                address,
                len,
                memory_len,
            } => write!(
                f,
                "{len} bytes at {:#x} run past the end of the cart's memory ({memory_len} bytes)",
                address as u32
            ),
            BadRead::NegativeLength(len) => write!(f, "a length of {len} bytes"),
            BadRead::Misaligned(address) => {
                write!(f, "UTF-16 text at the odd address {:#x}", address as u32)
            }
        }
    }
}

/// The memory from `ptr` to its end (JavaScript's `new Uint8Array(memory, ptr)`).
pub fn tail(memory: &[u8], ptr: i32) -> Result<&[u8], BadRead> {
    usize::try_from(ptr)
        .ok()
        .and_then(|start| memory.get(start..))
        .ok_or(BadRead::Outside {
            address: ptr,
            memory_len: memory.len(),
        })
}

/// `len` bytes at `ptr`.
pub fn bytes(memory: &[u8], ptr: i32, len: i32) -> Result<&[u8], BadRead> {
    let len = usize::try_from(len).map_err(|_| BadRead::NegativeLength(len))?;
    tail(memory, ptr)?.get(..len).ok_or(BadRead::PastTheEnd {
        address: ptr,
        len,
        memory_len: memory.len(),
    })
}

/// The little-endian UTF-16 units of a `len`-byte text at `ptr` (an odd last byte is
/// left out).
pub fn utf16_units(memory: &[u8], ptr: i32, len: i32) -> Result<Vec<u16>, BadRead> {
    if ptr % 2 != 0 {
        return Err(BadRead::Misaligned(ptr));
    }
    let units = bytes(memory, ptr, (len >> 1).saturating_mul(2))?;
    Ok(units
        .chunks_exact(2)
        .map(|unit| u16::from_le_bytes([unit[0], unit[1]]))
        .collect())
}

/// The bytes from `ptr` up to (not including) the first zero byte, which must be there.
pub fn c_string(memory: &[u8], ptr: i32) -> Result<&[u8], BadRead> {
    let rest = tail(memory, ptr)?;
    match rest.iter().position(|&b| b == 0) {
        Some(len) => Ok(&rest[..len]),
        None => Err(BadRead::PastTheEnd {
            address: ptr,
            len: rest.len() + 1,
            memory_len: memory.len(),
        }),
    }
}

/// The little-endian u32 at `ptr`.
pub fn u32_at(memory: &[u8], ptr: i32) -> Result<u32, BadRead> {
    let b = bytes(memory, ptr, 4)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// The little-endian f64 at `ptr`.
pub fn f64_at(memory: &[u8], ptr: i32) -> Result<f64, BadRead> {
    let b = bytes(memory, ptr, 8)?;
    Ok(f64::from_le_bytes(b.try_into().expect("eight bytes")))
}

/// UTF-16 text, invalid units replaced.
pub fn utf16(bytes: &[u8]) -> String {
    let units = bytes
        .chunks_exact(2)
        .map(|unit| u16::from_le_bytes([unit[0], unit[1]]));
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fail_where_javascript_views_fail() {
        let memory = b"ab\0cd\x01\x00\x00\x00";
        assert_eq!(bytes(memory, 3, 2), Ok(&b"cd"[..]));
        assert_eq!(tail(memory, 9), Ok(&b""[..]), "a view may start at the end");
        assert!(tail(memory, 10).is_err());
        assert!(tail(memory, -1).is_err());
        assert!(bytes(memory, 8, 2).is_err());
        assert_eq!(bytes(memory, 0, -1), Err(BadRead::NegativeLength(-1)));
        assert_eq!(c_string(memory, 0), Ok(&b"ab"[..]));
        assert!(c_string(b"abc", 0).is_err(), "no terminating zero");
        assert_eq!(u32_at(memory, 5), Ok(1));
        assert!(f64_at(memory, 5).is_err());
        assert_eq!(utf16_units(b"H\0i\0!", 0, 5), Ok(vec![0x48, 0x69]));
        assert_eq!(utf16_units(b"H\0i\0", 1, 2), Err(BadRead::Misaligned(1)));
        assert!(utf16_units(b"H\0", 0, -3).is_err());
        assert_eq!(utf16(&[0x48, 0, 0x69, 0, 0x21]), "Hi");
    }
}
