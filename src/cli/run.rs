//! `wasmcade run FILE.wasm --invoke NAME [ARGS...]`: call one export, print its results.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Args;

use super::source::read_module_bytes;
use super::trace::TraceArgs;
use super::DEFAULT_FUEL;
use crate::interp::{run_watched, ExternType, Limits, Linker, Module, Store, ValType, Value};

#[derive(Args)]
pub struct RunArgs {
    /// The module to load.
    file: PathBuf,
    /// The exported function to call.
    #[arg(long)]
    invoke: String,
    /// Arguments, parsed by the export's parameter types (i32, i64, f32, f64).
    #[arg(allow_negative_numbers = true)]
    args: Vec<String>,
    /// Instruction budget for the call (and for the module's start function).
    #[arg(long, default_value_t = DEFAULT_FUEL)]
    fuel: u64,
    /// Maximum linear memory in 64 KiB pages.
    #[arg(long, default_value_t = Limits::DEFAULT_MAX_MEMORY_PAGES)]
    max_memory_pages: u32,
    #[command(flatten)]
    trace: TraceArgs,
}

pub fn run(args: RunArgs) -> Result<ExitCode> {
    let (module, values) = load_call(&args.file, &args.invoke, &args.args)?;
    let limits = Limits {
        fuel: Some(args.fuel),
        max_memory_pages: args.max_memory_pages,
        ..Limits::default()
    };
    let mut store = Store::with_limits((), limits);
    store.set_observer(args.trace.observer()?);
    let instance = Linker::new().instantiate(&mut store, &module)?;
    let results = match args.trace.watcher(1)? {
        Some(mut watcher) => {
            let func = instance
                .get_func(&store, &args.invoke)
                .context("the export is a function")?;
            run_watched(&mut store, func, &values, watcher.as_mut())?
        }
        None => instance.call(&mut store, &args.invoke, &values)?,
    };
    for value in results {
        println!("{value}");
    }
    Ok(ExitCode::SUCCESS)
}

/// The module `file` and the arguments `args` (text) of a call of its export `invoke`,
/// checked against the export's type.
pub(super) fn load_call(
    file: &Path,
    invoke: &str,
    args: &[String],
) -> Result<(Module, Vec<Value>)> {
    let bytes = read_module_bytes(file)?;
    let module =
        Module::new(&bytes).with_context(|| format!("{} is not a valid module", file.display()))?;
    let ty = match module.export_type(invoke) {
        Some(ExternType::Func(ty)) => ty.clone(),
        Some(other) => bail!("export `{invoke}` is a {}, not a function", other.kind()),
        None => bail!("{} exports no function named `{invoke}`", file.display()),
    };
    if ty.params().len() != args.len() {
        bail!(
            "`{invoke}` takes {} argument(s) {ty}, {} given",
            ty.params().len(),
            args.len()
        );
    }
    let values = ty
        .params()
        .iter()
        .zip(args)
        .map(|(ty, text)| parse_value(*ty, text))
        .collect::<Result<Vec<_>>>()?;
    Ok((module, values))
}

fn parse_value(ty: ValType, text: &str) -> Result<Value> {
    let bad = || format!("cannot read `{text}` as {ty}");
    Ok(match ty {
        ValType::I32 => Value::I32(parse_int(text, 32).with_context(bad)? as i32),
        ValType::I64 => Value::I64(parse_int(text, 64).with_context(bad)?),
        ValType::F32 => Value::F32(text.parse().with_context(bad)?),
        ValType::F64 => Value::F64(text.parse().with_context(bad)?),
        // A v128 as one 128-bit number (lane 0 in the low bits): `0x...` or decimal.
        ValType::V128 => Value::V128(
            match text.strip_prefix("0x") {
                Some(hex) => u128::from_str_radix(&hex.replace('_', ""), 16).ok(),
                None => text.parse().ok(),
            }
            .with_context(bad)?,
        ),
        ValType::Ref(_) => bail!("cannot pass a {ty} from the command line"),
    })
}

/// Reads a signed decimal, also accepting unsigned values up to `bits` wide
/// (`4294967295` is the i32 -1).
fn parse_int(text: &str, bits: u32) -> Option<i64> {
    let n: i128 = text.parse().ok()?;
    let (min, max_unsigned) = (-(1i128 << (bits - 1)), (1i128 << bits) - 1);
    (min..=max_unsigned).contains(&n).then_some(n as i64)
}
