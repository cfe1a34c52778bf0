//! wasmcade against wasmi, in one process on the same machine: compute kernels (calls,
//! memory loops, f64, i32 and i64 bit operations, br_table, call_indirect, copying, tail
//! calls, SIMD, counters in block parameters, in loop parameters and in globals),
//! compiled Rust programs (an LZ77 compressor round trip, `programs/lz/`; SIMD
//! particles, `programs/particles/`; one program per category in `programs/workloads/`:
//! a JSON parser, f64 and i64 loops, a sieve, bulk memory, a `match` dispatch; each
//! checked against the same code run natively) and the whole rocket game, each run in
//! both engines;
//! prints time per kernel and the ratio wasmcade/wasmi (below 1 is faster than wasmi),
//! the rocket game's time per frame and startup (`rocket_startup`), then the geometric
//! mean; and CoreMark's score in each engine (`coremark/`).
//!
//! `cargo bench --manifest-path bench/Cargo.toml [-- FILTER]`: FILTER keeps the kernels whose name contains
//! it. Both engines run without fuel metering, except one extra line (not in the mean):
//! the rocket game with fuel metering on in both, as `wasmcade play` runs games. Each
//! result is checked: both engines must return the same value (and the known one, where
//! there is a closed form). `BENCH_RUNS=N` times N runs of each instead of the default
//! (`BENCH_RUNS=1` for counting instructions under callgrind, where time does not matter).

use std::time::{Duration, Instant};

use wasmcade::cli::DEFAULT_FUEL;
use wasmcade::host::{Action, Game, RocketGame};
use wasmcade::interp::{Func, FuncType, Limits, Linker, Module, Store, ValType, Value};

/// A kernel: `export(arg) -> i64` exported by a module (WebAssembly text, or a binary
/// compiled from Rust).
struct Kernel {
    name: &'static str,
    module: &'static [u8],
    export: &'static str,
    arg: i32,
    /// The right result, where it is known without running wasm.
    expected: Option<fn(i32) -> i64>,
}

#[rustfmt::skip]
const KERNELS: &[Kernel] = &[
    Kernel { name: "fib (recursive calls)", module: include_bytes!("kernels/fib.wat"), export: "run", arg: 30, expected: Some(|_| 832_040) },
    Kernel { name: "sieve (memory loops)", module: include_bytes!("kernels/sieve.wat"), export: "run", arg: 2_000_000, expected: Some(|_| 148_933) },
    Kernel { name: "matmul (f64)", module: include_bytes!("kernels/matmul.wat"), export: "run", arg: 100, expected: None },
    Kernel { name: "hash (i32 bits)", module: include_bytes!("kernels/hash.wat"), export: "run", arg: 3_000_000, expected: None },
    Kernel { name: "bits64 (i64 bits)", module: include_bytes!("kernels/bits64.wat"), export: "run", arg: 3_000_000, expected: None },
    Kernel { name: "brtable (dispatch)", module: include_bytes!("kernels/brtable.wat"), export: "run", arg: 5_000_000, expected: None },
    Kernel { name: "indirect (call_indirect)", module: include_bytes!("kernels/indirect.wat"), export: "run", arg: 3_000_000, expected: None },
    Kernel { name: "copy (memory.copy, loads)", module: include_bytes!("kernels/copy.wat"), export: "run", arg: 1_000, expected: None },
    Kernel { name: "tailcall (return_call)", module: include_bytes!("kernels/tailcall.wat"), export: "run", arg: 10_000_000, expected: Some(fib_mod_2_64) },
    Kernel { name: "lz (compiled Rust program)", module: include_bytes!("programs/lz/program.wasm"), export: "run", arg: 128, expected: Some(|kib| lz::run(kib)) },
    Kernel { name: "particles4 (f32x4)", module: include_bytes!("kernels/particles4.wat"), export: "run", arg: 300, expected: None },
    Kernel { name: "springs2 (f64x2)", module: include_bytes!("kernels/springs2.wat"), export: "run", arg: 300, expected: None },
    Kernel { name: "pixels16 (i8x16)", module: include_bytes!("kernels/pixels16.wat"), export: "run", arg: 300, expected: None },
    Kernel { name: "particles (compiled SIMD)", module: include_bytes!("programs/particles/program.wasm"), export: "run", arg: 3_000, expected: Some(|frames| particles::run(frames as u32) as i64) },
    Kernel { name: "loop_param (block param)", module: include_bytes!("kernels/loop_param.wat"), export: "run", arg: 30_000_000, expected: Some(sum_to) },
    Kernel { name: "param_counter (loop param)", module: include_bytes!("kernels/param_counter.wat"), export: "run", arg: 30_000_000, expected: Some(sum_to) },
    Kernel { name: "global_counter (globals)", module: include_bytes!("kernels/global_counter.wat"), export: "run", arg: 20_000_000, expected: Some(sum_to) },
    Kernel { name: "json (compiled parser)", module: WORKLOADS, export: "json", arg: 3_000, expected: Some(|size| workloads::json(size)) },
    Kernel { name: "mandelbrot (compiled f64)", module: WORKLOADS, export: "mandelbrot", arg: 300, expected: Some(|size| workloads::mandelbrot(size)) },
    Kernel { name: "nbody (compiled f64)", module: WORKLOADS, export: "nbody", arg: 50_000, expected: Some(|size| workloads::nbody(size)) },
    Kernel { name: "fib (compiled i64 loop)", module: WORKLOADS, export: "fib", arg: 60_000, expected: Some(|size| workloads::fib(size)) },
    Kernel { name: "sieve (compiled bytes)", module: WORKLOADS, export: "sieve", arg: 6_000_000, expected: Some(|size| workloads::sieve(size)) },
    Kernel { name: "bulk (compiled fill/move)", module: WORKLOADS, export: "bulk", arg: 200_000, expected: Some(|size| workloads::bulk(size)) },
    Kernel { name: "dispatch (compiled match)", module: WORKLOADS, export: "dispatch", arg: 300, expected: Some(|size| workloads::dispatch(size)) },
];

