//! Where a stepped run spends its WebAssembly instructions: per function, the
//! instructions run in it (self) and in it and its callees (total), and its calls (an
//! import's too), with the call tree for folded stacks. Counted from the instructions
//! a watcher sees (`interp::Watcher::executed`); `wasmcade play --profile` writes it,
//! the window's profile panel shows it per frame.

use std::collections::HashMap;

use super::machine::stops::called;
use crate::interp::Instruction;

/// One function's counts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub calls: u64,
    pub self_instructions: u64,
    pub total_instructions: u64,
}

/// A node of the call tree: a function reached by one path of calls.
struct Node {
    name: String,
    parent: Option<usize>,
    instructions: u64,
}

/// The counts of the instructions seen so far.
#[derive(Default)]
pub struct Profile {
    by_function: HashMap<String, Counts>,
    /// The call tree, and the nodes of the running call's frames (outermost first).
    nodes: Vec<Node>,
    children: HashMap<(Option<usize>, String), usize>,
    path: Vec<usize>,
}

impl Profile {
    /// Counts `instruction`, which has just run.
    pub fn executed(&mut self, instruction: &Instruction) {
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
        let counts = self.by_function.entry(name).or_default();
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
        if let Some(import) = called(instruction).filter(|_| instruction.calls_import) {
            self.by_function
                .entry(import.to_string())
                .or_default()
                .calls += 1;
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

    /// Every function (and called import) with its counts, by total instructions,
    /// then self instructions, then name.
    pub fn rows(&self) -> Vec<(&str, Counts)> {
        let mut rows: Vec<(&str, Counts)> = self
            .by_function
            .iter()
            .map(|(name, counts)| (name.as_str(), *counts))
            .collect();
        rows.sort_by(|a, b| {
            (b.1.total_instructions, b.1.self_instructions, a.0).cmp(&(
                a.1.total_instructions,
                a.1.self_instructions,
                b.0,
            ))
        });
        rows
    }

    /// Folded stacks: each call path, its functions joined by `;`, and its
    /// instructions (`update;func 23;sin 12`).
    pub fn folded(&self) -> Vec<String> {
        self.nodes
            .iter()
            .filter(|n| n.instructions > 0)
            .map(|node| {
                let mut names = vec![node.name.as_str()];
                let mut parent = node.parent;
                while let Some(p) = parent {
                    names.push(&self.nodes[p].name);
                    parent = self.nodes[p].parent;
                }
                names.reverse();
                format!("{} {}", names.join(";"), node.instructions)
            })
            .collect()
    }
}
