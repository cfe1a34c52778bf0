//! Our internal instruction set: the register-style code every wasm function body is
//! translated into once, at the function's first call (see `code`).
//!
//! Every value lives in a 64-bit *slot* of the current frame: slots `0..num_locals` are
//! the wasm locals (parameters first), and the wasm operand stack at height `h` lives in
//! slot `num_locals + h`. Operands name their slots directly, so `local.get a; local.get b;
//! i32.add; local.set c` becomes the single `i32.add s[c] = s[a], s[b]`.
//! Branch targets are relative op offsets resolved at translation; a call names the slot
//! where its arguments start, which becomes the callee's frame base (no copying).
//!
//! The numeric opcodes are listed once, in the `for_each_*` tables below; those tables
//! generate the enum variants here, their disassembly names, the translator's mapping
//! from wasmparser operators, and the executor's dispatch (semantics in `exec::num`).

use std::fmt::{self, Write as _};

pub mod catch;
#[macro_use]
pub mod simd;
mod blocks;

pub(crate) use blocks::branch_targets;

pub use catch::Catch;

pub use simd::{
    V128Binary, V128Extract, V128Lane, V128Load, V128Replace, V128Shift, V128Splat, V128Ternary,
    V128Test, V128Unary,
};

/// Index of a value slot, relative to the frame base.
pub type Slot = u16;

/// Whether a compare-and-branch op's immediate (32 bits, sign-extended as the executor
/// reads it) stands for the constant `imm` of the comparison it fuses: always for an i32
/// comparison, which reads the low 32 bits; for a `wide` (i64) one, when it fits.
fn branch_immediate_fits(imm: i64, wide: bool) -> bool {
    !wide || imm as i32 as i64 == imm
}

/// How an address is computed from a slot (`Op::with_computed_address`): the slot plus
/// another slot, plus an immediate, or shifted left by a constant.
#[derive(Debug, Clone, Copy)]
pub(crate) enum AddressTerm {
    Slot(Slot),
    Imm(u32),
    Shift(u8),
}

/// Binary operators `(lhs, rhs) -> result` that cannot trap.
/// Columns: operator, immediate-operand variant, their forms with the left operand
/// cached (see `Op::with_cached_operand`), wasm name, semantics in `exec::num`.
/// The immediate variant takes the right operand as a constant (any 64-bit one; i32
/// operators use its low 32 bits).
macro_rules! for_each_binary {
    ($m:ident $($extra:tt)*) => {
        $m! { $($extra)*
            I32Eq I32EqImm I32EqAcc I32EqImmAcc "i32.eq" i32_eq, I32Ne I32NeImm I32NeAcc I32NeImmAcc "i32.ne" i32_ne,
            I32LtS I32LtSImm I32LtSAcc I32LtSImmAcc "i32.lt_s" i32_lt_s, I32LtU I32LtUImm I32LtUAcc I32LtUImmAcc "i32.lt_u" i32_lt_u,
            I32GtS I32GtSImm I32GtSAcc I32GtSImmAcc "i32.gt_s" i32_gt_s, I32GtU I32GtUImm I32GtUAcc I32GtUImmAcc "i32.gt_u" i32_gt_u,
            I32LeS I32LeSImm I32LeSAcc I32LeSImmAcc "i32.le_s" i32_le_s, I32LeU I32LeUImm I32LeUAcc I32LeUImmAcc "i32.le_u" i32_le_u,
            I32GeS I32GeSImm I32GeSAcc I32GeSImmAcc "i32.ge_s" i32_ge_s, I32GeU I32GeUImm I32GeUAcc I32GeUImmAcc "i32.ge_u" i32_ge_u,
            I64Eq I64EqImm I64EqAcc I64EqImmAcc "i64.eq" i64_eq, I64Ne I64NeImm I64NeAcc I64NeImmAcc "i64.ne" i64_ne,
            I64LtS I64LtSImm I64LtSAcc I64LtSImmAcc "i64.lt_s" i64_lt_s, I64LtU I64LtUImm I64LtUAcc I64LtUImmAcc "i64.lt_u" i64_lt_u,
            I64GtS I64GtSImm I64GtSAcc I64GtSImmAcc "i64.gt_s" i64_gt_s, I64GtU I64GtUImm I64GtUAcc I64GtUImmAcc "i64.gt_u" i64_gt_u,
            I64LeS I64LeSImm I64LeSAcc I64LeSImmAcc "i64.le_s" i64_le_s, I64LeU I64LeUImm I64LeUAcc I64LeUImmAcc "i64.le_u" i64_le_u,
            I64GeS I64GeSImm I64GeSAcc I64GeSImmAcc "i64.ge_s" i64_ge_s, I64GeU I64GeUImm I64GeUAcc I64GeUImmAcc "i64.ge_u" i64_ge_u,
            I32Add I32AddImm I32AddAcc I32AddImmAcc "i32.add" i32_add, I32Sub I32SubImm I32SubAcc I32SubImmAcc "i32.sub" i32_sub,
            I32Mul I32MulImm I32MulAcc I32MulImmAcc "i32.mul" i32_mul, I32And I32AndImm I32AndAcc I32AndImmAcc "i32.and" i32_and,
            I32Or I32OrImm I32OrAcc I32OrImmAcc "i32.or" i32_or, I32Xor I32XorImm I32XorAcc I32XorImmAcc "i32.xor" i32_xor,
            I32Shl I32ShlImm I32ShlAcc I32ShlImmAcc "i32.shl" i32_shl, I32ShrS I32ShrSImm I32ShrSAcc I32ShrSImmAcc "i32.shr_s" i32_shr_s,
            I32ShrU I32ShrUImm I32ShrUAcc I32ShrUImmAcc "i32.shr_u" i32_shr_u, I32Rotl I32RotlImm I32RotlAcc I32RotlImmAcc "i32.rotl" i32_rotl,
            I32Rotr I32RotrImm I32RotrAcc I32RotrImmAcc "i32.rotr" i32_rotr,
            I64Add I64AddImm I64AddAcc I64AddImmAcc "i64.add" i64_add, I64Sub I64SubImm I64SubAcc I64SubImmAcc "i64.sub" i64_sub,
            I64Mul I64MulImm I64MulAcc I64MulImmAcc "i64.mul" i64_mul, I64And I64AndImm I64AndAcc I64AndImmAcc "i64.and" i64_and,
            I64Or I64OrImm I64OrAcc I64OrImmAcc "i64.or" i64_or, I64Xor I64XorImm I64XorAcc I64XorImmAcc "i64.xor" i64_xor,
            I64Shl I64ShlImm I64ShlAcc I64ShlImmAcc "i64.shl" i64_shl, I64ShrS I64ShrSImm I64ShrSAcc I64ShrSImmAcc "i64.shr_s" i64_shr_s,
            I64ShrU I64ShrUImm I64ShrUAcc I64ShrUImmAcc "i64.shr_u" i64_shr_u, I64Rotl I64RotlImm I64RotlAcc I64RotlImmAcc "i64.rotl" i64_rotl,
            I64Rotr I64RotrImm I64RotrAcc I64RotrImmAcc "i64.rotr" i64_rotr,
        }
    };
}

/// Binary float operators (no immediate form). Columns: operator, its form with the left
/// operand cached, wasm name, semantics. The same columns in the three tables below.
macro_rules! for_each_float_binary {
    ($m:ident $($extra:tt)*) => {
        $m! { $($extra)*
            F32Eq F32EqAcc "f32.eq" f32_eq, F32Ne F32NeAcc "f32.ne" f32_ne, F32Lt F32LtAcc "f32.lt" f32_lt,
            F32Gt F32GtAcc "f32.gt" f32_gt, F32Le F32LeAcc "f32.le" f32_le, F32Ge F32GeAcc "f32.ge" f32_ge,
            F64Eq F64EqAcc "f64.eq" f64_eq, F64Ne F64NeAcc "f64.ne" f64_ne, F64Lt F64LtAcc "f64.lt" f64_lt,
            F64Gt F64GtAcc "f64.gt" f64_gt, F64Le F64LeAcc "f64.le" f64_le, F64Ge F64GeAcc "f64.ge" f64_ge,
            F32Add F32AddAcc "f32.add" f32_add, F32Sub F32SubAcc "f32.sub" f32_sub, F32Mul F32MulAcc "f32.mul" f32_mul,
            F32Div F32DivAcc "f32.div" f32_div, F32Min F32MinAcc "f32.min" f32_min, F32Max F32MaxAcc "f32.max" f32_max,
            F32Copysign F32CopysignAcc "f32.copysign" f32_copysign,
            F64Add F64AddAcc "f64.add" f64_add, F64Sub F64SubAcc "f64.sub" f64_sub, F64Mul F64MulAcc "f64.mul" f64_mul,
            F64Div F64DivAcc "f64.div" f64_div, F64Min F64MinAcc "f64.min" f64_min, F64Max F64MaxAcc "f64.max" f64_max,
            F64Copysign F64CopysignAcc "f64.copysign" f64_copysign,
        }
    };
}

/// Binary operators that can trap (division and remainder).
macro_rules! for_each_fallible_binary {
    ($m:ident $($extra:tt)*) => {
        $m! { $($extra)*
            I32DivS I32DivSAcc "i32.div_s" i32_div_s, I32DivU I32DivUAcc "i32.div_u" i32_div_u,
            I32RemS I32RemSAcc "i32.rem_s" i32_rem_s, I32RemU I32RemUAcc "i32.rem_u" i32_rem_u,
            I64DivS I64DivSAcc "i64.div_s" i64_div_s, I64DivU I64DivUAcc "i64.div_u" i64_div_u,
            I64RemS I64RemSAcc "i64.rem_s" i64_rem_s, I64RemU I64RemUAcc "i64.rem_u" i64_rem_u,
        }
    };
}

/// Unary operators that cannot trap (reinterpretations are plain copies and not here).
macro_rules! for_each_unary {
    ($m:ident $($extra:tt)*) => {
        $m! { $($extra)*
            I32Eqz I32EqzAcc "i32.eqz" i32_eqz, I64Eqz I64EqzAcc "i64.eqz" i64_eqz,
            I32Clz I32ClzAcc "i32.clz" i32_clz, I32Ctz I32CtzAcc "i32.ctz" i32_ctz, I32Popcnt I32PopcntAcc "i32.popcnt" i32_popcnt,
            I64Clz I64ClzAcc "i64.clz" i64_clz, I64Ctz I64CtzAcc "i64.ctz" i64_ctz, I64Popcnt I64PopcntAcc "i64.popcnt" i64_popcnt,
            F32Abs F32AbsAcc "f32.abs" f32_abs, F32Neg F32NegAcc "f32.neg" f32_neg, F32Ceil F32CeilAcc "f32.ceil" f32_ceil,
            F32Floor F32FloorAcc "f32.floor" f32_floor, F32Trunc F32TruncAcc "f32.trunc" f32_trunc,
            F32Nearest F32NearestAcc "f32.nearest" f32_nearest, F32Sqrt F32SqrtAcc "f32.sqrt" f32_sqrt,
            F64Abs F64AbsAcc "f64.abs" f64_abs, F64Neg F64NegAcc "f64.neg" f64_neg, F64Ceil F64CeilAcc "f64.ceil" f64_ceil,
            F64Floor F64FloorAcc "f64.floor" f64_floor, F64Trunc F64TruncAcc "f64.trunc" f64_trunc,
            F64Nearest F64NearestAcc "f64.nearest" f64_nearest, F64Sqrt F64SqrtAcc "f64.sqrt" f64_sqrt,
            I32WrapI64 I32WrapI64Acc "i32.wrap_i64" i32_wrap_i64,
            I64ExtendI32S I64ExtendI32SAcc "i64.extend_i32_s" i64_extend_i32_s,
            F32ConvertI32S F32ConvertI32SAcc "f32.convert_i32_s" f32_convert_i32_s,
            F32ConvertI32U F32ConvertI32UAcc "f32.convert_i32_u" f32_convert_i32_u,
            F32ConvertI64S F32ConvertI64SAcc "f32.convert_i64_s" f32_convert_i64_s,
            F32ConvertI64U F32ConvertI64UAcc "f32.convert_i64_u" f32_convert_i64_u,
            F64ConvertI32S F64ConvertI32SAcc "f64.convert_i32_s" f64_convert_i32_s,
            F64ConvertI32U F64ConvertI32UAcc "f64.convert_i32_u" f64_convert_i32_u,
            F64ConvertI64S F64ConvertI64SAcc "f64.convert_i64_s" f64_convert_i64_s,
            F64ConvertI64U F64ConvertI64UAcc "f64.convert_i64_u" f64_convert_i64_u,
            F32DemoteF64 F32DemoteF64Acc "f32.demote_f64" f32_demote_f64,
            F64PromoteF32 F64PromoteF32Acc "f64.promote_f32" f64_promote_f32,
            I32Extend8S I32Extend8SAcc "i32.extend8_s" i32_extend8_s, I32Extend16S I32Extend16SAcc "i32.extend16_s" i32_extend16_s,
            I64Extend8S I64Extend8SAcc "i64.extend8_s" i64_extend8_s, I64Extend16S I64Extend16SAcc "i64.extend16_s" i64_extend16_s,
            I64Extend32S I64Extend32SAcc "i64.extend32_s" i64_extend32_s,
            I32TruncSatF32S I32TruncSatF32SAcc "i32.trunc_sat_f32_s" i32_trunc_sat_f32_s,
            I32TruncSatF32U I32TruncSatF32UAcc "i32.trunc_sat_f32_u" i32_trunc_sat_f32_u,
            I32TruncSatF64S I32TruncSatF64SAcc "i32.trunc_sat_f64_s" i32_trunc_sat_f64_s,
            I32TruncSatF64U I32TruncSatF64UAcc "i32.trunc_sat_f64_u" i32_trunc_sat_f64_u,
            I64TruncSatF32S I64TruncSatF32SAcc "i64.trunc_sat_f32_s" i64_trunc_sat_f32_s,
            I64TruncSatF32U I64TruncSatF32UAcc "i64.trunc_sat_f32_u" i64_trunc_sat_f32_u,
            I64TruncSatF64S I64TruncSatF64SAcc "i64.trunc_sat_f64_s" i64_trunc_sat_f64_s,
            I64TruncSatF64U I64TruncSatF64UAcc "i64.trunc_sat_f64_u" i64_trunc_sat_f64_u,
        }
    };
}

