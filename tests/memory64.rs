//! Memory64 and custom page sizes by hand: a 64-bit memory traps cleanly on addresses
//! past 4 GiB and on `address + offset` past 2^64 (no wraparound), grows and reports its
//! size in i64s, copies to and from a 32-bit memory; a memory of 1-byte pages grows and
//! is bounded byte by byte; the memory cap applies to 64-bit memories as to 32-bit ones.
//! The same calls run on the plain executor, the fuel-metered one paused after every
//! instruction and the stepper; the disassembly names the memory an access runs on. A
//! game whose memory 0 is 64-bit plays.

mod common;

use common::{module_in, run_plain_metered_and_stepped, temp_dir, text, wasmcade};
use wasmcade::interp::{Instance, Limits, Linker, Module, Store, Value};

const MODULE: &str = r#"
(module
  (memory $a (export "a") 1)
  (memory $w (export "w") i64 1 3)
  (memory $s (export "s") 100 300 (pagesize 1))
  (data (memory $w) (i64.const 0xfff0) "sixty-four")

  ;; Loads 8 bytes of w at `at` with a static offset past 32 bits.
  (func (export "load_far") (param $at i64) (result i64)
    (i64.load $w offset=0x100000000 (local.get $at)))

  ;; Loads 8 bytes of w at `at` with an offset that, added, wraps past 2^64.
  (func (export "load_wrapping") (param $at i64) (result i64)
    (i64.load $w offset=0xfffffffffffffff0 (local.get $at)))

  (func (export "load_w") (param $at i64) (result i64)
    (i64.load $w (local.get $at)))

  (func (export "store_w") (param $at i64) (param $v i32)
    (i32.store8 $w (local.get $at) (local.get $v)))

  ;; Grows w by `delta` pages: the old size (an i64, -1 when refused), then the size.
  (func (export "grow_w") (param $delta i64) (result i64 i64)
    (memory.grow $w (local.get $delta))
    (memory.size $w))

  ;; Copies `len` bytes from w[src] to a[dst], then back from a[dst] to w[dst2]; reads
  ;; a[dst + 4] and w[dst2 + 6].
  (func (export "copy") (param $dst i32) (param $src i64) (param $len i32) (param $dst2 i64)
    (result i32 i32)
    (memory.copy $a $w (local.get $dst) (local.get $src) (local.get $len))
    (memory.copy $w $a (local.get $dst2) (local.get $dst) (local.get $len))
    (i32.load8_u $a offset=4 (local.get $dst))
    (i32.load8_u $w offset=6 (local.get $dst2)))

  ;; Fills w from `at` for `len` bytes (an i64).
  (func (export "fill_w") (param $at i64) (param $len i64)
    (memory.fill $w (local.get $at) (i32.const 0x5a) (local.get $len)))

  ;; s, of 1-byte pages: grows by `delta`, then its size, then stores at `at`.
  (func (export "grow_s") (param $delta i32) (result i32 i32)
    (memory.grow $s (local.get $delta))
    (memory.size $s))
  (func (export "store_s") (param $at i32) (result i32)
    (i32.store8 $s (local.get $at) (i32.const 9))
    (i32.load8_u $s (local.get $at)))
)
"#;

/// The calls, in order (state carries over): export, arguments, expected outcome.
fn calls() -> Vec<(&'static str, Vec<Value>, &'static str)> {
    let (i, l) = (Value::I32, Value::I64);
    vec![
        ("load_w", vec![l(0xfff0)], "[I64(8027153385502828915)]"), // "sixty-fo"
        ("load_w", vec![l(0xfff9)], "trap"),
        ("load_w", vec![l(0x1_0000_0000)], "trap"),
        ("load_w", vec![l(-1)], "trap"),
        ("load_far", vec![l(0)], "trap"),
        ("load_far", vec![l(-0x1_0000_0000)], "trap"), // wraps to 0 if unchecked
        ("load_wrapping", vec![l(0x10)], "trap"),      // wraps to 0 if unchecked
        ("store_w", vec![l(0x1_0000_0000), i(1)], "trap"),
        ("store_w", vec![l(0xffff), i(1)], "[]"),
        ("grow_w", vec![l(1)], "[I64(1), I64(2)]"),
        ("grow_w", vec![l(2)], "[I64(-1), I64(2)]"),
        ("grow_w", vec![l(0x1_0000_0000_0000)], "[I64(-1), I64(2)]"),
        ("grow_w", vec![l(-1)], "[I64(-1), I64(2)]"),
        ("load_w", vec![l(0x1fff8)], "[I64(0)]"),
        (
            "copy",
            vec![i(8), l(0xfff0), i(10), l(0x1_0000)],
            "[I32(121), I32(102)]",
        ),
        ("copy", vec![i(65_530), l(0), i(10), l(0)], "trap"),
        ("copy", vec![i(0), l(0x1_fffc), i(5), l(0)], "trap"),
        ("copy", vec![i(0), l(0), i(5), l(0x1_fffc)], "trap"),
        ("fill_w", vec![l(0x1_fff0), l(16)], "[]"),
        ("load_w", vec![l(0x1_fff8)], "[I64(6510615555426900570)]"),
        ("fill_w", vec![l(0x1_fff0), l(17)], "trap"),
        ("fill_w", vec![l(0x1_fff0), l(-1)], "trap"),
        ("grow_s", vec![i(0)], "[I32(100), I32(100)]"),
        ("store_s", vec![i(99)], "[I32(9)]"),
        ("store_s", vec![i(100)], "trap"),
        ("grow_s", vec![i(10)], "[I32(100), I32(110)]"),
        ("store_s", vec![i(109)], "[I32(9)]"),
        ("store_s", vec![i(110)], "trap"),
        ("grow_s", vec![i(191)], "[I32(-1), I32(110)]"),
        ("grow_s", vec![i(190)], "[I32(110), I32(300)]"),
    ]
}

