//! `--trace`: prints every executed instruction, as the talk's interpreter printed
//! `op, args, stack`: function, offset, the instruction in WAT-like text, and the values
//! of the slots it reads and writes. Built on the core's instruction observer, so it
//! costs nothing when off.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use crate::interp::{Observer, Step, V128Lanes};

#[derive(Args, Debug, Clone, Default)]
pub struct TraceArgs {
    /// Print each executed wasm instruction (to stderr, or --trace-file).
    #[arg(long)]
    trace: bool,
    /// Write the trace to this file instead of stderr (implies --trace).
    #[arg(long, value_name = "FILE")]
    trace_file: Option<PathBuf>,
    /// Trace only this function (name or index) and what it calls.
    #[arg(long, value_name = "NAME")]
    trace_filter: Option<String>,
    /// Stop tracing after this many lines.
    #[arg(long, value_name = "N")]
    trace_limit: Option<u64>,
}

impl TraceArgs {
    /// The tracer these options ask for, if any.
    pub fn observer(&self) -> Result<Option<Box<dyn Observer>>> {
        if !self.trace && self.trace_file.is_none() {
            return Ok(None);
        }
        let out: Box<dyn Write> = match &self.trace_file {
            Some(path) => Box::new(
                File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
            ),
            None => Box::new(io::stderr()),
        };
        Ok(Some(Box::new(Tracer {
            out: BufWriter::new(out),
            filter: self.trace_filter.clone(),
            limit: self.trace_limit.unwrap_or(u64::MAX),
            lines: 0,
            inside_filter_at_depth: None,
        })))
    }
}

struct Tracer {
    out: BufWriter<Box<dyn Write>>,
    filter: Option<String>,
    limit: u64,
    lines: u64,
    /// With a filter: the call depth at which the filtered function is running.
    inside_filter_at_depth: Option<usize>,
}

impl Tracer {
    fn wanted(&mut self, step: &Step<'_>) -> bool {
        let Some(filter) = &self.filter else {
            return true;
        };
        if self
            .inside_filter_at_depth
            .is_some_and(|depth| step.depth < depth)
        {
            self.inside_filter_at_depth = None;
        }
        let matches =
            step.func_name == Some(filter.as_str()) || *filter == step.func_index.to_string();
        if self.inside_filter_at_depth.is_none() && matches {
            self.inside_filter_at_depth = Some(step.depth);
        }
        self.inside_filter_at_depth.is_some()
    }
}

impl Observer for Tracer {
    fn before(&mut self, step: &Step<'_>) {
        if self.lines > self.limit || !self.wanted(step) {
            return;
        }
        self.lines += 1;
        // A write error (a closed pipe, a full disk) ends the trace, not the game.
        let written = if self.lines > self.limit {
            writeln!(self.out, "(trace limit of {} lines reached)", self.limit)
        } else {
            writeln!(self.out, "{}", trace_line(step))
        };
        if written.is_err() {
            self.lines = u64::MAX;
        }
    }
}

/// `  update @0x01a2  i32.add s5 = s2, s3    ; s2=7 s3=5 s5=0`: indented by call depth.
pub fn trace_line(step: &Step<'_>) -> String {
    let op = step.op.to_string();
    let name = step
        .func_name
        .map_or_else(|| format!("func {}", step.func_index), str::to_string);
    let vectors = step.op.vector_slots();
    let slots: Vec<String> = slot_operands(&op)
        .filter_map(|slot| {
            let bits = *step.slots.get(slot)?;
            if !vectors.contains(&(slot as u16)) {
                return Some(format!("s{slot}={}", show_bits(bits)));
            }
            // A vector: its two slots, by the operator's lanes.
            let high = *step.slots.get(slot + 1)?;
            let v = bits as u128 | (high as u128) << 64;
            Some(format!(
                "s{slot}=[{}]",
                V128Lanes::for_operator(step.op.name(), v)
            ))
        })
        .collect();
    let indent = "  ".repeat(step.depth.min(40));
    if slots.is_empty() {
        format!("{indent}{name} @{:#06x}  {op}", step.offset)
    } else {
        format!(
            "{indent}{name} @{:#06x}  {op:<32} ; {}",
            step.offset,
            slots.join(" ")
        )
    }
}

/// The slot numbers an instruction's text names (`s5`, `s2`), each once.
fn slot_operands(op: &str) -> impl Iterator<Item = usize> + '_ {
    let mut seen = Vec::new();
    op.split(|c: char| !c.is_ascii_alphanumeric())
        .filter_map(|word| word.strip_prefix('s')?.parse::<usize>().ok())
        .filter(move |slot| {
            let new = !seen.contains(slot);
            seen.push(*slot);
            new
        })
}

/// Slots are untyped: small values as signed 32-bit integers, others in hex.
fn show_bits(bits: u64) -> String {
    if bits <= u32::MAX as u64 {
        (bits as u32 as i32).to_string()
    } else {
        format!("{bits:#x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_operands_are_found_once_each() {
        let slots: Vec<usize> = slot_operands("i32.add s5 = s2, s5").collect();
        assert_eq!(slots, [5, 2]);
        assert_eq!(slot_operands("br -> +7").count(), 0);
        assert_eq!(show_bits(u32::MAX as u64), "-1");
        assert_eq!(show_bits(7), "7");
        assert_eq!(show_bits(1 << 40), "0x10000000000");
    }
}