/// Unary operators that can trap (float-to-int truncations).
macro_rules! for_each_fallible_unary {
    ($m:ident $($extra:tt)*) => {
        $m! { $($extra)*
            I32TruncF32S I32TruncF32SAcc "i32.trunc_f32_s" i32_trunc_f32_s, I32TruncF32U I32TruncF32UAcc "i32.trunc_f32_u" i32_trunc_f32_u,
            I32TruncF64S I32TruncF64SAcc "i32.trunc_f64_s" i32_trunc_f64_s, I32TruncF64U I32TruncF64UAcc "i32.trunc_f64_u" i32_trunc_f64_u,
            I64TruncF32S I64TruncF32SAcc "i64.trunc_f32_s" i64_trunc_f32_s, I64TruncF32U I64TruncF32UAcc "i64.trunc_f32_u" i64_trunc_f32_u,
            I64TruncF64S I64TruncF64SAcc "i64.trunc_f64_s" i64_trunc_f64_s, I64TruncF64U I64TruncF64UAcc "i64.trunc_f64_u" i64_trunc_f64_u,
        }
    };
}

/// Loads: operator, its forms addressed by the sum of two slots and by the sum of a slot
/// and an immediate (an `i32.add` whose only use is the address), by a slot shifted left
/// by a constant (an `i32.shl`, or a multiplication by a power of two, whose only use is
/// the address: an index scaled to an element's size), its form addressed by the
/// register (the threaded executor's cached result of the op before), wasm name (of the
/// widest wasm op it serves), bytes, semantics. Slots are untyped, so `f32.load` is
/// `Load32` and `i64.load8_u` is `Load8U`.
macro_rules! for_each_load {
    ($m:ident $($extra:tt)*) => {
        $m! { $($extra)*
            Load32 Load32Add Load32AddImm Load32Shl Load32Acc "load32" 4 load32,
            Load64 Load64Add Load64AddImm Load64Shl Load64Acc "load64" 8 load64,
            Load8S32 Load8S32Add Load8S32AddImm Load8S32Shl Load8S32Acc "i32.load8_s" 1 load8_s32,
            Load8U Load8UAdd Load8UAddImm Load8UShl Load8UAcc "load8_u" 1 load8_u,
            Load16S32 Load16S32Add Load16S32AddImm Load16S32Shl Load16S32Acc "i32.load16_s" 2 load16_s32,
            Load16U Load16UAdd Load16UAddImm Load16UShl Load16UAcc "load16_u" 2 load16_u,
            Load8S64 Load8S64Add Load8S64AddImm Load8S64Shl Load8S64Acc "i64.load8_s" 1 load8_s64,
            Load16S64 Load16S64Add Load16S64AddImm Load16S64Shl Load16S64Acc "i64.load16_s" 2 load16_s64,
            Load32S64 Load32S64Add Load32S64AddImm Load32S64Shl Load32S64Acc "i64.load32_s" 4 load32_s64,
        }
    };
}

/// Compare-and-branch superinstructions: an integer comparison whose only use is a
/// `br_if` (or `if`) becomes one op. Columns: the comparison and its immediate form,
/// the fused op and its immediate form, the fused op of the negated comparison and its
/// immediate form (for `if`, which branches when the condition is false), the fused op's
/// forms reading its left operand from the register and that of the mirrored comparison
/// (`a < b` is `b > a`: for a right operand in the register), the wasm name, the
/// semantics in `exec::num`, and whether the operands are 64-bit (the fused op's
/// immediate is 32 bits, sign-extended: an i64 constant outside that range stays unfused).
macro_rules! for_each_compare_branch {
    ($m:ident $($extra:tt)*) => {
        $m! { $($extra)*
            I32Eq I32EqImm BrI32Eq BrI32EqImm BrI32Ne BrI32NeImm BrI32EqAcc BrI32EqImmAcc BrI32EqAcc "i32.eq" i32_eq false,
            I32Ne I32NeImm BrI32Ne BrI32NeImm BrI32Eq BrI32EqImm BrI32NeAcc BrI32NeImmAcc BrI32NeAcc "i32.ne" i32_ne false,
            I32LtS I32LtSImm BrI32LtS BrI32LtSImm BrI32GeS BrI32GeSImm BrI32LtSAcc BrI32LtSImmAcc BrI32GtSAcc "i32.lt_s" i32_lt_s false,
            I32LtU I32LtUImm BrI32LtU BrI32LtUImm BrI32GeU BrI32GeUImm BrI32LtUAcc BrI32LtUImmAcc BrI32GtUAcc "i32.lt_u" i32_lt_u false,
            I32GtS I32GtSImm BrI32GtS BrI32GtSImm BrI32LeS BrI32LeSImm BrI32GtSAcc BrI32GtSImmAcc BrI32LtSAcc "i32.gt_s" i32_gt_s false,
            I32GtU I32GtUImm BrI32GtU BrI32GtUImm BrI32LeU BrI32LeUImm BrI32GtUAcc BrI32GtUImmAcc BrI32LtUAcc "i32.gt_u" i32_gt_u false,
            I32LeS I32LeSImm BrI32LeS BrI32LeSImm BrI32GtS BrI32GtSImm BrI32LeSAcc BrI32LeSImmAcc BrI32GeSAcc "i32.le_s" i32_le_s false,
            I32LeU I32LeUImm BrI32LeU BrI32LeUImm BrI32GtU BrI32GtUImm BrI32LeUAcc BrI32LeUImmAcc BrI32GeUAcc "i32.le_u" i32_le_u false,
            I32GeS I32GeSImm BrI32GeS BrI32GeSImm BrI32LtS BrI32LtSImm BrI32GeSAcc BrI32GeSImmAcc BrI32LeSAcc "i32.ge_s" i32_ge_s false,
            I32GeU I32GeUImm BrI32GeU BrI32GeUImm BrI32LtU BrI32LtUImm BrI32GeUAcc BrI32GeUImmAcc BrI32LeUAcc "i32.ge_u" i32_ge_u false,
            I64Eq I64EqImm BrI64Eq BrI64EqImm BrI64Ne BrI64NeImm BrI64EqAcc BrI64EqImmAcc BrI64EqAcc "i64.eq" i64_eq true,
            I64Ne I64NeImm BrI64Ne BrI64NeImm BrI64Eq BrI64EqImm BrI64NeAcc BrI64NeImmAcc BrI64NeAcc "i64.ne" i64_ne true,
            I64LtS I64LtSImm BrI64LtS BrI64LtSImm BrI64GeS BrI64GeSImm BrI64LtSAcc BrI64LtSImmAcc BrI64GtSAcc "i64.lt_s" i64_lt_s true,
            I64LtU I64LtUImm BrI64LtU BrI64LtUImm BrI64GeU BrI64GeUImm BrI64LtUAcc BrI64LtUImmAcc BrI64GtUAcc "i64.lt_u" i64_lt_u true,
            I64GtS I64GtSImm BrI64GtS BrI64GtSImm BrI64LeS BrI64LeSImm BrI64GtSAcc BrI64GtSImmAcc BrI64LtSAcc "i64.gt_s" i64_gt_s true,
            I64GtU I64GtUImm BrI64GtU BrI64GtUImm BrI64LeU BrI64LeUImm BrI64GtUAcc BrI64GtUImmAcc BrI64LtUAcc "i64.gt_u" i64_gt_u true,
            I64LeS I64LeSImm BrI64LeS BrI64LeSImm BrI64GtS BrI64GtSImm BrI64LeSAcc BrI64LeSImmAcc BrI64GeSAcc "i64.le_s" i64_le_s true,
            I64LeU I64LeUImm BrI64LeU BrI64LeUImm BrI64GtU BrI64GtUImm BrI64LeUAcc BrI64LeUImmAcc BrI64GeUAcc "i64.le_u" i64_le_u true,
            I64GeS I64GeSImm BrI64GeS BrI64GeSImm BrI64LtS BrI64LtSImm BrI64GeSAcc BrI64GeSImmAcc BrI64LeSAcc "i64.ge_s" i64_ge_s true,
            I64GeU I64GeUImm BrI64GeU BrI64GeUImm BrI64LtU BrI64LtUImm BrI64GeUAcc BrI64GeUImmAcc BrI64LeUAcc "i64.ge_u" i64_ge_u true,
        }
    };
}

/// Float compare-and-branch superinstructions: a float comparison whose only use is a
/// `br_if` (or `if`) becomes one op. Columns: the comparison, the fused op, the fused op
/// branching when the comparison is false (not the opposite comparison: with a NaN
/// operand both are false), their forms comparing with a constant, their forms reading
/// the left operand from the register and those of the mirrored comparison (exact for
/// floats too: `a < b` is `b > a` even with a NaN), the wasm name, the semantics in
/// `exec::num`.
macro_rules! for_each_float_compare_branch {
    ($m:ident $($extra:tt)*) => {
        $m! { $($extra)*
            F32Eq BrF32Eq BrF32NotEq BrF32EqImm BrF32NotEqImm BrF32EqAcc BrF32NotEqAcc BrF32EqAcc BrF32NotEqAcc "f32.eq" f32_eq,
            F32Ne BrF32Ne BrF32NotNe BrF32NeImm BrF32NotNeImm BrF32NeAcc BrF32NotNeAcc BrF32NeAcc BrF32NotNeAcc "f32.ne" f32_ne,
            F32Lt BrF32Lt BrF32NotLt BrF32LtImm BrF32NotLtImm BrF32LtAcc BrF32NotLtAcc BrF32GtAcc BrF32NotGtAcc "f32.lt" f32_lt,
            F32Gt BrF32Gt BrF32NotGt BrF32GtImm BrF32NotGtImm BrF32GtAcc BrF32NotGtAcc BrF32LtAcc BrF32NotLtAcc "f32.gt" f32_gt,
            F32Le BrF32Le BrF32NotLe BrF32LeImm BrF32NotLeImm BrF32LeAcc BrF32NotLeAcc BrF32GeAcc BrF32NotGeAcc "f32.le" f32_le,
            F32Ge BrF32Ge BrF32NotGe BrF32GeImm BrF32NotGeImm BrF32GeAcc BrF32NotGeAcc BrF32LeAcc BrF32NotLeAcc "f32.ge" f32_ge,
            F64Eq BrF64Eq BrF64NotEq BrF64EqImm BrF64NotEqImm BrF64EqAcc BrF64NotEqAcc BrF64EqAcc BrF64NotEqAcc "f64.eq" f64_eq,
            F64Ne BrF64Ne BrF64NotNe BrF64NeImm BrF64NotNeImm BrF64NeAcc BrF64NotNeAcc BrF64NeAcc BrF64NotNeAcc "f64.ne" f64_ne,
            F64Lt BrF64Lt BrF64NotLt BrF64LtImm BrF64NotLtImm BrF64LtAcc BrF64NotLtAcc BrF64GtAcc BrF64NotGtAcc "f64.lt" f64_lt,
            F64Gt BrF64Gt BrF64NotGt BrF64GtImm BrF64NotGtImm BrF64GtAcc BrF64NotGtAcc BrF64LtAcc BrF64NotLtAcc "f64.gt" f64_gt,
            F64Le BrF64Le BrF64NotLe BrF64LeImm BrF64NotLeImm BrF64LeAcc BrF64NotLeAcc BrF64GeAcc BrF64NotGeAcc "f64.le" f64_le,
            F64Ge BrF64Ge BrF64NotGe BrF64GeImm BrF64NotGeImm BrF64GeAcc BrF64NotGeAcc BrF64LeAcc BrF64NotLeAcc "f64.ge" f64_ge,
        }
    };
}

/// Stores: operator, its form storing a constant, its form storing the register (the
/// threaded executor's cached result of the op before), wasm name, bytes.
macro_rules! for_each_store {
    ($m:ident $($extra:tt)*) => {
        $m! { $($extra)*
            Store8 Store8Imm Store8Acc "store8" 1, Store16 Store16Imm Store16Acc "store16" 2,
            Store32 Store32Imm Store32Acc "store32" 4, Store64 Store64Imm Store64Acc "store64" 8,
        }
    };
}

