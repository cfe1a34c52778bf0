//! The semantics of the 128-bit SIMD operators (the tables in `isa::simd`), as functions
//! on `Vector`s (a vector's 16 bytes, lane 0 first, as memory holds them), written once
//! for both executors. Every operator goes through byte arrays and arrays of lanes, never
//! through a `Vector`: the compiler then turns most of them into the machine's own vector
//! instructions. Float lanes reuse the scalar semantics of `num` (NaN rules, `min`
//! and `max` of zeros, ties-to-even `nearest`, saturating truncations).
//!
//! The relaxed operators (`proposals/relaxed-simd`) make one fixed, deterministic
//! choice among the results the spec allows: each is its strict counterpart where
//! there is one (`relaxed_swizzle` is `swizzle`, `relaxed_trunc` is `trunc_sat`,
//! `relaxed_min`/`max` are `min`/`max`, `relaxed_q15mulr` is `q15mulr_sat`,
//! `relaxed_laneselect` is `bitselect`); `relaxed_madd`/`nmadd` round twice (a
//! multiplication, then an addition: no fused multiply-add); the dot products treat the
//! second operand's bytes as signed.

use super::num;
use super::views::{LinearMemory, Slots};
use crate::interp::isa::{
    Slot, V128Binary, V128Extract, V128Lane, V128Load, V128Replace, V128Shift, V128Splat,
    V128Ternary, V128Test, V128Unary,
};
use crate::interp::types::TrapKind;

/// A vector: its 16 bytes, lane 0 first (little-endian lanes).
pub type Vector = [u8; 16];

/// A lane type: its bits in a vector, and its bytes there (lane 0 first, little-endian,
/// as memory holds a vector: converting through bytes lets the compiler see a whole
/// vector's lanes as one machine vector).
trait Lane: Copy {
    const BITS: u32;
    const BYTES: usize = Self::BITS as usize / 8;
    fn from_bits(bits: u128) -> Self;
    fn from_le(bytes: &[u8]) -> Self;
    fn write_le(self, bytes: &mut [u8]);
}

macro_rules! lane {
    ($($t:ty, $u:ty, $bits:literal;)*) => {$(
        impl Lane for $t {
            const BITS: u32 = $bits;
            #[inline(always)]
            fn from_bits(bits: u128) -> Self {
                bits as $u as $t
            }
            #[inline(always)]
            fn from_le(bytes: &[u8]) -> Self {
                let mut lane = [0; $bits / 8];
                lane.copy_from_slice(bytes);
                <$t>::from_le_bytes(lane)
            }
            #[inline(always)]
            fn write_le(self, bytes: &mut [u8]) {
                bytes.copy_from_slice(&self.to_le_bytes());
            }
        }
    )*};
}
lane! {
    u8, u8, 8; i8, u8, 8; u16, u16, 16; i16, u16, 16; u32, u32, 32; i32, u32, 32;
    u64, u64, 64; i64, u64, 64;
}

/// The `N` lanes of `v` (the first `N`, where they fill less than the vector).
#[inline(always)]
fn lanes<T: Lane, const N: usize>(v: Vector) -> [T; N] {
    lanes_of_bytes(&v)
}

/// `[f(0), f(1), ..]`, built by a loop, which the compiler always inlines: the standard
/// library's `array::from_fn` and `map` go through generic machinery that it may keep out
/// of line, with the arrays in the caller's frame, and a threaded handler with its frame
/// passed to a call cannot end in a jump to the next handler (`simd_loops.rs`).
#[inline(always)]
fn array_of<T: Copy, const N: usize>(f: impl Fn(usize) -> T) -> [T; N] {
    let mut array = [f(0); N];
    for (i, element) in array.iter_mut().enumerate().skip(1) {
        *element = f(i);
    }
    array
}

/// The first `N` lanes held in `bytes`.
#[inline(always)]
fn lanes_of_bytes<T: Lane, const N: usize>(bytes: &[u8]) -> [T; N] {
    array_of(|i| T::from_le(&bytes[i * T::BYTES..(i + 1) * T::BYTES]))
}

/// The vector of `lanes` (zero above them, where they fill less than the vector).
#[inline(always)]
fn vector<T: Lane, const N: usize>(lanes: [T; N]) -> Vector {
    let mut bytes = [0; 16];
    for (i, lane) in lanes.into_iter().enumerate() {
        lane.write_le(&mut bytes[i * T::BYTES..(i + 1) * T::BYTES]);
    }
    bytes
}

#[inline(always)]
fn map<T: Lane, R: Lane, const N: usize>(a: Vector, f: impl Fn(T) -> R) -> Vector {
    let a = lanes::<T, N>(a);
    vector::<R, N>(array_of(|i| f(a[i])))
}

#[inline(always)]
fn zip<T: Lane, R: Lane, const N: usize>(a: Vector, b: Vector, f: impl Fn(T, T) -> R) -> Vector {
    let (a, b) = (lanes::<T, N>(a), lanes::<T, N>(b));
    vector::<R, N>(array_of(|i| f(a[i], b[i])))
}

/// All ones for true, in a lane of `T`'s width.
#[inline(always)]
fn mask<T: Lane>(b: bool) -> T {
    T::from_bits(if b { u128::MAX } else { 0 })
}

