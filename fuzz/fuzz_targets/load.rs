//! Any bytes → decode, validate, and translate every function (which a run does at
//! each one's first call): must return `Ok` or a `LoadError`, never panic or hang.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(module) = wasmcade::interp::Module::new(data) {
        let _ = module.translate_all();
    }
});
