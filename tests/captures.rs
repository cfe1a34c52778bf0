//! Captures without a window, decoded: `--headless --screenshot` (a vector game's field
//! drawn in software, a WASM-4 cart's 160×160 screen) and `--gif` (every frame, sampled to
//! at most 50 a second, with delays that keep the game's pace; its last frame is the
//! screenshot of the same frame). `tests/window.rs` checks the software pictures against
//! the window's.

mod common;

use std::path::Path;

use image::{Rgba, RgbaImage};

use common::{module_in, repo_path, temp_dir, text, wasmcade};

/// Runs `wasmcade play --headless ARGS` and fails on an error.
fn play(args: &[&str]) {
    let mut all = vec!["play", "--headless"];
    all.extend(args);
    let out = wasmcade(&all);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
}

/// Every frame of a GIF as RGBA pictures, with its delay in hundredths of a second.
fn decode_gif(path: &Path) -> Vec<(RgbaImage, u16)> {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let mut decoder = options
        .read_info(std::fs::File::open(path).unwrap())
        .unwrap();
    let (width, height) = (decoder.width() as u32, decoder.height() as u32);
    let mut frames = Vec::new();
    let mut canvas = RgbaImage::new(width, height);
    while let Some(frame) = decoder.read_next_frame().unwrap() {
        let picture = RgbaImage::from_raw(
            frame.width as u32,
            frame.height as u32,
            frame.buffer.to_vec(),
        )
        .unwrap();
        image::imageops::replace(&mut canvas, &picture, frame.left as i64, frame.top as i64);
        frames.push((canvas.clone(), frame.delay));
    }
    frames
}

fn count(image: &RgbaImage, color: [u8; 3]) -> usize {
    image.pixels().filter(|Rgba(p)| p[..3] == color).count()
}

#[test]
fn a_headless_screenshot_and_gif_of_the_rocket_game() {
    let dir = temp_dir("capture-rocket");
    let keys = dir.join("keys.txt");
    std::fs::write(&keys, "0 space down\n30 left down\n90 left up\n").unwrap();
    let (shot, gif) = (dir.join("shot.png"), dir.join("run.gif"));
    play(&[
        "--frames",
        "301",
        "--input",
        keys.to_str().unwrap(),
        "--screenshot",
        shot.to_str().unwrap(),
        "--gif",
        gif.to_str().unwrap(),
    ]);
    let shot = image::open(&shot).unwrap().to_rgba8();
    assert_eq!(shot.dimensions(), (1024, 600));
    assert!(count(&shot, [0, 0, 0]) > 1024 * 600 * 9 / 10, "black field");
    assert!(count(&shot, [255, 0, 0]) > 30, "the red rocket");
    assert!(count(&shot, [255, 255, 0]) > 100, "yellow enemies");
    assert!(count(&shot, [0, 0, 255]) > 100, "blue bullets");
    assert!(count(&shot, [255, 165, 0]) > 20, "the orange score");

    let frames = decode_gif(&gif);
    // 301 frames of 1/60 s, sampled every other: frames 0, 2, ..., 300.
    assert_eq!(frames.len(), 151);
    let delays: u32 = frames.iter().map(|(_, delay)| *delay as u32).sum();
    // 150 gaps of 1/30 s, then the last frame shown for two hundredths.
    assert_eq!(delays, 502, "the game's pace");
    assert!(frames.iter().all(|(_, delay)| (2..=4).contains(delay)));
    assert!(frames[0].0 != frames[75].0, "the picture moves");
    assert!(
        frames[150].0 == shot,
        "the last frame is the screenshot of frame 300"
    );
}

#[test]
fn a_wasm4_capture_is_its_screen() {
    let dir = temp_dir("capture-wasm4");
    let wat = std::fs::read_to_string(repo_path("tests/games/wasm4/every_import.wat")).unwrap();
    let cart = module_in(&dir, "every", &wat);
    let (shot, gif) = (dir.join("shot.png"), dir.join("run.gif"));
    let cart = cart.to_str().unwrap();
    play(&[
        cart,
        "--frames",
        "61",
        "--screenshot",
        shot.to_str().unwrap(),
    ]);
    play(&[cart, "--frames", "61", "--gif", gif.to_str().unwrap()]);
    let shot = image::open(&shot).unwrap().to_rgba8();
    assert_eq!(shot.dimensions(), (160, 160));
    let palette = [
        [0xe0, 0xf8, 0xcf],
        [0x86, 0xc0, 0x6c],
        [0x30, 0x68, 0x50],
        [0x07, 0x18, 0x21],
    ];
    let counts = palette.map(|color| count(&shot, color));
    assert_eq!(counts.iter().sum::<usize>(), 160 * 160, "{counts:?}");
    // The cart's hline on row 20, in the darkest colour.
    assert!((0..160).all(|x| shot.get_pixel(x, 20).0[..3] == palette[3]));
    let frames = decode_gif(&gif);
    assert_eq!(frames.len(), 31, "61 frames at 30 a second");
    assert!(frames
        .iter()
        .all(|(frame, _)| frame.dimensions() == (160, 160)));
    assert!(
        frames[30].0 == shot,
        "the last frame is the screenshot of frame 60"
    );
}

#[test]
fn a_window_capture_needs_a_frame_count() {
    let out = wasmcade(&["play", "--gif", "x.gif"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("need --frames N (or use --headless)"),
        "{}",
        text(&out.stderr)
    );
}
