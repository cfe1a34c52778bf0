//! `wasmcade play [GAME]`: play a game in a window, or headless (`--headless`) for tests,
//! CI and machines without a display. With no GAME, plays the bundled rocket game.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Args;

use super::source::read_module_bytes;
use super::trace::TraceArgs;
use super::DEFAULT_FUEL;
use crate::app::capture::Look;
use crate::app::headless::{self, HeadlessOptions};
use crate::app::savestate::{SavedSession, Slots};
use crate::app::script::{parse_size, Script};
use crate::app::session::{Session, SessionConfig};
use crate::app::theme::{self, Theme};
use crate::app::window::{self, WindowOptions};
use crate::bundled;
use crate::host::{canvas, wasm4, Abi};
use crate::interp::{Limits, Module, Watcher};

/// Frames a headless run plays unless told otherwise (10 s at 60 Hz).
const DEFAULT_HEADLESS_FRAMES: u64 = 600;

#[derive(Args)]
pub struct PlayArgs {
    /// The game: a .wasm (or .wat text) file, or the name of a bundled game (see
    /// `wasmcade list`); default: the bundled rocket game.
    game: Option<PathBuf>,
    /// Run without a window: print `frames=N draw_calls=N score=S` at the end.
    #[arg(long)]
    headless: bool,
    /// Frames to run (headless default: 600, or as many as the script has dt lines; a
    /// loaded state's frames count); in a window, quit after them.
    #[arg(long)]
    frames: Option<u64>,
    /// A fixed timestep in seconds (headless default: 1/60; window default: the frame
    /// clock, clamped to 0.1 s).
    #[arg(long, value_parser = parse_dt)]
    dt: Option<f64>,
    /// Scripted keys instead of the keyboard, one `FRAME KEY down|up` per line (keys:
    /// space, enter, arrows, letters, digits...; controller buttons as `padN BUTTON`, N
    /// 1-4); `#` starts a comment.
    #[arg(long, value_name = "FILE", conflicts_with = "replay")]
    input: Option<PathBuf>,
    /// Write every draw call as a JSON line to this file.
    #[arg(long, value_name = "FILE", requires = "headless")]
    dump_draws: Option<PathBuf>,
    /// Save the last frame as a PNG: the window's (with --frames), or drawn in software
    /// with --headless (a WASM-4 cart's 160x160 screen, a vector game's field).
    #[arg(long, value_name = "FILE")]
    screenshot: Option<PathBuf>,
    /// Save the frames played as an animated GIF (at most 50 frames a second; needs
    /// --frames in a window), drawn in software as --headless screenshots are.
    #[arg(long, value_name = "FILE")]
    gif: Option<PathBuf>,
    /// Start from a save state (made with F5 or --save-state) instead of frame 0.
    #[arg(long, value_name = "FILE")]
    load_state: Option<PathBuf>,
    /// Save the game's state after the last frame (headless).
    #[arg(long, value_name = "FILE", requires = "headless")]
    save_state: Option<PathBuf>,
    /// Save the session (every frame's dt and every key and controller button change) to
    /// FILE.
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
    /// Play a recording made with --record: its field size, dts and keys, bit for bit.
    #[arg(long, value_name = "FILE")]
    replay: Option<PathBuf>,
    /// Reload the game whenever its file changes (a failing new version leaves the old
    /// one running).
    #[arg(long, requires = "game", conflicts_with = "headless")]
    watch: bool,
    /// How draw calls look: classic (the original browser host) or pygame (the talk's).
    #[arg(long, default_value = "classic", value_parser = parse_theme)]
    theme: Theme,
    /// Start with the HUD (F1) shown.
    #[arg(long, conflicts_with = "headless")]
    hud: bool,
    /// The game's contract: rocket, canvas or wasm4 (default: chosen from its imports).
    #[arg(long, value_parser = Abi::by_name)]
    abi: Option<Abi>,
    /// Seeds the canvas contract's `random` (the same seed plays the same game).
    #[arg(long, default_value_t = canvas::DEFAULT_SEED)]
    seed: u64,
    /// The logical play field passed to the game's `resize` or `init`, in game units
    /// (WASM-4 carts always have 160x160).
    #[arg(long, default_value = "1024x600", value_parser = parse_size)]
    size: (f64, f64),
    /// Fuel for each call into the game: one unit per wasm instruction, plus the host's
    /// work for it (16 per call of an import, 1 per draw command, point, pixel or byte)
    /// [default: 100000000; 2000000000 for a WASM-4 cart, whose long updates run in
    /// slices between frames]
    #[arg(long)]
    fuel: Option<u64>,
    /// Largest linear memory the game may have, in 64 KiB pages.
    #[arg(long, default_value_t = Limits::DEFAULT_MAX_MEMORY_PAGES)]
    max_memory_pages: u32,
    #[command(flatten)]
    trace: TraceArgs,
}

impl Default for PlayArgs {
    /// `wasmcade` with no arguments: the bundled game in a window.
    fn default() -> Self {
        use clap::Parser;
        #[derive(Parser)]
        struct Defaults {
            #[command(flatten)]
            play: PlayArgs,
        }
        Defaults::parse_from(["wasmcade"]).play
    }
}

pub fn run(args: PlayArgs) -> Result<ExitCode> {
    run_with(args, None)
}

