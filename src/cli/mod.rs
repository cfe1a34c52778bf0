//! The `wasmcade` command line: one module per subcommand.

mod debug;
mod debugger;
mod inspect;
mod play;
mod profile;
mod run;
mod source;
mod trace;
mod wast;

/// Instructions (and units of host work) one call into a module may run before it is
/// stopped, unless `--fuel` says otherwise: a third of a second of interpretation on an
/// idle machine, far more than any sane frame needs. `play` gives it to each call of the
/// game's exports, `run` to the call and to the module's start function.
pub const DEFAULT_FUEL: u64 = 100_000_000;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// A native desktop host for WebAssembly games, with its own WebAssembly interpreter.
#[derive(Parser)]
#[command(
    name = "wasmcade",
    version,
    about,
    after_help = "With no command, plays the bundled rocket game in a window.\n\n\
        Keys: Space shoot · Up/W boost · Left/A, Right/D turn · R restart · Esc quit\n\
        F5 save state · F9 load it (WASM-4: 2, 4) · F6/F7 slot · F10 GIF of the last 4 s · \
        F12 screenshot · H all keys and the controller mapping"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Play a game in a window (or --headless); with no game, the bundled rocket.
    Play(Box<play::PlayArgs>),
    /// List the games built into wasmcade.
    List,
    /// Call an exported function of a module and print its results.
    Run(run::RunArgs),
    /// Debug a game (headless) or one call of an export (--invoke NAME ARGS): gdb-style
    /// commands from stdin (break, run, continue, step, next, finish, bt, stack, locals,
    /// x, disassemble, quit).
    Debug(Box<debug::DebugArgs>),
    /// Run WebAssembly spec scripts (.wast) and report passed/failed assertions.
    Wast(wast::WastArgs),
    /// Show a module's imports, exports, types, sections and functions.
    Inspect(inspect::InspectArgs),
}

/// Parses the command line, runs the command, and turns any error into `error: ...`
/// on stderr with exit code 1.
pub fn main() -> ExitCode {
    init_logging();
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Play(args)) => play::run(*args),
        None => play::run(play::PlayArgs::default()),
        Some(Command::List) => {
            for game in &crate::bundled::GAMES {
                println!("{:<10} {}", game.name, game.about);
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Run(args)) => run::run(args),
        Some(Command::Debug(args)) => debug::run(*args),
        Some(Command::Wast(args)) => wast::run(args),
        Some(Command::Inspect(args)) => inspect::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            print_backtrace(&err);
            ExitCode::FAILURE
        }
    }
}

/// `RUST_LOG` picks what is logged (default: warnings and errors), as `warning: ...`.
fn init_logging() {
    use std::io::Write;
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn"))
        .format(|buf, record| {
            let level = match record.level() {
                log::Level::Error => "error",
                log::Level::Warn => "warning",
                log::Level::Info => "info",
                log::Level::Debug => "debug",
                log::Level::Trace => "trace",
            };
            writeln!(buf, "{level}: {}", record.args())
        })
        .init();
}

/// Prints the wasm backtrace of a trap, if the error carries one.
fn print_backtrace(err: &anyhow::Error) {
    let backtrace = err.chain().find_map(|e| {
        if let Some(game_error) = e.downcast_ref::<crate::host::GameError>() {
            return Some(game_error.backtrace());
        }
        let trap = e.downcast_ref::<crate::interp::Error>()?.as_trap()?;
        Some(trap.backtrace.as_slice())
    });
    if let Some(frames) = backtrace.filter(|frames| !frames.is_empty()) {
        eprintln!("wasm backtrace:");
        for line in crate::interp::backtrace_lines(frames) {
            eprintln!("{line}");
        }
    }
}
