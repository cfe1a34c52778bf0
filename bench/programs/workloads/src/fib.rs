//! i64 loops: `size` rounds of an iterative Fibonacci (modulo 2^64), folding each term
//! into a checksum with rotations and multiplications.

pub fn run(size: u32) -> i64 {
    let mut checksum = 0u64;
    for round in 0..size {
        let (mut a, mut b) = (0u64, 1u64);
        for _ in 0..(1000 + round % 64) {
            let next = a.wrapping_add(b);
            a = b;
            b = next;
        }
        checksum = checksum.rotate_left(7) ^ a;
        checksum = checksum.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    checksum as i64
}
