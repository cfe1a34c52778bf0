//! The games built into the binary, so `wasmcade` plays from any directory.

/// Our rocket game (`games/rocket`), compiled to wasm and committed.
pub const ROCKET: &[u8] = include_bytes!("../games/rocket/program.wasm");
