//! `wasmcade inspect FILE.wasm [--disasm NAME]`: what a module imports, exports and
//! contains; optionally one function's translated code.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

use super::source::read_module_bytes;
use crate::interp::{Module, PAGE_SIZE};

#[derive(Args)]
pub struct InspectArgs {
    /// The module to inspect.
    file: PathBuf,
    /// Print this function's instructions (name from the name section or exports, or index).
    #[arg(long, value_name = "NAME")]
    disasm: Option<String>,
}

pub fn run(args: InspectArgs) -> Result<ExitCode> {
    let bytes = read_module_bytes(&args.file)?;
    let module = Module::new(&bytes)
        .with_context(|| format!("{} is not a valid module", args.file.display()))?;
    // Every function, not only those a run would reach: the inspection covers them all.
    module
        .translate_all()
        .with_context(|| format!("{} cannot be run", args.file.display()))?;
    if let Some(name) = args.disasm {
        let index = module
            .find_func(&name)
            .with_context(|| format!("no function named `{name}` in {}", args.file.display()))?;
        let code = module
            .disassemble(index)
            .with_context(|| format!("cannot show the code of function `{name}`"))?;
        let ty = module.func_type(index).expect("function exists");
        println!(
            "func {index} {} {ty}",
            module.func_name(index).unwrap_or("-")
        );
        print!("{code}");
        return Ok(ExitCode::SUCCESS);
    }
    print!("{}", summary(&module, bytes.len()));
    Ok(ExitCode::SUCCESS)
}

/// The text `inspect` prints (also shown in the game window's module panel).
pub fn summary(module: &Module, file_size: usize) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "size: {file_size} bytes");
    let _ = writeln!(out, "imports ({}):", module.imports().len());
    for import in module.imports() {
        let _ = writeln!(out, "  {}.{}: {}", import.module, import.name, import.ty);
    }
    let _ = writeln!(out, "exports ({}):", module.exports().len());
    for export in module.exports() {
        let _ = writeln!(out, "  {}: {}", export.name, export.ty);
    }
    let max = |max: Option<u64>| max.map_or("no maximum".to_string(), |m| format!("at most {m}"));
    for (i, memory) in module.memories().iter().enumerate() {
        let limits = memory.limits;
        let mut kind = String::new();
        if memory.index64 {
            kind += ", 64-bit";
        }
        if memory.page_size() != PAGE_SIZE as u64 {
            kind += &format!(", pages of {} bytes", memory.page_size());
        }
        let _ = writeln!(
            out,
            "memory {i}: {} pages, {}{kind}",
            limits.min,
            max(limits.max)
        );
    }
    for (i, table) in module.tables().iter().enumerate() {
        let limits = table.limits;
        let _ = writeln!(
            out,
            "table {i}: {} {} elements, {}",
            limits.min,
            table.element,
            max(limits.max)
        );
    }
    let _ = writeln!(out, "types ({}):", module.types().len());
    for (i, ty) in module.types().iter().enumerate() {
        let _ = writeln!(out, "  {i}: {ty}");
    }
    let _ = writeln!(
        out,
        "functions: {} ({} imported, {} defined, {} bytes of code)",
        module.func_count(),
        module.imported_func_count(),
        module.func_count() - module.imported_func_count(),
        module.code_size()
    );
    let _ = writeln!(out, "sections:");
    for section in module.sections() {
        let _ = writeln!(out, "  {:<24} {:>8} bytes", section.name, section.size);
    }
    out
}
