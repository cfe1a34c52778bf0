//! The real window, under a display (`.ci/run` runs these with `xvfb-run`): screenshots
//! checked pixel by pixel, the error overlay, and real key events from `xdotool`.
//!
//! Ignored by a plain `cargo test` (they need a display and xdotool); run them with
//! `xvfb-run -a cargo test --release --test window -- --ignored`.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::thread::sleep;
use std::time::{Duration, Instant};

use common::{module_in, repo_path, temp_dir, text, wasmcade};
use image::{Rgba, RgbaImage};

/// One window at a time: with several on one display, key events reach whichever is
/// under the pointer.
fn one_window_at_a_time() -> MutexGuard<'static, ()> {
    static DISPLAY: Mutex<()> = Mutex::new(());
    DISPLAY
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Plays `args` in a window for `frames` frames and returns the screenshot of the last.
fn screenshot(test: &str, args: &[&str], frames: u32) -> RgbaImage {
    let _display = one_window_at_a_time();
    picture(test, &["play"], args, frames)
}

/// The software renderer's picture (`--headless --screenshot`) of `frames` frames.
fn software_screenshot(test: &str, args: &[&str], frames: u32) -> RgbaImage {
    picture(test, &["play", "--headless"], args, frames)
}

/// Runs `command` and `args` for `frames` frames of 0.016 s and returns the last as
/// `--screenshot` saved it.
fn picture(test: &str, command: &[&str], args: &[&str], frames: u32) -> RgbaImage {
    let dir = temp_dir(test);
    let shot = dir.join("shot.png");
    let frames = frames.to_string();
    let mut all = command.to_vec();
    all.extend(args);
    all.extend([
        "--frames",
        &frames,
        "--dt",
        "0.016",
        "--screenshot",
        shot.to_str().unwrap(),
    ]);
    let out = wasmcade(&all);
    assert!(out.status.success(), "{}", text(&out.stderr));
    image::open(&shot).unwrap().to_rgba8()
}

/// Pixels close to `color` (each channel within 40).
fn count_near(image: &RgbaImage, color: [u8; 3]) -> usize {
    image
        .pixels()
        .filter(|Rgba(p)| (0..3).all(|i| p[i].abs_diff(color[i]) <= 40))
        .count()
}

#[test]
#[ignore = "needs a display: run under xvfb-run (see .ci/run)"]
fn the_bundled_game_looks_like_the_original() {
    // Scripted keys: shoot from the start, so bullets are in the picture too.
    let dir = temp_dir("look-input");
    let keys = dir.join("keys.txt");
    std::fs::write(&keys, "0 space down\n").unwrap();
    let image = screenshot("look", &["--input", keys.to_str().unwrap()], 300);
    assert_eq!(image.dimensions(), (1024, 600));
    let total = (image.width() * image.height()) as usize;
    assert!(
        count_near(&image, [0, 0, 0]) > total * 9 / 10,
        "mostly black background"
    );
    assert!(count_near(&image, [255, 0, 0]) > 30, "red rocket");
    assert!(
        count_near(&image, [255, 255, 0]) > 100,
        "yellow enemies after 4.8 s"
    );
    // The score text sits in the top left corner.
    let orange = (0..40)
        .flat_map(|y| (0..200).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let Rgba(p) = image.get_pixel(x, y);
            p[0] > 200 && (120..=200).contains(&p[1]) && p[2] < 60
        })
        .count();
    assert!(orange > 20, "orange score text, found {orange} pixels");
}

#[test]
#[ignore = "needs a display: run under xvfb-run (see .ci/run)"]
fn a_wasm4_cart_fills_a_480_pixel_window_with_crisp_palette_pixels() {
    let dir = temp_dir("wasm4-cart");
    let wat = std::fs::read_to_string(repo_path("tests/games/wasm4/every_import.wat")).unwrap();
    let cart = module_in(&dir, "every", &wat);
    let image = screenshot("look-wasm4", &[cart.to_str().unwrap()], 10);
    assert_eq!(image.dimensions(), (480, 480));
    // Scaled 3× with nearest pixels: nothing but the four palette colours.
    let palette = [
        [0xe0, 0xf8, 0xcf],
        [0x86, 0xc0, 0x6c],
        [0x30, 0x68, 0x50],
        [0x07, 0x18, 0x21],
    ];
    let exact = |color: [u8; 3]| image.pixels().filter(|Rgba(p)| p[..3] == color).count();
    let counts = palette.map(exact);
    assert_eq!(counts.iter().sum::<usize>(), 480 * 480, "{counts:?}");
    assert!(
        counts.iter().all(|&n| n > 0),
        "every colour is used: {counts:?}"
    );
    // The cart's hline on row 20, in the darkest colour, covers window rows 60–62.
    assert!((0..480).all(|x| image.get_pixel(x, 61).0[..3] == palette[3]));
}

