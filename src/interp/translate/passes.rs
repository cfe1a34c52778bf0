//! The passes over a function's ops after translation, each separate (a mode without
//! fusion can skip them): branch shortcuts and loop rotation, tail duplication, merging
//! pairs of ops (two copies, two in-place adds, a load and a store to one address, a copy
//! or a load and a branch), and operands taken from the register.

use super::branches::{repoint, set_offset};
use crate::interp::isa::branch_targets;
use crate::interp::isa::Op;

/// Runs every pass, in order, over `ops` (with their wasm offsets); those that move ops
/// (tail duplication, merging pairs) only with `may_move`.
pub(super) fn run(ops: &mut Vec<Op>, offsets: &mut Vec<u32>, may_move: bool) {
    shortcut_branches(ops);
    if may_move {
        duplicate_short_tails(ops, offsets);
        merge_pairs(ops, offsets);
    }
    cache_operands(ops);
}

/// Rotates loops whose exit test sits before the back edge (`branch_back_directly`),
/// then rewrites each `br` whose target makes the jump itself redundant:
///
/// - A `br` to a return (the end of an `if` or a block at the end of the function)
///   becomes that return: returns read only slots, so where they run does not matter.
/// - Loop inversion. A `while` loop compiles to a head that tests for the exit and a
///   `br` at the bottom that jumps back to it: two dispatches per iteration for one
///   test. When a `br` jumps to a side-effect-free conditional branch whose target is
///   the op right after that `br`, running the test in the `br`'s place, inverted and
///   jumping past the head, does the same in one op; each iteration then runs the test
///   once (fused with the counter's step when it has one, as `emit_branch` does).
///
/// Then a copy into the slot a `return` reads, right before it, becomes the return of the
/// copy's source (a block's result moved into place only to be returned). The return
/// stays for branches that target it, which wrote its slot themselves.
fn shortcut_branches(ops: &mut [Op]) {
    branch_back_directly(ops);
    for at in 0..ops.len() {
        let Op::Br { offset } = ops[at] else {
            continue;
        };
        let head = (at as isize + offset as isize) as usize;
        let mut target = ops[head];
        if let Op::Return | Op::Return1 { .. } | Op::ReturnMany { .. } = target {
            ops[at] = target;
            continue;
        }
        let Some(&mut exit) = target.branch_offset_mut() else {
            continue;
        };
        if head as isize + exit as isize != at as isize + 1 {
            continue;
        }
        let Some(mut inverted) = target.inverted_branch() else {
            continue;
        };
        let body = head as i32 + 1;
        set_offset(&mut inverted, body - at as i32);
        ops[at] = inverted;
        fuse_counter_step(ops, at, body);
    }
    for at in 1..ops.len() {
        if let (Op::Copy { dst, src }, Op::Return1 { src: returned }) = (ops[at - 1], ops[at]) {
            if dst == returned {
                ops[at - 1] = Op::Return1 { src };
            }
        }
    }
}

/// Loop rotation at the bottom: a conditional branch out of a loop followed by the `br`
/// back to the loop's head (`br_if $exit; br $loop`, or a `do while` loop's test
/// compiled to jump out) runs two ops per iteration. With the test inverted to jump back
/// itself and the `br` taking the exit instead, an iteration runs one (fused with the
/// counter's step when it has one); the exit runs two. Swapping the two targets keeps
/// the set of targeted ops and the meaning of landing on the test; a `br` that a branch
/// lands on is left alone.
fn branch_back_directly(ops: &mut [Op]) {
    let mut targeted = None;
    for at in 0..ops.len().saturating_sub(1) {
        let Op::Br { offset: back } = ops[at + 1] else {
            continue;
        };
        if back >= 0 || targeted.get_or_insert_with(|| branch_targets(ops))[at + 1] {
            continue;
        }
        let Some(mut inverted) = ops[at].inverted_branch() else {
            continue;
        };
        let exit = at as i32 + ops[at].branch_offset().expect("a conditional branch");
        let head = at as i32 + 1 + back;
        set_offset(&mut inverted, head - at as i32);
        ops[at] = inverted;
        ops[at + 1] = Op::Br {
            offset: exit - (at as i32 + 1),
        };
        fuse_counter_step(ops, at, head);
    }
}

/// The longest run of ops `duplicate_short_tails` copies in place of a `br`.
const MAX_TAIL_OPS: usize = 6;

