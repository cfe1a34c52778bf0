//! The threaded executor: one handler function per simple op (see `simple.rs`) and for
//! calls and returns within an instance, each ending in a call of the next op's handler,
//! whose address is stored with the op (`isa::Instr`, filled from this module's tables
//! indexed by op tag; with fuel metering, the handlers of `METERED` run, and a basic
//! block's first op has its `CHARGING` one, which charges the whole block's fuel before
//! the op: see `charge_block!`). The call is in tail position with the same signature,
//! so LLVM emits it as a jump (direct threaded code), and the hot
//! state (instruction pointer, frame slots, memory view) stays in argument registers
//! instead of the loop executor's spilled locals. So does the last result: every op with
//! a result also passes it to the next handler in a register, where the translator's
//! cached-operand forms (`Op::with_cached_operand`) read it without the store-to-load
//! round trip of its slot. Where nothing but that next op reads the result
//! (`Op::result_stays_in_register`), the op gets the handler that does not write the
//! slot at all: each simple op has one of each, in separate tables. The popcounts have a
//! second pair, using the processor's `popcnt` instruction, chosen where it has one
//! (`processor_specific`).
//!
//! The ops that need the store (tables, `memory.grow`, ...) share one handler, `other`,
//! which runs them through `Run::store_op` and goes on; calls of imports have one of
//! their own (`call_through_store`), running only that op, and so has `call_indirect`,
//! which enters a callee of the running instance through table 0 itself
//! (`Run::try_call_indirect_directly`, reading views of the store's callees) and leaves
//! the rest to `call_through_store`.
//! Any other op, and any op that would trap, ends the chain: `run` returns its address
//! with nothing changed, the loop executor runs that one op (raising the trap with its
//! usual message) and calls `run` again. Compiled only where the tail calls are reliably jumps
//! (`cfg(wasmcade_threaded)`, set by `build.rs`); a debug build would grow the native
//! stack with every op.

use super::erased::StoreOp;
use super::num;
use super::run::{likely, Run};
use super::simd;
use super::views::{Ip, MemView, Slots};
use crate::interp::isa::{ErasedHandler, Handlers, Op};
use crate::interp::types::PAGE_SIZE;

/// Room in the handler tables: more than there are op variants, a power of two.
const TAGS: usize = 1024;

/// A handler: runs the op at `ip` and the ones after it. `slots` and `mem` are copies
/// of `run.at.frame.slots` and `run.at.mem` (`run.at.frame.ip` is only written for
/// calls); `cached` is the result of the op before (if it has one).
type Handler = unsafe fn(Ip, Slots, MemView, u64, &mut Run) -> Ip;

/// Runs from `ip` until an op the handlers leave to the loop executor, and returns its
/// address; `run.at` is the position of that op's function. With `METER`, charges
/// `run.fuel` one unit per op, a basic block at a time as the block is entered
/// (`charge_block!`), and stops before a block whose cost is more than the fuel left (for
/// the loop executor to run an op at a time, `Run::metering_by_op`); an op that ends the
/// chain is refunded (`leave`), for the loop executor charges it when it runs it.
#[inline(always)]
pub(super) fn run<const METER: bool>(ip: Ip, run: &mut Run) -> Ip {
    let (slots, mem) = (run.at.frame.slots, run.at.mem);
    // The register as the op at `ip` may read it: from its slot. (`ip` is an entry, or
    // the op before it ran in the loop executor or is a call, which leave no result in
    // the register alone; or a paused call goes on at `ip`, whose register the pause
    // wrote to the slot.)
    let cached = ip.op().cached_operand().map_or(0, |slot| slots.get(slot));
    // SAFETY: the loop executor's own invariants: `ip` points at an op of the running
    // function, `run.at.frame.slots` is its frame and `run.at.mem` the instance's current
    // memory view.
    unsafe { dispatch::<METER>(ip, slots, mem, cached, run) }
}

