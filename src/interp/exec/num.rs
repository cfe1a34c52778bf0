//! The semantics of every numeric opcode, as functions on untyped 64-bit slot values.
//!
//! i32 results are stored zero-extended; f32 values as their bits in the low half.
//! Float behaviour follows the spec exactly: NaN-propagating `min`/`max` that order
//! `-0 < +0`, ties-to-even `nearest`, and trapping float-to-int conversions.

use crate::interp::types::TrapKind;

/// The low `N` bytes of a slot value, little-endian: what a store of `N` bytes writes.
#[inline(always)]
pub fn low_bytes<const N: usize>(v: u64) -> [u8; N] {
    v.to_le_bytes()[..N]
        .try_into()
        .expect("a store writes at most 8 bytes")
}

#[inline(always)]
fn i32_of(v: u64) -> i32 {
    v as u32 as i32
}
#[inline(always)]
fn u32_of(v: u64) -> u32 {
    v as u32
}
#[inline(always)]
fn f32_of(v: u64) -> f32 {
    f32::from_bits(v as u32)
}
#[inline(always)]
fn f64_of(v: u64) -> f64 {
    f64::from_bits(v)
}
#[inline(always)]
fn from_i32(v: i32) -> u64 {
    v as u32 as u64
}
#[inline(always)]
fn from_u32(v: u32) -> u64 {
    v as u64
}
#[inline(always)]
fn from_bool(v: bool) -> u64 {
    v as u64
}
#[inline(always)]
fn from_f32(v: f32) -> u64 {
    v.to_bits() as u64
}
#[inline(always)]
fn from_f64(v: f64) -> u64 {
    v.to_bits()
}
/// Rounding a signalling NaN must give an arithmetic (quiet) NaN; the host's rounding
/// functions pass the payload through unchanged.
#[inline(always)]
fn quiet_f32(v: f32) -> u64 {
    let bits = from_f32(v);
    if v.is_nan() {
        bits | 0x0040_0000
    } else {
        bits
    }
}
#[inline(always)]
fn quiet_f64(v: f64) -> u64 {
    let bits = from_f64(v);
    if v.is_nan() {
        bits | 0x0008_0000_0000_0000
    } else {
        bits
    }
}

/// Defines `fn name(a: u64, b: u64) -> u64` from typed operands.
macro_rules! binary {
    ($($name:ident($a:ident: $get:ident, $b:ident) -> $put:ident $body:expr;)*) => {
        $(
            #[inline(always)]
            pub fn $name(a: u64, b: u64) -> u64 {
                let ($a, $b) = ($get(a), $get(b));
                $put($body)
            }
        )*
    };
}

/// Defines `fn name(v: u64) -> u64` from a typed operand.
macro_rules! unary {
    ($($name:ident($v:ident: $get:ident) -> $put:ident $body:expr;)*) => {
        $(
            #[inline(always)]
            pub fn $name(v: u64) -> u64 {
                let $v = $get(v);
                $put($body)
            }
        )*
    };
}

/// `i64.popcnt` with the processor's `popcnt` instruction, which the portable build
/// does not assume (`count_ones` is then a dozen instructions of bit twiddling).
///
/// # Safety
/// The processor has `popcnt` (`is_x86_feature_detected!("popcnt")`).
#[cfg(all(wasmcade_threaded, target_arch = "x86_64"))]
#[inline(always)]
pub unsafe fn i64_popcnt_instruction(v: u64) -> u64 {
    let count: u64;
    // SAFETY: the caller's guarantee; the instruction only reads and writes registers.
    unsafe {
        std::arch::asm!(
            "popcnt {count}, {v}",
            v = in(reg) v,
            count = lateout(reg) count,
            options(pure, nomem, nostack)
        );
    }
    count
}

/// `i32.popcnt` with the `popcnt` instruction: the count of the low 32 bits, zero-extended.
///
/// # Safety
/// As for `i64_popcnt_instruction`.
#[cfg(all(wasmcade_threaded, target_arch = "x86_64"))]
#[inline(always)]
pub unsafe fn i32_popcnt_instruction(v: u64) -> u64 {
    // SAFETY: the caller's guarantee.
    unsafe { i64_popcnt_instruction(v & u64::from(u32::MAX)) }
}