/// The compiled workloads (`programs/workloads/`), one export each.
const WORKLOADS: &[u8] = include_bytes!("programs/workloads/program.wasm");

/// 1 + 2 + ... + n (the counter kernels' result).
fn sum_to(n: i32) -> i64 {
    let n = i64::from(n);
    n * (n + 1) / 2
}

/// fib(n) mod 2^64 (the `tailcall` kernel's result).
fn fib_mod_2_64(n: i32) -> i64 {
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n {
        (a, b) = (b, a.wrapping_add(b));
    }
    a as i64
}

/// Frames of the rocket game per run.
const ROCKET_FRAMES: u32 = 10_000;
const ROCKET_WASM: &[u8] = include_bytes!("../games/rocket/program.wasm");

/// Timed runs of each side (after a warm-up): `BENCH_RUNS`, or `default`.
fn runs(default: usize) -> usize {
    std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|runs| runs.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let filter = std::env::args().skip(1).find(|arg| !arg.starts_with('-'));
    let wanted = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    println!(
        "{:<28} {:>12} {:>12} {:>8}",
        "kernel", "wasmcade ms", "wasmi ms", "ratio"
    );
    let mut ratios = Vec::new();
    for kernel in KERNELS.iter().filter(|k| wanted(k.name)) {
        let bytes = wat::parse_bytes(kernel.module).expect("kernel parses");
        let mut ours = wasmcade_kernel(&bytes, kernel.export);
        let mut theirs = wasmi_kernel(&bytes, kernel.export);
        let (ours, theirs, result) =
            side_by_side(runs(7), || ours(kernel.arg), || theirs(kernel.arg));
        if let Some(expected) = kernel.expected {
            assert_eq!(
                result,
                expected(kernel.arg),
                "{}: wrong result",
                kernel.name
            );
        }
        ratios.push(report(kernel.name, ours, theirs));
    }
    if wanted("rocket") {
        let name = "rocket (10,000 frames)";
        // Both must make the same number of draw calls.
        let (ours, theirs, _) = side_by_side(
            runs(5),
            || rocket_in_wasmcade(None),
            || rocket_in_wasmi(false),
        );
        ratios.push(report(name, ours, theirs));
        println!(
            "  rocket per frame (update + draw): wasmcade {:.1} µs, wasmi {:.1} µs",
            micros(ours) / ROCKET_FRAMES as f64,
            micros(theirs) / ROCKET_FRAMES as f64
        );
        let (ours, theirs, _) = side_by_side(
            runs(5),
            || rocket_in_wasmcade(Some(DEFAULT_FUEL)),
            || rocket_in_wasmi(true),
        );
        println!(
            "  rocket per frame with fuel metering: wasmcade {:.1} µs, wasmi {:.1} µs ({:.2})",
            micros(ours) / ROCKET_FRAMES as f64,
            micros(theirs) / ROCKET_FRAMES as f64,
            ours.as_secs_f64() / theirs.as_secs_f64()
        );
        rocket_startup();
    }
    if !ratios.is_empty() {
        let mean = (ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp();
        println!(
            "{:<28} {:>12} {:>12} {:>8.2}",
            "geometric mean", "", "", mean
        );
    }
    if wanted("coremark") {
        coremark();
    }
}

/// Prints one row; returns the ratio wasmcade/wasmi.
fn report(name: &str, ours: Duration, theirs: Duration) -> f64 {
    let ratio = ours.as_secs_f64() / theirs.as_secs_f64();
    println!(
        "{name:<28} {:>12.2} {:>12.2} {ratio:>8.2}",
        micros(ours) / 1000.0,
        micros(theirs) / 1000.0
    );
    ratio
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// Times both engines, alternating run by run so that the machine's load falls on both
/// alike: one warm-up each, then the median of `runs` timed runs each. Both must return
/// the same result every time; returns (ours, theirs, result).
fn side_by_side(
    runs: usize,
    mut ours: impl FnMut() -> i64,
    mut theirs: impl FnMut() -> i64,
) -> (Duration, Duration, i64) {
    let result = ours();
    assert_eq!(theirs(), result, "the engines disagree");
    let mut times = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let start = Instant::now();
        assert_eq!(ours(), result, "wasmcade gave a different result");
        times.0.push(start.elapsed());
        let start = Instant::now();
        assert_eq!(theirs(), result, "wasmi gave a different result");
        times.1.push(start.elapsed());
    }
    (median(times.0), median(times.1), result)
}

/// The median time of `runs` runs after one warm-up.
fn median_time(runs: usize, mut run: impl FnMut()) -> Duration {
    run();
    median(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                run();
                start.elapsed()
            })
            .collect(),
    )
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn wasmcade_kernel(bytes: &[u8], export: &str) -> impl FnMut(i32) -> i64 {
    let module = Module::new(bytes).expect("wasmcade loads the kernel");
    let mut store = Store::new(());
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    let run = instance.get_func(&store, export).unwrap();
    move |arg| match run.call(&mut store, &[Value::I32(arg)]).unwrap()[..] {
        [Value::I64(result)] => result,
        ref other => panic!("unexpected result {other:?}"),
    }
}

