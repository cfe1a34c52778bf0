//! Calls between functions of an instance: a callee's declared locals start at zero
//! however the call enters it (directly, zeroing a few slots at once, or through the
//! frame push that zeroes any number), even where the slots held a caller's values; the
//! frame stack grows past its first allocation; the call-depth limit is exact; and
//! `call_indirect`, which reads table 0 through a cached view, sees the table grow
//! however it grows (in the function, in the instance that owns it, in a host call);
//! and code running on after a host call sees the memory the host grew and the
//! globals and functions it moved by adding more.

use wasmcade::interp::{Limits, Linker, Module, Store, Value};

/// Enough declared locals to take either way into a function.
const MOST_LOCALS: usize = 20;

/// `probe_k` declares `k` i64 locals and returns their sum (zero if they start at zero);
/// `dirty_k` calls `spill` (which fills its frame with ones) and then `probe_k`, whose
/// frame lies where `spill`'s was.
fn locals_module() -> String {
    let mut funcs = String::from(
        r#"(func $spill (param i64) (result i64)
             (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
             (local.set 1 (i64.const -1)) (local.set 2 (i64.const -1)) (local.set 3 (i64.const -1))
             (local.set 4 (i64.const -1)) (local.set 5 (i64.const -1)) (local.set 6 (i64.const -1))
             (local.set 7 (i64.const -1)) (local.set 8 (i64.const -1)) (local.set 9 (i64.const -1))
             (local.set 10 (i64.const -1)) (local.set 11 (i64.const -1)) (local.set 12 (i64.const -1))
             (local.set 13 (i64.const -1)) (local.set 14 (i64.const -1)) (local.set 15 (i64.const -1))
             (local.set 16 (i64.const -1)) (local.set 17 (i64.const -1)) (local.set 18 (i64.const -1))
             (local.set 19 (i64.const -1)) (local.set 20 (i64.const -1))
             (i64.add (local.get 0) (local.get 20)))"#,
    );
    for k in 0..=MOST_LOCALS {
        let locals = if k == 0 {
            String::new()
        } else {
            format!("(local{})", " i64".repeat(k))
        };
        let sum = (1..=k).fold("(local.get 0)".to_string(), |sum, local| {
            format!("(i64.add {sum} (local.get {local}))")
        });
        funcs.push_str(&format!(
            r#"(func $probe_{k} (param i64) (result i64) {locals} {sum})
               (func (export "dirty_{k}") (param i64) (result i64)
                 (drop (call $spill (local.get 0)))
                 (call $probe_{k} (local.get 0)))"#
        ));
    }
    format!("(module {funcs})")
}

#[test]
fn declared_locals_start_at_zero_however_the_callee_is_entered() {
    let module = Module::new(&wat::parse_str(locals_module()).unwrap()).unwrap();
    let mut store = Store::new(());
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    for k in 0..=MOST_LOCALS {
        let dirty = instance.get_func(&store, &format!("dirty_{k}")).unwrap();
        // Twice: the second call finds the slots the first one's callees used.
        for _ in 0..2 {
            let result = dirty.call(&mut store, &[Value::I64(5)]).unwrap();
            assert_eq!(result, [Value::I64(5)], "{k} declared locals");
        }
    }
}

/// `down(n)`: recursion `n` calls deep, each frame with declared locals that must start
/// at zero and keep their values across the call below; returns the sum of 1..=n.
const RECURSION: &str = r#"(module
  (func $down (export "down") (param $n i32) (result i64)
    (local $mine i64) (local $below i64) (local $check i64)
    (if (i32.eqz (local.get $n)) (then (return (i64.const 0))))
    (local.set $mine (i64.add (local.get $mine) (i64.extend_i32_u (local.get $n))))
    (local.set $below (call $down (i32.sub (local.get $n) (i32.const 1))))
    (if (i64.ne (local.get $check) (i64.const 0)) (then unreachable))
    (i64.add (local.get $mine) (local.get $below))))"#;

fn recursion_with_depth_limit(max_call_depth: usize) -> (Store<()>, wasmcade::interp::Func) {
    let module = Module::new(&wat::parse_str(RECURSION).unwrap()).unwrap();
    let limits = Limits {
        max_call_depth,
        ..Limits::default()
    };
    let mut store = Store::with_limits((), limits);
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    let down = instance.get_func(&store, "down").unwrap();
    (store, down)
}

