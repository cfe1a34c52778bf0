//! What the stepper shows of a paused call: the next instruction in the text format,
//! the operand stack, each frame's locals and position, the block nesting, a function's
//! listing; and `run_watched`, a whole call stepped with a watcher seeing every
//! instruction (the trace, the profile).

use wasmparser::Operator;

use super::layout::Layout;
use super::machine::{Frame, LabelKind, StepOutcome, Stepper, Typed};
use super::text::operator_text;
use crate::interp::store::Store;
use crate::interp::types::{Error, Func, Value};

/// One instruction of a function, where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Instruction {
    /// The function's index in its module, and its name (name section or export).
    pub func_index: u32,
    pub func_name: Option<String>,
    /// Byte offset of the instruction in the module.
    pub offset: u32,
    /// Index of the instruction in the function.
    pub index: usize,
    /// The text format's mnemonic and immediates: `local.get 2`, `call $update`.
    pub text: String,
    /// Frames active while it runs (1: the function called from the host).
    pub depth: usize,
    /// Whether it is a `call` of an imported function (a host function, for a game).
    pub calls_import: bool,
}

impl Instruction {
    /// `fib` or `func 3`.
    pub fn function(&self) -> String {
        self.func_name
            .clone()
            .unwrap_or_else(|| format!("func {}", self.func_index))
    }
}

/// A frame as the debugger shows it.
#[derive(Debug, Clone)]
pub struct FrameView {
    pub func_index: u32,
    pub func_name: Option<String>,
    /// Where it stands: the next instruction (the innermost frame) or its call.
    pub offset: u32,
    /// Parameters then declared locals, each with its name if the module names it.
    pub locals: Vec<(Option<String>, Typed)>,
}

impl FrameView {
    pub fn function(&self) -> String {
        self.func_name
            .clone()
            .unwrap_or_else(|| format!("func {}", self.func_index))
    }
}

/// Sees each instruction a watched call runs.
pub trait Watcher {
    /// `next` is about to run; `stepper` shows the state before it, `memory` the running
    /// instance's memory 0 (empty without one). A debugger stops here.
    fn before(&mut self, _next: &Instruction, _stepper: &Stepper, _memory: &[u8]) {}
    /// `instruction` has just run; `stepper` shows the state after it.
    fn executed(&mut self, _instruction: &Instruction, _stepper: &Stepper) {}
    /// Asked after `before`: whether the call stops before `next` and is handed back
    /// to its caller ([`run_until`]), to go on later (the window's machine view).
    fn pause(&mut self, _next: &Instruction) -> bool {
        false
    }
}

/// Calls `func` with `args` one instruction at a time, `watcher` seeing each.
pub fn run_watched<T>(
    store: &mut Store<T>,
    func: Func,
    args: &[Value],
    watcher: &mut dyn Watcher,
) -> Result<Vec<Value>, Error> {
    let mut stepper = Stepper::new(store, func, args)?;
    let mut resumed = false;
    loop {
        match run_until(store, &mut stepper, watcher, resumed)? {
            Some(results) => return Ok(results),
            None => resumed = true,
        }
    }
}

/// Steps `stepper`'s call, `watcher` seeing each instruction, until it returns (its
/// results) or the watcher pauses it before an instruction (`None`). `resumed`: the
/// call stands where the watcher paused it, and that instruction runs first, not seen
/// again.
pub fn run_until<T>(
    store: &mut Store<T>,
    stepper: &mut Stepper,
    watcher: &mut dyn Watcher,
    mut resumed: bool,
) -> Result<Option<Vec<Value>>, Error> {
    loop {
        let Some(next) = stepper.next_instruction() else {
            return Ok(Some(stepper.results().unwrap_or_default().to_vec()));
        };
        if !std::mem::take(&mut resumed) {
            watcher.before(&next, stepper, stepper.current_memory(store));
            if watcher.pause(&next) {
                return Ok(None);
            }
        }
        let outcome = stepper.step(store)?;
        watcher.executed(&next, stepper);
        if let StepOutcome::Finished(results) = outcome {
            return Ok(Some(results));
        }
    }
}