#[test]
#[ignore = "needs a display: run under xvfb-run (see .ci/run)"]
fn a_trapping_game_shows_the_overlay_and_keeps_running() {
    let dir = temp_dir("overlay-game");
    let game = module_in(
        &dir,
        "trap",
        r#"(module (func (export "update") (param f64) unreachable) (func (export "draw")))"#,
    );
    // The window keeps drawing frames after the trap, until --frames ends it cleanly.
    let image = screenshot("overlay", &[game.to_str().unwrap()], 20);
    let panel_text = count_near(&image, [255, 255, 255]);
    let title = count_near(&image, [255, 89, 77]);
    assert!(
        panel_text > 200,
        "white overlay text, found {panel_text} pixels"
    );
    assert!(title > 50, "red overlay title, found {title} pixels");
}

/// A running `wasmcade` window, killed if the test ends early.
struct Window(Child);

impl Drop for Window {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn xdotool(args: &[&str]) {
    let status = Command::new("xdotool")
        .args(args)
        .status()
        .expect("xdotool is installed");
    assert!(status.success(), "xdotool {args:?} failed");
}

/// Starts `wasmcade play ARGS` in `dir` with the log at `level` and waits for its window.
fn open_window(dir: &Path, level: &str, args: &[&str]) -> Window {
    let child = Command::new(env!("CARGO_BIN_EXE_wasmcade"))
        .arg("play")
        .args(args)
        .current_dir(dir)
        .env("RUST_LOG", format!("wasmcade={level}"))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let window = Window(child);
    xdotool(&["search", "--sync", "--name", "wasmcade", "windowfocus"]);
    sleep(Duration::from_millis(500));
    window
}

/// Presses Esc, waits for the window to close cleanly, and returns its log.
fn close_window(mut window: Window) -> String {
    xdotool(&["key", "Escape"]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while window.0.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "Esc did not close the window");
        sleep(Duration::from_millis(100));
    }
    let mut log = String::new();
    window
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(window.0.wait().unwrap().success(), "{log}");
    log
}

/// Presses F12 and returns the screenshot it saved in `dir`.
fn f12_screenshot(dir: &Path) -> RgbaImage {
    let before: Vec<PathBuf> = pngs(dir);
    // Screenshots are named by the second: never two in one second.
    sleep(Duration::from_millis(1100));
    xdotool(&["key", "F12"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(new) = pngs(dir).into_iter().find(|p| !before.contains(p)) {
            sleep(Duration::from_millis(200));
            return image::open(&new).unwrap().to_rgba8();
        }
        assert!(Instant::now() < deadline, "F12 saved no screenshot");
        sleep(Duration::from_millis(100));
    }
}

fn pngs(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "png"))
        .collect();
    found.sort();
    found
}

/// Pixels near `color` inside the rectangle `x0..x1`, `y0..y1`.
fn count_in(image: &RgbaImage, (x0, y0, x1, y1): (u32, u32, u32, u32), color: [u8; 3]) -> usize {
    (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let Rgba(p) = image.get_pixel(x, y);
            (0..3).all(|i| p[i].abs_diff(color[i]) <= 40)
        })
        .count()
}

#[test]
#[ignore = "needs a display and xdotool: run under xvfb-run (see .ci/run)"]
fn a_wasm4_cart_stuck_in_its_update_leaves_the_window_answering() {
    // The cart loops forever in `update`, and its fuel would last minutes: the update
    // runs in slices between frames, the window saying how far it got, and Esc quits.
    let _display = one_window_at_a_time();
    let dir = temp_dir("wasm4-stuck");
    let cart = module_in(
        &dir,
        "stuck",
        r#"(module (import "env" "memory" (memory 1 1)) (func (export "update") (loop $l (br $l))))"#,
    );
    let args = [cart.to_str().unwrap(), "--fuel", "100000000000"];
    let window = open_window(&dir, "info", &args);
    let image = f12_screenshot(&dir);
    let (width, height) = image.dimensions();
    let strip = count_in(&image, (0, height - 32, width, height), [255, 255, 255]);
    assert!(
        strip > 100,
        "the strip saying the update runs: {strip} white pixels"
    );
    let log = close_window(window);
    assert!(!log.contains("out of fuel"), "{log}");
}

