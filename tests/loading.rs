//! Loading a module with enough code to be translated on several threads: every function
//! ends up where its index says, and an invalid module reports the first invalid body
//! (by index), whichever thread translated it.

use wasmcade::interp::{Linker, Module, Store, Value};

/// Functions in the generated module: far more code than one thread translates alone.
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
