//! Bulk memory of small and overlapping sizes: `size` rounds of filling a few hundred
//! bytes to a few KiB, then moving a block of similar size a short way forward or back
//! over itself, as buffers, strings and vectors do. The wasm build runs them as
//! `memory.fill` and `memory.copy` (the crate is built with bulk memory, as today's
//! toolchains build by default).

use crate::Xorshift;

const BUFFER: usize = 16 * 1024;
const MAX_LEN: u32 = 4096;

pub fn run(size: u32) -> i64 {
    let mut buffer = vec![0u8; BUFFER];
    let mut random = Xorshift::new(size);
    let mut checksum = 0u64;
    for round in 0..size {
        let len = 16 + random.below(MAX_LEN) as usize;
        let start = random.below((BUFFER - len) as u32) as usize;
        fill(&mut buffer[start..start + len], round as u8);
        let len = 16 + random.below(MAX_LEN) as usize;
        let from = random.below((BUFFER - len) as u32) as usize;
        let shift = 1 + random.below(64) as usize;
        let to = if from >= shift && round % 2 == 0 {
            from - shift
        } else {
            (from + shift).min(BUFFER - len)
        };
        move_within(&mut buffer, from, to, len);
        checksum = checksum.rotate_left(5)
            ^ u64::from(buffer[to])
            ^ (u64::from(buffer[to + len - 1]) << 8);
    }
    let sum: u64 = buffer.iter().map(|&byte| u64::from(byte)).sum();
    (checksum ^ sum << 40) as i64
}

/// Sets every byte of `bytes` (`memory.fill` in the wasm build).
#[inline(never)]
fn fill(bytes: &mut [u8], value: u8) {
    // SAFETY: writes exactly the slice's bytes.
    unsafe { core::ptr::write_bytes(bytes.as_mut_ptr(), value, bytes.len()) }
}

/// Moves `len` bytes from `from` to `to`, which may overlap (`memory.copy`).
#[inline(never)]
fn move_within(buffer: &mut [u8], from: usize, to: usize, len: usize) {
    assert!(from.max(to) + len <= buffer.len());
    // SAFETY: both ranges are inside the buffer (checked above); `copy` allows overlap.
    unsafe { core::ptr::copy(buffer.as_ptr().add(from), buffer.as_mut_ptr().add(to), len) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_overlap_like_copy_within() {
        let original: Vec<u8> = (0..=255).collect();
        for (from, to) in [(10, 20), (20, 10), (0, 1), (1, 0)] {
            let (mut ours, mut expected) = (original.clone(), original.clone());
            move_within(&mut ours, from, to, 100);
            expected.copy_within(from..from + 100, to);
            assert_eq!(ours, expected);
        }
    }

    #[test]
    fn fills_exactly_the_slice() {
        let mut bytes = vec![0u8; 8];
        fill(&mut bytes[2..5], 7);
        assert_eq!(bytes, [0, 0, 7, 7, 7, 0, 0, 0]);
    }
}
