//! Compiled Rust workloads, one per category of program that interpreters are compared
//! on: a JSON parser, f64 loops (Mandelbrot, n-body), i64 loops (an iterative Fibonacci
//! with a checksum), a byte sieve, small and overlapping bulk-memory operations, and a
//! bytecode machine's `match` dispatch. Each is exported by the wasm build as
//! `NAME(size: i32) -> i64`, a checksum of everything it computed, which the benchmark
//! checks against the same function run natively.

mod bulk;
mod dispatch;
mod fib;
mod json;
mod mandelbrot;
mod nbody;
mod sieve;

/// Exports each workload's `run` under the workload's name: unmangled only in the wasm
/// build (natively, several programs linked into one binary must not clash).
macro_rules! exports {
    ($($name:ident),* $(,)?) => {$(
        #[cfg_attr(target_arch = "wasm32", no_mangle)]
        pub extern "C" fn $name(size: i32) -> i64 {
            $name::run(size as u32)
        }
    )*};
}

exports!(bulk, dispatch, fib, json, mandelbrot, nbody, sieve);

/// A seeded xorshift, the workloads' source of varied data.
pub(crate) struct Xorshift(u32);

impl Xorshift {
    pub(crate) fn new(seed: u32) -> Self {
        Xorshift(seed | 1)
    }

    pub(crate) fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        self.0
    }

    /// A number in `0..bound`.
    pub(crate) fn below(&mut self, bound: u32) -> u32 {
        self.next() % bound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sieve_counts_the_primes() {
        // π(10^6) = 78,498; the largest prime below 10^6 is 999,983.
        assert_eq!(sieve(1_000_000) >> 32, 78_498);
        assert_eq!(sieve(10) >> 32, 4);
    }

    #[test]
    fn json_parses_every_node() {
        // Each record: the object, `id`, `name`, the position list and its three numbers,
        // `alive`, `tag` and `path`; and the outer list.
        for records in [1, 7, 100] {
            assert_eq!(json(records) >> 40, 10 * i64::from(records) + 1);
        }
    }

    #[test]
    fn nbody_keeps_the_known_energy() {
        // The Computer Language Benchmarks Game's n-body: -0.169075164 at the start,
        // -0.169087605 after 1,000 steps.
        let energy = |steps| f64::from_bits(nbody(steps) as u64);
        assert!((energy(0) + 0.169_075_164).abs() < 1e-9);
        assert!((energy(1000) + 0.169_087_605).abs() < 1e-9);
    }

    #[test]
    fn dispatch_computes_the_sum_it_interprets() {
        let direct = |n: i64| {
            let sum = (1..=n).fold(0i64, |sum, i| {
                let product = i.wrapping_mul(0x2545_f491);
                sum.wrapping_add(product ^ ((product as u64) >> 15) as i64)
            });
            sum ^ 0x7fff_ffff
        };
        let mut checksum = 0i64;
        for round in 0..20 {
            checksum = checksum.rotate_left(3) ^ direct(1000 + i64::from(round % 16));
        }
        assert_eq!(dispatch(20), checksum);
    }

    #[test]
    fn mandelbrot_finds_the_set() {
        // About 1.5 of the grid's 9 square units are inside.
        let inside = mandelbrot(200) >> 32;
        assert!((5_000..8_000).contains(&inside), "{inside}");
    }

    #[test]
    fn fib_folds_the_terms() {
        // fib(1000) mod 2^64, folded once.
        let (mut a, mut b) = (0u64, 1u64);
        for _ in 0..1000 {
            (a, b) = (b, a.wrapping_add(b));
        }
        assert_eq!(fib(1), a.wrapping_mul(0x9e37_79b9_7f4a_7c15) as i64);
    }
}
