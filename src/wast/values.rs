//! Comparing results with a script's expectations: exact bits, `nan:canonical`,
//! `nan:arithmetic`, and reference patterns.

use wast::core::{AbstractHeapType, HeapType, NanPattern, V128Pattern, WastRetCore};
use wast::token::{F32, F64};
use wast::WastRet;

use crate::interp::Value;

pub fn null_of(heap: &HeapType) -> Result<Value, String> {
    match heap {
        HeapType::Abstract {
            ty: AbstractHeapType::Func | AbstractHeapType::NoFunc,
            ..
        }
        | HeapType::Concrete(_) => Ok(Value::FuncRef(None)),
        HeapType::Abstract {
            ty: AbstractHeapType::Extern | AbstractHeapType::NoExtern,
            ..
        } => Ok(Value::ExternRef(None)),
        HeapType::Abstract {
            ty: AbstractHeapType::Exn | AbstractHeapType::NoExn,
            ..
        } => Ok(Value::ExnRef(None)),
        HeapType::Abstract {
            ty:
                AbstractHeapType::Any
                | AbstractHeapType::Eq
                | AbstractHeapType::I31
                | AbstractHeapType::Struct
                | AbstractHeapType::Array
                | AbstractHeapType::None,
            ..
        } => Ok(Value::NullAny),
        other => Err(format!("unsupported heap type {other:?}")),
    }
}

pub fn check_results(actual: &[Value], expected: &[WastRet]) -> Result<(), String> {
    if actual.len() != expected.len() {
        return Err(format!(
            "expected {} results, got {actual:?}",
            expected.len()
        ));
    }
    for (i, (value, want)) in actual.iter().zip(expected).enumerate() {
        let WastRet::Core(want) = want else {
            return Err("component-model result".to_string());
        };
        if !matches(value, want) {
            return Err(format!("result {i}: expected {want:?}, got {value:?}"));
        }
    }
    Ok(())
}

fn matches(value: &Value, want: &WastRetCore) -> bool {
    match (value, want) {
        (Value::I32(v), WastRetCore::I32(w)) => v == w,
        (Value::I64(v), WastRetCore::I64(w)) => v == w,
        (Value::F32(v), WastRetCore::F32(pattern)) => f32_matches(v.to_bits(), pattern),
        (Value::F64(v), WastRetCore::F64(pattern)) => f64_matches(v.to_bits(), pattern),
        (Value::V128(v), WastRetCore::V128(pattern)) => v128_matches(*v, pattern),
        // A null of the expected heap type's hierarchy (of any, without one).
        (_, WastRetCore::RefNull(heap)) => match heap {
            Some(heap) => null_of(heap).is_ok_and(|null| null == *value),
            None => matches!(
                value,
                Value::FuncRef(None)
                    | Value::ExternRef(None)
                    | Value::ExnRef(None)
                    | Value::NullAny
            ),
        },
        (Value::ExternRef(r), WastRetCore::RefExtern(w)) => match w {
            Some(w) => *r == Some(*w),
            None => r.is_some(),
        },
        (Value::FuncRef(r), WastRetCore::RefFunc(_)) => r.is_some(),
        (_, WastRetCore::Either(options)) => options.iter().any(|w| matches(value, w)),
        _ => false,
    }
}

fn f32_matches(bits: u32, pattern: &NanPattern<F32>) -> bool {
    match pattern {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => f32::from_bits(bits).is_nan() && bits & 0x0040_0000 != 0,
        NanPattern::Value(w) => bits == w.bits,
    }
}

fn f64_matches(bits: u64, pattern: &NanPattern<F64>) -> bool {
    match pattern {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => {
            f64::from_bits(bits).is_nan() && bits & 0x0008_0000_0000_0000 != 0
        }
        NanPattern::Value(w) => bits == w.bits,
    }
}

/// A vector against a lane pattern: integer lanes exactly, float lanes each by its
/// own pattern (a value or a NaN kind).
fn v128_matches(v: u128, pattern: &V128Pattern) -> bool {
    let lane = |i: usize, bits: usize| (v >> (i * bits)) & (u128::MAX >> (128 - bits));
    match pattern {
        V128Pattern::I8x16(w) => (0..16).all(|i| lane(i, 8) as u8 == w[i] as u8),
        V128Pattern::I16x8(w) => (0..8).all(|i| lane(i, 16) as u16 == w[i] as u16),
        V128Pattern::I32x4(w) => (0..4).all(|i| lane(i, 32) as u32 == w[i] as u32),
        V128Pattern::I64x2(w) => (0..2).all(|i| lane(i, 64) as u64 == w[i] as u64),
        V128Pattern::F32x4(w) => (0..4).all(|i| f32_matches(lane(i, 32) as u32, &w[i])),
        V128Pattern::F64x2(w) => (0..2).all(|i| f64_matches(lane(i, 64) as u64, &w[i])),
    }
}

/// The value of a `v128.const` argument.
pub fn v128_of(value: &wast::core::V128Const) -> Value {
    Value::V128(u128::from_le_bytes(value.to_le_bytes()))
}
