//! The stepper's machine: a call from the host run one WebAssembly instruction at a time,
//! as the binary has it, on an explicit typed operand stack, a stack of block labels and
//! a stack of frames, in the same store as normal execution. Control (blocks, branches,
//! calls, returns) is here; the other instructions are in `operators`.

use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use wasmparser::{BlockType, Operator};

use super::layout::{Layout, NONE};
use super::names::LocalNames;
use crate::interp::exec::num;
use crate::interp::module::{Module, ModuleInner};
use crate::interp::store::{Caller, FuncEntity, Store};
use crate::interp::types::{
    Error, FrameInfo, Func, Instance, Trap, TrapKind, TypeId, V128Lanes, ValType, Value,
};

/// A value on the stepper's stack or in a local: its type and its slot bits (as the
/// executor keeps them: an i32 zero-extended, a float its IEEE bits, a reference
/// `index + 1` or 0 for null, a `v128`'s low half), and a `v128`'s high half (as the
/// store keeps a global's).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Typed {
    pub ty: ValType,
    pub bits: u64,
    /// A `v128`'s upper 64 bits; 0 for the other types.
    pub high: u64,
}

impl Typed {
    pub fn new(ty: ValType, bits: u64) -> Typed {
        Typed { ty, bits, high: 0 }
    }

    /// `value` as the stepper holds it (its slot bits: see `Value::to_bits`).
    pub fn of(value: Value) -> Typed {
        Typed {
            ty: value.ty(),
            bits: value.to_bits(),
            high: value.high_bits(),
        }
    }

    /// A `v128`.
    pub fn v128(v: u128) -> Typed {
        Typed {
            ty: ValType::V128,
            bits: v as u64,
            high: (v >> 64) as u64,
        }
    }

    /// The 128 bits of a `v128` (lane 0 in the low bits).
    pub fn vector(self) -> u128 {
        self.bits as u128 | (self.high as u128) << 64
    }

    /// The value, for a store with id `store`.
    pub fn value(self, store: u64) -> Value {
        match self.ty {
            ValType::V128 => Value::V128(self.vector()),
            ty => Value::from_bits(ty, self.bits, store),
        }
    }
}

impl Typed {
    /// As `Display` shows it, a `v128` by the lanes the instruction `text` works on
    /// (`f32x4.mul`: `v128 f32x4 0.5 1 1.5 2`; i32 lanes for the others).
    pub fn shown_for(self, text: &str) -> String {
        match self.ty {
            ValType::V128 => format!("v128 {}", V128Lanes::for_operator(text, self.vector())),
            _ => self.to_string(),
        }
    }
}

/// `i32 42`, `f64 0.5`: the type, then the value.
impl fmt::Display for Typed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.ty, self.value(0))
    }
}

/// What a block label is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelKind {
    Block,
    Loop,
    If,
    /// A `try_table` (see `exceptions`).
    TryTable,
}

/// An entered block: a branch to it keeps `arity` values and drops the stack to
/// `height`, then goes on after its `end` (or, for a loop, at its start).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Label {
    pub kind: LabelKind,
    /// The instruction that opened it.
    pub start: u32,
    pub arity: usize,
    pub height: usize,
}

/// An active call of a wasm function.
pub(crate) struct Frame {
    pub instance: u32,
    pub module: Module,
    pub layout: Rc<Layout>,
    pub names: Rc<LocalNames>,
    /// The instruction to run next.
    pub pc: usize,
    pub locals: Vec<Typed>,
    /// Where this frame's operands start on the stack.
    pub stack_base: usize,
    /// Where this frame's labels start.
    pub label_base: usize,
}

/// What one step did.
#[derive(Debug)]
pub enum StepOutcome {
    /// The call goes on.
    Running,
    /// The called function returned these results.
    Finished(Vec<Value>),
}

