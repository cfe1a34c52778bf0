//! A small deterministic random generator (xorshift64*) with a fixed seed: a game fed
//! the same `dt`s and keys plays the same way every time.

pub struct Rng(u64);

impl Rng {
    pub const SEED: u64 = 0x2545_f491_4f6c_dd1d;

    pub fn new() -> Rng {
        Rng(Rng::SEED)
    }

    fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `[0, 1)`: the top 53 bits as a fraction.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[low, high)`.
    pub fn range(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sequence_is_fixed_and_stays_in_range() {
        let mut a = Rng::new();
        let mut b = Rng::new();
        for _ in 0..1000 {
            let x = a.unit();
            assert_eq!(x.to_bits(), b.unit().to_bits());
            assert!((0.0..1.0).contains(&x));
            let r = a.range(0.1, 0.9);
            b.range(0.1, 0.9);
            assert!((0.1..0.9).contains(&r));
        }
    }
}
