//! Chooses the interpreter's dispatch: sets `cfg(wasmcade_threaded)` (one handler per op,
//! chained by sibling calls; `src/interp/exec/threaded.rs`) where LLVM reliably turns
//! those calls into jumps: optimised builds (opt-level 2 or 3) for x86_64 or aarch64,
//! without a sanitizer. Elsewhere, or with the `portable-dispatch` feature, every op
//! runs in the loop executor's `match`.

use std::env;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(wasmcade_threaded)");
    println!("cargo::rerun-if-changed=build.rs");
    let opt_level = env::var("OPT_LEVEL").unwrap_or_default();
    let arch = env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let rustflags = env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default();
    let optimised = matches!(opt_level.as_str(), "2" | "3");
    let sibling_calls = matches!(arch.as_str(), "x86_64" | "aarch64");
    let sanitized = rustflags.contains("sanitizer");
    let portable = env::var_os("CARGO_FEATURE_PORTABLE_DISPATCH").is_some();
    if optimised && sibling_calls && !sanitized && !portable {
        println!("cargo::rustc-cfg=wasmcade_threaded");
    }
}