/// Where control goes after an instruction.
pub(crate) enum Flow {
    /// To the next instruction.
    Next,
    /// To this instruction of the same frame.
    Jump(usize),
    /// Out of the function, keeping its results.
    Return,
    /// Where a call left it (the callee's first instruction, or after a host call).
    Stay,
}

/// A call from the host, run one WebAssembly instruction at a time (see the module docs).
pub struct Stepper {
    func: Func,
    pub(crate) stack: Vec<Typed>,
    pub(crate) labels: Vec<Label>,
    pub(crate) frames: Vec<Frame>,
    layouts: HashMap<(u32, u32), Rc<Layout>>,
    /// Each instance's local names, read at its first frame.
    names: HashMap<u32, Rc<LocalNames>>,
    /// Fuel left (`None`: unmetered) and the budget it started with.
    fuel: Option<u64>,
    budget: u64,
    /// Instructions run so far.
    steps: u64,
    /// The last linear-memory address an instruction read or wrote.
    pub(crate) last_address: Option<u64>,
    /// The locals of all the frames, counted against the store's stack limit.
    pub(crate) locals_in_frames: usize,
    results: Option<Vec<Value>>,
    /// When the last step threw an exception that was caught: how many frames it left
    /// and the function whose handler caught it.
    pub(crate) caught: Option<(usize, u32)>,
}

impl Stepper {
    /// A call of `func` with `args` (checked as `Func::call` checks them), stopped before
    /// its first instruction, under the store's fuel limit. A host function runs at once.
    pub fn new<T>(store: &mut Store<T>, func: Func, args: &[Value]) -> Result<Stepper, Error> {
        func.check_args(store, args)?;
        let fuel = store.limits.fuel;
        let mut stepper = Stepper {
            func,
            stack: Vec::new(),
            labels: Vec::new(),
            frames: Vec::new(),
            layouts: HashMap::new(),
            names: HashMap::new(),
            fuel,
            budget: fuel.unwrap_or(0),
            steps: 0,
            last_address: None,
            locals_in_frames: 0,
            results: None,
            caught: None,
        };
        stepper.stack.extend(args.iter().map(|&arg| Typed::of(arg)));
        let done = stepper
            .call_addr(store, func.0)
            .map_err(|kind| stepper.trap(store, kind))?;
        if done {
            stepper.finish(store);
        }
        Ok(stepper)
    }

    /// Runs the next instruction.
    pub fn step<T>(&mut self, store: &mut Store<T>) -> Result<StepOutcome, Error> {
        if let Some(results) = &self.results {
            return Ok(StepOutcome::Finished(results.clone()));
        }
        self.run_one(store).map_err(|kind| self.trap(store, kind))?;
        Ok(match &self.results {
            Some(results) => StepOutcome::Finished(results.clone()),
            None => StepOutcome::Running,
        })
    }

    /// Steps to the end of the call: its results.
    pub fn finish_call<T>(&mut self, store: &mut Store<T>) -> Result<Vec<Value>, Error> {
        loop {
            if let StepOutcome::Finished(results) = self.step(store)? {
                return Ok(results);
            }
        }
    }

    /// The called function's results, once it has returned.
    pub fn results(&self) -> Option<&[Value]> {
        self.results.as_deref()
    }

    /// Instructions run so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// When the last step threw an exception that a handler caught: the frames it left
    /// (0: caught in the function that threw it) and the index of the function whose
    /// handler caught it, where the call now goes on.
    pub fn caught(&self) -> Option<(usize, u32)> {
        self.caught
    }

    /// Active wasm frames (0 once the call has returned).
    pub fn depth(&self) -> usize {
        self.frames.len()
    }

