//! The 128-bit SIMD operators (the tables of `isa::simd`), and the `v128` forms of the
//! untyped operators (`select`, `global.get`/`set`). A `v128` operand is two operand
//! stack positions, two consecutive slots, low half first (`Translator::upper` marks the
//! upper halves, so that `drop` and `select` know a vector's width).
//!
//! A body's `v128` constants (of `v128.const` and the lane indices of `i8x16.shuffle`)
//! get slots of their own after the locals, written once when the function starts, which
//! the operators read in place as they read locals: a loop does not write them again on
//! every iteration, and no vector is read right after being written half by half (which
//! would stall the processor's forwarding of the two stores to the one load).

use wasmparser::{BinaryReaderError, FunctionBody, Operator};

use super::stack::Operand;
use super::{Emit, Translator};
use crate::interp::isa::{
    Op, Slot, V128Binary, V128Extract, V128Lane, V128Load, V128Replace, V128Shift, V128Splat,
    V128Ternary, V128Test, V128Unary,
};
use crate::interp::types::ValType;

/// One of the table-driven SIMD operators, by shape.
enum Simd {
    Unary(V128Unary),
    Binary(V128Binary),
    Ternary(V128Ternary),
    Test(V128Test),
    Shift(V128Shift),
    Splat(V128Splat),
    Extract(V128Extract, u8),
    Replace(V128Replace, u8),
    Load(V128Load, u32),
    LoadLane(V128Lane, u8, u32),
    StoreLane(V128Lane, u8, u32),
}

/// `Simd::$shape` for each operator of a table (same name as wasmparser's operator).
macro_rules! simd_of_operator {
    ($fname:ident $shape:ident; $enum:ident: $($variant:ident $name:literal $f:ident,)*) => {
        fn $fname(op: &Operator) -> Option<Simd> {
            Some(match op {
                $( Operator::$variant => Simd::$shape($enum::$variant), )*
                _ => return None,
            })
        }
    };
}
macro_rules! simd_of_lane_operator {
    ($fname:ident $shape:ident; $enum:ident: $($variant:ident $name:literal $f:ident,)*) => {
        fn $fname(op: &Operator) -> Option<Simd> {
            Some(match *op {
                $( Operator::$variant { lane } => Simd::$shape($enum::$variant, lane), )*
                _ => return None,
            })
        }
    };
}
macro_rules! simd_of_load {
    ($enum:ident: $($variant:ident $name:literal $bytes:literal $f:ident,)*) => {
        /// The memory immediate of a SIMD load (or lane access).
        pub(super) fn memarg_of(op: &Operator) -> Option<wasmparser::MemArg> {
            match *op {
                $( Operator::$variant { memarg } => Some(memarg), )*
                _ => lane_memarg_of(op),
            }
        }

        fn load_of(op: &Operator) -> Option<Simd> {
            Some(match op {
                // Without memory64 the validator proved the offset fits in 32 bits.
                $( Operator::$variant { memarg } => Simd::Load($enum::$variant, memarg.offset as u32), )*
                _ => return None,
            })
        }
    };
}
macro_rules! simd_of_lane_access {
    ($enum:ident: $($load:ident $store:ident $load_name:literal $store_name:literal $bytes:literal,)*) => {
        fn lane_memarg_of(op: &Operator) -> Option<wasmparser::MemArg> {
            match *op {
                $( Operator::$load { memarg, .. } | Operator::$store { memarg, .. } => Some(memarg), )*
                _ => None,
            }
        }

        fn lane_access_of(op: &Operator) -> Option<Simd> {
            Some(match *op {
                $(
                    Operator::$load { memarg, lane } => Simd::LoadLane($enum::$load, lane, memarg.offset as u32),
                    Operator::$store { memarg, lane } => Simd::StoreLane($enum::$load, lane, memarg.offset as u32),
                )*
                _ => return None,
            })
        }
    };
}
for_each_v128_unary!(simd_of_operator unary_of Unary;);
for_each_v128_binary!(simd_of_operator binary_of Binary;);
for_each_v128_ternary!(simd_of_operator ternary_of Ternary;);
for_each_v128_test!(simd_of_operator test_of Test;);
for_each_v128_shift!(simd_of_operator shift_of Shift;);
for_each_v128_splat!(simd_of_operator splat_of Splat;);
for_each_v128_extract!(simd_of_lane_operator extract_of Extract;);
for_each_v128_replace!(simd_of_lane_operator replace_of Replace;);
for_each_v128_load!(simd_of_load);
for_each_v128_lane_access!(simd_of_lane_access);

