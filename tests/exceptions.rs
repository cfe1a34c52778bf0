//! Exceptions (`throw`, `throw_ref`, `try_table`, tags) beyond the spec suite: a throw
//! caught 1,000 frames up; through a host function that called back into wasm (and out
//! of one called by `return_call`, past the handlers of the frame it replaced); across
//! two instances sharing an imported tag; rethrown by `throw_ref`; caught by
//! `catch_all_ref`; and one that nothing catches comes back from the export as a trap
//! naming its tag, with the backtrace. Each runs with and without fuel metering. A loop
//! throwing and catching does not grow the store; the fuel runs out inside an exception
//! loop as anywhere; an observer sees each exception caught.

use std::cell::RefCell;
use std::rc::Rc;

use wasmcade::interp::{
    Catching, Error, Extern, FuncType, Instance, Limits, Linker, Module, Observer, Step, Store,
    Tag, TrapKind, ValType, Value,
};

/// With and without fuel metering.
const FUELS: [Option<u64>; 2] = [None, Some(u64::MAX / 2)];

fn limits(fuel: Option<u64>) -> Limits {
    Limits {
        fuel,
        ..Limits::default()
    }
}

fn instantiate(store: &mut Store<()>, linker: &Linker, wat: &str) -> Instance {
    let module = Module::new(&wat::parse_str(wat).unwrap()).unwrap();
    linker.instantiate(store, &module).unwrap()
}

fn call(store: &mut Store<()>, instance: Instance, name: &str, args: &[Value]) -> Vec<Value> {
    instance.call(store, name, args).unwrap()
}

/// `deep n` recurses `n` frames down, throws `$e` with `n`'s start value at the bottom,
/// and `catch_deep` catches it around the outermost call, returning the value plus one.
const DEEP: &str = r#"(module
  (tag $e (param i32))
  (func $deep (param $n i32) (param $v i32)
    (if (i32.eqz (local.get $n)) (then (throw $e (local.get $v))))
    (call $deep (i32.sub (local.get $n) (i32.const 1)) (local.get $v)))
  (func (export "catch_deep") (param $n i32) (result i32)
    (block $caught (result i32)
      (try_table (catch $e $caught)
        (call $deep (local.get $n) (i32.const 41)))
      (i32.const -1)
      (return))
    (i32.const 1)
    (i32.add)))"#;

#[test]
fn a_throw_is_caught_a_thousand_frames_up() {
    for fuel in FUELS {
        let mut store = Store::with_limits((), limits(fuel));
        let instance = instantiate(&mut store, &Linker::new(), DEEP);
        let result = call(&mut store, instance, "catch_deep", &[Value::I32(1000)]);
        assert_eq!(result, [Value::I32(42)], "fuel {fuel:?}");
        // The frames are gone: the same call works again, and so does a shallow one.
        let result = call(&mut store, instance, "catch_deep", &[Value::I32(0)]);
        assert_eq!(result, [Value::I32(42)], "fuel {fuel:?}");
    }
}

/// `outer` calls the host's `bounce`, which calls `inner` back, which throws `$e`:
/// the exception leaves `inner`, the host function and reaches `outer`'s handler.
const BOUNCE: &str = r#"(module
  (import "host" "bounce" (func $bounce (param i32)))
  (tag $e (export "e") (param i32))
  (func (export "inner") (param i32) (throw $e (i32.mul (local.get 0) (i32.const 2))))
  (func (export "outer") (param i32) (result i32)
    (block $caught (result i32)
      (try_table (catch $e $caught) (call $bounce (local.get 0)))
      (i32.const -1)))
  (func $tail (param i32)
    (block $wrong (result i32)
      (try_table (catch $e $wrong) (return_call $bounce (local.get 0)))
      (unreachable))
    (drop)
    (unreachable))
  (func (export "tail") (param i32) (result i32)
    (block $caught (result i32)
      (try_table (catch $e $caught) (call $tail (local.get 0)))
      (i32.const -1))))"#;

