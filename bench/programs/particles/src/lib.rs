//! A compiled SIMD program: game-style kernels written with `core::arch::wasm32`'s
//! 128-bit intrinsics when built for wasm (with `simd128` enabled on the kernels), and
//! the same arithmetic lane by lane everywhere else. `run(frames)` steps particles under
//! gravity with bounces (f32x4), moves them through a 4x4 matrix (f32x4), integrates
//! with f64 pairs (f64x2) and fades a byte buffer (i8x16 saturating and rounding
//! averages), and returns a checksum of every result's bits: the wasm build run by an
//! interpreter must give the native build's checksum, bit for bit (every lane operation
//! is a single IEEE operation in the same order, no fused multiply-add).

/// Particles (a multiple of 4).
const N: usize = 256;
/// Bytes of the faded buffer (a multiple of 16).
const BYTES: usize = 1024;
const DT: f32 = 1.0 / 60.0;
const GRAVITY: f32 = -9.81;
const BOUNCE: f32 = 0.8;

/// The world the frames change.
pub struct World {
    x: [f32; N],
    y: [f32; N],
    vx: [f32; N],
    vy: [f32; N],
    /// Positions after the matrix.
    tx: [f32; N],
    ty: [f32; N],
    /// f64 pairs: position and velocity of a spring.
    springs: [f64; 2 * N],
    bytes: [u8; BYTES],
}

/// A seeded xorshift.
fn next(state: &mut u32) -> u32 {
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    *state
}

impl World {
    pub fn new(seed: u32) -> World {
        let mut s = seed | 1;
        let mut unit = || (next(&mut s) % 10_000) as f32 / 10_000.0;
        let mut w = World {
            x: [0.0; N],
            y: [0.0; N],
            vx: [0.0; N],
            vy: [0.0; N],
            tx: [0.0; N],
            ty: [0.0; N],
            springs: [0.0; 2 * N],
            bytes: [0; BYTES],
        };
        for i in 0..N {
            w.x[i] = unit() * 100.0;
            w.y[i] = unit() * 50.0;
            w.vx[i] = unit() * 4.0 - 2.0;
            w.vy[i] = unit() * 10.0;
            w.springs[2 * i] = unit() as f64;
            w.springs[2 * i + 1] = 0.0;
        }
        for (i, b) in w.bytes.iter_mut().enumerate() {
            *b = (i * 37 % 251) as u8;
        }
        w
    }

    /// One frame of every kernel.
    pub fn step(&mut self, frame: u32) {
        let angle = frame as f32 * 0.01;
        // A rotation and a translation (rows of the matrix's first two rows).
        let (c, s) = (1.0 - angle * angle / 2.0, angle);
        let matrix = [c, -s, 0.0, 3.0, s, c, 0.0, -1.0];
        kernels::particles(self);
        kernels::transform(self, &matrix);
        kernels::springs(&mut self.springs);
        kernels::fade(&mut self.bytes, frame as u8);
    }

    /// Every value's bits, summed with rotations.
    pub fn checksum(&self) -> u64 {
        let mut sum = 0u64;
        let mut add = |bits: u64| sum = sum.rotate_left(5) ^ bits;
        for i in 0..N {
            for v in [
                self.x[i], self.y[i], self.vx[i], self.vy[i], self.tx[i], self.ty[i],
            ] {
                add(v.to_bits() as u64);
            }
        }
        self.springs.iter().for_each(|v| add(v.to_bits()));
        self.bytes.iter().for_each(|&b| add(b as u64));
        sum
    }
}

/// `frames` frames from a fixed seed; the checksum. (Unmangled in wasm only: natively, two `run`s would clash.)
#[cfg_attr(target_arch = "wasm32", no_mangle)]
pub extern "C" fn run(frames: u32) -> u64 {
    let mut world = World::new(0x5eed);
    for frame in 0..frames {
        world.step(frame);
    }
    world.checksum()
}

#[cfg(target_arch = "wasm32")]
mod kernels {
    use super::{World, BOUNCE, BYTES, DT, GRAVITY, N};
    use core::arch::wasm32::*;

    fn load(a: &[f32], i: usize) -> v128 {
        f32x4(a[i], a[i + 1], a[i + 2], a[i + 3])
    }
    fn store(a: &mut [f32], i: usize, v: v128) {
        a[i] = f32x4_extract_lane::<0>(v);
        a[i + 1] = f32x4_extract_lane::<1>(v);
        a[i + 2] = f32x4_extract_lane::<2>(v);
        a[i + 3] = f32x4_extract_lane::<3>(v);
    }