#[test]
fn the_frame_stack_grows_past_its_first_allocation() {
    let (mut store, down) = recursion_with_depth_limit(Limits::DEFAULT_MAX_CALL_DEPTH);
    for n in [1u32, 15, 16, 17, 100, 5_000] {
        let result = down.call(&mut store, &[Value::I32(n as i32)]).unwrap();
        let expected = u64::from(n) * u64::from(n + 1) / 2;
        assert_eq!(result, [Value::I64(expected as i64)], "depth {n}");
    }
}

#[test]
fn the_call_depth_limit_is_exact() {
    // `down(n)` makes n nested calls below the host's call of it: the limit counts them.
    for limit in [1, 16, 17, 64] {
        let (mut store, down) = recursion_with_depth_limit(limit);
        let deepest = limit as i32;
        assert!(
            down.call(&mut store, &[Value::I32(deepest)]).is_ok(),
            "depth {deepest} within a limit of {limit}"
        );
        let error = down
            .call(&mut store, &[Value::I32(deepest + 1)])
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("call stack exhausted"),
            "depth {} past a limit of {limit}: {error}",
            deepest + 1
        );
    }
}

/// The instance that owns the shared table: `grow` adds three elements calling `seven`.
const TABLE_OWNER: &str = r#"(module
  (table (export "table") 1 16 funcref)
  (func $seven (result i32) (i32.const 7))
  (elem declare func $seven)
  (func (export "grow") (result i32) (table.grow (ref.func $seven) (i32.const 3))))"#;

/// Calls through the shared table (its table 0) after growing it: itself, through the
/// owner, and through a host function that calls the owner back.
const TABLE_USER: &str = r#"(module
  (type $result (func (result i32)))
  (import "owner" "table" (table 1 16 funcref))
  (import "owner" "grow" (func $grow (result i32)))
  (import "host" "grow" (func $host_grow))
  (func $eight (result i32) (i32.const 8))
  (elem declare func $eight)
  (func (export "call_at") (param i32) (result i32) (call_indirect (type $result) (local.get 0)))
  (func (export "grow_here") (param i32) (result i32)
    (drop (table.grow (ref.func $eight) (i32.const 2)))
    (call_indirect (type $result) (local.get 0)))
  (func (export "grow_in_owner") (param i32) (result i32)
    (drop (call $grow))
    (call_indirect (type $result) (local.get 0)))
  (func (export "grow_through_host") (param i32) (result i32)
    (call $host_grow)
    (call_indirect (type $result) (local.get 0))))"#;

#[test]
fn call_indirect_sees_its_table_grow_however_it_grows() {
    use wasmcade::interp::{Extern, Func, FuncType};
    let parse = |text: &str| Module::new(&wat::parse_str(text).unwrap()).unwrap();
    let mut store = Store::new(());
    let owner = Linker::new()
        .instantiate(&mut store, &parse(TABLE_OWNER))
        .unwrap();
    let grow = owner.get_func(&store, "grow").unwrap();
    let host_grow = Func::new(&mut store, FuncType::new([], []), move |caller, _, _| {
        grow.call(caller.store(), &[])
            .expect("the owner's grow runs");
        Ok(())
    });
    let mut linker = Linker::new();
    linker
        .define("owner", "table", owner.export(&store, "table").unwrap())
        .define("owner", "grow", Extern::Func(grow))
        .define("host", "grow", host_grow);
    let user = linker.instantiate(&mut store, &parse(TABLE_USER)).unwrap();
    let mut call = |name: &str, index: i32| {
        let func = user.get_func(&store, name).unwrap();
        func.call(&mut store, &[Value::I32(index)])
            .map_err(|trap| trap.to_string())
    };
    // Each growth moves the elements; a call through a stale view of the table would
    // find the new index out of bounds.
    assert!(call("call_at", 1)
        .unwrap_err()
        .contains("undefined element"));
    assert_eq!(call("grow_here", 2), Ok(vec![Value::I32(8)]));
    assert!(call("call_at", 3)
        .unwrap_err()
        .contains("undefined element"));
    assert_eq!(call("grow_in_owner", 5), Ok(vec![Value::I32(7)]));
    assert!(call("call_at", 6)
        .unwrap_err()
        .contains("undefined element"));
    assert_eq!(call("grow_through_host", 8), Ok(vec![Value::I32(7)]));
    assert_eq!(call("call_at", 1), Ok(vec![Value::I32(8)]));
}

