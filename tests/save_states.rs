//! Save states: the interpreter's snapshots restore every kind of state an instance has
//! (and refuse another module's), and a game loaded from a state file goes on bit for bit
//! as the original session did, checked against a recording for each contract (the rocket,
//! a canvas game, a WASM-4 cart with a disk); states that do not fit are refused with a
//! reason.

mod common;

use std::path::Path;

use wasmcade::interp::{Instance, Linker, Module, SnapshotError, Store, Value};

use common::{module_in, repo_path, temp_dir, text, wasmcade};

/// Memory that grows, a mutable and an immutable global, a funcref global, a table that
/// grows, a passive element and data segment that get dropped.
const STATEFUL: &str = r#"
(module
  (memory (export "memory") 1 4)
  (table 2 10 funcref)
  (global $counter (mut i64) (i64.const 1))
  (global $seven i32 (i32.const 7))
  (global $chosen (mut funcref) (ref.null func))
  (elem $pair func $ten $twenty)
  (data $hello "hello")
  (func $ten (result i32) (i32.const 10))
  (func $twenty (result i32) (i32.const 20))
  (func (export "init")
    (memory.init $hello (i32.const 100) (i32.const 0) (i32.const 5))
    (table.init $pair (i32.const 0) (i32.const 0) (i32.const 2)))
  (func (export "change")
    (global.set $counter (i64.add (global.get $counter) (i64.const 1)))
    (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
    (drop (memory.grow (i32.const 1)))
    (drop (table.grow (ref.func $twenty) (i32.const 1)))
    (table.set (i32.const 0) (ref.func $twenty))
    (global.set $chosen (ref.func $ten))
    (data.drop $hello)
    (elem.drop $pair))
  (func (export "observe") (result i64)
    ;; counter, memory word 0, pages, table size, table[0]'s result, byte 100, seven,
    ;; whether a function is chosen: one number.
    (i64.add
      (i64.add
        (i64.mul (global.get $counter) (i64.const 1000000000))
        (i64.extend_i32_u (i32.mul (i32.load (i32.const 0)) (i32.const 10000000))))
      (i64.extend_i32_u
        (i32.add
          (i32.add
            (i32.add (i32.mul (memory.size) (i32.const 1000000)) (i32.mul (table.size) (i32.const 10000)))
            (i32.add (i32.mul (call_indirect (result i32) (i32.const 0)) (i32.const 100))
                     (i32.load8_u (i32.const 100))))
          (i32.add (global.get $seven) (i32.mul (ref.is_null (global.get $chosen)) (i32.const 1000)))))))
)
"#;

fn instantiate(module: &Module) -> (Store<()>, Instance) {
    let mut store = Store::new(());
    let instance = Linker::new().instantiate(&mut store, module).unwrap();
    (store, instance)
}

fn call(store: &mut Store<()>, instance: Instance, name: &str) -> Result<Vec<Value>, String> {
    instance
        .call(store, name, &[])
        .map_err(|error| error.to_string())
}

fn observe(store: &mut Store<()>, instance: Instance) -> i64 {
    match call(store, instance, "observe").unwrap()[..] {
        [Value::I64(value)] => value,
        ref other => panic!("{other:?}"),
    }
}

#[test]
fn snapshots_restore_memories_globals_tables_and_dropped_segments() {
    let module = Module::new(&wat::parse_str(STATEFUL).unwrap()).unwrap();
    let (mut store, instance) = instantiate(&module);
    call(&mut store, instance, "init").unwrap();
    let before = observe(&mut store, instance);
    // counter 1, word 0, 1 page, 2 elements, table[0] = ten, 'h' at 100, seven, no choice.
    assert_eq!(
        before,
        1_000_000_000 + 1_000_000 + 20_000 + 1_000 + 104 + 7 + 1_000
    );
    let snapshot = instance.snapshot(&store).unwrap();

    call(&mut store, instance, "change").unwrap();
    call(&mut store, instance, "change").unwrap();
    let changed = observe(&mut store, instance);
    assert_ne!(changed, before);
    assert!(
        call(&mut store, instance, "init").is_err(),
        "the segments are dropped"
    );

    instance.restore(&mut store, &snapshot).unwrap();
    assert_eq!(observe(&mut store, instance), before);
    assert_eq!(instance.snapshot(&store).unwrap(), snapshot);
    call(&mut store, instance, "init").expect("the segments are back");

    // The same state goes on the same way in a fresh instance of another store.
    let (mut other, fresh) = instantiate(&module);
    fresh.restore(&mut other, &snapshot).unwrap();
    assert_eq!(observe(&mut other, fresh), before);
    call(&mut other, fresh, "change").unwrap();
    call(&mut store, instance, "change").unwrap();
    assert_eq!(observe(&mut other, fresh), observe(&mut store, instance));
}

#[test]
fn a_snapshot_is_refused_by_another_module_and_when_it_does_not_fit() {
    let module = Module::new(&wat::parse_str(STATEFUL).unwrap()).unwrap();
    let (store, instance) = instantiate(&module);
    let snapshot = instance.snapshot(&store).unwrap();
    let other = Module::new(&wat::parse_str(STATEFUL.replace("hello", "howdy")).unwrap()).unwrap();
    let (mut other_store, other_instance) = instantiate(&other);
    assert_eq!(
        other_instance.restore(&mut other_store, &snapshot),
        Err(SnapshotError::OtherModule)
    );

    let (mut store, instance) = instantiate(&module);
    let mut too_big = snapshot.clone();
    too_big.memories[0] = vec![0; 5 * 65_536];
    let error = instance.restore(&mut store, &too_big).unwrap_err();
    assert!(error.to_string().contains("memory 0"), "{error}");
    let mut bad_function = snapshot.clone();
    bad_function.tables[0][0] = 1_000;
    let error = instance.restore(&mut store, &bad_function).unwrap_err();
    assert!(error.to_string().contains("names function 999"), "{error}");
    // Refused whole: nothing changed.
    assert_eq!(instance.snapshot(&store).unwrap(), snapshot);
}

/// Plays `game` for `frames` frames with `keys`, and again in two halves through a state
/// saved at frame `at` (the second half started from the file in a new process): the
/// draw calls of the frames after `at` must be the same bit for bit. `fresh` runs before
/// each session that starts from frame 0 (to remove what a game keeps beside it).
fn assert_resumes_exactly(
    dir: &Path,
    game: &str,
    keys: &str,
    (frames, at): (u64, u64),
    fresh: impl Fn(),
) {
    let path = |name: &str| dir.join(name).to_str().unwrap().to_string();
    std::fs::write(dir.join("keys.txt"), keys).unwrap();
    let frames = frames.to_string();
    let at_frame = at.to_string();
    let run = |args: &[&str]| {
        let mut all = vec!["play", game, "--headless"];
        all.extend(args);
        let out = wasmcade(&all);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        text(&out.stdout)
    };
    let (keys, record, state) = (path("keys.txt"), path("rec.txt"), path("at.state"));
    let (all, tail) = (path("all.jsonl"), path("tail.jsonl"));
    // The first half (saving the state), then the whole session, then the second half.
    fresh();
    run(&["--input", &keys, "--frames", &frames, "--record", &record]);
    fresh();
    run(&[
        "--replay",
        &record,
        "--frames",
        &at_frame,
        "--save-state",
        &state,
    ]);
    fresh();
    let whole = run(&["--replay", &record, "--dump-draws", &all]);
    let resumed = run(&[
        "--replay",
        &record,
        "--load-state",
        &state,
        "--dump-draws",
        &tail,
    ]);
    assert_eq!(resumed, whole, "the same summary");
    let after = |line: &&str| {
        let frame: u64 = line
            .strip_prefix("{\"frame\":")
            .and_then(|rest| rest.split(',').next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        frame >= at
    };
    let all = std::fs::read_to_string(dir.join("all.jsonl")).unwrap();
    let tail = std::fs::read_to_string(dir.join("tail.jsonl")).unwrap();
    let expected: Vec<&str> = all.lines().filter(after).collect();
    let got: Vec<&str> = tail.lines().collect();
    assert!(got.len() > 50, "{} draw calls after the state", got.len());
    assert!(got == expected, "the resumed game drew differently");
}

#[test]
fn the_rocket_goes_on_from_a_state_exactly() {
    let dir = temp_dir("state-rocket");
    let keys = "0 space down\n40 left down\n100 left up\n120 up down\n200 up up\n";
    assert_resumes_exactly(&dir, "rocket", keys, (400, 150), || ());
}

#[test]
fn a_canvas_game_with_random_numbers_goes_on_from_a_state_exactly() {
    let dir = temp_dir("state-breakout");
    // Saved while Left is held and before the launch, which draws a random number.
    let keys = "0 left down\n30 left up\n40 pad1 south down\n42 pad1 south up\n100 pad1 right down\n160 pad1 right up\n";
    assert_resumes_exactly(&dir, "breakout", keys, (400, 20), || ());
}

/// A cart that counts its frames in its disk (read and written every frame) and draws
/// the count, the frame counter in memory and the gamepads 1 and 2.
const COUNTING_CART: &str = r#"
(module
  (import "env" "memory" (memory 1 1))
  (import "env" "rect" (func $rect (param i32 i32 i32 i32)))
  (import "env" "diskr" (func $diskr (param i32 i32) (result i32)))
  (import "env" "diskw" (func $diskw (param i32 i32) (result i32)))
  (global $frames (mut i32) (i32.const 0))
  (func (export "update")
    (drop (call $diskr (i32.const 0x2000) (i32.const 4)))
    (i32.store (i32.const 0x2000) (i32.add (i32.load (i32.const 0x2000)) (i32.const 1)))
    (drop (call $diskw (i32.const 0x2000) (i32.const 4)))
    (global.set $frames (i32.add (global.get $frames) (i32.const 1)))
    (call $rect (i32.rem_u (i32.load (i32.const 0x2000)) (i32.const 150)) (i32.const 10) (i32.const 8) (i32.const 8))
    (call $rect (i32.rem_u (global.get $frames) (i32.const 150)) (i32.const 40) (i32.const 8) (i32.const 8))
    (call $rect (i32.load8_u (i32.const 0x16)) (i32.const 70) (i32.const 8) (i32.const 8))
    (call $rect (i32.load8_u (i32.const 0x17)) (i32.const 100) (i32.const 8) (i32.const 8))))
"#;

#[test]
fn a_wasm4_cart_goes_on_from_a_state_with_its_disk() {
    let dir = temp_dir("state-wasm4");
    let cart = module_in(&dir, "counter", COUNTING_CART);
    let disk = dir.join("counter.disk");
    // Each session from frame 0 starts with an empty disk; the second half starts with
    // the disk file the whole session left (its count at frame 200): only the state's
    // own disk makes it right.
    let keys = "5 x down\n50 x up\n60 e down\n90 e up\n100 pad2 south down\n130 pad2 south up\n";
    assert_resumes_exactly(&dir, cart.to_str().unwrap(), keys, (200, 80), || {
        let _ = std::fs::remove_file(&disk);
    });
    assert_eq!(std::fs::read(&disk).unwrap(), 200u32.to_le_bytes());
}

#[test]
fn states_that_do_not_fit_are_refused_with_a_reason() {
    let dir = temp_dir("state-refused");
    let state = dir.join("rocket.state");
    let state = state.to_str().unwrap();
    let out = wasmcade(&[
        "play",
        "--headless",
        "--frames",
        "10",
        "--save-state",
        state,
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let refused = |args: &[&str], reason: &str| {
        let mut all = vec!["play", "--headless", "--frames", "20", "--load-state"];
        all.extend(args);
        let out = wasmcade(&all);
        let stderr = text(&out.stderr);
        assert!(!out.status.success(), "{args:?} was accepted");
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(stderr.contains(reason), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    };
    refused(&[state, "breakout"], "belongs to another module");
    refused(&[state, "--size", "800x600"], "saved on a 1024x600 field");
    let bytes = std::fs::read(state).unwrap();
    let truncated = dir.join("truncated.state");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    refused(&[truncated.to_str().unwrap()], "damaged");
    let png = repo_path("assets/rocket.png");
    refused(&[&png], "not a wasmcade save state");
    refused(&[dir.join("none.state").to_str().unwrap()], "cannot read");
}
