//! The basic blocks of a translated function: which ops branches land on, and where each
//! straight run of ops starts and how many ops it holds, which is what the threaded
//! executor charges in fuel when it enters the run (`CompiledFunc::block_costs`).

use super::Op;

/// Which ops a branch (or a `br_table` entry) lands on.
pub(crate) fn branch_targets(ops: &[Op]) -> Vec<bool> {
    let mut targeted = vec![false; ops.len()];
    for (at, op) in ops.iter().enumerate() {
        if let Some(offset) = op.branch_offset() {
            targeted[(at as isize + offset as isize) as usize] = true;
        }
    }
    targeted
}

/// The most ops in a block: where a block costs more fuel than is left, the executor runs
/// it an op at a time, so a long straight run of ops is cut into blocks of this many
/// (which also keeps a block's length in 16 bits).
// Only the threaded executor charges fuel by the block.
#[cfg_attr(not(wasmcade_threaded), allow(dead_code))]
pub(crate) const MAX_BLOCK_OPS: usize = 1000;
const _: () = assert!(MAX_BLOCK_OPS <= u16::MAX as usize);

/// For each op, the number of ops in the block it starts, or 0 if it starts none. A
/// block starts at the function's entry, at every branch target, after every op that
/// may branch or return, and after [`MAX_BLOCK_OPS`] ops; it ends where the next one
/// starts, so that once its first op runs, every op in it runs (unless one traps or a
/// call in it never returns).
#[cfg_attr(not(wasmcade_threaded), allow(dead_code))]
pub(crate) fn block_lengths(ops: &[Op]) -> Vec<u16> {
    let targeted = branch_targets(ops);
    let starts = |at: usize| at == 0 || targeted[at] || ops[at - 1].may_leave_straight_line();
    let mut lengths = vec![0; ops.len()];
    let mut start = 0;
    for at in 1..=ops.len() {
        if at == ops.len() || starts(at) || at - start == MAX_BLOCK_OPS {
            lengths[start] = (at - start) as u16;
            start = at;
        }
    }
    lengths
}

impl Op {
    /// Whether control may go elsewhere than to the next op after this one: a branch
    /// (taken or not), a `br_table` (whose entries follow it) or a return.
    #[cfg_attr(not(wasmcade_threaded), allow(dead_code))]
    fn may_leave_straight_line(&self) -> bool {
        self.branch_offset().is_some()
            || matches!(
                self,
                Op::BrTable { .. } | Op::Return | Op::Return1 { .. } | Op::ReturnMany { .. }
            )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_start_at_entry_targets_and_after_branches() {
        let ops = [
            Op::Const32 { dst: 0, value: 1 },
            Op::Const32 { dst: 1, value: 2 },
            Op::BrIfNez { cond: 0, offset: 2 },
            Op::Const32 { dst: 1, value: 3 },
            Op::I32Add { dst: 1, a: 1, b: 0 },
            Op::Return1 { src: 1 },
        ];
        assert_eq!(
            branch_targets(&ops),
            [false, false, false, false, true, false]
        );
        assert_eq!(block_lengths(&ops), [3, 0, 0, 1, 2, 0]);
    }

    #[test]
    fn long_straight_runs_are_cut() {
        let ops = vec![Op::Const32 { dst: 0, value: 1 }; 2 * MAX_BLOCK_OPS + 1];
        let lengths = block_lengths(&ops);
        assert_eq!(lengths[0], MAX_BLOCK_OPS as u16);
        assert_eq!(lengths[MAX_BLOCK_OPS], MAX_BLOCK_OPS as u16);
        assert_eq!(lengths[2 * MAX_BLOCK_OPS], 1);
        assert_eq!(lengths.iter().filter(|&&n| n > 0).count(), 3);
    }
}
