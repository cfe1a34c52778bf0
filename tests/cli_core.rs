//! The interpreter's command-line surface, run as a user would: `run`, `inspect`, `wast`.

mod common;

use common::{module_file, text, wasmcade};

const MATH: &str = r#"(module
  (func (export "add") (param i32 i64) (result i64) (i64.add (i64.extend_i32_s (local.get 0)) (local.get 1)))
  (func (export "half") (param f64) (result f64 f64) (f64.mul (local.get 0) (f64.const 0.5)) (local.get 0))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))"#;

#[test]
fn run_prints_each_result_on_its_own_line() {
    let file = module_file("math", MATH);
    let out = wasmcade(&["run", file.to_str().unwrap(), "--invoke", "add", "-5", "7"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "2\n");
    let out = wasmcade(&["run", file.to_str().unwrap(), "--invoke", "half", "3"]);
    assert_eq!(text(&out.stdout), "1.5\n3\n");
}

#[test]
fn run_reports_traps_and_bad_arguments_as_one_error_line() {
    let file = module_file("math2", MATH);
    for (args, needle) in [
        (
            vec!["--invoke", "div", "1", "0"],
            "integer divide by zero in div",
        ),
        (vec!["--invoke", "div", "1"], "takes 2 argument(s)"),
        (vec!["--invoke", "div", "x", "1"], "cannot read `x` as i32"),
        (vec!["--invoke", "nope"], "exports no function named `nope`"),
    ] {
        let mut all = vec!["run", file.to_str().unwrap()];
        all.extend(args);
        let out = wasmcade(&all);
        assert_eq!(out.status.code(), Some(1));
        let stderr = text(&out.stderr);
        assert!(
            stderr.starts_with("error: ") && stderr.contains(needle),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"));
    }
}

#[test]
fn run_rejects_malformed_files_with_offset() {
    let path =
        std::env::temp_dir().join(format!("wasmcade-cli-core-{}-bad.wasm", std::process::id()));
    std::fs::write(&path, b"\0asm\x02\0\0\0").unwrap();
    let out = wasmcade(&["run", path.to_str().unwrap(), "--invoke", "x"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("unknown binary version") && stderr.contains("offset 0x4"),
        "{stderr}"
    );
}

#[test]
fn inspect_lists_imports_exports_and_disassembles() {
    let file = module_file(
        "inspect",
        r#"(module (import "env" "sin" (func (param f64) (result f64))) (memory (export "memory") 17)
            (func $update (export "update") (param f64) (drop (call 0 (local.get 0)))))"#,
    );
    let out = wasmcade(&["inspect", file.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("env.sin: (func (param f64) (result f64))"),
        "{stdout}"
    );
    assert!(stdout.contains("update: (func (param f64))"), "{stdout}");
    assert!(stdout.contains("memory 0: 17 pages"), "{stdout}");
    assert!(
        stdout.contains("functions: 2 (1 imported, 1 defined"),
        "{stdout}"
    );
    let out = wasmcade(&["inspect", file.to_str().unwrap(), "--disasm", "update"]);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("call") && stdout.contains("return"),
        "{stdout}"
    );
}

#[test]
fn wast_counts_assertions_by_kind_and_outcome() {
    let path = std::env::temp_dir().join(format!("wasmcade-cli-core-{}.wast", std::process::id()));
    std::fs::write(
        &path,
        r#"(module (func (export "f") (result i32) (i32.const 7)))
           (assert_return (invoke "f") (i32.const 7))
           (assert_return (invoke "f") (i32.const 8))
           (assert_invalid (module (func (result i32))) "type mismatch")
           (assert_malformed (module quote "(func") "unexpected end")"#,
    )
    .unwrap();
    let out = wasmcade(&["wast", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    // The module is an action, not an assertion; the text the `wast` crate cannot
    // parse never reaches our loader, so it is skipped, not passed.
    assert!(
        stdout.contains(
            "total: 1 scripts, 2 of 4 assertions passed, 1 skipped, 1 failed \
             (return 2, invalid 1, malformed 1 (1 skipped); module 1)"
        ),
        "{stdout}"
    );
}