fn wasmi_kernel(bytes: &[u8], export: &str) -> impl FnMut(i32) -> i64 {
    let engine = wasmi::Engine::default();
    let module = wasmi::Module::new(&engine, bytes).expect("wasmi loads the kernel");
    let mut store = wasmi::Store::new(&engine, ());
    let instance = wasmi::Linker::new(&engine)
        .instantiate_and_start(&mut store, &module)
        .unwrap();
    let run = instance.get_typed_func::<i32, i64>(&store, export).unwrap();
    move |arg| run.call(&mut store, arg).unwrap()
}

/// The keys of the benchmark session: shooting all the time, turning now and then.
fn rocket_toggles(frame: u32) -> Option<(Action, bool)> {
    match frame % 300 {
        0 => Some((Action::TurnLeft, frame.is_multiple_of(600))),
        _ => None,
    }
}

/// Runs the session (with `fuel` for each call, if any: `wasmcade play` gives each call
/// `DEFAULT_FUEL`); returns how many draw calls the game made.
fn rocket_in_wasmcade(fuel: Option<u64>) -> i64 {
    let module = Module::new(ROCKET_WASM).unwrap();
    let limits = Limits {
        fuel,
        ..Limits::default()
    };
    let mut game = start_rocket(&module, limits);
    let mut calls = 0;
    for frame in 0..ROCKET_FRAMES {
        if let Some((action, on)) = rocket_toggles(frame) {
            game.toggle(action, on).unwrap();
        }
        game.update(1.0 / 60.0).unwrap();
        calls += game.draw().unwrap().len() as i64;
    }
    calls
}

