//! Hostile and broken modules through the real CLI, as a user would run them: each case
//! must end with its expected result, or with exit code 1 and exactly one `error:` line
//! naming the problem — never a panic, a signal or a hang; within 10 s, under a few
//! hundred MB of memory (the child's peak resident size), printing a bounded number of
//! lines.
//!
//! One table ([`cases`]), one runner ([`check`]). A case pairs a module with an
//! [`Invocation`] (`wasmcade run`, or `wasmcade play --headless` for games) and an
//! [`Expect`]ation. The families: malformed and truncated files, traps of every kind,
//! runaway loops and recursion (in exports and start functions), floods through every
//! import of the rocket and canvas contracts, memories and tables at their limits, tens
//! of thousands of functions, imports, exports, globals and segments, deep nesting,
//! huge names and oversized files.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a case may take before it counts as hung (a hang detector, not a speed test).
const HANG_LIMIT: Duration = Duration::from_secs(10);
/// The most memory a case's process may reach (peak resident set size).
const MAX_PEAK_RSS_MIB: u64 = 384;
/// The most lines (stdout and stderr together) a case may print.
const MAX_OUTPUT_LINES: usize = 150;
/// The most bytes a case may print.
const MAX_OUTPUT_BYTES: usize = 512 << 10;

/// The module a case runs.
enum Source {
    /// WebAssembly text, compiled to binary at test time.
    Wat(String),
    /// WebAssembly text given to the CLI as a `.wat` file (its text compiler is tested too).
    Text(String),
    /// Raw bytes (for malformed modules).
    Bytes(Vec<u8>),
    /// A file of this many bytes that starts like a module (the rest is zeros).
    Oversized(u64),
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
#[derive(Clone)]
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
    /// `RUST_LOG` for the run (default: unset, so warnings and errors).
    log: Option<&'static str>,
}

