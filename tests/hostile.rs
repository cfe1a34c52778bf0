//! Hostile and broken modules through the real CLI, as a user would run them: each case
//! must end with its expected result, or with exit code 1 and exactly one `error:` line
//! naming the problem — never a panic, a signal or a hang.
//!
//! One table ([`cases`]), one runner ([`check`]). A case pairs a module with an
//! [`Invocation`] (`wasmcade run`, or `wasmcade play --headless` for games) and an
//! [`Expect`]ation.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a case may take before it counts as hung (a hang detector, not a speed test).
const HANG_LIMIT: Duration = Duration::from_secs(10);

/// The module a case runs.
enum Source {
    /// WebAssembly text, compiled to binary at test time.
    Wat(String),
    /// Raw bytes (for malformed modules).
    Bytes(Vec<u8>),
}

/// How the CLI is asked to run the module.
enum Invocation {
    /// `wasmcade run FILE --invoke NAME [FLAGS...] -- [ARGS...]`.
    Run {
        invoke: &'static str,
        args: Vec<&'static str>,
        flags: Vec<&'static str>,
    },
    /// `wasmcade play FILE --headless --frames N [FLAGS...]`.
    Play {
        frames: u32,
        flags: Vec<&'static str>,
    },
}

impl Invocation {
    fn play(frames: u32, flags: &[&'static str]) -> Invocation {
        Invocation::Play {
            frames,
            flags: flags.to_vec(),
        }
    }

    fn run(invoke: &'static str) -> Invocation {
        Invocation::Run {
            invoke,
            args: Vec::new(),
            flags: Vec::new(),
        }
    }

    fn argv(&self, file: &Path) -> Vec<String> {
        match self {
            Invocation::Run {
                invoke,
                args,
                flags,
            } => {
                let mut argv = vec!["run".into(), file.display().to_string()];
                argv.extend(["--invoke".into(), invoke.to_string()]);
                argv.extend(flags.iter().map(|f| f.to_string()));
                argv.push("--".into());
                argv.extend(args.iter().map(|a| a.to_string()));
                argv
            }
            Invocation::Play { frames, flags } => {
                let mut argv = vec![
                    "play".into(),
                    file.display().to_string(),
                    "--headless".into(),
                ];
                argv.extend(["--frames".into(), frames.to_string()]);
                argv.extend(flags.iter().map(|f| f.to_string()));
                argv
            }
        }
    }
}

/// What a case must produce.
enum Expect {
    /// Exit code 0 and exactly this on stdout.
    Output(&'static str),
    /// Exit code 1 and one `error:` line containing every needle.
    Error(Vec<String>),
}

struct Case {
    name: String,
    source: Source,
    invocation: Invocation,
    expect: Expect,
}

fn case(name: &str, source: Source, invocation: Invocation, expect: Expect) -> Case {
    Case {
        name: name.to_string(),
        source,
        invocation,
        expect,
    }
}

fn wat(text: &str) -> Source {
    Source::Wat(text.to_string())
}

fn error(needles: &[&str]) -> Expect {
    Expect::Error(needles.iter().map(|n| n.to_string()).collect())
}

fn with_args(invoke: &'static str, args: &[&'static str]) -> Invocation {
    Invocation::Run {
        invoke,
        args: args.to_vec(),
        flags: Vec::new(),
    }
}

fn with_flags(invoke: &'static str, flags: &[&'static str]) -> Invocation {
    Invocation::Run {
        invoke,
        args: Vec::new(),
        flags: flags.to_vec(),
    }
}

/// A module with every section kind, to truncate inside each.
const ALL_SECTIONS: &str = r#"(module
  (type (func (result i32)))
  (import "env" "f" (func))
  (table 1 funcref)
  (memory 1)
  (global i32 (i32.const 7))
  (export "g" (func 1))
  (start 0)
  (elem (i32.const 0) func 1)
  (func (result i32) (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 1)) (i32.const 1))
  (data "hello")
  (@custom "note" "some custom bytes"))"#;

/// Start offset, id and content range of each section of a binary module.
fn sections(wasm: &[u8]) -> Vec<(u8, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut at = 8;
    while at < wasm.len() {
        let id = wasm[at];
        let (mut len, mut shift, mut pos) = (0usize, 0, at + 1);
        loop {
            let byte = wasm[pos];
            len |= ((byte & 0x7f) as usize) << shift;
            shift += 7;
            pos += 1;
            if byte & 0x80 == 0 {
                break;
            }
        }
        out.push((id, pos..pos + len));
        at = pos + len;
    }
    out
}