/// Prints how long the rocket game takes to start in wasmcade (median of 21 each):
/// loading and instantiating, and on to the end of the first frame, with each function
/// translated at its first call (as `wasmcade play` does) and with all translated at
/// load; and wasmi's `Module::new` in its default mode (translation at first call too)
/// and in its eager one.
fn rocket_startup() {
    let load = |eager: bool| {
        let module = Module::new(ROCKET_WASM).unwrap();
        if eager {
            module.translate_all().unwrap();
        }
        module
    };
    let ms = |run: &dyn Fn()| micros(median_time(runs(21), run)) / 1000.0;
    let [instantiated, eager_instantiated] = [false, true].map(|eager| {
        ms(&|| {
            RocketGame::instantiate(&load(eager), Limits::default()).unwrap();
        })
    });
    let [first_frame, eager_first_frame] =
        [false, true].map(|eager| ms(&|| rocket_first_frame(&load(eager))));
    let [wasmi_lazy, wasmi_eager] = [
        wasmi::CompilationMode::LazyTranslation,
        wasmi::CompilationMode::Eager,
    ]
    .map(|mode| {
        let mut config = wasmi::Config::default();
        config.compilation_mode(mode);
        let engine = wasmi::Engine::new(&config);
        ms(&|| {
            wasmi::Module::new(&engine, ROCKET_WASM).unwrap();
        })
    });
    println!(
        "  rocket load + instantiate in wasmcade: {instantiated:.3} ms \
         ({eager_instantiated:.3} ms translating every function at load)"
    );
    println!(
        "    to the end of the first frame: {first_frame:.3} ms ({eager_first_frame:.3} ms); \
         wasmi's Module::new: {wasmi_lazy:.3} ms ({wasmi_eager:.3} ms eager)"
    );
}

const COREMARK_WASM: &[u8] = include_bytes!("coremark/coremark.wasm");

/// Runs CoreMark (`coremark/`) once in each engine, ours first, and prints both
/// scores (iterations per second: higher is better) and ours over wasmi's. Not in the
/// geometric mean of time ratios. Each run takes ten to twenty seconds.
fn coremark() {
    let start = Instant::now();
    let clock_ms = move || start.elapsed().as_millis() as i32;
    let ours = {
        let module = Module::new(COREMARK_WASM).expect("wasmcade loads CoreMark");
        let mut store = Store::new(());
        let clock = Func::new_raw(
            &mut store,
            FuncType::new([], [ValType::I32]),
            move |_, bits| {
                bits[0] = clock_ms() as u32 as u64;
                Ok(())
            },
        );
        let instance = Linker::new()
            .define("env", "clock_ms", clock)
            .instantiate(&mut store, &module)
            .unwrap();
        let run = instance.get_func(&store, "run").unwrap();
        match run.call(&mut store, &[]).unwrap()[..] {
            [Value::F32(score)] => score,
            ref other => panic!("unexpected result {other:?}"),
        }
    };
    let theirs = {
        let engine = wasmi::Engine::default();
        let module = wasmi::Module::new(&engine, COREMARK_WASM).expect("wasmi loads CoreMark");
        let mut store = wasmi::Store::new(&engine, ());
        let mut linker = wasmi::Linker::new(&engine);
        linker.func_wrap("env", "clock_ms", clock_ms).unwrap();
        let instance = linker.instantiate_and_start(&mut store, &module).unwrap();
        let run = instance.get_typed_func::<(), f32>(&store, "run").unwrap();
        run.call(&mut store, ()).unwrap()
    };
    println!(
        "coremark score (higher is faster): wasmcade {ours:.0}, wasmi {theirs:.0} ({:.2}x wasmi's)",
        ours / theirs
    );
    if ours == 0.0 || theirs == 0.0 {
        println!(
            "  a score of 0 is CoreMark's own error: its timed run took under ten seconds \
             (the machine ran faster than when it chose the number of iterations), or its \
             CRCs were wrong (tests/coremark.rs checks those); run it again"
        );
    }
}

