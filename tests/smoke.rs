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

#[test]
fn observer_sees_every_instruction_with_offsets() {
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasmcade::interp::{Observer, Step};

    struct Recorder(Rc<RefCell<Vec<(u32, u32, String)>>>);
    impl Observer for Recorder {
        fn before(&mut self, step: &Step<'_>) {
            self.0
                .borrow_mut()
                .push((step.func_index, step.offset, step.op.name().to_string()));
        }
    }
    let (mut store, inst) = instance(
        r#"(module (func (export "f") (param i32) (result i32)
              (i32.add (local.get 0) (i32.const 5))))"#,
    );
    let seen = Rc::new(RefCell::new(Vec::new()));
    store.set_observer(Some(Box::new(Recorder(seen.clone()))));
    let out = inst.call(&mut store, "f", &[Value::I32(1)]).unwrap();
    assert_eq!(out, vec![Value::I32(6)]);
    let seen = seen.borrow();
    let names: Vec<&str> = seen.iter().map(|(_, _, name)| name.as_str()).collect();
    assert_eq!(names, ["i32.add", "return"]);
    assert!(seen
        .iter()
        .all(|(func, offset, _)| *func == 0 && *offset > 0));
    assert_eq!(store.fuel_consumed(), 2);
}

#[test]
fn memory_cap_fails_instantiation_and_grow_returns_minus_one() {
    let module = Module::new(&wat::parse_str(r#"(module (memory 65536))"#).unwrap()).unwrap();
    let mut store = Store::new(());
    let err = Linker::new().instantiate(&mut store, &module).unwrap_err();
    assert!(matches!(err, Error::Limit(_)), "{err}");
    assert!(err.to_string().contains("65536 pages"), "{err}");

    let (mut store, inst) = instance(
        r#"(module (memory 1) (func (export "grow") (param i32) (result i32)
              (memory.grow (local.get 0))))"#,
    );
    store.limits_mut().max_memory_pages = 4;
    assert_eq!(
        inst.call(&mut store, "grow", &[Value::I32(3)]).unwrap(),
        vec![Value::I32(1)]
    );
    assert_eq!(
        inst.call(&mut store, "grow", &[Value::I32(1)]).unwrap(),
        vec![Value::I32(-1)]
    );
}

#[test]
fn link_errors_list_every_problem_with_both_signatures() {
    use wasmcade::interp::{FuncType, ValType};
    let module = Module::new(
        &wat::parse_str(
            r#"(module (import "env" "missing" (func (param i32)))
                       (import "env" "sin" (func (param f64) (result f64))))"#,
        )
        .unwrap(),
    )
    .unwrap();
    let mut store = Store::new(());
    let mut linker = Linker::new();
    linker.func(
        &mut store,
        "env",
        "sin",
        FuncType::new([ValType::I32], []),
        |_, _, _| Ok(()),
    );
    let Error::Link(err) = linker.instantiate(&mut store, &module).unwrap_err() else {
        panic!("expected a link error")
    };
    assert_eq!(err.problems.len(), 2);
    assert!(
        err.problems[0].contains("env.missing") && err.problems[0].contains("(func (param i32))")
    );
    assert!(err.problems[1].contains("(func (param f64) (result f64))"));
    assert!(err.problems[1].contains("provides (func (param i32))"));
}

#[test]
fn host_functions_read_memory_and_traps_propagate() {
    use wasmcade::interp::{FuncType, Trap, ValType};
    let module = Module::new(
        &wat::parse_str(
            r#"(module (import "env" "log" (func $log (param i32 i32)))
                 (import "env" "fail" (func $fail))
                 (memory (export "memory") 1) (data (i32.const 8) "hello")
                 (func (export "greet") (call $log (i32.const 8) (i32.const 5)))
                 (func (export "boom") (call $fail)))"#,
        )
        .unwrap(),
    )
    .unwrap();
    let mut store = Store::new(String::new());
    let mut linker = Linker::new();
    linker.func(
        &mut store,
        "env",
        "log",
        FuncType::new([ValType::I32, ValType::I32], []),
        |caller, args, _| {
            let (Value::I32(ptr), Value::I32(len)) = (args[0], args[1]) else {
                unreachable!()
            };
            let text = caller.memory_data()[ptr as usize..(ptr + len) as usize].to_vec();
            caller
                .data_mut()
                .push_str(&String::from_utf8(text).unwrap());
            Ok(())
        },
    );
    linker.func(
        &mut store,
        "env",
        "fail",
        FuncType::new([], []),
        |_, _, _| Err(Trap::host("nope")),
    );
    let inst = linker.instantiate(&mut store, &module).unwrap();
    inst.call(&mut store, "greet", &[]).unwrap();
    assert_eq!(store.data(), "hello");
    let err = inst.call(&mut store, "boom", &[]).unwrap_err();
    assert_eq!(err.as_trap().unwrap().kind, TrapKind::Host("nope".into()));
    assert_eq!(
        err.as_trap().unwrap().backtrace[0].func_name.as_deref(),
        Some("boom")
    );
}