fn id(v: u64) -> u64 {
    v
}
fn i64_of(v: u64) -> i64 {
    v as i64
}
fn from_i64(v: i64) -> u64 {
    v as u64
}

/// wasm `min`: NaN if either operand is NaN; `-0` is below `+0`.
macro_rules! wasm_min {
    ($a:expr, $b:expr) => {{
        let (a, b) = ($a, $b);
        if a.is_nan() || b.is_nan() {
            a + b
        } else if a == b {
            // Equal (possibly zeros of different sign): the one with the sign bit set.
            if a.is_sign_negative() {
                a
            } else {
                b
            }
        } else if a < b {
            a
        } else {
            b
        }
    }};
}

/// wasm `max`: NaN if either operand is NaN; `+0` is above `-0`.
macro_rules! wasm_max {
    ($a:expr, $b:expr) => {{
        let (a, b) = ($a, $b);
        if a.is_nan() || b.is_nan() {
            a + b
        } else if a == b {
            if a.is_sign_positive() {
                a
            } else {
                b
            }
        } else if a > b {
            a
        } else {
            b
        }
    }};
}

binary! {
    i32_eq(a: u32_of, b) -> from_bool a == b;
    i32_ne(a: u32_of, b) -> from_bool a != b;
    i32_lt_s(a: i32_of, b) -> from_bool a < b;
    i32_lt_u(a: u32_of, b) -> from_bool a < b;
    i32_gt_s(a: i32_of, b) -> from_bool a > b;
    i32_gt_u(a: u32_of, b) -> from_bool a > b;
    i32_le_s(a: i32_of, b) -> from_bool a <= b;
    i32_le_u(a: u32_of, b) -> from_bool a <= b;
    i32_ge_s(a: i32_of, b) -> from_bool a >= b;
    i32_ge_u(a: u32_of, b) -> from_bool a >= b;
    i64_eq(a: id, b) -> from_bool a == b;
    i64_ne(a: id, b) -> from_bool a != b;
    i64_lt_s(a: i64_of, b) -> from_bool a < b;
    i64_lt_u(a: id, b) -> from_bool a < b;
    i64_gt_s(a: i64_of, b) -> from_bool a > b;
    i64_gt_u(a: id, b) -> from_bool a > b;
    i64_le_s(a: i64_of, b) -> from_bool a <= b;
    i64_le_u(a: id, b) -> from_bool a <= b;
    i64_ge_s(a: i64_of, b) -> from_bool a >= b;
    i64_ge_u(a: id, b) -> from_bool a >= b;
    i32_add(a: u32_of, b) -> from_u32 a.wrapping_add(b);
    i32_sub(a: u32_of, b) -> from_u32 a.wrapping_sub(b);
    i32_mul(a: u32_of, b) -> from_u32 a.wrapping_mul(b);
    i32_and(a: u32_of, b) -> from_u32 a & b;
    i32_or(a: u32_of, b) -> from_u32 a | b;
    i32_xor(a: u32_of, b) -> from_u32 a ^ b;
    i32_shl(a: u32_of, b) -> from_u32 a.wrapping_shl(b);
    i32_shr_s(a: i32_of, b) -> from_i32 a.wrapping_shr(b as u32);
    i32_shr_u(a: u32_of, b) -> from_u32 a.wrapping_shr(b);
    i32_rotl(a: u32_of, b) -> from_u32 a.rotate_left(b);
    i32_rotr(a: u32_of, b) -> from_u32 a.rotate_right(b);
    i64_add(a: id, b) -> id a.wrapping_add(b);
    i64_sub(a: id, b) -> id a.wrapping_sub(b);
    i64_mul(a: id, b) -> id a.wrapping_mul(b);
    i64_and(a: id, b) -> id a & b;
    i64_or(a: id, b) -> id a | b;
    i64_xor(a: id, b) -> id a ^ b;
    i64_shl(a: id, b) -> id a.wrapping_shl(b as u32);
    i64_shr_s(a: i64_of, b) -> from_i64 a.wrapping_shr(b as u32);
    i64_shr_u(a: id, b) -> id a.wrapping_shr(b as u32);
    i64_rotl(a: id, b) -> id a.rotate_left((b % 64) as u32);
    i64_rotr(a: id, b) -> id a.rotate_right((b % 64) as u32);
    f32_eq(a: f32_of, b) -> from_bool a == b;
    f32_ne(a: f32_of, b) -> from_bool a != b;
    f32_lt(a: f32_of, b) -> from_bool a < b;
    f32_gt(a: f32_of, b) -> from_bool a > b;
    f32_le(a: f32_of, b) -> from_bool a <= b;
    f32_ge(a: f32_of, b) -> from_bool a >= b;
    f64_eq(a: f64_of, b) -> from_bool a == b;
    f64_ne(a: f64_of, b) -> from_bool a != b;
    f64_lt(a: f64_of, b) -> from_bool a < b;
    f64_gt(a: f64_of, b) -> from_bool a > b;
    f64_le(a: f64_of, b) -> from_bool a <= b;
    f64_ge(a: f64_of, b) -> from_bool a >= b;
    f32_add(a: f32_of, b) -> from_f32 a + b;
    f32_sub(a: f32_of, b) -> from_f32 a - b;
    f32_mul(a: f32_of, b) -> from_f32 a * b;
    f32_div(a: f32_of, b) -> from_f32 a / b;
    f32_min(a: f32_of, b) -> from_f32 wasm_min!(a, b);
    f32_max(a: f32_of, b) -> from_f32 wasm_max!(a, b);
    f32_copysign(a: f32_of, b) -> from_f32 a.copysign(b);
    f64_add(a: f64_of, b) -> from_f64 a + b;
    f64_sub(a: f64_of, b) -> from_f64 a - b;
    f64_mul(a: f64_of, b) -> from_f64 a * b;
    f64_div(a: f64_of, b) -> from_f64 a / b;
    f64_min(a: f64_of, b) -> from_f64 wasm_min!(a, b);
    f64_max(a: f64_of, b) -> from_f64 wasm_max!(a, b);
    f64_copysign(a: f64_of, b) -> from_f64 a.copysign(b);
}