/// Calls the handler of the op at `ip` (its metered one, with `METER`: the first op of
/// a block has its charging one).
#[inline(always)]
unsafe fn dispatch<const METER: bool>(
    ip: Ip,
    slots: Slots,
    mem: MemView,
    cached: u64,
    run: &mut Run,
) -> Ip {
    // SAFETY: `Instr::new` stored the op's entries of the tables (see `handlers_of`), and
    // each table entry handles exactly the op tag it is stored under; every
    // `ErasedHandler` is a `Handler` transmuted (`handler_of`).
    unsafe {
        let handler = std::mem::transmute::<ErasedHandler, Handler>(ip.handler::<METER>());
        handler(ip, slots, mem, cached, run)
    }
}

/// With `CHARGE` (in the metered handler of a basic block's first op): charges the fuel
/// of the block that starts at `$ip` before its first op runs, or, when less is left
/// than the block costs, ends the chain there (`stop_before_block`, a jump).
macro_rules! charge_block {
    ($charge:ident, $ip:expr, $slots:expr, $mem:expr, $cached:expr, $run:expr) => {
        if $charge && !charge_block($ip, $run) {
            return stop_before_block($ip, $slots, $mem, $cached, $run);
        }
    };
}

/// Charges the fuel of the block that starts at `ip` (`CompiledFunc::block_costs`);
/// `false`, with nothing charged, when less is left than it costs.
#[inline(always)]
fn charge_block(ip: Ip, run: &mut Run) -> bool {
    let code = run.at.frame.code;
    // SAFETY: `ip` points at an op of the running function, which has one entry of
    // `block_costs` per op.
    let cost = unsafe { *code.func().block_costs.get_unchecked(code.index_of(ip)) };
    let Some(left) = run.fuel.checked_sub(u64::from(cost)) else {
        return false;
    };
    run.fuel = left;
    true
}

/// Ends the chain before the block that starts at `ip`, which costs more fuel than is
/// left, with `run.metering_by_op` set: the loop executor runs the block an op at a time,
/// charging each, so that whatever fuel a call is given it gets on, and stops at the
/// exact op where the fuel runs out. A `Handler`, out of line: the charging handlers jump
/// here.
#[cold]
#[inline(never)]
fn stop_before_block(ip: Ip, slots: Slots, _: MemView, cached: u64, run: &mut Run) -> Ip {
    // The loop executor reads operands from their slots (and so does a paused call when
    // it goes on).
    if let Some(slot) = ip.op().cached_operand() {
        slots.set(slot, cached);
    }
    run.metering_by_op = Some(run.frames.len());
    ip
}

/// The handlers of `op` (the one leaving its result only in the register, with
/// `in_register`; the metered one charging the block's fuel, with `starts_block`), as
/// `Instr` stores them: the executor's `Encoder`.
pub(super) fn handlers_of(op: &Op, in_register: bool, starts_block: bool) -> Handlers {
    Handlers {
        plain: handler_of::<false, false>(op, in_register),
        metered: if starts_block {
            handler_of::<true, true>(op, in_register)
        } else {
            handler_of::<true, false>(op, in_register)
        },
    }
}

/// The handler of `op` (for fuel metering, with `METER`; charging the fuel of the block
/// `op` starts, with `CHARGE`; leaving its result only in the register, with
/// `in_register`).
fn handler_of<const METER: bool, const CHARGE: bool>(op: &Op, in_register: bool) -> ErasedHandler {
    if let Some(handler) = processor_specific::<METER, CHARGE>(op, in_register)
        .or(vector::handler_of::<METER, CHARGE>(op, in_register))
    {
        // SAFETY: as below.
        return unsafe { std::mem::transmute::<Handler, ErasedHandler>(handler) };
    }
    let table = match (METER && CHARGE, METER, in_register) {
        (true, _, false) => &CHARGING,
        (true, _, true) => &CHARGING_IN_REGISTER,
        (false, true, false) => &METERED,
        (false, true, true) => &METERED_IN_REGISTER,
        (false, false, false) => &UNMETERED,
        (false, false, true) => &UNMETERED_IN_REGISTER,
    };
    // SAFETY: only a transmute back to `Handler` (in `dispatch`) calls it.
    unsafe { std::mem::transmute::<Handler, ErasedHandler>(table[op.tag() as usize]) }
}

