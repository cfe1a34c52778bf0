//! The stepper (WebAssembly run one instruction at a time, `interp::step`) against normal
//! execution: small spec-style modules (tail calls and wide arithmetic among them) give
//! the same results and trap with the same trap at the same instruction (typed function
//! references too); the rocket game stepped through whole frames draws the
//! same calls, bit for bit, and ends each frame with the same memory and globals as a
//! normal run.

use std::cell::Cell;
use std::rc::Rc;

use wasmcade::host::{Action, Game, RocketGame};
use wasmcade::interp::{
    run_watched, Instruction, Limits, Linker, Module, StepOutcome, Stepper, Store, Value, Watcher,
};

const MODULE: &str = r#"
(module
  (type $binary (func (param i32 i32) (result i32)))
  (memory 1 3)
  (global $counter (mut i32) (i32.const 0))
  (table 4 funcref)
  (elem (i32.const 0) $add $sub $fib)
  (data (i32.const 64) "hello")

  (func $fib (export "fib") (param $n i32) (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (if (result i32) (i32.lt_s (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))

  (func $add (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func $sub (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))

  (func (export "apply") (param $which i32) (param $a i32) (param $b i32) (result i32)
    (call_indirect (type $binary) (local.get $a) (local.get $b) (local.get $which)))

  (func (export "sum_to") (param $n i32) (result i64)
    (local $acc i64)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $n))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $again)))
    (local.get $acc))

  (func (export "classify") (param $x i32) (result i32)
    (block $c (block $b (block $a
      (br_table $a $b $c (local.get $x)))
      (return (i32.const 100)))
      (return (i32.const 200)))
    (i32.const 300))

  (func (export "memory") (param $at i32) (result f64)
    (i64.store offset=8 (local.get $at) (i64.const -2))
    (f64.store (i32.const 200) (f64.const 0.5))
    (i32.store8 (i32.const 300) (i32.const 0x1ff))
    (memory.fill (i32.const 400) (i32.const 7) (i32.const 16))
    (memory.copy (i32.const 500) (i32.const 64) (i32.const 5))
    (drop (memory.grow (i32.const 1)))
    (f64.add
      (f64.convert_i64_s (i64.load offset=8 (local.get $at)))
      (f64.add (f64.load (i32.const 200))
        (f64.convert_i32_u (i32.add (i32.load8_u (i32.const 300))
          (i32.add (i32.load8_s (i32.const 407))
            (i32.add (i32.load8_u (i32.const 501)) (memory.size))))))))

  (func (export "floats") (param $x f32) (result f32)
    (f32.add (f32.sqrt (local.get $x))
      (f32.demote_f64 (f64.nearest (f64.promote_f32 (local.get $x))))))

  (func (export "select") (param $c i32) (result i64)
    (select (i64.const 11) (i64.const 22) (local.get $c)))

  (func (export "divide") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "unreachable") (unreachable))
  (func (export "load_far") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "counter") (result i32) (global.get $counter))

  (func $count_down (export "count_down") (param $n i32) (param $acc i64) (result i64)
    (if (result i64) (i32.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call $count_down (i32.sub (local.get $n) (i32.const 1))
        (i64.add (local.get $acc) (i64.extend_i32_u (local.get $n)))))))
  (func (export "tail_apply") (param $which i32) (param $a i32) (param $b i32) (result i32)
    (return_call_indirect (type $binary) (local.get $a) (local.get $b) (local.get $which)))
  (func (export "wide") (param $a i64) (param $b i64) (result i64 i64 i64 i64)
    (i64.mul_wide_u (local.get $a) (local.get $b))
    (i64.add128 (local.get $a) (local.get $b) (i64.const -1) (i64.const 0))
    (drop)
    (i64.sub128 (i64.const 0) (i64.const 0) (i64.const 1))
    (drop)
    (i64.mul_wide_s (local.get $a) (local.get $b))
    (drop))

  (type $unary (func (param i32) (result i32)))
  (elem declare func $twice $tail_ref)
  (func $twice (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func (export "refs") (param $x i32) (param $null i32) (result i32)
    (local $f (ref null $unary))
    (if (i32.eqz (local.get $null)) (then (local.set $f (ref.func $twice))))
    (block $null_ref
      (return (call_ref $unary (local.get $x) (br_on_null $null_ref (local.get $f)))))
    (block $non_null (result (ref $unary))
      (br_on_non_null $non_null (local.get $f))
      (return (i32.const -1)))
    (drop)
    (i32.const -2))
  (func (export "as_non_null") (param $null i32) (result i32)
    (call_ref $unary (i32.const 21)
      (ref.as_non_null (select (result (ref null $unary))
        (ref.null $unary) (ref.func $twice) (local.get $null)))))
  (func (export "null_call") (result i32) (call_ref $unary (i32.const 1) (ref.null $unary)))
  (func $tail_ref (export "tail_ref") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 7))
      (else (return_call_ref $unary (i32.sub (local.get $n) (i32.const 1))
        (ref.func $tail_ref)))))
)
"#;

