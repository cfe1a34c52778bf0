//! The 128-bit SIMD operators, one table per shape of operands (`for_each_v128_*`), each
//! row read three times: here for the operator enums and their wasm names, by the
//! translator (`translate::simd`) for the mapping from wasmparser's operator of the
//! same name, and by the executor (`exec::simd`) for the semantics of the same name.
//!
//! A `v128` lives in two consecutive slots, low half first (`isa`'s slot model). The
//! `Op` variants carrying these operators (`Op::V128Unary` and the others) name the first
//! slot of each vector operand.

/// `v128 -> v128`. Columns: operator, wasm name, semantics.
macro_rules! for_each_v128_unary {
    ($m:ident $($extra:tt)*) => {
        $m! { $($extra)* V128Unary:
            V128Not "v128.not" v128_not, I8x16Abs "i8x16.abs" i8x16_abs, I8x16Neg "i8x16.neg" i8x16_neg,
            I8x16Popcnt "i8x16.popcnt" i8x16_popcnt,
            I16x8ExtAddPairwiseI8x16S "i16x8.extadd_pairwise_i8x16_s" i16x8_extadd_pairwise_i8x16_s,
            I16x8ExtAddPairwiseI8x16U "i16x8.extadd_pairwise_i8x16_u" i16x8_extadd_pairwise_i8x16_u,
            I16x8Abs "i16x8.abs" i16x8_abs, I16x8Neg "i16x8.neg" i16x8_neg,
            I16x8ExtendLowI8x16S "i16x8.extend_low_i8x16_s" i16x8_extend_low_i8x16_s,
            I16x8ExtendHighI8x16S "i16x8.extend_high_i8x16_s" i16x8_extend_high_i8x16_s,
            I16x8ExtendLowI8x16U "i16x8.extend_low_i8x16_u" i16x8_extend_low_i8x16_u,
            I16x8ExtendHighI8x16U "i16x8.extend_high_i8x16_u" i16x8_extend_high_i8x16_u,
            I32x4ExtAddPairwiseI16x8S "i32x4.extadd_pairwise_i16x8_s" i32x4_extadd_pairwise_i16x8_s,
            I32x4ExtAddPairwiseI16x8U "i32x4.extadd_pairwise_i16x8_u" i32x4_extadd_pairwise_i16x8_u,
            I32x4Abs "i32x4.abs" i32x4_abs, I32x4Neg "i32x4.neg" i32x4_neg,
            I32x4ExtendLowI16x8S "i32x4.extend_low_i16x8_s" i32x4_extend_low_i16x8_s,
            I32x4ExtendHighI16x8S "i32x4.extend_high_i16x8_s" i32x4_extend_high_i16x8_s,
            I32x4ExtendLowI16x8U "i32x4.extend_low_i16x8_u" i32x4_extend_low_i16x8_u,
            I32x4ExtendHighI16x8U "i32x4.extend_high_i16x8_u" i32x4_extend_high_i16x8_u,
            I64x2Abs "i64x2.abs" i64x2_abs, I64x2Neg "i64x2.neg" i64x2_neg,
            I64x2ExtendLowI32x4S "i64x2.extend_low_i32x4_s" i64x2_extend_low_i32x4_s,
            I64x2ExtendHighI32x4S "i64x2.extend_high_i32x4_s" i64x2_extend_high_i32x4_s,
            I64x2ExtendLowI32x4U "i64x2.extend_low_i32x4_u" i64x2_extend_low_i32x4_u,
            I64x2ExtendHighI32x4U "i64x2.extend_high_i32x4_u" i64x2_extend_high_i32x4_u,
            F32x4Ceil "f32x4.ceil" f32x4_ceil, F32x4Floor "f32x4.floor" f32x4_floor,
            F32x4Trunc "f32x4.trunc" f32x4_trunc, F32x4Nearest "f32x4.nearest" f32x4_nearest,
            F32x4Abs "f32x4.abs" f32x4_abs, F32x4Neg "f32x4.neg" f32x4_neg, F32x4Sqrt "f32x4.sqrt" f32x4_sqrt,
            F64x2Ceil "f64x2.ceil" f64x2_ceil, F64x2Floor "f64x2.floor" f64x2_floor,
            F64x2Trunc "f64x2.trunc" f64x2_trunc, F64x2Nearest "f64x2.nearest" f64x2_nearest,
            F64x2Abs "f64x2.abs" f64x2_abs, F64x2Neg "f64x2.neg" f64x2_neg, F64x2Sqrt "f64x2.sqrt" f64x2_sqrt,
            I32x4TruncSatF32x4S "i32x4.trunc_sat_f32x4_s" i32x4_trunc_sat_f32x4_s,
            I32x4TruncSatF32x4U "i32x4.trunc_sat_f32x4_u" i32x4_trunc_sat_f32x4_u,
            F32x4ConvertI32x4S "f32x4.convert_i32x4_s" f32x4_convert_i32x4_s,
            F32x4ConvertI32x4U "f32x4.convert_i32x4_u" f32x4_convert_i32x4_u,
            I32x4TruncSatF64x2SZero "i32x4.trunc_sat_f64x2_s_zero" i32x4_trunc_sat_f64x2_s_zero,
            I32x4TruncSatF64x2UZero "i32x4.trunc_sat_f64x2_u_zero" i32x4_trunc_sat_f64x2_u_zero,
            F64x2ConvertLowI32x4S "f64x2.convert_low_i32x4_s" f64x2_convert_low_i32x4_s,
            F64x2ConvertLowI32x4U "f64x2.convert_low_i32x4_u" f64x2_convert_low_i32x4_u,
            F32x4DemoteF64x2Zero "f32x4.demote_f64x2_zero" f32x4_demote_f64x2_zero,
            F64x2PromoteLowF32x4 "f64x2.promote_low_f32x4" f64x2_promote_low_f32x4,
            I32x4RelaxedTruncF32x4S "i32x4.relaxed_trunc_f32x4_s" i32x4_trunc_sat_f32x4_s,
            I32x4RelaxedTruncF32x4U "i32x4.relaxed_trunc_f32x4_u" i32x4_trunc_sat_f32x4_u,
            I32x4RelaxedTruncF64x2SZero "i32x4.relaxed_trunc_f64x2_s_zero" i32x4_trunc_sat_f64x2_s_zero,
            I32x4RelaxedTruncF64x2UZero "i32x4.relaxed_trunc_f64x2_u_zero" i32x4_trunc_sat_f64x2_u_zero,
        }
    };
}

