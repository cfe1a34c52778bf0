//! A terminating wasm-smith module run in wasmcade and in wasmi: any divergence panics
//! with the comparison's report (the same comparison as `tests/differential.rs`).

#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/diff/mod.rs"]
#[allow(unused)] // `generate_from_seed` and the summary types serve the seeded test
mod diff;

fuzz_target!(|data: &[u8]| {
    let Ok(wasm) = diff::generate(&mut Unstructured::new(data)) else {
        return;
    };
    if let Err(report) = diff::check(&wasm) {
        panic!("wasmcade and wasmi diverge:\n{report}");
    }
});