unary! {
    i32_eqz(v: u32_of) -> from_bool v == 0;
    i64_eqz(v: id) -> from_bool v == 0;
    i32_clz(v: u32_of) -> from_u32 v.leading_zeros();
    i32_ctz(v: u32_of) -> from_u32 v.trailing_zeros();
    i32_popcnt(v: u32_of) -> from_u32 v.count_ones();
    i64_clz(v: id) -> id v.leading_zeros() as u64;
    i64_ctz(v: id) -> id v.trailing_zeros() as u64;
    i64_popcnt(v: id) -> id v.count_ones() as u64;
    f32_abs(v: f32_of) -> from_f32 v.abs();
    f32_neg(v: f32_of) -> from_f32 -v;
    f32_ceil(v: f32_of) -> quiet_f32 v.ceil();
    f32_floor(v: f32_of) -> quiet_f32 v.floor();
    f32_trunc(v: f32_of) -> quiet_f32 v.trunc();
    f32_nearest(v: f32_of) -> quiet_f32 v.round_ties_even();
    f32_sqrt(v: f32_of) -> from_f32 v.sqrt();
    f64_abs(v: f64_of) -> from_f64 v.abs();
    f64_neg(v: f64_of) -> from_f64 -v;
    f64_ceil(v: f64_of) -> quiet_f64 v.ceil();
    f64_floor(v: f64_of) -> quiet_f64 v.floor();
    f64_trunc(v: f64_of) -> quiet_f64 v.trunc();
    f64_nearest(v: f64_of) -> quiet_f64 v.round_ties_even();
    f64_sqrt(v: f64_of) -> from_f64 v.sqrt();
    i32_wrap_i64(v: id) -> from_u32 v as u32;
    i64_extend_i32_s(v: i32_of) -> from_i64 v as i64;
    f32_convert_i32_s(v: i32_of) -> from_f32 v as f32;
    f32_convert_i32_u(v: u32_of) -> from_f32 v as f32;
    f32_convert_i64_s(v: i64_of) -> from_f32 v as f32;
    f32_convert_i64_u(v: id) -> from_f32 v as f32;
    f64_convert_i32_s(v: i32_of) -> from_f64 v as f64;
    f64_convert_i32_u(v: u32_of) -> from_f64 v as f64;
    f64_convert_i64_s(v: i64_of) -> from_f64 v as f64;
    f64_convert_i64_u(v: id) -> from_f64 v as f64;
    f32_demote_f64(v: f64_of) -> from_f32 v as f32;
    f64_promote_f32(v: f32_of) -> from_f64 v as f64;
    i32_extend8_s(v: u32_of) -> from_i32 v as i8 as i32;
    i32_extend16_s(v: u32_of) -> from_i32 v as i16 as i32;
    i64_extend8_s(v: id) -> from_i64 v as i8 as i64;
    i64_extend16_s(v: id) -> from_i64 v as i16 as i64;
    i64_extend32_s(v: id) -> from_i64 v as i32 as i64;
    i32_trunc_sat_f32_s(v: f32_of) -> from_i32 v as i32;
    i32_trunc_sat_f32_u(v: f32_of) -> from_u32 v as u32;
    i32_trunc_sat_f64_s(v: f64_of) -> from_i32 v as i32;
    i32_trunc_sat_f64_u(v: f64_of) -> from_u32 v as u32;
    i64_trunc_sat_f32_s(v: f32_of) -> from_i64 v as i64;
    i64_trunc_sat_f32_u(v: f32_of) -> id v as u64;
    i64_trunc_sat_f64_s(v: f64_of) -> from_i64 v as i64;
    i64_trunc_sat_f64_u(v: f64_of) -> id v as u64;
}

