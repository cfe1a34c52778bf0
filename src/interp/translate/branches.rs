//! Branch offsets: re-pointing them when a pass moves, copies or drops ops (one utility
//! for every pass that does; which ops they land on is `isa::branch_targets`).

use crate::interp::isa::Op;

pub(super) fn set_offset(op: &mut Op, new: i32) {
    match op.branch_offset_mut() {
        Some(offset) => *offset = new,
        None => unreachable!("not a branch: {op:?}"),
    }
}

/// Re-points every branch of `ops` after a pass moved ops: the op now at `at` was at
/// `origin[at]` before (a copy keeps its original's target), and the op that was at
/// `old` is now at `new_index[old]` (for one the pass dropped or merged, where control
/// now goes instead).
pub(super) fn repoint(ops: &mut [Op], origin: &[usize], new_index: &[usize]) {
    for (at, op) in ops.iter_mut().enumerate() {
        if let Some(offset) = op.branch_offset_mut() {
            let target = (origin[at] as isize + *offset as isize) as usize;
            *offset = new_index[target] as i32 - at as i32;
        }
    }
}