/// The calls compared: export and arguments.
fn calls() -> Vec<(&'static str, Vec<Value>)> {
    vec![
        ("fib", vec![Value::I32(15)]),
        ("counter", vec![]),
        ("apply", vec![Value::I32(0), Value::I32(40), Value::I32(2)]),
        ("apply", vec![Value::I32(1), Value::I32(40), Value::I32(2)]),
        ("apply", vec![Value::I32(2), Value::I32(40), Value::I32(2)]),
        ("apply", vec![Value::I32(3), Value::I32(40), Value::I32(2)]),
        ("apply", vec![Value::I32(9), Value::I32(40), Value::I32(2)]),
        ("sum_to", vec![Value::I32(1000)]),
        ("classify", vec![Value::I32(0)]),
        ("classify", vec![Value::I32(1)]),
        ("classify", vec![Value::I32(2)]),
        ("classify", vec![Value::I32(-7)]),
        ("memory", vec![Value::I32(16)]),
        ("memory", vec![Value::I32(65_530)]),
        ("floats", vec![Value::F32(2.5)]),
        ("floats", vec![Value::F32(-1.0)]),
        ("select", vec![Value::I32(0)]),
        ("select", vec![Value::I32(5)]),
        ("divide", vec![Value::I32(7), Value::I32(2)]),
        ("divide", vec![Value::I32(7), Value::I32(0)]),
        ("divide", vec![Value::I32(i32::MIN), Value::I32(-1)]),
        ("unreachable", vec![]),
        ("load_far", vec![Value::I32(-4)]),
        ("counter", vec![]),
        ("count_down", vec![Value::I32(5_000), Value::I64(0)]),
        (
            "tail_apply",
            vec![Value::I32(1), Value::I32(40), Value::I32(2)],
        ),
        (
            "tail_apply",
            vec![Value::I32(2), Value::I32(10), Value::I32(2)],
        ),
        (
            "tail_apply",
            vec![Value::I32(3), Value::I32(40), Value::I32(2)],
        ),
        ("wide", vec![Value::I64(-1), Value::I64(3)]),
        ("refs", vec![Value::I32(5), Value::I32(0)]),
        ("refs", vec![Value::I32(5), Value::I32(1)]),
        ("as_non_null", vec![Value::I32(0)]),
        ("as_non_null", vec![Value::I32(1)]),
        ("null_call", vec![]),
        ("tail_ref", vec![Value::I32(5_000)]),
    ]
}

#[test]
fn small_modules_step_as_they_run() {
    let module = Module::new(&wat::parse_str(MODULE).unwrap()).unwrap();
    let traps = stepping::steps_as_it_runs(&module, calls());
    assert_eq!(traps, 11, "the traps compared");
}

/// Counts the instructions of a watched call by mnemonic.
#[derive(Default)]
struct Count(std::collections::HashMap<String, u64>, u64);

impl Watcher for Count {
    fn executed(&mut self, instruction: &Instruction, stepper: &Stepper) {
        let word = instruction.text.split(' ').next().unwrap().to_string();
        *self.0.entry(word).or_default() += 1;
        self.1 = self.1.max(stepper.depth() as u64);
    }
}