/// Shift-and-combine superinstructions: an add, xor or or one of whose operands is
/// the result of a shift by a constant, used nowhere else (`x ^ (x << 13)` in xorshift
/// generators and hashes, `base + (i << 3)` in array indexing), as one op
/// `dst = a COMBINE (b SHIFT shift)`. Columns: the fused op, its form combining a value
/// with itself shifted (`a == b`: the common case, whose operand can come from the
/// register) and that form with its operand cached, the combining op and the shift's
/// immediate form as translated, their wasm names, their semantics in `exec::num`.
macro_rules! for_each_shifted_binary {
    ($m:ident $($extra:tt)*) => {
        $m! { $($extra)*
            I32AddShl I32AddShlSelf I32AddShlSelfAcc I32Add I32ShlImm "i32.add" "i32.shl" i32_add i32_shl,
            I32AddShrS I32AddShrSSelf I32AddShrSSelfAcc I32Add I32ShrSImm "i32.add" "i32.shr_s" i32_add i32_shr_s,
            I32AddShrU I32AddShrUSelf I32AddShrUSelfAcc I32Add I32ShrUImm "i32.add" "i32.shr_u" i32_add i32_shr_u,
            I32AddRotl I32AddRotlSelf I32AddRotlSelfAcc I32Add I32RotlImm "i32.add" "i32.rotl" i32_add i32_rotl,
            I32XorShl I32XorShlSelf I32XorShlSelfAcc I32Xor I32ShlImm "i32.xor" "i32.shl" i32_xor i32_shl,
            I32XorShrS I32XorShrSSelf I32XorShrSSelfAcc I32Xor I32ShrSImm "i32.xor" "i32.shr_s" i32_xor i32_shr_s,
            I32XorShrU I32XorShrUSelf I32XorShrUSelfAcc I32Xor I32ShrUImm "i32.xor" "i32.shr_u" i32_xor i32_shr_u,
            I32XorRotl I32XorRotlSelf I32XorRotlSelfAcc I32Xor I32RotlImm "i32.xor" "i32.rotl" i32_xor i32_rotl,
            I32OrShl I32OrShlSelf I32OrShlSelfAcc I32Or I32ShlImm "i32.or" "i32.shl" i32_or i32_shl,
            I32OrShrS I32OrShrSSelf I32OrShrSSelfAcc I32Or I32ShrSImm "i32.or" "i32.shr_s" i32_or i32_shr_s,
            I32OrShrU I32OrShrUSelf I32OrShrUSelfAcc I32Or I32ShrUImm "i32.or" "i32.shr_u" i32_or i32_shr_u,
            I32OrRotl I32OrRotlSelf I32OrRotlSelfAcc I32Or I32RotlImm "i32.or" "i32.rotl" i32_or i32_rotl,
            I64AddShl I64AddShlSelf I64AddShlSelfAcc I64Add I64ShlImm "i64.add" "i64.shl" i64_add i64_shl,
            I64AddShrS I64AddShrSSelf I64AddShrSSelfAcc I64Add I64ShrSImm "i64.add" "i64.shr_s" i64_add i64_shr_s,
            I64AddShrU I64AddShrUSelf I64AddShrUSelfAcc I64Add I64ShrUImm "i64.add" "i64.shr_u" i64_add i64_shr_u,
            I64AddRotl I64AddRotlSelf I64AddRotlSelfAcc I64Add I64RotlImm "i64.add" "i64.rotl" i64_add i64_rotl,
            I64XorShl I64XorShlSelf I64XorShlSelfAcc I64Xor I64ShlImm "i64.xor" "i64.shl" i64_xor i64_shl,
            I64XorShrS I64XorShrSSelf I64XorShrSSelfAcc I64Xor I64ShrSImm "i64.xor" "i64.shr_s" i64_xor i64_shr_s,
            I64XorShrU I64XorShrUSelf I64XorShrUSelfAcc I64Xor I64ShrUImm "i64.xor" "i64.shr_u" i64_xor i64_shr_u,
            I64XorRotl I64XorRotlSelf I64XorRotlSelfAcc I64Xor I64RotlImm "i64.xor" "i64.rotl" i64_xor i64_rotl,
            I64OrShl I64OrShlSelf I64OrShlSelfAcc I64Or I64ShlImm "i64.or" "i64.shl" i64_or i64_shl,
            I64OrShrS I64OrShrSSelf I64OrShrSSelfAcc I64Or I64ShrSImm "i64.or" "i64.shr_s" i64_or i64_shr_s,
            I64OrShrU I64OrShrUSelf I64OrShrUSelfAcc I64Or I64ShrUImm "i64.or" "i64.shr_u" i64_or i64_shr_u,
            I64OrRotl I64OrRotlSelf I64OrRotlSelfAcc I64Or I64RotlImm "i64.or" "i64.rotl" i64_or i64_rotl,
        }
    };
}