/// Section names by id, as error messages spell them.
const SECTION_NAMES: [&str; 13] = [
    "custom",
    "type",
    "import",
    "function",
    "table",
    "memory",
    "global",
    "export",
    "start",
    "element",
    "code",
    "data",
    "data count",
];

/// One case per section kind: the file cut off halfway through that section's contents.
fn truncated_cases() -> Vec<Case> {
    let wasm = wat::parse_str(ALL_SECTIONS).unwrap();
    let found = sections(&wasm);
    let mut ids: Vec<u8> = found.iter().map(|(id, _)| *id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(
        ids,
        (0..=12).collect::<Vec<u8>>(),
        "ALL_SECTIONS must hold every section kind"
    );
    found
        .into_iter()
        .map(|(id, content)| {
            let cut = content.start + content.len() / 2;
            case(
                &format!("truncated inside section {id}"),
                Source::Bytes(wasm[..cut].to_vec()),
                Invocation::run("g"),
                error(&[
                    "unexpected end-of-file",
                    &format!("in the {} section", SECTION_NAMES[id as usize]),
                    "(at byte offset 0x",
                ]),
            )
        })
        .collect()
}

/// A function whose single local declaration asks for `u32::MAX` locals.
fn billions_of_locals() -> Vec<u8> {
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    wasm.extend([1, 4, 1, 0x60, 0, 0]); // type section: (func)
    wasm.extend([3, 2, 1, 0]); // function section: one function of type 0
    wasm.extend([7, 5, 1, 1, b'f', 0, 0]); // export "f" (func 0)
                                           // code section: 1 body of 8 bytes: 1 local group, count u32::MAX, i32; `end`.
    wasm.extend([10, 10, 1, 8, 1, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x7f, 0x0b]);
    wasm
}

/// `depth` nested blocks with a value flowing out of the innermost one.
fn deeply_nested(depth: usize) -> String {
    format!(
        "(module (func (export \"deep\") (result i32) {} i32.const 42 {}))",
        "block (result i32) ".repeat(depth),
        "end ".repeat(depth)
    )
}

/// A `br_table` with `targets` entries, all but the last to the outer block.
fn huge_br_table(targets: usize) -> String {
    format!(
        "(module (func (export \"pick\") (param i32) (result i32)
           (block $last (block $outer (br_table {} $last (local.get 0))) (return (i32.const 1)))
           (i32.const 2)))",
        "$outer ".repeat(targets)
    )
}

const EDGES: &str = r#"(module (memory 1)
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store8") (param i32) (i32.store8 (local.get 0) (i32.const 1)))
  (func (export "load32") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "load_far") (param i32) (result i32) (i32.load offset=0xffffffff (local.get 0))))"#;

const ARITH: &str = r#"(module
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "rem") (param i64 i64) (result i64) (i64.rem_u (local.get 0) (local.get 1)))
  (func (export "trunc") (param f32) (result i32) (i32.trunc_f32_s (local.get 0))))"#;

const TABLES: &str = r#"(module
  (type $v (func))
  (table 2 funcref)
  (elem (i32.const 0) func $f)
  (func $f (param i32))
  (func (export "null") (call_indirect (type $v) (i32.const 1)))
  (func (export "wrong_type") (call_indirect (type $v) (i32.const 0)))
  (func (export "past_end") (call_indirect (type $v) (i32.const 2))))"#;

/// A game with the rocket contract whose `update` runs `body` (with a helper `$f` that
/// runs `helper`), and whose `draw` draws the score `score`.
fn game(body: &str, helper: &str, score: &str) -> Source {
    wat(&format!(
        r#"(module
          (import "env" "draw_score" (func $score (param f64)))
          (memory 1)
          (func $f (param i32) (result i32) {helper})
          (func (export "update") (param f64) {body})
          (func (export "draw") (call $score {score})))"#
    ))
}