fn case(name: &str, source: Source, invocation: Invocation, expect: Expect) -> Case {
    Case {
        name: name.to_string(),
        source,
        invocation,
        expect,
        log: None,
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
            error(&["out of fuel in update (budget 100000000: instructions and host work)"]),
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

/// How a flood of calls to one import ends.
#[derive(Clone, Copy)]
enum FloodEnd {
    /// The frame's display list reaches its ceiling.
    Ceiling,
    /// The fuel budget runs out (the import stores nothing, or its work is charged).
    Fuel,
}

/// Every import of the rocket and canvas contracts: its contract, name, signature (WAT
/// `param`/`result` clauses), the arguments the flood passes, and how the flood ends.
#[rustfmt::skip]
const FLOODED_IMPORTS: [(&str, &str, &str, &str, FloodEnd); 29] = [
    ("rocket", "clear_screen", "", "", FloodEnd::Ceiling),
    ("rocket", "draw_player", "(param f64 f64 f64)", "(f64.const 1) (f64.const 2) (f64.const 3)", FloodEnd::Ceiling),
    ("rocket", "draw_enemy", "(param f64 f64)", "(f64.const 1) (f64.const 2)", FloodEnd::Ceiling),
    ("rocket", "draw_bullet", "(param f64 f64)", "(f64.const 1) (f64.const 2)", FloodEnd::Ceiling),
    ("rocket", "draw_particle", "(param f64 f64 f64)", "(f64.const 1) (f64.const 2) (f64.const 3)", FloodEnd::Ceiling),
    ("rocket", "draw_score", "(param f64)", "(f64.const 1)", FloodEnd::Ceiling),
    ("rocket", "sin", "(param f64) (result f64)", "(f64.const 1)", FloodEnd::Fuel),
    ("rocket", "cos", "(param f64) (result f64)", "(f64.const 1)", FloodEnd::Fuel),
    ("rocket", "Math_atan", "(param f64) (result f64)", "(f64.const 1)", FloodEnd::Fuel),
    ("canvas", "clear", "(param i32)", "(i32.const 255)", FloodEnd::Ceiling),
    ("canvas", "set_color", "(param i32)", "(i32.const 255)", FloodEnd::Fuel),
    ("canvas", "fill_rect", "(param f32 f32 f32 f32)", "(f32.const 1) (f32.const 2) (f32.const 3) (f32.const 4)", FloodEnd::Ceiling),
    ("canvas", "stroke_rect", "(param f32 f32 f32 f32 f32)", "(f32.const 1) (f32.const 2) (f32.const 3) (f32.const 4) (f32.const 1)", FloodEnd::Ceiling),
    ("canvas", "fill_circle", "(param f32 f32 f32)", "(f32.const 1) (f32.const 2) (f32.const 3)", FloodEnd::Ceiling),
    ("canvas", "stroke_circle", "(param f32 f32 f32 f32)", "(f32.const 1) (f32.const 2) (f32.const 3) (f32.const 1)", FloodEnd::Ceiling),
    ("canvas", "line", "(param f32 f32 f32 f32 f32)", "(f32.const 1) (f32.const 2) (f32.const 3) (f32.const 4) (f32.const 1)", FloodEnd::Ceiling),
    ("canvas", "fill_polygon", "(param i32 i32)", "(i32.const 0) (i32.const 10000)", FloodEnd::Ceiling),
    ("canvas", "stroke_polygon", "(param i32 i32 f32)", "(i32.const 0) (i32.const 10000) (f32.const 1)", FloodEnd::Ceiling),
    ("canvas", "text", "(param i32 i32 f32 f32 f32)", "(i32.const 0) (i32.const 4096) (f32.const 1) (f32.const 2) (f32.const 8)", FloodEnd::Ceiling),
    ("canvas", "random", "(result f64)", "", FloodEnd::Fuel),
    ("canvas", "log", "(param i32 i32)", "(i32.const 0) (i32.const 4096)", FloodEnd::Fuel),
    ("canvas", "sin", "(param f64) (result f64)", "(f64.const 1)", FloodEnd::Fuel),
    ("canvas", "cos", "(param f64) (result f64)", "(f64.const 1)", FloodEnd::Fuel),
    ("canvas", "tan", "(param f64) (result f64)", "(f64.const 1)", FloodEnd::Fuel),
    ("canvas", "atan", "(param f64) (result f64)", "(f64.const 1)", FloodEnd::Fuel),
    ("canvas", "exp", "(param f64) (result f64)", "(f64.const 1)", FloodEnd::Fuel),
    ("canvas", "ln", "(param f64) (result f64)", "(f64.const 1)", FloodEnd::Fuel),
    ("canvas", "atan2", "(param f64 f64) (result f64)", "(f64.const 1) (f64.const 2)", FloodEnd::Fuel),
    ("canvas", "pow", "(param f64 f64) (result f64)", "(f64.const 1) (f64.const 2)", FloodEnd::Fuel),
];

/// A game of `contract` that calls `import` forever from `export` (`update`, `draw`, or
/// `start` for its start function).
fn flood_game(contract: &str, import: &str, signature: &str, args: &str, export: &str) -> Source {
    let drop = if signature.contains("result") {
        "drop"
    } else {
        ""
    };
    let (dt, memory) = match contract {
        "canvas" => ("f32", r#"(memory (export "memory") 2)"#),
        _ => ("f64", ""),
    };
    let body = |name: &str| match name == export {
        true => format!("(loop $again (call $flooded {args}) {drop} (br $again))"),
        false => String::new(),
    };
    wat(&format!(
        r#"(module
          (import "env" "{import}" (func $flooded {signature}))
          {memory}
          (func $start {start}) (start $start)
          (func (export "update") (param {dt}) {update})
          (func (export "draw") {draw}))"#,
        start = body("start"),
        update = body("update"),
        draw = body("draw"),
    ))
}

/// What a flood from `export` ends with.
fn flood_error(import: &str, end: FloodEnd, export: &str) -> Expect {
    let context = match export {
        "start" => "trap while instantiating (in the start function): ".to_string(),
        _ => format!("frame 0: trap in {export}: "),
    };
    match (end, export) {
        (FloodEnd::Ceiling, _) => error(&[
            &format!("{context}host function failed: {import}: more than "),
            "in one frame (the display list's limit)",
        ]),
        (FloodEnd::Fuel, "start") => error(&[&format!("{context}out of fuel (budget 100000000")]),
        (FloodEnd::Fuel, _) => error(&[&format!(
            "frame 0: out of fuel in {export} (budget 100000000: instructions and host work)"
        )]),
    }
}

/// Floods: every import of the rocket and canvas contracts called in a loop from `draw`
/// (the display list's ceiling or the fuel budget stops it), and a few from `update` and
/// the start function; with `RUST_LOG=info`, a `log` flood prints a bounded number of
/// lines.
fn flood_cases() -> Vec<Case> {
    let mut cases: Vec<Case> = FLOODED_IMPORTS
        .iter()
        .map(|&(contract, import, signature, args, end)| {
            case(
                &format!("flood: {contract} {import} in a loop in draw"),
                flood_game(contract, import, signature, args, "draw"),
                Invocation::play(1, &["--abi", contract]),
                flood_error(import, end, "draw"),
            )
        })
        .collect();
    for (contract, import, export) in [
        ("rocket", "draw_enemy", "update"),
        ("canvas", "fill_polygon", "update"),
        ("rocket", "draw_particle", "start"),
        ("canvas", "text", "start"),
        ("canvas", "log", "start"),
    ] {
        let &(_, _, signature, args, end) = FLOODED_IMPORTS
            .iter()
            .find(|flooded| flooded.0 == contract && flooded.1 == import)
            .unwrap();
        cases.push(case(
            &format!("flood: {contract} {import} in a loop in {export}"),
            flood_game(contract, import, signature, args, export),
            Invocation::play(1, &["--abi", contract]),
            flood_error(import, end, export),
        ));
    }
    let (_, _, signature, args, _) = FLOODED_IMPORTS[20];
    cases.push(Case {
        log: Some("info"),
        ..case(
            "flood: canvas log with RUST_LOG=info prints at most 100 lines a frame",
            flood_game("canvas", "log", signature, args, "draw"),
            Invocation::play(1, &["--abi", "canvas"]),
            flood_error("log", FloodEnd::Fuel, "draw"),
        )
    });
    cases
}

/// Start functions that loop or recurse, under `run` and under `play`.
fn start_cases() -> Vec<Case> {
    let module = |body: &str| {
        wat(&format!(
            r#"(module (func $boot {body}) (start $boot)
                 (func (export "update") (param f64)) (func (export "draw")))"#
        ))
    };
    let spin = "(loop $again (br $again))";
    let recurse = "(call $boot)";
    vec![
        case(
            "run: a start function that loops",
            module(spin),
            Invocation::run("draw"),
            error(&["out of fuel (budget 100000000 instructions) in boot (func 0)"]),
        ),
        case(
            "run: a start function that recurses",
            module(recurse),
            Invocation::run("draw"),
            error(&["call stack exhausted in boot (func 0)"]),
        ),
        case(
            "play: a start function that loops",
            module(spin),
            Invocation::play(1, &[]),
            error(&[
                "trap while instantiating (in the start function): out of fuel (budget 100000000 instructions) in boot",
            ]),
        ),
        case(
            "play: a start function that recurses",
            module(recurse),
            Invocation::play(1, &[]),
            error(&["trap while instantiating (in the start function): call stack exhausted"]),
        ),
    ]
}

/// Memories and tables at their limits (the default memory cap of 4,096 pages, and
/// 10,000,000 table elements in all), filled.
fn limit_cases() -> Vec<Case> {
    let tables = |count: usize, size: u32| {
        let mut text = String::from("(module (func $f) (elem declare func $f)");
        for _ in 0..count {
            text.push_str(&format!(" (table {size} funcref)"));
        }
        text.push_str(r#" (func (export "fill") (result i32)"#);
        for table in 0..count {
            text.push_str(&format!(
                " (table.fill {table} (i32.const 0) (ref.func $f) (i32.const {size}))"
            ));
        }
        text.push_str(" (table.size 0)))");
        wat(&text)
    };
    vec![
        case(
            "a memory of 4,096 pages (the cap), every byte written",
            wat(r#"(module (memory 4096)
                 (func (export "fill") (result i32)
                   (memory.fill (i32.const 0) (i32.const 0xab) (i32.mul (memory.size) (i32.const 65536)))
                   (memory.size)))"#),
            Invocation::run("fill"),
            Expect::Output("4096\n"),
        ),
        case(
            "a memory of 4,097 pages",
            wat(r#"(module (memory 4097) (func (export "f")))"#),
            Invocation::run("f"),
            error(&["memory of 4097 pages (256 MiB) exceeds the limit of 4096 pages (256 MiB)"]),
        ),
        case(
            "memory.grow in a loop stops at the default cap",
            wat(r#"(module (memory 0)
              (func (export "grow") (result i32)
                (loop $again
                  (if (i32.ne (memory.grow (i32.const 1)) (i32.const -1))
                    (then (i32.store8 (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 1))
                            (i32.const 1))
                          (br $again))))
                (memory.size)))"#),
            Invocation::run("grow"),
            Expect::Output("4096\n"),
        ),
        case(
            "a table of 10,000,000 elements (the cap), every one set",
            tables(1, 10_000_000),
            Invocation::run("fill"),
            Expect::Output("10000000\n"),
        ),
        case(
            "eight tables of 10,000,000 elements",
            tables(8, 10_000_000),
            Invocation::run("fill"),
            error(&["table of 10000000 elements exceeds the limit of 10000000 elements in all tables (10000000 in use)"]),
        ),
        case(
            "table.grow in a loop on two tables stops at the cap for both together",
            wat(r#"(module (table $a 0 funcref) (table $b 0 funcref)
              (func (export "grow") (result i32)
                (loop $again
                  (br_if $again (i32.ne (table.grow $a (ref.null func) (i32.const 1000000)) (i32.const -1)))
                  (br_if $again (i32.ne (table.grow $b (ref.null func) (i32.const 1000000)) (i32.const -1))))
                (i32.add (table.size $a) (table.size $b))))"#),
            Invocation::run("grow"),
            Expect::Output("10000000\n"),
        ),
    ]
}

/// A module with `count` functions, `$f0` calling `$f1` ... calling the last: more
/// nested calls than the call-depth limit allows.
fn chained_functions(count: usize) -> String {
    let mut text = String::from("(module");
    for i in 0..count - 1 {
        text.push_str(&format!(" (func $f{i} (call $f{}))", i + 1));
    }
    text.push_str(&format!(
        r#" (func $f{} ) (export "first" (func $f0)))"#,
        count - 1
    ));
    text
}

/// A module of one function `(func)` with each of `count` items of `kind` (WAT text
/// with `{i}` for the item's index) and an export `f`.
fn many(count: usize, item: impl Fn(usize) -> String) -> String {
    let items: String = (0..count).map(|i| item(i) + " ").collect();
    format!(r#"(module {items} (func (export "f") (result i32) (i32.const 7)))"#)
}

/// Tens of thousands of imports, functions, exports, globals, data segments, locals; huge
/// names; files past the size limits.
fn many_cases() -> Vec<Case> {
    let unknown_imports = many(100_000, |i| format!(r#"(import "env" "f{i}" (func))"#));
    let game_imports = format!(
        r#"(module {} (func (export "update") (param f64)) (func (export "draw")))"#,
        (0..100_000)
            .map(|i| format!(r#"(import "env" "unknown{i}" (func))"#))
            .collect::<String>()
    );
    // wasmparser takes names of up to 100,000 bytes.
    let long_name = "x".repeat(99_990);
    vec![
        case(
            "run: 100,000 unknown imports",
            wat(&unknown_imports),
            Invocation::run("f"),
            error(&["100000 imports cannot be satisfied"]),
        ),
        case(
            "play: 100,000 unknown imports",
            wat(&game_imports),
            Invocation::play(1, &[]),
            error(&["does not fit the rocket contract (100000 problems)"]),
        ),
        case(
            "50,000 functions calling each other in a chain",
            wat(&chained_functions(50_000)),
            Invocation::run("first"),
            error(&["call stack exhausted in f20000"]),
        ),
        case(
            "100,000 exports",
            wat(&many(100_000, |i| format!(r#"(func (export "e{i}"))"#))),
            Invocation::run("f"),
            Expect::Output("7\n"),
        ),
        case(
            "100,000 globals",
            wat(&many(100_000, |i| format!("(global $g{i} i32 (i32.const {i}))"))),
            Invocation::run("f"),
            Expect::Output("7\n"),
        ),
        case(
            "100,000 data segments",
            wat(&format!(
                "(module (memory 2) {} (func (export \"f\") (result i32) (i32.load8_u (i32.const 99999))))",
                (0..100_000)
                    .map(|i| format!(r#"(data (i32.const {i}) "\07")"#))
                    .collect::<String>()
            )),
            Invocation::run("f"),
            Expect::Output("7\n"),
        ),
        case(
            "50,000 locals in a recursive function",
            wat(&format!(
                r#"(module (func $deep (export "deep") (local {}) (call $deep)))"#,
                " i64".repeat(50_000)
            )),
            Invocation::run("deep"),
            error(&["call stack exhausted in deep (func 0)"]),
        ),
        case(
            "a 100,000-byte function name in a trap",
            wat(&format!(r#"(module (func ${long_name} (export "f") unreachable))"#)),
            Invocation::run("f"),
            error(&["unreachable in xxx", "... (99990 bytes in all) (func 0)"]),
        ),
        case(
            "20 unknown imports with 100,000-byte names",
            wat(&many(20, |i| format!(r#"(import "env" "{i}{long_name}" (func))"#))),
            Invocation::run("f"),
            error(&["20 imports cannot be satisfied"]),
        ),
        case(
            "a module file larger than 64 MiB",
            Source::Oversized((64 << 20) + 1),
            Invocation::run("f"),
            error(&["is larger than 64 MiB, the most wasmcade loads"]),
        ),
        case(
            "a text module larger than 4 MiB",
            Source::Text(format!(
                "(module (func (export \"f\") {}))",
                "nop ".repeat(1 << 20)
            )),
            Invocation::run("f"),
            error(&["is larger than 4 MiB, the most wasmcade compiles from WebAssembly text"]),
        ),
    ]
}

/// `depth` nested blocks in binary, built directly (a text version is larger than the
/// text compiler takes).
fn nested_blocks_binary(depth: usize) -> Vec<u8> {
    fn leb(mut value: usize, out: &mut Vec<u8>) {
        loop {
            let byte = (value & 0x7f) as u8;
            value >>= 7;
            out.push(if value == 0 { byte } else { byte | 0x80 });
            if value == 0 {
                break;
            }
        }
    }
    let mut body = vec![0]; // no locals
    for _ in 0..depth {
        body.extend([0x02, 0x40]); // block (no result)
    }
    body.extend(std::iter::repeat_n(0x0b, depth + 1)); // the blocks' `end`s and the body's
    let mut code = Vec::new();
    leb(1, &mut code);
    leb(body.len(), &mut code);
    code.extend(body);
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    wasm.extend([1, 4, 1, 0x60, 0, 0]); // type section: (func)
    wasm.extend([3, 2, 1, 0]); // function section
    wasm.extend([7, 5, 1, 1, b'f', 0, 0]); // export "f"
    wasm.push(10);
    leb(code.len(), &mut wasm);
    wasm.extend(code);
    wasm
}

/// Deep nesting: blocks (binary and folded text), `if`s, and a long operand stack.
fn deep_cases() -> Vec<Case> {
    let folded = format!(
        r#"(module (func (export "f") {}{}))"#,
        "(block ".repeat(100_000),
        ")".repeat(100_000)
    );
    let ifs = format!(
        r#"(module (func (export "f") (param i32) (result i32) {} (i32.const 42) {}))"#,
        "(if (result i32) (local.get 0) (then ".repeat(10_000),
        ") (else (i32.const 0)))".repeat(10_000)
    );
    let operands = format!(
        r#"(module (func (export "f") (result i32) {} {}))"#,
        "(i32.const 1) ".repeat(100_000),
        "i32.add ".repeat(99_999)
    );
    vec![
        case(
            "100,000 nested blocks",
            wat(&deeply_nested(100_000)),
            Invocation::run("deep"),
            Expect::Output("42\n"),
        ),
        case(
            "1,000,000 nested blocks",
            Source::Bytes(nested_blocks_binary(1_000_000)),
            Invocation::run("f"),
            Expect::Output(""),
        ),
        case(
            "100,000 nested folded blocks as text",
            Source::Text(folded),
            Invocation::run("f"),
            Expect::Output(""),
        ),
        case(
            "10,000 nested ifs",
            wat(&ifs),
            with_args("f", &["1"]),
            Expect::Output("42\n"),
        ),
        case(
            "100,000 values on the operand stack",
            wat(&operands),
            Invocation::run("f"),
            error(&["function 0 needs 65536 value slots (locals plus operand stack); wasmcade supports at most 65535"]),
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
    cases.extend(flood_cases());
    cases.extend(start_cases());
    cases.extend(limit_cases());
    cases.extend(many_cases());
    cases.extend(deep_cases());
    cases
}

/// Writes the case's module to a file of its own and returns the path.
fn module_file(index: usize, source: &Source) -> PathBuf {
    let extension = match source {
        Source::Text(_) => "wat",
        _ => "wasm",
    };
    let path = std::env::temp_dir().join(format!(
        "wasmcade-hostile-{}-{index}.{extension}",
        std::process::id()
    ));
    match source {
        Source::Wat(text) => std::fs::write(&path, wat::parse_str(text).unwrap()).unwrap(),
        Source::Text(text) => std::fs::write(&path, text).unwrap(),
        Source::Bytes(bytes) => std::fs::write(&path, bytes).unwrap(),
        Source::Oversized(len) => {
            std::fs::write(&path, b"\0asm\x01\0\0\0").unwrap();
            let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
            file.set_len(*len).unwrap(); // sparse: no disk space taken
        }
    }
    path
}

/// How a case's process ended.
struct Finished {
    /// The exit code (`None` for a signal).
    code: Option<i32>,
    stdout: String,
    stderr: String,
    /// Its peak resident set size.
    peak_rss_kib: u64,
    elapsed: Duration,
}

/// Reaps `child` if it has exited: its wait status and resource usage (`wait4`, which
/// gives this child's own peak memory).
fn try_reap(child: &Child) -> Option<(i32, libc::rusage)> {
    let mut status = 0;
    // SAFETY: `rusage` is plain data, and wait4 only writes the two locals.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
    assert!(reaped >= 0, "wait4 failed");
    (reaped == pid).then_some((status, usage))
}

/// Runs `argv` (with `RUST_LOG` set to `log`, if any) with output in files (no pipe can
/// fill up), killing it after the hang limit.
#[allow(clippy::zombie_processes)] // reaped by `try_reap` (wait4), which clippy cannot see
fn run_with_timeout(argv: &[String], log: Option<&str>, output: &Path) -> Result<Finished, String> {
    let (out_path, err_path) = (output.with_extension("out"), output.with_extension("err"));
    let mut command = Command::new(env!("CARGO_BIN_EXE_wasmcade"));
    command.args(argv).env_remove("RUST_LOG");
    if let Some(log) = log {
        command.env("RUST_LOG", log);
    }
    let mut child = command
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let (status, usage) = loop {
        if let Some(ended) = try_reap(&child) {
            break ended;
        }
        if started.elapsed() > HANG_LIMIT {
            child.kill().unwrap();
            child.wait().unwrap();
            return Err(format!("still running after {HANG_LIMIT:?}: killed"));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned();
    Ok(Finished {
        code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        stdout: read(&out_path),
        stderr: read(&err_path),
        peak_rss_kib: usage.ru_maxrss as u64, // kilobytes on Linux
        elapsed: started.elapsed(),
    })
}

/// Runs one case; `Err` says what was wrong.
fn check(index: usize, case: &Case) -> Result<Finished, String> {
    let file = module_file(index, &case.source);
    let finished = run_with_timeout(&case.invocation.argv(&file), case.log, &file)?;
    std::fs::remove_file(&file).unwrap();
    let Finished {
        code,
        stdout,
        stderr,
        peak_rss_kib,
        ..
    } = &finished;
    let code = *code;
    let clip = |text: &str| text.chars().take(4000).collect::<String>();
    let detail = format!(
        "exit {code:?}\nstdout: {}\nstderr: {}",
        clip(stdout),
        clip(stderr)
    );
    if stderr.contains("panicked") {
        return Err(format!("panicked\n{detail}"));
    }
    if peak_rss_kib >> 10 > MAX_PEAK_RSS_MIB {
        return Err(format!(
            "peak memory {} MiB (at most {MAX_PEAK_RSS_MIB})\n{detail}",
            peak_rss_kib >> 10
        ));
    }
    let lines = stdout.lines().count() + stderr.lines().count();
    let bytes = stdout.len() + stderr.len();
    if lines > MAX_OUTPUT_LINES || bytes > MAX_OUTPUT_BYTES {
        return Err(format!(
            "printed {lines} lines, {bytes} bytes (at most {MAX_OUTPUT_LINES}, {MAX_OUTPUT_BYTES})\n{detail}"
        ));
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
    Ok(finished)
}

#[test]
fn hostile_modules_get_precise_errors_never_crashes() {
    let cases = cases();
    let mut failures = Vec::new();
    let (mut slowest, mut largest) = ((Duration::ZERO, ""), (0, ""));
    for (i, case) in cases.iter().enumerate() {
        match check(i, case) {
            Ok(finished) => {
                slowest = slowest.max((finished.elapsed, &case.name));
                largest = largest.max((finished.peak_rss_kib, &case.name));
            }
            Err(why) => failures.push(format!("[{}] {why}", case.name)),
        }
    }
    println!(
        "{} hostile cases; slowest: {:.2} s ({}); most memory: {} MiB ({})",
        cases.len(),
        slowest.0.as_secs_f64(),
        slowest.1,
        largest.0 >> 10,
        largest.1
    );
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
