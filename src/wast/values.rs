//! Comparing results with a script's expectations: exact bits, `nan:canonical`,
//! `nan:arithmetic`, and reference patterns.

use wast::core::{AbstractHeapType, HeapType, NanPattern, WastRetCore};
use wast::WastRet;

use crate::interp::Value;

pub fn null_of(heap: &HeapType) -> Result<Value, String> {
    match heap {
        HeapType::Abstract {
            ty: AbstractHeapType::Func,
            ..
        } => Ok(Value::FuncRef(None)),
        HeapType::Abstract {
            ty: AbstractHeapType::Extern,
            ..
        } => Ok(Value::ExternRef(None)),
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
        (Value::F32(v), WastRetCore::F32(pattern)) => match pattern {
            NanPattern::CanonicalNan => v.to_bits() & 0x7fff_ffff == 0x7fc0_0000,
            NanPattern::ArithmeticNan => v.is_nan() && v.to_bits() & 0x0040_0000 != 0,
            NanPattern::Value(w) => v.to_bits() == w.bits,
        },
        (Value::F64(v), WastRetCore::F64(pattern)) => match pattern {
            NanPattern::CanonicalNan => {
                v.to_bits() & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000
            }
            NanPattern::ArithmeticNan => v.is_nan() && v.to_bits() & 0x0008_0000_0000_0000 != 0,
            NanPattern::Value(w) => v.to_bits() == w.bits,
        },
        (Value::FuncRef(r), WastRetCore::RefNull(_)) => r.is_none(),
        (Value::ExternRef(r), WastRetCore::RefNull(_)) => r.is_none(),
        (Value::ExternRef(r), WastRetCore::RefExtern(w)) => match w {
            Some(w) => *r == Some(*w),
            None => r.is_some(),
        },
        (Value::FuncRef(r), WastRetCore::RefFunc(_)) => r.is_some(),
        (_, WastRetCore::Either(options)) => options.iter().any(|w| matches(value, w)),
        _ => false,
    }
}