macro_rules! define_op {
    (
        binary: [$($bin:ident $bin_imm:ident $bin_acc:ident $bin_imm_acc:ident $bin_name:literal $bin_fn:ident,)*]
        float_binary: [$($fbin:ident $fbin_acc:ident $fbin_name:literal $fbin_fn:ident,)*]
        fallible_binary: [$($xbin:ident $xbin_acc:ident $xbin_name:literal $xbin_fn:ident,)*]
        unary: [$($un:ident $un_acc:ident $un_name:literal $un_fn:ident,)*]
        fallible_unary: [$($xun:ident $xun_acc:ident $xun_name:literal $xun_fn:ident,)*]
        load: [$($load:ident $load_add:ident $load_add_imm:ident $load_shl:ident $load_acc:ident $load_name:literal $load_bytes:literal $load_fn:ident,)*]
        store: [$($store:ident $store_imm:ident $store_acc:ident $store_name:literal $store_bytes:literal,)*]
        compare_branch: [$($cmp:ident $cmp_imm:ident $br:ident $br_imm:ident $neg:ident $neg_imm:ident $br_acc:ident $br_imm_acc:ident $br_mirror_acc:ident $cmp_name:literal $cmp_fn:ident $cmp_wide:literal,)*]
        float_compare_branch: [$($fcmp:ident $fbr:ident $fneg:ident $fbr_imm:ident $fneg_imm:ident $fbr_acc:ident $fneg_acc:ident $fbr_mirror_acc:ident $fneg_mirror_acc:ident $fcmp_name:literal $fcmp_fn:ident,)*]
        shifted_binary: [$($sh:ident $sh_self:ident $sh_self_acc:ident $sh_comb:ident $sh_shift:ident $sh_comb_name:literal $sh_shift_name:literal $sh_comb_fn:ident $sh_shift_fn:ident,)*]
    ) => {
        /// One internal instruction. 16 bytes; see the module docs for the slot model.
        /// `repr(u16)`: the first two bytes are the variant's tag, by which the threaded
        /// executor's tables give each op its handlers (fields are laid out in declaration
        /// order, so each variant lists its fields to fit in 16 bytes).
        #[derive(Debug, Clone, Copy, PartialEq)]
        #[repr(u16)]
        pub enum Op {
            /// Traps with "unreachable".
            Unreachable,
            /// Jumps by `offset` ops (relative to this op).
            Br { offset: i32 },
            /// Jumps if `s[cond] != 0` (as i32).
            BrIfNez { cond: Slot, offset: i32 },
            /// Jumps if `s[cond] == 0` (as i32).
            BrIfEqz { cond: Slot, offset: i32 },
            /// `BrIfNez` and `BrIfEqz`, reading `s[cond]` from the register.
            BrIfNezAcc { cond: Slot, offset: i32 },
            BrIfEqzAcc { cond: Slot, offset: i32 },
            /// Jumps if the reference `s[cond]` is null (all 64 bits zero).
            BrIfNull { cond: Slot, offset: i32 },
            /// Jumps if the reference `s[cond]` is not null.
            BrIfNonNull { cond: Slot, offset: i32 },
            /// `ref.as_non_null`: traps with "null reference" if `s[src]` is null (the
            /// reference stays where it is).
            RefAsNonNull { src: Slot },
            /// Executes the `min(s[index], len)`-th of the `len + 1` `Br` ops that follow.
            BrTable { index: Slot, len: u32 },
            /// Returns with no results.
            Return,
            /// Copies `s[src]` to `s[0]` and returns.
            Return1 { src: Slot },
            /// Copies `s[src..src + count]` to `s[0..count]` (ascending; `src >= 0`) and returns.
            ReturnMany { src: Slot, count: u16 },
            /// Calls a function defined in this module (`def` indexes its code);
            /// arguments start at `s[base]`, which becomes the callee's slot 0.
            CallInternal { def: u32, base: Slot },
            /// Calls an imported function (by function index) with arguments at `s[base]`.
            CallImport { func: u32, base: Slot },
            /// `call_indirect` through table `table`, expecting module type `type_index`.
            CallIndirect { type_index: u32, table: u32, index: Slot, base: Slot },
            /// `return_call` of a function defined in this module (`def` indexes its code):
            /// the callee takes over this function's frame, its arguments moved from `s[base]`
            /// to `s[0]`.
            ReturnCallInternal { def: u32, base: Slot },
            /// `return_call` of any function (by function index), arguments at `s[base]`:
            /// a wasm callee takes over this function's frame (constant frame-stack space);
            /// a host callee is called, and the op after this one returns its results.
            ReturnCall { func: u32, base: Slot },
            /// `return_call_indirect`: `CallIndirect`'s checks, then as `ReturnCall`.
            ReturnCallIndirect { type_index: u32, table: u32, index: Slot, base: Slot },
            /// `throw`: throws an exception of tag `tag` (the module's tag index) with the
            /// values at `s[base..]`.
            Throw { tag: u32, base: Slot },
            /// `throw_ref`: throws the exception `s[exn]` refers to again (trapping with
            /// "null exception reference" if it is null).
            ThrowRef { exn: Slot },
            /// `call_ref`: calls the function referenced by `s[func]` (trapping with "null
            /// function reference" if it is null), arguments at `s[base]`. Validation
            /// proved its type.
            CallRef { func: Slot, base: Slot },
            /// `return_call_ref`: `CallRef`'s check, then as `ReturnCall`.
            ReturnCallRef { func: Slot, base: Slot },
            /// The wide arithmetic (3.0) on the operands at `s[base..]`, in order, writing the
            /// 128-bit result's low and high halves to `s[base]` and `s[base + 1]`.
            I64Add128 { base: Slot },
            I64Sub128 { base: Slot },
            I64MulWideS { base: Slot },
            I64MulWideU { base: Slot },
            Copy { dst: Slot, src: Slot },
            /// `Copy`, reading `s[src]` from the register (a value just computed).
            CopyAcc { dst: Slot, src: Slot },
            /// Two copies in a row: `s[dst] = s[src]`, then `s[dst2] = s[src2]`.
            Copy2 { dst: Slot, src: Slot, dst2: Slot, src2: Slot },
            /// `Copy2`, reading `s[src2]` from the register (never where the first copy
            /// writes `src2`: `dst != src2`).
            Copy2Acc { dst: Slot, src: Slot, dst2: Slot, src2: Slot },
            /// Two slots stepped by constants in a row (i32, wrapping): `s[dst] += imm`,
            /// then `s[dst2] += imm2` (two pointers stepped: `p += 2; q += 2`).
            I32AddImm2 { dst: Slot, imm: u32, dst2: Slot, imm2: u32 },
            /// A slot stepped by a constant, then one by another slot, in a row (i32,
            /// wrapping): `s[dst] += imm`, then `s[dst2] += s[b]` (a row pointer and a
            /// column pointer: `p += 2; q += stride`).
            I32AddImmAdd { dst: Slot, imm: u32, dst2: Slot, b: Slot },
            /// A copy, then a branch on a slot: `s[dst] = s[src]`, then as `BrIfNez` and
            /// `BrIfEqz` (a loop's variable moved into place right before its back edge).
            CopyBrIfNez { dst: Slot, src: Slot, cond: Slot, offset: i32 },
            CopyBrIfEqz { dst: Slot, src: Slot, cond: Slot, offset: i32 },
            /// A slot stepped by a constant in place, then a jump: `s[dst] += imm` (i32,
            /// wrapping), then as `Br` (a loop's latch: `i += 1; br $loop`).
            I32AddImmBr { dst: Slot, imm: u32, offset: i32 },
            /// A slot stepped by a constant into another and back, then a branch on the
            /// sum: `s[dst] = s[a] + imm` (i32, wrapping), `s[a] = s[dst]`, then as
            /// `BrIfNez` on it (a loop's counter kept in a local and passed back as the
            /// loop's parameter: `i32.sub; local.tee $n; local.get $n; br_if $loop`).
            I32AddImmCopyBrIfNez { dst: Slot, a: Slot, imm: u32, offset: i32 },
            /// `CopyBrIfNez` and `CopyBrIfEqz`, reading `s[src]` from the register (a
            /// loop's parameter passed back from a value just computed: `i32.sub; local.tee
            /// $n; local.get $n; br_if $loop`).
            CopyBrIfNezAcc { dst: Slot, src: Slot, cond: Slot, offset: i32 },
            CopyBrIfEqzAcc { dst: Slot, src: Slot, cond: Slot, offset: i32 },
            /// A `load32` and then a branch on the value loaded: `s[dst] =
            /// mem[s[addr] + memory_offset..]`, then as `BrIfNez` and `BrIfEqz` on `s[dst]`
            /// (a walk along a linked list: `while (p = p->next)`).
            Load32BrIfNez { dst: Slot, addr: Slot, memory_offset: u32, offset: i32 },
            Load32BrIfEqz { dst: Slot, addr: Slot, memory_offset: u32, offset: i32 },
            /// `mem32[s[addr] + offset] += add` (wrapping): a counter in memory (`*p += k`,
            /// an `i32.load`, an `i32.add` of a constant and an `i32.store` back).
            I32AddImmInMemory { addr: Slot, offset: u32, add: u32 },
            /// A `load32` and a `store32` to the same address: `s[dst] = mem32[s[addr] +
            /// offset]`, then `mem32[s[addr] + offset] = s[value]` (the old value swapped
            /// out: a list reversed, `mem::replace`); never where the load writes the
            /// address or the value (`dst != addr`, `dst != value`).
            Load32Store32 { dst: Slot, addr: Slot, value: Slot, offset: u32 },
            /// `Load32Store32`, reading `s[addr]` from the register.
            Load32Store32Acc { dst: Slot, addr: Slot, value: Slot, offset: u32 },
            /// `s[dst] = (s[src] >> shift) & mask` (i32, the shift unsigned): a bit field.
            I32ShrUAndImm { dst: Slot, src: Slot, shift: u8, mask: u32 },
            /// `I32ShrUAndImm`, reading `s[src]` from the register.
            I32ShrUAndImmAcc { dst: Slot, src: Slot, shift: u8, mask: u32 },
            /// `s[dst] = (s[src] + add) & mask` (i32, wrapping): an index stepped around a
            /// ring, or a byte's distance from `'0'` for a digit test.
            I32AddAndImm { dst: Slot, src: Slot, add: u32, mask: u32 },
            /// `I32AddAndImm`, reading `s[src]` from the register.
            I32AddAndImmAcc { dst: Slot, src: Slot, add: u32, mask: u32 },
            /// `s[dst] = s[a] * s[b] + s[c]` (i32 and i64, wrapping): a product summed.
            I32MulAdd { dst: Slot, a: Slot, b: Slot, c: Slot },
            I64MulAdd { dst: Slot, a: Slot, b: Slot, c: Slot },
            /// `I32MulAdd` and `I64MulAdd`, reading `s[a]` from the register.
            I32MulAddAcc { dst: Slot, a: Slot, b: Slot, c: Slot },
            I64MulAddAcc { dst: Slot, a: Slot, b: Slot, c: Slot },
            /// `s[dst] = s[a] * s[b] + s[c]` in f32 and f64, rounded after the product and
            /// after the sum, as the two instructions are (not a fused multiply-add).
            F32MulAdd { dst: Slot, a: Slot, b: Slot, c: Slot },
            F64MulAdd { dst: Slot, a: Slot, b: Slot, c: Slot },
            /// `F32MulAdd` and `F64MulAdd`, reading `s[a]` from the register.
            F32MulAddAcc { dst: Slot, a: Slot, b: Slot, c: Slot },
            F64MulAddAcc { dst: Slot, a: Slot, b: Slot, c: Slot },
            /// The same lane by lane on `v128`s (`s[a]` and the rest name each vector's
            /// first slot): a `f32x4.mul` or `f64x2.mul` whose only use is an add.
            F32x4MulAdd { dst: Slot, a: Slot, b: Slot, c: Slot },
            F64x2MulAdd { dst: Slot, a: Slot, b: Slot, c: Slot },
            Const32 { dst: Slot, value: u32 },
            Const64 { dst: Slot, value: u64 },
            /// `s[dst] = if s[cond] != 0 { s[a] } else { s[b] }`.
            Select { dst: Slot, cond: Slot, a: Slot, b: Slot },
            /// `Select`, reading `s[cond]` from the register (a condition just computed).
            SelectAcc { dst: Slot, cond: Slot, a: Slot, b: Slot },
            /// `Select` with a constant arm (of 32 bits or fewer: `x > limit ? 0 : x`):
            /// `s[dst] = if s[cond] != 0 { imm } else { s[b] }`, and with the constant
            /// second, `if s[cond] != 0 { s[a] } else { imm }`.
            SelectImm { dst: Slot, cond: Slot, imm: u32, b: Slot },
            SelectElseImm { dst: Slot, cond: Slot, a: Slot, imm: u32 },
            /// `SelectImm` and `SelectElseImm`, reading `s[cond]` from the register.
            SelectImmAcc { dst: Slot, cond: Slot, imm: u32, b: Slot },
            SelectElseImmAcc { dst: Slot, cond: Slot, a: Slot, imm: u32 },
            /// Stores the function's reference (`store index + 1`) in `s[dst]`.
            RefFunc { dst: Slot, func: u32 },
            GlobalGet { dst: Slot, global: u32 },
            GlobalSet { src: Slot, global: u32 },
            /// `GlobalSet`, reading `s[src]` from the register (a value just computed).
            GlobalSetAcc { src: Slot, global: u32 },
            /// `s[dst] = global + imm` (i32, wrapping), written back to the global too: a
            /// `global.get`, the add or subtraction of a constant, and the `global.set` of
            /// the result (the stack pointer's prologue, a counter in a global).
            GlobalI32AddImm { dst: Slot, global: u32, imm: u32 },
            MemorySize { dst: Slot },
            MemoryGrow { dst: Slot, delta: Slot },
            MemoryFill { dst: Slot, value: Slot, len: Slot },
            MemoryCopy { dst: Slot, src: Slot, len: Slot },
            MemoryInit { segment: u32, dst: Slot, src: Slot, len: Slot },
            /// An access to a memory other than memory 0 (multi-memory), or to a memory 0
            /// that is 64-bit or of custom page size: runs the op
            /// `CompiledFunc::memory_ops[op]`, written for memory 0, on memory `memory`
            /// (`memory.copy` reads memory `src_memory`), through the store.
            OtherMemory { op: u32, memory: u32, src_memory: u32 },
            DataDrop { segment: u32 },
            TableGet { dst: Slot, index: Slot, table: u32 },
            TableSet { index: Slot, value: Slot, table: u32 },
            TableSize { dst: Slot, table: u32 },
            TableGrow { dst: Slot, init: Slot, delta: Slot, table: u32 },
            TableFill { start: Slot, value: Slot, len: Slot, table: u32 },
            TableCopy { dst: Slot, dst_table: u32, src_table: u32, src: Slot, len: Slot },
            TableInit { dst: Slot, table: u32, segment: u32, src: Slot, len: Slot },
            ElemDrop { segment: u32 },
            // 128-bit SIMD (`isa::simd`): a vector operand or result names the first of
            // its two slots.
            V128Unary { op: V128Unary, dst: Slot, src: Slot },
            V128Binary { op: V128Binary, dst: Slot, a: Slot, b: Slot },
            V128Ternary { op: V128Ternary, dst: Slot, a: Slot, b: Slot, c: Slot },
            /// An i32 result.
            V128Test { op: V128Test, dst: Slot, src: Slot },
            /// `s[b]` is the i32 shift count.
            V128Shift { op: V128Shift, dst: Slot, a: Slot, b: Slot },
            /// `s[src]` is the scalar.
            V128Splat { op: V128Splat, dst: Slot, src: Slot },
            /// A scalar result: lane `lane` of `s[src]`.
            V128Extract { op: V128Extract, lane: u8, dst: Slot, src: Slot },
            /// `s[a]` with lane `lane` replaced by the scalar `s[b]`.
            V128Replace { op: V128Replace, lane: u8, dst: Slot, a: Slot, b: Slot },
            /// `i8x16.shuffle`: the 16 lane indices are a vector in `s[lanes]` (the
            /// translator writes the constant there).
            V128Shuffle { dst: Slot, a: Slot, b: Slot, lanes: Slot },
            /// `s[dst] = if s[cond] != 0 { s[a] } else { s[b] }`, of vectors.
            V128Select { dst: Slot, cond: Slot, a: Slot, b: Slot },
            /// `s[dst] = op(mem[s[addr] + offset..])`.
            V128Load { op: V128Load, dst: Slot, addr: Slot, offset: u32 },
            /// `s[src]` with lane `lane` loaded from `mem[s[addr] + offset..]`.
            V128LoadLane { op: V128Lane, lane: u8, dst: Slot, addr: Slot, src: Slot, offset: u32 },
            V128Store { addr: Slot, value: Slot, offset: u32 },
            /// Stores lane `lane` of `s[value]`.
            V128StoreLane { op: V128Lane, lane: u8, addr: Slot, value: Slot, offset: u32 },
            /// `global.get` and `global.set` of a `v128` global.
            GlobalGet128 { dst: Slot, global: u32 },
            GlobalSet128 { src: Slot, global: u32 },
            $( $bin { dst: Slot, a: Slot, b: Slot }, )*
            $( $bin_imm { dst: Slot, a: Slot, imm: i64 }, )*
            $( $fbin { dst: Slot, a: Slot, b: Slot }, )*
            $( $xbin { dst: Slot, a: Slot, b: Slot }, )*
            $( $un { dst: Slot, src: Slot }, )*
            $( $xun { dst: Slot, src: Slot }, )*
            // The cached-operand forms: as above, with `s[a]` (or `s[src]`) also in the
            // threaded executor's register, written there by the op just before.
            $( $bin_acc { dst: Slot, a: Slot, b: Slot }, )*
            $( $bin_imm_acc { dst: Slot, a: Slot, imm: i64 }, )*
            $( $fbin_acc { dst: Slot, a: Slot, b: Slot }, )*
            $( $xbin_acc { dst: Slot, a: Slot, b: Slot }, )*
            $( $un_acc { dst: Slot, src: Slot }, )*
            $( $xun_acc { dst: Slot, src: Slot }, )*
            /// `s[dst] = mem[s[addr] + offset]`.
            $( $load { dst: Slot, addr: Slot, offset: u32 }, )*
            /// `s[dst] = mem[(s[a] + s[b]) mod 2^32 + offset]`.
            $( $load_add { dst: Slot, a: Slot, b: Slot, offset: u32 }, )*
            /// `s[dst] = mem[(s[a] + imm) mod 2^32 + offset]`.
            $( $load_add_imm { dst: Slot, a: Slot, imm: u32, offset: u32 }, )*
            /// `s[dst] = mem[(s[index] << shift) mod 2^32 + offset]`.
            $( $load_shl { dst: Slot, index: Slot, shift: u8, offset: u32 }, )*
            /// `$load`, reading `s[addr]` from the register.
            $( $load_acc { dst: Slot, addr: Slot, offset: u32 }, )*
            /// `mem[s[addr] + offset] = s[value]`.
            $( $store { addr: Slot, value: Slot, offset: u32 }, )*
            /// `mem[s[addr] + offset] = value` (its low bytes).
            $( $store_imm { addr: Slot, offset: u32, value: u64 }, )*
            /// `$store`, reading `s[value]` from the register.
            $( $store_acc { addr: Slot, value: Slot, offset: u32 }, )*
            /// The loop counter idiom: `s[counter] += step` (i32, wrapping), then jumps by
            /// `offset` if the new value is below `s[limit]` (unsigned).
            I32AddBrLtU { counter: Slot, limit: Slot, step: i32, offset: i32 },
            /// As `I32AddBrLtU`, with the limit an immediate.
            I32AddBrLtUImm { counter: Slot, step: i32, limit: i32, offset: i32 },
            /// `s[counter] += step`, then jumps if the new value differs from `s[limit]`.
            I32AddBrNe { counter: Slot, limit: Slot, step: i32, offset: i32 },
            /// As `I32AddBrNe`, with the limit an immediate.
            I32AddBrNeImm { counter: Slot, step: i32, limit: i32, offset: i32 },
            /// `s[counter] += step` (i64, wrapping), then jumps if the new value differs
            /// from `limit` (both constants sign-extended from 32 bits).
            I64AddBrNeImm { counter: Slot, step: i32, limit: i32, offset: i32 },
            /// As `I32AddBrLtU`, with the step in `s[step]` (read before the counter is written).
            I32AddSlotBrLtU { counter: Slot, step: Slot, limit: Slot, offset: i32 },
            /// As `I32AddBrNe`, with the step in `s[step]`.
            I32AddSlotBrNe { counter: Slot, step: Slot, limit: Slot, offset: i32 },
            /// Jumps by `offset` if the comparison of `s[a]` and `s[b]` holds.
            $( $br { a: Slot, b: Slot, offset: i32 }, )*
            /// Jumps by `offset` if the comparison of `s[a]` and `imm` holds.
            $( $br_imm { a: Slot, imm: i32, offset: i32 }, )*
            /// Jumps by `offset` if the float comparison of `s[a]` and `s[b]` holds.
            $( $fbr { a: Slot, b: Slot, offset: i32 }, )*
            /// Jumps by `offset` if the float comparison of `s[a]` and `s[b]` does not hold.
            $( $fneg { a: Slot, b: Slot, offset: i32 }, )*
            /// Jumps by `offset` if the float comparison of `s[a]` and the constant `imm`
            /// (its bits; an f32's in the low half) holds.
            $( $fbr_imm { a: Slot, offset: i32, imm: u64 }, )*
            /// Jumps by `offset` if the float comparison of `s[a]` and `imm` does not hold.
            $( $fneg_imm { a: Slot, offset: i32, imm: u64 }, )*
            /// `$br`, `$br_imm`, `$fbr` and `$fneg`, reading `s[a]` from the register.
            $( $br_acc { a: Slot, b: Slot, offset: i32 }, )*
            $( $br_imm_acc { a: Slot, imm: i32, offset: i32 }, )*
            $( $fbr_acc { a: Slot, b: Slot, offset: i32 }, )*
            $( $fneg_acc { a: Slot, b: Slot, offset: i32 }, )*
            /// `s[dst] = s[a] COMBINE (s[b] SHIFT shift)`.
            $( $sh { dst: Slot, a: Slot, b: Slot, shift: u8 }, )*
            /// `s[dst] = s[src] COMBINE (s[src] SHIFT shift)`.
            $( $sh_self { dst: Slot, src: Slot, shift: u8 }, )*
            /// `$sh_self`, reading `s[src]` from the register.
            $( $sh_self_acc { dst: Slot, src: Slot, shift: u8 }, )*
        }

        impl Op {
            /// The instruction's name, wasm-style (`i32.add`, `br_if`, `load32`).
            pub fn name(&self) -> &'static str {
                match self {
                    Op::Unreachable => "unreachable",
                    Op::Br { .. } => "br",
                    Op::BrIfNez { .. } | Op::BrIfNezAcc { .. } => "br_if",
                    Op::BrIfEqz { .. } | Op::BrIfEqzAcc { .. } => "br_unless",
                    Op::BrIfNull { .. } => "br_if_null",
                    Op::BrIfNonNull { .. } => "br_if_non_null",
                    Op::RefAsNonNull { .. } => "ref.as_non_null",
                    Op::CallRef { .. } => "call_ref",
                    Op::Throw { .. } => "throw",
                    Op::ThrowRef { .. } => "throw_ref",
                    Op::ReturnCallRef { .. } => "return_call_ref",
                    Op::BrTable { .. } => "br_table",
                    Op::Return | Op::Return1 { .. } | Op::ReturnMany { .. } => "return",
                    Op::CallInternal { .. } | Op::CallImport { .. } => "call",
                    Op::CallIndirect { .. } => "call_indirect",
                    Op::ReturnCall { .. } | Op::ReturnCallInternal { .. } => "return_call",
                    Op::ReturnCallIndirect { .. } => "return_call_indirect",
                    Op::I64Add128 { .. } => "i64.add128",
                    Op::I64Sub128 { .. } => "i64.sub128",
                    Op::I64MulWideS { .. } => "i64.mul_wide_s",
                    Op::I64MulWideU { .. } => "i64.mul_wide_u",
                    Op::Copy { .. } | Op::CopyAcc { .. } => "copy",
                    Op::Copy2 { .. } | Op::Copy2Acc { .. } => "copy2",
                    Op::I32AddImm2 { .. } | Op::I32AddImmAdd { .. } => "i32.add+i32.add",
                    Op::CopyBrIfNez { .. } | Op::CopyBrIfNezAcc { .. } => "copy+br_if",
                    Op::I32AddImmCopyBrIfNez { .. } => "i32.add+copy+br_if",
                    Op::I32AddImmBr { .. } => "i32.add+br",
                    Op::CopyBrIfEqz { .. } | Op::CopyBrIfEqzAcc { .. } => "copy+br_unless",
                    Op::Load32BrIfNez { .. } => "load32+br_if",
                    Op::I32AddImmInMemory { .. } => "i32.load+i32.add+i32.store",
                    Op::Load32Store32 { .. } | Op::Load32Store32Acc { .. } => "load32+store32",
                    Op::Load32BrIfEqz { .. } => "load32+br_unless",
                    Op::I32ShrUAndImm { .. } | Op::I32ShrUAndImmAcc { .. } => "i32.shr_u+i32.and",
                    Op::I32AddAndImm { .. } | Op::I32AddAndImmAcc { .. } => "i32.add+i32.and",
                    Op::I32MulAdd { .. } | Op::I32MulAddAcc { .. } => "i32.mul+i32.add",
                    Op::I64MulAdd { .. } | Op::I64MulAddAcc { .. } => "i64.mul+i64.add",
                    Op::F32MulAdd { .. } | Op::F32MulAddAcc { .. } => "f32.mul+f32.add",
                    Op::F64MulAdd { .. } | Op::F64MulAddAcc { .. } => "f64.mul+f64.add",
                    Op::F32x4MulAdd { .. } => "f32x4.mul+f32x4.add",
                    Op::F64x2MulAdd { .. } => "f64x2.mul+f64x2.add",
                    Op::Const32 { .. } | Op::Const64 { .. } => "const",
                    Op::Select { .. }
                    | Op::SelectAcc { .. }
                    | Op::SelectImm { .. }
                    | Op::SelectImmAcc { .. }
                    | Op::SelectElseImm { .. }
                    | Op::SelectElseImmAcc { .. } => "select",
                    Op::RefFunc { .. } => "ref.func",
                    Op::GlobalGet { .. } | Op::GlobalGet128 { .. } => "global.get",
                    Op::GlobalSet { .. } | Op::GlobalSetAcc { .. } | Op::GlobalSet128 { .. } => "global.set",
                    Op::GlobalI32AddImm { .. } => "global.get+i32.add+global.set",
                    Op::V128Unary { op, .. } => op.name(),
                    Op::V128Binary { op, .. } => op.name(),
                    Op::V128Ternary { op, .. } => op.name(),
                    Op::V128Test { op, .. } => op.name(),
                    Op::V128Shift { op, .. } => op.name(),
                    Op::V128Splat { op, .. } => op.name(),
                    Op::V128Extract { op, .. } => op.name(),
                    Op::V128Replace { op, .. } => op.name(),
                    Op::V128Shuffle { .. } => "i8x16.shuffle",
                    Op::V128Select { .. } => "select",
                    Op::V128Load { op, .. } => op.name(),
                    Op::V128LoadLane { op, .. } => op.name(true),
                    Op::V128Store { .. } => "v128.store",
                    Op::V128StoreLane { op, .. } => op.name(false),
                    Op::MemorySize { .. } => "memory.size",
                    Op::MemoryGrow { .. } => "memory.grow",
                    Op::MemoryFill { .. } => "memory.fill",
                    Op::MemoryCopy { .. } => "memory.copy",
                    Op::MemoryInit { .. } => "memory.init",
                    Op::OtherMemory { .. } => "(other memory)",
                    Op::DataDrop { .. } => "data.drop",
                    Op::TableGet { .. } => "table.get",
                    Op::TableSet { .. } => "table.set",
                    Op::TableSize { .. } => "table.size",
                    Op::TableGrow { .. } => "table.grow",
                    Op::TableFill { .. } => "table.fill",
                    Op::TableCopy { .. } => "table.copy",
                    Op::TableInit { .. } => "table.init",
                    Op::ElemDrop { .. } => "elem.drop",
                    $( Op::$bin { .. } | Op::$bin_imm { .. } | Op::$bin_acc { .. } | Op::$bin_imm_acc { .. } => $bin_name, )*
                    $( Op::$fbin { .. } | Op::$fbin_acc { .. } => $fbin_name, )*
                    $( Op::$xbin { .. } | Op::$xbin_acc { .. } => $xbin_name, )*
                    $( Op::$un { .. } | Op::$un_acc { .. } => $un_name, )*
                    $( Op::$xun { .. } | Op::$xun_acc { .. } => $xun_name, )*
                    $( Op::$load { .. } | Op::$load_acc { .. } => $load_name, )*
                    $( Op::$load_add { .. } | Op::$load_add_imm { .. } => concat!("i32.add+", $load_name), )*
                    $( Op::$load_shl { .. } => concat!("i32.shl+", $load_name), )*
                    $( Op::$store { .. } | Op::$store_imm { .. } | Op::$store_acc { .. } => $store_name, )*
                    $( Op::$br { .. } | Op::$br_imm { .. } | Op::$br_acc { .. } | Op::$br_imm_acc { .. } => concat!("br_if ", $cmp_name), )*
                    $( Op::$fbr { .. } | Op::$fbr_imm { .. } | Op::$fbr_acc { .. } => concat!("br_if ", $fcmp_name), )*
                    $( Op::$fneg { .. } | Op::$fneg_imm { .. } | Op::$fneg_acc { .. } => concat!("br_unless ", $fcmp_name), )*
                    Op::I32AddBrLtU { .. } | Op::I32AddBrLtUImm { .. } | Op::I32AddSlotBrLtU { .. } => "i32.add+br_if i32.lt_u",
                    Op::I32AddBrNe { .. } | Op::I32AddBrNeImm { .. } | Op::I32AddSlotBrNe { .. } => "i32.add+br_if i32.ne",
                    Op::I64AddBrNeImm { .. } => "i64.add+br_if i64.ne",
                    $( Op::$sh { .. } | Op::$sh_self { .. } | Op::$sh_self_acc { .. } => concat!($sh_shift_name, "+", $sh_comb_name), )*
                }
            }

            /// `self`, an add, xor or or, as one op with `shift`, the op just before it,
            /// if that is a shift by a constant whose result is `self`'s operand
            /// `shifted` (the other one may be either: the three commute); `None` if the
            /// pair has no fused form.
            pub(crate) fn with_shifted_operand(&self, shift: &Op, shifted: Slot) -> Option<Op> {
                match (*self, *shift) {
                    $(
                        (Op::$sh_comb { dst, a, b }, Op::$sh_shift { dst: result, a: source, imm })
                            if result == shifted && (a == shifted) != (b == shifted) =>
                        {
                            let other = if a == shifted { b } else { a };
                            // The shifts use the count's low 5 or 6 bits: the low 8 are enough.
                            let shift = imm as u8;
                            Some(match other == source {
                                true => Op::$sh_self { dst, src: source, shift },
                                false => Op::$sh { dst, a: other, b: source, shift },
                            })
                        }
                    )*
                    _ => None,
                }
            }

            /// `self`, an add (i32, i64, f32, f64, f32x4 or f64x2), as one op with
            /// `product`, the op just before it, if that is a multiplication of the same
            /// type whose result is `self`'s operand `summed` (and not its other one);
            /// `None` otherwise.
            pub(crate) fn with_product_operand(&self, product: &Op, summed: Slot) -> Option<Op> {
                let (Op::I32Add { dst, a, b }
                | Op::I64Add { dst, a, b }
                | Op::F32Add { dst, a, b }
                | Op::F64Add { dst, a, b }
                | Op::V128Binary { dst, a, b, .. }) = *self
                else {
                    return None;
                };
                if (a == summed) == (b == summed) {
                    return None;
                }
                let c = if a == summed { b } else { a };
                use V128Binary::{F32x4Add, F32x4Mul, F64x2Add, F64x2Mul};
                Some(match (*self, *product) {
                    (Op::I32Add { .. }, Op::I32Mul { dst: result, a, b }) if result == summed => Op::I32MulAdd { dst, a, b, c },
                    (Op::I64Add { .. }, Op::I64Mul { dst: result, a, b }) if result == summed => Op::I64MulAdd { dst, a, b, c },
                    // The sum's operands in either order: float addition commutes but for
                    // which NaN's payload a NaN result carries, which the spec leaves open.
                    (Op::F32Add { .. }, Op::F32Mul { dst: result, a, b }) if result == summed => Op::F32MulAdd { dst, a, b, c },
                    (Op::F64Add { .. }, Op::F64Mul { dst: result, a, b }) if result == summed => Op::F64MulAdd { dst, a, b, c },
                    (Op::V128Binary { op: F32x4Add, .. }, Op::V128Binary { op: F32x4Mul, dst: result, a, b }) if result == summed => Op::F32x4MulAdd { dst, a, b, c },
                    (Op::V128Binary { op: F64x2Add, .. }, Op::V128Binary { op: F64x2Mul, dst: result, a, b }) if result == summed => Op::F64x2MulAdd { dst, a, b, c },
                    _ => return None,
                })
            }

            /// `self`, a load, addressed by slot `a` and `b`: `a` plus a slot or an
            /// immediate (an `i32.add` whose only use is the address), or `a` shifted left
            /// (an `i32.shl` by a constant); `None` for other ops.
            pub(crate) fn with_computed_address(&self, a: Slot, b: AddressTerm) -> Option<Op> {
                Some(match (*self, b) {
                    $(
                        (Op::$load { dst, offset, .. }, AddressTerm::Slot(b)) => Op::$load_add { dst, a, b, offset },
                        (Op::$load { dst, offset, .. }, AddressTerm::Imm(imm)) => Op::$load_add_imm { dst, a, imm, offset },
                        (Op::$load { dst, offset, .. }, AddressTerm::Shift(shift)) => Op::$load_shl { dst, index: a, shift, offset },
                    )*
                    _ => return None,
                })
            }

            /// `self`, a store, storing the constant `value` instead of its slot; `None`
            /// for other ops.
            pub(crate) fn store_of_constant(&self, value: u64) -> Option<Op> {
                Some(match *self {
                    $( Op::$store { addr, offset, .. } => Op::$store_imm { addr, offset, value }, )*
                    _ => return None,
                })
            }

            /// The loop counter idiom: `self` (a compare-and-branch on `counter`, or a
            /// branch on it being nonzero; for an i64 counter, its test against a
            /// constant), just after `counter += step` (`add`), as one op; `None` if they
            /// do not fit it.
            pub(crate) fn fused_increment(&self, add: &Op) -> Option<Op> {
                if let Op::I32Add { dst, a, b } = *add {
                    // The step is the other operand (either: the add commutes).
                    let step = match (dst == a, dst == b) {
                        (true, _) => b,
                        (false, true) => a,
                        (false, false) => return None,
                    };
                    return Some(match *self {
                        Op::BrI32LtU { a, b, offset } if a == dst => Op::I32AddSlotBrLtU { counter: a, step, limit: b, offset },
                        Op::BrI32Ne { a, b, offset } if a == dst => Op::I32AddSlotBrNe { counter: a, step, limit: b, offset },
                        Op::BrI32Ne { a, b, offset } if b == dst => Op::I32AddSlotBrNe { counter: b, step, limit: a, offset },
                        _ => return None,
                    });
                }
                if let Op::I64AddImm { dst, a, imm } = *add {
                    // The fused op holds the step in 32 bits, sign-extended (the limit
                    // already is: `BrI64NeImm`'s).
                    let step = i32::try_from(imm).ok()?;
                    return match *self {
                        Op::BrI64NeImm { a: counter, imm: limit, offset } if counter == dst && a == dst => {
                            Some(Op::I64AddBrNeImm { counter, step, limit, offset })
                        }
                        _ => None,
                    };
                }
                let &Op::I32AddImm { dst, a, imm } = add else {
                    return None;
                };
                // An i32 add uses its immediate's low 32 bits.
                let step = imm as i32;
                if dst != a {
                    return None;
                }
                Some(match *self {
                    Op::BrI32LtU { a, b, offset } if a == dst => Op::I32AddBrLtU { counter: a, limit: b, step, offset },
                    Op::BrI32LtUImm { a, imm, offset } if a == dst => Op::I32AddBrLtUImm { counter: a, step, limit: imm, offset },
                    Op::BrI32Ne { a, b, offset } if a == dst => Op::I32AddBrNe { counter: a, limit: b, step, offset },
                    // `ne` commutes: the counter may be its right operand.
                    Op::BrI32Ne { a, b, offset } if b == dst => Op::I32AddBrNe { counter: b, limit: a, step, offset },
                    // A count down to zero: `br_if (local.tee $i (i32.add (local.get $i) k))`.
                    Op::BrIfNez { cond, offset } if cond == dst => Op::I32AddBrNeImm { counter: cond, step, limit: 0, offset },
                    Op::BrI32NeImm { a, imm, offset } if a == dst => Op::I32AddBrNeImm { counter: a, step, limit: imm, offset },
                    _ => return None,
                })
            }

            /// The compare-and-branch op equivalent to `self` (a comparison or `i64.eqz`
            /// writing its result) followed by a branch taken when the result is `when`
            /// (true for `br_if`, false for `if`), or `None` if `self` is neither, or
            /// compares with an i64 constant that the fused op cannot hold.
            pub(crate) fn fused_branch(&self, when: bool) -> Option<Op> {
                Some(match (*self, when) {
                    (Op::I64Eqz { src, .. }, true) => Op::BrI64EqImm { a: src, imm: 0, offset: 0 },
                    (Op::I64Eqz { src, .. }, false) => Op::BrI64NeImm { a: src, imm: 0, offset: 0 },
                    $(
                        (Op::$cmp { a, b, .. }, true) => Op::$br { a, b, offset: 0 },
                        (Op::$cmp_imm { a, imm, .. }, true) if branch_immediate_fits(imm, $cmp_wide) => Op::$br_imm { a, imm: imm as i32, offset: 0 },
                        (Op::$cmp { a, b, .. }, false) => Op::$neg { a, b, offset: 0 },
                        (Op::$cmp_imm { a, imm, .. }, false) if branch_immediate_fits(imm, $cmp_wide) => Op::$neg_imm { a, imm: imm as i32, offset: 0 },
                    )*
                    $(
                        (Op::$fcmp { a, b, .. }, true) => Op::$fbr { a, b, offset: 0 },
                        (Op::$fcmp { a, b, .. }, false) => Op::$fneg { a, b, offset: 0 },
                    )*
                    _ => return None,
                })
            }

            /// The slot of a float comparison's right operand (`None` for other ops).
            pub(crate) fn float_comparison_rhs(&self) -> Option<Slot> {
                match *self {
                    $( Op::$fcmp { b, .. } => Some(b), )*
                    _ => None,
                }
            }

            /// `self`, a float compare-and-branch reading its right operand from the slot
            /// a constant (bits `imm`) was written to, as the form comparing with the
            /// constant itself; `None` for other ops.
            pub(crate) fn with_immediate_operand(&self, imm: u64) -> Option<Op> {
                Some(match *self {
                    $(
                        Op::$fbr { a, offset, .. } => Op::$fbr_imm { a, imm, offset },
                        Op::$fneg { a, offset, .. } => Op::$fneg_imm { a, imm, offset },
                    )*
                    _ => return None,
                })
            }

            /// The conditional branch taken exactly when `self` (a side-effect-free
            /// conditional branch) is not, with the same offset; `None` for other ops.
            pub(crate) fn inverted_branch(&self) -> Option<Op> {
                Some(match *self {
                    Op::BrIfNez { cond, offset } => Op::BrIfEqz { cond, offset },
                    Op::BrIfEqz { cond, offset } => Op::BrIfNez { cond, offset },
                    Op::BrIfNull { cond, offset } => Op::BrIfNonNull { cond, offset },
                    Op::BrIfNonNull { cond, offset } => Op::BrIfNull { cond, offset },
                    $(
                        Op::$br { a, b, offset } => Op::$neg { a, b, offset },
                        Op::$br_imm { a, imm, offset } => Op::$neg_imm { a, imm, offset },
                    )*
                    $(
                        Op::$fbr { a, b, offset } => Op::$fneg { a, b, offset },
                        Op::$fneg { a, b, offset } => Op::$fbr { a, b, offset },
                        Op::$fbr_imm { a, imm, offset } => Op::$fneg_imm { a, imm, offset },
                        Op::$fneg_imm { a, imm, offset } => Op::$fbr_imm { a, imm, offset },
                    )*
                    _ => return None,
                })
            }

            /// The branch offset of a branching op.
            pub(crate) fn branch_offset(&self) -> Option<i32> {
                let mut op = *self;
                op.branch_offset_mut().copied()
            }

            /// The branch offset of a branching op, to change.
            pub(crate) fn branch_offset_mut(&mut self) -> Option<&mut i32> {
                match self {
                    Op::Br { offset } | Op::BrIfNez { offset, .. } | Op::BrIfEqz { offset, .. } => Some(offset),
                    Op::BrIfNezAcc { offset, .. } | Op::BrIfEqzAcc { offset, .. } => Some(offset),
                    Op::BrIfNull { offset, .. } | Op::BrIfNonNull { offset, .. } => Some(offset),
                    Op::CopyBrIfNez { offset, .. } | Op::CopyBrIfEqz { offset, .. } => Some(offset),
                    Op::CopyBrIfNezAcc { offset, .. } | Op::CopyBrIfEqzAcc { offset, .. } => Some(offset),
                    Op::I32AddImmCopyBrIfNez { offset, .. } | Op::I32AddImmBr { offset, .. } => Some(offset),
                    Op::Load32BrIfNez { offset, .. } | Op::Load32BrIfEqz { offset, .. } => Some(offset),
                    Op::I32AddBrLtU { offset, .. } | Op::I32AddBrLtUImm { offset, .. }
                    | Op::I32AddBrNe { offset, .. } | Op::I32AddBrNeImm { offset, .. }
                    | Op::I32AddSlotBrLtU { offset, .. } | Op::I32AddSlotBrNe { offset, .. } => Some(offset),
                    Op::I64AddBrNeImm { offset, .. } => Some(offset),
                    $( Op::$br { offset, .. } | Op::$br_imm { offset, .. } => Some(offset), )*
                    $( Op::$fbr { offset, .. } | Op::$fneg { offset, .. } => Some(offset), )*
                    $( Op::$fbr_imm { offset, .. } | Op::$fneg_imm { offset, .. } => Some(offset), )*
                    $( Op::$br_acc { offset, .. } | Op::$br_imm_acc { offset, .. } => Some(offset), )*
                    $( Op::$fbr_acc { offset, .. } | Op::$fneg_acc { offset, .. } => Some(offset), )*
                    _ => None,
                }
            }

            /// The form of `self` that takes its left operand (or its only one) from the
            /// register where the threaded executor keeps the result of the op before,
            /// when that result's slot `cached` is the operand; `None` otherwise.
            /// Commutative integer ops whose right operand is `cached` swap operands.
            pub(crate) fn with_cached_operand(&self, cached: Slot) -> Option<Op> {
                self.cached_form(cached)
                    .or_else(|| self.commuted()?.cached_form(cached))
            }

            fn cached_form(&self, cached: Slot) -> Option<Op> {
                Some(match *self {
                    $( Op::$bin { dst, a, b } if a == cached => Op::$bin_acc { dst, a, b }, )*
                    $( Op::$bin_imm { dst, a, imm } if a == cached => Op::$bin_imm_acc { dst, a, imm }, )*
                    $( Op::$fbin { dst, a, b } if a == cached => Op::$fbin_acc { dst, a, b }, )*
                    $( Op::$xbin { dst, a, b } if a == cached => Op::$xbin_acc { dst, a, b }, )*
                    $( Op::$un { dst, src } if src == cached => Op::$un_acc { dst, src }, )*
                    $( Op::$xun { dst, src } if src == cached => Op::$xun_acc { dst, src }, )*
                    // A comparison with its right operand in the register becomes the
                    // mirrored comparison (`a < b` is `b > a`, for floats too).
                    $( Op::$br { a, b, offset } if a == cached => Op::$br_acc { a, b, offset }, )*
                    $( Op::$br { a, b, offset } if b == cached => Op::$br_mirror_acc { a: b, b: a, offset }, )*
                    $( Op::$br_imm { a, imm, offset } if a == cached => Op::$br_imm_acc { a, imm, offset }, )*
                    $( Op::$fbr { a, b, offset } if a == cached => Op::$fbr_acc { a, b, offset }, )*
                    $( Op::$fbr { a, b, offset } if b == cached => Op::$fbr_mirror_acc { a: b, b: a, offset }, )*
                    $( Op::$fneg { a, b, offset } if a == cached => Op::$fneg_acc { a, b, offset }, )*
                    $( Op::$fneg { a, b, offset } if b == cached => Op::$fneg_mirror_acc { a: b, b: a, offset }, )*
                    Op::BrIfNez { cond, offset } if cond == cached => Op::BrIfNezAcc { cond, offset },
                    Op::BrIfEqz { cond, offset } if cond == cached => Op::BrIfEqzAcc { cond, offset },
                    $( Op::$store { addr, value, offset } if value == cached => Op::$store_acc { addr, value, offset }, )*
                    // (A load may trap and be run again from the slots: the address stays
                    // in its slot too, `register_only_operand` has no load.)
                    $( Op::$load { dst, addr, offset } if addr == cached => Op::$load_acc { dst, addr, offset }, )*
                    Op::Load32Store32 { dst, addr, value, offset } if addr == cached => Op::Load32Store32Acc { dst, addr, value, offset },
                    $( Op::$sh_self { dst, src, shift } if src == cached => Op::$sh_self_acc { dst, src, shift }, )*
                    Op::I32ShrUAndImm { dst, src, shift, mask } if src == cached => Op::I32ShrUAndImmAcc { dst, src, shift, mask },
                    Op::I32AddAndImm { dst, src, add, mask } if src == cached => Op::I32AddAndImmAcc { dst, src, add, mask },
                    // The factors commute.
                    Op::I32MulAdd { dst, a, b, c } if a == cached => Op::I32MulAddAcc { dst, a, b, c },
                    Op::I32MulAdd { dst, a, b, c } if b == cached => Op::I32MulAddAcc { dst, a: b, b: a, c },
                    Op::I64MulAdd { dst, a, b, c } if a == cached => Op::I64MulAddAcc { dst, a, b, c },
                    Op::I64MulAdd { dst, a, b, c } if b == cached => Op::I64MulAddAcc { dst, a: b, b: a, c },
                    Op::F32MulAdd { dst, a, b, c } if a == cached => Op::F32MulAddAcc { dst, a, b, c },
                    Op::F32MulAdd { dst, a, b, c } if b == cached => Op::F32MulAddAcc { dst, a: b, b: a, c },
                    Op::F64MulAdd { dst, a, b, c } if a == cached => Op::F64MulAddAcc { dst, a, b, c },
                    Op::F64MulAdd { dst, a, b, c } if b == cached => Op::F64MulAddAcc { dst, a: b, b: a, c },
                    Op::GlobalSet { src, global } if src == cached => Op::GlobalSetAcc { src, global },
                    Op::Select { dst, cond, a, b } if cond == cached => Op::SelectAcc { dst, cond, a, b },
                    Op::SelectImm { dst, cond, imm, b } if cond == cached => Op::SelectImmAcc { dst, cond, imm, b },
                    Op::SelectElseImm { dst, cond, a, imm } if cond == cached => Op::SelectElseImmAcc { dst, cond, a, imm },
                    Op::Copy { dst, src } if src == cached => Op::CopyAcc { dst, src },
                    Op::CopyBrIfNez { dst, src, cond, offset } if src == cached => Op::CopyBrIfNezAcc { dst, src, cond, offset },
                    Op::CopyBrIfEqz { dst, src, cond, offset } if src == cached => Op::CopyBrIfEqzAcc { dst, src, cond, offset },
                    Op::Copy2 { dst, src, dst2, src2 } if src2 == cached && dst != src2 => Op::Copy2Acc { dst, src, dst2, src2 },
                    _ => return None,
                })
            }

            /// The operand a cached-operand form reads from the register, if it reads that
            /// slot in no other way and cannot leave the threaded chain for the loop
            /// executor to run it again from the slots (as an op that may trap can).
            fn register_only_operand(&self) -> Option<Slot> {
                match *self {
                    $( Op::$bin_acc { a, b, .. } if a != b => Some(a), )*
                    $( Op::$bin_imm_acc { a, .. } => Some(a), )*
                    $( Op::$fbin_acc { a, b, .. } if a != b => Some(a), )*
                    $( Op::$un_acc { src, .. } => Some(src), )*
                    $( Op::$sh_self_acc { src, .. } => Some(src), )*
                    Op::I32ShrUAndImmAcc { src, .. } | Op::I32AddAndImmAcc { src, .. } | Op::GlobalSetAcc { src, .. } => Some(src),
                    Op::I32MulAddAcc { a, b, c, .. }
                    | Op::I64MulAddAcc { a, b, c, .. }
                    | Op::F32MulAddAcc { a, b, c, .. }
                    | Op::F64MulAddAcc { a, b, c, .. } if a != b && a != c => Some(a),
                    Op::SelectAcc { cond, a, b, .. } if cond != a && cond != b => Some(cond),
                    Op::SelectImmAcc { cond, b: arm, .. } | Op::SelectElseImmAcc { cond, a: arm, .. } if cond != arm => Some(cond),
                    Op::CopyAcc { src, .. } => Some(src),
                    Op::Copy2Acc { src, src2, .. } if src != src2 => Some(src2),
                    // (Not a copy with a branch, `CopyBrIfNezAcc`: its source may stay on
                    // the operand stack for the path falling through, which reads the slot.)
                    Op::BrIfNezAcc { cond, .. } | Op::BrIfEqzAcc { cond, .. } => Some(cond),
                    $( Op::$br_acc { a, b, .. } if a != b => Some(a), )*
                    $( Op::$br_imm_acc { a, .. } => Some(a), )*
                    $( Op::$fbr_acc { a, b, .. } | Op::$fneg_acc { a, b, .. } if a != b => Some(a), )*
                    // A store may trap, but run again from the slots it traps the same
                    // way whatever the value.
                    $( Op::$store_acc { addr, value, .. } if addr != value => Some(value), )*
                    _ => None,
                }
            }

            /// The slot a cached-operand form reads from the register (`None` for the
            /// other ops).
            pub fn cached_operand(&self) -> Option<Slot> {
                match *self {
                    $( Op::$bin_acc { a, .. } | Op::$bin_imm_acc { a, .. } => Some(a), )*
                    $( Op::$fbin_acc { a, .. } => Some(a), )*
                    $( Op::$xbin_acc { a, .. } => Some(a), )*
                    $( Op::$un_acc { src, .. } => Some(src), )*
                    $( Op::$xun_acc { src, .. } => Some(src), )*
                    $( Op::$store_acc { value, .. } => Some(value), )*
                    $( Op::$load_acc { addr, .. } => Some(addr), )*
                    Op::Load32Store32Acc { addr, .. } => Some(addr),
                    Op::BrIfNezAcc { cond, .. } | Op::BrIfEqzAcc { cond, .. } => Some(cond),
                    $( Op::$br_acc { a, .. } | Op::$br_imm_acc { a, .. } => Some(a), )*
                    $( Op::$fbr_acc { a, .. } | Op::$fneg_acc { a, .. } => Some(a), )*
                    $( Op::$sh_self_acc { src, .. } => Some(src), )*
                    Op::I32ShrUAndImmAcc { src, .. } | Op::I32AddAndImmAcc { src, .. } | Op::GlobalSetAcc { src, .. } => Some(src),
                    Op::I32MulAddAcc { a, .. }
                    | Op::I64MulAddAcc { a, .. }
                    | Op::F32MulAddAcc { a, .. }
                    | Op::F64MulAddAcc { a, .. } => Some(a),
                    Op::SelectAcc { cond, .. } | Op::SelectImmAcc { cond, .. } | Op::SelectElseImmAcc { cond, .. } => Some(cond),
                    Op::CopyAcc { src, .. } => Some(src),
                    Op::Copy2Acc { src2, .. } => Some(src2),
                    Op::CopyBrIfNezAcc { src, .. } | Op::CopyBrIfEqzAcc { src, .. } => Some(src),
                    _ => None,
                }
            }

            /// The slot this instruction writes its single result to, if it has one
            /// (the translator retargets it to a local for `local.set`).
            pub(crate) fn result_slot_mut(&mut self) -> Option<&mut Slot> {
                match self {
                    Op::Copy { dst, .. }
                    | Op::CopyAcc { dst, .. }
                    | Op::Const32 { dst, .. }
                    | Op::Const64 { dst, .. }
                    | Op::Select { dst, .. }
                    | Op::SelectAcc { dst, .. }
                    | Op::SelectImm { dst, .. }
                    | Op::SelectImmAcc { dst, .. }
                    | Op::SelectElseImm { dst, .. }
                    | Op::SelectElseImmAcc { dst, .. }
                    | Op::RefFunc { dst, .. }
                    | Op::GlobalGet { dst, .. }
                    | Op::GlobalI32AddImm { dst, .. }
                    | Op::V128Test { dst, .. }
                    | Op::V128Extract { dst, .. }
                    | Op::MemorySize { dst }
                    | Op::MemoryGrow { dst, .. }
                    | Op::TableGet { dst, .. }
                    | Op::TableSize { dst, .. }
                    | Op::TableGrow { dst, .. }
                    | Op::Load32BrIfNez { dst, .. }
                    | Op::Load32BrIfEqz { dst, .. }
                    | Op::Load32Store32 { dst, .. }
                    | Op::Load32Store32Acc { dst, .. }
                    | Op::I32ShrUAndImm { dst, .. }
                    | Op::I32ShrUAndImmAcc { dst, .. }
                    | Op::I32AddAndImm { dst, .. }
                    | Op::I32AddAndImmAcc { dst, .. }
                    | Op::I32MulAdd { dst, .. }
                    | Op::I64MulAdd { dst, .. }
                    | Op::I32MulAddAcc { dst, .. }
                    | Op::I64MulAddAcc { dst, .. }
                    | Op::F32MulAdd { dst, .. }
                    | Op::F64MulAdd { dst, .. }
                    | Op::F32MulAddAcc { dst, .. }
                    | Op::F64MulAddAcc { dst, .. } => Some(dst),
                    $( Op::$bin { dst, .. } | Op::$bin_imm { dst, .. } => Some(dst), )*
                    $( Op::$bin_acc { dst, .. } | Op::$bin_imm_acc { dst, .. } => Some(dst), )*
                    $( Op::$fbin { dst, .. } | Op::$fbin_acc { dst, .. } => Some(dst), )*
                    $( Op::$xbin { dst, .. } | Op::$xbin_acc { dst, .. } => Some(dst), )*
                    $( Op::$un { dst, .. } | Op::$un_acc { dst, .. } => Some(dst), )*
                    $( Op::$xun { dst, .. } | Op::$xun_acc { dst, .. } => Some(dst), )*
                    $( Op::$load { dst, .. } | Op::$load_add { dst, .. } | Op::$load_add_imm { dst, .. } | Op::$load_shl { dst, .. } => Some(dst), )*
                    $( Op::$load_acc { dst, .. } => Some(dst), )*
                    $( Op::$sh { dst, .. } | Op::$sh_self { dst, .. } | Op::$sh_self_acc { dst, .. } => Some(dst), )*
                    _ => None,
                }
            }
        }
    };
}