/// The handler of `op` that uses an instruction of this processor the portable build
/// does not assume, if there is one: `popcnt`, where the processor has it.
#[cfg(target_arch = "x86_64")]
fn processor_specific<const METER: bool, const CHARGE: bool>(
    op: &Op,
    in_register: bool,
) -> Option<Handler> {
    use popcnt::*;
    // The handler writing its result's slot, and the one leaving it in the register.
    macro_rules! stored_and_in_register {
        ($handler:ident) => {
            (
                $handler::<METER, true, CHARGE> as Handler,
                $handler::<METER, false, CHARGE> as Handler,
            )
        };
    }
    let (stored, in_register_only) = match op {
        Op::I32Popcnt { .. } => stored_and_in_register!(I32Popcnt),
        Op::I32PopcntAcc { .. } => stored_and_in_register!(I32PopcntAcc),
        Op::I64Popcnt { .. } => stored_and_in_register!(I64Popcnt),
        Op::I64PopcntAcc { .. } => stored_and_in_register!(I64PopcntAcc),
        _ => return None,
    };
    if !std::arch::is_x86_feature_detected!("popcnt") {
        return None;
    }
    Some(if in_register {
        in_register_only
    } else {
        stored
    })
}

#[cfg(not(target_arch = "x86_64"))]
fn processor_specific<const METER: bool, const CHARGE: bool>(_: &Op, _: bool) -> Option<Handler> {
    None
}

/// Ends the chain at `ip`, refunding the fuel charged for the op that is not run here.
#[inline(always)]
fn leave<const METER: bool>(ip: Ip, run: &mut Run) -> Ip {
    if METER {
        run.fuel += 1;
    }
    ip
}

/// The handler of every other op: runs an op that needs the store (`store_op!`) through
/// `run.store_op` and goes on from the position it leaves (the callee's entry, for a
/// call); ends the chain at any other op, for the loop executor to run. A store op's
/// trap ends the chain after the op, in `run.trap`: the op may have had effects (a host
/// function that trapped ran), so it is not run again.
unsafe fn other<const METER: bool, const CHARGE: bool>(
    ip: Ip,
    slots: Slots,
    mem: MemView,
    cached: u64,
    run: &mut Run,
) -> Ip {
    charge_block!(CHARGE, ip, slots, mem, cached, run);
    if !matches!(ip.op(), store_op!()) {
        return leave::<METER>(ip, run);
    }
    // SAFETY: as for this handler.
    unsafe { run_store_op::<METER>(ip, run, run.store_op) }
}

/// `CallImport` and (with `INDIRECT`) `CallIndirect`: runs them through `run.call_import`
/// and `run.call_indirect`, as `other` runs the rest of the store ops.
unsafe fn call_through_store<const METER: bool, const INDIRECT: bool, const CHARGE: bool>(
    ip: Ip,
    slots: Slots,
    mem: MemView,
    cached: u64,
    run: &mut Run,
) -> Ip {
    charge_block!(CHARGE, ip, slots, mem, cached, run);
    let call = if INDIRECT {
        run.call_indirect
    } else {
        run.call_import
    };
    // SAFETY: as for this handler.
    unsafe { run_store_op::<METER>(ip, run, call) }
}

/// Runs the store op at `ip` with `store_op` and goes on from the position it leaves.
#[inline(always)]
unsafe fn run_store_op<const METER: bool>(ip: Ip, run: &mut Run, store_op: StoreOp) -> Ip {
    let mut next = ip;
    let op = next.fetch();
    run.at.frame.ip = next;
    // SAFETY: the loop executor set `run.store` to its store before starting the chain
    // and does not touch the store until the chain returns.
    if !unsafe { store_op(run, op) } {
        return next;
    }
    // SAFETY: `run.at` is the position the op left: after it, or a callee's entry. No
    // op takes its operand from the register after a store op (`Op::cached_result`).
    unsafe { go_on_at_position::<METER>(run.at.mem, 0, run) }
}

/// Goes on at `run.at`'s instruction pointer, in its frame: where a call, a return or a
/// store op has moved it.
///
/// # Safety
/// As for `dispatch`: `run.at` is a position of the running instance, `mem` its memory
/// view, and the op there takes nothing from the register that `cached` does not hold.
#[inline(always)]
unsafe fn go_on_at_position<const METER: bool>(mem: MemView, cached: u64, run: &mut Run) -> Ip {
    let (ip, slots) = (run.at.frame.ip, run.at.frame.slots);
    // SAFETY: the caller's guarantee.
    unsafe { dispatch::<METER>(ip, slots, mem, cached, run) }
}

