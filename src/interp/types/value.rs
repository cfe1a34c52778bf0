//! Values and types as the embedder sees them: `Value`, `ValType`, `FuncType`.
//!
//! Inside the executor every value is an untyped 64-bit slot (validation proved the
//! types); this module owns the conversions between the two views.

use std::fmt;

use super::handles::Func;

/// A WebAssembly value type (WebAssembly 2.0 without SIMD).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
    FuncRef,
    ExternRef,
}

impl ValType {
    /// The zero value of this type (what a fresh local or `ref.null` holds).
    pub fn default_value(self) -> Value {
        match self {
            ValType::I32 => Value::I32(0),
            ValType::I64 => Value::I64(0),
            ValType::F32 => Value::F32(0.0),
            ValType::F64 => Value::F64(0.0),
            ValType::FuncRef => Value::FuncRef(None),
            ValType::ExternRef => Value::ExternRef(None),
        }
    }

    pub(crate) fn from_wasmparser(ty: wasmparser::ValType) -> Option<ValType> {
        use wasmparser::ValType as W;
        Some(match ty {
            W::I32 => ValType::I32,
            W::I64 => ValType::I64,
            W::F32 => ValType::F32,
            W::F64 => ValType::F64,
            W::Ref(r) if r.is_func_ref() => ValType::FuncRef,
            W::Ref(r) if r.is_extern_ref() => ValType::ExternRef,
            _ => return None,
        })
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::FuncRef => "funcref",
            ValType::ExternRef => "externref",
        })
    }
}

/// A function signature.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FuncType {
    params: Box<[ValType]>,
    results: Box<[ValType]>,
}

impl FuncType {
    pub fn new(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> Self {
        FuncType {
            params: params.into_iter().collect(),
            results: results.into_iter().collect(),
        }
    }

    pub fn params(&self) -> &[ValType] {
        &self.params
    }

    pub fn results(&self) -> &[ValType] {
        &self.results
    }
}

/// WAT-like: `(func (param f64 f64) (result i32))`.
impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(func")?;
        for (keyword, types) in [("param", &self.params), ("result", &self.results)] {
            if !types.is_empty() {
                write!(f, " ({keyword}")?;
                for ty in types.iter() {
                    write!(f, " {ty}")?;
                }
                f.write_str(")")?;
            }
        }
        f.write_str(")")
    }
}

/// A typed WebAssembly value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    I32(i32),
    I64(i64),
    F32(f32),
    F64(f64),
    /// A function reference (`None` is `ref.null func`).
    FuncRef(Option<Func>),
    /// An opaque host reference (`None` is `ref.null extern`).
    ExternRef(Option<u32>),
}

impl Value {
    pub fn ty(&self) -> ValType {
        match self {
            Value::I32(_) => ValType::I32,
            Value::I64(_) => ValType::I64,
            Value::F32(_) => ValType::F32,
            Value::F64(_) => ValType::F64,
            Value::FuncRef(_) => ValType::FuncRef,
            Value::ExternRef(_) => ValType::ExternRef,
        }
    }

    /// The untyped 64-bit slot representation used by the executor.
    /// References are stored as `index + 1`, with 0 meaning null.
    pub(crate) fn to_bits(self) -> u64 {
        match self {
            Value::I32(v) => v as u32 as u64,
            Value::I64(v) => v as u64,
            Value::F32(v) => v.to_bits() as u64,
            Value::F64(v) => v.to_bits(),
            Value::FuncRef(r) => r.map_or(0, |f| f.0 as u64 + 1),
            Value::ExternRef(r) => r.map_or(0, |x| x as u64 + 1),
        }
    }

    /// The value of type `ty` in slot bits of the store with id `store` (function
    /// references are indices into it).
    pub(crate) fn from_bits(ty: ValType, bits: u64, store: u64) -> Value {
        match ty {
            ValType::I32 => Value::I32(bits as u32 as i32),
            ValType::I64 => Value::I64(bits as i64),
            ValType::F32 => Value::F32(f32::from_bits(bits as u32)),
            ValType::F64 => Value::F64(f64::from_bits(bits)),
            ValType::FuncRef => Value::FuncRef(bits.checked_sub(1).map(|i| Func(i as u32, store))),
            ValType::ExternRef => Value::ExternRef(bits.checked_sub(1).map(|i| i as u32)),
        }
    }
}

/// Prints the value the way `wasmcade run` shows results: `42`, `1.5`, `null`, `ref.func 3`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::I32(v) => write!(f, "{v}"),
            Value::I64(v) => write!(f, "{v}"),
            Value::F32(v) => write!(f, "{v}"),
            Value::F64(v) => write!(f, "{v}"),
            Value::FuncRef(None) | Value::ExternRef(None) => f.write_str("null"),
            Value::FuncRef(Some(func)) => write!(f, "ref.func {}", func.0),
            Value::ExternRef(Some(x)) => write!(f, "ref.extern {x}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_round_trip_keeps_nan_payloads_and_null() {
        let nan = f32::from_bits(0x7fa0_0001);
        match Value::from_bits(ValType::F32, Value::F32(nan).to_bits(), 0) {
            Value::F32(back) => assert_eq!(back.to_bits(), 0x7fa0_0001),
            other => panic!("wrong type {other:?}"),
        }
        assert_eq!(
            Value::from_bits(ValType::FuncRef, 0, 0),
            Value::FuncRef(None)
        );
        assert_eq!(
            Value::from_bits(ValType::ExternRef, 8, 0),
            Value::ExternRef(Some(7))
        );
        assert_eq!(
            Value::from_bits(ValType::I32, Value::I32(-1).to_bits(), 0),
            Value::I32(-1)
        );
    }

    #[test]
    fn func_type_prints_like_wat() {
        let ty = FuncType::new([ValType::F64, ValType::I32], [ValType::I32]);
        assert_eq!(ty.to_string(), "(func (param f64 i32) (result i32))");
        assert_eq!(FuncType::new([], []).to_string(), "(func)");
    }
}