/// The pattern of the ops that need the store: calls other than `CallInternal` (tail
/// calls too),
/// `ref.func`, `memory.grow` and `memory.init`, tables and dropped segments. Both
/// executors run them through `Run::store_op` (`exec/mod.rs`).
macro_rules! store_op {
    () => {
        Op::CallImport { .. }
            | Op::CallIndirect { .. }
            | Op::ReturnCall { .. }
            | Op::ReturnCallIndirect { .. }
            | Op::CallRef { .. }
            | Op::ReturnCallRef { .. }
            | Op::RefFunc { .. }
            | Op::MemoryGrow { .. }
            | Op::MemoryInit { .. }
            | Op::OtherMemory { .. }
            | Op::DataDrop { .. }
            | Op::TableGet { .. }
            | Op::TableSet { .. }
            | Op::TableSize { .. }
            | Op::TableGrow { .. }
            | Op::TableFill { .. }
            | Op::TableCopy { .. }
            | Op::TableInit { .. }
            | Op::ElemDrop { .. }
    };
}

/// Calls `$callback! { $extra.. binary: [..] float_binary: [..] fallible_binary: [..]
/// unary: [..] fallible_unary: [..] load: [..] store: [..] compare_branch: [..]
/// float_compare_branch: [..] shifted_binary: [..] }` with
/// every table above, so one macro (the enum here, the executors' dispatch) can see all
/// opcodes at once; `$extra` tokens are passed through in front.
macro_rules! with_op_tables {
    ($cb:ident $($e:tt)*) => { for_each_binary!(collect_binary $cb [$($e)*]); };
}
macro_rules! collect_binary {
    ($cb:ident [$($e:tt)*] $($b:tt)*) => {
        for_each_float_binary!(collect_float_binary $cb [$($e)*] [$($b)*]);
    };
}
macro_rules! collect_float_binary {
    ($cb:ident [$($e:tt)*] [$($b:tt)*] $($f:tt)*) => {
        for_each_fallible_binary!(collect_fallible_binary $cb [$($e)*] [$($b)*] [$($f)*]);
    };
}
macro_rules! collect_fallible_binary {
    ($cb:ident [$($e:tt)*] [$($b:tt)*] [$($f:tt)*] $($x:tt)*) => {
        for_each_unary!(collect_unary $cb [$($e)*] [$($b)*] [$($f)*] [$($x)*]);
    };
}
macro_rules! collect_unary {
    ($cb:ident [$($e:tt)*] [$($b:tt)*] [$($f:tt)*] [$($x:tt)*] $($u:tt)*) => {
        for_each_fallible_unary!(collect_fallible_unary $cb [$($e)*] [$($b)*] [$($f)*] [$($x)*] [$($u)*]);
    };
}
macro_rules! collect_fallible_unary {
    ($cb:ident [$($e:tt)*] [$($b:tt)*] [$($f:tt)*] [$($x:tt)*] [$($u:tt)*] $($xu:tt)*) => {
        for_each_load!(collect_load $cb [$($e)*] [$($b)*] [$($f)*] [$($x)*] [$($u)*] [$($xu)*]);
    };
}
macro_rules! collect_load {
    ($cb:ident [$($e:tt)*] [$($b:tt)*] [$($f:tt)*] [$($x:tt)*] [$($u:tt)*] [$($xu:tt)*] $($l:tt)*) => {
        for_each_store!(collect_store $cb [$($e)*] [$($b)*] [$($f)*] [$($x)*] [$($u)*] [$($xu)*] [$($l)*]);
    };
}
macro_rules! collect_store {
    ($cb:ident [$($e:tt)*] [$($b:tt)*] [$($f:tt)*] [$($x:tt)*] [$($u:tt)*] [$($xu:tt)*] [$($l:tt)*] $($s:tt)*) => {
        for_each_compare_branch!(collect_compare_branch $cb [$($e)*] [$($b)*] [$($f)*] [$($x)*] [$($u)*] [$($xu)*] [$($l)*] [$($s)*]);
    };
}
macro_rules! collect_compare_branch {
    ($cb:ident [$($e:tt)*] [$($b:tt)*] [$($f:tt)*] [$($x:tt)*] [$($u:tt)*] [$($xu:tt)*] [$($l:tt)*] [$($s:tt)*] $($c:tt)*) => {
        for_each_float_compare_branch!(collect_float_compare_branch $cb [$($e)*] [$($b)*] [$($f)*] [$($x)*] [$($u)*] [$($xu)*] [$($l)*] [$($s)*] [$($c)*]);
    };
}
macro_rules! collect_float_compare_branch {
    ($cb:ident [$($e:tt)*] [$($b:tt)*] [$($f:tt)*] [$($x:tt)*] [$($u:tt)*] [$($xu:tt)*] [$($l:tt)*] [$($s:tt)*] [$($c:tt)*] $($fc:tt)*) => {
        for_each_shifted_binary!(collect_shifted_binary $cb [$($e)*] [$($b)*] [$($f)*] [$($x)*] [$($u)*] [$($xu)*] [$($l)*] [$($s)*] [$($c)*] [$($fc)*]);
    };
}
macro_rules! collect_shifted_binary {
    ($cb:ident [$($e:tt)*] [$($b:tt)*] [$($f:tt)*] [$($x:tt)*] [$($u:tt)*] [$($xu:tt)*] [$($l:tt)*] [$($s:tt)*] [$($c:tt)*] [$($fc:tt)*] $($sh:tt)*) => {
        $cb! {
            $($e)*
            binary: [$($b)*]
            float_binary: [$($f)*]
            fallible_binary: [$($x)*]
            unary: [$($u)*]
            fallible_unary: [$($xu)*]
            load: [$($l)*]
            store: [$($s)*]
            compare_branch: [$($c)*]
            float_compare_branch: [$($fc)*]
            shifted_binary: [$($sh)*]
        }
    };
}
with_op_tables!(define_op);

