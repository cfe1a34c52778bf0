//! Loading a module with enough code to be validated on several threads: every function
//! ends up where its index says, and an invalid module reports the first invalid body
//! (by index), whichever thread validated it. Functions are translated at their first
//! call, through whichever call path reaches them first, once for all instances and
//! threads.

use std::thread;

use wasmcade::interp::{Instance, Linker, Module, Store, Value};

/// Functions in the generated module: far more code than one thread validates alone.
const FUNCS: usize = 800;

/// A module of `FUNCS` exported functions; `f{i}` returns `i * 7 + 3` through a chain of
/// locals (some bulk, so that the code section is large). The bodies whose index is in
/// `invalid` return an i64 instead, a type error.
fn many_functions(invalid: &[usize]) -> Vec<u8> {
    let funcs: String = (0..FUNCS)
        .map(|i| {
            let result = if invalid.contains(&i) {
                "(drop) (i64.const 0)"
            } else {
                ""
            };
            format!(
                r#"(func (export "f{i}") (result i32) (local i32 i32 i32)
                     (local.set 0 (i32.const {i}))
                     (local.set 1 (i32.mul (local.get 0) (i32.const 7)))
                     (local.set 2 (i32.add (local.get 1) (i32.const 3)))
                     (if (i32.lt_s (local.get 2) (i32.const 0)) (then unreachable))
                     (local.get 2) {result})"#
            )
        })
        .collect();
    wat::parse_str(format!("(module {funcs})")).unwrap()
}

#[test]
fn a_large_module_loads_with_every_function_in_its_place() {
    let module = Module::new(&many_functions(&[])).unwrap();
    assert!(
        module.code_size() > 16 * 1024,
        "the module must be large enough for several threads: {} bytes of code",
        module.code_size()
    );
    let mut store = Store::new(());
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    for i in 0..FUNCS {
        let f = instance.get_func(&store, &format!("f{i}")).unwrap();
        let result = f.call(&mut store, &[]).unwrap();
        assert_eq!(result, [Value::I32(i as i32 * 7 + 3)], "f{i}");
    }
}

/// The load error of the module with the bodies at `invalid` broken.
fn load_error(invalid: &[usize]) -> String {
    match Module::new(&many_functions(invalid)) {
        Ok(_) => panic!("bodies {invalid:?} are invalid, yet the module loaded"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn the_first_invalid_body_by_index_is_reported() {
    for invalid in [
        &[3][..],
        &[FUNCS - 2],
        &[FUNCS / 2 + 1],
        &[5, FUNCS - 2],
        &[FUNCS / 2 + 1, FUNCS - 2],
    ] {
        let error = load_error(invalid);
        let first = format!("(function body {})", invalid[0]);
        assert!(
            error.contains("type mismatch") && error.contains(&first),
            "bodies {invalid:?}: {error}"
        );
    }
}

/// A module whose `run` reaches one function by each way a call can first reach it;
/// `never` is called by nothing.
const FIRST_CALLS: &str = r#"
(module
  (import "lib" "seven" (func $seven (result i32)))
  (type $r (func (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $by_table0)
  (table $t1 1 funcref)
  (elem (table $t1) (i32.const 0) func $by_table1)
  (func $direct (result i32) (i32.const 1))
  (func $by_table0 (result i32) (i32.const 2))
  (func $by_table1 (result i32) (i32.const 3))
  ;; Too many locals to be entered by the direct path: entered through the frame push.
  (func $many_locals (result i32)
    (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
    (i32.const 4))
  (func $never (result i32) (i32.const 5))
  (func (export "run") (result i32)
    (i32.add
      (i32.add (call $direct) (call_indirect (type $r) (i32.const 0)))
      (i32.add
        (i32.add (call_indirect $t1 (type $r) (i32.const 0)) (call $many_locals))
        (call $seven)))))
"#;

/// The module `FIRST_CALLS` imports `seven` from: a wasm function of another instance.
const LIB: &str = r#"(module (func (export "seven") (result i32) (i32.const 7)))"#;

/// A store with an instance of `lib` and one of `module` importing from it.
fn instantiate_with_lib(lib: &Module, module: &Module) -> (Store<()>, Instance) {
    let mut store = Store::new(());
    let lib_instance = Linker::new().instantiate(&mut store, lib).unwrap();
    let mut linker = Linker::new();
    linker.instance(&store, "lib", lib_instance);
    let instance = linker.instantiate(&mut store, module).unwrap();
    (store, instance)
}

#[test]
fn functions_are_translated_at_their_first_call_by_any_path() {
    let lib = Module::new(&wat::parse_str(LIB).unwrap()).unwrap();
    let module = Module::new(&wat::parse_str(FIRST_CALLS).unwrap()).unwrap();
    let (mut store, instance) = instantiate_with_lib(&lib, &module);
    assert_eq!(
        module.translated_func_count(),
        0,
        "loading translates nothing"
    );
    assert_eq!(lib.translated_func_count(), 0);
    for _ in 0..2 {
        let result = instance.call(&mut store, "run", &[]).unwrap();
        assert_eq!(result, [Value::I32(1 + 2 + 3 + 4 + 7)]);
        assert_eq!(module.translated_func_count(), 5, "all but `never`");
        assert_eq!(lib.translated_func_count(), 1);
    }
    // Another instance of the module finds its functions translated.
    let (mut store, again) = instantiate_with_lib(&lib, &module);
    assert_eq!(
        again.call(&mut store, "run", &[]).unwrap(),
        [Value::I32(17)]
    );
    assert_eq!(module.translated_func_count(), 5);
    // Looking at a function's code translates it.
    let never = module.func_count() as u32 - 2;
    let code = module.compiled(never).unwrap();
    assert!(code.iter().any(|op| op.op.name() == "return"), "{code:?}");
    assert_eq!(module.translated_func_count(), 6);
    assert!(module.compiled(0).is_err(), "an import has no code");
}

#[test]
fn threads_sharing_a_module_translate_each_function_once_and_agree() {
    let module = Module::new(&many_functions(&[])).unwrap();
    let results: Vec<Vec<Value>> = thread::scope(|scope| {
        let workers: Vec<_> = [false, true]
            .map(|backwards| {
                let module = module.clone();
                scope.spawn(move || {
                    let mut store = Store::new(());
                    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
                    let mut order: Vec<usize> = (0..FUNCS).collect();
                    if backwards {
                        order.reverse();
                    }
                    let mut results = vec![Value::I32(0); FUNCS];
                    for i in order {
                        let result = instance.call(&mut store, &format!("f{i}"), &[]).unwrap();
                        results[i] = result[0];
                    }
                    results
                })
            })
            .into_iter()
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    for results in &results {
        for (i, result) in results.iter().enumerate() {
            assert_eq!(*result, Value::I32(i as i32 * 7 + 3), "f{i}");
        }
    }
    assert_eq!(module.translated_func_count(), FUNCS);
}