impl Stepper {
    /// The instruction the next step runs (`None` once the call has returned).
    pub fn next_instruction(&self) -> Option<Instruction> {
        let frame = self.frames.last()?;
        Some(instruction(frame, frame.pc, self.frames.len()))
    }

    /// The current function's operands (bottom first).
    pub fn operands(&self) -> &[Typed] {
        let base = self.frames.last().map_or(0, |f| f.stack_base);
        &self.stack[base..]
    }

    /// The active frames, innermost first.
    pub fn frames(&self) -> Vec<FrameView> {
        let innermost = self.frames.len().saturating_sub(1);
        (0..self.frames.len())
            .rev()
            .map(|i| {
                let frame = &self.frames[i];
                let pc = if i == innermost {
                    frame.pc
                } else {
                    frame.pc.saturating_sub(1)
                };
                let func_index = frame.layout.func_index;
                let locals = frame
                    .locals
                    .iter()
                    .enumerate()
                    .map(|(n, &value)| {
                        let name = frame.names.get(func_index, n as u32).map(str::to_string);
                        (name, value)
                    })
                    .collect();
                FrameView {
                    func_index,
                    func_name: frame.module.func_name(func_index).map(str::to_string),
                    offset: frame.layout.starts[pc],
                    locals,
                }
            })
            .collect()
    }

    /// The blocks the current function is inside, outermost first: each one's kind and
    /// the offset of the instruction that opened it.
    pub fn blocks(&self) -> Vec<(LabelKind, u32)> {
        let Some(frame) = self.frames.last() else {
            return Vec::new();
        };
        self.labels[frame.label_base..]
            .iter()
            .map(|label| (label.kind, frame.layout.starts[label.start as usize]))
            .collect()
    }

    /// The current function's instructions, each with its block depth; and the index of
    /// the next one.
    pub fn listing(&self) -> Option<(Vec<(Instruction, usize)>, usize)> {
        let frame = self.frames.last()?;
        Some((listing(frame), frame.pc))
    }

    /// The running instance's memory 0 (empty without one, or once the call returned).
    pub fn current_memory<'s, T>(&self, store: &'s Store<T>) -> &'s [u8] {
        let Some(frame) = self.frames.last() else {
            return &[];
        };
        match store.instances[frame.instance as usize].memories.first() {
            Some(&addr) => &store.memories[addr as usize].data,
            None => &[],
        }
    }

    /// The last linear-memory address an instruction read or wrote.
    pub fn last_address(&self) -> Option<u64> {
        self.last_address
    }
}

/// Instruction `index` of `frame`'s function.
fn instruction(frame: &Frame, index: usize, depth: usize) -> Instruction {
    let layout: &Layout = &frame.layout;
    let module = &frame.module.inner;
    let (text, calls_import) = match layout.operator(module, index) {
        Ok(op) => {
            let calls_import = matches!(op, Operator::Call { function_index }
                if function_index < module.num_imported_funcs);
            (operator_text(&op, module), calls_import)
        }
        Err(error) => (format!("<{error}>"), false),
    };
    Instruction {
        func_index: layout.func_index,
        func_name: frame
            .module
            .func_name(layout.func_index)
            .map(str::to_string),
        offset: layout.starts[index],
        index,
        text,
        depth,
        calls_import,
    }
}

/// Every instruction of `frame`'s function, with its nesting depth.
fn listing(frame: &Frame) -> Vec<(Instruction, usize)> {
    let mut depth = 0usize;
    (0..frame.layout.len())
        .map(|index| {
            let instruction = instruction(frame, index, 0);
            let word = instruction.text.split(' ').next().unwrap_or("");
            let shown = match word {
                "end" | "else" => depth.saturating_sub(1),
                _ => depth,
            };
            match word {
                "block" | "loop" | "if" => depth += 1,
                "end" => depth = depth.saturating_sub(1),
                _ => {}
            }
            (instruction, shown)
        })
        .collect()
}
