//! CoreMark (`bench/coremark/coremark.wasm`) run to its end: its `run` export returns its
//! score, or 0 when its own checks fail (the CRCs of its list, matrix and state results
//! against the known values for its seeds, or a timed run under ten seconds). Its clock
//! here moves ten seconds a call, so the run is short and its score is fixed; wasmcade
//! must give wasmi's score, run plainly and metered one op at a time.

mod common;

use std::sync::atomic::{AtomicU32, Ordering};

use wasmcade::interp::{Func, FuncType, Linker, Module, Store, ValType, Value};

const COREMARK: &[u8] = include_bytes!("../bench/coremark/coremark.wasm");

/// Milliseconds the clock moves at each call: CoreMark's shortest accepted run.
const TICK_MS: u32 = 10_000;

/// A clock for `env.clock_ms`, in milliseconds, moving `TICK_MS` a call.
fn ticking_clock() -> impl Fn() -> u32 + Send + Sync + 'static {
    let calls = AtomicU32::new(0);
    move || (calls.fetch_add(1, Ordering::Relaxed) + 1) * TICK_MS
}

/// A CoreMark instance in a fresh store with a `ticking_clock`.
fn coremark_in_wasmcade() -> (Store<()>, Func) {
    let module = Module::new(COREMARK).unwrap();
    let mut store = Store::new(());
    let clock_ms = ticking_clock();
    let clock = Func::new_raw(
        &mut store,
        FuncType::new([], [ValType::I32]),
        move |_, bits| {
            bits[0] = clock_ms() as u64;
            Ok(())
        },
    );
    let instance = Linker::new()
        .define("env", "clock_ms", clock)
        .instantiate(&mut store, &module)
        .unwrap();
    let run = instance.get_func(&store, "run").unwrap();
    (store, run)
}

/// wasmi's CoreMark score, with the same clock.
fn score_in_wasmi() -> f32 {
    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, COREMARK).unwrap();
    let mut store = wasmi::Store::new(&engine, ());
    let clock_ms = ticking_clock();
    let clock = move || clock_ms() as i32;
    let mut linker = wasmi::Linker::new(&engine);
    linker.func_wrap("env", "clock_ms", clock).unwrap();
    let instance = linker.instantiate_and_start(&mut store, &module).unwrap();
    let run = instance.get_typed_func::<(), f32>(&store, "run").unwrap();
    run.call(&mut store, ()).unwrap()
}

#[test]
fn coremark_passes_its_own_checks_with_wasmi_s_score() {
    let wasmi = score_in_wasmi();
    assert!(wasmi > 0.0, "CoreMark failed its checks in wasmi");
    let (mut store, run) = coremark_in_wasmcade();
    assert_eq!(run.call(&mut store, &[]).unwrap(), [Value::F32(wasmi)]);
    let (mut store, run) = coremark_in_wasmcade();
    let (metered, pauses) = common::call_one_op_at_a_time(&mut store, run, &[]);
    assert_eq!(metered.unwrap(), [Value::F32(wasmi)]);
    assert!(pauses > 1_000_000, "{pauses} ops: CoreMark ran too little");
}
