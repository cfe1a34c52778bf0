//! Typed function references (WebAssembly 3.0) beyond the spec suite: `call_ref` through
//! locals, globals and tables (a table of a concrete type with an initialiser among
//! them); the null traps, with their messages and backtraces; `return_call_ref` a
//! million calls deep in constant frame-stack space, with and without fuel, within an
//! instance and between two; canonical types across modules (import linking and
//! `call_indirect` by structure, with declared subtypes passing for their supertypes);
//! and a module making a struct refused with the GC line (its type alone loads).

mod common;

use common::{module_file, text, wasmcade};
use wasmcade::interp::{Func, Limits, Linker, Module, Store, Value};

fn load(wat: &str) -> Module {
    Module::new(&wat::parse_str(wat).unwrap()).unwrap()
}

fn instance(wat: &str) -> (Store<()>, wasmcade::interp::Instance) {
    let mut store = Store::new(());
    let instance = Linker::new().instantiate(&mut store, &load(wat)).unwrap();
    (store, instance)
}

const CALLS: &str = r#"(module
  (type $unary (func (param i32) (result i32)))
  (func $double (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (elem declare func $double $inc)
  (global $g (mut (ref null $unary)) (ref.func $double))
  (table $t 2 (ref null $unary))
  (table $filled 3 (ref $unary) (ref.func $inc))
  (elem (table $t) (i32.const 0) (ref null $unary) (ref.func $double) (ref.null $unary))

  (func (export "through_local") (param $which i32) (param $x i32) (result i32)
    (local $f (ref $unary))
    (local.set $f (select (result (ref $unary))
      (ref.func $double) (ref.func $inc) (local.get $which)))
    (call_ref $unary (local.get $x) (local.get $f)))
  (func (export "through_global") (param $x i32) (result i32)
    (call_ref $unary (local.get $x) (global.get $g)))
  (func (export "set_global_null")
    (global.set $g (ref.null $unary)))
  (func (export "through_table") (param $i i32) (param $x i32) (result i32)
    (call_ref $unary (local.get $x) (table.get $t (local.get $i))))
  (func (export "through_filled") (param $i i32) (param $x i32) (result i32)
    (call_ref $unary (local.get $x) (table.get $filled (local.get $i))))
  (func $as_non_null (export "as_non_null") (param $i i32) (result i32)
    (call_ref $unary (i32.const 7) (ref.as_non_null (table.get $t (local.get $i)))))
  (func (export "outer") (param $i i32) (result i32)
    (i32.add (i32.const 1) (call $as_non_null (local.get $i)))))"#;

fn call(store: &mut Store<()>, func: Func, args: &[Value]) -> Result<Vec<Value>, String> {
    func.call(store, args).map_err(|error| error.to_string())
}

#[test]
fn call_ref_through_locals_globals_and_tables() {
    let (mut store, instance) = instance(CALLS);
    let get = |store: &Store<()>, name| instance.get_func(store, name).unwrap();
    let through_local = get(&store, "through_local");
    let (one, zero) = (Value::I32(1), Value::I32(0));
    assert_eq!(
        call(&mut store, through_local, &[one, Value::I32(20)]),
        Ok(vec![Value::I32(40)])
    );
    assert_eq!(
        call(&mut store, through_local, &[zero, Value::I32(20)]),
        Ok(vec![Value::I32(21)])
    );
    let through_global = get(&store, "through_global");
    assert_eq!(
        call(&mut store, through_global, &[Value::I32(4)]),
        Ok(vec![Value::I32(8)])
    );
    let through_table = get(&store, "through_table");
    assert_eq!(
        call(&mut store, through_table, &[zero, Value::I32(9)]),
        Ok(vec![Value::I32(18)])
    );
    // Every element of the table with an initialiser holds `$inc`.
    let through_filled = get(&store, "through_filled");
    for i in 0..3 {
        assert_eq!(
            call(&mut store, through_filled, &[Value::I32(i), Value::I32(9)]),
            Ok(vec![Value::I32(10)])
        );
    }
    let as_non_null = get(&store, "as_non_null");
    assert_eq!(
        call(&mut store, as_non_null, &[zero]),
        Ok(vec![Value::I32(14)])
    );
}

#[test]
fn null_references_trap_with_their_messages() {
    let (mut store, instance) = instance(CALLS);
    let get = |store: &Store<()>, name| instance.get_func(store, name).unwrap();

    // `call_ref` of a null from a table, then from a global set to null.
    let through_table = get(&store, "through_table");
    let error = call(&mut store, through_table, &[Value::I32(1), Value::I32(9)]).unwrap_err();
    assert!(error.contains("null function reference"), "{error}");
    let set_null = get(&store, "set_global_null");
    call(&mut store, set_null, &[]).unwrap();
    let through_global = get(&store, "through_global");
    let error = call(&mut store, through_global, &[Value::I32(4)]).unwrap_err();
    assert!(error.contains("null function reference"), "{error}");

    // `ref.as_non_null` of a null, two frames deep: the backtrace names both.
    let outer = get(&store, "outer");
    let error = outer.call(&mut store, &[Value::I32(1)]).unwrap_err();
    let trap = error.as_trap().expect("a trap");
    assert_eq!(trap.kind.to_string(), "null reference");
    let names: Vec<Option<&str>> = trap
        .backtrace
        .iter()
        .map(|frame| frame.func_name.as_deref())
        .collect();
    assert_eq!(names, [Some("as_non_null"), Some("outer")], "{trap:?}");

    // A table index past the end is still a table trap.
    let error = call(&mut store, through_table, &[Value::I32(5), Value::I32(9)]).unwrap_err();
    assert!(error.contains("out of bounds table access"), "{error}");
}

/// `count` counts down by `return_call_ref`s of itself, taken from a global.
const COUNT: &str = r#"(module
  (type $step (func (param i64) (result i64)))
  (global $self (ref $step) (ref.func $count))
  (func $count (export "count") (param $n i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.const 42))
      (else (return_call_ref $step (i64.sub (local.get $n) (i64.const 1))
        (global.get $self))))))"#;