    fn run_one<T>(&mut self, store: &mut Store<T>) -> Result<(), TrapKind> {
        if let Some(fuel) = &mut self.fuel {
            if *fuel == 0 {
                return Err(TrapKind::OutOfFuel(self.budget));
            }
            *fuel -= 1;
        }
        self.steps += 1;
        self.caught = None;
        let frame = self.frames.last_mut().expect("a running call has a frame");
        let (module, layout, pc) = (frame.module.clone(), Rc::clone(&frame.layout), frame.pc);
        let op = layout.operator(&module.inner, pc)?;
        let flow = match self.execute(store, &module.inner, &layout, pc, op) {
            Err(TrapKind::Exception(uncaught)) if self.catch(store, uncaught.exn) => return Ok(()),
            flow => flow?,
        };
        let frame = self.frames.last_mut().expect("a running call has a frame");
        match flow {
            Flow::Next => frame.pc = pc + 1,
            Flow::Jump(to) => frame.pc = to,
            Flow::Return => self.return_from_frame(store),
            Flow::Stay => {}
        }
        Ok(())
    }

    /// Runs `op`, instruction `pc` of the current frame.
    fn execute<T>(
        &mut self,
        store: &mut Store<T>,
        module: &ModuleInner,
        layout: &Layout,
        pc: usize,
        op: Operator<'_>,
    ) -> Result<Flow, TrapKind> {
        Ok(match op {
            Operator::Unreachable => return Err(TrapKind::Unreachable),
            Operator::Nop => Flow::Next,
            Operator::Block { blockty } => self.enter_block(module, blockty, LabelKind::Block, pc),
            Operator::Loop { blockty } => self.enter_block(module, blockty, LabelKind::Loop, pc),
            Operator::TryTable { try_table } => {
                self.enter_block(module, try_table.ty, LabelKind::TryTable, pc)
            }
            Operator::Throw { tag_index } => return Err(self.throw(store, tag_index)),
            Operator::ThrowRef => match self.pop().bits.checked_sub(1) {
                Some(exn) => return Err(TrapKind::exception(exn as u32, String::new())),
                None => return Err(TrapKind::NullExceptionReference),
            },
            Operator::If { blockty } => {
                let condition = self.pop().bits as u32;
                self.enter_block(module, blockty, LabelKind::If, pc);
                match (condition, layout.else_of[pc]) {
                    (0, NONE) => Flow::Jump(layout.end_of[pc] as usize),
                    (0, other) => Flow::Jump(other as usize + 1),
                    _ => Flow::Next,
                }
            }
            // The end of an `if`'s first arm: on to the `end`, which leaves the block.
            Operator::Else => Flow::Jump(layout.end_of[pc] as usize),
            Operator::End => {
                let frame = self.frames.last().expect("a running call has a frame");
                if self.labels.len() == frame.label_base {
                    Flow::Return
                } else {
                    self.labels.pop();
                    Flow::Next
                }
            }
            Operator::Br { relative_depth } => self.branch(layout, relative_depth),
            Operator::BrIf { relative_depth } => match self.pop().bits as u32 {
                0 => Flow::Next,
                _ => self.branch(layout, relative_depth),
            },
            Operator::BrTable { targets } => {
                let index = self.pop().bits as u32;
                let depth = match targets.targets().nth(index as usize) {
                    Some(depth) => depth.map_err(|e| TrapKind::Untranslatable(e.to_string()))?,
                    None => targets.default(),
                };
                self.branch(layout, depth)
            }
            Operator::Return => Flow::Return,
            Operator::Call { function_index } => {
                let addr = store.instances[self.instance() as usize].funcs[function_index as usize];
                self.call(store, addr, pc)?
            }
            Operator::CallIndirect {
                type_index,
                table_index,
            } => {
                let addr = self.indirect_callee(store, type_index, table_index)?;
                self.call(store, addr, pc)?
            }
            Operator::ReturnCall { function_index } => {
                let addr = store.instances[self.instance() as usize].funcs[function_index as usize];
                self.tail_call(store, addr)?
            }
            Operator::ReturnCallIndirect {
                type_index,
                table_index,
            } => {
                let addr = self.indirect_callee(store, type_index, table_index)?;
                self.tail_call(store, addr)?
            }
            Operator::CallRef { .. } => {
                let addr = num::referenced_func(self.pop().bits)?;
                self.call(store, addr, pc)?
            }
            Operator::ReturnCallRef { .. } => {
                let addr = num::referenced_func(self.pop().bits)?;
                self.tail_call(store, addr)?
            }
            // The reference stays when there is no branch (`br_on_null`), goes with the
            // branch (`br_on_non_null`).
            Operator::BrOnNull { relative_depth } => match self.pop() {
                reference if reference.bits == 0 => self.branch(layout, relative_depth),
                reference => {
                    self.push(reference.ty, reference.bits);
                    Flow::Next
                }
            },
            Operator::BrOnNonNull { relative_depth } => match self.pop() {
                reference if reference.bits == 0 => Flow::Next,
                reference => {
                    self.push(reference.ty, reference.bits);
                    self.branch(layout, relative_depth)
                }
            },
            op => {
                self.operator(store, op)?;
                Flow::Next
            }
        })
    }

