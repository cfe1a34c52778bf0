//! The `wasmcade` command line: one module per subcommand.

mod inspect;
mod run;
mod source;
mod wast;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// A native desktop host for WebAssembly games, with its own WebAssembly interpreter.
#[derive(Parser)]
#[command(name = "wasmcade", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Call an exported function of a module and print its results.
    Run(run::RunArgs),
    /// Run WebAssembly spec scripts (.wast) and report passed/failed assertions.
    Wast(wast::WastArgs),
    /// Show a module's imports, exports, types, sections and functions.
    Inspect(inspect::InspectArgs),
}

/// Parses the command line, runs the command, and turns any error into `error: ...`
/// on stderr with exit code 1.
pub fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Run(args)) => run::run(args),
        Some(Command::Wast(args)) => wast::run(args),
        Some(Command::Inspect(args)) => inspect::run(args),
        None => {
            eprintln!("error: no command given; see `wasmcade --help`");
            return ExitCode::FAILURE;
        }
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
