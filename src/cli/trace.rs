//! `--trace`: prints every executed WebAssembly instruction, as the talk's interpreter
//! printed `op, args, stack`: function, offset, the instruction in the text format, and
//! the operand stack after it, typed (`i32 42`, `f64 0.5`); the calls run on the stepper
//! (`interp::step`). `--trace-internal`: wasmcade's internal code instead, each op and
//! the slots it reads and writes, on the core's instruction observer. Both cost nothing
//! when off.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use super::profile::Profiler;
use crate::interp::{Catching, Instruction, Observer, Step, Stepper, V128Lanes, Watcher};

#[derive(Args, Debug, Clone, Default)]
pub struct TraceArgs {
    /// Print each executed WebAssembly instruction and the operand stack after it (to
    /// stderr, or --trace-file); the calls run one instruction at a time.
    #[arg(long)]
    trace: bool,
    /// Trace wasmcade's internal code instead (each op and the slots it uses), as the
    /// fast executor runs it: for engine work.
    #[arg(long)]
    trace_internal: bool,
    /// Write the trace to this file instead of stderr (implies --trace).
    #[arg(long, value_name = "FILE")]
    trace_file: Option<PathBuf>,
    /// Trace only this function (name or index) and what it calls.
    #[arg(long, value_name = "NAME")]
    trace_filter: Option<String>,
    /// Stop tracing after this many lines.
    #[arg(long, value_name = "N")]
    trace_limit: Option<u64>,
    /// Write a profile to FILE when the run ends: per function, WebAssembly
    /// instructions (self and total) and calls, over the run and per frame.
    #[arg(long, value_name = "FILE")]
    profile: Option<PathBuf>,
    /// Write the profile as folded stacks (`update;func 23 1234`) for flame-graph tools.
    #[arg(long, value_name = "FILE")]
    profile_folded: Option<PathBuf>,
}

impl TraceArgs {
    /// The internal-code tracer these options ask for (`--trace-internal`), if any.
    pub fn observer(&self) -> Result<Option<Box<dyn Observer>>> {
        if !self.trace_internal {
            return Ok(None);
        }
        Ok(Some(Box::new(Tracer(self.sink()?))))
    }

    /// The watchers of stepped calls these options ask for, if any: the WebAssembly
    /// tracer (`--trace`, `--trace-file`) and the profiler (`--profile`, over `frames`).
    pub fn watcher(&self, frames: u64) -> Result<Option<Box<dyn Watcher>>> {
        let mut watchers: Vec<Box<dyn Watcher>> = Vec::new();
        if !self.trace_internal && (self.trace || self.trace_file.is_some()) {
            watchers.push(Box::new(WasmTracer(self.sink()?)));
        }
        if self.profile.is_some() || self.profile_folded.is_some() {
            let (table, folded) = (self.profile.clone(), self.profile_folded.clone());
            watchers.push(Box::new(Profiler::new(table, folded, frames)));
        }
        Ok(match watchers.len() {
            0 => None,
            1 => watchers.pop(),
            _ => Some(Box::new(Watchers(watchers))),
        })
    }

    fn sink(&self) -> Result<Sink> {
        let out: Box<dyn Write> = match &self.trace_file {
            Some(path) => Box::new(
                File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
            ),
            None => Box::new(io::stderr()),
        };
        Ok(Sink {
            out: BufWriter::new(out),
            filter: self.trace_filter.clone(),
            limit: self.trace_limit.unwrap_or(u64::MAX),
            lines: 0,
            inside_filter_at_depth: None,
        })
    }
}

/// Where trace lines go: the filter, the limit, the output.
struct Sink {
    out: BufWriter<Box<dyn Write>>,
    filter: Option<String>,
    limit: u64,
    lines: u64,
    /// With a filter: the call depth at which the filtered function is running.
    inside_filter_at_depth: Option<usize>,
}

impl Sink {
    /// Whether an instruction of function `index` (named `name`) at call depth `depth`
    /// is traced.
    fn wanted(&mut self, name: Option<&str>, index: u32, depth: usize) -> bool {
        let Some(filter) = &self.filter else {
            return true;
        };
        if self
            .inside_filter_at_depth
            .is_some_and(|inside| depth < inside)
        {
            self.inside_filter_at_depth = None;
        }
        let matches = name == Some(filter.as_str()) || *filter == index.to_string();
        if self.inside_filter_at_depth.is_none() && matches {
            self.inside_filter_at_depth = Some(depth);
        }
        self.inside_filter_at_depth.is_some()
    }