/// The vector's lanes `N` to `2N` of `T` (the low or high half), each widened to `R`.
#[inline(always)]
fn widen<T: Lane, R: Lane, const N: usize>(v: Vector, high: bool, f: impl Fn(T) -> R) -> [R; N] {
    let half = if high { &v[8..] } else { &v[..8] };
    let lanes = lanes_of_bytes::<T, N>(half);
    array_of(|i| f(lanes[i]))
}

// ---- the numeric scalar semantics, lane by lane ----

macro_rules! int_binary {
    ($($name:ident: $t:ty, $n:literal, |$a:ident, $b:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub fn $name(a: Vector, b: Vector) -> Vector {
            zip::<$t, $t, $n>(a, b, |$a, $b| $e)
        }
    )*};
}

macro_rules! int_compare {
    ($($name:ident: $t:ty, $n:literal, $op:tt;)*) => {$(
        #[inline(always)]
        pub fn $name(a: Vector, b: Vector) -> Vector {
            zip::<$t, $t, $n>(a, b, |a, b| mask::<$t>(a $op b))
        }
    )*};
}

int_compare! {
    i8x16_eq: u8, 16, ==; i8x16_ne: u8, 16, !=; i8x16_lt_s: i8, 16, <; i8x16_lt_u: u8, 16, <;
    i8x16_gt_s: i8, 16, >; i8x16_gt_u: u8, 16, >; i8x16_le_s: i8, 16, <=; i8x16_le_u: u8, 16, <=;
    i8x16_ge_s: i8, 16, >=; i8x16_ge_u: u8, 16, >=;
    i16x8_eq: u16, 8, ==; i16x8_ne: u16, 8, !=; i16x8_lt_s: i16, 8, <; i16x8_lt_u: u16, 8, <;
    i16x8_gt_s: i16, 8, >; i16x8_gt_u: u16, 8, >; i16x8_le_s: i16, 8, <=; i16x8_le_u: u16, 8, <=;
    i16x8_ge_s: i16, 8, >=; i16x8_ge_u: u16, 8, >=;
    i32x4_eq: u32, 4, ==; i32x4_ne: u32, 4, !=; i32x4_lt_s: i32, 4, <; i32x4_lt_u: u32, 4, <;
    i32x4_gt_s: i32, 4, >; i32x4_gt_u: u32, 4, >; i32x4_le_s: i32, 4, <=; i32x4_le_u: u32, 4, <=;
    i32x4_ge_s: i32, 4, >=; i32x4_ge_u: u32, 4, >=;
    i64x2_eq: u64, 2, ==; i64x2_ne: u64, 2, !=; i64x2_lt_s: i64, 2, <; i64x2_gt_s: i64, 2, >;
    i64x2_le_s: i64, 2, <=; i64x2_ge_s: i64, 2, >=;
}

int_binary! {
    i8x16_add: u8, 16, |a, b| a.wrapping_add(b);
    i8x16_add_sat_s: i8, 16, |a, b| a.saturating_add(b);
    i8x16_add_sat_u: u8, 16, |a, b| a.saturating_add(b);
    i8x16_sub: u8, 16, |a, b| a.wrapping_sub(b);
    i8x16_sub_sat_s: i8, 16, |a, b| a.saturating_sub(b);
    i8x16_sub_sat_u: u8, 16, |a, b| a.saturating_sub(b);
    i8x16_min_s: i8, 16, |a, b| a.min(b);
    i8x16_min_u: u8, 16, |a, b| a.min(b);
    i8x16_max_s: i8, 16, |a, b| a.max(b);
    i8x16_max_u: u8, 16, |a, b| a.max(b);
    i8x16_avgr_u: u8, 16, |a, b| (a as u16 + b as u16).div_ceil(2) as u8;
    i16x8_add: u16, 8, |a, b| a.wrapping_add(b);
    i16x8_add_sat_s: i16, 8, |a, b| a.saturating_add(b);
    i16x8_add_sat_u: u16, 8, |a, b| a.saturating_add(b);
    i16x8_sub: u16, 8, |a, b| a.wrapping_sub(b);
    i16x8_sub_sat_s: i16, 8, |a, b| a.saturating_sub(b);
    i16x8_sub_sat_u: u16, 8, |a, b| a.saturating_sub(b);
    i16x8_mul: u16, 8, |a, b| a.wrapping_mul(b);
    i16x8_min_s: i16, 8, |a, b| a.min(b);
    i16x8_min_u: u16, 8, |a, b| a.min(b);
    i16x8_max_s: i16, 8, |a, b| a.max(b);
    i16x8_max_u: u16, 8, |a, b| a.max(b);
    i16x8_avgr_u: u16, 8, |a, b| (a as u32 + b as u32).div_ceil(2) as u16;
    i16x8_q15mulr_sat_s: i16, 8, |a, b| {
        ((a as i32 * b as i32 + 0x4000) >> 15).clamp(i16::MIN as i32, i16::MAX as i32) as i16
    };
    i32x4_add: u32, 4, |a, b| a.wrapping_add(b);
    i32x4_sub: u32, 4, |a, b| a.wrapping_sub(b);
    i32x4_mul: u32, 4, |a, b| a.wrapping_mul(b);
    i32x4_min_s: i32, 4, |a, b| a.min(b);
    i32x4_min_u: u32, 4, |a, b| a.min(b);
    i32x4_max_s: i32, 4, |a, b| a.max(b);
    i32x4_max_u: u32, 4, |a, b| a.max(b);
    i64x2_add: u64, 2, |a, b| a.wrapping_add(b);
    i64x2_sub: u64, 2, |a, b| a.wrapping_sub(b);
    i64x2_mul: u64, 2, |a, b| a.wrapping_mul(b);
}