    #[target_feature(enable = "simd128")]
    pub fn particles(w: &mut World) {
        let (dt, g, k, zero) = (
            f32x4_splat(DT),
            f32x4_splat(GRAVITY),
            f32x4_splat(BOUNCE),
            f32x4_splat(0.0),
        );
        for i in (0..N).step_by(4) {
            let x = f32x4_add(load(&w.x, i), f32x4_mul(load(&w.vx, i), dt));
            let y = f32x4_add(load(&w.y, i), f32x4_mul(load(&w.vy, i), dt));
            let vy = f32x4_add(load(&w.vy, i), f32x4_mul(g, dt));
            let below = f32x4_lt(y, zero);
            let y = v128_bitselect(f32x4_neg(y), y, below);
            let vy = v128_bitselect(f32x4_mul(f32x4_neg(vy), k), vy, below);
            store(&mut w.x, i, x);
            store(&mut w.y, i, y);
            store(&mut w.vy, i, vy);
        }
    }

    #[target_feature(enable = "simd128")]
    pub fn transform(w: &mut World, m: &[f32; 8]) {
        for i in (0..N).step_by(4) {
            let (x, y) = (load(&w.x, i), load(&w.y, i));
            let tx = f32x4_add(
                f32x4_add(
                    f32x4_mul(f32x4_splat(m[0]), x),
                    f32x4_mul(f32x4_splat(m[1]), y),
                ),
                f32x4_splat(m[3]),
            );
            let ty = f32x4_add(
                f32x4_add(
                    f32x4_mul(f32x4_splat(m[4]), x),
                    f32x4_mul(f32x4_splat(m[5]), y),
                ),
                f32x4_splat(m[7]),
            );
            store(&mut w.tx, i, tx);
            store(&mut w.ty, i, ty);
        }
    }

    /// Each pair (position, velocity): `v -= p * 0.1; p += v * 0.5`, two lanes at once.
    #[target_feature(enable = "simd128")]
    pub fn springs(s: &mut [f64; 2 * N]) {
        for i in (0..2 * N).step_by(4) {
            let p = f64x2(s[i], s[i + 2]);
            let v = f64x2(s[i + 1], s[i + 3]);
            let v = f64x2_sub(v, f64x2_mul(p, f64x2_splat(0.1)));
            let p = f64x2_add(p, f64x2_mul(v, f64x2_splat(0.5)));
            s[i] = f64x2_extract_lane::<0>(p);
            s[i + 2] = f64x2_extract_lane::<1>(p);
            s[i + 1] = f64x2_extract_lane::<0>(v);
            s[i + 3] = f64x2_extract_lane::<1>(v);
        }
    }

    /// `b = avgr(b +sat k, b rotated by one byte within its 16)`.
    #[target_feature(enable = "simd128")]
    pub fn fade(bytes: &mut [u8; BYTES], k: u8) {
        for chunk in bytes.chunks_exact_mut(16) {
            // SAFETY: `chunk` is 16 bytes; the loads and stores are unaligned-safe.
            let b = unsafe { v128_load(chunk.as_ptr() as *const v128) };
            let added = u8x16_add_sat(b, u8x16_splat(k));
            let rotated =
                i8x16_shuffle::<1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0>(b, b);
            let out = u8x16_avgr(added, rotated);
            unsafe { v128_store(chunk.as_mut_ptr() as *mut v128, out) };
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod kernels {
    use super::{World, BOUNCE, BYTES, DT, GRAVITY, N};

    pub fn particles(w: &mut World) {
        for i in 0..N {
            let x = w.x[i] + w.vx[i] * DT;
            let mut y = w.y[i] + w.vy[i] * DT;
            let mut vy = w.vy[i] + GRAVITY * DT;
            if y < 0.0 {
                y = -y;
                vy = -vy * BOUNCE;
            }
            w.x[i] = x;
            w.y[i] = y;
            w.vy[i] = vy;
        }
    }

    pub fn transform(w: &mut World, m: &[f32; 8]) {
        for i in 0..N {
            let (x, y) = (w.x[i], w.y[i]);
            w.tx[i] = (m[0] * x + m[1] * y) + m[3];
            w.ty[i] = (m[4] * x + m[5] * y) + m[7];
        }
    }

    pub fn springs(s: &mut [f64; 2 * N]) {
        for i in (0..2 * N).step_by(2) {
            let v = s[i + 1] - s[i] * 0.1;
            s[i] += v * 0.5;
            s[i + 1] = v;
        }
    }

    pub fn fade(bytes: &mut [u8; BYTES], k: u8) {
        for chunk in bytes.chunks_exact_mut(16) {
            let b: [u8; 16] = chunk.try_into().expect("16 bytes");
            for i in 0..16 {
                let added = b[i].saturating_add(k) as u16;
                chunk[i] = ((added + b[(i + 1) % 16] as u16 + 1) / 2) as u8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn particles_bounce_and_stay_above_ground() {
        let mut w = super::World::new(1);
        for frame in 0..600 {
            w.step(frame);
        }
        assert!(w.y.iter().all(|&y| y >= 0.0));
        assert_ne!(super::run(3), super::run(4));
    }
}