/// Instantiates the rocket game from `module`, sized and shooting (which reaches the
/// functions that spawn bullets and particles), as each session starts.
fn start_rocket(module: &Module, limits: Limits) -> RocketGame {
    let mut game = RocketGame::instantiate(module, limits).unwrap();
    game.resize(1024.0, 600.0).unwrap();
    game.toggle(Action::Shoot, true).unwrap();
    game
}

/// Starts the rocket game from `module` and runs its first frame.
fn rocket_first_frame(module: &Module) {
    let mut game = start_rocket(module, Limits::default());
    game.update(1.0 / 60.0).unwrap();
    game.draw().unwrap();
}

/// The same session in wasmi, with host functions that also record every draw call
/// (metering fuel, if `fuel`, with a budget that lasts the session).
fn rocket_in_wasmi(fuel: bool) -> i64 {
    use wasmi::Caller;
    type Calls = Vec<(u8, [f64; 3])>;
    let mut config = wasmi::Config::default();
    config.consume_fuel(fuel);
    let engine = wasmi::Engine::new(&config);
    let module = wasmi::Module::new(&engine, ROCKET_WASM).unwrap();
    let mut store = wasmi::Store::new(&engine, Calls::new());
    if fuel {
        store.set_fuel(u64::MAX).unwrap();
    }
    let mut linker = wasmi::Linker::<Calls>::new(&engine);
    linker
        .func_wrap("env", "clear_screen", |mut c: Caller<'_, Calls>| {
            c.data_mut().push((0, [0.0; 3]))
        })
        .unwrap()
        .func_wrap(
            "env",
            "draw_player",
            |mut c: Caller<'_, Calls>, x: f64, y: f64, a: f64| c.data_mut().push((1, [x, y, a])),
        )
        .unwrap()
        .func_wrap(
            "env",
            "draw_enemy",
            |mut c: Caller<'_, Calls>, x: f64, y: f64| c.data_mut().push((2, [x, y, 0.0])),
        )
        .unwrap()
        .func_wrap(
            "env",
            "draw_bullet",
            |mut c: Caller<'_, Calls>, x: f64, y: f64| c.data_mut().push((3, [x, y, 0.0])),
        )
        .unwrap()
        .func_wrap(
            "env",
            "draw_particle",
            |mut c: Caller<'_, Calls>, x: f64, y: f64, r: f64| c.data_mut().push((4, [x, y, r])),
        )
        .unwrap()
        .func_wrap("env", "draw_score", |mut c: Caller<'_, Calls>, s: f64| {
            c.data_mut().push((5, [s, 0.0, 0.0]))
        })
        .unwrap()
        .func_wrap("env", "sin", f64::sin)
        .unwrap()
        .func_wrap("env", "cos", f64::cos)
        .unwrap()
        .func_wrap("env", "Math_atan", f64::atan)
        .unwrap();
    let instance = linker.instantiate_and_start(&mut store, &module).unwrap();
    let func = |name| instance.get_func(&store, name).unwrap();
    let (resize, update, draw) = (func("resize"), func("update"), func("draw"));
    let toggles = Action::ALL.map(|action| func(action.export_name()));
    let resize = resize.typed::<(f64, f64), ()>(&store).unwrap();
    let update = update.typed::<f64, ()>(&store).unwrap();
    let draw = draw.typed::<(), ()>(&store).unwrap();
    let toggles = toggles.map(|f| f.typed::<i32, ()>(&store).unwrap());
    resize.call(&mut store, (1024.0, 600.0)).unwrap();
    toggles[Action::Shoot as usize].call(&mut store, 1).unwrap();
    let mut calls = 0;
    for frame in 0..ROCKET_FRAMES {
        if let Some((action, on)) = rocket_toggles(frame) {
            toggles[action as usize]
                .call(&mut store, on as i32)
                .unwrap();
        }
        update.call(&mut store, 1.0 / 60.0).unwrap();
        store.data_mut().clear();
        draw.call(&mut store, ()).unwrap();
        calls += store.data().len() as i64;
    }
    calls
}