/// Float lanes through the scalar semantics of `num` (on slot bits).
macro_rules! float_binary {
    ($($name:ident: $t:ty, $n:literal, $scalar:ident;)*) => {$(
        #[inline(always)]
        pub fn $name(a: Vector, b: Vector) -> Vector {
            zip::<$t, $t, $n>(a, b, |a, b| num::$scalar(a as u64, b as u64) as $t)
        }
    )*};
}

float_binary! {
    f32x4_add: u32, 4, f32_add; f32x4_sub: u32, 4, f32_sub; f32x4_mul: u32, 4, f32_mul;
    f32x4_div: u32, 4, f32_div;
    f64x2_add: u64, 2, f64_add; f64x2_sub: u64, 2, f64_sub; f64x2_mul: u64, 2, f64_mul;
    f64x2_div: u64, 2, f64_div;
}

/// `min` and `max` as `num`'s scalar ones define them (NaN if either operand is, `-0`
/// below `+0`), written without branches so that the lanes run as vector instructions:
/// among equal operands the bits of both, or-ed for `min` (the sign bit of a `-0`),
/// and-ed for `max`.
macro_rules! float_min_max {
    ($($min:ident $max:ident: $f:ty, $bits:ty, $n:literal;)*) => {$(
        #[inline(always)]
        pub fn $min(a: Vector, b: Vector) -> Vector {
            zip::<$bits, $bits, $n>(a, b, |a, b| {
                let (x, y) = (<$f>::from_bits(a), <$f>::from_bits(b));
                let smaller = if x < y { a } else { b };
                let ordered = if x == y { a | b } else { smaller };
                if x.is_nan() || y.is_nan() { (x + y).to_bits() } else { ordered }
            })
        }
        #[inline(always)]
        pub fn $max(a: Vector, b: Vector) -> Vector {
            zip::<$bits, $bits, $n>(a, b, |a, b| {
                let (x, y) = (<$f>::from_bits(a), <$f>::from_bits(b));
                let larger = if x > y { a } else { b };
                let ordered = if x == y { a & b } else { larger };
                if x.is_nan() || y.is_nan() { (x + y).to_bits() } else { ordered }
            })
        }
    )*};
}

float_min_max! {
    f32x4_min f32x4_max: f32, u32, 4;
    f64x2_min f64x2_max: f64, u64, 2;
}

/// Float comparisons: all ones where the scalar comparison holds.
macro_rules! float_compare {
    ($($name:ident: $t:ty, $n:literal, $scalar:ident;)*) => {$(
        #[inline(always)]
        pub fn $name(a: Vector, b: Vector) -> Vector {
            zip::<$t, $t, $n>(a, b, |a, b| mask::<$t>(num::$scalar(a as u64, b as u64) != 0))
        }
    )*};
}

float_compare! {
    f32x4_eq: u32, 4, f32_eq; f32x4_ne: u32, 4, f32_ne; f32x4_lt: u32, 4, f32_lt;
    f32x4_gt: u32, 4, f32_gt; f32x4_le: u32, 4, f32_le; f32x4_ge: u32, 4, f32_ge;
    f64x2_eq: u64, 2, f64_eq; f64x2_ne: u64, 2, f64_ne; f64x2_lt: u64, 2, f64_lt;
    f64x2_gt: u64, 2, f64_gt; f64x2_le: u64, 2, f64_le; f64x2_ge: u64, 2, f64_ge;
}

/// `pmin`: `b < a ? b : a`; `pmax`: `a < b ? b : a` (no NaN rules: an operand as is).
#[inline(always)]
pub fn f32x4_pmin(a: Vector, b: Vector) -> Vector {
    zip::<u32, u32, 4>(a, b, |a, b| {
        if num::f32_lt(b as u64, a as u64) != 0 {
            b
        } else {
            a
        }
    })
}
#[inline(always)]
pub fn f32x4_pmax(a: Vector, b: Vector) -> Vector {
    zip::<u32, u32, 4>(a, b, |a, b| {
        if num::f32_lt(a as u64, b as u64) != 0 {
            b
        } else {
            a
        }
    })
}
#[inline(always)]
pub fn f64x2_pmin(a: Vector, b: Vector) -> Vector {
    zip::<u64, u64, 2>(a, b, |a, b| if num::f64_lt(b, a) != 0 { b } else { a })
}
#[inline(always)]
pub fn f64x2_pmax(a: Vector, b: Vector) -> Vector {
    zip::<u64, u64, 2>(a, b, |a, b| if num::f64_lt(a, b) != 0 { b } else { a })
}

macro_rules! float_unary {
    ($($name:ident: $t:ty, $n:literal, $scalar:ident;)*) => {$(
        #[inline(always)]
        pub fn $name(a: Vector) -> Vector {
            map::<$t, $t, $n>(a, |a| num::$scalar(a as u64) as $t)
        }
    )*};
}