#[test]
#[ignore = "needs a display and xdotool: run under xvfb-run (see .ci/run)"]
fn the_talk_keys_show_panels_save_screenshots_and_step_frames() {
    let _display = one_window_at_a_time();
    let dir = temp_dir("talk-keys");
    let window = open_window(&dir, "info", &[]);

    // F1 (HUD, bottom left, yellow first line) and F2 (module panel, top right, red
    // title).
    xdotool(&["key", "F1", "F2"]);
    let shot = f12_screenshot(&dir);
    let hud = count_in(&shot, (0, 350, 300, 400), [255, 255, 0]);
    assert!(hud > 30, "HUD title line: {hud} yellow pixels");
    assert!(
        count_in(&shot, (600, 0, 1024, 40), [255, 89, 77]) > 30,
        "module panel title"
    );

    // H: the help overlay across the middle, listing the keys in white.
    xdotool(&["key", "F1", "F2", "h"]);
    let shot = f12_screenshot(&dir);
    assert!(
        count_in(&shot, (0, 150, 1024, 450), [255, 255, 255]) > 500,
        "help text"
    );
    xdotool(&["key", "h"]);

    // P pauses; N steps exactly one frame each.
    xdotool(&["key", "p"]);
    sleep(Duration::from_millis(300));
    // Apart: presses within one frame (software GL on a loaded machine renders slowly)
    // are one key-pressed edge to the window.
    for _ in 0..3 {
        xdotool(&["key", "n"]);
        sleep(Duration::from_millis(250));
    }
    xdotool(&["key", "minus"]);
    // Esc in the same frame would quit before the speed changes.
    sleep(Duration::from_millis(300));
    let log = close_window(window);
    let paused_at: u64 = log
        .lines()
        .find_map(|l| l.strip_prefix("info: paused at frame "))
        .expect("a pause line")
        .parse()
        .unwrap();
    let summary = format!("info: frames={} ", paused_at + 3);
    assert!(log.contains(&summary), "expected `{summary}` in:\n{log}");
    assert!(log.contains("info: speed 0.5x"), "{log}");
    assert!(log.contains("info: saved wasmcade-"), "{log}");
}

#[test]
#[ignore = "needs a display and xdotool: run under xvfb-run (see .ci/run)"]
fn real_key_events_reach_the_game() {
    let _display = one_window_at_a_time();
    let dir = temp_dir("keys");
    let window = open_window(&dir, "debug", &[]);
    // Spin and shoot: bullets spray in every direction and meet the enemies.
    xdotool(&["keydown", "space"]);
    xdotool(&["keydown", "Left"]);
    sleep(Duration::from_secs(8));
    xdotool(&["keyup", "Left"]);
    xdotool(&["keyup", "space"]);
    let log = close_window(window);
    let best = log
        .lines()
        .filter_map(|line| line.split(": score ").nth(1)?.trim().parse::<i64>().ok())
        .max();
    assert!(
        best.is_some_and(|score| score > 0),
        "the score never rose:\n{log}"
    );
}

#[test]
#[ignore = "needs a display and xdotool: run under xvfb-run (see .ci/run)"]
fn watch_reloads_a_rebuilt_game_and_keeps_the_old_one_when_the_new_one_is_broken() {
    let _display = one_window_at_a_time();
    let dir = temp_dir("watch");
    let game = dir.join("game.wat");
    let orbit = std::fs::read_to_string(common::repo_path("tests/games/orbit.wat")).unwrap();
    std::fs::write(&game, &orbit).unwrap();
    let window = open_window(&dir, "info", &[game.to_str().unwrap(), "--watch"]);

    let wait_for_log_line = || sleep(Duration::from_millis(1500));
    std::fs::write(&game, orbit.replace("(f64.const 100)", "(f64.const 150)")).unwrap();
    wait_for_log_line();
    std::fs::write(&game, "(module (func (export \"update\") (param i32)))").unwrap();
    wait_for_log_line();
    std::fs::write(&game, "(module").unwrap();
    wait_for_log_line();
    let log = close_window(window);
    let reloads = log.matches("info: reloaded ").count();
    assert_eq!(reloads, 1, "{log}");
    assert!(log.contains("reload failed, the old version keeps running: the module does not fit the rocket contract"), "{log}");
    assert!(log.contains("is not valid WebAssembly text"), "{log}");
}