/// The games of the corpus, played as a user would with `wasmcade play --headless`.
fn game_cases() -> Vec<Case> {
    let quiet = "(i32.const 0)";
    let score0 = "(f64.const 0)";
    vec![
        case(
            "play: unreachable in update",
            game("unreachable", quiet, score0),
            Invocation::play(5, &[]),
            error(&["frame 0: trap in update: unreachable in update (func 2) at offset"]),
        ),
        case(
            "play: update loops forever (the default fuel budget stops it)",
            game("(loop $l (br $l))", quiet, score0),
            Invocation::play(5, &[]),
            error(&["out of fuel in update (budget 100000000 instructions)"]),
        ),
        case(
            "play: update recurses forever",
            game(
                "(drop (call $f (i32.const 0)))",
                "(call $f (local.get 0))",
                score0,
            ),
            Invocation::play(5, &[]),
            error(&["trap in update: call stack exhausted in f (func 1)"]),
        ),
        case(
            "play: integer division by zero in a helper",
            game(
                "(drop (call $f (i32.const 0)))",
                "(i32.div_u (i32.const 1) (local.get 0))",
                score0,
            ),
            Invocation::play(5, &[]),
            error(&["trap in update: integer divide by zero in f (func 1) at offset"]),
        ),
        case(
            "play: out-of-bounds store in update",
            game("(i32.store (i32.const 65535) (i32.const 1))", quiet, score0),
            Invocation::play(5, &[]),
            error(&["trap in update: out of bounds memory access"]),
        ),
        case(
            "play: memory.grow in a loop ends at the cap",
            game(
                "(loop $grow (br_if $grow (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))",
                quiet,
                "(f64.convert_i32_u (memory.size))",
            ),
            Invocation::play(1, &["--max-memory-pages", "64"]),
            Expect::Output("frames=1 draw_calls=1 score=64\n"),
        ),
        case(
            "play: a score of 1e300 prints",
            game("", quiet, "(f64.const 1e300)"),
            Invocation::play(1, &[]),
            Expect::Output("frames=1 draw_calls=1 score=1e300\n"),
        ),
        case(
            "play: an import with the wrong signature",
            wat(r#"(module (import "env" "draw_enemy" (func (param i32)))
                 (func (export "update") (param f64)) (func (export "draw")))"#),
            Invocation::play(1, &[]),
            error(&["does not fit the rocket contract"]),
        ),
        case(
            "play: an unknown import",
            wat(r#"(module (import "env" "play_sound" (func (param i32)))
                 (func (export "update") (param f64)) (func (export "draw")))"#),
            Invocation::play(1, &[]),
            error(&["does not fit the rocket contract (1 problem)"]),
        ),
        case(
            "play: a start function that traps",
            wat(r#"(module (func $boom unreachable) (start $boom)
                 (func (export "update") (param f64)) (func (export "draw")))"#),
            Invocation::play(1, &[]),
            error(&[
                "trap while instantiating (in the start function): unreachable in boom (func 0)",
            ]),
        ),
        case(
            "play: initial memory of 65,536 pages",
            wat(
                r#"(module (memory 65536) (func (export "update") (param f64)) (func (export "draw")))"#,
            ),
            Invocation::play(1, &[]),
            error(&["memory of 65536 pages (4096 MiB) exceeds the limit of 4096 pages (256 MiB)"]),
        ),
    ]
}