float_unary! {
    f32x4_ceil: u32, 4, f32_ceil; f32x4_floor: u32, 4, f32_floor; f32x4_trunc: u32, 4, f32_trunc;
    f32x4_nearest: u32, 4, f32_nearest; f32x4_abs: u32, 4, f32_abs; f32x4_neg: u32, 4, f32_neg;
    f32x4_sqrt: u32, 4, f32_sqrt;
    f64x2_ceil: u64, 2, f64_ceil; f64x2_floor: u64, 2, f64_floor; f64x2_trunc: u64, 2, f64_trunc;
    f64x2_nearest: u64, 2, f64_nearest; f64x2_abs: u64, 2, f64_abs; f64x2_neg: u64, 2, f64_neg;
    f64x2_sqrt: u64, 2, f64_sqrt;
    i32x4_trunc_sat_f32x4_s: u32, 4, i32_trunc_sat_f32_s;
    i32x4_trunc_sat_f32x4_u: u32, 4, i32_trunc_sat_f32_u;
    f32x4_convert_i32x4_s: u32, 4, f32_convert_i32_s;
    f32x4_convert_i32x4_u: u32, 4, f32_convert_i32_u;
}

/// The two f64 lanes converted to i32 lanes 0 and 1 by `scalar`; lanes 2 and 3 zero.
#[inline(always)]
fn from_f64x2_zero(a: Vector, scalar: fn(u64) -> u64) -> Vector {
    let [x, y] = lanes::<u64, 2>(a);
    vector::<u32, 4>([scalar(x) as u32, scalar(y) as u32, 0, 0])
}
#[inline(always)]
pub fn i32x4_trunc_sat_f64x2_s_zero(a: Vector) -> Vector {
    from_f64x2_zero(a, num::i32_trunc_sat_f64_s)
}
#[inline(always)]
pub fn i32x4_trunc_sat_f64x2_u_zero(a: Vector) -> Vector {
    from_f64x2_zero(a, num::i32_trunc_sat_f64_u)
}
#[inline(always)]
pub fn f32x4_demote_f64x2_zero(a: Vector) -> Vector {
    from_f64x2_zero(a, num::f32_demote_f64)
}

/// The low two i32 (or f32) lanes converted to f64 lanes by `scalar`.
#[inline(always)]
fn to_f64x2_low(a: Vector, scalar: fn(u64) -> u64) -> Vector {
    vector::<u64, 2>(widen::<u32, u64, 2>(a, false, |x| scalar(x as u64)))
}
#[inline(always)]
pub fn f64x2_convert_low_i32x4_s(a: Vector) -> Vector {
    to_f64x2_low(a, num::f64_convert_i32_s)
}
#[inline(always)]
pub fn f64x2_convert_low_i32x4_u(a: Vector) -> Vector {
    to_f64x2_low(a, num::f64_convert_i32_u)
}
#[inline(always)]
pub fn f64x2_promote_low_f32x4(a: Vector) -> Vector {
    to_f64x2_low(a, num::f64_promote_f32)
}

// ---- bitwise ----

#[inline(always)]
pub fn v128_not(a: Vector) -> Vector {
    array_of(|i| !a[i])
}
#[inline(always)]
pub fn v128_and(a: Vector, b: Vector) -> Vector {
    zip::<u8, u8, 16>(a, b, |a, b| a & b)
}
#[inline(always)]
pub fn v128_andnot(a: Vector, b: Vector) -> Vector {
    zip::<u8, u8, 16>(a, b, |a, b| a & !b)
}
#[inline(always)]
pub fn v128_or(a: Vector, b: Vector) -> Vector {
    zip::<u8, u8, 16>(a, b, |a, b| a | b)
}
#[inline(always)]
pub fn v128_xor(a: Vector, b: Vector) -> Vector {
    zip::<u8, u8, 16>(a, b, |a, b| a ^ b)
}
#[inline(always)]
pub fn v128_bitselect(a: Vector, b: Vector, c: Vector) -> Vector {
    let (a, b, c) = (
        u128::from_le_bytes(a),
        u128::from_le_bytes(b),
        u128::from_le_bytes(c),
    );
    ((a & c) | (b & !c)).to_le_bytes()
}

// ---- integer unary, widening and narrowing ----

macro_rules! int_unary {
    ($($name:ident: $t:ty, $n:literal, |$a:ident| $e:expr;)*) => {$(
        #[inline(always)]
        pub fn $name(a: Vector) -> Vector {
            map::<$t, $t, $n>(a, |$a| $e)
        }
    )*};
}

int_unary! {
    i8x16_abs: i8, 16, |a| a.wrapping_abs();
    i8x16_neg: i8, 16, |a| a.wrapping_neg();
    i8x16_popcnt: u8, 16, |a| a.count_ones() as u8;
    i16x8_abs: i16, 8, |a| a.wrapping_abs();
    i16x8_neg: i16, 8, |a| a.wrapping_neg();
    i32x4_abs: i32, 4, |a| a.wrapping_abs();
    i32x4_neg: i32, 4, |a| a.wrapping_neg();
    i64x2_abs: i64, 2, |a| a.wrapping_abs();
    i64x2_neg: i64, 2, |a| a.wrapping_neg();
}

/// `extend_low`/`extend_high`: half of the lanes of `$t`, widened to `$r`.
macro_rules! extend {
    ($($low:ident $high:ident: $t:ty => $r:ty, $n:literal;)*) => {$(
        #[inline(always)]
        pub fn $low(a: Vector) -> Vector {
            vector::<$r, $n>(widen::<$t, $r, $n>(a, false, |x| x as $r))
        }
        #[inline(always)]
        pub fn $high(a: Vector) -> Vector {
            vector::<$r, $n>(widen::<$t, $r, $n>(a, true, |x| x as $r))
        }
    )*};
}