/// `MODULE` instantiated in a store of its own, and its `fib`.
fn fib_in_a_new_store() -> (Store<()>, wasmcade::interp::Func) {
    let module = Module::new(&wat::parse_str(MODULE).unwrap()).unwrap();
    let mut store = Store::new(());
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    let fib = instance.get_func(&store, "fib").unwrap();
    (store, fib)
}

#[test]
fn a_naive_fib_of_10_compares_177_times() {
    let (mut store, fib) = fib_in_a_new_store();
    let mut count = Count::default();
    let results = run_watched(&mut store, fib, &[Value::I32(10)], &mut count).unwrap();
    assert_eq!(results, [Value::I32(55)]);
    assert_eq!(count.0["i32.lt_s"], 177);
    assert_eq!(count.0["call"], 176);
    assert_eq!(count.1, 10, "deepest call stack");
}

#[test]
fn a_paused_call_shows_the_machine() {
    let (mut store, fib) = fib_in_a_new_store();
    let mut stepper = Stepper::new(&mut store, fib, &[Value::I32(10)]).unwrap();
    let mut seen = Vec::new();
    for _ in 0..8 {
        seen.push(stepper.next_instruction().unwrap().text);
        assert!(matches!(
            stepper.step(&mut store).unwrap(),
            StepOutcome::Running
        ));
    }
    assert_eq!(
        seen,
        [
            "global.get 0",
            "i32.const 1",
            "i32.add",
            "global.set 0",
            "local.get 0",
            "i32.const 2",
            "i32.lt_s",
            "if (result i32)"
        ]
    );
    let stack: Vec<String> = stepper.operands().iter().map(|v| v.to_string()).collect();
    assert!(stack.is_empty(), "{stack:?}");
    assert_eq!(stepper.blocks().len(), 1);
    let frames = stepper.frames();
    assert_eq!(frames[0].function(), "fib");
    assert_eq!(frames[0].locals[0].0.as_deref(), Some("n"));
    assert_eq!(frames[0].locals[0].1.to_string(), "i32 10");
    // On into the else arm, to the first recursive call.
    while stepper.next_instruction().unwrap().text != "call $fib" {
        stepper.step(&mut store).unwrap();
    }
    let stack: Vec<String> = stepper.operands().iter().map(|v| v.to_string()).collect();
    assert_eq!(stack, ["i32 9"]);
    stepper.step(&mut store).unwrap();
    assert_eq!(stepper.frames().len(), 2);
    assert_eq!(stepper.frames()[0].locals[0].1.to_string(), "i32 9");
    assert_eq!(stepper.finish_call(&mut store).unwrap(), [Value::I32(55)]);
}

/// The keys held during a frame (as in tests/rocket_differential.rs).
fn held(frame: u64) -> [bool; 4] {
    let phase = frame % 300;
    [
        frame % 40 < 30,
        (100..130).contains(&phase),
        phase < 90,
        (150..200).contains(&phase),
    ]
}

/// Counts instructions only: the rocket's frames stepped with a watcher on.
struct Instructions(Rc<Cell<u64>>);

impl Watcher for Instructions {
    fn executed(&mut self, _: &Instruction, _: &Stepper) {
        self.0.set(self.0.get() + 1);
    }
}

