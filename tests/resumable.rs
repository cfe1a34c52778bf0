//! Calls that pause when their fuel runs out and go on later (`Func::call_resumable`,
//! `PausedCall::resume`): a paused call continues exactly where it stopped, whatever the
//! op it stopped before (in optimised builds the threaded handlers keep the last result
//! in a register, which a pause must not lose, and charge fuel a straight-line block at
//! a time, and an op at a time where a block costs more than is left), and spends in all its slices the fuel a
//! single metered call spends; host functions charge fuel for their work
//! (`Caller::consume_fuel`).

use wasmcade::interp::{
    CallOutcome, Caller, Error, Func, FuncType, Limits, Linker, Module, Store, TrapKind, ValType,
    Value,
};

/// The benchmark kernels (`bench/kernels/`), each exporting `run(n) -> i64`, with an `n`
/// small enough to pause before every one of their instructions.
const KERNELS: [(&str, i32); 8] = [
    ("fib", 12),
    ("sieve", 300),
    ("matmul", 4),
    ("hash", 300),
    ("bits64", 200),
    ("brtable", 300),
    ("indirect", 300),
    ("copy", 2),
];

fn kernel(name: &str) -> Module {
    let path = format!("{}/bench/kernels/{name}.wat", env!("CARGO_MANIFEST_DIR"));
    Module::new(&wat::parse_file(path).unwrap()).unwrap()
}

/// `run(n)` of the kernel in a fresh store under `limits`, resumed with `slice` units of
/// fuel each time until it returns: its result, how many times it paused and the fuel
/// it spent in all.
fn run_in_slices(module: &Module, n: i32, slice: u64) -> (Vec<Value>, u64, u64) {
    let mut store = Store::new(());
    let instance = Linker::new().instantiate(&mut store, module).unwrap();
    let run = instance.get_func(&store, "run").unwrap();
    let (mut pauses, mut spent) = (0, 0);
    let mut outcome = run
        .call_resumable(&mut store, &[Value::I32(n)], slice)
        .unwrap();
    loop {
        spent += store.fuel_consumed();
        match outcome {
            CallOutcome::Finished(values) => return (values, pauses, spent),
            CallOutcome::OutOfFuel(paused) => {
                pauses += 1;
                assert_eq!(
                    store.fuel_consumed(),
                    slice,
                    "a pause spent its whole slice"
                );
                outcome = paused.resume(&mut store, slice).unwrap();
            }
        }
    }
}

#[test]
fn a_call_paused_before_any_op_goes_on_exactly() {
    for (name, n) in KERNELS {
        goes_on_exactly_in_slices(name, &kernel(name), n);
    }
}

/// Blocks whose first op is not a simple one (each charges its block before it runs):
/// the loop's head is a store op (`table.size`), the `if`'s arms start with an internal
/// call and a `call_indirect`.
#[test]
fn blocks_starting_with_calls_and_store_ops_charge_exactly() {
    let module = Module::new(
        &wat::parse_str(
            r#"(module
                 (type $none (func))
                 (table 1 funcref)
                 (elem (i32.const 0) $tick)
                 (global $ticks (mut i64) (i64.const 0))
                 (func $tick (global.set $ticks (i64.add (global.get $ticks) (i64.const 1))))
                 (func (export "run") (param $n i32) (result i64)
                   (local $zero i32) (local $size i32)
                   (loop $again
                     (local.set $size (table.size))
                     (if (i32.and (local.get $n) (i32.const 1))
                       (then (call $tick))
                       (else (call_indirect (type $none) (local.get $zero))))
                     (local.tee $n (i32.sub (local.get $n) (local.get $size)))
                     (br_if $again))
                   (global.get $ticks)))"#,
        )
        .unwrap(),
    )
    .unwrap();
    goes_on_exactly_in_slices("blocks", &module, 30);
}

