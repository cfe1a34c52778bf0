//! Multi-memory by hand: a module with two memories copies between them, grows one and
//! traps on the other's bounds, the same on the plain executor, the fuel-metered one
//! paused after every instruction, and the stepper (whose instruction text names the
//! memory).

mod common;

use common::run_plain_metered_and_stepped;
use wasmcade::interp::{Instance, Linker, Module, Store, Value};

const MODULE: &str = r#"
(module
  (memory $a (export "a") 1)
  (memory $b (export "b") 1 2)
  (data (memory $b) (i32.const 16) "multi")

  ;; Copies `len` bytes from b[src] to a[dst] and back to b[dst2], then reads a[dst+1]
  ;; and b[dst2+4] (packed as a + b * 256).
  (func (export "copy") (param $dst i32) (param $src i32) (param $len i32) (param $dst2 i32)
    (result i32)
    (memory.copy $a $b (local.get $dst) (local.get $src) (local.get $len))
    (memory.copy $b $a (local.get $dst2) (local.get $dst) (local.get $len))
    (i32.add
      (i32.load8_u $a offset=1 (local.get $dst))
      (i32.mul (i32.load8_u $b offset=4 (local.get $dst2)) (i32.const 256))))

  ;; Grows b by `delta` pages: the old size, then both sizes (a * 100 + b) after.
  (func (export "grow_b") (param $delta i32) (result i32 i32)
    (memory.grow $b (local.get $delta))
    (i32.add (i32.mul (memory.size $a) (i32.const 100)) (memory.size $b)))

  ;; Stores to b at `at` (b may have grown) and loads it back as an i64.
  (func (export "store_b") (param $at i32) (result i64)
    (i64.store $b (local.get $at) (i64.const 0x0102030405060708))
    (i64.load $b (local.get $at)))

  ;; Stores to a at `at`: traps where b alone is large enough.
  (func (export "store_a") (param $at i32)
    (i32.store $a (local.get $at) (i32.const 7)))

  (func (export "fill_b") (param $at i32) (param $len i32) (result i32)
    (memory.fill $b (local.get $at) (i32.const 0xab) (local.get $len))
    (i32.load8_u $b (local.get $at)))
)
"#;

/// The calls, in order (state carries over): export, arguments, expected outcome.
fn calls() -> Vec<(&'static str, Vec<Value>, &'static str)> {
    let i = Value::I32;
    vec![
        (
            "copy",
            vec![i(100), i(16), i(5), i(200)],
            "[I32(26997)]", // "multi"[1] = 'u' = 117, [4] = 'i' = 105: 117 + 105 * 256
        ),
        ("copy", vec![i(65_535), i(16), i(2), i(0)], "trap"),
        ("copy", vec![i(0), i(65_535), i(2), i(0)], "trap"),
        ("grow_b", vec![i(1)], "[I32(1), I32(102)]"),
        ("grow_b", vec![i(1)], "[I32(-1), I32(102)]"),
        ("store_b", vec![i(100_000)], "[I64(72623859790382856)]"),
        ("store_b", vec![i(131_065)], "trap"),
        ("store_a", vec![i(65_532)], "[]"),
        ("store_a", vec![i(100_000)], "trap"),
        ("fill_b", vec![i(131_000), i(72)], "[I32(171)]"),
        ("fill_b", vec![i(131_000), i(73)], "trap"),
    ]
}

fn instantiate() -> (Store<()>, Instance) {
    let module = Module::new(&wat::parse_str(MODULE).unwrap()).unwrap();
    let mut store = Store::new(());
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    (store, instance)
}

/// Both memories' bytes.
fn memories(store: &Store<()>, instance: Instance) -> Vec<Vec<u8>> {
    ["a", "b"]
        .iter()
        .map(|name| {
            let memory = instance.get_memory(store, name).unwrap();
            memory.data(store).to_vec()
        })
        .collect()
}

#[test]
fn two_memories_run_plain_metered_and_stepped_alike() {
    let (mut plain, plain_instance) = instantiate();
    let (mut metered, metered_instance) = instantiate();
    let (mut stepped, stepped_instance) = instantiate();
    let mut texts = Vec::new();
    let pauses = run_plain_metered_and_stepped(
        [
            (&mut plain, plain_instance),
            (&mut metered, metered_instance),
            (&mut stepped, stepped_instance),
        ],
        calls(),
        |text| texts.push(text),
    );
    assert!(pauses > 20, "paused {pauses} times");
    let memories_plain = memories(&plain, plain_instance);
    assert_eq!(memories_plain[0].len(), 65_536);
    assert_eq!(memories_plain[1].len(), 131_072);
    assert_eq!(memories_plain, memories(&metered, metered_instance));
    assert_eq!(memories_plain, memories(&stepped, stepped_instance));
    for text in [
        "memory.copy 0 1",
        "memory.copy 1 0",
        "i32.load8_u 1 offset=4",
        "memory.grow 1",
        "i64.store 1",
        "memory.fill 1",
    ] {
        assert!(texts.iter().any(|t| t == text), "no `{text}` in {texts:?}");
    }
}

#[test]
fn the_memory_cap_applies_to_each_memory() {
    let module = Module::new(
        &wat::parse_str(
            r#"(module (memory 1) (memory 1)
                 (func (export "grow1") (param i32) (result i32) (memory.grow 1 (local.get 0))))"#,
        )
        .unwrap(),
    )
    .unwrap();
    let mut store = Store::new(());
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    // 65,536 pages is 4 GiB: more than any memory may have.
    let grown = instance.call(&mut store, "grow1", &[Value::I32(65_535)]);
    assert_eq!(format!("{:?}", grown.unwrap()), "[I32(-1)]");
    let grown = instance.call(&mut store, "grow1", &[Value::I32(1)]);
    assert_eq!(format!("{:?}", grown.unwrap()), "[I32(1)]");
}
