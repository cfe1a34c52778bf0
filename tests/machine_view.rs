//! The machine view without a window: a game stopped inside its calls (by steps, steps
//! over and out, and breakpoints on an export and on an import) and resumed plays on
//! bit for bit as a game never stopped; and the panels say what the stopped call holds
//! after a known number of steps.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use wasmcade::app::keys::{key_by_name, Input};
use wasmcade::app::machine::model::{self, Shape};
use wasmcade::app::machine::pilot::{Pilot, PilotWatcher};
use wasmcade::app::machine::stops::{Breakpoints, Until};
use wasmcade::app::session::{Session, SessionConfig};
use wasmcade::bundled;
use wasmcade::host::DrawCall;
use wasmcade::interp::{Limits, Linker, Module, Stepper, Store, Value};

fn rocket() -> Session {
    let module = Module::new(bundled::by_name("rocket").unwrap().wasm).unwrap();
    let config = SessionConfig {
        field: (1024.0, 600.0),
        limits: Limits::default(),
        abi: None,
        seed: 1,
        file: None,
    };
    Session::start(module, config).unwrap()
}

/// The keys held at `frame`: Space (shooting: `toggle_shoot` calls) on and off, Left
/// for a while.
fn held(frame: u64) -> Input {
    let mut input = Input::default();
    if frame % 40 >= 10 && frame % 40 < 30 {
        input.keys.set(key_by_name("space").unwrap(), true);
    }
    if (50..90).contains(&frame) {
        input.keys.set(key_by_name("left").unwrap(), true);
    }
    input
}

/// Where stops happened: in each export, and how many.
#[derive(Default, Debug)]
struct Stops {
    by_export: std::collections::BTreeMap<&'static str, u64>,
    total: u64,
}

#[test]
fn a_frame_stopped_and_resumed_plays_on_bit_for_bit() {
    const FRAMES: u64 = 120;
    let far = || Instant::now() + Duration::from_secs(3600);
    let mut normal = rocket();
    let mut stepped = rocket();
    let pilot = Rc::new(RefCell::new(Pilot::default()));
    {
        let mut pilot = pilot.borrow_mut();
        pilot.breakpoints.add("toggle_shoot");
        pilot.breakpoints.add("draw_player");
    }
    stepped.set_watcher(Some(Box::new(PilotWatcher(Rc::clone(&pilot)))));
    let mut stops = Stops::default();
    let mut draw_calls = 0;
    for frame in 0..FRAMES {
        let dt = 1.0 / 60.0 + (frame % 5) as f64 * 0.001;
        normal.apply_input(&held(frame)).unwrap();
        let want: Vec<DrawCall> = normal.step(dt).unwrap().to_vec();

        // Every third frame is stepped instruction by instruction at its start; the
        // others stop only at the breakpoints.
        pilot.borrow_mut().until = match frame % 3 {
            0 => Until::Step,
            _ => Until::Breakpoint,
        };
        stepped.apply_input(&held(frame)).unwrap();
        let mut made = stepped.step_until(dt, far()).unwrap().map(<[_]>::to_vec);
        let mut in_frame = 0;
        while made.is_none() {
            assert!(stepped.stopped(), "frame {frame}: no frame and not stopped");
            let (export, stepper, _) = stepped.game().stopped_call().unwrap();
            *stops.by_export.entry(export).or_default() += 1;
            stops.total += 1;
            let depth = stepper.depth();
            in_frame += 1;
            pilot.borrow_mut().until = match in_frame {
                0..40 => Until::Step,
                40..45 => Until::Over(depth),
                45..47 if depth > 1 => Until::Out(depth),
                45..47 => Until::NextCall,
                _ => Until::Breakpoint,
            };
            made = stepped.resume_frame().unwrap().map(<[_]>::to_vec);
        }
        assert!(!stepped.stopped());
        let got = made.unwrap();
        assert_eq!(want.len(), got.len(), "frame {frame}");
        for (n, (a, b)) in want.iter().zip(&got).enumerate() {
            assert!(a.bit_eq(b), "frame {frame}, call {n}: {a:?} vs {b:?}");
        }
        draw_calls += want.len();
    }
    assert_eq!(normal.summary(), stepped.summary());
    assert_eq!(stepped.summary().frames, FRAMES);
    assert!(draw_calls > 1000, "{draw_calls} draw calls compared");
    // Stops inside a key's call, the update and the draw.
    for export in ["toggle_shoot", "update", "draw"] {
        assert!(
            stops.by_export.get(export).is_some_and(|&n| n > 0),
            "no stop in {export}: {stops:?}"
        );
    }
    assert!(stops.total > 40 * FRAMES / 3, "{stops:?}");
    let (a, b) = (normal.save_state().unwrap(), stepped.save_state().unwrap());
    assert!(
        a.game.instance == b.game.instance,
        "the same state at the end"
    );
}