#[test]
fn raw_host_functions_take_bits_and_give_zero_extended_32_bit_results() {
    use wasmcade::interp::{Func, FuncType, Trap, ValType};
    use ValType::{F32, F64, I32, I64};
    let module = Module::new(
        &wat::parse_str(
            r#"(module
                 (import "env" "mix" (func $mix (param i32 i64 f32 f64) (result i32 f32 f64)))
                 (import "env" "fail" (func $fail (param i32)))
                 (func (export "mix") (param i32 i64 f32 f64) (result i64 i64 f64)
                   (local $f32 f32) (local $f64 f64)
                   (call $mix (local.get 0) (local.get 1) (local.get 2) (local.get 3))
                   (local.set $f64)
                   (local.set $f32)
                   ;; The 32-bit results as i64s: their upper halves must be zero.
                   (i64.extend_i32_u)
                   (i64.extend_i32_u (i32.reinterpret_f32 (local.get $f32)))
                   (local.get $f64))
                 (func (export "boom") (call $fail (i32.const 7))))"#,
        )
        .unwrap(),
    )
    .unwrap();
    let mut store = Store::new(Vec::<u64>::new());
    // Records its arguments' bits; returns them changed, with garbage above the 32-bit ones.
    let mix = Func::new_raw(
        &mut store,
        FuncType::new([I32, I64, F32, F64], [I32, F32, F64]),
        |caller, bits| {
            assert_eq!(bits.len(), 4);
            caller.data_mut().extend_from_slice(bits);
            let (a, c, d) = (bits[0], bits[2], bits[3]);
            bits[0] = 0xdead_beef_0000_0000 | (a + 1);
            bits[1] = 0xffff_ffff_0000_0000 | (f32::from_bits(c as u32) * 2.0).to_bits() as u64;
            bits[2] = (f64::from_bits(d) + 0.5).to_bits();
            Ok(())
        },
    );
    let fail = Func::new_raw(&mut store, FuncType::new([I32], []), |_, bits| {
        Err(Trap::host(format!("raw {}", bits[0])))
    });
    let mut linker = Linker::new();
    linker.define("env", "mix", mix).define("env", "fail", fail);
    let inst = linker.instantiate(&mut store, &module).unwrap();
    let args = [
        Value::I32(-2),
        Value::I64(-3),
        Value::F32(1.5),
        Value::F64(-0.25),
    ];
    let results = inst.call(&mut store, "mix", &args).unwrap();
    assert_eq!(
        results,
        [
            Value::I64(0xffff_ffff),
            Value::I64(3.0f32.to_bits() as i64),
            Value::F64(0.25)
        ]
    );
    // The i32 argument zero-extended, the others as their bits.
    let argument_bits = [
        0xffff_fffe,
        (-3i64) as u64,
        1.5f32.to_bits() as u64,
        (-0.25f64).to_bits(),
    ];
    assert_eq!(store.data()[..], argument_bits);
    // Called from the host directly, as any function.
    store.data_mut().clear();
    let results = mix.call(&mut store, &args).unwrap();
    assert_eq!(results, [Value::I32(-1), Value::F32(3.0), Value::F64(0.25)]);
    assert_eq!(store.data()[..], argument_bits);
    let err = inst.call(&mut store, "boom", &[]).unwrap_err();
    assert_eq!(err.as_trap().unwrap().kind, TrapKind::Host("raw 7".into()));
}

