//! `v128` values crossing everything that carries values, in long runs against wasmi:
//! calls (parameters, results, several results), locals, a mutable global, memory (whole
//! vectors and lanes), typed `select`, block parameters and results, `br_table` and
//! `call_indirect`; with and without fuel, on a small native stack. Then the embedding
//! API: `v128` arguments and results of exports and of host functions (both forms), a
//! `v128` global read and written by the host, and save states of one.

mod runs;

use runs::{on_small_stack, wasmcade_run, wasmi_run};
use wasmcade::interp::{
    Func, FuncType, Global, GlobalType, Linker, Module, Snapshot, Store, ValType, Value,
};

const MODULE: &str = r#"(module
  (memory 1)
  (global $g (mut v128) (v128.const i32x4 1 2 3 4))
  (type $vv (func (param v128) (result v128)))
  (table 2 funcref)
  (elem (i32.const 0) $twist $spin)
  (func $twist (param v128) (result v128)
    (i32x4.add (local.get 0) (i32x4.shl (local.get 0) (i32.const 3))))
  (func $spin (param v128) (result v128)
    (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get 0) (local.get 0)))
  ;; Two vectors in, two out, and a scalar between them.
  (func $pair (param $a v128) (param $k i32) (param $b v128) (result v128 i32 v128)
    (i16x8.add (local.get $a) (local.get $b))
    (i32.add (local.get $k) (i32x4.extract_lane 1 (local.get $a)))
    (v128.xor (local.get $a) (i64x2.splat (i64.extend_i32_u (local.get $k)))))
  (func $step (param $i i32) (param $acc v128) (result v128)
    (local $v v128) (local $w v128) (local $k i32) (local $addr i32)
    (local.set $addr (i32.and (i32.shl (local.get $i) (i32.const 4)) (i32.const 0x3ff0)))
    (block $done (result v128)
      (block $c2 (result v128)
        (block $c1 (result v128)
          (block $c0 (result v128)
            (local.get $acc)
            (br_table $c0 $c1 $c2 (i32.rem_u (local.get $i) (i32.const 3))))
          ;; memory: a whole vector, a lane, a widening load
          (local.set $v)
          (v128.store offset=16 (local.get $addr) (local.get $v))
          (local.set $v (v128.load32_lane 2 (i32.const 8) (local.get $v)))
          (local.set $w (v128.load16x4_s offset=20 (local.get $addr)))
          (v128.store8_lane 5 (i32.const 4) (local.get $w))
          (i32x4.add (local.get $v) (local.get $w))
          (br $done))
        ;; calls: several results, and through the table
        (local.set $v)
        (call $pair (local.get $v) (local.get $i) (global.get $g))
        (local.set $w)
        (local.set $k)
        (local.set $v (i8x16.sub_sat_u (local.get $v) (local.get $w)))
        (call_indirect (type $vv) (local.get $v) (i32.and (local.get $k) (i32.const 1)))
        (br $done))
      ;; the global, select, a block with a vector parameter
      (local.set $v)
      (global.set $g (f32x4.add (global.get $g) (f32x4.convert_i32x4_s (local.get $v))))
      (local.set $w (select (result v128) (local.get $v) (global.get $g)
        (i32.and (local.get $i) (i32.const 4))))
      (local.get $w)
      (block (param v128) (result v128)
        (i64x2.mul (i64x2.splat (i64.const 0x9e3779b97f4a7c15))))
      (v128.xor (local.get $v)))
    (i32x4.add (i32x4.splat (local.get $i))))
  (func (export "run") (param $n i32) (result i64) (local $i i32) (local $acc v128)
    (local.set $acc (v128.const i64x2 0x0123456789abcdef 0x0fedcba987654321))
    (loop $next
      (local.set $acc (call $step (local.get $i) (local.get $acc)))
      (br_if $next (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
        (local.get $n))))
    (i64.xor (i64x2.extract_lane 0 (local.get $acc)) (i64x2.extract_lane 1 (local.get $acc))))
  (func (export "mix") (param v128 i32) (result i32 v128)
    (i8x16.bitmask (local.get 0))
    (call $twist (i8x16.replace_lane 15 (local.get 0) (local.get 1))))
  (global (export "g") (mut v128) (v128.const i32x4 -1 0 1 2)))"#;

const ITERATIONS: i32 = 300_000;

fn wasmi_engine() -> wasmi::Engine {
    let mut config = wasmi::Config::default();
    config.wasm_simd(true);
    wasmi::Engine::new(&config)
}

#[test]
fn vectors_through_calls_locals_globals_memory_and_select_agree_with_wasmi() {
    let want = wasmi_run(&wasmi_engine(), MODULE, ITERATIONS);
    let (unmetered, _) = on_small_stack(|| wasmcade_run(MODULE, ITERATIONS, None));
    assert_eq!(unmetered, want);
    let (metered, used) = on_small_stack(|| wasmcade_run(MODULE, ITERATIONS, Some(u64::MAX / 2)));
    assert_eq!(metered, want);
    assert!(
        used > 10 * ITERATIONS as u64,
        "{used} instructions counted for {ITERATIONS} iterations"
    );
}

