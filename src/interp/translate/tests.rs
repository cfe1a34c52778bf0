//! The translator's parts, each on small functions in WebAssembly text: the operand
//! stack model, control flow, memory access and the fusions made as ops are emitted
//! (before the passes, `translate_operators`), then the passes and the branch
//! re-pointing they share, on ops written out.

use wasmparser::{BinaryReader, FunctionBody};

use super::branches::repoint;
use super::{passes, translate_operators};
use crate::interp::isa::branch_targets;
use crate::interp::isa::Op;
use crate::interp::module::Module;

/// The ops function 0 of the module `text` translates to before the passes.
fn emitted(text: &str) -> Vec<Op> {
    let module = Module::new(&wat::parse_str(text).unwrap()).unwrap();
    let code = &module.inner.code;
    let range = code.bodies[0].clone();
    let bytes = &code.bytes[range.clone()];
    let body = FunctionBody::new(BinaryReader::new(bytes, range.start as u64));
    translate_operators(&module.inner, 0, &body).unwrap().ops
}

/// `emitted` for one function of `signature` and `body`.
fn func(signature: &str, body: &str) -> Vec<Op> {
    emitted(&format!("(module (func {signature} {body}))"))
}

#[test]
fn operands_are_read_in_place_and_results_retargeted_to_locals() {
    // `local.get`s and constants cost nothing; `local.set` retargets the add.
    assert_eq!(
        func(
            "(param i32 i32) (local i32)",
            "(local.set 2 (i32.add (local.get 0) (local.get 1)))"
        ),
        [Op::I32Add { dst: 2, a: 0, b: 1 }, Op::Return]
    );
    assert_eq!(
        func(
            "(param i64) (result i64)",
            "(i64.add (local.get 0) (i64.const -1))"
        ),
        [
            Op::I64AddImm {
                dst: 1,
                a: 0,
                imm: -1
            },
            Op::Return1 { src: 1 }
        ]
    );
}

#[test]
fn an_operand_still_reading_a_local_is_copied_before_the_local_changes() {
    assert_eq!(
        func(
            "(param i32) (result i32)",
            "(local.get 0) (local.set 0 (i32.const 5)) (local.get 0) (i32.sub)"
        ),
        [
            Op::Copy { dst: 1, src: 0 },
            Op::Const32 { dst: 0, value: 5 },
            Op::I32Sub { dst: 1, a: 1, b: 0 },
            Op::Return1 { src: 1 },
        ]
    );
}

#[test]
fn forward_branches_are_patched_at_their_label_and_loops_branch_back() {
    assert_eq!(
        func(
            "(param i32)",
            "(block (br_if 0 (local.get 0)) (local.set 0 (i32.const 1)))"
        ),
        [
            Op::BrIfNez { cond: 0, offset: 2 },
            Op::Const32 { dst: 0, value: 1 },
            Op::Return,
        ]
    );
    assert_eq!(
        func("(param i32)", "(loop (br_if 0 (local.get 0)))"),
        [Op::BrIfNez { cond: 0, offset: 0 }, Op::Return]
    );
}

#[test]
fn if_else_jumps_over_the_else_arm() {
    assert_eq!(
        func(
            "(param i32) (result i32)",
            "(if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2)))"
        ),
        [
            Op::BrIfEqz { cond: 0, offset: 3 },
            Op::Const32 { dst: 1, value: 1 },
            Op::Br { offset: 2 },
            Op::Const32 { dst: 1, value: 2 },
            Op::Return1 { src: 1 },
        ]
    );
}

#[test]
fn a_comparison_used_only_by_a_branch_fuses_into_it() {
    assert_eq!(
        func(
            "(param i32 i32)",
            "(block (br_if 0 (i32.lt_s (local.get 0) (local.get 1))))"
        ),
        [
            Op::BrI32LtS {
                a: 0,
                b: 1,
                offset: 1
            },
            Op::Return
        ]
    );
    // Under an `i32.eqz`, the branch tests the comparison negated.
    assert_eq!(
        func(
            "(param i32 i32)",
            "(block (br_if 0 (i32.eqz (i32.lt_s (local.get 0) (local.get 1)))))"
        ),
        [
            Op::BrI32GeS {
                a: 0,
                b: 1,
                offset: 1
            },
            Op::Return
        ]
    );
}

#[test]
fn a_shift_used_only_by_an_xor_fuses_into_it() {
    assert_eq!(
        func(
            "(param i32) (result i32)",
            "(i32.xor (local.get 0) (i32.shl (local.get 0) (i32.const 13)))"
        ),
        [
            Op::I32XorShlSelf {
                dst: 1,
                src: 0,
                shift: 13
            },
            Op::Return1 { src: 1 }
        ]
    );
}

#[test]
fn a_counter_step_fuses_into_its_loop_test() {
    let ops = func(
        "(param i32 i32)",
        "(loop (br_if 0 (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 4))) (local.get 1))))",
    );
    assert_eq!(
        ops,
        [
            Op::I32AddBrLtU {
                counter: 0,
                limit: 1,
                step: 4,
                offset: 0
            },
            Op::Return
        ]
    );
}