#[test]
#[ignore = "needs a display and xdotool: run under xvfb-run (see .ci/run)"]
fn a_recording_made_in_the_window_replays_headless_to_the_same_summary() {
    let _display = one_window_at_a_time();
    let dir = temp_dir("record");
    let window = open_window(&dir, "info", &["--record", "session.txt"]);
    xdotool(&["keydown", "space"]);
    xdotool(&["keydown", "Right"]);
    sleep(Duration::from_secs(3));
    xdotool(&["keyup", "Right"]);
    sleep(Duration::from_millis(500));
    xdotool(&["keyup", "space"]);
    let log = close_window(window);
    let live = log
        .lines()
        .find_map(|l| l.strip_prefix("info: frames="))
        .expect("the window's summary line");
    let replay = common::wasmcade(&[
        "play",
        "--headless",
        "--replay",
        dir.join("session.txt").to_str().unwrap(),
    ]);
    assert!(replay.status.success(), "{}", text(&replay.stderr));
    assert_eq!(text(&replay.stdout).trim(), format!("frames={live}"));
}

#[test]
#[ignore = "needs a display: run under xvfb-run (see .ci/run)"]
fn the_pygame_theme_draws_the_talks_shapes() {
    let image = screenshot("pygame", &["--theme", "pygame"], 300);
    assert!(
        count_near(&image, [255, 0, 255]) > 50,
        "magenta enemy rings"
    );
    assert!(count_near(&image, [0, 255, 255]) > 20, "cyan player ring");
    assert_eq!(count_near(&image, [255, 0, 0]), 0, "no red rocket triangle");
}

#[test]
#[ignore = "needs a display and xdotool: run under xvfb-run (see .ci/run)"]
fn a_resized_window_letterboxes_the_field_without_restarting_the_game() {
    let _display = one_window_at_a_time();
    let dir = temp_dir("resize");
    let window = open_window(&dir, "debug", &["--dt", "0.016"]);
    xdotool(&[
        "search",
        "--name",
        "wasmcade",
        "windowsize",
        "--sync",
        "600",
        "600",
    ]);
    sleep(Duration::from_millis(500));
    let shot = f12_screenshot(&dir);
    assert_eq!(shot.dimensions(), (600, 600));
    // 1024x600 scaled to 600 wide is 352 high: bars of 124 above and below.
    let bar = [24, 24, 28];
    assert!(
        count_in(&shot, (0, 0, 600, 120), bar) > 600 * 110,
        "top bar"
    );
    assert!(
        count_in(&shot, (0, 480, 600, 600), bar) > 600 * 110,
        "bottom bar"
    );
    assert!(
        count_in(&shot, (0, 130, 600, 470), [0, 0, 0]) > 600 * 300,
        "black field"
    );
    let log = close_window(window);
    // One `resize` call at start: the game never restarted (its score never reset by it).
    assert_eq!(log.matches("frame 0: score").count(), 1, "{log}");
}

#[test]
#[ignore = "needs a display: run under xvfb-run (see .ci/run)"]
fn canvas_games_draw_their_shapes_in_their_colours() {
    let image = screenshot("canvas", &[&common::repo_path("tests/games/shapes.wat")], 5);
    // fill_rect (10, 10, 100, 50) in red; fill_circle (400, 300, r 40) in blue; the
    // text in white near (10, 500); the rest of the field in the clear colour.
    assert!(
        count_in(&image, (12, 12, 108, 58), [255, 0, 0]) > 90 * 40,
        "red rectangle"
    );
    assert!(
        count_in(&image, (380, 280, 420, 320), [0, 0, 255]) > 1200,
        "blue disc"
    );
    assert!(
        count_in(&image, (10, 500, 200, 530), [255, 255, 255]) > 50,
        "white text"
    );
    assert!(
        count_in(&image, (600, 400, 1000, 590), [16, 16, 32]) > 50_000,
        "clear colour"
    );
}

/// Pixels that differ between two pictures of the same size (any channel).
fn differing_pixels(a: &RgbaImage, b: &RgbaImage) -> usize {
    assert_eq!(a.dimensions(), b.dimensions());
    a.pixels()
        .zip(b.pixels())
        .filter(|(p, q)| p.0[..3] != q.0[..3])
        .count()
}