/// `run` headless (one frame unless told otherwise), every call into the game stepped
/// under `watcher` (`wasmcade debug`'s debugger).
pub(super) fn run_debugged(mut args: PlayArgs, watcher: Box<dyn Watcher>) -> Result<ExitCode> {
    args.headless = true;
    args.frames.get_or_insert(1);
    run_with(args, Some(watcher))
}

impl PlayArgs {
    /// The game named on the command line, if any.
    pub(super) fn game(&self) -> Option<&std::path::Path> {
        self.game.as_deref()
    }
}

/// The frames a headless run plays: as asked, or as many as the script has, or 600.
fn headless_frames(asked: Option<u64>, script: Option<&Script>) -> u64 {
    asked.unwrap_or(match script.map_or(0, Script::recorded_frames) {
        0 => DEFAULT_HEADLESS_FRAMES,
        recorded => recorded,
    })
}

/// `run`, with `watcher` (if any) in place of the trace's.
fn run_with(args: PlayArgs, watcher: Option<Box<dyn Watcher>>) -> Result<ExitCode> {
    let (module, game_name) = load_game(args.game.as_deref())?;
    let script = match (&args.input, &args.replay) {
        (Some(path), _) | (None, Some(path)) => Some(read_script(path)?),
        (None, None) => None,
    };
    let abi = args.abi.unwrap_or_else(|| Abi::detect(&module));
    let default_fuel = match abi {
        Abi::Wasm4 => wasm4::DEFAULT_FUEL,
        Abi::Rocket | Abi::Canvas => DEFAULT_FUEL,
    };
    let config = SessionConfig {
        field: script.as_ref().and_then(|s| s.size).unwrap_or(args.size),
        limits: Limits {
            fuel: Some(args.fuel.unwrap_or(default_fuel)),
            max_memory_pages: args.max_memory_pages,
            ..Limits::default()
        },
        abi: args.abi,
        seed: args.seed,
        file: args.game.clone().filter(|path| path.exists()),
    };
    let game_file = config.file.clone();
    let mut session =
        Session::start(module, config).with_context(|| format!("cannot start {game_name}"))?;
    session.set_observer(args.trace.observer()?);
    // The frames a profile's per-frame counts divide by: a window's are not known.
    let profiled_frames = match args.headless {
        true => headless_frames(args.frames, script.as_ref()),
        false => args.frames.unwrap_or(1),
    };
    session.set_watcher(match watcher {
        Some(watcher) => Some(watcher),
        None => args.trace.watcher(profiled_frames)?,
    });
    let slots = Slots::new(game_file.as_deref(), &game_name, session.module().sha256());
    if let Some(path) = &args.load_state {
        let saved = SavedSession::read(path, slots.module_sha256())?;
        session
            .load_state(&saved)
            .with_context(|| format!("cannot load {}", path.display()))?;
    }
    let look = Look {
        theme: args.theme,
        field: session.config().field,
    };
    if args.headless {
        let frames = headless_frames(args.frames, script.as_ref());
        let script = script.unwrap_or_default();
        let options = HeadlessOptions {
            frames,
            dt: args.dt.unwrap_or(1.0 / 60.0),
            script,
            dump_draws: args.dump_draws,
            record: args.record,
            look,
            screenshot: args.screenshot,
            gif: args.gif,
            save_state: args.save_state,
        };
        let summary = headless::run(&mut session, &options)?;
        println!("{summary}");
    } else {
        if args.frames.is_none() && (args.screenshot.is_some() || args.gif.is_some()) {
            bail!("--screenshot and --gif in a window need --frames N (or use --headless)");
        }
        let title = format!("wasmcade: {game_name}");
        let watch = match (&args.game, args.watch) {
            (Some(path), true) => Some((path.clone(), Box::new(load_module) as window::Loader)),
            _ => None,
        };
        let options = WindowOptions {
            title,
            game_name,
            dt: args.dt,
            frames: args.frames,
            screenshot: args.screenshot,
            theme: args.theme,
            record: args.record,
            script,
            watch,
            hud: args.hud,
            slots,
            gif: args.gif,
        };
        window::run(session, options)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The game to play and its name: a file, else a bundled game of that name.
fn load_game(game: Option<&Path>) -> Result<(Module, String)> {
    let bundled = match game {
        None => bundled::default_game(),
        Some(path) if path.exists() => return Ok((load_module(path)?, path.display().to_string())),
        Some(path) => match path.to_str().and_then(bundled::by_name) {
            Some(game) => game,
            None => bail!(
                "{} is neither a file nor a bundled game (bundled: {})",
                path.display(),
                bundled::GAMES.map(|game| game.name).join(", ")
            ),
        },
    };
    let module = Module::new(bundled.wasm)
        .with_context(|| format!("the bundled {} game does not load", bundled.name))?;
    Ok((module, bundled.name.to_string()))
}

fn load_module(path: &Path) -> Result<Module> {
    let bytes = read_module_bytes(path)?;
    Module::new(&bytes).with_context(|| format!("{} is not a valid module", path.display()))
}

fn read_script(path: &Path) -> Result<Script> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Script::parse(&text).with_context(|| format!("in {}", path.display()))
}

fn parse_dt(text: &str) -> Result<f64> {
    match text.parse::<f64>() {
        Ok(dt) if (0.0..=1.0).contains(&dt) => Ok(dt),
        _ => bail!("expected seconds between 0 and 1, e.g. 0.016"),
    }
}

fn parse_theme(name: &str) -> Result<Theme> {
    theme::by_name(name).with_context(|| format!("no theme `{name}` (themes: {})", theme::names()))
}