/// `(v128, v128) -> v128`. Columns: operator, wasm name, semantics.
macro_rules! for_each_v128_binary {
    ($m:ident $($extra:tt)*) => {
        $m! { $($extra)* V128Binary:
            I8x16Eq "i8x16.eq" i8x16_eq, I8x16Ne "i8x16.ne" i8x16_ne, I8x16LtS "i8x16.lt_s" i8x16_lt_s,
            I8x16LtU "i8x16.lt_u" i8x16_lt_u, I8x16GtS "i8x16.gt_s" i8x16_gt_s, I8x16GtU "i8x16.gt_u" i8x16_gt_u,
            I8x16LeS "i8x16.le_s" i8x16_le_s, I8x16LeU "i8x16.le_u" i8x16_le_u, I8x16GeS "i8x16.ge_s" i8x16_ge_s,
            I8x16GeU "i8x16.ge_u" i8x16_ge_u,
            I16x8Eq "i16x8.eq" i16x8_eq, I16x8Ne "i16x8.ne" i16x8_ne, I16x8LtS "i16x8.lt_s" i16x8_lt_s,
            I16x8LtU "i16x8.lt_u" i16x8_lt_u, I16x8GtS "i16x8.gt_s" i16x8_gt_s, I16x8GtU "i16x8.gt_u" i16x8_gt_u,
            I16x8LeS "i16x8.le_s" i16x8_le_s, I16x8LeU "i16x8.le_u" i16x8_le_u, I16x8GeS "i16x8.ge_s" i16x8_ge_s,
            I16x8GeU "i16x8.ge_u" i16x8_ge_u,
            I32x4Eq "i32x4.eq" i32x4_eq, I32x4Ne "i32x4.ne" i32x4_ne, I32x4LtS "i32x4.lt_s" i32x4_lt_s,
            I32x4LtU "i32x4.lt_u" i32x4_lt_u, I32x4GtS "i32x4.gt_s" i32x4_gt_s, I32x4GtU "i32x4.gt_u" i32x4_gt_u,
            I32x4LeS "i32x4.le_s" i32x4_le_s, I32x4LeU "i32x4.le_u" i32x4_le_u, I32x4GeS "i32x4.ge_s" i32x4_ge_s,
            I32x4GeU "i32x4.ge_u" i32x4_ge_u,
            I64x2Eq "i64x2.eq" i64x2_eq, I64x2Ne "i64x2.ne" i64x2_ne, I64x2LtS "i64x2.lt_s" i64x2_lt_s,
            I64x2GtS "i64x2.gt_s" i64x2_gt_s, I64x2LeS "i64x2.le_s" i64x2_le_s, I64x2GeS "i64x2.ge_s" i64x2_ge_s,
            F32x4Eq "f32x4.eq" f32x4_eq, F32x4Ne "f32x4.ne" f32x4_ne, F32x4Lt "f32x4.lt" f32x4_lt,
            F32x4Gt "f32x4.gt" f32x4_gt, F32x4Le "f32x4.le" f32x4_le, F32x4Ge "f32x4.ge" f32x4_ge,
            F64x2Eq "f64x2.eq" f64x2_eq, F64x2Ne "f64x2.ne" f64x2_ne, F64x2Lt "f64x2.lt" f64x2_lt,
            F64x2Gt "f64x2.gt" f64x2_gt, F64x2Le "f64x2.le" f64x2_le, F64x2Ge "f64x2.ge" f64x2_ge,
            V128And "v128.and" v128_and, V128AndNot "v128.andnot" v128_andnot, V128Or "v128.or" v128_or,
            V128Xor "v128.xor" v128_xor,
            I8x16NarrowI16x8S "i8x16.narrow_i16x8_s" i8x16_narrow_i16x8_s,
            I8x16NarrowI16x8U "i8x16.narrow_i16x8_u" i8x16_narrow_i16x8_u,
            I8x16Add "i8x16.add" i8x16_add, I8x16AddSatS "i8x16.add_sat_s" i8x16_add_sat_s,
            I8x16AddSatU "i8x16.add_sat_u" i8x16_add_sat_u, I8x16Sub "i8x16.sub" i8x16_sub,
            I8x16SubSatS "i8x16.sub_sat_s" i8x16_sub_sat_s, I8x16SubSatU "i8x16.sub_sat_u" i8x16_sub_sat_u,
            I8x16MinS "i8x16.min_s" i8x16_min_s, I8x16MinU "i8x16.min_u" i8x16_min_u,
            I8x16MaxS "i8x16.max_s" i8x16_max_s, I8x16MaxU "i8x16.max_u" i8x16_max_u,
            I8x16AvgrU "i8x16.avgr_u" i8x16_avgr_u,
            I16x8Q15MulrSatS "i16x8.q15mulr_sat_s" i16x8_q15mulr_sat_s,
            I16x8NarrowI32x4S "i16x8.narrow_i32x4_s" i16x8_narrow_i32x4_s,
            I16x8NarrowI32x4U "i16x8.narrow_i32x4_u" i16x8_narrow_i32x4_u,
            I16x8Add "i16x8.add" i16x8_add, I16x8AddSatS "i16x8.add_sat_s" i16x8_add_sat_s,
            I16x8AddSatU "i16x8.add_sat_u" i16x8_add_sat_u, I16x8Sub "i16x8.sub" i16x8_sub,
            I16x8SubSatS "i16x8.sub_sat_s" i16x8_sub_sat_s, I16x8SubSatU "i16x8.sub_sat_u" i16x8_sub_sat_u,
            I16x8Mul "i16x8.mul" i16x8_mul,
            I16x8MinS "i16x8.min_s" i16x8_min_s, I16x8MinU "i16x8.min_u" i16x8_min_u,
            I16x8MaxS "i16x8.max_s" i16x8_max_s, I16x8MaxU "i16x8.max_u" i16x8_max_u,
            I16x8AvgrU "i16x8.avgr_u" i16x8_avgr_u,
            I16x8ExtMulLowI8x16S "i16x8.extmul_low_i8x16_s" i16x8_extmul_low_i8x16_s,
            I16x8ExtMulHighI8x16S "i16x8.extmul_high_i8x16_s" i16x8_extmul_high_i8x16_s,
            I16x8ExtMulLowI8x16U "i16x8.extmul_low_i8x16_u" i16x8_extmul_low_i8x16_u,
            I16x8ExtMulHighI8x16U "i16x8.extmul_high_i8x16_u" i16x8_extmul_high_i8x16_u,
            I32x4Add "i32x4.add" i32x4_add, I32x4Sub "i32x4.sub" i32x4_sub, I32x4Mul "i32x4.mul" i32x4_mul,
            I32x4MinS "i32x4.min_s" i32x4_min_s, I32x4MinU "i32x4.min_u" i32x4_min_u,
            I32x4MaxS "i32x4.max_s" i32x4_max_s, I32x4MaxU "i32x4.max_u" i32x4_max_u,
            I32x4DotI16x8S "i32x4.dot_i16x8_s" i32x4_dot_i16x8_s,
            I32x4ExtMulLowI16x8S "i32x4.extmul_low_i16x8_s" i32x4_extmul_low_i16x8_s,
            I32x4ExtMulHighI16x8S "i32x4.extmul_high_i16x8_s" i32x4_extmul_high_i16x8_s,
            I32x4ExtMulLowI16x8U "i32x4.extmul_low_i16x8_u" i32x4_extmul_low_i16x8_u,
            I32x4ExtMulHighI16x8U "i32x4.extmul_high_i16x8_u" i32x4_extmul_high_i16x8_u,
            I64x2Add "i64x2.add" i64x2_add, I64x2Sub "i64x2.sub" i64x2_sub, I64x2Mul "i64x2.mul" i64x2_mul,
            I64x2ExtMulLowI32x4S "i64x2.extmul_low_i32x4_s" i64x2_extmul_low_i32x4_s,
            I64x2ExtMulHighI32x4S "i64x2.extmul_high_i32x4_s" i64x2_extmul_high_i32x4_s,
            I64x2ExtMulLowI32x4U "i64x2.extmul_low_i32x4_u" i64x2_extmul_low_i32x4_u,
            I64x2ExtMulHighI32x4U "i64x2.extmul_high_i32x4_u" i64x2_extmul_high_i32x4_u,
            F32x4Add "f32x4.add" f32x4_add, F32x4Sub "f32x4.sub" f32x4_sub, F32x4Mul "f32x4.mul" f32x4_mul,
            F32x4Div "f32x4.div" f32x4_div, F32x4Min "f32x4.min" f32x4_min, F32x4Max "f32x4.max" f32x4_max,
            F32x4PMin "f32x4.pmin" f32x4_pmin, F32x4PMax "f32x4.pmax" f32x4_pmax,
            F64x2Add "f64x2.add" f64x2_add, F64x2Sub "f64x2.sub" f64x2_sub, F64x2Mul "f64x2.mul" f64x2_mul,
            F64x2Div "f64x2.div" f64x2_div, F64x2Min "f64x2.min" f64x2_min, F64x2Max "f64x2.max" f64x2_max,
            F64x2PMin "f64x2.pmin" f64x2_pmin, F64x2PMax "f64x2.pmax" f64x2_pmax,
            I8x16Swizzle "i8x16.swizzle" i8x16_swizzle,
            I8x16RelaxedSwizzle "i8x16.relaxed_swizzle" i8x16_swizzle,
            F32x4RelaxedMin "f32x4.relaxed_min" f32x4_min, F32x4RelaxedMax "f32x4.relaxed_max" f32x4_max,
            F64x2RelaxedMin "f64x2.relaxed_min" f64x2_min, F64x2RelaxedMax "f64x2.relaxed_max" f64x2_max,
            I16x8RelaxedQ15mulrS "i16x8.relaxed_q15mulr_s" i16x8_q15mulr_sat_s,
            I16x8RelaxedDotI8x16I7x16S "i16x8.relaxed_dot_i8x16_i7x16_s" i16x8_relaxed_dot_i8x16_i7x16_s,
        }
    };
}