/// The most constants a body gets slots for (the rest are written where they are used).
const MAX_VECTOR_CONSTANTS: usize = 64;

/// The distinct `v128` constants of `body`, in order of first use, at most
/// `MAX_VECTOR_CONSTANTS`. A body without the SIMD prefix byte anywhere has none and
/// is not read.
pub(super) fn vector_constants(body: &FunctionBody<'_>) -> Result<Vec<u128>, BinaryReaderError> {
    let mut constants = Vec::new();
    if !body.as_bytes().contains(&0xfd) {
        return Ok(constants);
    }
    let mut reader = body.get_operators_reader()?;
    while !reader.eof() && constants.len() < MAX_VECTOR_CONSTANTS {
        let value = match reader.read()? {
            Operator::V128Const { value } => value.i128() as u128,
            Operator::I8x16Shuffle { lanes } => u128::from_le_bytes(lanes),
            _ => continue,
        };
        if !constants.contains(&value) {
            constants.push(value);
        }
    }
    Ok(constants)
}

impl Translator<'_> {
    /// Writes the body's `v128` constants to their slots (at the function's start).
    pub(super) fn write_vector_constants(&mut self) {
        for (value, slot) in self.vector_constants.clone() {
            self.emit_const(slot, value as u64);
            self.emit_const(slot + 1, (value >> 64) as u64);
        }
    }

    /// The slot of the constant `value`, if it has one.
    fn vector_constant_slot(&self, value: u128) -> Option<Slot> {
        self.vector_constants
            .iter()
            .find(|&&(constant, _)| constant == value)
            .map(|&(_, slot)| slot)
    }

    /// A SIMD operator (`None` for other operators).
    pub(super) fn translate_simd(&mut self, op: &Operator) -> Option<Emit> {
        match *op {
            Operator::V128Const { value } => {
                let v = value.i128() as u128;
                let (low, high) = match self.vector_constant_slot(v) {
                    Some(slot) => (Operand::Local(slot), Operand::Local(slot + 1)),
                    None => (Operand::Const(v as u64), Operand::Const((v >> 64) as u64)),
                };
                return Some(self.push_v128(low, high));
            }
            Operator::I8x16Shuffle { lanes } => {
                return Some(self.shuffle(u128::from_le_bytes(lanes)))
            }
            Operator::V128Store { memarg } => {
                return Some(self.store_v128(|addr, value| Op::V128Store {
                    addr,
                    value,
                    offset: memarg.offset as u32,
                }))
            }
            _ => {}
        }
        let simd = unary_of(op)
            .or_else(|| binary_of(op))
            .or_else(|| ternary_of(op))
            .or_else(|| test_of(op))
            .or_else(|| shift_of(op))
            .or_else(|| splat_of(op))
            .or_else(|| extract_of(op))
            .or_else(|| replace_of(op))
            .or_else(|| load_of(op))
            .or_else(|| lane_access_of(op))?;
        Some(self.emit_simd(simd))
    }

    fn emit_simd(&mut self, simd: Simd) -> Emit {
        match simd {
            Simd::Unary(op) => self.vector_to_vector(|dst, src| Op::V128Unary { op, dst, src }),
            Simd::Binary(op) => {
                let b = self.pop_v128()?;
                let a = self.pop_v128()?;
                // `a` at the height now, `b` a vector (two slots) above it.
                let operands = [self.height(), self.height() + 2];
                let dst = self.slot(self.height())?;
                let op = self.fuse_operand_producer(Op::V128Binary { op, dst, a, b }, operands);
                self.produce_v128(|_| op)
            }
            Simd::Ternary(op) => {
                let c = self.pop_v128()?;
                let b = self.pop_v128()?;
                self.vector_and(|dst, a| Op::V128Ternary { op, dst, a, b, c })
            }
            Simd::Test(op) => {
                let src = self.pop_v128()?;
                self.produce(|dst| Op::V128Test { op, dst, src })
            }
            Simd::Extract(op, lane) => {
                let src = self.pop_v128()?;
                self.produce(|dst| Op::V128Extract { op, lane, dst, src })
            }
            Simd::Shift(op) => {
                let b = self.pop_slot()?;
                self.vector_and(|dst, a| Op::V128Shift { op, dst, a, b })
            }
            Simd::Replace(op, lane) => {
                let b = self.pop_slot()?;
                self.vector_and(|dst, a| Op::V128Replace {
                    op,
                    lane,
                    dst,
                    a,
                    b,
                })
            }
            Simd::Splat(op) => {
                let src = self.pop_slot()?;
                self.produce_v128(|dst| Op::V128Splat { op, dst, src })
            }
            Simd::Load(op, offset) => {
                let addr = self.pop_slot()?;
                self.produce_v128(|dst| Op::V128Load {
                    op,
                    dst,
                    addr,
                    offset,
                })
            }
            Simd::LoadLane(op, lane, offset) => {
                let src = self.pop_v128()?;
                let addr = self.pop_slot()?;
                self.produce_v128(|dst| Op::V128LoadLane {
                    op,
                    lane,
                    dst,
                    addr,
                    src,
                    offset,
                })
            }
            Simd::StoreLane(op, lane, offset) => self.store_v128(|addr, value| Op::V128StoreLane {
                op,
                lane,
                addr,
                value,
                offset,
            }),
        }
    }

    /// An op with no operands left on the stack and a `v128` result, pushed.
    pub(super) fn produce_v128(&mut self, op: impl FnOnce(Slot) -> Op) -> Emit {
        let dst = self.slot(self.height())?;
        self.reserve(self.height() + 2)?;
        self.emit(op(dst));
        self.push_v128(Operand::Temp, Operand::Temp)
    }

    /// An op reading the `v128` on top and writing a `v128` in its place.
    fn vector_to_vector(&mut self, op: impl FnOnce(Slot, Slot) -> Op) -> Emit {
        let src = self.pop_v128()?;
        self.produce_v128(|dst| op(dst, src))
    }

    /// An op reading the `v128` on top (its other operands popped already) and writing a
    /// `v128` in its place.
    fn vector_and(&mut self, op: impl FnOnce(Slot, Slot) -> Op) -> Emit {
        let a = self.pop_v128()?;
        self.produce_v128(|dst| op(dst, a))
    }

    /// A store of the `v128` on top at the address below it.
    fn store_v128(&mut self, op: impl FnOnce(Slot, Slot) -> Op) -> Emit {
        let value = self.pop_v128()?;
        let addr = self.pop_slot()?;
        self.emit(op(addr, value));
        Ok(())
    }

    /// `i8x16.shuffle`: the op reads its lane indices from their constant's slots, or
    /// else from a constant vector written above the operands.
    fn shuffle(&mut self, lanes: u128) -> Emit {
        let slot = match self.vector_constant_slot(lanes) {
            Some(slot) => slot,
            None => {
                let scratch = self.slot(self.height())?;
                self.reserve(self.height() + 2)?;
                self.emit_const(scratch, lanes as u64);
                self.emit_const(scratch + 1, (lanes >> 64) as u64);
                scratch
            }
        };
        let b = self.pop_v128()?;
        let a = self.pop_v128()?;
        self.produce_v128(|dst| Op::V128Shuffle {
            dst,
            a,
            b,
            lanes: slot,
        })
    }

    /// `select` of two `v128` operands.
    pub(super) fn translate_v128_select(&mut self) -> Emit {
        let cond = self.pop_slot()?;
        let b = self.pop_v128()?;
        let a = self.pop_v128()?;
        self.produce_v128(|dst| Op::V128Select { dst, cond, a, b })
    }

    /// Whether the operand below the top one (`select`'s second value) is a `v128`.
    pub(super) fn below_top_is_v128(&self) -> bool {
        self.height() > 1 && self.upper[self.height() as usize - 2]
    }

    pub(super) fn is_v128_global(&self, global: u32) -> bool {
        self.module.globals[global as usize].content == ValType::V128
    }
}