impl Op {
    /// The variant's tag: a dense number per variant, the index of its handler.
    pub const fn tag(&self) -> u16 {
        // SAFETY: `Op` is `repr(u16)`, so it starts with the tag (the Rust reference,
        // "Primitive representation of enums with fields").
        unsafe { *(self as *const Op as *const u16) }
    }
}

impl fmt::Display for Op {
    /// WAT-like text with slot operands: `i32.add s5 = s2, s3`, `br_if s4 -> +7`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = format!("{self:?}");
        // `Variant { a: 1, b: 2 }` -> `name a=1 b=2`: generic and always in sync with the enum.
        let fields = text
            .split_once('{')
            .map(|(_, rest)| rest.trim_end_matches('}').trim())
            .unwrap_or("");
        let mut out = String::from(self.name());
        for field in fields.split(", ").filter(|s| !s.is_empty()) {
            let (key, value) = field.split_once(": ").unwrap_or((field, ""));
            let _ = match key {
                // A SIMD op's operator: its name is the op's.
                "op" => Ok(()),
                "offset" if self.branch_offset().is_some() => {
                    write!(
                        out,
                        " ->{}{value}",
                        if value.starts_with('-') { "" } else { "+" }
                    )
                }
                _ if self.is_slot_field(key) => write!(out, " {key}=s{value}"),
                _ => write!(out, " {key}={value}"),
            };
        }
        if self.cached_operand().is_some() {
            out.push_str(" (operand cached)");
        }
        f.write_str(&out)
    }
}

