//! WASM-4 test carts (`tests/games/wasm4/`) compared pixel by pixel with WASM-4's own web
//! runtime: `tests/w4ref/oracle.mjs` runs each cart in node with the official runtime's
//! code, wasmcade runs it headless (as `wasmcade play --headless` does), and the final
//! frames (palette colour of every pixel) must be identical after 60 updates with no
//! input and after 300 updates with the gamepad script `input300.txt`.
//!
//! Needs `node` (Debian's `nodejs`; `.ci/run` installs it). Without it the test says
//! so loudly and passes, except under `CI=true`, where it fails.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use wasmcade::app::capture::Look;
use wasmcade::app::headless::{self, HeadlessOptions};
use wasmcade::app::script::Script;
use wasmcade::app::session::{Session, SessionConfig};
use wasmcade::app::theme::THEMES;
use wasmcade::host::{wasm4, DrawCall};
use wasmcade::interp::{Limits, Module};

use common::{repo_path, temp_dir};

/// Every cart of `tests/games/wasm4/`, by file name: the folder must hold exactly these.
const CARTS: [&str; 12] = [
    "arities",
    "colors",
    "disk",
    "every_import",
    "first_update",
    "heavy_update",
    "input_bytes",
    "lines",
    "ovals",
    "physics",
    "sprites",
    "text",
];
/// The runs each cart is compared in: updates, and the input script (if any).
const RUNS: [(u64, Option<&str>); 2] = [(60, None), (300, Some("input300.txt"))];

/// A final frame: each pixel's colour (0xRRGGBB).
#[derive(PartialEq, Eq)]
struct Frame(Vec<u32>);

impl Frame {
    fn new(palette: [u32; 4], indexes: impl IntoIterator<Item = u8>) -> Frame {
        Frame(indexes.into_iter().map(|i| palette[i as usize]).collect())
    }

    /// How many pixels differ from `other`'s, and the first that does.
    fn differences(&self, other: &Frame) -> (usize, Option<(usize, usize)>) {
        let differing: Vec<usize> = (0..self.0.len())
            .filter(|&i| self.0[i] != other.0[i])
            .collect();
        let first = differing.first().map(|&i| (i % 160, i / 160));
        (differing.len(), first)
    }

    fn save_png(&self, path: &Path) {
        let rgb: Vec<u8> = self
            .0
            .iter()
            .flat_map(|c| [(c >> 16) as u8, (c >> 8) as u8, *c as u8])
            .collect();
        image::save_buffer(path, &rgb, 160, 160, image::ColorType::Rgb8).unwrap();
    }
}

/// The frame WASM-4's web runtime shows after `updates` updates of `cart`.
fn official(cart: &Path, updates: u64, input: Option<&Path>) -> Frame {
    let mut command = Command::new("node");
    command
        .arg(repo_path("tests/w4ref/oracle.mjs"))
        .arg(cart)
        .arg(updates.to_string());
    command.args(input);
    let output = command.output().expect("node runs");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        output.status.success(),
        "the oracle failed on {}: {}",
        cart.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let mut lines = stdout.lines();
    assert_eq!(lines.next(), Some("status ok"), "{}", cart.display());
    let palette: Vec<u32> = lines
        .next()
        .and_then(|line| line.strip_prefix("palette "))
        .expect("the palette line")
        .split(' ')
        .map(|hex| u32::from_str_radix(hex, 16).unwrap())
        .collect();
    let indexes = lines.flat_map(|row| row.bytes().map(|b| b - b'0'));
    Frame::new(palette.try_into().unwrap(), indexes)
}

