//! What the stepper's comparisons with normal execution (`tests/stepper.rs`,
//! `tests/simd_stepped.rs`) share: each call of a module run normally in one instance and
//! stepped in another, compared by outcome, and the memories compared after.

use wasmcade::interp::{Error, Instance, Linker, Module, Stepper, Store, Value};

/// Runs each of `calls` (export, arguments) on two instances of `module`, one normally
/// and one stepped, asserts that each call's outcome and the memories after all of them
/// are the same, and returns how many calls trapped.
pub fn steps_as_it_runs(module: &Module, calls: Vec<(&str, Vec<Value>)>) -> usize {
    let mut normal = Store::new(());
    let normal_instance = Linker::new().instantiate(&mut normal, module).unwrap();
    let mut stepped = Store::new(());
    let stepped_instance = Linker::new().instantiate(&mut stepped, module).unwrap();
    let mut traps = 0;
    for (name, args) in calls {
        let want = normal_instance.call(&mut normal, name, &args);
        let func = stepped_instance.get_func(&stepped, name).unwrap();
        let got =
            Stepper::new(&mut stepped, func, &args).and_then(|mut s| s.finish_call(&mut stepped));
        traps += want.is_err() as usize;
        assert_eq!(outcome(want), outcome(got), "{name}{args:?}");
    }
    let memory = |store: &Store<()>, instance: Instance| {
        instance.default_memory(store).unwrap().data(store).to_vec()
    };
    assert_eq!(
        memory(&normal, normal_instance),
        memory(&stepped, stepped_instance)
    );
    traps
}

/// A call's outcome as compared: the results' bits, or the trap and where it happened
/// (function and byte offset of each frame).
fn outcome(result: Result<Vec<Value>, Error>) -> String {
    match result {
        Ok(values) => format!("{values:?}"),
        Err(Error::Trap(trap)) => {
            let frames: Vec<String> = trap
                .backtrace
                .iter()
                .map(|f| format!("{}@{:?}", f.func_index, f.offset))
                .collect();
            format!("trap {} at {}", trap.kind, frames.join(" < "))
        }
        Err(other) => format!("error {other}"),
    }
}
