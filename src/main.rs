//! The `wasmcade` binary: everything lives in the library's `cli` module.

fn main() -> std::process::ExitCode {
    wasmcade::cli::main()
}