/// The frame wasmcade shows after `updates` updates of `wasm`, headless.
fn wasmcade_frame(wasm: &[u8], updates: u64, input: Option<&Path>) -> Frame {
    let module = Module::new(wasm).unwrap();
    let config = SessionConfig {
        field: wasm4::FIELD,
        limits: Limits {
            fuel: Some(wasm4::DEFAULT_FUEL),
            ..Limits::default()
        },
        abi: None,
        seed: 0,
        file: None,
    };
    let mut session = Session::start(module, config).unwrap();
    let script = input.map_or_else(Script::default, |path| {
        Script::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
    });
    let options = HeadlessOptions {
        frames: updates,
        dt: 1.0 / 60.0,
        script,
        dump_draws: None,
        record: None,
        look: Look {
            theme: THEMES[0],
            field: session.config().field,
        },
        screenshot: None,
        gif: None,
        save_state: None,
    };
    headless::run(&mut session, &options).unwrap();
    match session.game().last_draw() {
        [DrawCall::Framebuffer {
            palette, pixels, ..
        }, ..] => Frame::new(*palette, pixels.iter().copied()),
        other => panic!("expected the framebuffer, got {} calls", other.len()),
    }
}

/// Whether node can run; without it, outside CI, the comparison is skipped loudly.
fn node_available() -> bool {
    let found = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !found {
        let message =
            "node (Debian's `nodejs`) is needed to compare WASM-4 carts with WASM-4's own runtime";
        assert!(std::env::var("CI").as_deref() != Ok("true"), "{message}");
        eprintln!("\n*** SKIPPED: {message}; install it to run this test ***\n");
    }
    found
}

/// Compares cart `name` in every run: a line on each run, and whether it was identical.
fn compare_cart(name: &str, folder: &Path, scratch: &Path) -> Vec<(String, bool)> {
    let wasm = wat::parse_file(folder.join(format!("{name}.wat"))).unwrap();
    let cart = scratch.join(format!("{name}.wasm"));
    std::fs::write(&cart, &wasm).unwrap();
    RUNS.iter()
        .map(|&(updates, input)| {
            let input = input.map(|file| folder.join(file));
            let theirs = official(&cart, updates, input.as_deref());
            let ours = wasmcade_frame(&wasm, updates, input.as_deref());
            let with = if input.is_some() { " with input" } else { "" };
            let run = format!("{name}, {updates} updates{with}");
            if theirs.0.iter().all(|&colour| colour == theirs.0[0]) {
                return (
                    format!("{run}: WASM-4's frame is blank: nothing compared"),
                    false,
                );
            }
            match theirs.differences(&ours) {
                (0, _) => (format!("{run}: identical"), true),
                (count, first) => {
                    let stem = scratch.join(format!("{name}-{updates}"));
                    theirs.save_png(&stem.with_extension("wasm4.png"));
                    ours.save_png(&stem.with_extension("wasmcade.png"));
                    let report = format!(
                        "{run}: {count} pixels differ, the first at {first:?} (frames in {}.*.png)",
                        stem.display()
                    );
                    (report, false)
                }
            }
        })
        .collect()
}

#[test]
fn test_carts_draw_as_wasm4_draws_them() {
    if !node_available() {
        return;
    }
    let folder = PathBuf::from(repo_path("tests/games/wasm4"));
    let mut found: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .filter_map(|entry| {
            let name = entry.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".wat").map(str::to_string)
        })
        .collect();
    found.sort();
    let mut known = CARTS.map(str::to_string).to_vec();
    known.sort();
    assert_eq!(found, known, "the carts in {}", folder.display());
    let scratch = temp_dir("wasm4-oracle");
    // Each cart on its own thread (node and the interpreter run side by side); the
    // report in the carts' order.
    let reports: Vec<Vec<(String, bool)>> = std::thread::scope(|scope| {
        let carts: Vec<_> = CARTS
            .iter()
            .map(|name| scope.spawn(|| compare_cart(name, &folder, &scratch)))
            .collect();
        carts.into_iter().map(|cart| cart.join().unwrap()).collect()
    });
    let mut failures = Vec::new();
    for (run, identical) in reports.into_iter().flatten() {
        eprintln!("{run}");
        if !identical {
            failures.push(run);
        }
    }
    let runs = CARTS.len() * RUNS.len();
    eprintln!(
        "{} of {runs} runs identical to WASM-4's",
        runs - failures.len()
    );
    assert!(
        failures.is_empty(),
        "frames unlike WASM-4's:\n{}",
        failures.join("\n")
    );
    std::fs::remove_dir_all(&scratch).unwrap();
}