extend! {
    i16x8_extend_low_i8x16_s i16x8_extend_high_i8x16_s: i8 => i16, 8;
    i16x8_extend_low_i8x16_u i16x8_extend_high_i8x16_u: u8 => u16, 8;
    i32x4_extend_low_i16x8_s i32x4_extend_high_i16x8_s: i16 => i32, 4;
    i32x4_extend_low_i16x8_u i32x4_extend_high_i16x8_u: u16 => u32, 4;
    i64x2_extend_low_i32x4_s i64x2_extend_high_i32x4_s: i32 => i64, 2;
    i64x2_extend_low_i32x4_u i64x2_extend_high_i32x4_u: u32 => u64, 2;
}

/// `extmul_low`/`extmul_high`: the products of half of the lanes, widened first.
macro_rules! extmul {
    ($($low:ident $high:ident: $t:ty => $r:ty, $n:literal;)*) => {$(
        #[inline(always)]
        pub fn $low(a: Vector, b: Vector) -> Vector {
            let (a, b) = (widen::<$t, $r, $n>(a, false, |x| x as $r), widen::<$t, $r, $n>(b, false, |x| x as $r));
            vector::<$r, $n>(array_of(|i| a[i].wrapping_mul(b[i])))
        }
        #[inline(always)]
        pub fn $high(a: Vector, b: Vector) -> Vector {
            let (a, b) = (widen::<$t, $r, $n>(a, true, |x| x as $r), widen::<$t, $r, $n>(b, true, |x| x as $r));
            vector::<$r, $n>(array_of(|i| a[i].wrapping_mul(b[i])))
        }
    )*};
}

extmul! {
    i16x8_extmul_low_i8x16_s i16x8_extmul_high_i8x16_s: i8 => i16, 8;
    i16x8_extmul_low_i8x16_u i16x8_extmul_high_i8x16_u: u8 => u16, 8;
    i32x4_extmul_low_i16x8_s i32x4_extmul_high_i16x8_s: i16 => i32, 4;
    i32x4_extmul_low_i16x8_u i32x4_extmul_high_i16x8_u: u16 => u32, 4;
    i64x2_extmul_low_i32x4_s i64x2_extmul_high_i32x4_s: i32 => i64, 2;
    i64x2_extmul_low_i32x4_u i64x2_extmul_high_i32x4_u: u32 => u64, 2;
}

/// `extadd_pairwise`: each two neighbouring lanes, widened and added.
macro_rules! extadd_pairwise {
    ($($name:ident: $t:ty => $r:ty, $n:literal, $m:literal;)*) => {$(
        #[inline(always)]
        pub fn $name(a: Vector) -> Vector {
            let a = lanes::<$t, $m>(a);
            vector::<$r, $n>(array_of(|i| a[2 * i] as $r + a[2 * i + 1] as $r))
        }
    )*};
}

extadd_pairwise! {
    i16x8_extadd_pairwise_i8x16_s: i8 => i16, 8, 16;
    i16x8_extadd_pairwise_i8x16_u: u8 => u16, 8, 16;
    i32x4_extadd_pairwise_i16x8_s: i16 => i32, 4, 8;
    i32x4_extadd_pairwise_i16x8_u: u16 => u32, 4, 8;
}

/// `narrow`: the lanes of `a` then of `b`, saturated to the narrower signed or unsigned type.
macro_rules! narrow {
    ($($name:ident: $t:ty => $r:ty, $n:literal, $m:literal;)*) => {$(
        #[inline(always)]
        pub fn $name(a: Vector, b: Vector) -> Vector {
            let (a, b) = (lanes::<$t, $m>(a), lanes::<$t, $m>(b));
            vector::<$r, $n>(array_of(|i| {
                let x = if i < $m { a[i] } else { b[i - $m] };
                x.clamp(<$r>::MIN as $t, <$r>::MAX as $t) as $r
            }))
        }
    )*};
}

narrow! {
    i8x16_narrow_i16x8_s: i16 => i8, 16, 8;
    i8x16_narrow_i16x8_u: i16 => u8, 16, 8;
    i16x8_narrow_i32x4_s: i32 => i16, 8, 4;
    i16x8_narrow_i32x4_u: i32 => u16, 8, 4;
}

#[inline(always)]
pub fn i32x4_dot_i16x8_s(a: Vector, b: Vector) -> Vector {
    let (a, b) = (lanes::<i16, 8>(a), lanes::<i16, 8>(b));
    vector::<i32, 4>(array_of(|i| {
        (a[2 * i] as i32 * b[2 * i] as i32).wrapping_add(a[2 * i + 1] as i32 * b[2 * i + 1] as i32)
    }))
}

/// The relaxed dot product, with `b`'s bytes signed (the deterministic choice).
#[inline(always)]
pub fn i16x8_relaxed_dot_i8x16_i7x16_s(a: Vector, b: Vector) -> Vector {
    let (a, b) = (lanes::<i8, 16>(a), lanes::<i8, 16>(b));
    vector::<i16, 8>(array_of(|i| {
        (a[2 * i] as i16 * b[2 * i] as i16).wrapping_add(a[2 * i + 1] as i16 * b[2 * i + 1] as i16)
    }))
}

#[inline(always)]
pub fn i32x4_relaxed_dot_i8x16_i7x16_add_s(a: Vector, b: Vector, c: Vector) -> Vector {
    let dot = lanes::<i16, 8>(i16x8_relaxed_dot_i8x16_i7x16_s(a, b));
    let c = lanes::<i32, 4>(c);
    vector::<i32, 4>(array_of(|i| {
        (dot[2 * i] as i32 + dot[2 * i + 1] as i32).wrapping_add(c[i])
    }))
}