    /// Enters a block of type `ty` opened by instruction `start`.
    fn enter_block(
        &mut self,
        module: &ModuleInner,
        ty: BlockType,
        kind: LabelKind,
        start: usize,
    ) -> Flow {
        let (params, results) = match ty {
            BlockType::Empty => (0, 0),
            BlockType::Type(_) => (0, 1),
            BlockType::FuncType(index) => {
                let ty = &module.types[index as usize];
                (ty.params().len(), ty.results().len())
            }
        };
        self.labels.push(Label {
            kind,
            start: start as u32,
            arity: if kind == LabelKind::Loop {
                params
            } else {
                results
            },
            height: self.stack.len() - params,
        });
        Flow::Next
    }

    /// `br depth`: keeps the label's values, drops the rest of its stack, and goes on
    /// after its `end` (at its start for a loop). Past the function's labels: a return.
    pub(super) fn branch(&mut self, layout: &Layout, depth: u32) -> Flow {
        let frame = self.frames.last().expect("a running call has a frame");
        let inside = self.labels.len() - frame.label_base;
        if depth as usize >= inside {
            return Flow::Return;
        }
        let target = self.labels.len() - 1 - depth as usize;
        let label = self.labels[target];
        let kept = self.stack.len() - label.arity;
        self.stack.drain(label.height..kept);
        if label.kind == LabelKind::Loop {
            self.labels.truncate(target + 1);
            Flow::Jump(label.start as usize + 1)
        } else {
            self.labels.truncate(target);
            Flow::Jump(layout.end_of[label.start as usize] as usize + 1)
        }
    }

    /// Calls the function at store address `addr` from instruction `pc`: a wasm function
    /// gets a frame (and runs from the next step), a host function runs now.
    fn call<T>(&mut self, store: &mut Store<T>, addr: u32, pc: usize) -> Result<Flow, TrapKind> {
        let caller = self.frames.len() - 1;
        self.call_addr(store, addr)?;
        self.frames[caller].pc = pc + 1;
        Ok(Flow::Stay)
    }

    /// The function `call_indirect` (or `return_call_indirect`) of module type
    /// `type_index` finds through table `table_index` at the index on top of the stack.
    fn indirect_callee<T>(
        &mut self,
        store: &Store<T>,
        type_index: u32,
        table_index: u32,
    ) -> Result<u32, TrapKind> {
        let instance = &store.instances[self.instance() as usize];
        let table = &store.tables[instance.tables[table_index as usize] as usize];
        let index = self.pop().bits as u32;
        let element = *table
            .elements
            .get(index as usize)
            .ok_or(TrapKind::UndefinedElement)?;
        let addr = element
            .checked_sub(1)
            .ok_or(TrapKind::UninitializedElement)? as u32;
        let (actual, expected) = (
            TypeId(store.callees[addr as usize].type_id),
            TypeId(instance.type_ids[type_index as usize]),
        );
        if !actual.is_subtype_of(expected) {
            return Err(TrapKind::IndirectCallTypeMismatch);
        }
        Ok(addr)
    }

