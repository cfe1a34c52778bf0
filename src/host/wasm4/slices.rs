//! A cart's update run in slices of fuel, so that the window goes on drawing and
//! answering keys while a long update (a level being generated) runs: each slice goes
//! on where the last one stopped, until the update returns or has spent the whole
//! budget of a call, when it is taken for a hang and stopped as a single call would be.
//! Between slices the wall clock decides whether to go on now or at the next host
//! frame; only the fuel decides when a cart is stopped, so it stops after the same work
//! in the window as headless (where, with no deadline, a call is one slice).

use std::time::Instant;

use super::imports::Wasm4State;
use crate::host::instance::{GameError, GameInstance};
use crate::interp::{CallOutcome, Func, PausedCall};

/// Fuel units per slice: about a millisecond of the cart's work.
const SLICE: u64 = 1_000_000;

/// A call paused between host frames.
pub struct Paused {
    export: &'static str,
    call: PausedCall,
    /// Fuel spent so far.
    pub spent: u64,
}

/// How far a call got.
pub enum Outcome {
    /// It returned, having spent this much fuel.
    Finished(u64),
    /// The deadline came first.
    Paused(Paused),
}

/// Calls `func` (the export `export`) until it returns, spends `budget` (an error), or
/// `deadline` (if any) passes between two slices.
pub fn call(
    inner: &mut GameInstance<Wasm4State>,
    export: &'static str,
    func: Func,
    budget: u64,
    deadline: Option<Instant>,
) -> Result<Outcome, GameError> {
    let outcome = inner.call_resumable(export, func, slice(0, budget, deadline))?;
    go_on(inner, export, outcome, 0, budget, deadline)
}

/// Goes on with a paused call, as [`call`] does.
pub fn resume(
    inner: &mut GameInstance<Wasm4State>,
    paused: Paused,
    budget: u64,
    deadline: Option<Instant>,
) -> Result<Outcome, GameError> {
    let fuel = slice(paused.spent, budget, deadline);
    let outcome = inner.resume(paused.export, paused.call, fuel)?;
    go_on(
        inner,
        paused.export,
        outcome,
        paused.spent,
        budget,
        deadline,
    )
}

/// The fuel of the next slice: the rest of the budget, at most [`SLICE`] with a deadline.
fn slice(spent: u64, budget: u64, deadline: Option<Instant>) -> u64 {
    let rest = budget.saturating_sub(spent);
    match deadline {
        Some(_) => rest.min(SLICE),
        None => rest,
    }
}

fn go_on(
    inner: &mut GameInstance<Wasm4State>,
    export: &'static str,
    mut outcome: CallOutcome,
    mut spent: u64,
    budget: u64,
    deadline: Option<Instant>,
) -> Result<Outcome, GameError> {
    loop {
        spent += inner.last_call_instructions();
        let call = match outcome {
            CallOutcome::Finished(_) => return Ok(Outcome::Finished(spent)),
            CallOutcome::OutOfFuel(call) => call,
        };
        if spent >= budget {
            return Err(inner.out_of_fuel(export, &call, budget));
        }
        if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
            return Ok(Outcome::Paused(Paused {
                export,
                call,
                spent,
            }));
        }
        outcome = inner.resume(export, call, slice(spent, budget, deadline))?;
    }
}
