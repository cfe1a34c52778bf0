//! The 128-bit SIMD instructions in the stepper. Each operator of `isa::simd`'s tables
//! runs the function its row names in `exec::simd`, the executors' own semantics, so
//! the meaning stays written once; a `v128` is one value on the operand stack (shown
//! as lanes). The memory accesses check bounds as the scalar ones do, and a lane's
//! load or store is a `replace_lane` or `extract_lane` of its width.

use wasmparser::{MemArg, Operator};

use super::machine::{Stepper, Typed};
use super::operators::{effective, memory_index};
use crate::interp::exec::simd::{self, Vector};
use crate::interp::store::Store;
use crate::interp::types::{TrapKind, ValType};

/// `fn $fname(op) -> Option<semantics>` for each row of a table with no immediates.
macro_rules! semantics_of {
    ($fname:ident, $sem:ty; $enum:ident: $($variant:ident $name:literal $f:ident,)*) => {
        fn $fname(op: &Operator) -> Option<$sem> {
            Some(match op {
                $( Operator::$variant => simd::$f as $sem, )*
                _ => return None,
            })
        }
    };
}

/// The same for a table whose operators take a lane index: the semantics, the lane,
/// and the operator's name (its shape gives a lane's type).
macro_rules! lane_semantics_of {
    ($fname:ident, $sem:ty; $enum:ident: $($variant:ident $name:literal $f:ident,)*) => {
        fn $fname(op: &Operator) -> Option<($sem, u8, &'static str)> {
            Some(match *op {
                $( Operator::$variant { lane } => (simd::$f as $sem, lane, $name), )*
                _ => return None,
            })
        }
    };
}

/// The loads: the bytes read, and the vector they make.
macro_rules! loads {
    ($enum:ident: $($variant:ident $name:literal $bytes:literal $f:ident,)*) => {
        fn load(op: &Operator, bytes: &[u8]) -> Option<Vector> {
            Some(match op {
                $( Operator::$variant { .. } => simd::$f(bytes.try_into().ok()?), )*
                _ => return None,
            })
        }

        fn load_size(op: &Operator) -> Option<(MemArg, usize)> {
            Some(match *op {
                $( Operator::$variant { memarg } => (memarg, $bytes), )*
                _ => return None,
            })
        }
    };
}

/// The lane loads and stores: the memory argument, the lane, its width in bytes, and
/// whether it is a load.
macro_rules! lane_accesses {
    ($enum:ident: $($load:ident $store:ident $load_name:literal $store_name:literal $bytes:literal,)*) => {
        fn lane_access(op: &Operator) -> Option<(MemArg, u8, usize, bool)> {
            Some(match *op {
                $(
                    Operator::$load { memarg, lane } => (memarg, lane, $bytes, true),
                    Operator::$store { memarg, lane } => (memarg, lane, $bytes, false),
                )*
                _ => return None,
            })
        }
    };
}

for_each_v128_unary!(semantics_of unary, fn(Vector) -> Vector;);
for_each_v128_binary!(semantics_of binary, fn(Vector, Vector) -> Vector;);
for_each_v128_ternary!(semantics_of ternary, fn(Vector, Vector, Vector) -> Vector;);
for_each_v128_test!(semantics_of test, fn(Vector) -> u64;);
for_each_v128_shift!(semantics_of shift, fn(Vector, u64) -> Vector;);
for_each_v128_splat!(semantics_of splat, fn(u64) -> Vector;);
for_each_v128_extract!(lane_semantics_of extract, fn(Vector, u8) -> u64;);
for_each_v128_replace!(lane_semantics_of replace, fn(Vector, u8, u64) -> Vector;);
for_each_v128_load!(loads);
for_each_v128_lane_access!(lane_accesses);

/// The scalar type of a lane of the shape that starts `name` (`f32x4.extract_lane`:
/// `f32`; the narrow integer lanes are read as `i32`).
fn lane_type(name: &str) -> ValType {
    match name.get(..3) {
        Some("i64") => ValType::I64,
        Some("f32") => ValType::F32,
        Some("f64") => ValType::F64,
        _ => ValType::I32,
    }
}

/// A lane of `width` bytes: replaced by `bits`, and read (zero-extended).
fn replace_lane(width: usize) -> fn(Vector, u8, u64) -> Vector {
    match width {
        1 => simd::i8x16_replace_lane,
        2 => simd::i16x8_replace_lane,
        4 => simd::i32x4_replace_lane,
        _ => simd::i64x2_replace_lane,
    }
}