    /// A tail call of the function at `addr`, its arguments on top of the stack: the
    /// callee's frame takes the place of the current one. A host function is called,
    /// and its results returned.
    fn tail_call<T>(&mut self, store: &mut Store<T>, addr: u32) -> Result<Flow, TrapKind> {
        let &FuncEntity::Wasm { instance, def } = &store.funcs[addr as usize] else {
            self.call_host(store, addr)?;
            return Ok(Flow::Return);
        };
        let callee = &store.instances[instance as usize].module.inner;
        let params = callee
            .func_type_of(callee.num_imported_funcs + def)
            .params()
            .len();
        let args = self.stack.split_off(self.stack.len() - params);
        let frame = self.frames.pop().expect("a running call has a frame");
        self.locals_in_frames -= frame.locals.len();
        self.stack.truncate(frame.stack_base);
        self.labels.truncate(frame.label_base);
        self.stack.extend(args);
        self.push_frame(store, instance, def)?;
        Ok(Flow::Stay)
    }

    /// Calls the function at `addr` with its arguments on top of the stack; `true` if it
    /// has already returned (a host function).
    fn call_addr<T>(&mut self, store: &mut Store<T>, addr: u32) -> Result<bool, TrapKind> {
        match &store.funcs[addr as usize] {
            &FuncEntity::Wasm { instance, def } => {
                self.push_frame(store, instance, def)?;
                Ok(false)
            }
            FuncEntity::Host { .. } => {
                self.call_host(store, addr)?;
                Ok(true)
            }
        }
    }

    /// A frame for `instance`'s defined function `def`, its parameters taken from the
    /// stack and its declared locals zeroed.
    fn push_frame<T>(&mut self, store: &Store<T>, instance: u32, def: u32) -> Result<(), TrapKind> {
        if self.frames.len() >= store.limits.max_call_depth {
            return Err(TrapKind::CallStackExhausted);
        }
        let module = store.instances[instance as usize].module.clone();
        let layout = match self.layouts.get(&(instance, def)) {
            Some(layout) => Rc::clone(layout),
            None => {
                let layout = Rc::new(Layout::new(&module.inner, def)?);
                self.layouts.insert((instance, def), Rc::clone(&layout));
                layout
            }
        };
        let names = Rc::clone(
            self.names
                .entry(instance)
                .or_insert_with(|| Rc::new(LocalNames::read(&module.inner.code.bytes))),
        );
        let slots = self.locals_in_frames + self.stack.len() + layout.locals.len();
        if slots > store.limits.max_stack_slots {
            return Err(TrapKind::CallStackExhausted);
        }
        let params = module.inner.func_type_of(layout.func_index).params().len();
        let mut locals = self.stack.split_off(self.stack.len() - params);
        locals.extend(layout.locals[params..].iter().map(|&ty| Typed::new(ty, 0)));
        self.locals_in_frames += locals.len();
        self.frames.push(Frame {
            instance,
            module,
            layout,
            names,
            pc: 0,
            locals,
            stack_base: self.stack.len(),
            label_base: self.labels.len(),
        });
        Ok(())
    }