/// `a * b + c`, rounded after each: `relaxed_madd` (the deterministic choice), and a
/// `mul` whose only use is an `add` (`Op::F32x4MulAdd`, `Op::F64x2MulAdd`).
#[inline(always)]
pub fn f32x4_mul_add(a: Vector, b: Vector, c: Vector) -> Vector {
    f32x4_add(f32x4_mul(a, b), c)
}
#[inline(always)]
pub fn f32x4_relaxed_nmadd(a: Vector, b: Vector, c: Vector) -> Vector {
    f32x4_add(f32x4_mul(f32x4_neg(a), b), c)
}
#[inline(always)]
pub fn f64x2_mul_add(a: Vector, b: Vector, c: Vector) -> Vector {
    f64x2_add(f64x2_mul(a, b), c)
}
#[inline(always)]
pub fn f64x2_relaxed_nmadd(a: Vector, b: Vector, c: Vector) -> Vector {
    f64x2_add(f64x2_mul(f64x2_neg(a), b), c)
}

/// Lane `i` is `a`'s lane `b[i]`, or 0 where that index is past 15.
#[inline(always)]
pub fn i8x16_swizzle(a: Vector, b: Vector) -> Vector {
    // Index 16 and above read the zero after `a`'s bytes.
    let mut table = [0; 17];
    table[..16].copy_from_slice(&a);
    array_of(|lane| table[(b[lane] as usize).min(16)])
}

/// Lane `i` is lane `lanes[i]` of `a` then `b` (indices below 32, validated).
#[inline(always)]
pub fn i8x16_shuffle(a: Vector, b: Vector, lanes_of: Vector) -> Vector {
    let mut both = [0; 32];
    both[..16].copy_from_slice(&a);
    both[16..].copy_from_slice(&b);
    array_of(|lane| both[lanes_of[lane] as usize & 31])
}

// ---- tests to i32 ----

#[inline(always)]
pub fn v128_any_true(a: Vector) -> u64 {
    (a != [0; 16]) as u64
}

macro_rules! all_true_bitmask {
    ($($all:ident $bitmask:ident: $t:ty, $s:ty, $n:literal;)*) => {$(
        #[inline(always)]
        pub fn $all(a: Vector) -> u64 {
            lanes::<$t, $n>(a).iter().all(|&l| l != 0) as u64
        }
        #[inline(always)]
        pub fn $bitmask(a: Vector) -> u64 {
            lanes::<$s, $n>(a)
                .iter()
                .enumerate()
                .fold(0, |m, (i, &l)| m | ((l < 0) as u64) << i)
        }
    )*};
}

all_true_bitmask! {
    i8x16_all_true i8x16_bitmask: u8, i8, 16;
    i16x8_all_true i16x8_bitmask: u16, i16, 8;
    i32x4_all_true i32x4_bitmask: u32, i32, 4;
    i64x2_all_true i64x2_bitmask: u64, i64, 2;
}

// ---- shifts, by the count modulo the lane width ----

macro_rules! shift {
    ($($name:ident: $t:ty, $n:literal, $op:ident;)*) => {$(
        #[inline(always)]
        pub fn $name(a: Vector, count: u64) -> Vector {
            let count = count as u32 % <$t>::BITS;
            map::<$t, $t, $n>(a, |x| x.$op(count))
        }
    )*};
}

shift! {
    i8x16_shl: u8, 16, wrapping_shl; i8x16_shr_s: i8, 16, wrapping_shr; i8x16_shr_u: u8, 16, wrapping_shr;
    i16x8_shl: u16, 8, wrapping_shl; i16x8_shr_s: i16, 8, wrapping_shr; i16x8_shr_u: u16, 8, wrapping_shr;
    i32x4_shl: u32, 4, wrapping_shl; i32x4_shr_s: i32, 4, wrapping_shr; i32x4_shr_u: u32, 4, wrapping_shr;
    i64x2_shl: u64, 2, wrapping_shl; i64x2_shr_s: i64, 2, wrapping_shr; i64x2_shr_u: u64, 2, wrapping_shr;
}

// ---- lanes: splat, extract, replace ----

macro_rules! lane_ops {
    ($($splat:ident $replace:ident: $t:ty, $n:literal;)*) => {$(
        #[inline(always)]
        pub fn $splat(x: u64) -> Vector {
            vector::<$t, $n>([x as $t; $n])
        }
        #[inline(always)]
        pub fn $replace(a: Vector, lane: u8, x: u64) -> Vector {
            let mut l = lanes::<$t, $n>(a);
            l[lane as usize % $n] = x as $t;
            vector::<$t, $n>(l)
        }
    )*};
}

lane_ops! {
    i8x16_splat i8x16_replace_lane: u8, 16;
    i16x8_splat i16x8_replace_lane: u16, 8;
    i32x4_splat i32x4_replace_lane: u32, 4;
    i64x2_splat i64x2_replace_lane: u64, 2;
}

/// Lane `lane` (modulo the count: validated below it) of `a`, as slot bits.
macro_rules! extract {
    ($($name:ident: $t:ty, $n:literal, $put:ty;)*) => {$(
        #[inline(always)]
        pub fn $name(a: Vector, lane: u8) -> u64 {
            lanes::<$t, $n>(a)[lane as usize % $n] as $put as u64
        }
    )*};
}