impl Op {
    /// The first of the two slots this op writes its `v128` result to, if it has one
    /// (the translator retargets it to a local for `local.set`, as `result_slot_mut`).
    pub(crate) fn vector_result_slot_mut(&mut self) -> Option<&mut Slot> {
        match self {
            Op::V128Unary { dst, .. }
            | Op::V128Binary { dst, .. }
            | Op::V128Ternary { dst, .. }
            | Op::F32x4MulAdd { dst, .. }
            | Op::F64x2MulAdd { dst, .. }
            | Op::V128Shift { dst, .. }
            | Op::V128Splat { dst, .. }
            | Op::V128Replace { dst, .. }
            | Op::V128Shuffle { dst, .. }
            | Op::V128Select { dst, .. }
            | Op::V128Load { dst, .. }
            | Op::V128LoadLane { dst, .. }
            | Op::GlobalGet128 { dst, .. } => Some(dst),
            _ => None,
        }
    }

    /// The slots holding the first halves of the `v128` operands and results this op
    /// names (for tools that show vectors by lanes).
    pub fn vector_slots(&self) -> Vec<Slot> {
        match *self {
            Op::V128Unary { dst, src, .. } | Op::V128LoadLane { dst, src, .. } => vec![dst, src],
            Op::V128Binary { dst, a, b, .. } | Op::V128Select { dst, a, b, .. } => vec![dst, a, b],
            Op::V128Ternary { dst, a, b, c, .. }
            | Op::F32x4MulAdd { dst, a, b, c }
            | Op::F64x2MulAdd { dst, a, b, c } => vec![dst, a, b, c],
            Op::V128Shuffle { dst, a, b, lanes } => vec![dst, a, b, lanes],
            Op::V128Shift { dst, a, .. } | Op::V128Replace { dst, a, .. } => vec![dst, a],
            Op::V128Test { src, .. } | Op::V128Extract { src, .. } => vec![src],
            Op::V128Splat { dst, .. } | Op::V128Load { dst, .. } | Op::GlobalGet128 { dst, .. } => {
                vec![dst]
            }
            Op::V128Store { value, .. } | Op::V128StoreLane { value, .. } => vec![value],
            Op::GlobalSet128 { src, .. } => vec![src],
            _ => Vec::new(),
        }
    }

    /// Whether the field named `key` holds a slot (shown as `sN`) rather than a number.
    fn is_slot_field(&self, key: &str) -> bool {
        let slot_step = matches!(self, Op::I32AddSlotBrLtU { .. } | Op::I32AddSlotBrNe { .. });
        match key {
            "value" => !matches!(
                self,
                Op::Const32 { .. }
                    | Op::Const64 { .. }
                    | Op::Store8Imm { .. }
                    | Op::Store16Imm { .. }
                    | Op::Store32Imm { .. }
                    | Op::Store64Imm { .. }
            ),
            "limit" => slot_step || matches!(self, Op::I32AddBrLtU { .. } | Op::I32AddBrNe { .. }),
            "step" => slot_step,
            // `br_table`'s is the number of its entries.
            "len" => !matches!(self, Op::BrTable { .. }),
            "dst" | "src" | "dst2" | "src2" | "a" | "b" | "c" | "cond" | "addr" | "index"
            | "base" | "delta" | "start" | "init" | "counter" | "lanes" => true,
            "func" => matches!(self, Op::CallRef { .. } | Op::ReturnCallRef { .. }),
            "exn" => true,
            _ => false,
        }
    }
}

impl Op {
    /// `self` with its operands swapped, for the ops where that changes nothing. Float
    /// addition and multiplication commute too, up to which NaN operand's payload a NaN
    /// result carries when both are NaN, which the spec leaves open.
    fn commuted(&self) -> Option<Op> {
        macro_rules! swap {
            ($($op:ident),*) => {
                match *self {
                    $( Op::$op { dst, a, b } => Op::$op { dst, a: b, b: a }, )*
                    _ => return None,
                }
            };
        }
        Some(swap!(
            I32Add, I32Mul, I32And, I32Or, I32Xor, I32Eq, I32Ne, I64Add, I64Mul, I64And, I64Or,
            I64Xor, I64Eq, I64Ne, F32Add, F32Mul, F32Eq, F32Ne, F64Add, F64Mul, F64Eq, F64Ne
        ))
    }

    /// Whether the threaded executor's handler for `self` need not write its result to its
    /// slot because `next`, the op after it, reads the result from the register and
    /// nothing else ever reads that slot: it is a temporary (above the function's
    /// `num_locals` locals), which the operand stack discipline lets only its one consumer
    /// read, and `next` reads it only from the register (`register_only_operand`). The
    /// loop executor writes it anyway.
    pub(crate) fn result_stays_in_register(&self, next: Option<&Op>, num_locals: u16) -> bool {
        let Some(slot) = self.cached_result() else {
            return false;
        };
        slot >= num_locals && next.and_then(Op::register_only_operand) == Some(slot)
    }