/// `(v128, v128, v128) -> v128`. Columns: operator, wasm name, semantics.
macro_rules! for_each_v128_ternary {
    ($m:ident $($extra:tt)*) => {
        $m! { $($extra)* V128Ternary:
            V128Bitselect "v128.bitselect" v128_bitselect,
            F32x4RelaxedMadd "f32x4.relaxed_madd" f32x4_mul_add,
            F32x4RelaxedNmadd "f32x4.relaxed_nmadd" f32x4_relaxed_nmadd,
            F64x2RelaxedMadd "f64x2.relaxed_madd" f64x2_mul_add,
            F64x2RelaxedNmadd "f64x2.relaxed_nmadd" f64x2_relaxed_nmadd,
            I8x16RelaxedLaneselect "i8x16.relaxed_laneselect" v128_bitselect,
            I16x8RelaxedLaneselect "i16x8.relaxed_laneselect" v128_bitselect,
            I32x4RelaxedLaneselect "i32x4.relaxed_laneselect" v128_bitselect,
            I64x2RelaxedLaneselect "i64x2.relaxed_laneselect" v128_bitselect,
            I32x4RelaxedDotI8x16I7x16AddS "i32x4.relaxed_dot_i8x16_i7x16_add_s" i32x4_relaxed_dot_i8x16_i7x16_add_s,
        }
    };
}