/// The tolerance between the window's picture and the software renderer's: at most one
/// pixel in 10,000 may differ (measured under Xvfb: 0 to 2 of 614,400 for the rocket
/// game in both themes and for the canvas test game, whose 2 lie on an edge of a ring
/// and of a polygon passing exactly through pixel centres).
const MAX_DIFFERING: f64 = 1.0 / 10_000.0;

#[test]
#[ignore = "needs a display: run under xvfb-run (see .ci/run)"]
fn the_software_renderer_draws_what_the_window_shows() {
    let dir = temp_dir("software-keys");
    let keys = dir.join("keys.txt");
    std::fs::write(&keys, "0 space down\n30 left down\n90 left up\n").unwrap();
    let keys = keys.to_str().unwrap();
    let shapes = common::repo_path("tests/games/shapes.wat");
    let cases: [(&str, Vec<&str>, u32); 3] = [
        ("classic", vec!["--input", keys], 300),
        ("pygame", vec!["--input", keys, "--theme", "pygame"], 300),
        ("canvas", vec![shapes.as_str()], 5),
    ];
    for (name, args, frames) in cases {
        let window = screenshot(&format!("software-window-{name}"), &args, frames);
        let software = software_screenshot(&format!("software-{name}"), &args, frames);
        let differing = differing_pixels(&window, &software);
        let total = (window.width() * window.height()) as f64;
        eprintln!("{name}: {differing} of {total} pixels differ");
        assert!(
            differing as f64 <= total * MAX_DIFFERING,
            "{name}: {differing} of {total} pixels differ"
        );
    }
    // A WASM-4 cart: the window's 480x480 picture is its 160x160 screen, each pixel
    // three times as wide and high.
    let wat = std::fs::read_to_string(repo_path("tests/games/wasm4/every_import.wat")).unwrap();
    let cart = module_in(&dir, "every", &wat);
    let cart = cart.to_str().unwrap();
    let window = screenshot("software-window-wasm4", &[cart], 10);
    let software = software_screenshot("software-wasm4", &[cart], 10);
    let shrunk = image::imageops::resize(&window, 160, 160, image::imageops::FilterType::Nearest);
    assert_eq!(differing_pixels(&shrunk, &software), 0, "the WASM-4 screen");
}

/// Waits for a file named by `matches` to appear in `dir`.
fn wait_for_file(dir: &Path, matches: impl Fn(&str) -> bool) -> PathBuf {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let found = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .find(|path| {
                path.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(&matches)
            });
        if let Some(path) = found {
            sleep(Duration::from_millis(300));
            return path;
        }
        assert!(
            Instant::now() < deadline,
            "no file appeared in {}",
            dir.display()
        );
        sleep(Duration::from_millis(100));
    }
}

/// Checks that slot 1 was loaded at the frame it was saved at.
fn assert_loaded_where_saved(log: &str) {
    let saved = logged_frame(log, "saved slot 1 at frame ");
    let loaded = logged_frame(log, "loaded slot 1 at frame ");
    assert_eq!(loaded, saved, "{log}");
}