fn extract_lane(width: usize) -> fn(Vector, u8) -> u64 {
    match width {
        1 => simd::i8x16_extract_lane_u,
        2 => simd::i16x8_extract_lane_u,
        4 => simd::i32x4_extract_lane,
        _ => simd::i64x2_extract_lane,
    }
}

impl Stepper {
    /// Pops the `v128` on top.
    fn pop_vector(&mut self) -> Vector {
        self.pop().vector().to_le_bytes()
    }

    fn push_vector(&mut self, vector: Vector) {
        self.stack.push(Typed::v128(u128::from_le_bytes(vector)));
    }

    /// Runs `op` if it is a SIMD instruction (`None` otherwise).
    pub(super) fn simd<T>(
        &mut self,
        store: &mut Store<T>,
        op: &Operator<'_>,
    ) -> Option<Result<(), TrapKind>> {
        if let Some(f) = unary(op) {
            let a = self.pop_vector();
            self.push_vector(f(a));
        } else if let Some(f) = binary(op) {
            let (b, a) = (self.pop_vector(), self.pop_vector());
            self.push_vector(f(a, b));
        } else if let Some(f) = ternary(op) {
            let (c, b, a) = (self.pop_vector(), self.pop_vector(), self.pop_vector());
            self.push_vector(f(a, b, c));
        } else if let Some(f) = test(op) {
            let a = self.pop_vector();
            self.push(ValType::I32, f(a));
        } else if let Some(f) = shift(op) {
            let (count, a) = (self.pop().bits, self.pop_vector());
            self.push_vector(f(a, count));
        } else if let Some(f) = splat(op) {
            let x = self.pop().bits;
            self.push_vector(f(x));
        } else if let Some((f, lane, name)) = extract(op) {
            let a = self.pop_vector();
            self.push(lane_type(name), f(a, lane));
        } else if let Some((f, lane, _)) = replace(op) {
            let (x, a) = (self.pop().bits, self.pop_vector());
            self.push_vector(f(a, lane, x));
        } else {
            return self.simd_other(store, op);
        }
        Some(Ok(()))
    }

    /// Constants, shuffles, and the instructions that access memory.
    fn simd_other<T>(
        &mut self,
        store: &mut Store<T>,
        op: &Operator<'_>,
    ) -> Option<Result<(), TrapKind>> {
        match *op {
            Operator::V128Const { value } => {
                self.push_vector(*value.bytes());
            }
            Operator::I8x16Shuffle { lanes } => {
                let (b, a) = (self.pop_vector(), self.pop_vector());
                self.push_vector(simd::i8x16_shuffle(a, b, lanes));
            }
            Operator::V128Store { memarg } => {
                let value = self.pop_vector();
                return Some(self.write(store, memarg, &value));
            }
            _ => {
                if let Some((memarg, size)) = load_size(op) {
                    return Some(self.read(store, memarg, size).map(|bytes| {
                        let vector = load(op, &bytes).expect("the row's own size");
                        self.push_vector(vector);
                    }));
                }
                let (memarg, lane, width, loads) = lane_access(op)?;
                if loads {
                    let vector = self.pop_vector();
                    return Some(self.read(store, memarg, width).map(|bytes| {
                        let mut value = [0; 8];
                        value[..width].copy_from_slice(&bytes);
                        let bits = u64::from_le_bytes(value);
                        let vector = replace_lane(width)(vector, lane, bits);
                        self.push_vector(vector);
                    }));
                }
                let vector = self.pop_vector();
                let bits = extract_lane(width)(vector, lane);
                return Some(self.write(store, memarg, &bits.to_le_bytes()[..width]));
            }
        }
        Some(Ok(()))
    }

    /// Pops the address and reads `size` bytes at it (plus the offset).
    fn read<T>(
        &mut self,
        store: &Store<T>,
        memarg: MemArg,
        size: usize,
    ) -> Result<Vec<u8>, TrapKind> {
        let address = self.address(memarg);
        let memory = self.memory(store, memory_index(memarg));
        let range = effective(address, size, memory.len())?;
        Ok(memory[range].to_vec())
    }

    /// Pops the address and writes `bytes` at it (plus the offset).
    fn write<T>(
        &mut self,
        store: &mut Store<T>,
        memarg: MemArg,
        bytes: &[u8],
    ) -> Result<(), TrapKind> {
        let address = self.address(memarg);
        let memory = self.memory_mut(store, memory_index(memarg));
        let range = effective(address, bytes.len(), memory.len())?;
        memory[range].copy_from_slice(bytes);
        Ok(())
    }
}