/// Tail duplication: a forward `br` to a short run of ops that ends in an unconditional
/// branch or a return (a loop's latch, the code after an `if`/`else` or a `br_table`'s
/// case) is replaced by a copy of the run, saving the `br` and running the copy with its
/// own branch history; a `br` to the next op is dropped. Copies keep their branches'
/// targets; `br_table` entries, which the table reads, and runs containing a `br_table`
/// are left alone; the copies add at most as many ops as the function had. Resolves
/// every branch offset again.
fn duplicate_short_tails(ops: &mut Vec<Op>, offsets: &mut Vec<u32>) {
    let tail_end = |head: usize| {
        for (at, op) in ops.iter().enumerate().skip(head).take(MAX_TAIL_OPS) {
            match op {
                Op::BrTable { .. } => return None,
                Op::Br { .. }
                | Op::Return
                | Op::Return1 { .. }
                | Op::ReturnMany { .. }
                | Op::Unreachable => return Some(at),
                _ => {}
            }
        }
        None
    };
    if !ops
        .iter()
        .any(|op| matches!(*op, Op::Br { offset } if offset > 0))
    {
        return;
    }
    let mut table_entries = vec![false; ops.len()];
    for (at, op) in ops.iter().enumerate() {
        if let Op::BrTable { len, .. } = *op {
            table_entries[at + 1..=at + 1 + len as usize].fill(true);
        }
    }
    let mut budget = ops.len();
    let mut tails = vec![None; ops.len()];
    for (at, op) in ops.iter().enumerate() {
        let Op::Br { offset } = *op else {
            continue;
        };
        if offset <= 0 || table_entries[at] {
            continue;
        }
        let head = at + offset as usize;
        if head == at + 1 {
            // A `br` to the next op does nothing: dropped.
            tails[at] = Some(head..head);
        } else if let Some(end) = tail_end(head).filter(|&end| end - head <= budget) {
            budget -= end - head;
            tails[at] = Some(head..end + 1);
        }
    }
    if tails.iter().all(Option::is_none) {
        return;
    }
    // For each old op, its new index (a replaced `br`: its copy's first op, or the next
    // op's); for each new op, the old index of the op it is or copies.
    let mut new_index = Vec::with_capacity(ops.len());
    let mut origin = Vec::with_capacity(2 * ops.len());
    for (at, tail) in tails.into_iter().enumerate() {
        new_index.push(origin.len());
        match tail {
            Some(run) => origin.extend(run),
            None => origin.push(at),
        }
    }
    let mut copied: Vec<Op> = origin.iter().map(|&old| ops[old]).collect();
    repoint(&mut copied, &origin, &new_index);
    *offsets = origin.iter().map(|&old| offsets[old]).collect();
    *ops = copied;
}

/// Runs two ops in a row as one where `merged` has an op for them (two copies: a call's
/// arguments are moved into place by a run of copies; two slots stepped, by constants
/// or one by a slot: pointers; a `load32` and a `store32` to the same address; a copy, or
/// a `load32`, and the conditional branch after it; a counter's step and the jump back to
/// its loop, or the copy and branch passing it back as the parameter it was stepped
/// from), unless a branch lands on the second.
/// Drops the merged ops and resolves every branch offset again.
fn merge_pairs(ops: &mut Vec<Op>, offsets: &mut Vec<u32>) {
    if !ops
        .windows(2)
        .any(|pair| merged(&pair[0], &pair[1]).is_some())
    {
        return;
    }
    let targeted = branch_targets(ops);
    // Compacts in place: for each old op, its new index (a merged op: its pair's); for
    // each new op, the old index it came from.
    let mut new_index = Vec::with_capacity(ops.len());
    let mut origin = Vec::with_capacity(ops.len());
    let (mut read, mut write) = (0, 0);
    while read < ops.len() {
        new_index.push(write);
        origin.push(read);
        offsets[write] = offsets[read];
        ops[write] = match ops.get(read + 1).and_then(|next| merged(&ops[read], next)) {
            Some(pair) if !targeted[read + 1] => {
                new_index.push(write);
                read += 1;
                pair
            }
            _ => ops[read],
        };
        read += 1;
        write += 1;
    }
    ops.truncate(write);
    offsets.truncate(write);
    repoint(ops, &origin, &new_index);
}

