//! Long runs through every kind of op the executors chain: a loop of millions of ops
//! (numeric, memory, branches, `br_table`, calls and returns, `select`, bulk memory, and
//! in one variant `call_indirect` and globals) gives wasmi's result with and without
//! fuel, on a thread with a small native stack. In optimised builds the simple ops,
//! calls and returns run as threaded handlers that must hand over to each other by
//! jumps: the variant made only of those runs millions of ops in one chain, and a
//! handler that called the next one instead would overflow that stack.

mod runs;

use runs::{on_small_stack, wasmcade_run, wasmi_run};
use wasmcade::interp::{Linker, Module, Store, Value};

/// The loop, with `CALLS` standing for the third case of its `br_table`.
const MIX: &str = r#"(module
  (memory 1)
  (global $g (mut i64) (i64.const 7))
  (type $unary (func (param i64) (result i64)))
  (table 2 funcref)
  (elem (i32.const 0) $triple $rotate)
  (func $triple (param i64) (result i64) (i64.mul (local.get 0) (i64.const 3)))
  (func $rotate (param i64) (result i64) (i64.rotl (local.get 0) (i64.const 13)))
  (func $step (param $i i32) (param $acc i64) (result i64) (local $addr i32) (local $f f64)
    (local.set $addr (i32.and (i32.shl (local.get $i) (i32.const 3)) (i32.const 0x7ff8)))
    (block $done
      (block $case3
        (block $case2
          (block $case1
            (block $case0
              (br_table $case0 $case1 $case2 $case3 (i32.and (local.get $i) (i32.const 3))))
            ;; memory: store, reload through an address sum, narrow loads
            (i64.store (local.get $addr) (local.get $acc))
            (local.set $acc (i64.add (local.get $acc)
              (i64.load8_u (i32.add (local.get $addr) (i32.const 3)))))
            (local.set $acc (i64.xor (local.get $acc)
              (i64.extend_i32_s (i32.load16_s offset=2 (local.get $addr)))))
            (br $done))
          ;; floats and conversions
          (local.set $f (f64.sqrt (f64.convert_i64_u (local.get $acc))))
          (local.set $acc (i64.add (local.get $acc)
            (i64.trunc_sat_f64_s (f64.mul (local.get $f) (f64.const 1.5)))))
          (br $done))
        CALLS
        (br $done))
      ;; select, i32 bits, bulk memory
      (local.set $acc (select (i64.add (local.get $acc) (i64.const 1))
        (i64.sub (local.get $acc) (i64.const 1))
        (i32.eqz (i32.and (i32.popcnt (local.get $i)) (i32.const 1)))))
      (memory.copy (i32.const 1024) (local.get $addr) (i32.const 16))
      (memory.fill (i32.const 2048) (i32.wrap_i64 (local.get $acc)) (i32.const 8))
      (local.set $acc (i64.add (local.get $acc) (i64.load (i32.const 2048)))))
    (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))
  (func (export "run") (param $n i32) (result i64) (local $i i32) (local $acc i64)
    (loop $next
      (local.set $acc (call $step (local.get $i) (local.get $acc)))
      (br_if $next (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
        (local.get $n))))
    (local.get $acc)))"#;

/// Calls through the table and a global: ops the threaded handlers leave to the loop.
const INDIRECT_CALLS: &str = r#"
  (local.set $acc (call_indirect (type $unary) (local.get $acc)
    (i32.and (local.get $i) (i32.const 1))))
  (global.set $g (i64.add (global.get $g) (local.get $acc)))
  (local.set $acc (i64.xor (local.get $acc) (global.get $g)))"#;

/// Direct calls only: the whole loop runs in threaded handlers.
const DIRECT_CALLS: &str = r#"
  (local.set $acc (if (result i64) (i32.and (local.get $i) (i32.const 1))
    (then (call $rotate (local.get $acc)))
    (else (call $triple (local.get $acc)))))"#;

const ITERATIONS: i32 = 400_000;

fn module_text(calls: &str) -> String {
    MIX.replace("CALLS", calls)
}

#[test]
fn millions_of_mixed_ops_agree_with_wasmi_with_and_without_fuel() {
    for calls in [DIRECT_CALLS, INDIRECT_CALLS] {
        let text = module_text(calls);
        let want = wasmi_run(&wasmi::Engine::default(), &text, ITERATIONS);
        let unmetered_text = text.clone();
        let (unmetered, _) =
            on_small_stack(move || wasmcade_run(&unmetered_text, ITERATIONS, None));
        assert_eq!(unmetered, want, "{calls}");
        let metered_text = text.clone();
        let (metered, used) =
            on_small_stack(move || wasmcade_run(&metered_text, ITERATIONS, Some(u64::MAX / 2)));
        assert_eq!(metered, want, "{calls}");
        // Fuel counts translated ops (fused ones count once): the loop body runs well
        // over a dozen.
        assert!(
            used > 12 * ITERATIONS as u64,
            "{used} instructions counted for {ITERATIONS} iterations"
        );
    }
}

#[test]
fn fuel_runs_out_at_the_same_instruction_however_the_ops_are_run() {
    // The count is exact: a budget one short of a finished run stops it, and the full
    // budget completes it.
    let text = module_text(INDIRECT_CALLS);
    let (_, used) = wasmcade_run(&text, ITERATIONS, Some(u64::MAX / 2));
    let module = Module::new(&wat::parse_str(&text).unwrap()).unwrap();
    for (budget, finishes) in [(used - 1, false), (used, true)] {
        let mut store = Store::new(());
        store.limits_mut().fuel = Some(budget);
        let instance = Linker::new().instantiate(&mut store, &module).unwrap();
        let result = instance.call(&mut store, "run", &[Value::I32(ITERATIONS)]);
        assert_eq!(result.is_ok(), finishes, "budget {budget} of {used}");
    }
}