/// The frame number a notice line `PREFIX N` logged.
fn logged_frame(log: &str, prefix: &str) -> u64 {
    log.lines()
        .find_map(|line| line.split(prefix).nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no `{prefix}` line in:\n{log}"))
}

#[test]
#[ignore = "needs a display and xdotool: run under xvfb-run (see .ci/run)"]
fn f5_saves_f9_loads_and_f10_saves_the_last_seconds_as_a_gif() {
    let _display = one_window_at_a_time();
    let dir = temp_dir("state-keys");
    let window = open_window(&dir, "info", &["--dt", "0.016"]);
    sleep(Duration::from_secs(1));
    xdotool(&["key", "F5"]);
    let state = wait_for_file(&dir, |name| {
        name.starts_with("rocket.") && name.ends_with(".1.state")
    });
    sleep(Duration::from_secs(2));
    xdotool(&["key", "F10"]);
    let gif = wait_for_file(&dir, |name| name.ends_with(".gif"));
    xdotool(&["key", "F9"]);
    sleep(Duration::from_millis(500));
    assert_loaded_where_saved(&close_window(window));
    assert!(std::fs::metadata(&state).unwrap().len() > 65_536);
    let decoder = gif::DecodeOptions::new()
        .read_info(std::fs::File::open(&gif).unwrap())
        .unwrap();
    assert_eq!((decoder.width(), decoder.height()), (1024, 600));
    let frames = decoder.into_iter().count();
    assert!(frames > 10, "{frames} frames in the GIF");
}

#[test]
#[ignore = "needs a display and xdotool: run under xvfb-run (see .ci/run)"]
fn a_wasm4_cart_saves_with_2_and_loads_with_4_beside_its_file() {
    let _display = one_window_at_a_time();
    let dir = temp_dir("state-keys-wasm4");
    let wat = std::fs::read_to_string(repo_path("tests/games/wasm4/every_import.wat")).unwrap();
    let cart = module_in(&dir, "every", &wat);
    let window = open_window(&dir, "info", &[cart.to_str().unwrap()]);
    xdotool(&["key", "2"]);
    wait_for_file(&dir, |name| {
        name.starts_with("every.") && name.ends_with(".1.state")
    });
    sleep(Duration::from_millis(500));
    xdotool(&["key", "4"]);
    sleep(Duration::from_millis(500));
    assert_loaded_where_saved(&close_window(window));
}

#[test]
#[ignore = "needs a display and xdotool: run under xvfb-run (see .ci/run)"]
fn the_machine_view_steps_the_rocket_beside_its_field_and_stops_at_a_breakpoint() {
    let _display = one_window_at_a_time();
    let dir = temp_dir("machine-view");
    let window = open_window(&dir, "info", &["--dt", "0.016"]);
    // Keys apart: presses within one frame are one edge to the window.
    let keys = |keys: &[&str]| {
        for key in keys {
            xdotool(&["key", key]);
            sleep(Duration::from_millis(250));
        }
    };
    // F4: the profile panel in the top right, counting the frame's instructions.
    keys(&["F4"]);
    let shot = f12_screenshot(&dir);
    let title = count_in(&shot, (425, 0, 1024, 40), [255, 89, 77]);
    assert!(title > 30, "the profile's title: {title} pixels");
    let rows = count_in(&shot, (425, 40, 1024, 440), [255, 255, 255]);
    assert!(rows > 1000, "the profile's rows: {rows} white pixels");
    keys(&["F4", "F3", "s", "s", "s", "s", "s"]);
    let shot = f12_screenshot(&dir);
    assert_eq!(shot.dimensions(), (1024, 600));
    // The layout at 1024x600: the field in the top left 348 pixels (204 high), the
    // listing from x 348 to 737, the stack and locals to the right of it.
    let bar = count_in(&shot, (350, 40, 736, 570), [255, 209, 51]);
    assert!(
        bar > 3000,
        "the next instruction's bar: {bar} yellow pixels"
    );
    let field = (1, 1, 347, 203);
    let black = count_in(&shot, field, [0, 0, 0]);
    assert!(black > 346 * 202 * 8 / 10, "the field's black: {black}");
    let drawn = 346 * 202 - black;
    assert!(drawn > 20, "the game's shapes in the field: {drawn} pixels");
    let listing = count_in(&shot, (350, 40, 736, 570), [255, 255, 255]);
    assert!(listing > 1000, "the listing's text: {listing} white pixels");
    let right = count_in(&shot, (740, 40, 1024, 570), [255, 255, 255]);
    assert!(right > 200, "the stack and locals: {right} white pixels");
    let titles = count_in(&shot, (0, 204, 348, 570), [255, 89, 77]);
    assert!(
        titles > 200,
        "the call stack's and blocks' titles: {titles} pixels"
    );

    // A breakpoint typed by name on an import, then C: the game plays until its next
    // call and the view opens there.
    keys(&["e", "t"]);
    xdotool(&["type", "--delay", "60", "draw_player"]);
    keys(&["Return", "c"]);
    sleep(Duration::from_millis(500));
    let shot = f12_screenshot(&dir);
    let bar = count_in(&shot, (350, 40, 736, 570), [255, 209, 51]);
    assert!(bar > 3000, "the view open again: {bar} yellow pixels");
    // F3 plays on (the breakpoint stays: remove it with T first).
    keys(&["t"]);
    xdotool(&["type", "--delay", "60", "draw_player"]);
    keys(&["Return", "F3"]);
    sleep(Duration::from_millis(500));
    let log = close_window(window);
    assert!(log.contains("info: breakpoint draw_player set"), "{log}");
    assert!(
        log.contains("info: breakpoint draw_player removed"),
        "{log}"
    );
    let stop = log
        .lines()
        .find(|l| l.starts_with("info: stopped in draw at "));
    assert!(
        stop.is_some_and(|l| l.ends_with(": call $draw_player")),
        "{log}"
    );
}