/// `CallIndirect`: enters a callee of the running instance through table 0 and goes on
/// with its first op; anything else (and any trap) through the store, as
/// `call_through_store`.
unsafe fn call_indirect<const METER: bool, const CHARGE: bool>(
    ip: Ip,
    slots: Slots,
    mem: MemView,
    cached: u64,
    run: &mut Run,
) -> Ip {
    charge_block!(CHARGE, ip, slots, mem, cached, run);
    let mut next = ip;
    let op = next.fetch();
    run.at.frame.ip = next;
    if !run.try_call_indirect_directly(op) {
        // SAFETY: as for this handler.
        return unsafe { call_through_store::<METER, true, false>(ip, slots, mem, cached, run) };
    }
    // SAFETY: `try_call_indirect_directly` set `run.at` to the callee's entry, frame and
    // (unchanged) instance. No op takes its operand from the register after a call.
    unsafe { go_on_at_position::<METER>(mem, 0, run) }
}

/// `CallInternal`: enters the callee and goes on with its first op.
unsafe fn call_internal<const METER: bool, const CHARGE: bool>(
    ip: Ip,
    slots: Slots,
    mem: MemView,
    cached: u64,
    run: &mut Run,
) -> Ip {
    charge_block!(CHARGE, ip, slots, mem, cached, run);
    let mut next = ip;
    let Op::CallInternal { def, base } = *next.fetch() else {
        // SAFETY: the tables store this handler under `CallInternal`'s tag.
        unsafe { std::hint::unreachable_unchecked() }
    };
    run.at.frame.ip = next;
    if !run.try_enter_directly(run.at.module_code.nth(def), base) {
        // SAFETY: as for this handler.
        return unsafe { call_internal_checked::<METER>(ip, slots, mem, cached, run) };
    }
    // SAFETY: `try_enter_directly` set `run.at` to the callee's entry, frame and
    // (unchanged) instance.
    unsafe { go_on_at_position::<METER>(mem, cached, run) }
}

/// `call_internal`'s other path, out of line so that the common one saves few registers:
/// translates a callee called for the first time, and enters through `Run::push_frame`
/// (growing the frame stack, zeroing many locals); or ends the chain when the call is
/// too deep or the callee cannot be translated, for the loop executor to raise the trap.
#[inline(never)]
unsafe fn call_internal_checked<const METER: bool>(
    ip: Ip,
    _: Slots,
    mem: MemView,
    cached: u64,
    run: &mut Run,
) -> Ip {
    let Op::CallInternal { def, base } = *ip.op() else {
        // SAFETY: only `call_internal` calls this, for its own op.
        unsafe { std::hint::unreachable_unchecked() }
    };
    let entered = run
        .at
        .module_code
        .translated(def, run.encoder)
        .and_then(|callee| run.enter_through_push_frame(callee, base));
    if entered.is_err() {
        return leave::<METER>(ip, run);
    }
    // SAFETY: the call set `run.at` to the callee's entry, frame and (unchanged) instance.
    unsafe { go_on_at_position::<METER>(mem, cached, run) }
}

/// `ReturnCallInternal`: the callee takes over the frame, and runs on; anything else (a
/// callee to translate that cannot be, a frame too large) ends the chain, for the loop
/// executor to run the op again and raise the trap.
unsafe fn return_call_internal<const METER: bool, const CHARGE: bool>(
    ip: Ip,
    slots: Slots,
    mem: MemView,
    cached: u64,
    run: &mut Run,
) -> Ip {
    charge_block!(CHARGE, ip, slots, mem, cached, run);
    let mut next = ip;
    let Op::ReturnCallInternal { def, base } = *next.fetch() else {
        // SAFETY: the tables store this handler under `ReturnCallInternal`'s tag.
        unsafe { std::hint::unreachable_unchecked() }
    };
    run.at.frame.ip = next;
    let entered = run
        .at
        .module_code
        .translated(def, run.encoder)
        .and_then(|callee| run.replace_frame(callee, base));
    if entered.is_err() {
        return leave::<METER>(ip, run);
    }
    // SAFETY: `replace_frame` set `run.at` to the callee's entry and frame in the same
    // instance. No op takes its operand from the register after a call.
    unsafe { go_on_at_position::<METER>(mem, 0, run) }
}

