//! The canvas contract (`docs/canvas-abi.md`) through `wasmcade play --headless`: every
//! import's draw call, key codes, the seeded random number, logging, the contract's
//! detection and its errors.

mod common;

use common::{module_in, repo_path, temp_dir, text, wasmcade, wasmcade_command};

fn shapes() -> String {
    repo_path("tests/games/shapes.wat")
}

/// Runs `play --headless ARGS --dump-draws` and returns (exit code, stderr, dump lines).
fn play_dumped(test: &str, args: &[&str]) -> (i32, String, Vec<String>) {
    let dir = temp_dir(test);
    let dump = dir.join("draws.jsonl");
    let mut all = vec!["play", "--headless", "--dump-draws", dump.to_str().unwrap()];
    all.extend(args);
    let out = wasmcade(&all);
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let lines = std::fs::read_to_string(&dump)
        .unwrap_or_default()
        .lines()
        .map(String::from)
        .collect();
    (out.status.code().expect("no signal"), stderr, lines)
}

#[test]
fn every_import_draws_in_the_colour_set_before_it() {
    let (code, stderr, lines) = play_dumped("canvas-shapes", &[&shapes(), "--frames", "1"]);
    assert_eq!(code, 0, "{stderr}");
    let expected = [
        r#"{"frame":0,"call":"clear","args":[269492479.0]}"#,
        r#"{"frame":0,"call":"fill_rect","args":[10.0,10.0,100.0,50.0,4278190335.0]}"#,
        r#"{"frame":0,"call":"stroke_rect","args":[150.0,10.0,100.0,50.0,3.0,16711935.0]}"#,
        r#"{"frame":0,"call":"fill_circle","args":[400.0,300.0,40.0,65535.0]}"#,
        r#"{"frame":0,"call":"stroke_circle","args":[500.0,300.0,40.0,4.0,65535.0]}"#,
        r#"{"frame":0,"call":"line","args":[0.0,599.0,1023.0,0.0,2.0,4294902015.0]}"#,
        r#"{"frame":0,"call":"fill_polygon","args":[100.0,100.0,200.0,100.0,300.0,200.0,4294902015.0]}"#,
        r#"{"frame":0,"call":"stroke_polygon","args":[100.0,100.0,200.0,100.0,300.0,200.0,2.0,4294902015.0]}"#,
        r#"{"frame":0,"call":"text","args":["hello canvas",10.0,500.0,24.0,4294967295.0]}"#,
    ];
    assert_eq!(&lines[..expected.len()], expected);
    // atan2(1, 1) = π/4, drawn as a radius of 10·π/4.
    assert!(
        lines[11].contains(&format!(
            "{:?}",
            (std::f64::consts::FRAC_PI_4 * 10.0) as f32 as f64
        )),
        "{}",
        lines[11]
    );
}

#[test]
fn key_codes_reach_key_down_and_key_up() {
    let dir = temp_dir("canvas-keys");
    let keys = dir.join("keys.txt");
    std::fs::write(&keys, "0 x down\n1 x up\n2 left down\n").unwrap();
    let (code, stderr, lines) = play_dumped(
        "canvas-keys-run",
        &[
            &shapes(),
            "--frames",
            "3",
            "--input",
            keys.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let widths: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains(r#""args":[700.0,10.0,"#))
        .collect();
    assert!(
        widths[0].contains("700.0,10.0,88.0,"),
        "x is 88: {}",
        widths[0]
    );
    assert!(
        widths[1].contains("700.0,10.0,-88.0,"),
        "then up: {}",
        widths[1]
    );
    assert!(
        widths[2].contains("700.0,10.0,37.0,"),
        "left is 37: {}",
        widths[2]
    );
}

#[test]
fn random_numbers_follow_the_seed() {
    let radius = |seed: &str| {
        let (code, stderr, lines) = play_dumped(
            &format!("canvas-seed-{seed}"),
            &[&shapes(), "--frames", "2", "--seed", seed],
        );
        assert_eq!(code, 0, "{stderr}");
        lines
            .into_iter()
            .filter(|l| l.contains(r#""args":[900.0,100.0"#))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        radius("7"),
        radius("7"),
        "the same seed plays the same game"
    );
    assert_ne!(radius("7"), radius("8"));
}

#[test]
fn the_game_logs_through_the_host() {
    let out = wasmcade_command(&["play", "--headless", "--frames", "1", &shapes()])
        .env("RUST_LOG", "wasmcade=info")
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("info: game: hello canvas"), "{stderr}");
    assert!(
        stderr.contains("info: running the module with the canvas contract"),
        "{stderr}"
    );
}

#[test]
fn memory_outside_the_game_is_a_clear_error() {
    let dir = temp_dir("canvas-bad");
    let game = module_in(
        &dir,
        "bad",
        r#"(module
          (import "env" "fill_polygon" (func $poly (param i32 i32)))
          (import "env" "text" (func $text (param i32 i32 f32 f32 f32)))
          (memory (export "memory") 1)
          (global $frame (mut i32) (i32.const 0))
          (func (export "update") (param f32) (global.set $frame (i32.add (global.get $frame) (i32.const 1))))
          (func (export "draw")
            (if (i32.eq (global.get $frame) (i32.const 1)) (then (call $poly (i32.const 65530) (i32.const 3))))
            (call $text (i32.const 0) (i32.const 100000) (f32.const 0) (f32.const 0) (f32.const 8))))"#,
    );
    let (code, stderr, _) =
        play_dumped("canvas-bad-run", &[game.to_str().unwrap(), "--frames", "1"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("error: frame 0: trap in draw: host function failed: fill_polygon: 24 bytes at 0xfffa lie outside the game's memory (65536 bytes)"), "{stderr}");
    assert!(stderr.contains("wasm backtrace:"), "{stderr}");
}

#[test]
fn the_contract_can_be_forced_and_is_then_checked() {
    let (code, stderr, _) = play_dumped(
        "canvas-forced",
        &[&shapes(), "--frames", "1", "--abi", "rocket"],
    );
    assert_eq!(code, 1);
    assert!(
        stderr.contains("does not fit the rocket contract"),
        "{stderr}"
    );
    assert!(stderr.contains("import env.fill_rect"), "{stderr}");
    let (code, stderr, _) = play_dumped("canvas-unknown", &[&shapes(), "--abi", "nes"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no contract named `nes` (contracts: rocket, canvas, wasm4)"),
        "{stderr}"
    );
}

#[test]
fn the_bundled_breakout_plays_and_scores() {
    let dir = temp_dir("breakout");
    let keys = dir.join("keys.txt");
    std::fs::write(&keys, "0 space down\n1 space up\n").unwrap();
    let (code, stderr, lines) = play_dumped(
        "breakout-run",
        &[
            "breakout",
            "--frames",
            "600",
            "--input",
            keys.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let status = lines
        .iter()
        .rev()
        .find(|l| l.contains(r#""args":["SCORE "#))
        .expect("a status line");
    assert!(
        !status.contains(r#""SCORE 0 "#),
        "a brick was hit in 10 s: {status}"
    );
}
