//! The host's work for a game is bounded, and real games stay far from the bounds: the
//! bundled games and the heaviest legitimate frames we could build
//! (`tests/games/heavy_*.wat`) are measured against the display list's ceiling and the
//! fuel budget (printed: `cargo test --release --test host_work -- --nocapture`), and
//! host work is charged as fuel at the documented rate.

mod common;

use wasmcade::app::keys::{key_by_name, Input};
use wasmcade::app::session::{Session, SessionConfig};
use wasmcade::bundled;
use wasmcade::cli::DEFAULT_FUEL;
use wasmcade::host::display_list::{DrawCall, MAX_BYTES, MAX_COMMANDS};
use wasmcade::host::work::FUEL_PER_WORK_UNIT;
use wasmcade::interp::{Limits, Module};

/// The most a frame of each workload took.
#[derive(Debug, Default)]
struct Peak {
    commands: usize,
    bytes: usize,
    /// Instructions plus charged host work, in `update` and `draw`.
    fuel: u64,
}

fn session(module: Module) -> Session {
    let config = SessionConfig {
        field: (1024.0, 600.0),
        limits: Limits {
            fuel: Some(DEFAULT_FUEL),
            ..Limits::default()
        },
        abi: None,
        seed: 1,
        file: None,
    };
    Session::start(module, config).unwrap()
}

/// Plays `frames` frames with `keys(frame)` held, and returns the peaks.
fn measure(module: Module, frames: u64, keys: impl Fn(u64) -> &'static [&'static str]) -> Peak {
    let mut session = session(module);
    let mut peak = Peak::default();
    for frame in 0..frames {
        let mut held = Input::default();
        for name in keys(frame) {
            held.keys.set(key_by_name(name).unwrap(), true);
        }
        session.apply_input(&held).unwrap();
        let calls = session.step(1.0 / 60.0).unwrap();
        peak.commands = peak.commands.max(calls.len());
        peak.bytes = peak.bytes.max(calls.iter().map(DrawCall::bytes).sum());
        peak.fuel = peak.fuel.max(session.last_frame().instructions);
    }
    peak
}

fn bundled(name: &str) -> Module {
    Module::new(bundled::by_name(name).unwrap().wasm).unwrap()
}

fn heavy(name: &str) -> Module {
    let text = std::fs::read_to_string(common::repo_path(&format!("tests/games/{name}.wat")));
    Module::new(&wat::parse_str(text.unwrap()).unwrap()).unwrap()
}

/// Prints the peaks against the limits and checks each stays `margin` times below.
fn check(workload: &str, peak: Peak, margin: usize) {
    let ratios = [
        MAX_COMMANDS / peak.commands.max(1),
        MAX_BYTES / peak.bytes.max(1),
        (DEFAULT_FUEL / peak.fuel.max(1)) as usize,
    ];
    println!(
        "{workload}: at most {} draw commands ({}x below the ceiling), {} bytes of display list ({}x below), {} fuel in update and draw together ({}x below one call's budget)",
        peak.commands, ratios[0], peak.bytes, ratios[1], peak.fuel, ratios[2]
    );
    assert!(
        ratios.iter().all(|&ratio| ratio >= margin),
        "{workload} comes within {margin}x of a limit: {peak:?}"
    );
}

#[test]
fn the_bundled_games_stay_a_hundred_times_below_every_limit() {
    // Rocket: shooting all the time (the most bullets), turning and boosting in turn.
    let rocket = measure(bundled("rocket"), 3600, |frame| match frame % 600 {
        0..=199 => &["space", "left"],
        200..=399 => &["space", "up"],
        _ => &["space", "right"],
    });
    check("rocket", rocket, 100);
    // Breakout: launching, and the paddle sweeping across the field.
    let breakout = measure(bundled("breakout"), 3600, |frame| match frame % 240 {
        0..=119 => &["space", "left"],
        _ => &["space", "right"],
    });
    check("breakout", breakout, 100);
}

#[test]
fn the_heaviest_legitimate_frames_stay_well_below_every_limit() {
    check(
        "heavy canvas",
        measure(heavy("heavy_canvas"), 60, |_| &[]),
        5,
    );
    check(
        "heavy rocket",
        measure(heavy("heavy_rocket"), 60, |_| &[]),
        5,
    );
}

/// A canvas game whose `draw` draws one polygon of `points` points and one text of
/// `bytes` bytes.
fn one_polygon_and_text(points: u32, bytes: u32) -> Module {
    let wat = format!(
        r#"(module
          (import "env" "fill_polygon" (func $poly (param i32 i32)))
          (import "env" "text" (func $text (param i32 i32 f32 f32 f32)))
          (memory (export "memory") 1)
          (func (export "update") (param f32))
          (func (export "draw")
            (call $poly (i32.const 0) (i32.const {points}))
            (call $text (i32.const 0) (i32.const {bytes}) (f32.const 0) (f32.const 0) (f32.const 8))))"#
    );
    Module::new(&wat::parse_str(wat).unwrap()).unwrap()
}

#[test]
fn host_work_is_charged_as_fuel_at_the_documented_rate() {
    let fuel = |points, bytes| {
        let mut session = session(one_polygon_and_text(points, bytes));
        session.step(0.0).unwrap();
        session.last_frame().instructions
    };
    let base = fuel(1, 1);
    assert_eq!(fuel(1001, 1) - base, 1000 * FUEL_PER_WORK_UNIT, "per point");
    assert_eq!(
        fuel(1, 4001) - base,
        4000 * FUEL_PER_WORK_UNIT,
        "per byte of text"
    );
}