const NAMED: &str = r#"
(module
  (memory 1)
  (func $outer (export "outer") (param $seed i32) (result i32)
    (local $total i32)
    (local.set $total (call $inner (local.get $seed)))
    (local.get $total))
  (func $inner (param $x i32) (result i32)
    (local $i i32)
    (block $done
      (loop $again
        (i32.store (i32.const 16) (i32.const 0x6c6c6568))
        (br_if $done (i32.ge_u (local.get $i) (i32.const 3)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $again)))
    (i32.add (local.get $x) (local.get $i))))
"#;

#[test]
fn the_panels_show_the_stopped_call_after_n_steps() {
    let module = Module::new(&wat::parse_str(NAMED).unwrap()).unwrap();
    let mut store = Store::new(());
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    let outer = instance.get_func(&store, "outer").unwrap();
    let mut stepper = Stepper::new(&mut store, outer, &[Value::I32(5)]).unwrap();
    // outer: local.get 0, call $inner; inner: block, loop, i32.const, i32.const,
    // i32.store, local.get 1, i32.const 3: the next is `i32.ge_u`.
    for _ in 0..9 {
        stepper.step(&mut store).unwrap();
    }
    let memory = instance
        .default_memory(&store)
        .unwrap()
        .data(&store)
        .to_vec();
    let mut breakpoints = Breakpoints::default();
    breakpoints.add("inner");
    let shape = Shape {
        cursor: None,
        rows: 6,
        bytes_per_row: 8,
        memory_rows: 3,
    };
    let panels = model::panels("outer", &stepper, &memory, &breakpoints, shape);
    assert_eq!(panels.title, "outer > inner · next: i32.ge_u");
    let current: Vec<_> = panels.listing.iter().filter(|l| l.current).collect();
    assert_eq!(current.len(), 1);
    assert!(
        current[0].text.ends_with("      i32.ge_u"),
        "{:?}",
        current[0]
    );
    assert_eq!(current[0].index, 7);
    assert_eq!(panels.position, (7, 20));
    assert_eq!(panels.listing.len(), 6);
    // The entry of a function with a breakpoint is marked, when on screen.
    assert!(panels
        .listing
        .iter()
        .all(|l| l.breakpoint == (l.index == 0)));
    assert_eq!(panels.stack, ["i32 3", "i32 0"]);
    assert_eq!(panels.locals, ["x = i32 5", "i = i32 0"]);
    assert_eq!(panels.frames.len(), 2);
    assert!(
        panels.frames[0].starts_with("inner @0x"),
        "{:?}",
        panels.frames
    );
    assert!(
        panels.frames[1].starts_with("outer @0x"),
        "{:?}",
        panels.frames
    );
    assert_eq!(panels.blocks.len(), 2);
    assert!(
        panels.blocks[0].starts_with("block @0x"),
        "{:?}",
        panels.blocks
    );
    assert!(
        panels.blocks[1].starts_with("loop @0x"),
        "{:?}",
        panels.blocks
    );
    assert_eq!(
        panels.memory,
        [
            "memory @0x10 (last access)",
            "00000000 00 00 00 00 00 00 00 00 ........",
            "00000008 00 00 00 00 00 00 00 00 ........",
            "00000010 68 65 6c 6c 00 00 00 00 hell....",
        ]
    );
    assert_eq!(
        panels.memory_mark,
        Some((2, 0)),
        "the stored word's first byte"
    );
    // The cursor moves the listing: its line is on screen and marked.
    let shape = Shape {
        cursor: Some(16),
        ..shape
    };
    let panels = model::panels("outer", &stepper, &memory, &breakpoints, shape);
    assert!(panels.listing.iter().any(|l| l.cursor && l.index == 16));
    assert!(panels.listing.iter().all(|l| !l.current));
    // To the end of the call.
    let results = stepper.finish_call(&mut store).unwrap();
    assert_eq!(results, [Value::I32(8)]);
    let panels = model::panels("outer", &stepper, &memory, &breakpoints, shape);
    assert_eq!(panels.title, "outer has returned");
}