#[test]
fn the_rocket_stepped_draws_bit_for_bit_what_it_draws_normally() {
    const FRAMES: u64 = 240;
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/games/rocket/program.wasm"
    ))
    .unwrap();
    let module = Module::new(&bytes).unwrap();
    let mut normal = RocketGame::instantiate(&module, Limits::default()).unwrap();
    let mut stepped = RocketGame::instantiate(&module, Limits::default()).unwrap();
    let stepped_instructions = Rc::new(Cell::new(0));
    stepped.set_watcher(Some(Box::new(Instructions(Rc::clone(
        &stepped_instructions,
    )))));
    for game in [&mut normal, &mut stepped] {
        game.resize(1024.0, 600.0).unwrap();
    }
    let mut keys = [false; 4];
    let mut draw_calls = 0;
    for frame in 0..FRAMES {
        let now = held(frame);
        for game in [&mut normal, &mut stepped] {
            for (i, action) in Action::ALL.into_iter().enumerate() {
                if now[i] != keys[i] {
                    game.toggle(action, now[i]).unwrap();
                }
            }
            game.update(1.0 / 60.0 + (frame % 7) as f64 * 0.001)
                .unwrap();
        }
        keys = now;
        let want = normal.draw().unwrap().to_vec();
        let got = stepped.draw().unwrap().to_vec();
        assert_eq!(want.len(), got.len(), "frame {frame}");
        for (call, (a, b)) in want.iter().zip(&got).enumerate() {
            assert!(a.bit_eq(b), "frame {frame}, call {call}: {a:?} vs {b:?}");
        }
        draw_calls += want.len();
        assert_eq!(
            normal.take_import_calls(),
            stepped.take_import_calls(),
            "frame {frame}"
        );
        if frame % 60 == 59 {
            let (a, b) = (normal.save_state().unwrap(), stepped.save_state().unwrap());
            assert!(
                a.instance == b.instance,
                "memory or globals differ after frame {frame}"
            );
        }
    }
    assert!(stepped.take_watcher().is_some());
    let instructions = stepped_instructions.get();
    assert!(
        draw_calls > 10 * FRAMES as usize,
        "only {draw_calls} draw calls"
    );
    assert!(
        instructions > 1000 * FRAMES,
        "only {instructions} instructions stepped"
    );
    println!(
        "{FRAMES} frames, {instructions} instructions stepped, {draw_calls} draw calls identical"
    );
}

mod common;