    /// The slot of the result the threaded executor also keeps in its register for the
    /// next op: that of every op with a result but those that need the store
    /// (`store_op!`: the handler running them passes no result on).
    pub(crate) fn cached_result(&self) -> Option<Slot> {
        match *self {
            store_op!() => None,
            // The second copy's or sum's value (not a result the translator may retarget).
            Op::Copy2 { dst2, .. }
            | Op::Copy2Acc { dst2, .. }
            | Op::I32AddImm2 { dst2, .. }
            | Op::I32AddImmAdd { dst2, .. } => Some(dst2),
            _ => self.clone().result_slot_mut().map(|slot| *slot),
        }
    }

    /// An op with a constant operand in the form the fusions recognise and the machine
    /// runs fastest: a subtraction as the addition of the negation (the fusions of
    /// additions: a counter's step, a pointer's, an increment in memory), a multiplication
    /// by a power of two as a shift (an index scaled to an address); any other op as it is.
    pub(crate) fn simplified(self) -> Op {
        match self {
            Op::I32MulImm { dst, a, imm } if (imm as u32).is_power_of_two() => Op::I32ShlImm {
                dst,
                a,
                imm: i64::from((imm as u32).trailing_zeros()),
            },
            Op::I64MulImm { dst, a, imm } if (imm as u64).is_power_of_two() => Op::I64ShlImm {
                dst,
                a,
                imm: i64::from(imm.trailing_zeros()),
            },
            // An i32 add uses its immediate's low 32 bits.
            Op::I32SubImm { dst, a, imm } => Op::I32AddImm {
                dst,
                a,
                imm: i64::from((imm as u32).wrapping_neg()),
            },
            Op::I64SubImm { dst, a, imm } => Op::I64AddImm {
                dst,
                a,
                imm: imm.wrapping_neg(),
            },
            op => op,
        }
    }

    /// The slot a copy read: after it, the register holds that slot's value as well as
    /// the result's (`cached_result`).
    pub(crate) fn copied_from(&self) -> Option<Slot> {
        match *self {
            Op::Copy { src, .. } | Op::CopyAcc { src, .. } => Some(src),
            _ => None,
        }
    }
}

/// An op as the executor reads it: the op, and where the threaded executor is compiled
/// in, the addresses of its handlers (without and with fuel metering), so that
/// dispatching to it is one load and a jump (direct threading) instead of a load of its
/// tag and a table look-up. The executor chooses the handlers (an `Encoder`, which
/// reaches the layers below it as a parameter).
#[derive(Clone, Copy)]
pub struct Instr {
    #[cfg_attr(not(wasmcade_threaded), allow(dead_code))]
    pub(crate) handlers: Handlers,
    /// The op with its branch offset, if any, in bytes (the translated offset in ops
    /// times the size of an `Instr`): a taken branch adds it to the instruction pointer
    /// without scaling it first. `Instr::op` gives the op as translated.
    pub(crate) encoded: Op,
}

/// An op's threaded handlers (none where the threaded executor is not compiled in).
#[derive(Clone, Copy)]
pub struct Handlers {
    #[cfg(wasmcade_threaded)]
    pub(crate) plain: ErasedHandler,
    /// The handler for stores with fuel metering on: the first op of a basic block has
    /// the one that charges the block's fuel (see `CompiledFunc::block_costs`).
    #[cfg(wasmcade_threaded)]
    pub(crate) metered: ErasedHandler,
}

/// A threaded handler's address; `exec::threaded` knows its real signature.
#[cfg(wasmcade_threaded)]
pub(crate) type ErasedHandler = unsafe fn();

/// The executor's choice of handlers.
#[derive(Clone, Copy)]
pub(crate) struct Encoder {
    /// An op's handlers (the one whose result stays only in the register with
    /// `in_register`, see `Op::result_stays_in_register`; with `starts_block`, the
    /// metered one charges the fuel of the block the op starts, see
    /// `CompiledFunc::block_costs`).
    pub(crate) handlers: fn(op: &Op, in_register: bool, starts_block: bool) -> Handlers,
}

impl Instr {
    /// `op` with its handlers. The op's branch offset must fit in bytes
    /// (`MAX_FUNCTION_OPS`).
    pub(crate) fn new(op: Op, handlers: Handlers) -> Instr {
        let mut encoded = op;
        if let Some(offset) = encoded.branch_offset_mut() {
            *offset *= Instr::SIZE;
        }
        Instr { handlers, encoded }
    }

    /// An `Instr`'s size in bytes: the unit of encoded branch offsets.
    pub(crate) const SIZE: i32 = std::mem::size_of::<Instr>() as i32;

    /// The op as translated (branch offsets in ops).
    pub fn op(&self) -> Op {
        let mut op = self.encoded;
        if let Some(offset) = op.branch_offset_mut() {
            *offset /= Instr::SIZE;
        }
        op
    }
}

/// The most ops a function may translate to: its branch offsets, in bytes, fit in an
/// `i32` (a function body's size limit keeps real functions far below it).
pub(crate) const MAX_FUNCTION_OPS: usize = (i32::MAX / Instr::SIZE) as usize;

impl fmt::Debug for Instr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.op(), f)
    }
}

/// A function body translated to our code.
#[derive(Debug, Clone)]
pub struct CompiledFunc {
    pub ops: Box<[Instr]>,
    /// For each op, the byte offset in the module of the wasm instruction it came from.
    pub offsets: Box<[u32]>,
    /// The wasm function index.
    pub func_index: u32,
    pub num_params: u16,
    pub num_results: u16,
    /// Locals including parameters: slots `0..num_locals`.
    pub num_locals: u16,
    /// Slots the frame needs: locals plus the maximum operand stack height.
    pub frame_size: u32,
    /// Slots from the frame's base that a call entering the function directly
    /// (`Run::try_enter_directly`) needs: the frame, and the `ZEROED_AT_ENTRY` slots after
    /// the parameters that it zeroes in one store; `u32::MAX` (more than any value stack)
    /// when more locals are declared than that, for the call to zero them out of line.
    pub direct_entry_slots: u32,
    /// The ops `Op::OtherMemory` runs on the slow path, by index.
    pub memory_ops: Box<[MemoryOp]>,
    /// For each op, the fuel of the basic block it starts (one unit per op of the
    /// block), or 0 if it starts none: the metered threaded handler of a block's first
    /// op charges it (see `Encoder::handlers`), the others charge nothing.
    #[cfg(wasmcade_threaded)]
    pub(crate) block_costs: Box<[u16]>,
    /// The exception handlers (`try_table`'s catch clauses), innermost first.
    pub catches: Box<[Catch]>,
}

/// An op `Op::OtherMemory` runs: a memory access translated as for memory 0, on a memory
/// that is not memory 0 or not a plain one (memory64, custom page sizes).
#[derive(Debug, Clone, Copy)]
pub struct MemoryOp {
    pub op: Op,
    /// The part of a memory64 access's static offset above 32 bits, which `op`'s
    /// `offset` field (the low 32 bits) cannot hold.
    pub offset_high: u64,
}

/// Where an op off memory 0's fast path runs (`Op::OtherMemory`): what tools show after
/// the op it wraps, ` memory=1`, with ` src_memory=0` for a copy between two memories
/// and ` offset_high=0x100000000` for a memory64 offset past 32 bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnMemory {
    pub memory: u32,
    pub src_memory: u32,
    pub offset_high: u64,
}

impl fmt::Display for OnMemory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, " memory={}", self.memory)?;
        if self.src_memory != self.memory {
            write!(f, " src_memory={}", self.src_memory)?;
        }
        if self.offset_high != 0 {
            write!(f, " offset_high={:#x}", self.offset_high)?;
        }
        Ok(())
    }
}

/// Declared locals a direct call zeroes at once (see `CompiledFunc::direct_entry_slots`).
pub const ZEROED_AT_ENTRY: usize = 8;

impl CompiledFunc {
    /// A function translated to `ops` (each with its wasm byte offset in `offsets`), with
    /// the handlers `encoder` chooses for each.
    pub(crate) fn new(
        ops: &[Op],
        offsets: Box<[u32]>,
        func_index: u32,
        [num_params, num_results, num_locals]: [u16; 3],
        frame_size: u32,
        encoder: Encoder,
    ) -> CompiledFunc {
        #[cfg(wasmcade_threaded)]
        let block_costs: Box<[u16]> = blocks::block_lengths(ops).into();
        #[cfg(wasmcade_threaded)]
        let starts_block = |at: usize| block_costs[at] > 0;
        #[cfg(not(wasmcade_threaded))]
        let starts_block = |_: usize| false;
        let instrs = ops.iter().enumerate().map(|(at, op)| {
            let in_register = op.result_stays_in_register(ops.get(at + 1), num_locals);
            Instr::new(*op, (encoder.handlers)(op, in_register, starts_block(at)))
        });
        CompiledFunc {
            ops: instrs.collect(),
            offsets,
            func_index,
            num_params,
            num_results,
            num_locals,
            frame_size,
            direct_entry_slots: Self::direct_entry_slots(
                num_params as u32,
                num_locals as u32,
                frame_size,
            ),
            memory_ops: Box::new([]),
            #[cfg(wasmcade_threaded)]
            block_costs,
            catches: Box::new([]),
        }
    }

    /// Whether op `at` is the first of a basic block (see `block_costs`).
    #[cfg(wasmcade_threaded)]
    pub(crate) fn starts_block(&self, at: usize) -> bool {
        self.block_costs[at] > 0
    }

    /// `direct_entry_slots` of a function with these counts.
    fn direct_entry_slots(num_params: u32, num_locals: u32, frame_size: u32) -> u32 {
        let zeroed = ZEROED_AT_ENTRY as u32;
        if num_locals - num_params > zeroed {
            return u32::MAX;
        }
        frame_size.max(num_params + zeroed)
    }

    /// The stub standing for functions not yet translated (see `code`): a function
    /// index no function has, a direct-entry size no value stack has, so that the
    /// executor's direct call paths refuse it, and no ops: every other way into a
    /// function asks for its translation first (`is_untranslated`).
    pub fn untranslated() -> CompiledFunc {
        CompiledFunc {
            ops: Box::new([]),
            offsets: Box::new([]),
            func_index: u32::MAX,
            num_params: 0,
            num_results: 0,
            num_locals: 0,
            frame_size: 0,
            direct_entry_slots: u32::MAX,
            memory_ops: Box::new([]),
            #[cfg(wasmcade_threaded)]
            block_costs: Box::new([]),
            catches: Box::new([]),
        }
    }

    /// Whether this is the stub of a function not yet translated.
    #[inline(always)]
    pub fn is_untranslated(&self) -> bool {
        self.func_index == u32::MAX
    }

    /// The ops as tools and tests see them, in order.
    pub fn view(&self) -> Vec<CompiledOp> {
        let ops: Vec<Op> = self.ops.iter().map(Instr::op).collect();
        ops.iter()
            .zip(self.offsets.iter())
            .enumerate()
            .map(|(at, (&op, &offset))| CompiledOp {
                op,
                offset,
                operand_cached: op.cached_operand().is_some(),
                result_in_register: op.result_stays_in_register(ops.get(at + 1), self.num_locals),
            })
            .collect()
    }

    /// One line per op: its index, wasm byte offset and text (`CompiledOp`'s `Display`;
    /// an `Op::OtherMemory` as the op it runs, then where: `OnMemory`).
    pub fn disassemble(&self) -> String {
        let mut out = String::new();
        for (index, op) in self.view().iter().enumerate() {
            let _ = match self.moved(&op.op) {
                Some((inner, on)) => writeln!(out, "{index:>5} @{:#07x}  {inner}{on}", op.offset),
                None => writeln!(out, "{index:>5} @{:#07x}  {op}", op.offset),
            };
        }
        for catch in self.catches.iter() {
            let _ = writeln!(out, "      {catch}");
        }
        out
    }

    /// The op an `Op::OtherMemory` of this function runs, and where; `None` for others.
    pub fn moved(&self, op: &Op) -> Option<(Op, OnMemory)> {
        let Op::OtherMemory {
            op,
            memory,
            src_memory,
        } = *op
        else {
            return None;
        };
        let MemoryOp { op, offset_high } = *self.memory_ops.get(op as usize)?;
        let on = OnMemory {
            memory,
            src_memory,
            offset_high,
        };
        Some((op, on))
    }
}

/// One op of a translated function, as tools and tests see it (`Module::compiled`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompiledOp {
    /// The op, its branch offset (if any) counted in ops from itself.
    pub op: Op,
    /// The byte offset in the module of the wasm instruction it came from.
    pub offset: u32,
    /// Whether the threaded executor gives it its operand `op.cached_operand()` from the
    /// register, where the op before left its result (a cached-operand form).
    pub operand_cached: bool,
    /// Whether the threaded executor leaves its result only in the register, for the
    /// next op (`Op::result_stays_in_register`).
    pub result_in_register: bool,
}

/// `i32.add dst=s5 a=s2 b=s3 (result in register)`.
impl fmt::Display for CompiledOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.op)?;
        if self.result_in_register {
            f.write_str(" (result in register)")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ops_stay_sixteen_bytes() {
        assert_eq!(std::mem::size_of::<Op>(), 16);
    }

    #[test]
    fn display_is_wat_like() {
        assert_eq!(
            Op::I32Add { dst: 5, a: 2, b: 3 }.to_string(),
            "i32.add dst=s5 a=s2 b=s3"
        );
        assert_eq!(
            Op::BrIfNez { cond: 4, offset: 7 }.to_string(),
            "br_if cond=s4 ->+7"
        );
        assert_eq!(Op::Br { offset: -3 }.to_string(), "br ->-3");
        assert_eq!(
            Op::BrI32LtUImm {
                a: 2,
                imm: 10,
                offset: -4
            }
            .to_string(),
            "br_if i32.lt_u a=s2 imm=10 ->-4"
        );
        assert_eq!(
            Op::Const32 { dst: 1, value: 7 }.to_string(),
            "const dst=s1 value=7"
        );
        assert_eq!(
            Op::I64AddImm {
                dst: 1,
                a: 1,
                imm: -1
            }
            .to_string(),
            "i64.add dst=s1 a=s1 imm=-1"
        );
    }
}
