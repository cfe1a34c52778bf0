//! The terminal debugger behind `wasmcade debug`: a watcher of a stepped call that stops
//! where asked (a breakpoint on a function or an import, a step, the end of a call) and
//! then reads gdb-style commands: `break`, `run`, `continue`/`c`, `step`/`s`, `next`/`n`,
//! `finish`, `backtrace`/`bt`, `stack`, `locals`, `x ADDRESS [LENGTH]`, `disassemble`,
//! `quit`. At the end of its input it lets the program run to its end.

use std::io::{BufRead, Write};

use crate::app::machine::model::hex_and_text;
use crate::app::machine::stops::{Breakpoints, Until};
use crate::interp::{Instruction, Stepper, Watcher};

/// What the debugger waits for before it stops again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Before `run`: the first instruction stops for commands.
    NotStarted,
    /// What a command asked for (`Until::Never`: the input ended).
    Run(Until),
}

/// The debugger: its input, its output, its breakpoints and what it waits for.
pub struct Debugger<R, W> {
    input: R,
    out: W,
    breakpoints: Breakpoints,
    mode: Mode,
}

/// What a command asks of the run.
enum Next {
    /// Read another command.
    Prompt,
    /// Go on in this mode.
    Resume(Mode),
    Quit,
}

impl<R: BufRead, W: Write> Debugger<R, W> {
    pub fn new(input: R, out: W) -> Self {
        Debugger {
            input,
            out,
            breakpoints: Breakpoints::default(),
            mode: Mode::NotStarted,
        }
    }

    fn should_stop(&self, next: &Instruction) -> bool {
        match self.mode {
            Mode::NotStarted => true,
            Mode::Run(until) => until.stops(next, &self.breakpoints),
        }
    }

    /// Reads and runs commands until one resumes the run.
    fn prompt(&mut self, next: &Instruction, stepper: &Stepper, memory: &[u8]) {
        loop {
            let mut line = String::new();
            let command = match self.input.read_line(&mut line) {
                Ok(0) | Err(_) => Next::Resume(Mode::Run(Until::Never)),
                Ok(_) => self.command(line.trim(), next, stepper, memory),
            };
            match command {
                Next::Prompt => continue,
                Next::Resume(Mode::Run(Until::Breakpoint)) if self.mode == Mode::NotStarted => {
                    // `run`: the first instruction may itself be at a breakpoint.
                    self.mode = Mode::Run(Until::Breakpoint);
                    if self.breakpoints.hit(next) {
                        self.stopped(next);
                        continue;
                    }
                    return;
                }
                Next::Resume(mode) => {
                    self.mode = mode;
                    return;
                }
                Next::Quit => {
                    let _ = self.out.flush();
                    std::process::exit(0);
                }
            }
        }
    }

    /// Runs one command line.
    fn command(
        &mut self,
        line: &str,
        next: &Instruction,
        stepper: &Stepper,
        memory: &[u8],
    ) -> Next {
        let mut words = line.split_whitespace();
        let Some(name) = words.next() else {
            return Next::Prompt;
        };
        let args: Vec<&str> = words.collect();
        let out = &mut self.out;
        let written = match name {
            "break" | "b" => match args.first() {
                Some(point) => {
                    let count = self.breakpoints.add(point);
                    writeln!(out, "breakpoint {count}: {point}")
                }
                None => writeln!(out, "break: which function or import?"),
            },
            "run" | "r" | "continue" | "c" => return Next::Resume(Mode::Run(Until::Breakpoint)),
            "step" | "s" | "stepi" | "si" => return Next::Resume(Mode::Run(Until::Step)),
            "next" | "n" | "nexti" | "ni" => {
                return Next::Resume(Mode::Run(Until::Over(next.depth)))
            }
            "finish" => return Next::Resume(Mode::Run(Until::Out(next.depth))),
            "quit" | "q" => return Next::Quit,
            "backtrace" | "bt" | "where" => {
                stepper
                    .frames()
                    .iter()
                    .enumerate()
                    .try_for_each(|(n, frame)| {
                        writeln!(out, "#{n} {} @{:#06x}", frame.function(), frame.offset)
                    })
            }
            "stack" => {
                let values: Vec<String> =
                    stepper.operands().iter().map(ToString::to_string).collect();
                writeln!(out, "stack: [{}]", values.join(", "))
            }
            "locals" => {
                match stepper.frames().first() {
                    Some(frame) => frame.locals.iter().enumerate().try_for_each(
                        |(n, (name, value))| match name {
                            Some(name) => writeln!(out, "{name} = {value}"),
                            None => writeln!(out, "local {n} = {value}"),
                        },
                    ),
                    None => Ok(()),
                }
            }
            "x" => examine(out, memory, &args),
            "disassemble" | "disas" => disassemble(out, stepper),
            _ => writeln!(out, "unknown command `{name}`"),
        };
        if written.is_err() {
            // Output gone (a closed pipe): nothing more to show, so run to the end.
            return Next::Resume(Mode::Run(Until::Never));
        }
        Next::Prompt
    }

    /// Says where the run stopped.
    fn stopped(&mut self, next: &Instruction) {
        let _ = writeln!(
            self.out,
            "stopped in {} @{:#06x} (depth {}): {}",
            next.function(),
            next.offset,
            next.depth,
            next.text
        );
    }
}

impl<R: BufRead, W: Write> Watcher for Debugger<R, W> {
    fn before(&mut self, next: &Instruction, stepper: &Stepper, memory: &[u8]) {
        if !self.should_stop(next) {
            return;
        }
        if self.mode != Mode::NotStarted {
            self.stopped(next);
        }
        self.prompt(next, stepper, memory);
    }
}

/// `x ADDRESS [LENGTH]`: memory bytes in hex and as text, 16 a line (64 by default).
fn examine(out: &mut impl Write, memory: &[u8], args: &[&str]) -> std::io::Result<()> {
    let number = |text: &str| match text.strip_prefix("0x") {
        Some(hex) => usize::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    };
    let Some(start) = args.first().and_then(|a| number(a)) else {
        return writeln!(out, "x: which address? (decimal or 0x hex)");
    };
    let length = args.get(1).and_then(|a| number(a)).unwrap_or(64).min(4096);
    if start >= memory.len() {
        return writeln!(
            out,
            "x: {start:#x} is past the memory's {} bytes",
            memory.len()
        );
    }
    let bytes = &memory[start..(start + length).min(memory.len())];
    for (n, line) in bytes.chunks(16).enumerate() {
        let (hex, text) = hex_and_text(line);
        writeln!(out, "{:#010x}: {hex:<47}  {text}", start + n * 16)?;
    }
    Ok(())
}

/// `disassemble`: the current function, the next instruction marked `=>`.
fn disassemble(out: &mut impl Write, stepper: &Stepper) -> std::io::Result<()> {
    let Some((listing, current)) = stepper.listing() else {
        return Ok(());
    };
    if let Some((first, _)) = listing.first() {
        writeln!(out, "{}:", first.function())?;
    }
    for (index, (instruction, depth)) in listing.iter().enumerate() {
        let mark = if index == current { "=>" } else { "  " };
        let indent = "  ".repeat((*depth).min(20));
        writeln!(
            out,
            "{mark} {:#06x}  {indent}{}",
            instruction.offset, instruction.text
        )?;
    }
    Ok(())
}