#[test]
fn an_add_used_only_as_an_address_fuses_into_the_load() {
    let memory = "(memory 1)";
    assert_eq!(
        emitted(&format!(
            "(module {memory} (func (param i32 i32) (result i32)
               (i32.load offset=8 (i32.add (local.get 0) (local.get 1)))))"
        )),
        [
            Op::Load32Add {
                dst: 2,
                a: 0,
                b: 1,
                offset: 8
            },
            Op::Return1 { src: 2 }
        ]
    );
    assert_eq!(
        emitted(&format!(
            "(module {memory} (func (param i32) (result i64)
               (i64.load8_s (i32.add (local.get 0) (i32.const 3)))))"
        )),
        [
            Op::Load8S64AddImm {
                dst: 1,
                a: 0,
                imm: 3,
                offset: 0
            },
            Op::Return1 { src: 1 }
        ]
    );
}

#[test]
fn a_stored_constant_is_an_immediate() {
    assert_eq!(
        emitted(
            "(module (memory 1) (func (param i32)
               (i64.store16 offset=2 (local.get 0) (i64.const 0x1234))))"
        ),
        [
            Op::Store16Imm {
                addr: 0,
                offset: 2,
                value: 0x1234
            },
            Op::Return
        ]
    );
}

#[test]
fn repointing_follows_moved_copied_and_dropped_ops() {
    // Old code: 0: br +2, 1: copy, 2: return. The pass drops op 1 (control reaching it
    // goes on at the return, new 1) and copies the return in front (new 0 copies old 2).
    let mut ops = vec![Op::Return, Op::Br { offset: 2 }, Op::Return];
    let origin = [2, 0, 2];
    let new_index = [1, 2, 2];
    repoint(&mut ops, &origin, &new_index);
    assert_eq!(ops[1], Op::Br { offset: 1 });
    assert_eq!(branch_targets(&ops), [false, false, true]);
}

#[test]
fn passes_pair_copies_and_shortcut_a_branch_to_a_return() {
    let mut ops = vec![
        Op::Copy { dst: 3, src: 0 },
        Op::Copy { dst: 4, src: 1 },
        Op::Br { offset: 2 },
        Op::Unreachable,
        Op::Return1 { src: 3 },
    ];
    let mut offsets = vec![0; ops.len()];
    passes::run(&mut ops, &mut offsets, true);
    assert_eq!(
        ops,
        [
            Op::Copy2 {
                dst: 3,
                src: 0,
                dst2: 4,
                src2: 1
            },
            Op::Return1 { src: 3 },
            Op::Unreachable,
            Op::Return1 { src: 3 },
        ]
    );
    assert_eq!(offsets.len(), ops.len());
}

#[test]
fn a_bit_field_a_masked_sum_and_a_summed_product_run_as_one_op() {
    assert_eq!(
        func(
            "(param i32) (result i32)",
            "(i32.and (i32.shr_u (local.get 0) (i32.const 5)) (i32.const 127))"
        ),
        [
            Op::I32ShrUAndImm {
                dst: 1,
                src: 0,
                shift: 5,
                mask: 127
            },
            Op::Return1 { src: 1 }
        ]
    );
    assert_eq!(
        func(
            "(param i32) (result i32)",
            "(i32.and (i32.add (local.get 0) (i32.const -48)) (i32.const 255))"
        ),
        [
            Op::I32AddAndImm {
                dst: 1,
                src: 0,
                add: -48i32 as u32,
                mask: 255
            },
            Op::Return1 { src: 1 }
        ]
    );
    // Either operand of the add may be the product; the multiplication's type must match.
    assert_eq!(
        func(
            "(param i64 i64 i64) (result i64)",
            "(i64.add (local.get 2) (i64.mul (local.get 0) (local.get 1)))"
        ),
        [
            Op::I64MulAdd {
                dst: 3,
                a: 0,
                b: 1,
                c: 2
            },
            Op::Return1 { src: 3 }
        ]
    );
    // A product whose result is both operands is left alone.
    assert_eq!(
        func(
            "(param i32 i32) (result i32) (local i32)",
            "(local.tee 2 (i32.mul (local.get 0) (local.get 1))) (i32.add (local.get 2))"
        )
        .len(),
        3
    );
}

#[test]
fn passes_merge_a_copy_into_the_branch_after_it_unless_a_branch_lands_between() {
    let mut ops = vec![
        Op::Copy { dst: 3, src: 0 },
        Op::BrIfNez {
            cond: 1,
            offset: -1,
        },
        Op::Copy { dst: 4, src: 2 },
        Op::BrIfEqz { cond: 1, offset: 2 },
        Op::Copy { dst: 4, src: 3 },
        Op::Return,
    ];
    let mut offsets = vec![0; ops.len()];
    passes::run(&mut ops, &mut offsets, true);
    assert_eq!(
        ops,
        [
            // The first copy is a branch target: merged, the loop still runs it.
            Op::CopyBrIfNez {
                dst: 3,
                src: 0,
                cond: 1,
                offset: 0,
            },
            Op::CopyBrIfEqz {
                dst: 4,
                src: 2,
                cond: 1,
                offset: 2,
            },
            Op::Copy { dst: 4, src: 3 },
            Op::Return,
        ]
    );
}