/// Loads: little-endian bytes to a slot value (zero- or sign-extended).
macro_rules! load {
    ($($name:ident($n:literal) -> $conv:expr;)*) => {
        $(
            #[inline(always)]
            pub fn $name(bytes: [u8; $n]) -> u64 {
                $conv(bytes)
            }
        )*
    };
}

load! {
    load32(4) -> |b| u32::from_le_bytes(b) as u64;
    load64(8) -> u64::from_le_bytes;
    load8_s32(1) -> |b: [u8; 1]| b[0] as i8 as i32 as u32 as u64;
    load8_u(1) -> |b: [u8; 1]| b[0] as u64;
    load16_s32(2) -> |b| i16::from_le_bytes(b) as i32 as u32 as u64;
    load16_u(2) -> |b| u16::from_le_bytes(b) as u64;
    load8_s64(1) -> |b: [u8; 1]| b[0] as i8 as i64 as u64;
    load16_s64(2) -> |b| i16::from_le_bytes(b) as i64 as u64;
    load32_s64(4) -> |b| i32::from_le_bytes(b) as i64 as u64;
}

type Fallible = Result<u64, TrapKind>;

/// `ref.as_non_null`'s check of reference bits (0 is null).
#[inline(always)]
pub fn ref_as_non_null(bits: u64) -> Fallible {
    match bits {
        0 => Err(TrapKind::NullReference),
        _ => Ok(bits),
    }
}

/// The store address of the function a `call_ref` or `return_call_ref` calls, from its
/// reference bits (`index + 1`, 0 for null).
#[inline(always)]
pub fn referenced_func(bits: u64) -> Result<u32, TrapKind> {
    match bits {
        0 => Err(TrapKind::NullFunctionReference),
        _ => Ok((bits - 1) as u32),
    }
}

