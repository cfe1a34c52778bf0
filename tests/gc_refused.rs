//! WebAssembly GC (struct and array values, `i31` values, casts, `ref.eq`) is not
//! supported: a module using any of it is refused at load with one line that says so.
//! Struct and array type *definitions* load (they take part in their rec groups' type
//! identity), and so do function types naming them; GC's abstract reference types
//! (`anyref`, `eqref`, `nullref`...) are accepted, with null as their only value.

mod common;

use common::{module_file, text, wasmcade};
use wasmcade::interp::{Linker, Module, Store, Value};

/// Modules using each part of GC, each otherwise valid.
const GC_MODULES: [(&str, &str); 5] = [
    (
        "struct",
        r#"(module (type $p (struct (field i32)))
             (func (export "f") (result (ref $p)) (struct.new $p (i32.const 1))))"#,
    ),
    (
        "array",
        r#"(module (type $bytes (array (mut i8)))
             (func (export "f") (result i32) (array.len (array.new_default $bytes (i32.const 4)))))"#,
    ),
    (
        "i31",
        r#"(module (func (export "f") (result i32) (i31.get_s (ref.i31 (i32.const 5)))))"#,
    ),
    (
        "ref.eq",
        r#"(module (func (param eqref eqref) (result i32) (ref.eq (local.get 0) (local.get 1))))"#,
    ),
    (
        "cast",
        r#"(module (func (param eqref) (result i32) (ref.test i31ref (local.get 0))))"#,
    ),
];

#[test]
fn a_gc_module_is_refused_with_one_line_saying_so() {
    for (part, wat) in GC_MODULES {
        let bytes = wat::parse_str(wat).unwrap();
        let Err(error) = Module::new(&bytes) else {
            panic!("a module using GC's {part} loaded");
        };
        let message = error.to_string();
        assert!(
            message.contains("WebAssembly GC") && message.contains("does not support"),
            "{part}: {message}"
        );

        let path = module_file(&format!("gc-{part}"), wat);
        let output = wasmcade(&["inspect", path.to_str().unwrap()]);
        let stderr = text(&output.stderr);
        assert!(!output.status.success(), "{part}: inspect succeeded");
        assert_eq!(stderr.trim().lines().count(), 1, "{part}: {stderr}");
        assert!(stderr.contains("WebAssembly GC"), "{part}: {stderr}");
        std::fs::remove_file(path).unwrap();
    }
}

#[test]
fn struct_and_array_type_definitions_load() {
    let wat = r#"(module
        (rec (type $f (func (param (ref null $s)))) (type $s (struct (field (mut i8) (ref $f)))))
        (type $a (array i64))
        (func (export "f") (type $f)))"#;
    let module = Module::new(&wat::parse_str(wat).unwrap()).unwrap();
    let kinds: Vec<String> = module.types().iter().map(|ty| ty.to_string()).collect();
    assert_eq!(kinds[1..], ["(struct ..)", "(array ..)"], "{kinds:?}");
}

#[test]
fn gc_abstract_types_hold_their_null() {
    let wat = r#"(module
      (global (export "g") (mut anyref) (ref.null none))
      (func (export "f") (param anyref eqref) (result nullref i31ref)
        (local structref)
        (global.set 0 (local.get 0))
        (ref.null none)
        (ref.null i31)))"#;
    let module = Module::new(&wat::parse_str(wat).unwrap()).unwrap();
    let mut store = Store::new(());
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    let results = instance
        .call(&mut store, "f", &[Value::NullAny, Value::NullAny])
        .unwrap();
    assert_eq!(results, [Value::NullAny, Value::NullAny]);
    let global = instance.get_global(&store, "g").unwrap();
    assert_eq!(global.get(&store), Value::NullAny);
    // A null of another hierarchy is no `anyref`.
    let error = instance
        .call(&mut store, "f", &[Value::FuncRef(None), Value::NullAny])
        .unwrap_err();
    assert!(
        error.to_string().contains("called with arguments"),
        "{error}"
    );
}
