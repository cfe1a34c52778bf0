//! Handles belong to the store that made them: a function, global, table, memory or
//! instance of one store used in another — as a linker definition, a table's or a
//! global's value, an argument, a host function's result — is an error (or, from a
//! host function called by wasm, a trap), never a panic or a call of whatever function
//! has the same index there.

use wasmcade::interp::{
    Error, Func, FuncType, Global, GlobalType, Linker, Module, SizeLimits, Store, Table, TableType,
    TrapKind, ValType, Value,
};

/// A store with one host function `() -> i32` returning `value`.
fn store_with_func(value: i32) -> (Store<()>, Func) {
    let mut store = Store::new(());
    let func = Func::new(
        &mut store,
        FuncType::new([], [ValType::I32]),
        move |_, _, results| {
            results[0] = Value::I32(value);
            Ok(())
        },
    );
    (store, func)
}

fn usage_message(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(Error::Usage(message)) => message,
        other => panic!("expected a usage error, got {other:?}"),
    }
}

const FOREIGN: &str = "from another store used in this one";

/// Imports `env.f` and puts it in a table that `call_it` calls through.
const IMPORTS_INTO_A_TABLE: &str = r#"(module
  (type $get (func (result i32)))
  (import "env" "f" (func $f (type $get)))
  (table 1 funcref)
  (elem (i32.const 0) func $f)
  (func (export "call_it") (result i32) (call_indirect (type $get) (i32.const 0))))"#;

#[test]
fn a_definition_from_another_store_is_a_link_error() {
    let (_other, foreign) = store_with_func(1);
    // The same index in this store is a function of the same type: without the check,
    // the table would call it.
    let (mut store, _own) = store_with_func(2);
    let module = Module::new(&wat::parse_str(IMPORTS_INTO_A_TABLE).unwrap()).unwrap();
    let mut linker = Linker::new();
    linker.define("env", "f", foreign);
    match linker.instantiate(&mut store, &module) {
        Err(Error::Link(error)) => assert_eq!(
            error.to_string(),
            "import env.f: the host's definition belongs to another store"
        ),
        other => panic!("expected a link error, got {other:?}"),
    }
}

#[test]
fn an_instance_of_another_store_is_a_link_error() {
    let module = Module::new(&wat::parse_str(r#"(module (func (export "f")))"#).unwrap()).unwrap();
    let mut other = Store::new(());
    let instance = Linker::new().instantiate(&mut other, &module).unwrap();
    let mut store = Store::new(());
    let mut linker = Linker::new();
    linker.instance(&store, "lib", instance);
    let error = linker.instantiate(&mut store, &module).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("the instance registered as `lib` belongs to another store"),
        "{error}"
    );
}

#[test]
fn values_and_calls_from_another_store_are_usage_errors() {
    let (mut other, foreign) = store_with_func(1);
    let (mut store, own) = store_with_func(2);
    let funcref = |func| Value::FuncRef(Some(func));

    let table_type = TableType {
        element: ValType::FUNCREF,
        limits: SizeLimits { min: 1, max: None },
    };
    let message = usage_message(Table::new(&mut store, table_type, funcref(foreign)));
    assert!(
        message.contains(&format!("a function reference {FOREIGN}")),
        "{message}"
    );

    let global_type = GlobalType {
        content: ValType::FUNCREF,
        mutable: true,
    };
    usage_message(Global::new(&mut store, global_type, funcref(foreign)));
    let global = Global::new(&mut store, global_type, funcref(own)).unwrap();
    usage_message(global.set(&mut store, funcref(foreign)));
    assert_eq!(
        global.get(&store),
        funcref(own),
        "the global kept its value"
    );
    let message = usage_message(global.set(&mut other, Value::FuncRef(None)));
    assert!(
        message.contains(&format!("a global {FOREIGN}")),
        "{message}"
    );

    let message = usage_message(foreign.call(&mut store, &[]));
    assert!(
        message.contains(&format!("a function {FOREIGN}")),
        "{message}"
    );
    assert_eq!(own.call(&mut store, &[]).unwrap(), [Value::I32(2)]);
    let takes_ref = Func::new(
        &mut store,
        FuncType::new([ValType::FUNCREF], []),
        |_, _, _| Ok(()),
    );
    usage_message(takes_ref.call(&mut store, &[funcref(foreign)]));
    let resumable = takes_ref.call_resumable(&mut store, &[funcref(foreign)], 100);
    usage_message(resumable.map(drop));
}

/// `get` (a host function) gives a function reference, which `call_it` puts in the
/// table and calls.
const CALLS_WHAT_THE_HOST_GIVES: &str = r#"(module
  (type $get (func (result i32)))
  (import "env" "get" (func $get (result funcref)))
  (table 1 funcref)
  (func (export "call_it") (result i32)
    (table.set (i32.const 0) (call $get))
    (call_indirect (type $get) (i32.const 0))))"#;

fn call_what_the_host_gives(store: &mut Store<()>, get: Func) -> Result<Vec<Value>, Error> {
    let module = Module::new(&wat::parse_str(CALLS_WHAT_THE_HOST_GIVES).unwrap()).unwrap();
    let mut linker = Linker::new();
    linker.define("env", "get", get);
    let instance = linker.instantiate(store, &module).unwrap();
    instance.call(store, "call_it", &[])
}

fn host_trap(result: Result<Vec<Value>, Error>) -> String {
    match result {
        Err(Error::Trap(trap)) => match trap.kind {
            TrapKind::Host(message) => message,
            other => panic!("expected a host trap, got {other}"),
        },
        other => panic!("expected a trap, got {other:?}"),
    }
}

#[test]
fn a_host_function_returning_another_stores_function_traps() {
    let (_other, foreign) = store_with_func(1);
    let (mut store, own) = store_with_func(2);
    let ty = FuncType::new([], [ValType::FUNCREF]);
    let give_own = Func::new(&mut store, ty.clone(), move |_, _, results| {
        results[0] = Value::FuncRef(Some(own));
        Ok(())
    });
    assert_eq!(
        call_what_the_host_gives(&mut store, give_own).unwrap(),
        [Value::I32(2)]
    );
    let give_foreign = Func::new(&mut store, ty.clone(), move |_, _, results| {
        results[0] = Value::FuncRef(Some(foreign));
        Ok(())
    });
    let message = host_trap(call_what_the_host_gives(&mut store, give_foreign));
    assert!(
        message.contains(&format!(
            "a host function returned a function reference {FOREIGN}"
        )),
        "{message}"
    );
    // Raw bits past the store's functions, from a host function on raw bits.
    let give_bad_bits = Func::new_raw(&mut store, ty, |_, bits| {
        bits[0] = 1_000_000;
        Ok(())
    });
    let message = host_trap(call_what_the_host_gives(&mut store, give_bad_bits));
    assert!(
        message.contains("function reference 999999 is past the store's functions"),
        "{message}"
    );
}
