//! WebAssembly GC (struct and array values, `i31`, the `any`/`eq` hierarchy, casts) is not
//! supported: a module using any of it is refused at load with one line that says so.
//! Struct and array type *definitions* load (they take part in their rec groups' type
//! identity), and so do function types naming them: only the instructions and the
//! abstract GC types are refused.

mod common;

use common::{module_file, text, wasmcade};
use wasmcade::interp::Module;

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
    ("anyref", r#"(module (func (export "f") (param anyref)))"#),
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
