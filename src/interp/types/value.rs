//! Values and value types as the embedder sees them: `Value`, `ValType`.
//!
//! Inside the executor every value is untyped 64-bit slots (validation proved the
//! types): one slot per value, two consecutive slots for a `v128` (low half first); this
//! module owns the conversions between the two views.

use std::fmt;

use super::handles::Func;
use super::ref_type::{Hierarchy, RefType};

/// A WebAssembly value type (WebAssembly 2.0 with 128-bit SIMD, and 3.0's typed
/// function references).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
    V128,
    Ref(RefType),
}

impl ValType {
    /// `funcref`.
    pub const FUNCREF: ValType = ValType::Ref(RefType::FUNCREF);
    /// `externref`.
    pub const EXTERNREF: ValType = ValType::Ref(RefType::EXTERNREF);

    /// The zero value of this type (what a fresh local or `ref.null` holds; null for
    /// every reference type, the non-nullable ones too: validation proves that code
    /// never reads such a local before setting it).
    pub fn default_value(self) -> Value {
        match self {
            ValType::I32 => Value::I32(0),
            ValType::I64 => Value::I64(0),
            ValType::F32 => Value::F32(0.0),
            ValType::F64 => Value::F64(0.0),
            ValType::V128 => Value::V128(0),
            ValType::Ref(r) => Value::null_of(r),
        }
    }

    /// How many 64-bit slots a value of this type takes: 2 for a `v128`, 1 otherwise.
    #[inline(always)]
    pub fn slots(self) -> usize {
        match self {
            ValType::V128 => 2,
            _ => 1,
        }
    }

    /// The slots `types` take together (a signature's parameters or results).
    pub fn slots_of(types: &[ValType]) -> usize {
        types.iter().map(|ty| ty.slots()).sum()
    }
}

impl fmt::Display for ValType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
            ValType::V128 => "v128",
            ValType::Ref(r) => return write!(f, "{r}"),
        })
    }
}

/// A typed WebAssembly value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    I32(i32),
    I64(i64),
    F32(f32),
    F64(f64),
    /// A 128-bit vector, lane 0 in the low bits (as memory holds it, little-endian).
    V128(u128),
    /// A function reference (`None` is `ref.null func`, or null of any function type).
    FuncRef(Option<Func>),
    /// An opaque host reference (`None` is `ref.null extern`).
    ExternRef(Option<u32>),
    /// An exception (its index among the store's exceptions; `None` is `ref.null exn`).
    ExnRef(Option<u32>),
    /// The null of GC's `any` hierarchy (`anyref`, `eqref`, `nullref`...): the only value
    /// of those types wasmcade has (GC is not supported).
    NullAny,
}

impl Value {
    pub fn ty(&self) -> ValType {
        match self {
            Value::I32(_) => ValType::I32,
            Value::I64(_) => ValType::I64,
            Value::F32(_) => ValType::F32,
            Value::F64(_) => ValType::F64,
            Value::V128(_) => ValType::V128,
            Value::FuncRef(_) => ValType::FUNCREF,
            Value::ExternRef(_) => ValType::EXTERNREF,
            Value::ExnRef(_) => ValType::Ref(RefType::EXNREF),
            Value::NullAny => ValType::Ref(RefType::ANYREF),
        }
    }

    /// The null reference of `r`'s hierarchy.
    pub fn null_of(r: RefType) -> Value {
        match r.heap.hierarchy() {
            Hierarchy::Func => Value::FuncRef(None),
            Hierarchy::Extern => Value::ExternRef(None),
            Hierarchy::Exn => Value::ExnRef(None),
            Hierarchy::Any => Value::NullAny,
        }
    }

    /// The untyped 64-bit slot representation used by the executor (a `v128`'s low
    /// half: see `write_slots`). References are stored as `index + 1`, with 0 meaning null.
    pub(crate) fn to_bits(self) -> u64 {
        match self {
            Value::V128(v) => v as u64,
            Value::I32(v) => v as u32 as u64,
            Value::I64(v) => v as u64,
            Value::F32(v) => v.to_bits() as u64,
            Value::F64(v) => v.to_bits(),
            Value::FuncRef(r) => r.map_or(0, |f| f.0 as u64 + 1),
            Value::ExternRef(r) | Value::ExnRef(r) => r.map_or(0, |x| x as u64 + 1),
            Value::NullAny => 0,
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
            ValType::V128 => Value::V128(bits as u128),
            ValType::Ref(r) => {
                let index = bits.checked_sub(1);
                match r.heap.hierarchy() {
                    Hierarchy::Func => Value::FuncRef(index.map(|i| Func(i as u32, store))),
                    Hierarchy::Extern => Value::ExternRef(index.map(|i| i as u32)),
                    Hierarchy::Exn => Value::ExnRef(index.map(|i| i as u32)),
                    Hierarchy::Any => Value::NullAny,
                }
            }
        }
    }
}

impl Value {
    /// The value's high slot: a `v128`'s upper 64 bits (0 for the other types).
    pub(crate) fn high_bits(self) -> u64 {
        match self {
            Value::V128(v) => (v >> 64) as u64,
            _ => 0,
        }
    }