/// `run(n)` of `module` gives the same result, and spends the same fuel, in one metered
/// call and in slices of any size, each slice spent whole.
fn goes_on_exactly_in_slices(name: &str, module: &Module, n: i32) {
    let mut store = Store::with_limits(
        (),
        Limits {
            fuel: Some(u64::MAX),
            ..Limits::default()
        },
    );
    let instance = Linker::new().instantiate(&mut store, module).unwrap();
    let whole = instance.call(&mut store, "run", &[Value::I32(n)]).unwrap();
    let metered = store.fuel_consumed();
    for slice in [1, 2, 3, 5, 8, 13, 1000, u64::MAX] {
        let (result, pauses, spent) = run_in_slices(module, n, slice);
        assert_eq!(result, whole, "{name}({n}) in slices of {slice}");
        assert_eq!(
            spent, metered,
            "{name}({n}): fuel spent in slices of {slice}"
        );
        if slice < metered {
            assert_eq!(
                pauses,
                (metered - 1) / slice,
                "{name}: pauses, slices of {slice}"
            );
        }
    }
}

#[test]
fn a_paused_call_resumes_only_in_its_own_store_and_may_be_dropped() {
    let module = kernel("fib");
    let mut store = Store::new(());
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    let run = instance.get_func(&store, "run").unwrap();
    let CallOutcome::OutOfFuel(paused) = run
        .call_resumable(&mut store, &[Value::I32(20)], 100)
        .unwrap()
    else {
        panic!("fib(20) finished in 100 instructions");
    };
    assert!(!paused.backtrace(&store).is_empty());
    let mut other = Store::new(());
    match paused.resume(&mut other, 100) {
        Err(Error::Usage(message)) => assert!(message.contains("store it started in")),
        Err(other) => panic!("wrong error: {other}"),
        Ok(_) => panic!("resumed in another store"),
    }
    // The store goes on with other calls after a paused call was dropped.
    let result = instance.call(&mut store, "run", &[Value::I32(10)]).unwrap();
    assert_eq!(result, [Value::I64(55)]);
}

#[test]
fn host_functions_charge_fuel_for_their_work() {
    // `work(units)` charges `units`; `flood(n)` calls it n times with 1,000 units each.
    let module = Module::new(
        &wat::parse_str(
            r#"(module
                 (import "env" "work" (func $work (param i32)))
                 (func (export "flood") (param $n i32)
                   (loop $again
                     (call $work (i32.const 1000))
                     (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
                     (br_if $again))))"#,
        )
        .unwrap(),
    )
    .unwrap();
    let mut store = Store::with_limits(
        0u64,
        Limits {
            fuel: Some(100_000),
            ..Limits::default()
        },
    );
    let ty = FuncType::new([ValType::I32], []);
    let work = Func::new(&mut store, ty, |caller: &mut Caller<'_, u64>, args, _| {
        let Value::I32(units) = args[0] else {
            unreachable!("typed i32")
        };
        *caller.data_mut() += 1;
        caller.consume_fuel(units as u64);
        Ok(())
    });
    let mut linker = Linker::new();
    linker.define("env", "work", work);
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let error = instance
        .call(&mut store, "flood", &[Value::I32(1_000_000)])
        .unwrap_err();
    let Error::Trap(trap) = error else {
        panic!("not a trap: {error}");
    };
    assert!(matches!(trap.kind, TrapKind::OutOfFuel(100_000)), "{trap}");
    // Each call costs its 1,000 units and a handful of instructions: the 100th call
    // spends the last of it (a charge takes what is left), and the code stops after it.
    let calls = *store.data();
    assert!((90..=100).contains(&calls), "{calls} calls of work");

    // Without metering, the charges change nothing: all calls run.
    store.limits_mut().fuel = None;
    *store.data_mut() = 0;
    instance
        .call(&mut store, "flood", &[Value::I32(10_000)])
        .unwrap();
    assert_eq!(*store.data(), 10_000);
}