/// The one op running `first` and then `second`, if there is one; a branch offset in it
/// is relative to `first` (where the merged op goes).
fn merged(first: &Op, second: &Op) -> Option<Op> {
    if let (
        Op::Copy { dst, src },
        Op::Copy {
            dst: dst2,
            src: src2,
        },
    ) = (*first, *second)
    {
        return Some(Op::Copy2 {
            dst,
            src,
            dst2,
            src2,
        });
    }
    if let (
        Op::I32AddImm { dst, a, imm },
        Op::I32AddImm {
            dst: dst2,
            a: a2,
            imm: imm2,
        },
    ) = (*first, *second)
    {
        // Each in place. An i32 add uses its immediate's low 32 bits.
        return (a == dst && a2 == dst2).then_some(Op::I32AddImm2 {
            dst,
            imm: imm as u32,
            dst2,
            imm2: imm2 as u32,
        });
    }
    if let (
        Op::I32AddImm { dst, a, imm },
        Op::I32Add {
            dst: dst2,
            a: a2,
            b,
        },
    ) = (*first, *second)
    {
        // Each in place; the second's operands in either order (addition commutes).
        let b = if a2 == dst2 {
            b
        } else if b == dst2 {
            a2
        } else {
            return None;
        };
        return (a == dst).then_some(Op::I32AddImmAdd {
            dst,
            imm: imm as u32,
            dst2,
            b,
        });
    }
    if let (
        Op::Load32 { dst, addr, offset },
        Op::Store32 {
            addr: addr2,
            value,
            offset: offset2,
        },
    ) = (*first, *second)
    {
        // (Both on memory 0's fast path: other accesses are `OtherMemory` ops.)
        let same_place = (addr, offset) == (addr2, offset2);
        return (same_place && dst != addr && dst != value).then_some(Op::Load32Store32 {
            dst,
            addr,
            value,
            offset,
        });
    }
    if let (Op::I32AddImm { dst, a, imm }, Op::Br { offset }) = (*first, *second) {
        // In place (a loop's latch).
        return (a == dst).then_some(Op::I32AddImmBr {
            dst,
            imm: imm as u32,
            offset: offset + 1,
        });
    }
    if let (
        Op::I32AddImm { dst, a, imm },
        Op::CopyBrIfNez {
            dst: back,
            src,
            cond,
            offset,
        },
    ) = (*first, *second)
    {
        // The sum copied back to the slot added to, and tested (a counter passed back as
        // a loop's parameter).
        return (src == dst && cond == dst && back == a).then_some(Op::I32AddImmCopyBrIfNez {
            dst,
            a,
            imm: imm as u32,
            offset: offset + 1,
        });
    }
    // A conditional branch: on a nonzero or a zero condition; its offset from `first`.
    let (cond, offset, on_nonzero) = match *second {
        Op::BrIfNez { cond, offset } => (cond, offset + 1, true),
        Op::BrIfEqz { cond, offset } => (cond, offset + 1, false),
        _ => return None,
    };
    Some(match (*first, on_nonzero) {
        (Op::Copy { dst, src }, true) => Op::CopyBrIfNez {
            dst,
            src,
            cond,
            offset,
        },
        (Op::Copy { dst, src }, false) => Op::CopyBrIfEqz {
            dst,
            src,
            cond,
            offset,
        },
        (
            Op::Load32 {
                dst,
                addr,
                offset: memory_offset,
            },
            nonzero,
        ) if cond == dst => {
            if nonzero {
                Op::Load32BrIfNez {
                    dst,
                    addr,
                    memory_offset,
                    offset,
                }
            } else {
                Op::Load32BrIfEqz {
                    dst,
                    addr,
                    memory_offset,
                    offset,
                }
            }
        }
        _ => return None,
    })
}

/// Fuses `i += k` right before the loop test at `at` (one that jumps back to `head`) with
/// it into a loop-counter op; the test stays behind it for branches that target it, run
/// once on exit otherwise.
fn fuse_counter_step(ops: &mut [Op], at: usize, head: i32) {
    let counted = at
        .checked_sub(1)
        .and_then(|add| ops[at].fused_increment(&ops[add]));
    if let Some(mut counted) = counted {
        set_offset(&mut counted, head - (at as i32 - 1));
        ops[at - 1] = counted;
    }
}

/// Lets an op take its operand from the register where the threaded executor keeps the
/// result of the op just before it (`Op::with_cached_operand`), wherever that op is the
/// only way in: no branch lands between them. (Calls are no producers, so returning to
/// the op after a call never relies on the register either.) After a copy, the register
/// holds its source's value too.
fn cache_operands(ops: &mut [Op]) {
    let targeted = branch_targets(ops);
    for at in 1..ops.len() {
        if targeted[at] {
            continue;
        }
        let before = ops[at - 1];
        let cached = [before.cached_result(), before.copied_from()];
        if let Some(op) = cached
            .into_iter()
            .flatten()
            .find_map(|slot| ops[at].with_cached_operand(slot))
        {
            ops[at] = op;
        }
    }
}
