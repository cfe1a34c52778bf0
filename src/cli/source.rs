//! Reading a module from disk: binary `.wasm`, or WebAssembly text (`.wat`) compiled
//! on the fly, so game authors can try hand-written modules directly.

use std::io::Read;
use std::path::Path;

use anyhow::{bail, Context, Result};

/// The largest module file read: loading takes about three times its size in memory.
pub const MAX_MODULE_BYTES: u64 = 64 << 20;
/// The largest text module compiled: the text compiler takes about thirty times its size.
pub const MAX_TEXT_BYTES: usize = 4 << 20;

/// The module's binary bytes.
pub fn read_module_bytes(path: &Path) -> Result<Vec<u8>> {
    let cannot_read = || format!("cannot read {}", path.display());
    let file = std::fs::File::open(path).with_context(cannot_read)?;
    let mut bytes = Vec::new();
    file.take(MAX_MODULE_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(cannot_read)?;
    if bytes.len() as u64 > MAX_MODULE_BYTES {
        bail!(
            "{} is larger than {} MiB, the most wasmcade loads",
            path.display(),
            MAX_MODULE_BYTES >> 20
        );
    }
    let is_text = path.extension().is_some_and(|ext| ext == "wat")
        || (!bytes.starts_with(b"\0asm") && bytes.trim_ascii_start().starts_with(b"("));
    if !is_text {
        return Ok(bytes);
    }
    if bytes.len() > MAX_TEXT_BYTES {
        bail!(
            "{} is larger than {} MiB, the most wasmcade compiles from WebAssembly text",
            path.display(),
            MAX_TEXT_BYTES >> 20
        );
    }
    wat::parse_bytes(&bytes)
        .map(|binary| binary.into_owned())
        .map_err(|mut err| {
            err.set_path(path);
            anyhow::anyhow!("{err}")
        })
        .with_context(|| format!("{} is not valid WebAssembly text", path.display()))
}
