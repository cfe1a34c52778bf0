//! `wasmcade debug [GAME] [--invoke NAME ARGS... | the play options]`: the terminal
//! debugger (`debugger`), reading gdb-style commands from standard input so that a
//! session can be scripted (`wasmcade debug fib.wasm --invoke fib 10 < commands.txt`).
//! With `--invoke`, one call of an export (of a module without imports); otherwise the
//! game played headless (one frame unless `--frames` says more), every call into it
//! stepped, so that `break draw_player` stops at the game's next `draw_player`.

use std::io;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Args;

use super::debugger::Debugger;
use super::play::{self, PlayArgs};
use super::run::load_call;
use super::DEFAULT_FUEL;
use crate::interp::{run_watched, Limits, Linker, Store};

#[derive(Args)]
pub struct DebugArgs {
    /// Call this export of GAME (a module without imports) with these arguments
    /// (parsed by its parameter types), instead of playing the game.
    #[arg(long, num_args = 1.., value_name = "NAME ARGS", allow_negative_numbers = true)]
    invoke: Vec<String>,
    #[command(flatten)]
    play: PlayArgs,
}

pub fn run(args: DebugArgs) -> Result<ExitCode> {
    let debugger = Debugger::new(io::stdin().lock(), io::stdout());
    let Some((name, call_args)) = args.invoke.split_first() else {
        return play::run_debugged(args.play, Box::new(debugger));
    };
    let Some(file) = args.play.game() else {
        bail!("--invoke needs the module's file");
    };
    let (module, values) = load_call(file, name, call_args)?;
    let limits = Limits {
        fuel: Some(DEFAULT_FUEL),
        ..Limits::default()
    };
    let mut store = Store::with_limits((), limits);
    let instance = Linker::new().instantiate(&mut store, &module)?;
    let func = instance
        .get_func(&store, name)
        .context("the export is a function")?;
    let mut debugger = debugger;
    let results = run_watched(&mut store, func, &values, &mut debugger)?;
    let results: Vec<String> = results.iter().map(ToString::to_string).collect();
    println!("{name} returned [{}]", results.join(", "));
    Ok(ExitCode::SUCCESS)
}