/// Grows its memory and adds globals and functions in host calls, then goes on using them.
const MOVED_BY_THE_HOST: &str = r#"(module
  (import "host" "grow" (func $grow))
  (import "host" "add_globals" (func $add_globals))
  (import "host" "add_functions" (func $add_functions (result funcref)))
  (type $to_i32 (func (result i32)))
  (table 2 funcref)
  (elem (i32.const 1) $nine)
  (func $nine (result i32) (i32.const 9))
  (memory 1)
  (global $counter (export "counter") (mut i64) (i64.const 5))
  (func (export "store_past_the_old_end") (result i32)
    (call $grow)
    (i32.store (i32.const 70000) (i32.const 42))
    (i32.load (i32.const 70000)))
  (func (export "count_around_new_globals") (result i64)
    (global.set $counter (i64.const 6))
    (call $add_globals)
    (global.set $counter (i64.add (global.get $counter) (i64.const 1)))
    (global.get $counter))
  (func (export "call_around_new_functions") (result i32)
    (drop (call_indirect (type $to_i32) (i32.const 1)))
    (table.set (i32.const 0) (call $add_functions))
    (i32.add (call_indirect (type $to_i32) (i32.const 1))
      (call_indirect (type $to_i32) (i32.const 0)))))"#;

#[test]
fn code_after_a_host_call_sees_the_memory_globals_and_functions_the_host_moved() {
    use wasmcade::interp::{Func, FuncType, Global, GlobalType, ValType};
    let module = Module::new(&wat::parse_str(MOVED_BY_THE_HOST).unwrap()).unwrap();
    let mut store = Store::new(());
    let grow = Func::new(&mut store, FuncType::new([], []), |caller, _, _| {
        let memory = caller.memory().expect("the caller has a memory");
        assert_eq!(memory.grow(caller.store(), 1), Some(1));
        Ok(())
    });
    // Enough globals that a list of them in one buffer would move (with allocations in
    // between, so that it could not grow where it is): the executor's view must survive.
    let add_globals = Func::new(&mut store, FuncType::new([], []), |caller, _, _| {
        let ty = GlobalType {
            content: ValType::I32,
            mutable: false,
        };
        let mut in_the_way = Vec::new();
        for value in 0..1000 {
            Global::new(caller.store(), ty, Value::I32(value)).unwrap();
            in_the_way.push(vec![value; 16]);
        }
        Ok(())
    });
    // As many functions (the last one returned, for the table), for the same reason.
    let to_i32 = FuncType::new([], [ValType::I32]);
    let add_functions = Func::new(
        &mut store,
        FuncType::new([], [ValType::FUNCREF]),
        move |caller, _, results| {
            let mut in_the_way = Vec::new();
            for value in 0..1000 {
                let eleven = Func::new(caller.store(), to_i32.clone(), |_, _, results| {
                    results[0] = Value::I32(11);
                    Ok(())
                });
                results[0] = Value::FuncRef(Some(eleven));
                in_the_way.push(vec![value; 16]);
            }
            Ok(())
        },
    );
    let mut linker = Linker::new();
    linker
        .define("host", "grow", grow)
        .define("host", "add_globals", add_globals)
        .define("host", "add_functions", add_functions);
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let mut call = |name: &str| {
        let func = instance.get_func(&store, name).unwrap();
        func.call(&mut store, &[]).map_err(|trap| trap.to_string())
    };
    // A stale view of the memory would end at its first page: the store would trap.
    assert_eq!(call("store_past_the_old_end"), Ok(vec![Value::I32(42)]));
    // A stale view of the globals would read and write where they were before.
    assert_eq!(call("count_around_new_globals"), Ok(vec![Value::I64(7)]));
    // A stale view of the store's functions would not have the new ones.
    assert_eq!(call("call_around_new_functions"), Ok(vec![Value::I32(20)]));
    let counter = match instance.export(&store, "counter") {
        Some(wasmcade::interp::Extern::Global(global)) => global,
        other => panic!("not a global: {other:?}"),
    };
    assert_eq!(counter.get(&store), Value::I64(7));
}