#[test]
fn an_exception_goes_through_a_host_function_that_called_back_into_wasm() {
    for fuel in FUELS {
        let mut store = Store::with_limits((), limits(fuel));
        let mut linker = Linker::new();
        let instance_cell: Rc<RefCell<Option<Instance>>> = Rc::default();
        let cell = Rc::clone(&instance_cell);
        linker.func(
            &mut store,
            "host",
            "bounce",
            FuncType::new([ValType::I32], []),
            move |caller, args, _| {
                let instance = cell.borrow().expect("instantiated");
                // The error the callback returns is the exception: passed on as is.
                instance
                    .call(caller.store(), "inner", args)
                    .map(drop)
                    .map_err(|error| match error {
                        Error::Trap(trap) => trap,
                        other => panic!("{other}"),
                    })
            },
        );
        let instance = instantiate(&mut store, &linker, BOUNCE);
        *instance_cell.borrow_mut() = Some(instance);
        let result = call(&mut store, instance, "outer", &[Value::I32(21)]);
        assert_eq!(result, [Value::I32(42)], "fuel {fuel:?}");
        // Out of a host function called by `return_call`: not the caller's to catch
        // (the callee replaced it), its caller's.
        let result = call(&mut store, instance, "tail", &[Value::I32(4)]);
        assert_eq!(result, [Value::I32(8)], "fuel {fuel:?}");
    }
}

/// The thrower exports its tag and throws it; the catcher imports it, and a tag of its
/// own of the same type, which must not catch the other's exceptions.
const THROWER: &str = r#"(module
  (tag $e (export "e") (param i64 f32))
  (func (export "throw") (param i64) (throw $e (local.get 0) (f32.const 0.5))))"#;

const CATCHER: &str = r#"(module
  (import "thrower" "e" (tag $e (param i64 f32)))
  (import "thrower" "throw" (func $throw (param i64)))
  (tag $mine (param i64 f32))
  (func (export "catch") (param i64) (result i64 f32)
    (block $caught (result i64 f32)
      (try_table (result i64 f32) (catch $mine $caught)
        (block $theirs (result i64 f32)
          (try_table (catch $e $theirs) (call $throw (local.get 0)))
          (unreachable)))
      (f32.const 2.0)
      (f32.mul)
      (return))
    (unreachable)))"#;

#[test]
fn an_imported_tag_is_caught_across_instances_and_an_equal_type_is_another_tag() {
    for fuel in FUELS {
        let mut store = Store::with_limits((), limits(fuel));
        let mut linker = Linker::new();
        let thrower = instantiate(&mut store, &linker, THROWER);
        linker.instance(&store, "thrower", thrower);
        let catcher = instantiate(&mut store, &linker, CATCHER);
        let result = call(&mut store, catcher, "catch", &[Value::I64(7)]);
        assert_eq!(result, [Value::I64(7), Value::F32(1.0)], "fuel {fuel:?}");
    }
}

/// `rethrow` catches `$e` with its reference, then throws it again with `throw_ref`
/// (the same exception: its value comes through); `catch_all_ref` catches anything,
/// and `count` throws and catches `n` times in a loop.
const RETHROW: &str = r#"(module
  (tag $e (param i32))
  (tag $other)
  (func $throw_e (param i32) (throw $e (local.get 0)))
  (func $rethrow (param i32)
    (local $exn exnref)
    (block $caught (result i32 exnref)
      (try_table (catch_ref $e $caught) (call $throw_e (local.get 0)))
      (return))
    (local.set $exn)
    (drop)
    (throw_ref (local.get $exn)))
  (func (export "rethrow") (param i32) (result i32)
    (block $caught (result i32)
      (try_table (catch $e $caught) (call $rethrow (local.get 0)))
      (i32.const -1)))
  (func (export "catch_all_ref") (param i32) (result i32)
    (block $caught (result exnref)
      (try_table (catch_all_ref $caught)
        (if (local.get 0) (then (throw $other)))
        (call $throw_e (i32.const 5)))
      (return (i32.const -1)))
    (ref.is_null)
    (i32.eqz))
  (func (export "throw_null") (throw_ref (ref.null exn)))
  (func (export "escape") (call $throw_e (i32.const 0)))
  (func (export "count") (param $n i32) (result i32)
    (local $sum i32)
    (loop $again
      (block $caught (result i32)
        (try_table (catch $e $caught) (call $throw_e (local.get $n)))
        (unreachable))
      (local.set $sum (i32.add (local.get $sum)))
      (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $sum)))"#;

