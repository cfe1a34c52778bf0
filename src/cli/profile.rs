//! `--profile FILE`: per function, the WebAssembly instructions run in it (self) and in
//! it and its callees (total), and its calls, over the run and per frame; with
//! `--profile-folded FILE`, the same as folded stacks (`update;func 23;sin 12`), which
//! flame-graph tools read (`flamegraph.pl`, inferno, speedscope). A watcher of the
//! stepped calls (`interp::run_watched`); written when the run ends.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use crate::interp::{Instruction, Stepper, Watcher};

/// One function's counts.
#[derive(Default, Clone, Copy)]
struct Counts {
    calls: u64,
    self_instructions: u64,
    total_instructions: u64,
}

/// A node of the call tree: a function reached by one path of calls.
struct Node {
    name: String,
    parent: Option<usize>,
    instructions: u64,
}

/// Counts instructions by function and by call path while the game runs.
pub struct Profiler {
    table: Option<PathBuf>,
    folded: Option<PathBuf>,
    frames: u64,
    by_function: HashMap<String, Counts>,
    /// The call tree, and the nodes of the running call's frames (outermost first).
    nodes: Vec<Node>,
    children: HashMap<(Option<usize>, String), usize>,
    path: Vec<usize>,
}

impl Profiler {
    pub fn new(table: Option<PathBuf>, folded: Option<PathBuf>, frames: u64) -> Profiler {
        Profiler {
            table,
            folded,
            frames: frames.max(1),
            by_function: HashMap::new(),
            nodes: Vec::new(),
            children: HashMap::new(),
            path: Vec::new(),
        }
    }

    /// The call-tree node of `name` called from `parent`.
    fn node(&mut self, parent: Option<usize>, name: &str) -> usize {
        if let Some(&node) = self.children.get(&(parent, name.to_string())) {
            return node;
        }
        self.nodes.push(Node {
            name: name.to_string(),
            parent,
            instructions: 0,
        });
        let node = self.nodes.len() - 1;
        self.children.insert((parent, name.to_string()), node);
        node
    }

    /// The table: functions by total instructions.
    fn write_table(&self, out: &mut impl Write) -> std::io::Result<()> {
        let mut rows: Vec<(&String, &Counts)> = self.by_function.iter().collect();
        rows.sort_by(|a, b| {
            (b.1.total_instructions, b.1.self_instructions, a.0).cmp(&(
                a.1.total_instructions,
                a.1.self_instructions,
                b.0,
            ))
        });
        writeln!(
            out,
            "{:<28} {:>10} {:>14} {:>14} {:>12} {:>12}",
            "function", "calls", "self", "total", "self/frame", "total/frame"
        )?;
        for (name, counts) in rows {
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

    /// Folded stacks: each call path, its functions joined by `;`, and its instructions.
    fn write_folded(&self, out: &mut impl Write) -> std::io::Result<()> {
        for node in self.nodes.iter().filter(|n| n.instructions > 0) {
            let mut names = vec![node.name.as_str()];
            let mut parent = node.parent;
            while let Some(p) = parent {
                names.push(&self.nodes[p].name);
                parent = self.nodes[p].parent;
            }
            names.reverse();
            writeln!(out, "{} {}", names.join(";"), node.instructions)?;
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
        let name = instruction.function();
        // The path of calls to this instruction's function: a new call starts at its
        // first instruction (which nothing branches back to).
        let depth = instruction.depth;
        let node = if instruction.index == 0 || self.path.len() < depth {
            self.path.truncate(depth - 1);
            let node = self.node(self.path.last().copied(), &name);
            self.path.push(node);
            node
        } else {
            self.path.truncate(depth);
            self.path[depth - 1]
        };
        self.nodes[node].instructions += 1;
        let counts = self.by_function.entry(name.clone()).or_default();
        counts.self_instructions += 1;
        if instruction.index == 0 {
            counts.calls += 1;
        }
        // Each function on the path counts it once in its total (recursion too).
        let mut seen: Vec<usize> = Vec::new();
        for &n in &self.path {
            let function = &self.nodes[n].name;
            if seen.iter().any(|&s| self.nodes[s].name == *function) {
                continue;
            }
            seen.push(n);
            if let Some(counts) = self.by_function.get_mut(function) {
                counts.total_instructions += 1;
            }
        }
        if instruction.calls_import {
            let import = instruction
                .text
                .trim_start_matches("call ")
                .trim_start_matches('$');
            self.by_function
                .entry(import.to_string())
                .or_default()
                .calls += 1;
        }
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