#[test]
fn exports_take_and_give_vectors_like_wasmi() {
    let arg: u128 = 0x8000_7f01_ff02_0080_0102_0304_0506_0708;
    let module = Module::new(&wat::parse_str(MODULE).unwrap()).unwrap();
    let mut store = Store::new(());
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    let ours = instance
        .call(&mut store, "mix", &[Value::V128(arg), Value::I32(0xab)])
        .unwrap();

    let engine = wasmi_engine();
    let wmodule = wasmi::Module::new(&engine, wat::parse_str(MODULE).unwrap()).unwrap();
    let mut wstore = wasmi::Store::new(&engine, ());
    let winstance = wasmi::Linker::new(&engine)
        .instantiate_and_start(&mut wstore, &wmodule)
        .unwrap();
    let mix = winstance
        .get_typed_func::<(wasmi::V128, i32), (i32, wasmi::V128)>(&wstore, "mix")
        .unwrap();
    let (mask, v) = mix
        .call(&mut wstore, (wasmi::V128::from(arg), 0xab))
        .unwrap();
    assert_eq!(ours, [Value::I32(mask), Value::V128(v.as_u128())]);
}

#[test]
fn host_functions_take_and_give_vectors_in_both_forms() {
    let text = r#"(module
      (import "host" "values" (func $values (param i32 v128 f64) (result v128 i32)))
      (import "host" "raw" (func $raw (param v128 v128) (result v128)))
      (func (export "values") (result v128 i32)
        (call $values (i32.const 7) (v128.const i32x4 1 2 3 4) (f64.const 0.5)))
      (func (export "raw") (result v128)
        (call $raw (v128.const i64x2 10 20) (v128.const i64x2 1 2))))"#;
    let module = Module::new(&wat::parse_str(text).unwrap()).unwrap();
    let mut store = Store::new(());
    let values = Func::new(
        &mut store,
        FuncType::new(
            [ValType::I32, ValType::V128, ValType::F64],
            [ValType::V128, ValType::I32],
        ),
        |_, args, results| {
            let [Value::I32(k), Value::V128(v), Value::F64(x)] = *args else {
                panic!("{args:?}");
            };
            results[0] = Value::V128(v << 8 | k as u128);
            results[1] = Value::I32((x * 10.0) as i32);
            Ok(())
        },
    );
    // Raw: each v128 takes two slots, low half first; results from the first slot.
    let raw = Func::new_raw(
        &mut store,
        FuncType::new([ValType::V128, ValType::V128], [ValType::V128]),
        |_, slots| {
            assert_eq!(slots.len(), 4);
            let (lo, hi) = (slots[0] + slots[2], slots[1] * slots[3]);
            slots[0] = lo;
            slots[1] = hi;
            Ok(())
        },
    );
    let mut linker = Linker::new();
    linker.define("host", "values", values);
    linker.define("host", "raw", raw);
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let v: u128 = 1 | 2 << 32 | 3 << 64 | 4 << 96;
    assert_eq!(
        instance.call(&mut store, "values", &[]).unwrap(),
        [Value::V128(v << 8 | 7), Value::I32(5)]
    );
    assert_eq!(
        instance.call(&mut store, "raw", &[]).unwrap(),
        [Value::V128(11 | 40 << 64)]
    );
}

#[test]
fn vector_globals_read_written_and_saved() {
    let module = Module::new(&wat::parse_str(MODULE).unwrap()).unwrap();
    let mut store = Store::new(());
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    let g = instance.get_global(&store, "g").unwrap();
    let start = u128::from_le_bytes(
        [
            (-1i32).to_le_bytes(),
            0i32.to_le_bytes(),
            1i32.to_le_bytes(),
            2i32.to_le_bytes(),
        ]
        .concat()
        .try_into()
        .unwrap(),
    );
    assert_eq!(g.get(&store), Value::V128(start));
    assert_eq!(g.get(&store).to_string(), "i32x4 -1 0 1 2");
    let saved: Snapshot = instance.snapshot(&store).unwrap();
    assert_eq!(
        saved.globals_high.len(),
        2,
        "both v128 globals' upper halves"
    );
    g.set(&mut store, Value::V128(u128::MAX - 5)).unwrap();
    assert_eq!(g.get(&store), Value::V128(u128::MAX - 5));
    instance.restore(&mut store, &saved).unwrap();
    assert_eq!(g.get(&store), Value::V128(start));

    // A host-made v128 global imported by a module reads the same.
    let text = r#"(module (import "env" "g" (global v128))
      (func (export "lane") (result i32) (i32x4.extract_lane 3 (global.get 0))))"#;
    let module = Module::new(&wat::parse_str(text).unwrap()).unwrap();
    let ty = GlobalType {
        content: ValType::V128,
        mutable: false,
    };
    let global = Global::new(&mut store, ty, Value::V128(42 << 96)).unwrap();
    let mut linker = Linker::new();
    linker.define("env", "g", global);
    let instance = linker.instantiate(&mut store, &module).unwrap();
    assert_eq!(
        instance.call(&mut store, "lane", &[]).unwrap(),
        [Value::I32(42)]
    );
}