#[inline(always)]
pub fn i32_div_s(a: u64, b: u64) -> Fallible {
    let (a, b) = (i32_of(a), i32_of(b));
    match b {
        0 => Err(TrapKind::IntegerDivideByZero),
        -1 if a == i32::MIN => Err(TrapKind::IntegerOverflow),
        _ => Ok(from_i32(a / b)),
    }
}
#[inline(always)]
pub fn i32_div_u(a: u64, b: u64) -> Fallible {
    let (a, b) = (u32_of(a), u32_of(b));
    a.checked_div(b)
        .map(from_u32)
        .ok_or(TrapKind::IntegerDivideByZero)
}
#[inline(always)]
pub fn i32_rem_s(a: u64, b: u64) -> Fallible {
    let (a, b) = (i32_of(a), i32_of(b));
    if b == 0 {
        return Err(TrapKind::IntegerDivideByZero);
    }
    Ok(from_i32(a.wrapping_rem(b)))
}
#[inline(always)]
pub fn i32_rem_u(a: u64, b: u64) -> Fallible {
    let (a, b) = (u32_of(a), u32_of(b));
    a.checked_rem(b)
        .map(from_u32)
        .ok_or(TrapKind::IntegerDivideByZero)
}
#[inline(always)]
pub fn i64_div_s(a: u64, b: u64) -> Fallible {
    let (a, b) = (a as i64, b as i64);
    match b {
        0 => Err(TrapKind::IntegerDivideByZero),
        -1 if a == i64::MIN => Err(TrapKind::IntegerOverflow),
        _ => Ok((a / b) as u64),
    }
}
#[inline(always)]
pub fn i64_div_u(a: u64, b: u64) -> Fallible {
    a.checked_div(b).ok_or(TrapKind::IntegerDivideByZero)
}
#[inline(always)]
pub fn i64_rem_s(a: u64, b: u64) -> Fallible {
    let (a, b) = (a as i64, b as i64);
    if b == 0 {
        return Err(TrapKind::IntegerDivideByZero);
    }
    Ok(a.wrapping_rem(b) as u64)
}
#[inline(always)]
pub fn i64_rem_u(a: u64, b: u64) -> Fallible {
    a.checked_rem(b).ok_or(TrapKind::IntegerDivideByZero)
}

/// Defines a trapping float-to-int truncation: NaN is an invalid conversion; values whose
/// truncation is outside the open interval `(lo, hi)` overflow.
macro_rules! trunc {
    ($($name:ident($get:ident) -> $int:ty, $put:ident: $lo:expr, $hi:expr;)*) => {
        $(
            #[inline(always)]
            pub fn $name(v: u64) -> Fallible {
                let v = $get(v) as f64;
                if v.is_nan() {
                    Err(TrapKind::InvalidConversionToInteger)
                } else if v <= $lo || v >= $hi {
                    Err(TrapKind::IntegerOverflow)
                } else {
                    Ok($put(v as $int))
                }
            }
        )*
    };
}

trunc! {
    i32_trunc_f32_s(f32_of) -> i32, from_i32: -2147483649.0, 2147483648.0;
    i32_trunc_f32_u(f32_of) -> u32, from_u32: -1.0, 4294967296.0;
    i32_trunc_f64_s(f64_of) -> i32, from_i32: -2147483649.0, 2147483648.0;
    i32_trunc_f64_u(f64_of) -> u32, from_u32: -1.0, 4294967296.0;
    i64_trunc_f32_s(f32_of) -> i64, from_i64: -9223372036854777856.0, 9223372036854775808.0;
    i64_trunc_f32_u(f32_of) -> u64, id: -1.0, 18446744073709551616.0;
    i64_trunc_f64_s(f64_of) -> i64, from_i64: -9223372036854777856.0, 9223372036854775808.0;
    i64_trunc_f64_u(f64_of) -> u64, id: -1.0, 18446744073709551616.0;
}

