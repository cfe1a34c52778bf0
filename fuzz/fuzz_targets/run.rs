//! A wasm-smith module (no termination counter: our fuel must stop it) → instantiate
//! and call every exported function with zero arguments under fuel and a small memory
//! cap. Any outcome is fine except a panic, a hang or a native stack overflow.

#![no_main]

use arbitrary::Unstructured;
use libfuzzer_sys::fuzz_target;
use wasmcade::interp::{ExternType, Limits, Linker, Module, Store};

#[path = "../../tests/diff/mod.rs"]
#[allow(unused)] // the comparison itself serves the `differential` target
mod diff;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(share) = u.choose(&diff::Share::ALL) else {
        return;
    };
    let Ok(generated) = wasm_smith::Module::new(diff::smith_config(*share), &mut u) else {
        return;
    };
    let module = Module::new(&generated.to_bytes()).expect("wasm-smith modules are valid");
    let limits = Limits {
        fuel: Some(diff::ENGINE_FUEL),
        max_memory_pages: diff::MEMORY_PAGES,
        max_table_elements: diff::TABLE_ELEMENTS,
        ..Limits::default()
    };
    let mut store = Store::with_limits((), limits);
    let Ok(instance) = Linker::new().instantiate(&mut store, &module) else {
        return;
    };
    for export in module.exports() {
        if let ExternType::Func(ty) = &export.ty {
            let args: Vec<_> = ty.params().iter().map(|t| t.default_value()).collect();
            let _ = instance.call(&mut store, &export.name, &args);
        }
    }
});