    /// Calls host function `addr` with its arguments on top of the stack, and pushes its
    /// results; the host sees the calling instance as normal execution shows it.
    fn call_host<T>(&mut self, store: &mut Store<T>, addr: u32) -> Result<(), TrapKind> {
        let FuncEntity::Host {
            ty, call, calls, ..
        } = &mut store.funcs[addr as usize]
        else {
            unreachable!("call_addr checked that `addr` is a host function");
        };
        *calls += 1;
        let (ty, call) = (ty.clone(), call.clone());
        let args: Vec<Value> = self
            .stack
            .split_off(self.stack.len() - ty.params().len())
            .into_iter()
            .map(|arg| arg.value(store.id))
            .collect();
        let instance = self.frames.last().map(|f| Instance(f.instance, store.id));
        store.fuel_in_host_call = self.fuel.unwrap_or(u64::MAX);
        let mut caller = Caller { store, instance };
        let results = call
            .call_with_values(&mut caller, &ty, &args)
            .map_err(|trap| trap.kind)?;
        if let Some(fuel) = &mut self.fuel {
            *fuel = store.fuel_in_host_call;
        }
        for (value, &ty) in results.into_iter().zip(ty.results()) {
            let bits = store
                .value_bits(value)
                .map_err(|error| TrapKind::Host(format!("a host function returned {error}")))?;
            self.stack.push(Typed {
                high: value.high_bits(),
                ..Typed::new(ty, bits)
            });
        }
        Ok(())
    }

    /// Leaves the current frame, its results moved to the caller's stack (or kept as
    /// the call's results when it was the outermost).
    pub(super) fn return_from_frame<T>(&mut self, store: &Store<T>) {
        let frame = self.frames.pop().expect("a running call has a frame");
        self.locals_in_frames -= frame.locals.len();
        let results = frame
            .module
            .inner
            .func_type_of(frame.layout.func_index)
            .results()
            .len();
        let kept = self.stack.len() - results;
        self.stack.drain(frame.stack_base..kept);
        self.labels.truncate(frame.label_base);
        if self.frames.is_empty() {
            self.finish(store);
        }
    }

    /// The outermost call returned: its results, from the stack.
    fn finish<T>(&mut self, store: &Store<T>) {
        let values = self.stack.drain(..).map(|v| v.value(store.id)).collect();
        self.results = Some(values);
    }

    /// The running frame's instance.
    pub(crate) fn instance(&self) -> u32 {
        self.frames
            .last()
            .expect("a running call has a frame")
            .instance
    }

    pub(crate) fn frame(&self) -> &Frame {
        self.frames.last().expect("a running call has a frame")
    }

    pub(crate) fn frame_mut(&mut self) -> &mut Frame {
        self.frames.last_mut().expect("a running call has a frame")
    }

    pub(crate) fn pop(&mut self) -> Typed {
        self.stack
            .pop()
            .expect("validation keeps the stack deep enough")
    }

    pub(crate) fn push(&mut self, ty: ValType, bits: u64) {
        self.stack.push(Typed::new(ty, bits));
    }

    /// The trap `kind` with the wasm backtrace where the stepper stands.
    fn trap<T>(&self, store: &mut Store<T>, kind: TrapKind) -> Error {
        let kind = match kind {
            TrapKind::Exception(uncaught) => store.exception_leaving(uncaught.exn),
            kind => kind,
        };
        Error::Trap(Trap {
            kind,
            backtrace: self.backtrace(store),
        })
    }

    /// The active frames, innermost first: each at the instruction it runs (or ran, for
    /// the callers: their calls).
    pub fn backtrace<T>(&self, store: &Store<T>) -> Vec<FrameInfo> {
        let innermost = self.frames.len().saturating_sub(1);
        self.frames
            .iter()
            .enumerate()
            .rev()
            .map(|(i, frame)| {
                let pc = if i == innermost {
                    frame.pc
                } else {
                    frame.pc.saturating_sub(1)
                };
                let module = &store.instances[frame.instance as usize].module;
                FrameInfo {
                    func_index: frame.layout.func_index,
                    func_name: module
                        .func_name(frame.layout.func_index)
                        .map(str::to_string),
                    offset: frame.layout.starts.get(pc).map(|&o| o as usize),
                }
            })
            .collect()
    }

    /// The function called from the host.
    pub fn func(&self) -> Func {
        self.func
    }
}
