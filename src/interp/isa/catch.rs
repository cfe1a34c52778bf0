//! A function's exception handlers: one entry per `catch` clause of each `try_table`,
//! looked up by code position only when an exception unwinds (entering a `try_table`
//! runs nothing). Inner `try_table`s' entries come before outer ones', each one's clauses
//! in order, so the first entry that covers a position and matches is the handler.

use super::{Op, Slot};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Catch {
    /// The ops the `try_table` covers, `start..end`: a throw there, or a call there that
    /// an exception leaves, is caught here.
    pub start: u32,
    pub end: u32,
    /// The tag it catches (the module's tag index); `None` for `catch_all`.
    pub tag: Option<u32>,
    /// Whether the label also gets the exception's reference, after its values
    /// (`catch_ref`, `catch_all_ref`).
    pub with_ref: bool,
    /// The label's first slot, where the values go.
    pub dst: Slot,
    /// The op that then branches to the label (its landing pad).
    pub pad: u32,
}

impl Catch {
    /// Whether an exception at op `pc` is in this handler's `try_table`.
    pub fn covers(&self, pc: usize) -> bool {
        (self.start as usize..self.end as usize).contains(&pc)
    }
}

/// `catch tag 0 in 3..9 -> 12, values at s4 (with ref)`, as the disassembly lists them.
impl std::fmt::Display for Catch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.tag {
            Some(tag) => write!(f, "catch tag {tag}")?,
            None => f.write_str("catch_all")?,
        }
        write!(
            f,
            " in {}..{} -> {}, values at s{}",
            self.start, self.end, self.pad, self.dst
        )?;
        if self.with_ref {
            f.write_str(" (with ref)")?;
        }
        Ok(())
    }
}

impl Op {
    /// Whether the op is a tail call (an exception out of its callee is not the
    /// caller's to catch: the callee replaced it).
    pub fn is_tail_call(&self) -> bool {
        matches!(
            self,
            Op::ReturnCall { .. }
                | Op::ReturnCallInternal { .. }
                | Op::ReturnCallIndirect { .. }
                | Op::ReturnCallRef { .. }
        )
    }
}
