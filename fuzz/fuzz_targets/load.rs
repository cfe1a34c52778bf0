//! Any bytes → decode, validate, translate: must return `Ok` or a `LoadError`, never
//! panic or hang.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = wasmcade::interp::Module::new(data);
});