/// The wide arithmetic of 3.0: 128-bit values as (low, high) pairs of i64 slots.
#[inline(always)]
fn u128_of(low: u64, high: u64) -> u128 {
    (high as u128) << 64 | low as u128
}
#[inline(always)]
fn halves(value: u128) -> [u64; 2] {
    [value as u64, (value >> 64) as u64]
}
/// `i64.add128`: the 128-bit sum, wrapping.
#[inline(always)]
pub fn i64_add128(a_low: u64, a_high: u64, b_low: u64, b_high: u64) -> [u64; 2] {
    halves(u128_of(a_low, a_high).wrapping_add(u128_of(b_low, b_high)))
}
/// `i64.sub128`: the 128-bit difference, wrapping.
#[inline(always)]
pub fn i64_sub128(a_low: u64, a_high: u64, b_low: u64, b_high: u64) -> [u64; 2] {
    halves(u128_of(a_low, a_high).wrapping_sub(u128_of(b_low, b_high)))
}
/// `i64.mul_wide_s`: the full 128-bit product of two signed i64s.
#[inline(always)]
pub fn i64_mul_wide_s(a: u64, b: u64) -> [u64; 2] {
    halves((a as i64 as i128 * b as i64 as i128) as u128)
}
/// `i64.mul_wide_u`: the full 128-bit product of two unsigned i64s.
#[inline(always)]
pub fn i64_mul_wide_u(a: u64, b: u64) -> [u64; 2] {
    halves(a as u128 * b as u128)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_max_follow_the_spec_for_zeros_and_nan() {
        let neg0 = from_f32(-0.0);
        let pos0 = from_f32(0.0);
        assert_eq!(f32_min(pos0, neg0), neg0);
        assert_eq!(f32_min(neg0, pos0), neg0);
        assert_eq!(f32_max(neg0, pos0), pos0);
        assert!(f32_of(f32_min(from_f32(f32::NAN), from_f32(1.0))).is_nan());
        assert!(f64_of(f64_max(from_f64(1.0), from_f64(f64::NAN))).is_nan());
    }

    #[test]
    fn division_traps() {
        assert_eq!(i32_div_s(1, 0), Err(TrapKind::IntegerDivideByZero));
        assert_eq!(
            i32_div_s(from_i32(i32::MIN), from_i32(-1)),
            Err(TrapKind::IntegerOverflow)
        );
        assert_eq!(i32_rem_s(from_i32(i32::MIN), from_i32(-1)), Ok(0));
        assert_eq!(
            i64_div_s(i64::MIN as u64, u64::MAX),
            Err(TrapKind::IntegerOverflow)
        );
        assert_eq!(i32_div_u(from_i32(-1), 2), Ok(0x7fff_ffff));
    }

    #[test]
    fn truncation_bounds() {
        assert_eq!(
            i32_trunc_f32_s(from_f32(-2147483648.0)),
            Ok(from_i32(i32::MIN))
        );
        assert_eq!(
            i32_trunc_f32_s(from_f32(2147483648.0)),
            Err(TrapKind::IntegerOverflow)
        );
        assert_eq!(
            i32_trunc_f64_s(from_f64(-2147483648.9)),
            Ok(from_i32(i32::MIN))
        );
        assert_eq!(i32_trunc_f64_u(from_f64(-0.9)), Ok(0));
        assert_eq!(
            i32_trunc_f32_u(from_f32(f32::NAN)),
            Err(TrapKind::InvalidConversionToInteger)
        );
        assert_eq!(
            i64_trunc_f64_s(from_f64(-9223372036854775808.0)),
            Ok(i64::MIN as u64)
        );
        assert_eq!(i32_trunc_sat_f32_s(from_f32(f32::NAN)), 0);
        assert_eq!(i32_trunc_sat_f64_u(from_f64(-5.0)), 0);
    }

    #[test]
    fn wide_arithmetic_carries_and_borrows_across_the_halves() {
        assert_eq!(i64_add128(u64::MAX, 0, 1, 0), [0, 1]);
        assert_eq!(i64_add128(u64::MAX, u64::MAX, 1, 0), [0, 0]);
        assert_eq!(i64_sub128(0, 1, 1, 0), [u64::MAX, 0]);
        assert_eq!(i64_mul_wide_u(u64::MAX, 2), [u64::MAX - 1, 1]);
        assert_eq!(i64_mul_wide_s(-1i64 as u64, 2), [-2i64 as u64, u64::MAX]);
    }

    #[test]
    fn nearest_rounds_ties_to_even() {
        assert_eq!(f64_of(f64_nearest(from_f64(2.5))), 2.0);
        assert_eq!(f64_of(f64_nearest(from_f64(-3.5))), -4.0);
        assert_eq!(
            f32_of(f32_nearest(from_f32(-0.5))).to_bits(),
            (-0.0f32).to_bits()
        );
    }
}
