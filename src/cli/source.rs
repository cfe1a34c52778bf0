//! Reading a module from disk: binary `.wasm`, or WebAssembly text (`.wat`) compiled
//! on the fly, so game authors can try hand-written modules directly.

use std::path::Path;

use anyhow::{Context, Result};

/// The module's binary bytes.
pub fn read_module_bytes(path: &Path) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let is_text = path.extension().is_some_and(|ext| ext == "wat")
        || (!bytes.starts_with(b"\0asm") && bytes.trim_ascii_start().starts_with(b"("));
    if !is_text {
        return Ok(bytes);
    }
    wat::parse_bytes(&bytes)
        .map(|binary| binary.into_owned())
        .map_err(|mut err| {
            err.set_path(path);
            anyhow::anyhow!("{err}")
        })
        .with_context(|| format!("{} is not valid WebAssembly text", path.display()))
}
