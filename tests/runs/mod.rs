//! What the long-run tests (`tests/long_runs.rs`, `tests/simd_runs.rs`) share: a module's
//! `run(iterations) -> i64` export run in wasmcade (with or without fuel, on a small
//! native stack) and in wasmi.

use wasmcade::interp::{Linker, Module, Store, Value};

/// Runs `f` on a thread with a 256 KiB native stack.
pub fn on_small_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .expect("the run finished on the small stack")
}

/// wasmcade's result of `run(iterations)` in the module `text`, and the instructions it
/// counted when metered.
pub fn wasmcade_run(text: &str, iterations: i32, fuel: Option<u64>) -> (i64, u64) {
    let module = Module::new(&wat::parse_str(text).unwrap()).unwrap();
    let mut store = Store::new(());
    store.limits_mut().fuel = fuel;
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    match instance
        .call(&mut store, "run", &[Value::I32(iterations)])
        .unwrap()[..]
    {
        [Value::I64(result)] => (result, store.fuel_consumed()),
        ref other => panic!("{other:?}"),
    }
}

/// wasmi's result of `run(iterations)` in the module `text`, on `engine`.
pub fn wasmi_run(engine: &wasmi::Engine, text: &str, iterations: i32) -> i64 {
    let module = wasmi::Module::new(engine, wat::parse_str(text).unwrap()).unwrap();
    let mut store = wasmi::Store::new(engine, ());
    let instance = wasmi::Linker::new(engine)
        .instantiate_and_start(&mut store, &module)
        .unwrap();
    let run = instance.get_typed_func::<i32, i64>(&store, "run").unwrap();
    run.call(&mut store, iterations).unwrap()
}
