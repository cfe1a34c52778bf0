//! Where a stepped call stops: breakpoints on functions and host imports, and what a
//! step waits for. One rule for `wasmcade debug` and the window's machine view.

use crate::interp::Instruction;

/// Breakpoints: function names (from the name section or exports), function indices,
/// and imports' names (`draw_player`: a stop before each call of it).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Breakpoints(Vec<String>);

impl Breakpoints {
    /// Adds `point`; how many there are now.
    pub fn add(&mut self, point: &str) -> usize {
        if !self.0.iter().any(|p| p == point) {
            self.0.push(point.to_string());
        }
        self.0.len()
    }

    /// Adds `point`, or removes it if it is there; whether it is set now.
    pub fn toggle(&mut self, point: &str) -> bool {
        match self.0.iter().position(|p| p == point) {
            Some(index) => {
                self.0.remove(index);
                false
            }
            None => {
                self.0.push(point.to_string());
                true
            }
        }
    }

    pub fn contains(&self, point: &str) -> bool {
        self.0.iter().any(|p| p == point)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn list(&self) -> &[String] {
        &self.0
    }

    /// Whether one stops before `next`: the first instruction of a function named (or
    /// numbered) by one, or a call of an import named by one.
    pub fn hit(&self, next: &Instruction) -> bool {
        self.0.iter().any(|point| {
            let entry = next.index == 0
                && (next.func_name.as_deref() == Some(point.as_str())
                    || *point == next.func_index.to_string());
            entry || (next.calls_import && called(next) == Some(point.as_str()))
        })
    }
}

/// The function a `call` instruction names (`call $draw_player`: `draw_player`).
pub fn called(instruction: &Instruction) -> Option<&str> {
    let callee = instruction.text.strip_prefix("call ")?;
    Some(callee.strip_prefix('$').unwrap_or(callee))
}

/// What a running call waits for before it stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// The next instruction (gdb's `step`).
    Step,
    /// The next instruction at this call depth or above: over calls (`next`).
    Over(usize),
    /// The next instruction above this call depth: out of the function (`finish`).
    Out(usize),
    /// The first instruction of the next call from the host (out of the outermost
    /// function, in the window: on to the frame's next call).
    NextCall,
    /// A breakpoint (`continue`).
    Breakpoint,
    /// Nothing: it runs to its end.
    Never,
}

impl Until {
    /// Whether the call stops before `next`; all but `Never` stop at breakpoints.
    pub fn stops(self, next: &Instruction, breakpoints: &Breakpoints) -> bool {
        match self {
            Until::Step => true,
            Until::Over(depth) => next.depth <= depth || breakpoints.hit(next),
            Until::Out(depth) => next.depth < depth || breakpoints.hit(next),
            Until::NextCall => (next.depth == 1 && next.index == 0) || breakpoints.hit(next),
            Until::Breakpoint => breakpoints.hit(next),
            Until::Never => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(name: &str, index: usize, depth: usize, text: &str, calls_import: bool) -> Instruction {
        Instruction {
            func_index: 7,
            func_name: Some(name.to_string()),
            offset: 0x40,
            index,
            text: text.to_string(),
            depth,
            calls_import,
        }
    }

    #[test]
    fn breakpoints_on_functions_indices_and_imports() {
        let mut points = Breakpoints::default();
        assert_eq!(points.add("update"), 1);
        assert_eq!(points.add("update"), 1, "added once");
        assert!(points.hit(&at("update", 0, 1, "local.get 0", false)));
        assert!(
            !points.hit(&at("update", 3, 1, "local.get 0", false)),
            "entry only"
        );
        assert!(!points.hit(&at("draw", 0, 1, "nop", false)));
        points.add("7");
        assert!(points.hit(&at("draw", 0, 1, "nop", false)), "by index");
        points.add("draw_player");
        assert!(points.hit(&at("draw", 5, 1, "call $draw_player", true)));
        assert!(!points.hit(&at("draw", 5, 1, "call $draw_player_x", true)));
        assert!(!points.toggle("update") && !points.contains("update"));
        assert!(points.toggle("update") && points.contains("update"));
    }

    #[test]
    fn steps_wait_for_their_depth() {
        let none = Breakpoints::default();
        let deeper = at("f", 0, 3, "nop", false);
        let same = at("g", 4, 2, "nop", false);
        let above = at("h", 9, 1, "nop", false);
        assert!(Until::Step.stops(&deeper, &none));
        assert!(!Until::Over(2).stops(&deeper, &none));
        assert!(Until::Over(2).stops(&same, &none));
        assert!(!Until::Out(2).stops(&same, &none));
        assert!(Until::Out(2).stops(&above, &none));
        assert!(!Until::Breakpoint.stops(&same, &none));
        assert!(!Until::NextCall.stops(&above, &none));
        assert!(Until::NextCall.stops(&at("draw", 0, 1, "nop", false), &none));
        let mut points = Breakpoints::default();
        points.add("f");
        assert!(
            Until::Over(2).stops(&deeper, &points),
            "a breakpoint stops a step over"
        );
        assert!(!Until::Never.stops(&deeper, &points));
    }
}