/// `v128 -> i32`. Columns: operator, wasm name, semantics.
macro_rules! for_each_v128_test {
    ($m:ident $($extra:tt)*) => {
        $m! { $($extra)* V128Test:
            V128AnyTrue "v128.any_true" v128_any_true,
            I8x16AllTrue "i8x16.all_true" i8x16_all_true, I8x16Bitmask "i8x16.bitmask" i8x16_bitmask,
            I16x8AllTrue "i16x8.all_true" i16x8_all_true, I16x8Bitmask "i16x8.bitmask" i16x8_bitmask,
            I32x4AllTrue "i32x4.all_true" i32x4_all_true, I32x4Bitmask "i32x4.bitmask" i32x4_bitmask,
            I64x2AllTrue "i64x2.all_true" i64x2_all_true, I64x2Bitmask "i64x2.bitmask" i64x2_bitmask,
        }
    };
}

/// `(v128, i32) -> v128`: shifts by a count taken modulo the lane width. Columns:
/// operator, wasm name, semantics.
macro_rules! for_each_v128_shift {
    ($m:ident $($extra:tt)*) => {
        $m! { $($extra)* V128Shift:
            I8x16Shl "i8x16.shl" i8x16_shl, I8x16ShrS "i8x16.shr_s" i8x16_shr_s, I8x16ShrU "i8x16.shr_u" i8x16_shr_u,
            I16x8Shl "i16x8.shl" i16x8_shl, I16x8ShrS "i16x8.shr_s" i16x8_shr_s, I16x8ShrU "i16x8.shr_u" i16x8_shr_u,
            I32x4Shl "i32x4.shl" i32x4_shl, I32x4ShrS "i32x4.shr_s" i32x4_shr_s, I32x4ShrU "i32x4.shr_u" i32x4_shr_u,
            I64x2Shl "i64x2.shl" i64x2_shl, I64x2ShrS "i64x2.shr_s" i64x2_shr_s, I64x2ShrU "i64x2.shr_u" i64x2_shr_u,
        }
    };
}

