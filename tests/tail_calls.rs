//! Tail calls (`return_call`, `return_call_indirect`) beyond the spec suite: a million
//! tail calls deep finish in constant frame-stack space with and without fuel, also
//! between two instances and through a table; a tail call of a host function returns
//! its results; and a trap's backtrace no longer holds the frame a tail call replaced.

use wasmcade::interp::{Func, FuncType, Limits, Linker, Module, Store, ValType, Value};

/// Two modules counting down by tail calls into each other: `ping` (in the first)
/// tail-calls `pong` (in the second), which tail-calls `ping` back through its table,
/// where the first module's element segment put it.
const PING: &str = r#"(module
  (import "pong" "pong" (func $pong (param i64) (result i64)))
  (import "pong" "table" (table 1 funcref))
  (elem (table 0) (i32.const 0) func $ping)
  (func $ping (export "ping") (param $n i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.const 42))
      (else (return_call $pong (i64.sub (local.get $n) (i64.const 1)))))))"#;

const PONG: &str = r#"(module
  (type $step (func (param i64) (result i64)))
  (table (export "table") 1 funcref)
  (func (export "pong") (param $n i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.const 43))
      (else (return_call_indirect (type $step)
        (i64.sub (local.get $n) (i64.const 1)) (i32.const 0))))))"#;

fn ping_pong(limits: Limits) -> (Store<()>, Func) {
    let mut store = Store::with_limits((), limits);
    let mut linker = Linker::new();
    let pong_module = Module::new(&wat::parse_str(PONG).unwrap()).unwrap();
    let pong = linker.instantiate(&mut store, &pong_module).unwrap();
    linker.instance(&store, "pong", pong);
    let ping_module = Module::new(&wat::parse_str(PING).unwrap()).unwrap();
    let ping = linker.instantiate(&mut store, &ping_module).unwrap();
    let entry = ping.get_func(&store, "ping").unwrap();
    (store, entry)
}

#[test]
fn a_million_tail_calls_across_instances_run_in_constant_space() {
    for fuel in [None, Some(u64::MAX / 2)] {
        let limits = Limits {
            fuel,
            max_call_depth: 100,
            ..Limits::default()
        };
        let (mut store, ping) = ping_pong(limits);
        // Even counts end in `ping`, odd ones in `pong`.
        let result = ping.call(&mut store, &[Value::I64(1_000_000)]).unwrap();
        assert_eq!(result, [Value::I64(42)], "fuel {fuel:?}");
        let result = ping.call(&mut store, &[Value::I64(1_000_001)]).unwrap();
        assert_eq!(result, [Value::I64(43)], "fuel {fuel:?}");
    }
}

#[test]
fn a_tail_call_of_a_host_function_returns_its_results() {
    let wat = r#"(module
      (import "host" "pair" (func $pair (param i32) (result i32 i64)))
      (func (export "tail") (param i32) (result i32 i64)
        (return_call $pair (i32.add (local.get 0) (i32.const 1))))
      (func (export "caller") (result i64)
        (local i64)
        (call $tail_inner (i32.const 9))
        (local.set 0)
        (drop)
        (i64.add (local.get 0) (i64.const 7)))
      (func $tail_inner (param i32) (result i32 i64)
        (return_call $pair (local.get 0))))"#;
    let module = Module::new(&wat::parse_str(wat).unwrap()).unwrap();
    let mut store = Store::new(());
    let mut linker = Linker::new();
    let ty = FuncType::new([ValType::I32], [ValType::I32, ValType::I64]);
    linker.func(&mut store, "host", "pair", ty, |_, args, results| {
        let Value::I32(x) = args[0] else {
            panic!("an i32 argument");
        };
        results[0] = Value::I32(x * 2);
        results[1] = Value::I64(x as i64 * 100);
        Ok(())
    });
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let tail = instance.get_func(&store, "tail").unwrap();
    assert_eq!(
        tail.call(&mut store, &[Value::I32(4)]).unwrap(),
        [Value::I32(10), Value::I64(500)]
    );
    let caller = instance.get_func(&store, "caller").unwrap();
    assert_eq!(caller.call(&mut store, &[]).unwrap(), [Value::I64(907)]);
}

#[test]
fn a_tail_call_replaces_its_frame_in_the_backtrace() {
    let wat = r#"(module
      (func $outer (export "outer") (call $middle) (drop (i32.const 0)))
      (func $middle (return_call $inner))
      (func $inner unreachable))"#;
    let module = Module::new(&wat::parse_str(wat).unwrap()).unwrap();
    let mut store = Store::new(());
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    let outer = instance.get_func(&store, "outer").unwrap();
    let error = outer.call(&mut store, &[]).unwrap_err();
    let trap = error.as_trap().expect("a trap");
    let names: Vec<Option<&str>> = trap
        .backtrace
        .iter()
        .map(|frame| frame.func_name.as_deref())
        .collect();
    assert_eq!(names, [Some("inner"), Some("outer")], "{trap:?}");
}