extract! {
    i8x16_extract_lane_s: i8, 16, u32; i8x16_extract_lane_u: u8, 16, u32;
    i16x8_extract_lane_s: i16, 8, u32; i16x8_extract_lane_u: u16, 8, u32;
    i32x4_extract_lane: u32, 4, u32; i64x2_extract_lane: u64, 2, u64;
}

// ---- loads ----

#[inline(always)]
pub fn v128_load(b: [u8; 16]) -> Vector {
    b
}

macro_rules! load_extend {
    ($($name:ident: $t:ty => $r:ty, $n:literal;)*) => {$(
        #[inline(always)]
        pub fn $name(b: [u8; 8]) -> Vector {
            let lanes = lanes_of_bytes::<$t, $n>(&b);
            vector::<$r, $n>(array_of(|i| lanes[i] as $r))
        }
    )*};
}

load_extend! {
    v128_load8x8_s: i8 => i16, 8; v128_load8x8_u: u8 => u16, 8;
    v128_load16x4_s: i16 => i32, 4; v128_load16x4_u: u16 => u32, 4;
    v128_load32x2_s: i32 => i64, 2; v128_load32x2_u: u32 => u64, 2;
}

#[inline(always)]
pub fn v128_load8_splat(b: [u8; 1]) -> Vector {
    i8x16_splat(b[0] as u64)
}
#[inline(always)]
pub fn v128_load16_splat(b: [u8; 2]) -> Vector {
    i16x8_splat(u16::from_le_bytes(b) as u64)
}
#[inline(always)]
pub fn v128_load32_splat(b: [u8; 4]) -> Vector {
    i32x4_splat(u32::from_le_bytes(b) as u64)
}
#[inline(always)]
pub fn v128_load64_splat(b: [u8; 8]) -> Vector {
    i64x2_splat(u64::from_le_bytes(b))
}
#[inline(always)]
pub fn v128_load32_zero(b: [u8; 4]) -> Vector {
    vector::<u32, 1>([u32::from_le_bytes(b)])
}
#[inline(always)]
pub fn v128_load64_zero(b: [u8; 8]) -> Vector {
    vector::<u64, 1>([u64::from_le_bytes(b)])
}

// ---- the ops, by operator (the tables of `isa::simd`) ----
//
// Each reads its operands from the frame's slots and writes its result there itself. The
// shapes' functions, a `match` on the operator, run out of line for the loop executor (the
// threaded one has a handler per operator, `threaded/vector.rs`, calling the semantics
// above directly); `shuffle` and `store`, one operator each, are inlined into both
// executors' handlers.

/// The vector in slots `at` and `at + 1`.
#[inline(always)]
pub(super) fn get(slots: Slots, at: Slot) -> Vector {
    slots.get_vector(at)
}

/// Writes `v` to slots `at` and `at + 1`.
#[inline(always)]
pub(super) fn set(slots: Slots, at: Slot, v: Vector) {
    slots.set_vector(at, v)
}

macro_rules! vector_op {
    (
        $fn_name:ident($($arg:ident: $ty:ty),*) -> $ret:ty,
        |$slots:ident| $read:tt => $write:expr;
        $enum:ident: $($variant:ident $name:literal $f:ident,)*
    ) => {
        #[inline(never)]
        pub fn $fn_name(op: $enum, $slots: Slots, $($arg: $ty),*) -> $ret {
            let result = match op {
                $( $enum::$variant => $f $read, )*
            };
            $write(result)
        }
    };
}

for_each_v128_unary!(vector_op unary(dst: Slot, src: Slot) -> (),
    |slots| (get(slots, src)) => |v| set(slots, dst, v););
for_each_v128_binary!(vector_op binary(dst: Slot, a: Slot, b: Slot) -> (),
    |slots| (get(slots, a), get(slots, b)) => |v| set(slots, dst, v););
for_each_v128_ternary!(vector_op ternary(dst: Slot, a: Slot, b: Slot, c: Slot) -> (),
    |slots| (get(slots, a), get(slots, b), get(slots, c)) => |v| set(slots, dst, v););
for_each_v128_test!(vector_op test(src: Slot) -> u64,
    |slots| (get(slots, src)) => |v| v;);
for_each_v128_shift!(vector_op shift(dst: Slot, a: Slot, b: Slot) -> (),
    |slots| (get(slots, a), slots.get(b)) => |v| set(slots, dst, v););
for_each_v128_splat!(vector_op splat(dst: Slot, src: Slot) -> (),
    |slots| (slots.get(src)) => |v| set(slots, dst, v););
for_each_v128_extract!(vector_op extract(lane: u8, src: Slot) -> u64,
    |slots| (get(slots, src), lane) => |v| v;);
for_each_v128_replace!(vector_op replace(lane: u8, dst: Slot, a: Slot, b: Slot) -> (),
    |slots| (get(slots, a), lane, slots.get(b)) => |v| set(slots, dst, v););

/// `i8x16.shuffle` with its lane indices in slots `lanes`.
#[inline(always)]
pub fn shuffle(slots: Slots, dst: Slot, a: Slot, b: Slot, lanes: Slot) {
    set(
        slots,
        dst,
        i8x16_shuffle(get(slots, a), get(slots, b), get(slots, lanes)),
    );
}