/// `Return` and `Return1`: returns to a caller in the same instance (the loop executor
/// returns from the outermost call and across instances).
unsafe fn ret<const METER: bool, const CHARGE: bool>(
    ip: Ip,
    slots: Slots,
    mem: MemView,
    cached: u64,
    run: &mut Run,
) -> Ip {
    charge_block!(CHARGE, ip, slots, mem, cached, run);
    // The result moves first: returning changes nothing the move reads, and a return the
    // loop executor takes over does the same move again.
    let mut next = ip;
    if let Op::Return1 { src } = *next.fetch() {
        slots.set(0, slots.get(src));
    }
    if !run.leave_within_instance() {
        return leave::<METER>(ip, run);
    }
    // SAFETY: `leave_within_instance` restored the caller's position in this instance.
    unsafe { go_on_at_position::<METER>(mem, cached, run) }
}

/// One handler: `$name` runs the op variant of that name, whose semantics (`simple.rs`)
/// read their marked operand (`operand!`) with `$operand!`: `slot!` for the plain form,
/// `cached!` (the register) for the cached-operand form.
macro_rules! handler {
    ($name:ident $operand:ident { $($field:ident),* } $body:block) => {
        handler!($name = $name $operand { $($field),* } $body);
    };
    // `$name` runs the op variant `$variant` (`vector`'s handlers of one SIMD operator).
    ($name:ident = $variant:ident $operand:ident { $($field:ident),* } $body:block) => {
        // Not every op uses every macro or has a result; `br` always jumps.
        #[allow(unused_macros, unreachable_code, unused_mut, unused_assignments)]
        pub(super) unsafe fn $name<const METER: bool, const STORE: bool, const CHARGE: bool>(
            ip: Ip,
            slots: Slots,
            mem: MemView,
            mut cached: u64,
            run: &mut Run,
        ) -> Ip {
            macro_rules! slot {
                ($s:expr) => {
                    slots.get($s)
                };
            }
            macro_rules! cached {
                // (The slot also holds it; only the loop executor reads it there.)
                ($s:expr) => {{
                    let _ = $s;
                    cached
                }};
            }
            macro_rules! operand {
                ($s:expr) => {
                    $operand!($s)
                };
            }
            macro_rules! set {
                ($s:expr, $v:expr) => {{
                    let value = $v;
                    if STORE {
                        slots.set($s, value);
                    }
                    cached = value;
                }};
            }
            macro_rules! mem {
                () => {
                    mem
                };
            }
            macro_rules! globals {
                () => {
                    run.at.globals
                };
            }
            macro_rules! frame {
                () => {
                    slots
                };
            }
            macro_rules! jump {
                ($offset:expr) => {
                    {
                        // Dispatching here, not after the branch, keeps it a branch
                        // (LLVM would make the shared path a `cmov`, which delays
                        // fetching the next op).
                        let target = ip.branch_target($offset);
                        // SAFETY: a translated branch target in this function.
                        return unsafe { dispatch::<METER>(target, slots, mem, cached, run) };
                    }
                };
            }
            macro_rules! take_entry {
                ($n:expr) => {{
                    let mut entry = ip.next();
                    entry.take_entry($n);
                    // SAFETY: an entry of the table, or the target of its branch.
                    return unsafe { dispatch::<METER>(entry, slots, mem, cached, run) };
                }};
            }
            macro_rules! tri {
                ($result:expr) => {
                    match $result {
                        Ok(value) => value,
                        Err(_) => return leave::<METER>(ip, run),
                    }
                };
            }
            charge_block!(CHARGE, ip, slots, mem, cached, run);
            let Op::$variant { $($field,)* .. } = *ip.op() else {
                // SAFETY: the tables store this handler under this variant's tag.
                unsafe { std::hint::unreachable_unchecked() }
            };
            $body
            // SAFETY: the op after this one (ops that branch returned above).
            unsafe { dispatch::<METER>(ip.next(), slots, mem, cached, run) }
        }
    };
}