#[test]
fn globals_stay_right_when_a_host_function_adds_globals_mid_call() {
    use wasmcade::interp::{FuncType, Global, GlobalType, ValType};
    let module = Module::new(
        &wat::parse_str(
            r#"(module (import "env" "grow_store" (func $grow))
                 (import "env" "shared" (global $shared (mut i64)))
                 (global $own (mut i64) (i64.const 5))
                 (func (export "run") (result i64)
                   (global.set $own (i64.add (global.get $own) (i64.const 1)))
                   (call $grow)
                   (global.set $own (i64.add (global.get $own) (global.get $shared)))
                   (call $grow)
                   (i64.add (global.get $own) (global.get $shared))))"#,
        )
        .unwrap(),
    )
    .unwrap();
    let mut store = Store::new(());
    let ty = GlobalType {
        content: ValType::I64,
        mutable: true,
    };
    let shared = Global::new(&mut store, ty, Value::I64(100)).unwrap();
    let mut linker = Linker::new();
    linker.define("env", "shared", shared);
    // Each call adds a thousand globals to the store and bumps the imported one: the
    // wasm code after it must see the new value, not a stale cell.
    linker.func(
        &mut store,
        "env",
        "grow_store",
        FuncType::new([], []),
        move |caller, _, _| {
            let store = caller.store();
            for i in 0..1000 {
                Global::new(store, ty, Value::I64(i)).unwrap();
            }
            let Value::I64(old) = shared.get(store) else {
                unreachable!()
            };
            shared.set(store, Value::I64(old + 1000)).unwrap();
            Ok(())
        },
    );
    let instance = linker.instantiate(&mut store, &module).unwrap();
    // own: 5 + 1 = 6; shared 1100 after the first call: own 1106; shared 2100 after
    // the second: 1106 + 2100.
    let result = instance.call(&mut store, "run", &[]).unwrap();
    assert_eq!(result, [Value::I64(3206)]);
    assert_eq!(shared.get(&store), Value::I64(2100));
}

/// `memory.copy` and `memory.init` of every length around the point where large copies
/// go in blocks (see `copy_bytes`), between addresses equally and unequally aligned,
/// overlapping either way or apart, byte for byte as `copy_within` copies.
#[test]
fn large_memory_copies_and_inits_match_memmove_whatever_the_overlap() {
    let segment: Vec<u8> = (0..12_000u32).map(|i| (i * 7 + i / 251) as u8).collect();
    let data: String = segment.iter().map(|b| format!("\\{b:02x}")).collect();
    let (mut store, instance) = instance(&format!(
        r#"(module
             (memory (export "memory") 2)
             (data $segment "{data}")
             (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
             (func (export "init") (param i32 i32 i32) (memory.init $segment (local.get 0) (local.get 1) (local.get 2))))"#
    ));
    let memory = instance.get_memory(&store, "memory").unwrap();
    let pattern: Vec<u8> = (0..2 * 65536u32).map(|i| (i ^ (i >> 9)) as u8).collect();
    memory.data_mut(&mut store).copy_from_slice(&pattern);
    let mut expected = pattern;
    let arg = |v: usize| Value::I32(v as i32);
    for len in [0, 63, 2047, 2048, 2049, 4096 + 37, 10_000] {
        for distance in [0, 1, 8, 63, 64, 100, 4096, 4104, 20_000] {
            for (dst, src) in [(30_000, 30_000 + distance), (30_000 + distance, 30_000)] {
                instance
                    .call(&mut store, "copy", &[arg(dst), arg(src), arg(len)])
                    .unwrap();
                expected.copy_within(src..src + len, dst);
                assert!(
                    memory.data(&store) == expected.as_slice(),
                    "memory.copy of {len} bytes from {src} to {dst}"
                );
            }
        }
        for (dst, from) in [(5, 0), (70_000, 3), (64, 64), (1_000, 1_100)] {
            let len = len.min(segment.len() - from);
            instance
                .call(&mut store, "init", &[arg(dst), arg(from), arg(len)])
                .unwrap();
            expected[dst..dst + len].copy_from_slice(&segment[from..from + len]);
            assert!(
                memory.data(&store) == expected.as_slice(),
                "memory.init of {len} bytes from {from} to {dst}"
            );
        }
    }
}
