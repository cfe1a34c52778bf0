//! Small end-to-end checks of the embedding API on hand-written modules.

use wasmcade::interp::{Error, Linker, Module, Store, TrapKind, Value};

fn instance(wat: &str) -> (Store<()>, wasmcade::interp::Instance) {
    let module = Module::new(&wat::parse_str(wat).unwrap()).unwrap();
    let mut store = Store::new(());
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    (store, instance)
}

#[test]
fn recursive_fib() {
    let (mut store, inst) = instance(
        r#"(module (func $fib (export "fib") (param i32) (result i32)
            (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
              (then (local.get 0))
              (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                             (call $fib (i32.sub (local.get 0) (i32.const 2))))))))"#,
    );
    let out = inst.call(&mut store, "fib", &[Value::I32(20)]).unwrap();
    assert_eq!(out, vec![Value::I32(6765)]);
}

#[test]
fn loop_sum_and_memory() {
    let (mut store, inst) = instance(
        r#"(module (memory (export "mem") 1)
            (func (export "sum") (param $n i32) (result i64) (local $i i32) (local $acc i64)
              (block $done (loop $next
                (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
                (i32.store (i32.mul (local.get $i) (i32.const 4)) (local.get $i))
                (local.set $acc (i64.add (local.get $acc)
                   (i64.extend_i32_u (i32.load (i32.mul (local.get $i) (i32.const 4))))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $next)))
              (local.get $acc)))"#,
    );
    let out = inst.call(&mut store, "sum", &[Value::I32(1000)]).unwrap();
    assert_eq!(out, vec![Value::I64(499_500)]);
    let mem = inst.get_memory(&store, "mem").unwrap();
    assert_eq!(&mem.data(&store)[4..8], &1u32.to_le_bytes());
}

#[test]
fn traps_carry_kind_and_backtrace() {
    let (mut store, inst) = instance(
        r#"(module (func $inner (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
                   (func (export "outer") (result i32) (call $inner (i32.const 0))))"#,
    );
    let err = inst.call(&mut store, "outer", &[]).unwrap_err();
    let Error::Trap(trap) = err else {
        panic!("not a trap: {err}")
    };
    assert_eq!(trap.kind, TrapKind::IntegerDivideByZero);
    assert_eq!(trap.backtrace.len(), 2);
    assert_eq!(trap.backtrace[1].func_name.as_deref(), Some("outer"));
}

#[test]
fn infinite_recursion_is_call_stack_exhausted() {
    let (mut store, inst) = instance(r#"(module (func $f (export "f") (call $f)))"#);
    let err = inst.call(&mut store, "f", &[]).unwrap_err();
    assert_eq!(err.as_trap().unwrap().kind, TrapKind::CallStackExhausted);
}

#[test]
fn fuel_stops_infinite_loops() {
    let (mut store, inst) = instance(r#"(module (func (export "spin") (loop (br 0))))"#);
    store.limits_mut().fuel = Some(10_000);
    let err = inst.call(&mut store, "spin", &[]).unwrap_err();
    assert_eq!(err.as_trap().unwrap().kind, TrapKind::OutOfFuel(10_000));
}
