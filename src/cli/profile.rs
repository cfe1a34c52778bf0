//! `--profile FILE`: per function, the WebAssembly instructions run in it (self) and in
//! it and its callees (total), and its calls, over the run and per frame; with
//! `--profile-folded FILE`, the same as folded stacks (`update;func 23;sin 12`), which
//! flame-graph tools read (`flamegraph.pl`, inferno, speedscope). A watcher of the
//! stepped calls (`interp::run_watched`); written when the run ends.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use crate::app::profile::Profile;
use crate::interp::{Instruction, Stepper, Watcher};

/// Counts instructions by function and by call path while the game runs.
pub struct Profiler {
    table: Option<PathBuf>,
    folded: Option<PathBuf>,
    frames: u64,
    profile: Profile,
}

impl Profiler {
    pub fn new(table: Option<PathBuf>, folded: Option<PathBuf>, frames: u64) -> Profiler {
        Profiler {
            table,
            folded,
            frames: frames.max(1),
            profile: Profile::default(),
        }
    }

    /// The table: functions by total instructions.
    fn write_table(&self, out: &mut impl Write) -> std::io::Result<()> {
        writeln!(
            out,
            "{:<28} {:>10} {:>14} {:>14} {:>12} {:>12}",
            "function", "calls", "self", "total", "self/frame", "total/frame"
        )?;
        for (name, counts) in self.profile.rows() {
            writeln!(
                out,
                "{:<28} {:>10} {:>14} {:>14} {:>12} {:>12}",
                name,
                counts.calls,
                counts.self_instructions,
                counts.total_instructions,
                counts.self_instructions / self.frames,
                counts.total_instructions / self.frames
            )?;
        }
        Ok(())
    }

    /// Folded stacks, one call path a line.
    fn write_folded(&self, out: &mut impl Write) -> std::io::Result<()> {
        for line in self.profile.folded() {
            writeln!(out, "{line}")?;
        }
        Ok(())
    }

    fn write(&self) -> std::io::Result<()> {
        if let Some(path) = &self.table {
            let mut out = BufWriter::new(File::create(path)?);
            self.write_table(&mut out)?;
            out.flush()?;
        }
        if let Some(path) = &self.folded {
            let mut out = BufWriter::new(File::create(path)?);
            self.write_folded(&mut out)?;
            out.flush()?;
        }
        Ok(())
    }
}

impl Watcher for Profiler {
    fn executed(&mut self, instruction: &Instruction, _: &Stepper) {
        self.profile.executed(instruction);
    }
}

/// The profile is written when the run ends (the game, and its watcher, dropped).
impl Drop for Profiler {
    fn drop(&mut self) {
        if let Err(error) = self.write() {
            log::error!("cannot write the profile: {error}");
        }
    }
}
