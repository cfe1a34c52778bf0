//! What the CLI tests share: running the real `wasmcade` binary, and modules written to
//! temporary files from WebAssembly text.

#![allow(dead_code)] // each test binary uses its own part of this module

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the `wasmcade` binary built for these tests.
pub fn wasmcade(args: &[&str]) -> Output {
    wasmcade_command(args).output().unwrap()
}

pub fn wasmcade_command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wasmcade"));
    command.args(args);
    command
}

/// A fresh temporary directory for one test.
pub fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wasmcade-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `wat` compiled to `dir/name.wasm` and returns the path.
pub fn module_in(dir: &Path, name: &str, wat: &str) -> PathBuf {
    let path = dir.join(format!("{name}.wasm"));
    std::fs::write(&path, wat::parse_str(wat).unwrap()).unwrap();
    path
}

/// Writes `wat` compiled to a temporary `.wasm` and returns its path.
pub fn module_file(name: &str, wat: &str) -> PathBuf {
    module_in(
        &std::env::temp_dir(),
        &format!("wasmcade-{}-{name}", std::process::id()),
        wat,
    )
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The repository's own files (games, test games).
pub fn repo_path(relative: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(relative)
        .to_string_lossy()
        .into_owned()
}