fn cases() -> Vec<Case> {
    let mut cases = game_cases();
    cases.extend(vec![
        case(
            "empty file",
            Source::Bytes(Vec::new()),
            Invocation::run("f"),
            error(&["empty"]),
        ),
        case(
            "wrong magic",
            Source::Bytes(b"\0asX\x01\0\0\0".to_vec()),
            Invocation::run("f"),
            error(&["magic", "offset 0x0"]),
        ),
        case(
            "wrong version",
            Source::Bytes(b"\0asm\x02\0\0\0".to_vec()),
            Invocation::run("f"),
            error(&[
                "unknown binary version 0x2 (only version 1",
                "(at byte offset 0x4)",
            ]),
        ),
        case(
            "section length past the end of the file",
            Source::Bytes(b"\0asm\x01\0\0\0\x01\xff\xff\x03\x60\x00".to_vec()),
            Invocation::run("f"),
            error(&["unexpected end-of-file in the type section (at byte offset 0xc)"]),
        ),
        case(
            "billions of locals",
            Source::Bytes(billions_of_locals()),
            Invocation::run("f"),
            error(&[
                "too many locals",
                "in the code section (function body 0) (at byte offset 0x",
            ]),
        ),
        case(
            "unknown import",
            wat(r#"(module (import "env" "launch_missiles" (func)) (func (export "f")))"#),
            Invocation::run("f"),
            error(&["unknown import env.launch_missiles"]),
        ),
        case(
            // `run` provides no host functions, so any signature is unsatisfiable.
            "import with a wrong signature",
            wat(r#"(module (import "env" "log" (func (param f64 f64 f64))) (func (export "f")))"#),
            Invocation::run("f"),
            error(&["unknown import env.log", "(param f64 f64 f64)"]),
        ),
        case(
            "initial memory of 65,536 pages",
            wat(r#"(module (memory 65536) (func (export "f")))"#),
            Invocation::run("f"),
            error(&["65536 pages", "exceeds the limit"]),
        ),
        case(
            "memory.grow in a loop stops at the cap",
            wat(r#"(module (memory 0)
              (func (export "grow") (result i32)
                (block $full (loop $again
                  (br_if $full (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
                  (br $again)))
                (memory.size)))"#),
            with_flags("grow", &["--max-memory-pages", "1000"]),
            Expect::Output("1000\n"),
        ),
        case(
            "load of the last byte",
            wat(EDGES),
            with_args("load8", &["65535"]),
            Expect::Output("0\n"),
        ),
        case(
            "store to the last byte",
            wat(EDGES),
            with_args("store8", &["65535"]),
            Expect::Output(""),
        ),
        case(
            "load one past the last byte",
            wat(EDGES),
            with_args("load8", &["65536"]),
            error(&["out of bounds memory access in load8 (func 0) at offset 0x"]),
        ),
        case(
            "store one past the last byte",
            wat(EDGES),
            with_args("store8", &["65536"]),
            error(&["out of bounds memory access in store8 (func 1) at offset 0x"]),
        ),
        case(
            "4-byte load straddling the end",
            wat(EDGES),
            with_args("load32", &["65533"]),
            error(&["out of bounds memory access in load32"]),
        ),
        case(
            "address + offset overflowing 32 bits",
            wat(EDGES),
            with_args("load_far", &["1"]),
            error(&["out of bounds memory access in load_far"]),
        ),
        case(
            "unreachable",
            wat(r#"(module (func (export "update") unreachable))"#),
            Invocation::run("update"),
            error(&["unreachable in update (func 0) at offset 0x"]),
        ),
        case(
            "division by zero",
            wat(ARITH),
            with_args("div", &["1", "0"]),
            error(&["integer divide by zero in div"]),
        ),
        case(
            "remainder by zero",
            wat(ARITH),
            with_args("rem", &["1", "0"]),
            error(&["integer divide by zero in rem"]),
        ),
        case(
            "INT_MIN / -1",
            wat(ARITH),
            with_args("div", &["-2147483648", "-1"]),
            error(&["integer overflow in div"]),
        ),
        case(
            "NaN to integer",
            wat(ARITH),
            with_args("trunc", &["NaN"]),
            error(&["invalid conversion to integer in trunc"]),
        ),
        case(
            "a loop that never ends runs out of fuel",
            wat(r#"(module (func (export "update") (loop $l (br $l))))"#),
            with_flags("update", &["--fuel", "10000000"]),
            error(&["out of fuel (budget 10000000 instructions) in update"]),
        ),
        case(
            "infinite recursion",
            wat(r#"(module (func $f (export "update") (call $f)))"#),
            Invocation::run("update"),
            error(&["call stack exhausted in f (func 0)"]),
        ),
        case(
            "call_indirect to a null entry",
            wat(TABLES),
            Invocation::run("null"),
            error(&["uninitialized element in null"]),
        ),
        case(
            "call_indirect to the wrong type",
            wat(TABLES),
            Invocation::run("wrong_type"),
            error(&["indirect call type mismatch in wrong_type"]),
        ),
        case(
            "call_indirect past the table's end",
            wat(TABLES),
            Invocation::run("past_end"),
            error(&["undefined element in past_end"]),
        ),
        case(
            "start function that traps",
            wat(r#"(module (func $boot unreachable) (start $boot) (func (export "f")))"#),
            Invocation::run("f"),
            error(&["unreachable in boot (func 0) at offset 0x"]),
        ),
        case(
            "br_table with 100,000 targets",
            wat(&huge_br_table(100_000)),
            with_args("pick", &["99999"]),
            Expect::Output("1\n"),
        ),
        case(
            "br_table default target",
            wat(&huge_br_table(100_000)),
            with_args("pick", &["100000"]),
            Expect::Output("2\n"),
        ),
        case(
            "10,000 nested blocks",
            wat(&deeply_nested(10_000)),
            Invocation::run("deep"),
            Expect::Output("42\n"),
        ),
    ]);
    cases.extend(truncated_cases());
    cases
}

/// Writes the case's module to a file of its own and returns the path.
fn module_file(index: usize, source: &Source) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "wasmcade-hostile-{}-{index}.wasm",
        std::process::id()
    ));
    let bytes = match source {
        Source::Wat(text) => wat::parse_str(text).unwrap(),
        Source::Bytes(bytes) => bytes.clone(),
    };
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Runs `argv` with output in files (no pipe can fill up), killing it after the hang
/// limit. Returns exit code (None for a signal), stdout, stderr.
fn run_with_timeout(
    argv: &[String],
    output: &Path,
) -> Result<(Option<i32>, String, String), String> {
    let (out_path, err_path) = (output.with_extension("out"), output.with_extension("err"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_wasmcade"))
        .args(argv)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > HANG_LIMIT {
            child.kill().unwrap();
            child.wait().unwrap();
            return Err(format!("still running after {HANG_LIMIT:?}: killed"));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned();
    Ok((status.code(), read(&out_path), read(&err_path)))
}

/// Runs one case; `Err` says what was wrong.
fn check(index: usize, case: &Case) -> Result<(), String> {
    let file = module_file(index, &case.source);
    let (code, stdout, stderr) = run_with_timeout(&case.invocation.argv(&file), &file)?;
    let detail = format!("exit {code:?}\nstdout: {stdout}\nstderr: {stderr}");
    if stderr.contains("panicked") {
        return Err(format!("panicked\n{detail}"));
    }
    match &case.expect {
        Expect::Output(expected) => {
            if code != Some(0) || stdout != *expected {
                return Err(format!("expected success printing {expected:?}\n{detail}"));
            }
        }
        Expect::Error(needles) => {
            let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
            let [line] = errors.as_slice() else {
                return Err(format!("expected exactly one `error:` line\n{detail}"));
            };
            if code != Some(1) {
                return Err(format!("expected exit code 1\n{detail}"));
            }
            if let Some(missing) = needles.iter().find(|n| !line.contains(n.as_str())) {
                return Err(format!("error line lacks {missing:?}\n{detail}"));
            }
        }
    }
    Ok(())
}

#[test]
fn hostile_modules_get_precise_errors_never_crashes() {
    let cases = cases();
    let failures: Vec<String> = cases
        .iter()
        .enumerate()
        .filter_map(|(i, case)| {
            check(i, case)
                .err()
                .map(|why| format!("[{}] {why}", case.name))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} hostile cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// Deep nesting, a huge `br_table` and runaway recursion need no native recursion in
/// the core: load and run them on a thread with a 128 KiB stack.
#[test]
fn core_handles_deep_code_on_a_small_native_stack() {
    use wasmcade::interp::{Linker, Module, Store, TrapKind, Value};
    let modules = [
        (deeply_nested(10_000), "deep", vec![]),
        (huge_br_table(100_000), "pick", vec![Value::I32(5)]),
        (
            r#"(module (func $f (export "f") (call $f)))"#.to_string(),
            "f",
            vec![],
        ),
    ];
    for (text, name, args) in modules {
        let wasm = wat::parse_str(&text).unwrap();
        let name = name.to_string();
        let outcome = std::thread::Builder::new()
            .stack_size(128 << 10)
            .spawn(move || {
                let module = Module::new(&wasm).unwrap();
                let mut store = Store::new(());
                let instance = Linker::new().instantiate(&mut store, &module).unwrap();
                instance
                    .call(&mut store, &name, &args)
                    .map_err(|e| e.as_trap().map(|t| t.kind.clone()))
            })
            .unwrap()
            .join()
            .expect("no native stack overflow or panic");
        assert!(
            matches!(outcome, Ok(_) | Err(Some(TrapKind::CallStackExhausted))),
            "{outcome:?}"
        );
    }
}