#[test]
fn throw_ref_rethrows_the_same_exception_and_catch_all_ref_catches_any() {
    for fuel in FUELS {
        let mut store = Store::with_limits((), limits(fuel));
        let instance = instantiate(&mut store, &Linker::new(), RETHROW);
        let result = call(&mut store, instance, "rethrow", &[Value::I32(9)]);
        assert_eq!(result, [Value::I32(9)], "fuel {fuel:?}");
        for which in [0, 1] {
            let result = call(&mut store, instance, "catch_all_ref", &[Value::I32(which)]);
            assert_eq!(result, [Value::I32(1)], "fuel {fuel:?}, exception {which}");
        }
        let trap = instance
            .call(&mut store, "throw_null", &[])
            .unwrap_err()
            .as_trap()
            .cloned()
            .unwrap();
        assert_eq!(trap.kind, TrapKind::NullExceptionReference);
        assert_eq!(
            trap.to_string().split(" in ").next(),
            Some("null exception reference")
        );
    }
}

#[test]
fn a_loop_throwing_and_catching_runs_in_bounded_store_space() {
    let mut store = Store::new(());
    let instance = instantiate(&mut store, &Linker::new(), RETHROW);
    let n = 100_000;
    let result = call(&mut store, instance, "count", &[Value::I32(n)]);
    // (The sum wraps as an i32 does.)
    let sum = (n as i64 * (n as i64 + 1) / 2) as i32;
    assert_eq!(result, [Value::I32(sum)]);
    // Each exception, caught without its reference, was dropped when caught: the next
    // one thrown, which leaves wasm, is the store's first.
    let error = instance.call(&mut store, "escape", &[]).unwrap_err();
    let kind = &error.as_trap().unwrap().kind;
    assert!(kind.exception_index() == Some(0), "{kind:?}");
}

/// `run` calls `step`, which throws the exported tag `boom`; nothing catches it.
const UNCAUGHT: &str = r#"(module
  (tag $boom (export "boom") (param i32))
  (tag $quiet (param i32))
  (func $step (param i32) (throw $boom (local.get 0)))
  (func (export "run") (param i32) (call $step (local.get 0)))
  (func (export "run_quiet") (throw $quiet (i32.const 3))))"#;

#[test]
fn an_uncaught_exception_is_a_trap_naming_its_tag_with_the_backtrace() {
    for fuel in FUELS {
        let mut store = Store::with_limits((), limits(fuel));
        let instance = instantiate(&mut store, &Linker::new(), UNCAUGHT);
        let error = instance
            .call(&mut store, "run", &[Value::I32(12)])
            .unwrap_err();
        let trap = error.as_trap().cloned().expect("a trap");
        let TrapKind::Exception(uncaught) = &trap.kind else {
            panic!("not an exception: {trap}");
        };
        assert_eq!(uncaught.tag, "boom");
        let text = error.to_string();
        assert!(
            text.starts_with("trap: uncaught exception boom in step (func 0) at offset 0x"),
            "{text}"
        );
        let lines = trap.backtrace_lines();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[0].contains("step (func 0)"), "{lines:?}");
        assert!(lines[1].contains("run (func 1)"), "{lines:?}");
        // The exception stays in the store, with its tag and values.
        let (thrown, values) = store.exception(uncaught.exn).expect("kept");
        assert_eq!(values, [Value::I32(12)]);
        assert_eq!(Some(Extern::Tag(thrown)), instance.export(&store, "boom"));
        // A tag with no name is named by its place in the store.
        let error = instance.call(&mut store, "run_quiet", &[]).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("trap: uncaught exception (tag "),
            "{error}"
        );
    }
}

/// A host-made tag, imported: the module's exceptions of it carry its name.
#[test]
fn a_host_tag_links_by_type_and_names_its_exceptions() {
    let mut store = Store::new(());
    let tag = Tag::new(&mut store, FuncType::new([ValType::I32], []));
    let mut linker = Linker::new();
    linker.define("env", "oops", tag);
    let wat = r#"(module
      (import "env" "oops" (tag $oops (param i32)))
      (func (export "go") (throw $oops (i32.const 1))))"#;
    let instance = instantiate(&mut store, &linker, wat);
    let error = instance.call(&mut store, "go", &[]).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("trap: uncaught exception env.oops"),
        "{error}"
    );
    // Of another type it does not link.
    let wrong = r#"(module (import "env" "oops" (tag (param i64))))"#;
    let module = Module::new(&wat::parse_str(wrong).unwrap()).unwrap();
    let error = linker.instantiate(&mut store, &module).unwrap_err();
    assert!(matches!(error, Error::Link(_)), "{error}");
}

