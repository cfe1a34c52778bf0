//! What the host's work for a game costs the game. A call into the host is a few wasm
//! instructions, but the work it asks for (points copied, text read, pixels written,
//! draw commands stored) can be far more; every contract's bindings charge that work to
//! the calling code's fuel at one rate, so that a frame's total work is bounded by the
//! fuel budget (`--fuel`), not only its instructions.

use crate::interp::Caller;

/// Fuel units charged per elementary unit of host work, the same for every contract:
/// per pixel written, per byte of text read, per point copied, per draw command stored.
pub const FUEL_PER_WORK_UNIT: u64 = 1;

/// Charges `units` elementary units of host work (see [`FUEL_PER_WORK_UNIT`]) to the
/// calling code's fuel: if that exhausts it, the code stops before its next instruction
/// with "out of fuel", as if it had run that many instructions.
pub fn charge<T>(caller: &mut Caller<'_, T>, units: usize) {
    caller.consume_fuel((units as u64).saturating_mul(FUEL_PER_WORK_UNIT));
}
