//! `wasmcade debug FILE --invoke NAME [ARGS...]`: call one export under the terminal
//! debugger (`debugger`), which reads gdb-style commands from standard input, so that a
//! session can be scripted (`wasmcade debug fib.wasm --invoke fib 10 < commands.txt`).

use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

use super::debugger::Debugger;
use super::run::load_call;
use super::DEFAULT_FUEL;
use crate::interp::{run_watched, Limits, Linker, Store};

#[derive(Args)]
pub struct DebugArgs {
    /// The module to load.
    file: PathBuf,
    /// The exported function to call.
    #[arg(long)]
    invoke: String,
    /// Arguments, parsed by the export's parameter types (i32, i64, f32, f64).
    #[arg(allow_negative_numbers = true)]
    args: Vec<String>,
    /// Instruction budget for the call (and for the module's start function).
    #[arg(long, default_value_t = DEFAULT_FUEL)]
    fuel: u64,
}

pub fn run(args: DebugArgs) -> Result<ExitCode> {
    let (module, values) = load_call(&args.file, &args.invoke, &args.args)?;
    let limits = Limits {
        fuel: Some(args.fuel),
        ..Limits::default()
    };
    let mut store = Store::with_limits((), limits);
    let instance = Linker::new().instantiate(&mut store, &module)?;
    let func = instance
        .get_func(&store, &args.invoke)
        .context("the export is a function")?;
    let mut debugger = Debugger::new(io::stdin().lock(), io::stdout());
    let results = run_watched(&mut store, func, &values, &mut debugger)?;
    let results: Vec<String> = results.iter().map(ToString::to_string).collect();
    println!("{} returned [{}]", args.invoke, results.join(", "));
    Ok(ExitCode::SUCCESS)
}
