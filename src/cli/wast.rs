//! `wasmcade wast FILE.wast...`: run spec scripts, print each script's assertions by
//! kind and outcome, then the totals; exit 1 if anything failed.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;

use crate::wast::{run_script, Totals};

#[derive(Args)]
pub struct WastArgs {
    /// Spec scripts to run.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

pub fn run(args: WastArgs) -> Result<ExitCode> {
    let mut totals = Totals::default();
    for file in &args.files {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let report = run_script(&file.display().to_string(), &text);
        report.print();
        totals.add(&report);
    }
    totals.print("total");
    Ok(if totals.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