/// `scalar -> v128`: every lane the operand. Columns: operator, wasm name, semantics.
macro_rules! for_each_v128_splat {
    ($m:ident $($extra:tt)*) => {
        $m! { $($extra)* V128Splat:
            I8x16Splat "i8x16.splat" i8x16_splat, I16x8Splat "i16x8.splat" i16x8_splat,
            I32x4Splat "i32x4.splat" i32x4_splat, I64x2Splat "i64x2.splat" i64x2_splat,
            F32x4Splat "f32x4.splat" i32x4_splat, F64x2Splat "f64x2.splat" i64x2_splat,
        }
    };
}

/// `v128 -> scalar`, of the lane the op names. Columns: operator, wasm name, semantics.
macro_rules! for_each_v128_extract {
    ($m:ident $($extra:tt)*) => {
        $m! { $($extra)* V128Extract:
            I8x16ExtractLaneS "i8x16.extract_lane_s" i8x16_extract_lane_s,
            I8x16ExtractLaneU "i8x16.extract_lane_u" i8x16_extract_lane_u,
            I16x8ExtractLaneS "i16x8.extract_lane_s" i16x8_extract_lane_s,
            I16x8ExtractLaneU "i16x8.extract_lane_u" i16x8_extract_lane_u,
            I32x4ExtractLane "i32x4.extract_lane" i32x4_extract_lane,
            I64x2ExtractLane "i64x2.extract_lane" i64x2_extract_lane,
            F32x4ExtractLane "f32x4.extract_lane" i32x4_extract_lane,
            F64x2ExtractLane "f64x2.extract_lane" i64x2_extract_lane,
        }
    };
}