    /// Writes `line()` if the instruction is wanted and the limit not reached.
    fn write(
        &mut self,
        name: Option<&str>,
        index: u32,
        depth: usize,
        line: impl FnOnce() -> String,
    ) {
        if self.lines > self.limit || !self.wanted(name, index, depth) {
            return;
        }
        self.lines += 1;
        // A write error (a closed pipe, a full disk) ends the trace, not the game.
        let written = if self.lines > self.limit {
            writeln!(self.out, "(trace limit of {} lines reached)", self.limit)
        } else {
            writeln!(self.out, "{}", line())
        };
        if written.is_err() {
            self.lines = u64::MAX;
        }
    }
}

/// Several watchers of the same calls, in order.
struct Watchers(Vec<Box<dyn Watcher>>);

impl Watcher for Watchers {
    fn before(&mut self, next: &Instruction, stepper: &Stepper, memory: &[u8]) {
        for watcher in &mut self.0 {
            watcher.before(next, stepper, memory);
        }
    }

    fn executed(&mut self, instruction: &Instruction, stepper: &Stepper) {
        for watcher in &mut self.0 {
            watcher.executed(instruction, stepper);
        }
    }
}

/// `--trace-internal`: the fast executor's ops.
struct Tracer(Sink);

impl Observer for Tracer {
    fn before(&mut self, step: &Step<'_>) {
        self.0
            .write(step.func_name, step.func_index, step.depth, || {
                trace_line(step)
            });
    }

    fn caught(&mut self, catching: &Catching<'_>) {
        let (name, index) = (catching.func_name, catching.func_index);
        self.0
            .write(name, index, catching.depth, || caught_line(catching));
    }
}

/// `  exception boom caught in main (func 2), 3 frames up, at op 17`.
fn caught_line(catching: &Catching<'_>) -> String {
    let function = match catching.func_name {
        Some(name) => format!("{name} (func {})", catching.func_index),
        None => format!("func {}", catching.func_index),
    };
    format!(
        "  exception {} caught in {function}, {} frames up, at op {}",
        catching.tag, catching.frames_left, catching.pad
    )
}

/// `--trace`: WebAssembly instructions, each with the operand stack after it.
struct WasmTracer(Sink);

impl Watcher for WasmTracer {
    fn executed(&mut self, instruction: &Instruction, stepper: &Stepper) {
        let name = instruction.func_name.as_deref();
        // Depth counted as the internal trace counts it: frames below this one.
        let depth = instruction.depth.saturating_sub(1);
        self.0.write(name, instruction.func_index, depth, || {
            wasm_trace_line(instruction, stepper)
        });
    }
}

/// `  fib @0x0042  i32.lt_s                 ; [i32 1]`: indented by call depth, the
/// instruction as the text format writes it, then the operand stack after it (bottom
/// first; after a call into wasm, the callee's, which starts empty).
pub fn wasm_trace_line(instruction: &Instruction, stepper: &Stepper) -> String {
    let indent = "  ".repeat(instruction.depth.saturating_sub(1).min(40));
    let stack: Vec<String> = stepper
        .operands()
        .iter()
        .map(|value| value.shown_for(&instruction.text))
        .collect();
    let line = format!(
        "{indent}{} @{:#06x}  {:<24} ; [{}]",
        instruction.function(),
        instruction.offset,
        instruction.text,
        stack.join(", ")
    );
    match stepper.caught() {
        Some((frames_left, func)) => {
            format!("{line}\n{indent}  (exception caught in func {func}, {frames_left} frames up)")
        }
        None => line,
    }
}

/// `  update @0x01a2  i32.add s5 = s2, s3    ; s2=7 s3=5 s5=0`: indented by call depth.
pub fn trace_line(step: &Step<'_>) -> String {
    let mut op = step.op.to_string();
    if let Some(on) = step.memory {
        op += &on.to_string();
    }
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