/// `semantics` (`f32x4_mul_add` or `f64x2_mul_add`) on the vectors in slots `a`, `b` and
/// `c`, written to `dst`: the fused multiplication and addition, inlined into both
/// executors' handlers.
#[inline(always)]
pub fn mul_add(
    semantics: impl Fn(Vector, Vector, Vector) -> Vector,
    slots: Slots,
    dst: Slot,
    a: Slot,
    b: Slot,
    c: Slot,
) {
    set(
        slots,
        dst,
        semantics(get(slots, a), get(slots, b), get(slots, c)),
    );
}

/// `Ok` for `true`, the out-of-bounds trap for `false` (a memory access's outcome).
#[inline(always)]
pub fn in_bounds(ok: bool) -> Result<(), TrapKind> {
    if ok {
        Ok(())
    } else {
        Err(TrapKind::MemoryOutOfBounds)
    }
}

macro_rules! load_fn {
    ($enum:ident: $($variant:ident $name:literal $bytes:literal $f:ident,)*) => {
        /// The load `op` at `s[addr] + offset` into `s[dst]`; `false` (nothing written)
        /// out of bounds.
        #[inline(never)]
        pub fn load(op: $enum, mem: impl LinearMemory, slots: Slots, dst: Slot, addr: Slot, offset: u32) -> bool {
            let addr = slots.get(addr);
            let loaded = match op {
                $( $enum::$variant => mem.load::<$bytes>(addr, offset).map($f), )*
            };
            match loaded {
                Ok(v) => {
                    set(slots, dst, v);
                    true
                }
                Err(_) => false,
            }
        }
    };
}
for_each_v128_load!(load_fn);

/// `v128.store` of `s[value]` at `s[addr] + offset`; `false` out of bounds.
#[inline(always)]
pub fn store(mem: impl LinearMemory, slots: Slots, addr: Slot, value: Slot, offset: u32) -> bool {
    mem.store(slots.get(addr), offset, get(slots, value))
        .is_ok()
}

macro_rules! lane_access_fns {
    ($enum:ident: $($load:ident $store:ident $load_name:literal $store_name:literal $bytes:literal,)*) => {
        /// `s[src]` with lane `lane` (of `op`'s width) loaded from `s[addr] + offset`,
        /// into `s[dst]`; `false` (nothing written) out of bounds.
        #[inline(never)]
        #[allow(clippy::too_many_arguments)]
        pub fn load_lane(op: $enum, lane: u8, mem: impl LinearMemory, slots: Slots, dst: Slot, addr: Slot, src: Slot, offset: u32) -> bool {
            let (addr, mut bytes) = (slots.get(addr), get(slots, src));
            let loaded = match op {
                $( $enum::$load => mem.load::<$bytes>(addr, offset).map(|lane_bytes| {
                    let at = (lane as usize % (16 / $bytes)) * $bytes;
                    bytes[at..at + $bytes].copy_from_slice(&lane_bytes);
                }), )*
            };
            if loaded.is_err() {
                return false;
            }
            set(slots, dst, bytes);
            true
        }

        /// Stores lane `lane` (of `op`'s width) of `s[value]` at `s[addr] + offset`;
        /// `false` out of bounds.
        #[inline(never)]
        pub fn store_lane(op: $enum, lane: u8, mem: impl LinearMemory, slots: Slots, addr: Slot, value: Slot, offset: u32) -> bool {
            let (addr, bytes) = (slots.get(addr), get(slots, value));
            match op {
                $( $enum::$load => {
                    let at = (lane as usize % (16 / $bytes)) * $bytes;
                    let lane_bytes: [u8; $bytes] = bytes[at..at + $bytes].try_into().expect("in the vector");
                    mem.store(addr, offset, lane_bytes).is_ok()
                } )*
            }
        }
    };
}
for_each_v128_lane_access!(lane_access_fns);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_are_little_endian() {
        let v = vector::<u32, 4>([1, 2, 3, 4]);
        assert_eq!(
            u128::from_le_bytes(v),
            0x0000_0004_0000_0003_0000_0002_0000_0001
        );
        assert_eq!(i32x4_extract_lane(v, 3), 4);
        assert_eq!(lanes::<u32, 4>(i32x4_add(v, v)), [2, 4, 6, 8]);
    }

    #[test]
    fn saturation_narrowing_and_masks() {
        let a = i8x16_splat(100);
        assert_eq!(lanes::<i8, 16>(i8x16_add_sat_s(a, a))[0], 127);
        let wide = vector::<i16, 8>([300, -300, 5, -5, 0, 127, -128, 128]);
        assert_eq!(
            lanes::<i8, 16>(i8x16_narrow_i16x8_s(wide, [0; 16]))[..8],
            [127, -128, 5, -5, 0, 127, -128, 127]
        );
        assert_eq!(i32x4_bitmask(vector::<i32, 4>([-1, 0, -5, 3])), 0b0101);
        assert_eq!(
            lanes::<u32, 4>(i32x4_lt_s(vector::<i32, 4>([-1, 0, 0, 0]), [0; 16])),
            [u32::MAX, 0, 0, 0]
        );
        assert_eq!(
            lanes::<i16, 8>(i16x8_q15mulr_sat_s(
                i16x8_splat(0x8000),
                i16x8_splat(0x8000)
            ))[0],
            i16::MAX
        );
    }

    #[test]
    fn shifts_take_the_count_modulo_the_lane_width() {
        assert_eq!(lanes::<u8, 16>(i8x16_shl(i8x16_splat(1), 9))[0], 2);
        assert_eq!(
            lanes::<i32, 4>(i32x4_shr_s(i32x4_splat(-8i32 as u32 as u64), 33))[0],
            -4
        );
    }
}