mod vector;

/// Generates the handlers of the simple ops (each named after its variant; a pair gets
/// one for the plain and one for the cached-operand form) and the tables mapping op tags
/// to handlers.
macro_rules! handlers {
    ($( [$variant:ident $($cached:ident)?] $fields:tt => $body:block )*) => {
        #[allow(non_snake_case)]
        mod handlers {
            use super::*;
            $(
                handler!($variant slot $fields $body);
                $( handler!($cached cached $fields $body); )?
            )*
        }

        /// The handler for each op tag: the simple ops' own (writing their results to
        /// their slots with `STORE`), calls and returns, and `other` for the rest (each
        /// charging the fuel of the block it starts first, with `CHARGE`).
        const fn table<const METER: bool, const STORE: bool, const CHARGE: bool>() -> [Handler; TAGS] {
            let mut table = [other::<METER, CHARGE> as Handler; TAGS];
            $(
                table[any_op!($variant $fields).tag() as usize] = handlers::$variant::<METER, STORE, CHARGE>;
                $( table[any_op!($cached $fields).tag() as usize] = handlers::$cached::<METER, STORE, CHARGE>; )?
            )*
            table[Op::CallInternal { def: 0, base: 0 }.tag() as usize] = call_internal::<METER, CHARGE>;
            let indirect = Op::CallIndirect { type_index: 0, table: 0, index: 0, base: 0 };
            table[indirect.tag() as usize] = call_indirect::<METER, CHARGE>;
            let import = Op::CallImport { func: 0, base: 0 };
            table[import.tag() as usize] = call_through_store::<METER, false, CHARGE>;
            let tail_call = Op::ReturnCallInternal { def: 0, base: 0 };
            table[tail_call.tag() as usize] = return_call_internal::<METER, CHARGE>;
            table[Op::Return.tag() as usize] = ret::<METER, CHARGE>;
            table[Op::Return1 { src: 0 }.tag() as usize] = ret::<METER, CHARGE>;
            table
        }
    };
}

/// An op of variant `$variant` with every field 0 (for its tag).
macro_rules! any_op {
    ($variant:ident { $($field:ident),* }) => {
        // SAFETY: every field of an op is an integer or a fieldless `repr(u8)` enum
        // (`isa::simd`), for all of which 0 is a valid value.
        Op::$variant { $($field: unsafe { std::mem::zeroed() }),* }
    };
}
with_simple_ops!(handlers);

static UNMETERED: [Handler; TAGS] = table::<false, true, false>();
static METERED: [Handler; TAGS] = table::<true, true, false>();
static CHARGING: [Handler; TAGS] = table::<true, true, true>();
static UNMETERED_IN_REGISTER: [Handler; TAGS] = table::<false, false, false>();
static METERED_IN_REGISTER: [Handler; TAGS] = table::<true, false, false>();
static CHARGING_IN_REGISTER: [Handler; TAGS] = table::<true, false, true>();

/// The handlers of `i32.popcnt` and `i64.popcnt` (plain and cached-operand forms) with the
/// `popcnt` instruction (`processor_specific` chooses them only where the processor has it).
#[cfg(target_arch = "x86_64")]
#[allow(non_snake_case)]
mod popcnt {
    use super::*;
    // SAFETY (each): `processor_specific` stores these handlers only where the processor
    // has `popcnt`.
    handler!(I32Popcnt slot { dst, src } {
        set!(dst, unsafe { num::i32_popcnt_instruction(slot!(src)) })
    });
    handler!(I32PopcntAcc cached { dst, src } {
        set!(dst, unsafe { num::i32_popcnt_instruction(cached!(src)) })
    });
    handler!(I64Popcnt slot { dst, src } {
        set!(dst, unsafe { num::i64_popcnt_instruction(slot!(src)) })
    });
    handler!(I64PopcntAcc cached { dst, src } {
        set!(dst, unsafe { num::i64_popcnt_instruction(cached!(src)) })
    });
}