/// Two instances counting down into each other: `ping` tail-calls the reference to
/// `pong` it imports as a global; `pong` the reference in its mutable global `partner`,
/// which `ping`'s start function sets to `ping`.
const PING: &str = r#"(module
  (type $step (func (param i64) (result i64)))
  (import "pong" "pong" (global $pong (ref $step)))
  (import "pong" "partner" (global $partner (mut (ref null $step))))
  (elem declare func $ping)
  (start $link)
  (func $link (global.set $partner (ref.func $ping)))
  (func $ping (export "ping") (param $n i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.const 42))
      (else (return_call_ref $step (i64.sub (local.get $n) (i64.const 1))
        (global.get $pong))))))"#;

const PONG: &str = r#"(module
  (type $step (func (param i64) (result i64)))
  (global $partner (export "partner") (mut (ref null $step)) (ref.null $step))
  (global (export "pong") (ref $step) (ref.func $pong))
  (func $pong (param $n i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.const 43))
      (else (return_call_ref $step (i64.sub (local.get $n) (i64.const 1))
        (global.get $partner))))))"#;

#[test]
fn a_million_return_call_refs_run_in_constant_space() {
    for fuel in [None, Some(u64::MAX / 2)] {
        let limits = Limits {
            fuel,
            max_call_depth: 100,
            ..Limits::default()
        };
        let mut store = Store::with_limits((), limits.clone());
        let count = Linker::new()
            .instantiate(&mut store, &load(COUNT))
            .unwrap()
            .get_func(&store, "count")
            .unwrap();
        let result = count.call(&mut store, &[Value::I64(1_000_000)]);
        assert_eq!(result.unwrap(), [Value::I64(42)], "fuel {fuel:?}");

        let mut store = Store::with_limits((), limits);
        let mut linker = Linker::new();
        let pong = linker.instantiate(&mut store, &load(PONG)).unwrap();
        linker.instance(&store, "pong", pong);
        let ping = linker.instantiate(&mut store, &load(PING)).unwrap();
        let ping = ping.get_func(&store, "ping").unwrap();
        // Even counts end in `ping`, odd ones in `pong`.
        for (n, end) in [(1_000_000, 42), (1_000_001, 43)] {
            let result = ping.call(&mut store, &[Value::I64(n)]);
            assert_eq!(result.unwrap(), [Value::I64(end)], "fuel {fuel:?}, {n}");
        }
    }
}