/// `wasmcade run --trace` prints one line per WebAssembly instruction, with the stack.
#[test]
fn the_trace_of_a_naive_fib_of_10_has_177_comparisons() {
    let wasm = common::module_file("trace-fib", MODULE);
    let out = common::wasmcade(&[
        "run",
        wasm.to_str().unwrap(),
        "--invoke",
        "fib",
        "10",
        "--trace",
    ]);
    let (stdout, stderr) = (common::text(&out.stdout), common::text(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    assert_eq!(stdout.trim(), "55");
    let compares: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains(" i32.lt_s "))
        .collect();
    assert_eq!(compares.len(), 177, "{stderr}");
    assert_eq!(
        stderr.lines().filter(|l| l.contains(" call $fib ")).count(),
        176
    );
    // The first comparison: fib(10) compares 10 with 2, leaving an i32 0.
    assert!(compares[0].starts_with("fib @0x"), "{}", compares[0]);
    assert!(compares[0].ends_with("; [i32 0]"), "{}", compares[0]);
    let first = stderr.lines().next().unwrap();
    assert!(
        first.contains("global.get 0") && first.ends_with("; [i32 0]"),
        "{first}"
    );
    // Deeper calls are indented.
    assert!(
        stderr.lines().any(|l| l.starts_with("  fib @0x")),
        "{stderr}"
    );
}

/// Runs `wasmcade debug` on `MODULE`'s `fib` with `commands` on stdin: its stdout.
fn debug_fib(n: &str, commands: &str) -> String {
    let wasm = common::module_file("debug-fib", MODULE);
    debug(&[wasm.to_str().unwrap(), "--invoke", "fib", n], commands)
}

/// Runs `wasmcade debug ARGS` with `commands` on stdin: its stdout.
fn debug(args: &[&str], commands: &str) -> String {
    use std::io::Write;
    use std::process::Stdio;
    let mut all = vec!["debug"];
    all.extend(args);
    let mut child = common::wasmcade_command(&all)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(commands.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = common::text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    common::text(&out.stdout)
}

#[test]
fn the_debugger_stops_at_each_call_of_fib() {
    let out = debug_fib(
        "10",
        "break fib\nrun\nlocals\ncontinue\nlocals\ncontinue\nlocals\n",
    );
    let locals: Vec<&str> = out.lines().filter(|l| l.starts_with("n = ")).collect();
    assert_eq!(locals, ["n = i32 10", "n = i32 9", "n = i32 8"], "{out}");
    let stops = out
        .lines()
        .filter(|l| l.starts_with("stopped in fib @0x"))
        .count();
    assert_eq!(stops, 3, "{out}");
    // At the end of its commands the debugger lets the call finish.
    assert!(
        out.ends_with("fib returned [i32 55]\n") || out.ends_with("fib returned [55]\n"),
        "{out}"
    );
}

#[test]
fn the_debugger_steps_shows_the_machine_and_quits() {
    let script = "break 0\nrun\nstep\nstep\nstep\nstack\nnext\nbt\nfinish\nbacktrace\nx 64 5\ndisassemble\nsi\nstack\nfoo\nquit\nlocals\n";
    let out = debug_fib("3", script);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "breakpoint 1: 0");
    assert!(lines[1].ends_with("(depth 1): global.get 0"), "{out}");
    assert!(lines[4].ends_with("(depth 1): global.set 0"), "{out}");
    assert_eq!(lines[5], "stack: [i32 1]");
    // `next` over nothing but a plain instruction: the next one.
    assert!(lines[6].ends_with("(depth 1): local.get 0"), "{out}");
    let offset = lines[6].split_whitespace().nth(3).unwrap();
    assert_eq!(lines[7], format!("#0 fib {offset}"));
    // The breakpoint on function 0 interrupts `finish` in the recursive call.
    assert!(out.contains("(depth 2): global.get 0"), "{out}");
    assert!(out.contains("#1 fib @0x"), "{out}");
    assert!(out.contains("0x00000040: 68 65 6c 6c 6f"), "{out}");
    assert!(out.contains("=> 0x"), "{out}");
    assert!(out.contains("unknown command `foo`"), "{out}");
    // `quit` ends the run there: no results, no more output.
    assert!(!out.contains("returned"), "{out}");
    assert!(out.trim_end().ends_with("unknown command `foo`"), "{out}");
}

#[test]
fn the_debugger_stops_the_game_at_its_host_calls() {
    let out = debug(
        &["--frames", "2"],
        "break draw_player\nrun\nbt\nstack\ncontinue\nstack\n",
    );
    let stops: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("stopped in "))
        .collect();
    assert_eq!(stops.len(), 2, "{out}");
    assert!(
        stops.iter().all(|l| l.ends_with(": call $draw_player")),
        "{out}"
    );
    // The player's x, y and angle, about to be passed to the host.
    let stacks: Vec<&str> = out.lines().filter(|l| l.starts_with("stack: ")).collect();
    assert_eq!(stacks.len(), 2, "{out}");
    assert!(
        stacks.iter().all(|l| l.matches("f64 ").count() == 3),
        "{out}"
    );
    assert!(out.contains("#1 draw @0x"), "{out}");
    assert!(out.ends_with("frames=2 draw_calls=6 score=0\n"), "{out}");
}

/// `--profile`: per function calls, self and total instructions; `--profile-folded`:
/// folded stacks whose counts add up to every instruction run.
#[test]
fn the_profile_counts_calls_and_instructions() {
    let dir = common::temp_dir("profile");
    let wasm = common::module_in(&dir, "fib", MODULE);
    let (table, folded) = (dir.join("profile.txt"), dir.join("profile.folded"));
    let out = common::wasmcade(&[
        "run",
        wasm.to_str().unwrap(),
        "--invoke",
        "fib",
        "10",
        "--profile",
        table.to_str().unwrap(),
        "--profile-folded",
        folded.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", common::text(&out.stderr));
    let table = std::fs::read_to_string(table).unwrap();
    let row: Vec<&str> = table.lines().nth(1).unwrap().split_whitespace().collect();
    // fib(10) is called 177 times; one function: self and total are the same.
    assert_eq!(row[..2], ["fib", "177"], "{table}");
    assert_eq!(row[2], row[3], "{table}");
    let folded = std::fs::read_to_string(folded).unwrap();
    let sum: u64 = folded
        .lines()
        .map(|l| l.rsplit_once(' ').unwrap().1.parse::<u64>().unwrap())
        .sum();
    assert_eq!(sum.to_string(), row[2], "{folded}");
    assert!(
        folded.lines().any(|l| l.starts_with("fib;fib;fib ")),
        "{folded}"
    );
}

mod stepping;
