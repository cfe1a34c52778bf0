//! `wasmcade play --headless` as a user runs it: the summary line, scripted keys, the
//! draw dump, contract checks, and games that trap or never return.

mod common;

use common::{module_in, repo_path, temp_dir, text, wasmcade, wasmcade_command};

fn orbit() -> String {
    repo_path("tests/games/orbit.wat")
}

/// A rocket-contract game whose `update` body is `update`.
fn game_with_update(update: &str) -> String {
    format!(
        r#"(module
          (import "env" "clear_screen" (func $clear))
          (func $helper (param i32) (result i32) {update})
          (func (export "update") (param f64) (drop (call $helper (i32.const 0))))
          (func (export "draw") (call $clear)))"#
    )
}

/// Runs `play --headless` and returns (exit code, stdout, stderr); never a signal.
fn play(args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["play"];
    all.extend(args);
    all.push("--headless");
    let out = wasmcade(&all);
    let code = out.status.code().expect("killed by a signal");
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (code, text(&out.stdout), stderr)
}

/// The one `error:` line of a failed run.
fn error_line(stderr: &str) -> &str {
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "expected one error line:\n{stderr}");
    errors[0]
}

#[test]
fn the_summary_counts_frames_draw_calls_and_the_last_score() {
    let dir = temp_dir("summary");
    let script = dir.join("keys.txt");
    // Space held for frames 10..50: the orbit game scores 1 per frame while shooting.
    std::fs::write(
        &script,
        "# shoot a while\n10 space down\n20 left down\n40 left up\n50 space up\n",
    )
    .unwrap();
    let (code, stdout, stderr) = play(&[
        &orbit(),
        "--frames",
        "100",
        "--input",
        script.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout.lines().last(),
        Some("frames=100 draw_calls=500 score=40")
    );
    // Missing optional exports are warnings, not failures.
    assert!(
        stderr.contains("warning: the module has no export `toggle_boost`"),
        "{stderr}"
    );
}

#[test]
fn the_bundled_game_plays_when_no_game_is_named() {
    let (code, stdout, stderr) = play(&["--frames", "120"]);
    assert_eq!(code, 0, "{stderr}");
    let last = stdout.lines().last().unwrap();
    assert!(last.starts_with("frames=120 draw_calls="), "{last}");
    assert!(
        !last.ends_with("score=-"),
        "the bundled game draws a score: {last}"
    );
}

#[test]
fn the_draw_dump_has_one_json_line_per_call() {
    let dir = temp_dir("dump");
    let dump = dir.join("draws.jsonl");
    let (code, stdout, stderr) = play(&[
        &orbit(),
        "--frames",
        "3",
        "--dt",
        "0.5",
        "--dump-draws",
        dump.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.trim(), "frames=3 draw_calls=15 score=0");
    let lines: Vec<String> = std::fs::read_to_string(&dump)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(lines.len(), 15);
    assert_eq!(lines[0], r#"{"frame":0,"call":"clear_screen","args":[]}"#);
    // After 0.5 s the particle's radius is 5 * (1 - 0.5).
    assert_eq!(
        lines[1],
        r#"{"frame":0,"call":"draw_particle","args":[512.0,300.0,2.5]}"#
    );
    assert_eq!(lines[14], r#"{"frame":2,"call":"draw_score","args":[0.0]}"#);
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "a temporary file was left behind"
    );
}

#[test]
fn a_trap_in_update_is_one_error_line_with_a_backtrace() {
    let dir = temp_dir("trap");
    let game = module_in(
        &dir,
        "trap",
        &game_with_update("(i32.div_s (i32.const 1) (local.get 0))"),
    );
    let (code, _, stderr) = play(&[game.to_str().unwrap(), "--frames", "10"]);
    assert_eq!(code, 1);
    let line = error_line(&stderr);
    assert!(
        line.contains(
            "frame 0: trap in update: integer divide by zero in helper (func 1) at offset"
        ),
        "{line}"
    );
    assert!(
        stderr.contains("wasm backtrace:\n  0: helper (func 1) at offset"),
        "{stderr}"
    );
    assert!(stderr.contains("  1: update (func 2)"), "{stderr}");
}

#[test]
fn a_game_that_never_returns_runs_out_of_fuel() {
    let dir = temp_dir("loop");
    let game = module_in(
        &dir,
        "loop",
        &game_with_update("(loop $forever (br $forever)) (i32.const 0)"),
    );
    let (code, _, stderr) = play(&[game.to_str().unwrap(), "--fuel", "100000"]);
    assert_eq!(code, 1);
    let line = error_line(&stderr);
    assert!(
        line.contains("out of fuel in update (budget 100000: instructions and host work)"),
        "{line}"
    );
}

#[test]
fn a_game_that_recurses_forever_exhausts_the_call_stack() {
    let dir = temp_dir("recurse");
    let game = module_in(
        &dir,
        "recurse",
        &game_with_update("(call $helper (local.get 0))"),
    );
    let (code, _, stderr) = play(&[game.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        error_line(&stderr).contains("trap in update: call stack exhausted"),
        "{stderr}"
    );
}

#[test]
fn contract_problems_are_all_named_with_what_the_host_provides() {
    let dir = temp_dir("contract");
    let game = module_in(
        &dir,
        "misfit",
        r#"(module
          (import "env" "draw_enemy" (func (param f32 f32)))
          (import "env" "play_sound" (func (param i32)))
          (func (export "update") (param i32)))"#,
    );
    let (code, _, stderr) = play(&[game.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        error_line(&stderr).contains("does not fit the rocket contract (4 problems)"),
        "{stderr}"
    );
    for needle in [
        "import env.draw_enemy is declared as (func (param f32 f32)), but the host provides (func (param f64 f64))",
        "import env.play_sound (func (param i32)) is not provided by the rocket host, which provides: env.clear_screen,",
        "export `update` is (func (param i32)), but the rocket contract calls it as (func (param f64))",
        "required export `draw` (func) is missing",
    ] {
        assert!(stderr.contains(needle), "missing `{needle}` in:\n{stderr}");
    }
}

#[test]
fn bad_input_scripts_and_options_are_clear_errors() {
    let dir = temp_dir("badinput");
    let script = dir.join("keys.txt");
    std::fs::write(&script, "1 space down\n2 jump down\n").unwrap();
    let (code, _, stderr) = play(&[&orbit(), "--input", script.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        error_line(&stderr).contains("line 2: `2 jump down`: unknown key `jump`"),
        "{stderr}"
    );

    let (code, _, stderr) = play(&[&orbit(), "--size", "0x600"]);
    assert_eq!(code, 2, "clap rejects bad options with its usage code");
    assert!(stderr.contains("WIDTHxHEIGHT"), "{stderr}");
}

#[test]
fn without_a_display_the_window_points_at_headless() {
    let out = wasmcade_command(&["play", &orbit()])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(error_line(&stderr).contains("use `--headless`"), "{stderr}");

    // Set but empty, or naming a display that is not there: the same, not a panic.
    for display in ["", ":987"] {
        let out = wasmcade_command(&["play", &orbit()])
            .env("DISPLAY", display)
            .env_remove("WAYLAND_DISPLAY")
            .output()
            .unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(error_line(&stderr).contains("use `--headless`"), "{stderr}");
    }
}

#[test]
fn a_recording_replays_bit_for_bit() {
    let dir = temp_dir("replay");
    let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
    std::fs::write(
        path("keys.txt"),
        "5 space down\n9 right down\n30 right up\n44 space up\n",
    )
    .unwrap();
    // Record a run with uneven time steps (a script with dt lines, like a window's).
    let mut script = String::from("size 640x480\n");
    for frame in 0..60 {
        script.push_str(&format!("{frame} dt {}\n", 0.01 + frame as f64 * 0.0003));
    }
    script.push_str("5 space down\n9 right down\n30 right up\n44 space up\n");
    std::fs::write(path("input.txt"), &script).unwrap();
    let (code, first, stderr) = play(&[
        &orbit(),
        "--input",
        &path("input.txt"),
        "--record",
        &path("rec.txt"),
        "--dump-draws",
        &path("original.jsonl"),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(first.starts_with("frames=60 "), "{first}");

    let mut summaries = Vec::new();
    for run in ["replay1.jsonl", "replay2.jsonl"] {
        let (code, stdout, stderr) = play(&[
            &orbit(),
            "--replay",
            &path("rec.txt"),
            "--dump-draws",
            &path(run),
        ]);
        assert_eq!(code, 0, "{stderr}");
        summaries.push(stdout);
    }
    assert_eq!(
        summaries,
        [first.clone(), first],
        "replays run the recording's 60 frames"
    );
    let original = std::fs::read_to_string(path("original.jsonl")).unwrap();
    assert!(
        original.contains(r#""args":[320.0,240.0"#),
        "the recording's field size is used"
    );
    for run in ["replay1.jsonl", "replay2.jsonl"] {
        assert_eq!(
            std::fs::read_to_string(path(run)).unwrap(),
            original,
            "{run} differs"
        );
    }
}

#[test]
fn the_trace_shows_instructions_of_the_filtered_function_up_to_the_limit() {
    let dir = temp_dir("trace");
    for (flag, operands) in [("--trace", " ; ["), ("--trace-internal", " ; s")] {
        let (code, _, stderr) = play(&[
            &orbit(),
            "--frames",
            "2",
            flag,
            "--trace-filter",
            "draw",
            "--trace-limit",
            "6",
        ]);
        assert_eq!(code, 0, "{stderr}");
        let lines: Vec<&str> = stderr
            .lines()
            .filter(|l| !l.starts_with("warning:"))
            .collect();
        assert_eq!(lines.len(), 7, "{flag}: {stderr}");
        assert!(
            lines[..6]
                .iter()
                .all(|l| l.trim_start().starts_with("draw @0x")),
            "{flag}: {stderr}"
        );
        assert!(
            lines[0].contains(operands),
            "{flag}: operands shown: {stderr}"
        );
        assert_eq!(lines[6], "(trace limit of 6 lines reached)");
    }

    // The WebAssembly trace: text-format instructions, the typed stack after each.
    let file = dir.join("trace.txt");
    let (code, _, stderr) = play(&[
        &orbit(),
        "--frames",
        "1",
        "--trace-file",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let trace = std::fs::read_to_string(&file).unwrap();
    for function in ["update", "draw"] {
        assert!(
            trace
                .lines()
                .any(|l| l.starts_with(&format!("{function} @0x"))),
            "{function}"
        );
    }
    // The host's sin/cos calls show as calls, by name.
    assert!(trace.contains("  call $"), "{trace}");
    assert!(trace.contains("; [f64 "), "typed values: {trace}");
}

#[test]
fn themes_are_checked_by_name() {
    let (code, _, stderr) = play(&[&orbit(), "--theme", "neon"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no theme `neon` (themes: classic, pygame)"),
        "{stderr}"
    );
    let (code, _, stderr) = play(&[&orbit(), "--theme", "pygame", "--frames", "1"]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn bundled_games_are_listed_and_played_by_name() {
    let out = wasmcade(&["list"]);
    assert!(out.status.success());
    assert!(
        text(&out.stdout).starts_with("rocket "),
        "{}",
        text(&out.stdout)
    );
    let (code, stdout, stderr) = play(&["rocket", "--frames", "10"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("frames=10 "), "{stdout}");
    let (code, _, stderr) = play(&["no-such-game"]);
    assert_eq!(code, 1);
    assert!(
        error_line(&stderr)
            .contains("no-such-game is neither a file nor a bundled game (bundled: rocket"),
        "{stderr}"
    );
}

/// A rocket-contract module with the shape of the original 2017 `program.wasm`: a
/// 59-entry function table, 198 data segments, 17 memory pages, `call_indirect`,
/// `br_table`, i64 and f64 arithmetic, and every import of the contract.
fn module_shaped_like_the_original() -> String {
    let table_funcs: String = (0..59)
        .map(|i| format!("(func $t{i} (result f64) (f64.const {i}))\n"))
        .collect();
    let table_names: String = (0..59).map(|i| format!("$t{i} ")).collect();
    // Segment i puts the i64 value i*3 at 1024 + 8i.
    let data: String = (0..198)
        .map(|i| {
            let bytes: String = (i as u64 * 3)
                .to_le_bytes()
                .iter()
                .map(|b| format!("\\{b:02x}"))
                .collect();
            format!("(data (i32.const {}) \"{bytes}\")\n", 1024 + 8 * i)
        })
        .collect();
    format!(
        r#"(module
          (type $value (func (result f64)))
          (import "env" "clear_screen" (func $clear))
          (import "env" "draw_player" (func $player (param f64 f64 f64)))
          (import "env" "draw_enemy" (func $enemy (param f64 f64)))
          (import "env" "draw_bullet" (func $bullet (param f64 f64)))
          (import "env" "draw_particle" (func $particle (param f64 f64 f64)))
          (import "env" "draw_score" (func $score (param f64)))
          (import "env" "sin" (func $sin (param f64) (result f64)))
          (import "env" "cos" (func $cos (param f64) (result f64)))
          (import "env" "Math_atan" (func $atan (param f64) (result f64)))
          (memory (export "memory") 17)
          (table 59 funcref)
          (elem (i32.const 0) {table_names})
          {data}
          {table_funcs}
          (global $frame (mut i64) (i64.const 0))
          (global $points (mut f64) (f64.const 0))
          (func (export "resize") (param f64 f64))
          (func (export "toggle_shoot") (param i32))
          (func (export "toggle_boost") (param i32))
          (func (export "toggle_turn_left") (param i32))
          (func (export "toggle_turn_right") (param i32))
          ;; points += (table[frame % 59]() + data[frame % 198]) * (frame % 3 + 1)
          (func (export "update") (param f64)
            (local $gain f64)
            (global.set $frame (i64.add (global.get $frame) (i64.const 1)))
            (local.set $gain
              (f64.add
                (call_indirect (type $value)
                  (i32.wrap_i64 (i64.rem_u (global.get $frame) (i64.const 59))))
                (f64.convert_i64_u
                  (i64.load offset=1024
                    (i32.wrap_i64 (i64.shl (i64.rem_u (global.get $frame) (i64.const 198))
                                           (i64.const 3)))))))
            (block $times3 (block $times2 (block $times1
              (br_table $times1 $times2 $times3
                (i32.wrap_i64 (i64.rem_u (global.get $frame) (i64.const 3)))))
              (global.set $points (f64.add (global.get $points) (local.get $gain)))
              (return))
              (global.set $points (f64.add (global.get $points) (f64.mul (local.get $gain) (f64.const 2))))
              (return))
            (global.set $points (f64.add (global.get $points) (f64.mul (local.get $gain) (f64.const 3)))))
          (func (export "draw")
            (call $clear)
            (call $player (f64.const 512) (f64.const 300) (call $atan (f64.const 1)))
            (call $enemy (call $cos (f64.const 0)) (call $sin (f64.const 0)))
            (call $bullet (f64.const 10) (f64.const 20))
            (call $particle (f64.const 30) (f64.const 40) (f64.const 2))
            (call $score (global.get $points))))"#
    )
}

#[test]
fn a_module_shaped_like_the_original_program_plays() {
    let dir = temp_dir("original-shape");
    let module = module_in(&dir, "program", &module_shaped_like_the_original());
    let expected: u64 = (1..=60u64)
        .map(|frame| (frame % 59 + (frame % 198) * 3) * (frame % 3 + 1))
        .sum();
    let (code, stdout, stderr) = play(&[module.to_str().unwrap(), "--frames", "60"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout.lines().last(),
        Some(format!("frames=60 draw_calls=360 score={expected}").as_str())
    );
    assert!(!stderr.contains("warning"), "{stderr}");
}