/// A module exporting functions of a rec group and of a declared subtype.
const TYPES: &str = r#"(module
  (rec (type $a (func (param i32) (result i32))) (type $b (func (param (ref $a)))))
  (type $open (sub (func (result i32))))
  (type $child (sub $open (func (result i32))))
  (func (export "a") (type $a) (local.get 0))
  (func (export "open") (type $open) (i32.const 1))
  (func (export "child") (type $child) (i32.const 2)))"#;

#[test]
fn types_are_canonical_across_modules_with_declared_subtypes() {
    let mut store = Store::new(());
    let mut linker = Linker::new();
    let types = linker.instantiate(&mut store, &load(TYPES)).unwrap();
    linker.instance(&store, "types", types);

    // The same rec group declared again: its first type is the import's.
    let same = r#"(module
      (rec (type $a (func (param i32) (result i32))) (type $b (func (param (ref $a)))))
      (import "types" "a" (func (type $a))))"#;
    linker.instantiate(&mut store, &load(same)).unwrap();
    // The same function type alone is another type: a rec group of one.
    let alone = r#"(module
      (type $a (func (param i32) (result i32)))
      (import "types" "a" (func (type $a))))"#;
    let error = linker.instantiate(&mut store, &load(alone)).unwrap_err();
    assert!(
        error.to_string().contains("incompatible import type"),
        "{error}"
    );

    // A function of a declared subtype fits an import of its supertype, not the reverse.
    let parent = r#"(module
      (type $open (sub (func (result i32))))
      (import "types" "child" (func (type $open))))"#;
    linker.instantiate(&mut store, &load(parent)).unwrap();
    let reverse = r#"(module
      (type $open (sub (func (result i32))))
      (type $child (sub $open (func (result i32))))
      (import "types" "open" (func (type $child))))"#;
    let error = linker.instantiate(&mut store, &load(reverse)).unwrap_err();
    assert!(
        error.to_string().contains("incompatible import type"),
        "{error}"
    );

    // `call_indirect` of the supertype: the subtype's function passes, a function of
    // the structurally equal final type (another type) does not.
    let indirect = r#"(module
      (type $open (sub (func (result i32))))
      (type $final (func (result i32)))
      (import "types" "open" (func $open (type $open)))
      (import "types" "child" (func $child (type $open)))
      (func $final (type $final) (i32.const 3))
      (table funcref (elem $open $child $final))
      (func (export "call") (param i32) (result i32)
        (call_indirect (type $open) (local.get 0))))"#;
    let instance = linker.instantiate(&mut store, &load(indirect)).unwrap();
    let call_at = instance.get_func(&store, "call").unwrap();
    let mut results = Vec::new();
    for i in 0..3 {
        results.push(call(&mut store, call_at, &[Value::I32(i)]));
    }
    assert_eq!(results[0], Ok(vec![Value::I32(1)]));
    assert_eq!(results[1], Ok(vec![Value::I32(2)]));
    let error = results[2].clone().unwrap_err();
    assert!(error.contains("indirect call type mismatch"), "{error}");
}

#[test]
fn a_module_making_a_struct_is_refused_with_the_gc_line() {
    let wat = r#"(module
      (type $point (struct (field i32) (field i32)))
      (type $f (func (param i32) (result i32)))
      (func (export "f") (type $f) (local.get 0))
      (func (export "p") (result (ref $point)) (struct.new $point (i32.const 1) (i32.const 2))))"#;
    let error = Module::new(&wat::parse_str(wat).unwrap())
        .err()
        .expect("a module making a struct loaded");
    let message = error.to_string();
    assert!(
        message.contains("WebAssembly GC") && message.contains("a GC instruction"),
        "{message}"
    );

    let path = module_file("typed-refs-struct", wat);
    let output = wasmcade(&["inspect", path.to_str().unwrap()]);
    let stderr = text(&output.stderr);
    assert!(!output.status.success(), "inspect succeeded");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("WebAssembly GC"), "{stderr}");
    std::fs::remove_file(path).unwrap();
}
