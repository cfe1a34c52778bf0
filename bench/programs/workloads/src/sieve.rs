//! A byte sieve of Eratosthenes: the primes below `size`, counted, with the sum of the
//! last thousand.

pub fn run(size: u32) -> i64 {
    let size = size as usize;
    let mut composite = vec![false; size];
    let mut count = 0i64;
    let mut tail_sum = 0i64;
    for n in 2..size {
        if composite[n] {
            continue;
        }
        count += 1;
        if n + 10_000 >= size {
            tail_sum += n as i64;
        }
        // n * n overflows a 32-bit usize (wasm's) once n passes 65,535.
        if n > (size - 1) / n {
            continue;
        }
        let mut multiple = n * n;
        while multiple < size {
            composite[multiple] = true;
            multiple += n;
        }
    }
    count << 32 | tail_sum & 0xffff_ffff
}
