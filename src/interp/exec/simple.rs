//! The semantics of the *simple* ops, written once for both executors: the ops that
//! touch only the frame's slots, linear memory, globals and the instruction pointer
//! (numeric, memory access, branches, copies, constants and globals).
//!
//! `with_simple_ops!(callback [extra..])` calls `callback! { extra.. [Variant] { fields }
//! => { body } .. }`, where a numeric op is written `[Variant CachedVariant] { fields }`:
//! its plain and cached-operand forms share the body. The bodies use macros the expansion
//! site defines: `slot!(s)` and `set!(s, v)` for slots, `operand!(s)` for the operand the
//! cached-operand form has in the threaded executor's register (the plain form and the
//! loop executor read slot `s`), `mem!()` and `globals!()` for the memory and globals
//! views, `frame!()` for the frame's slots (the SIMD ops' out-of-line semantics read and
//! write them), `jump!(offset)` and `take_entry!(n)` for branches, `tri!(result)` for an
//! operation that may trap. The loop executor expands them into its `match`, the
//! threaded one into one handler per op.

/// See the module docs.
macro_rules! with_simple_ops {
    ($cb:ident $($extra:tt)*) => { with_op_tables!(simple_ops $cb [$($extra)*]); };
}

macro_rules! simple_ops {
    (
        $cb:ident [$($extra:tt)*]
        binary: [$($bin:ident $imm:ident $bin_acc:ident $imm_acc:ident $bin_name:literal $bin_fn:ident,)*]
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
        $cb! { $($extra)*
            $( [$br $br_acc] { a, b, offset } => {
                if num::$cmp_fn(operand!(a), slot!(b)) != 0 {
                    jump!(offset);
                }
            } )*
            $( [$br_imm $br_imm_acc] { a, imm, offset } => {
                if num::$cmp_fn(operand!(a), imm as i64 as u64) != 0 {
                    jump!(offset);
                }
            } )*
            $( [$fbr $fbr_acc] { a, b, offset } => {
                if num::$fcmp_fn(operand!(a), slot!(b)) != 0 {
                    jump!(offset);
                }
            } )*
            $( [$fneg $fneg_acc] { a, b, offset } => {
                if num::$fcmp_fn(operand!(a), slot!(b)) == 0 {
                    jump!(offset);
                }
            } )*
            $( [$fbr_imm] { a, offset, imm } => {
                if num::$fcmp_fn(slot!(a), imm) != 0 {
                    jump!(offset);
                }
            } )*
            $( [$fneg_imm] { a, offset, imm } => {
                if num::$fcmp_fn(slot!(a), imm) == 0 {
                    jump!(offset);
                }
            } )*
            $( [$sh] { dst, a, b, shift } => {
                set!(dst, num::$sh_comb_fn(slot!(a), num::$sh_shift_fn(slot!(b), shift as u64)))
            } )*
            $( [$sh_self $sh_self_acc] { dst, src, shift } => {
                let value = operand!(src);
                set!(dst, num::$sh_comb_fn(value, num::$sh_shift_fn(value, shift as u64)))
            } )*
            $( [$bin $bin_acc] { dst, a, b } => { set!(dst, num::$bin_fn(operand!(a), slot!(b))) } )*
            $( [$imm $imm_acc] { dst, a, imm } => { set!(dst, num::$bin_fn(operand!(a), imm as u64)) } )*
            $( [$fbin $fbin_acc] { dst, a, b } => { set!(dst, num::$fbin_fn(operand!(a), slot!(b))) } )*
            $( [$xbin $xbin_acc] { dst, a, b } => { set!(dst, tri!(num::$xbin_fn(operand!(a), slot!(b)))) } )*
            $( [$un $un_acc] { dst, src } => { set!(dst, num::$un_fn(operand!(src))) } )*
            $( [$xun $xun_acc] { dst, src } => { set!(dst, tri!(num::$xun_fn(operand!(src)))) } )*
            $( [$load $load_acc] { dst, addr, offset } => {
                let bytes = tri!(mem!().load::<$load_bytes>(operand!(addr), offset));
                set!(dst, num::$load_fn(bytes));
            } )*
            $( [$load_add] { dst, a, b, offset } => {
                let addr = num::i32_add(slot!(a), slot!(b));
                let bytes = tri!(mem!().load::<$load_bytes>(addr, offset));
                set!(dst, num::$load_fn(bytes));
            } )*
            $( [$load_add_imm] { dst, a, imm, offset } => {
                let addr = num::i32_add(slot!(a), imm as u64);
                let bytes = tri!(mem!().load::<$load_bytes>(addr, offset));
                set!(dst, num::$load_fn(bytes));
            } )*
            $( [$load_shl] { dst, index, shift, offset } => {
                let addr = num::i32_shl(slot!(index), shift as u64);
                let bytes = tri!(mem!().load::<$load_bytes>(addr, offset));
                set!(dst, num::$load_fn(bytes));
            } )*
            $( [$store $store_acc] { addr, value, offset } => {
                tri!(mem!().store(slot!(addr), offset, num::low_bytes::<$store_bytes>(operand!(value))));
            } )*
            $( [$store_imm] { addr, offset, value } => {
                tri!(mem!().store(slot!(addr), offset, num::low_bytes::<$store_bytes>(value)));
            } )*
            [Br] { offset } => { jump!(offset) }
            [I32AddBrLtU] { counter, limit, step, offset } => {
                let value = (slot!(counter) as u32).wrapping_add(step as u32);
                set!(counter, value as u64);
                if likely(value < slot!(limit) as u32) {
                    jump!(offset);
                }
            }
            [I32AddBrLtUImm] { counter, step, limit, offset } => {
                let value = (slot!(counter) as u32).wrapping_add(step as u32);
                set!(counter, value as u64);
                if likely(value < limit as u32) {
                    jump!(offset);
                }
            }
            [I32AddBrNe] { counter, limit, step, offset } => {
                let value = (slot!(counter) as u32).wrapping_add(step as u32);
                set!(counter, value as u64);
                if likely(value != slot!(limit) as u32) {
                    jump!(offset);
                }
            }
            [I32AddBrNeImm] { counter, step, limit, offset } => {
                let value = (slot!(counter) as u32).wrapping_add(step as u32);
                set!(counter, value as u64);
                if likely(value != limit as u32) {
                    jump!(offset);
                }
            }
            [I64AddBrNeImm] { counter, step, limit, offset } => {
                let value = slot!(counter).wrapping_add(step as i64 as u64);
                set!(counter, value);
                if likely(value != limit as i64 as u64) {
                    jump!(offset);
                }
            }
            [I32AddSlotBrLtU] { counter, step, limit, offset } => {
                let value = (slot!(counter) as u32).wrapping_add(slot!(step) as u32);
                set!(counter, value as u64);
                if likely(value < slot!(limit) as u32) {
                    jump!(offset);
                }
            }
            [I32AddSlotBrNe] { counter, step, limit, offset } => {
                let value = (slot!(counter) as u32).wrapping_add(slot!(step) as u32);
                set!(counter, value as u64);
                if likely(value != slot!(limit) as u32) {
                    jump!(offset);
                }
            }
            [BrIfNez BrIfNezAcc] { cond, offset } => {
                if operand!(cond) as u32 != 0 {
                    jump!(offset);
                }
            }
            [BrIfEqz BrIfEqzAcc] { cond, offset } => {
                if operand!(cond) as u32 == 0 {
                    jump!(offset);
                }
            }
            [BrIfNull] { cond, offset } => {
                if slot!(cond) == 0 {
                    jump!(offset);
                }
            }
            [BrIfNonNull] { cond, offset } => {
                if slot!(cond) != 0 {
                    jump!(offset);
                }
            }
            [RefAsNonNull] { src } => { tri!(num::ref_as_non_null(slot!(src))); }
            [BrTable] { index, len } => { take_entry!((slot!(index) as u32).min(len)) }
            [Copy CopyAcc] { dst, src } => { set!(dst, operand!(src)) }
            // The first copy goes straight to its slot, leaving the register (the second
            // copy's source in `Copy2Acc`) alone; the second is the op's result, which
            // the handler without the store leaves only in the register.
            [Copy2 Copy2Acc] { dst, src, dst2, src2 } => {
                frame!().set(dst, slot!(src));
                set!(dst2, operand!(src2));
            }
            // As `Copy2`: the second sum is the op's result.
            [I32AddImm2] { dst, imm, dst2, imm2 } => {
                frame!().set(dst, num::i32_add(slot!(dst), imm as u64));
                set!(dst2, num::i32_add(slot!(dst2), imm2 as u64));
            }
            [I32AddImmAdd] { dst, imm, dst2, b } => {
                frame!().set(dst, num::i32_add(slot!(dst), imm as u64));
                set!(dst2, num::i32_add(slot!(dst2), slot!(b)));
            }
            [I32AddImmBr] { dst, imm, offset } => {
                set!(dst, num::i32_add(slot!(dst), imm as u64));
                jump!(offset);
            }
            [I32AddImmCopyBrIfNez] { dst, a, imm, offset } => {
                let value = num::i32_add(slot!(a), imm as u64);
                frame!().set(dst, value);
                set!(a, value);
                if value as u32 != 0 {
                    jump!(offset);
                }
            }
            [CopyBrIfNez CopyBrIfNezAcc] { dst, src, cond, offset } => {
                set!(dst, operand!(src));
                if slot!(cond) as u32 != 0 {
                    jump!(offset);
                }
            }
            [CopyBrIfEqz CopyBrIfEqzAcc] { dst, src, cond, offset } => {
                set!(dst, operand!(src));
                if slot!(cond) as u32 == 0 {
                    jump!(offset);
                }
            }
            [Load32BrIfNez] { dst, addr, memory_offset, offset } => {
                let loaded = num::load32(tri!(mem!().load::<4>(slot!(addr), memory_offset)));
                set!(dst, loaded);
                if loaded as u32 != 0 {
                    jump!(offset);
                }
            }
            // (The store reaches the bytes the load just read: it cannot trap.)
            [I32AddImmInMemory] { addr, offset, add } => {
                let counter = num::load32(tri!(mem!().load::<4>(slot!(addr), offset)));
                let stepped = num::i32_add(counter, add as u64);
                tri!(mem!().store(slot!(addr), offset, num::low_bytes::<4>(stepped)));
            }
            // (The store reaches the bytes the load just read: it cannot trap.)
            [Load32Store32 Load32Store32Acc] { dst, addr, value, offset } => {
                let address = operand!(addr);
                let old = num::load32(tri!(mem!().load::<4>(address, offset)));
                tri!(mem!().store(address, offset, num::low_bytes::<4>(slot!(value))));
                set!(dst, old);
            }
            [Load32BrIfEqz] { dst, addr, memory_offset, offset } => {
                let loaded = num::load32(tri!(mem!().load::<4>(slot!(addr), memory_offset)));
                set!(dst, loaded);
                if loaded as u32 == 0 {
                    jump!(offset);
                }
            }
            [I32ShrUAndImm I32ShrUAndImmAcc] { dst, src, shift, mask } => {
                set!(dst, num::i32_and(num::i32_shr_u(operand!(src), shift as u64), mask as u64));
            }
            [I32AddAndImm I32AddAndImmAcc] { dst, src, add, mask } => {
                set!(dst, num::i32_and(num::i32_add(operand!(src), add as u64), mask as u64));
            }
            [I32MulAdd I32MulAddAcc] { dst, a, b, c } => {
                set!(dst, num::i32_add(num::i32_mul(operand!(a), slot!(b)), slot!(c)));
            }
            [I64MulAdd I64MulAddAcc] { dst, a, b, c } => {
                set!(dst, num::i64_add(num::i64_mul(operand!(a), slot!(b)), slot!(c)));
            }
            [F32MulAdd F32MulAddAcc] { dst, a, b, c } => {
                set!(dst, num::f32_add(num::f32_mul(operand!(a), slot!(b)), slot!(c)));
            }
            [F64MulAdd F64MulAddAcc] { dst, a, b, c } => {
                set!(dst, num::f64_add(num::f64_mul(operand!(a), slot!(b)), slot!(c)));
            }
            [GlobalGet] { dst, global } => { set!(dst, globals!().get(global)) }
            [GlobalSet GlobalSetAcc] { src, global } => { globals!().set(global, operand!(src)) }
            [GlobalI32AddImm] { dst, global, imm } => {
                let value = num::i32_add(globals!().get(global), imm as u64);
                globals!().set(global, value);
                set!(dst, value);
            }
            [Const32] { dst, value } => { set!(dst, value as u64) }
            [Const64] { dst, value } => { set!(dst, value) }
            [Select SelectAcc] { dst, cond, a, b } => {
                let v = if operand!(cond) as u32 != 0 { slot!(a) } else { slot!(b) };
                set!(dst, v);
            }
            [SelectImm SelectImmAcc] { dst, cond, imm, b } => {
                set!(dst, if operand!(cond) as u32 != 0 { imm as u64 } else { slot!(b) });
            }
            [SelectElseImm SelectElseImmAcc] { dst, cond, a, imm } => {
                set!(dst, if operand!(cond) as u32 != 0 { slot!(a) } else { imm as u64 });
            }
            [I64Add128] { base } => {
                let [low, high] = num::i64_add128(slot!(base), slot!(base + 1), slot!(base + 2), slot!(base + 3));
                set!(base, low);
                set!(base + 1, high);
            }
            [I64Sub128] { base } => {
                let [low, high] = num::i64_sub128(slot!(base), slot!(base + 1), slot!(base + 2), slot!(base + 3));
                set!(base, low);
                set!(base + 1, high);
            }
            [I64MulWideS] { base } => {
                let [low, high] = num::i64_mul_wide_s(slot!(base), slot!(base + 1));
                set!(base, low);
                set!(base + 1, high);
            }
            [I64MulWideU] { base } => {
                let [low, high] = num::i64_mul_wide_u(slot!(base), slot!(base + 1));
                set!(base, low);
                set!(base + 1, high);
            }
            [MemorySize] { dst } => { set!(dst, (mem!().len() / PAGE_SIZE) as u64) }
            [MemoryFill] { dst, value, len } => {
                tri!(mem!().fill(slot!(dst), slot!(value) as u8, slot!(len)));
            }
            [MemoryCopy] { dst, src, len } => {
                tri!(mem!().copy_within(slot!(dst), slot!(src), slot!(len)));
            }
            // 128-bit SIMD (`simd`): a vector is two slots, low half first, which the
            // ops read and write out of line (`frame!()` is the frame's slots).
            [V128Unary] { op, dst, src } => { simd::unary(op, frame!(), dst, src) }
            [V128Binary] { op, dst, a, b } => { simd::binary(op, frame!(), dst, a, b) }
            [V128Ternary] { op, dst, a, b, c } => { simd::ternary(op, frame!(), dst, a, b, c) }
            [F32x4MulAdd] { dst, a, b, c } => { simd::mul_add(simd::f32x4_mul_add, frame!(), dst, a, b, c) }
            [F64x2MulAdd] { dst, a, b, c } => { simd::mul_add(simd::f64x2_mul_add, frame!(), dst, a, b, c) }
            [V128Test] { op, dst, src } => { set!(dst, simd::test(op, frame!(), src)) }
            [V128Shift] { op, dst, a, b } => { simd::shift(op, frame!(), dst, a, b) }
            [V128Splat] { op, dst, src } => { simd::splat(op, frame!(), dst, src) }
            [V128Extract] { op, lane, dst, src } => {
                set!(dst, simd::extract(op, frame!(), lane, src))
            }
            [V128Replace] { op, lane, dst, a, b } => {
                simd::replace(op, frame!(), lane, dst, a, b)
            }
            [V128Shuffle] { dst, a, b, lanes } => { simd::shuffle(frame!(), dst, a, b, lanes) }
            [V128Select] { dst, cond, a, b } => {
                let src = if slot!(cond) as u32 != 0 { a } else { b };
                let (low, high) = (slot!(src), slot!(src + 1));
                set!(dst, low);
                set!(dst + 1, high);
            }
            [V128Load] { op, dst, addr, offset } => {
                tri!(simd::in_bounds(simd::load(op, mem!(), frame!(), dst, addr, offset)));
            }
            [V128LoadLane] { op, lane, dst, addr, src, offset } => {
                let loaded = simd::load_lane(op, lane, mem!(), frame!(), dst, addr, src, offset);
                tri!(simd::in_bounds(loaded));
            }
            [V128Store] { addr, value, offset } => {
                tri!(simd::in_bounds(simd::store(mem!(), frame!(), addr, value, offset)));
            }
            [V128StoreLane] { op, lane, addr, value, offset } => {
                let stored = simd::store_lane(op, lane, mem!(), frame!(), addr, value, offset);
                tri!(simd::in_bounds(stored));
            }
            [GlobalGet128] { dst, global } => {
                let (lo, hi) = (globals!().get(global), globals!().get_high(global));
                set!(dst, lo);
                set!(dst + 1, hi);
            }
            [GlobalSet128] { src, global } => {
                globals!().set(global, slot!(src));
                globals!().set_high(global, slot!(src + 1));
            }
        }
    };
}
