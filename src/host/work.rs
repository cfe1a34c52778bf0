//! What the host's work for a game costs the game. A call into the host is a few wasm
//! instructions, but the work it asks for (points copied, text read, pixels written,
//! draw commands stored) can be far more; every contract's bindings charge that work to
//! the calling code's fuel at one rate, and every call its own cost, so that a frame's
//! total work (and time) is bounded by the fuel budget (`--fuel`), not only its
//! instructions.

use crate::interp::Caller;

/// Fuel units charged per elementary unit of host work, the same for every contract:
/// per pixel written, per byte of text read, per point copied, per draw command stored.
pub const FUEL_PER_WORK_UNIT: u64 = 1;

/// Fuel units charged for every call of an import, whatever it does (charged by
/// [`GameInstance`](super::instance::GameInstance) for every contract's imports): the
/// call itself costs as much as about 16 wasm instructions. Measured with callgrind: a
/// loop calling `sin` or `random` runs 90–145 machine instructions per unit of fuel
/// without this charge, against 10 for a loop of plain instructions; so a flood of calls
/// took up to 15 times as long as a loop on the same budget.
pub const FUEL_PER_HOST_CALL: u64 = 16;

/// Charges `units` elementary units of host work (see [`FUEL_PER_WORK_UNIT`]) to the
/// calling code's fuel: if that exhausts it, the code stops before its next instruction
/// with "out of fuel", as if it had run that many instructions.
pub fn charge<T>(caller: &mut Caller<'_, T>, units: usize) {
    caller.consume_fuel((units as u64).saturating_mul(FUEL_PER_WORK_UNIT));
}

/// Charges one call of an import ([`FUEL_PER_HOST_CALL`]).
pub fn charge_call<T>(caller: &mut Caller<'_, T>) {
    caller.consume_fuel(FUEL_PER_HOST_CALL);
}
