//! What the machine view's panels say about a stopped call, as plain text: the current
//! function's listing around the next instruction (or the cursor), the operand stack
//! (top first), the locals with their names, the call stack, the block nesting, and
//! the memory around the last address touched. Made from the stepper without a window,
//! so tests read it as the speaker would.

use super::stops::{called, Breakpoints};
use crate::interp::{LabelKind, Stepper};

/// One line of the listing.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Its index in the function.
    pub index: usize,
    /// `  1a4  f64.mul`: its offset in the module, indented by block depth.
    pub text: String,
    /// The next instruction to run.
    pub current: bool,
    /// Under the listing's cursor.
    pub cursor: bool,
    /// A breakpoint stops here (the function's entry, or a call of a breakpoint).
    pub breakpoint: bool,
}

/// The panels' text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Panels {
    /// `update › func 12 · next: f64.mul`.
    pub title: String,
    /// The listing, at most the rows asked for.
    pub listing: Vec<Line>,
    /// The index of the next instruction and how many the function has.
    pub position: (usize, usize),
    /// Operands, top first: `f64 0.5`.
    pub stack: Vec<String>,
    /// `x = f64 0.5` (or `local 3 = ...` without a name).
    pub locals: Vec<String>,
    /// Innermost first: `update @0x01a4`.
    pub frames: Vec<String>,
    /// Outermost first: `loop @0x0150`.
    pub blocks: Vec<String>,
    /// `memory @0x00001234 (last access)`, then one line per row of bytes.
    pub memory: Vec<String>,
    /// Where the byte at the last address is in those rows: (row, byte in the row).
    pub memory_mark: Option<(usize, usize)>,
}

/// What the speaker chose: the listing's cursor (an instruction index, `None`: follow
/// the next instruction), the rows it has room for, and the memory row's width.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub cursor: Option<usize>,
    pub rows: usize,
    pub bytes_per_row: usize,
    pub memory_rows: usize,
}

/// The panels for the call stopped in `stepper` (a call of the export `export`),
/// `memory` its instance's memory 0.
pub fn panels(
    export: &str,
    stepper: &Stepper,
    memory: &[u8],
    breakpoints: &Breakpoints,
    shape: Shape,
) -> Panels {
    let Some(next) = stepper.next_instruction() else {
        return Panels {
            title: format!("{export} has returned"),
            ..Panels::default()
        };
    };
    let mut panels = Panels {
        title: title(export, &next.function(), &next.text),
        ..Panels::default()
    };
    if let Some((listing, current)) = stepper.listing() {
        panels.position = (current, listing.len());
        let anchor = shape.cursor.unwrap_or(current).min(listing.len() - 1);
        let rows = shape.rows.max(1);
        let first = anchor
            .saturating_sub(rows / 3)
            .min(listing.len().saturating_sub(rows));
        let entry_break = breakpoints.contains(&next.function())
            || breakpoints.contains(&next.func_index.to_string());
        panels.listing = listing
            .iter()
            .enumerate()
            .skip(first)
            .take(rows)
            .map(|(index, (instruction, depth))| Line {
                index,
                text: format!(
                    "{:5x}  {}{}",
                    instruction.offset,
                    "  ".repeat((*depth).min(12)),
                    instruction.text
                ),
                current: index == current,
                cursor: shape.cursor == Some(index),
                breakpoint: (index == 0 && entry_break)
                    || called(instruction).is_some_and(|callee| breakpoints.contains(callee)),
            })
            .collect();
    }
    panels.stack = stepper
        .operands()
        .iter()
        .rev()
        .map(|value| value.shown_for(&next.text))
        .collect();
    let frames = stepper.frames();
    if let Some(frame) = frames.first() {
        panels.locals = frame
            .locals
            .iter()
            .enumerate()
            .map(|(n, (name, value))| match name {
                Some(name) => format!("{name} = {value}"),
                None => format!("local {n} = {value}"),
            })
            .collect();
    }
    panels.frames = frames
        .iter()
        .map(|frame| format!("{} @{:#06x}", frame.function(), frame.offset))
        .collect();
    panels.blocks = stepper
        .blocks()
        .iter()
        .map(|&(kind, offset)| {
            let word = match kind {
                LabelKind::Block => "block",
                LabelKind::Loop => "loop",
                LabelKind::If => "if",
                LabelKind::TryTable => "try_table",
            };
            format!("{word} @{offset:#06x}")
        })
        .collect();
    panels.memory = memory_lines(memory, stepper.last_address(), shape);
    panels.memory_mark = stepper.last_address().and_then(|address| {
        let offset = (address as usize).checked_sub(first_row(memory.len(), address, shape))?;
        let (row, byte) = (offset / shape.bytes_per_row, offset % shape.bytes_per_row);
        (row < shape.memory_rows && (address as usize) < memory.len()).then_some((row, byte))
    });
    panels
}

/// `update > func 24 · next: block` (the function left out when it is the export).
fn title(export: &str, function: &str, next: &str) -> String {
    match export == function {
        true => format!("{export} · next: {next}"),
        false => format!("{export} > {function} · next: {next}"),
    }
}

/// Where the memory rows around `address` start: two rows above its own, inside a
/// memory of `len` bytes.
fn first_row(len: usize, address: u64, shape: Shape) -> usize {
    let width = shape.bytes_per_row.max(1);
    let row = (address as usize / width).saturating_sub(2);
    (row * width).min(len.saturating_sub(width) / width * width)
}

/// The memory around `address` (its row third from the top), `bytes_per_row` bytes a
/// row in hex and as text; a title line first.
pub fn memory_lines(memory: &[u8], address: Option<u64>, shape: Shape) -> Vec<String> {
    let Some(address) = address else {
        return vec!["memory: not touched yet in this call".to_string()];
    };
    let width = shape.bytes_per_row.max(1);
    let start = first_row(memory.len(), address, shape);
    let mut lines = vec![format!("memory @{address:#x} (last access)")];
    for chunk_start in (start..memory.len()).step_by(width).take(shape.memory_rows) {
        let (hex, text) =
            hex_and_text(&memory[chunk_start..(chunk_start + width).min(memory.len())]);
        lines.push(format!("{chunk_start:08x} {hex} {text}"));
    }
    lines
}

/// A row of a memory dump: the bytes in hex, space-separated, and as text (printable
/// ASCII as itself, anything else as `.`); shared with `wasmcade debug`'s `x`.
pub fn hex_and_text(bytes: &[u8]) -> (String, String) {
    let hex: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let text = bytes
        .iter()
        .map(|&b| {
            if b.is_ascii_graphic() || b == b' ' {
                b as char
            } else {
                '.'
            }
        })
        .collect();
    (hex.join(" "), text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(bytes_per_row: usize) -> Shape {
        Shape {
            cursor: None,
            rows: 10,
            bytes_per_row,
            memory_rows: 3,
        }
    }

    #[test]
    fn memory_rows_start_two_above_the_address() {
        let memory: Vec<u8> = (0..64).map(|i| b'A' + (i % 26)).collect();
        let lines = memory_lines(&memory, Some(33), shape(8));
        assert_eq!(lines[0], "memory @0x21 (last access)");
        assert_eq!(lines[1], "00000010 51 52 53 54 55 56 57 58 QRSTUVWX");
        assert_eq!(lines.len(), 4);
        assert_eq!(memory_lines(&memory, None, shape(8)).len(), 1);
        // Near the end the rows stay inside the memory.
        let lines = memory_lines(&memory, Some(63), shape(8));
        assert!(lines[1].starts_with("00000028"), "{lines:?}");
        assert_eq!(lines.len(), 4);
    }
}