    /// Writes the value into the front of `slots` (`ty().slots()` of them, which it
    /// must hold) with `bits` its low slot's bits (`to_bits`, or a store's checked form).
    pub(crate) fn write_slots(self, bits: u64, slots: &mut [u64]) {
        slots[0] = bits;
        if let Value::V128(_) = self {
            slots[1] = self.high_bits();
        }
    }

    /// The value of type `ty` in the front of `slots` (see `from_bits`).
    pub(crate) fn read_slots(ty: ValType, slots: &[u64], store: u64) -> Value {
        match ty {
            ValType::V128 => Value::V128(slots[0] as u128 | (slots[1] as u128) << 64),
            _ => Value::from_bits(ty, slots[0], store),
        }
    }

    /// The values of `types` laid out in `slots` one after the other.
    pub(crate) fn read_all(types: &[ValType], slots: &[u64], store: u64) -> Vec<Value> {
        let mut at = 0;
        types
            .iter()
            .map(|&ty| {
                let value = Value::read_slots(ty, &slots[at..], store);
                at += ty.slots();
                value
            })
            .collect()
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
            Value::V128(v) => write!(f, "{}", V128Lanes::I32x4(*v)),
            Value::FuncRef(None) | Value::ExternRef(None) | Value::ExnRef(None) => {
                f.write_str("null")
            }
            Value::NullAny => f.write_str("null"),
            Value::ExnRef(Some(x)) => write!(f, "ref.exn {x}"),
            Value::FuncRef(Some(func)) => write!(f, "ref.func {}", func.0),
            Value::ExternRef(Some(x)) => write!(f, "ref.extern {x}"),
        }
    }
}

/// A `v128` shown by lanes, WAT-style: `i32x4 1 2 3 4` (lane 0 first; float lanes as
/// `Debug` shows them: `1.5`, `1e-45`, `NaN`).
#[derive(Debug, Clone, Copy)]
pub enum V128Lanes {
    I8x16(u128),
    I16x8(u128),
    I32x4(u128),
    I64x2(u128),
    F32x4(u128),
    F64x2(u128),
}

impl V128Lanes {
    /// `v` by the lanes an operator named `name` reads (`f32x4.add`: f32 lanes; i32
    /// lanes for the untyped ones, `v128.and`).
    pub fn for_operator(name: &str, v: u128) -> V128Lanes {
        match name.get(..5) {
            Some("i8x16") => V128Lanes::I8x16(v),
            Some("i16x8") => V128Lanes::I16x8(v),
            Some("i64x2") => V128Lanes::I64x2(v),
            Some("f32x4") => V128Lanes::F32x4(v),
            Some("f64x2") => V128Lanes::F64x2(v),
            _ => V128Lanes::I32x4(v),
        }
    }
}

impl fmt::Display for V128Lanes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn lanes<const N: usize>(v: u128) -> impl Iterator<Item = u128> {
            let bits = 128 / N;
            let mask = u128::MAX >> (128 - bits);
            (0..N).map(move |i| (v >> (i * bits)) & mask)
        }
        let (name, text): (&str, Vec<String>) = match *self {
            V128Lanes::I8x16(v) => (
                "i8x16",
                lanes::<16>(v).map(|l| (l as i8).to_string()).collect(),
            ),
            V128Lanes::I16x8(v) => (
                "i16x8",
                lanes::<8>(v).map(|l| (l as i16).to_string()).collect(),
            ),
            V128Lanes::I32x4(v) => (
                "i32x4",
                lanes::<4>(v).map(|l| (l as i32).to_string()).collect(),
            ),
            V128Lanes::I64x2(v) => (
                "i64x2",
                lanes::<2>(v).map(|l| (l as i64).to_string()).collect(),
            ),
            V128Lanes::F32x4(v) => (
                "f32x4",
                lanes::<4>(v)
                    .map(|l| format!("{:?}", f32::from_bits(l as u32)))
                    .collect(),
            ),
            V128Lanes::F64x2(v) => (
                "f64x2",
                lanes::<2>(v)
                    .map(|l| format!("{:?}", f64::from_bits(l as u64)))
                    .collect(),
            ),
        };
        write!(f, "{name} {}", text.join(" "))
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
            Value::from_bits(ValType::FUNCREF, 0, 0),
            Value::FuncRef(None)
        );
        assert_eq!(
            Value::from_bits(ValType::EXTERNREF, 8, 0),
            Value::ExternRef(Some(7))
        );
        assert_eq!(
            Value::from_bits(ValType::I32, Value::I32(-1).to_bits(), 0),
            Value::I32(-1)
        );
    }

    #[test]
    fn v128_takes_two_slots_low_half_first() {
        let v = Value::V128(0x0000_0004_0000_0003_0000_0002_0000_0001);
        let mut slots = [0u64; 3];
        v.write_slots(v.to_bits(), &mut slots);
        assert_eq!(slots, [0x0000_0002_0000_0001, 0x0000_0004_0000_0003, 0]);
        assert_eq!(Value::read_slots(ValType::V128, &slots, 0), v);
        assert_eq!(v.to_string(), "i32x4 1 2 3 4");
        assert_eq!(ValType::slots_of(&[ValType::I32, ValType::V128]), 3);
        let back = Value::read_all(&[ValType::V128, ValType::I32], &[1, 2, 7], 0);
        assert_eq!(back, [Value::V128(1 | 2 << 64), Value::I32(7)]);
    }
}
