//! What the CLI tests share: running the real `wasmcade` binary, and modules written to
//! temporary files from WebAssembly text.

#![allow(dead_code)] // each test binary uses its own part of this module

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the `wasmcade` binary built for these tests.
pub fn wasmcade(args: &[&str]) -> Output {
    wasmcade_command(args).output().unwrap()
}

pub fn wasmcade_command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wasmcade"));
    command.args(args);
    command
}

/// A fresh temporary directory for one test.
pub fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wasmcade-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `wat` compiled to `dir/name.wasm` and returns the path.
pub fn module_in(dir: &Path, name: &str, wat: &str) -> PathBuf {
    let path = dir.join(format!("{name}.wasm"));
    std::fs::write(&path, wat::parse_str(wat).unwrap()).unwrap();
    path
}

/// Writes `wat` compiled to a temporary `.wasm` and returns its path.
pub fn module_file(name: &str, wat: &str) -> PathBuf {
    module_in(
        &std::env::temp_dir(),
        &format!("wasmcade-{}-{name}", std::process::id()),
        wat,
    )
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The repository's own files (games, test games).
pub fn repo_path(relative: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(relative)
        .to_string_lossy()
        .into_owned()
}

/// Calls `func` with one unit of fuel at a time, so that it pauses before every op and
/// goes on: its outcome, and how many times it paused.
pub fn call_one_op_at_a_time<T>(
    store: &mut wasmcade::interp::Store<T>,
    func: wasmcade::interp::Func,
    args: &[wasmcade::interp::Value],
) -> (
    Result<Vec<wasmcade::interp::Value>, wasmcade::interp::Error>,
    u32,
) {
    use wasmcade::interp::CallOutcome;
    let mut pauses = 0;
    let mut outcome = func.call_resumable(store, args, 1);
    loop {
        match outcome {
            Ok(CallOutcome::OutOfFuel(paused)) => {
                pauses += 1;
                outcome = paused.resume(store, 1);
            }
            Ok(CallOutcome::Finished(values)) => return (Ok(values), pauses),
            Err(err) => return (Err(err), pauses),
        }
    }
}

/// Runs `stepper` to the end of its call, showing `before_each` every instruction's text
/// before it runs: the call's outcome.
pub fn step_to_end<T>(
    store: &mut wasmcade::interp::Store<T>,
    mut stepper: wasmcade::interp::Stepper,
    mut before_each: impl FnMut(String),
) -> Result<Vec<wasmcade::interp::Value>, wasmcade::interp::Error> {
    use wasmcade::interp::StepOutcome;
    loop {
        if let Some(next) = stepper.next_instruction() {
            before_each(next.text);
        }
        match stepper.step(store) {
            Ok(StepOutcome::Running) => {}
            Ok(StepOutcome::Finished(values)) => return Ok(values),
            Err(err) => return Err(err),
        }
    }
}

/// A call's outcome as the memory tests compare it: its results, or `trap` for an out of
/// bounds access (any other error fails the test).
pub fn shown(result: Result<Vec<wasmcade::interp::Value>, wasmcade::interp::Error>) -> String {
    match result {
        Ok(values) => format!("{values:?}"),
        Err(wasmcade::interp::Error::Trap(trap)) => {
            assert_eq!(trap.kind.to_string(), "out of bounds memory access");
            "trap".to_string()
        }
        Err(other) => panic!("{other}"),
    }
}

/// Runs each of `calls` (export, arguments, the outcome `shown` wants) in three stores
/// of one module: plainly, metered one op at a time, and stepped (showing `before_each`
/// every instruction's text); each must give the outcome wanted. Returns how many times
/// the metered calls paused.
pub fn run_plain_metered_and_stepped(
    [plain, metered, stepped]: [(&mut wasmcade::interp::Store<()>, wasmcade::interp::Instance); 3],
    calls: Vec<(&str, Vec<wasmcade::interp::Value>, &str)>,
    mut before_each: impl FnMut(String),
) -> u32 {
    let mut pauses = 0;
    for (name, args, want) in calls {
        let got = shown(plain.1.call(plain.0, name, &args));
        assert_eq!(got, want, "plain {name}{args:?}");

        let func = metered.1.get_func(metered.0, name).unwrap();
        let (result, paused) = call_one_op_at_a_time(metered.0, func, &args);
        pauses += paused;
        assert_eq!(shown(result), want, "metered {name}{args:?}");

        let func = stepped.1.get_func(stepped.0, name).unwrap();
        let stepper = wasmcade::interp::Stepper::new(stepped.0, func, &args).unwrap();
        let result = step_to_end(stepped.0, stepper, &mut before_each);
        assert_eq!(shown(result), want, "stepped {name}{args:?}");
    }
    pauses
}