fn instantiate() -> (Store<()>, Instance, Module) {
    let module = Module::new(&wat::parse_str(MODULE).unwrap()).unwrap();
    let mut store = Store::new(());
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    (store, instance, module)
}

/// Each memory's bytes.
fn memories(store: &Store<()>, instance: Instance) -> Vec<Vec<u8>> {
    ["a", "w", "s"]
        .iter()
        .map(|name| {
            instance
                .get_memory(store, name)
                .unwrap()
                .data(store)
                .to_vec()
        })
        .collect()
}

#[test]
fn a_64_bit_and_a_1_byte_page_memory_run_plain_metered_and_stepped_alike() {
    let (mut plain, plain_instance, module) = instantiate();
    let (mut metered, metered_instance, _) = instantiate();
    let (mut stepped, stepped_instance, _) = instantiate();
    let pauses = run_plain_metered_and_stepped(
        [
            (&mut plain, plain_instance),
            (&mut metered, metered_instance),
            (&mut stepped, stepped_instance),
        ],
        calls(),
        drop,
    );
    assert!(pauses > 20, "paused {pauses} times");
    let bytes = memories(&plain, plain_instance);
    assert_eq!(
        bytes.iter().map(Vec::len).collect::<Vec<_>>(),
        [65_536, 131_072, 300]
    );
    assert_eq!(bytes, memories(&metered, metered_instance));
    assert_eq!(bytes, memories(&stepped, stepped_instance));

    // The disassembly shows the op an access off memory 0's fast path runs, and where.
    let text = module.disassemble(0).unwrap();
    assert!(
        text.contains("memory=1 offset_high=0x100000000"),
        "no memory64 load in:\n{text}"
    );
    let copy = module.disassemble(5).unwrap();
    assert!(
        copy.contains("memory.copy") && copy.contains("memory=0 src_memory=1"),
        "no copy between memories in:\n{copy}"
    );
}

#[test]
fn the_memory_cap_applies_to_64_bit_memories() {
    let load = |text: &str| Module::new(&wat::parse_str(text).unwrap()).unwrap();
    let limits = Limits {
        max_memory_pages: 16,
        ..Limits::default()
    };
    let mut store = Store::with_limits((), limits.clone());
    let error = Linker::new()
        .instantiate(&mut store, &load("(module (memory i64 17))"))
        .unwrap_err();
    assert!(
        error.to_string().contains("exceeds the limit of 16 pages"),
        "{error}"
    );
    // In bytes for other page sizes: 16 pages of 64 KiB are 1 MiB of 1-byte pages.
    let mut store = Store::with_limits((), limits);
    let module = load(
        r#"(module (memory i64 1048576 (pagesize 1))
             (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0))))"#,
    );
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    let grown = instance.call(&mut store, "grow", &[Value::I64(1)]).unwrap();
    assert_eq!(grown, [Value::I64(-1)]);
    let grown = instance.call(&mut store, "grow", &[Value::I64(0)]).unwrap();
    assert_eq!(grown, [Value::I64(1_048_576)]);
    let error = Linker::new()
        .instantiate(
            &mut store,
            &load("(module (memory i64 1048577 (pagesize 1)))"),
        )
        .unwrap_err();
    assert!(error.to_string().contains("of 1 bytes"), "{error}");
}

/// The game hosts read the contract's memory, memory 0, whatever its width: a canvas game
/// whose memory 0 is 64-bit draws the text it wrote there (at the i32 address the
/// contract passes).
#[test]
fn a_game_whose_memory_0_is_64_bit_plays() {
    let dir = temp_dir("memory64-game");
    let game = module_in(
        &dir,
        "game64",
        r#"(module
          (import "env" "text" (func $text (param i32 i32 f32 f32 f32)))
          (memory (export "memory") i64 1)
          (data (i64.const 16) "sixty-four")
          (func (export "update") (param f32))
          (func (export "draw")
            (i64.store8 (i64.const 16) (i64.const 83))
            (call $text (i32.const 16) (i32.const 10) (f32.const 1) (f32.const 2) (f32.const 8))))"#,
    );
    let dump = dir.join("draws.jsonl");
    let args = ["play", "--headless", "--frames", "1", "--dump-draws"];
    let output = wasmcade(&[&args[..], &[dump.to_str().unwrap(), game.to_str().unwrap()]].concat());
    assert!(output.status.success(), "{}", text(&output.stderr));
    let draws = std::fs::read_to_string(dump).unwrap();
    assert_eq!(
        draws.trim(),
        r#"{"frame":0,"call":"text","args":["Sixty-four",1.0,2.0,8.0,4294967295.0]}"#
    );
}