#[test]
fn fuel_runs_out_in_a_loop_of_exceptions() {
    let mut store = Store::with_limits((), limits(Some(10_000)));
    let instance = instantiate(&mut store, &Linker::new(), RETHROW);
    let error = instance
        .call(&mut store, "count", &[Value::I32(1_000_000)])
        .unwrap_err();
    assert!(
        matches!(error.as_trap().unwrap().kind, TrapKind::OutOfFuel(10_000)),
        "{error}"
    );
}

/// Records the exceptions caught.
struct Recorder(Rc<RefCell<Vec<String>>>);

impl Observer for Recorder {
    fn before(&mut self, _: &Step<'_>) {}

    fn caught(&mut self, catching: &Catching<'_>) {
        self.0.borrow_mut().push(format!(
            "{} left {} frames to func {} op {}",
            catching.tag, catching.frames_left, catching.func_index, catching.pad
        ));
    }
}

#[test]
fn an_observer_sees_where_an_exception_is_caught() {
    let mut store = Store::new(());
    let instance = instantiate(&mut store, &Linker::new(), DEEP);
    let seen = Rc::default();
    store.set_observer(Some(Box::new(Recorder(Rc::clone(&seen)))));
    let result = call(&mut store, instance, "catch_deep", &[Value::I32(3)]);
    assert_eq!(result, [Value::I32(42)]);
    let seen = seen.borrow();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(
        seen[0].starts_with("(tag 0) left 4 frames to func 1 op "),
        "{seen:?}"
    );
}

/// Every kind of handler, stepped one instruction at a time as the stepper runs them,
/// against normal execution: results, uncaught exceptions and their backtraces.
const STEPPED: &str = r#"(module
  (memory 1)
  (tag $e (export "e") (param i32 i64))
  (tag $other)
  (func $deep (param $n i32)
    (i32.store (i32.const 0) (local.get $n))
    (if (i32.eqz (local.get $n)) (then (throw $e (i32.const 7) (i64.const 8))))
    (call $deep (i32.sub (local.get $n) (i32.const 1))))
  (func (export "catch") (param $n i32) (result i32 i64)
    (try_table (catch $e 0) (call $deep (local.get $n)))
    (i32.const -1) (i64.const -1))
  (func (export "catch_ref") (param $n i32) (result i32)
    (local $x exnref)
    (block $outer (result i32 i64)
      (block $caught (result i32 i64 exnref)
        (try_table (catch_ref $e $caught) (call $deep (local.get $n)))
        (return (i32.const -1)))
      (local.set $x)
      (drop)
      (drop)
      (try_table (catch $e $outer) (throw_ref (local.get $x)))
      (unreachable))
    (drop))
  (func (export "catch_all") (param $which i32) (result i32)
    (block $all
      (block $all_ref (result exnref)
        (try_table (catch $other $all) (catch_all_ref $all_ref)
          (if (local.get $which) (then (throw $other)))
          (call $deep (i32.const 2)))
        (return (i32.const 0)))
      (return (i32.const 1)))
    (i32.const 2))
  (func (export "loop") (param $n i32) (result i32)
    (local $count i32)
    (loop $again
      (block $caught
        (try_table (catch_all $caught) (throw $other)))
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $count) (local.get $n))))
    (local.get $count))
  (func (export "uncaught") (param $n i32) (call $deep (local.get $n))))"#;

#[test]
fn the_stepper_throws_and_catches_as_normal_execution_does() {
    let module = Module::new(&wat::parse_str(STEPPED).unwrap()).unwrap();
    let calls = vec![
        ("catch", vec![Value::I32(0)]),
        ("catch", vec![Value::I32(5)]),
        ("catch_ref", vec![Value::I32(3)]),
        ("catch_all", vec![Value::I32(0)]),
        ("catch_all", vec![Value::I32(1)]),
        ("loop", vec![Value::I32(10)]),
        ("uncaught", vec![Value::I32(2)]),
    ];
    let traps = stepping::steps_as_it_runs(&module, calls);
    assert_eq!(traps, 1, "only `uncaught` ends in an exception");
}

mod stepping;