/// `(v128, scalar) -> v128`, replacing the lane the op names. Columns: operator, wasm
/// name, semantics.
macro_rules! for_each_v128_replace {
    ($m:ident $($extra:tt)*) => {
        $m! { $($extra)* V128Replace:
            I8x16ReplaceLane "i8x16.replace_lane" i8x16_replace_lane,
            I16x8ReplaceLane "i16x8.replace_lane" i16x8_replace_lane,
            I32x4ReplaceLane "i32x4.replace_lane" i32x4_replace_lane,
            I64x2ReplaceLane "i64x2.replace_lane" i64x2_replace_lane,
            F32x4ReplaceLane "f32x4.replace_lane" i32x4_replace_lane,
            F64x2ReplaceLane "f64x2.replace_lane" i64x2_replace_lane,
        }
    };
}

/// Loads of a whole vector from `N` bytes (widened, splat or zero-extended). Columns:
/// operator, wasm name, bytes, semantics.
macro_rules! for_each_v128_load {
    ($m:ident $($extra:tt)*) => {
        $m! { $($extra)* V128Load:
            V128Load "v128.load" 16 v128_load,
            V128Load8x8S "v128.load8x8_s" 8 v128_load8x8_s, V128Load8x8U "v128.load8x8_u" 8 v128_load8x8_u,
            V128Load16x4S "v128.load16x4_s" 8 v128_load16x4_s, V128Load16x4U "v128.load16x4_u" 8 v128_load16x4_u,
            V128Load32x2S "v128.load32x2_s" 8 v128_load32x2_s, V128Load32x2U "v128.load32x2_u" 8 v128_load32x2_u,
            V128Load8Splat "v128.load8_splat" 1 v128_load8_splat, V128Load16Splat "v128.load16_splat" 2 v128_load16_splat,
            V128Load32Splat "v128.load32_splat" 4 v128_load32_splat, V128Load64Splat "v128.load64_splat" 8 v128_load64_splat,
            V128Load32Zero "v128.load32_zero" 4 v128_load32_zero, V128Load64Zero "v128.load64_zero" 8 v128_load64_zero,
        }
    };
}

/// Loads into one lane and stores of one lane, by lane width. Columns: the load
/// operator, the store operator, their wasm names, bytes.
macro_rules! for_each_v128_lane_access {
    ($m:ident $($extra:tt)*) => {
        $m! { $($extra)* V128Lane:
            V128Load8Lane V128Store8Lane "v128.load8_lane" "v128.store8_lane" 1,
            V128Load16Lane V128Store16Lane "v128.load16_lane" "v128.store16_lane" 2,
            V128Load32Lane V128Store32Lane "v128.load32_lane" "v128.store32_lane" 4,
            V128Load64Lane V128Store64Lane "v128.load64_lane" "v128.store64_lane" 8,
        }
    };
}

/// An enum of operators from a table's first and second columns (the rest ignored).
macro_rules! define_simd_enum {
    ($enum:ident: $($variant:ident $name:literal $($bytes:literal)? $f:ident,)*) => {
        #[doc = concat!("The operators of `Op::", stringify!($enum), "` (see the module docs).")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(u8)]
        pub enum $enum {
            $( $variant, )*
        }

        impl $enum {
            /// The wasm name, `i32x4.add`.
            pub fn name(self) -> &'static str {
                match self {
                    $( $enum::$variant => $name, )*
                }
            }
        }
    };
}

for_each_v128_unary!(define_simd_enum);
for_each_v128_binary!(define_simd_enum);
for_each_v128_ternary!(define_simd_enum);
for_each_v128_test!(define_simd_enum);
for_each_v128_shift!(define_simd_enum);
for_each_v128_splat!(define_simd_enum);
for_each_v128_extract!(define_simd_enum);
for_each_v128_replace!(define_simd_enum);
for_each_v128_load!(define_simd_enum);

macro_rules! define_lane_enum {
    ($enum:ident: $($load:ident $store:ident $load_name:literal $store_name:literal $bytes:literal,)*) => {
        /// The lane widths of `Op::V128LoadLane` and `Op::V128StoreLane`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(u8)]
        pub enum $enum {
            $( $load, )*
        }

        impl $enum {
            /// The wasm name of the load (`load`) or of the store.
            pub fn name(self, load: bool) -> &'static str {
                match (self, load) {
                    $( ($enum::$load, true) => $load_name, ($enum::$load, false) => $store_name, )*
                }
            }
        }
    };
}
for_each_v128_lane_access!(define_lane_enum);
