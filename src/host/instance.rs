//! What every game ABI shares: the state its bindings fill (the display list), import
//! definitions as plain functions, the running instance with its export calls and
//! import call counts, and the error a game stops with.

use std::fmt;
use std::rc::Rc;

use super::contract::{self, ContractError, ExpectedExport, ProvidedImport};
use super::display_list::{DisplayList, DrawCall};
use super::work;
use crate::interp::{
    run_until, CallOutcome, Caller, Error, ExternType, FrameInfo, Func, FuncType, HostFn, Instance,
    Limits, Linker, Memory, MemoryType, Module, Observer, PausedCall, RawHostFn, Snapshot,
    SnapshotError, Stepper, Store, Trap, TrapKind, Value, Watcher,
};

/// The bindings' state: this frame's display list and the ABI's own state `S`.
pub struct HostState<S> {
    pub calls: DisplayList,
    pub abi: S,
}

/// Stores `call`, made by the import `import`, in the frame's display list, and charges
/// it to the caller as one unit of host work; past the list's ceiling, a trap.
pub fn record<S>(
    caller: &mut Caller<'_, HostState<S>>,
    import: &str,
    call: DrawCall,
) -> Result<(), Trap> {
    work::charge(caller, 1);
    caller.data_mut().calls.push(import, call)
}

/// An import's implementation: on `Value`s, or on raw bits (`Func::new_raw`: no
/// conversions, for the imports a game calls many times a frame).
pub enum Binding<S> {
    Values(Rc<HostFn<HostState<S>>>),
    Raw(Rc<RawHostFn<HostState<S>>>),
}

/// One import an ABI provides from module `env`.
pub struct ImportDef<S> {
    pub name: &'static str,
    pub ty: FuncType,
    pub bind: Binding<S>,
}

/// The module the contracts' imports come from.
pub const IMPORT_MODULE: &str = "env";
/// The name of the memory an ABI may provide (WASM-4's `env.memory`).
pub const MEMORY_IMPORT: &str = "memory";

/// A memory the host offers the game as `env.memory`: created with type `ty`, filled
/// by `init` before the module's data segments are written.
pub struct HostMemory {
    pub ty: MemoryType,
    pub init: fn(&mut [u8]),
}

/// Why a game could not start or stopped.
#[derive(Debug, Clone)]
pub enum GameError {
    Contract(ContractError),
    /// Linking, a resource limit, or a trap in the start function.
    Instantiate(Error),
    /// A call of one of the game's exports failed (usually a trap).
    Call {
        export: &'static str,
        error: Error,
    },
    /// A stepped call of `export` stopped before an instruction because its watcher
    /// paused it (the window's machine view): not a failure; it goes on with
    /// [`Game::resume_call`](super::Game::resume_call).
    Stopped {
        export: &'static str,
    },
}

impl GameError {
    /// The wasm backtrace of a trap, innermost first (empty for other errors).
    pub fn backtrace(&self) -> &[FrameInfo] {
        let error = match self {
            GameError::Instantiate(error) | GameError::Call { error, .. } => error,
            GameError::Contract(_) | GameError::Stopped { .. } => return &[],
        };
        error
            .as_trap()
            .map_or(&[], |trap| trap.backtrace.as_slice())
    }
}

impl fmt::Display for GameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GameError::Contract(error) => write!(f, "{error}"),
            GameError::Instantiate(Error::Trap(trap)) => {
                write!(f, "trap while instantiating (in the start function): {trap}")
            }
            GameError::Instantiate(error) => write!(f, "{error}"),
            GameError::Stopped { export } => write!(f, "{export} stopped in the machine view"),
            GameError::Call { export, error: Error::Trap(trap) } => match trap.kind {
                TrapKind::OutOfFuel(budget) => write!(
                    f,
                    "out of fuel in {export} (budget {budget}: instructions and host work): the game ran too long in one call"
                ),
                _ => write!(f, "trap in {export}: {trap}"),
            },
            GameError::Call { export, error } => write!(f, "calling {export} failed: {error}"),
        }
    }
}

impl std::error::Error for GameError {}

/// A game module instantiated with an ABI's bindings.
pub struct GameInstance<S> {
    store: Store<HostState<S>>,
    instance: Instance,
    /// Each import's name and function, in the order of the ABI's import table.
    imports: Vec<(&'static str, Func)>,
    /// Each import's call count (`Func::host_calls`) at the last `take_import_calls`.
    counted_calls: Vec<u64>,
    /// While set, calls run one WebAssembly instruction at a time, watched by it
    /// (`interp::run_until`: the trace, the profile, the machine view); otherwise they
    /// run normally.
    watcher: Option<Box<dyn Watcher>>,
    /// A stepped call its watcher paused, and the export it is a call of.
    stopped: Option<(&'static str, Stepper)>,
}

impl<S: 'static> GameInstance<S> {
    /// Checks the module against the ABI (warning about missing optional exports),
    /// links the imports (and `memory`, if the ABI provides one) and instantiates
    /// (running any start function) under `limits`.
    pub fn instantiate(
        module: &Module,
        abi: &'static str,
        imports: &[ImportDef<S>],
        memory: Option<HostMemory>,
        exports: &[ExpectedExport],
        limits: Limits,
        state: S,
    ) -> Result<GameInstance<S>, GameError> {
        let mut provided: Vec<ProvidedImport> = imports
            .iter()
            .map(|import| ProvidedImport {
                module: IMPORT_MODULE,
                name: import.name,
                ty: ExternType::Func(import.ty.clone()),
            })
            .collect();
        provided.extend(memory.as_ref().map(|memory| ProvidedImport {
            module: IMPORT_MODULE,
            name: MEMORY_IMPORT,
            ty: ExternType::Memory(memory.ty),
        }));
        let warnings =
            contract::check(module, abi, &provided, exports).map_err(GameError::Contract)?;
        for warning in warnings {
            log::warn!("{warning}");
        }
        let host_state = HostState {
            calls: DisplayList::default(),
            abi: state,
        };
        let mut store = Store::with_limits(host_state, limits);
        let mut linker = Linker::new();
        let mut import_funcs = Vec::with_capacity(imports.len());
        for import in imports {
            let ty = import.ty.clone();
            let func = match &import.bind {
                Binding::Values(bind) => {
                    let bind = Rc::clone(bind);
                    Func::new(&mut store, ty, move |caller, args, results| {
                        work::charge_call(caller);
                        bind(caller, args, results)
                    })
                }
                Binding::Raw(bind) => {
                    let bind = Rc::clone(bind);
                    Func::new_raw(&mut store, ty, move |caller, bits| {
                        work::charge_call(caller);
                        bind(caller, bits)
                    })
                }
            };
            linker.define(IMPORT_MODULE, import.name, func);
            import_funcs.push((import.name, func));
        }
        if let Some(HostMemory { ty, init }) = memory {
            let memory = Memory::new(&mut store, ty).map_err(GameError::Instantiate)?;
            init(memory.data_mut(&mut store));
            linker.define(IMPORT_MODULE, MEMORY_IMPORT, memory);
        }
        let instance = linker
            .instantiate(&mut store, module)
            .map_err(GameError::Instantiate)?;
        Ok(GameInstance {
            store,
            instance,
            counted_calls: vec![0; import_funcs.len()],
            watcher: None,
            stopped: None,
            imports: import_funcs,
        })
    }

    /// The exported function `name`, if the module has one.
    pub fn func(&self, name: &str) -> Option<Func> {
        self.instance.get_func(&self.store, name)
    }

    /// A required export: the contract check at instantiation proved it is there.
    pub fn required_func(&self, name: &str) -> Func {
        self.func(name)
            .unwrap_or_else(|| unreachable!("the contract check requires export `{name}`"))
    }

    /// Calls `func` (the export `export`).
    pub fn call(
        &mut self,
        export: &'static str,
        func: Func,
        args: &[Value],
    ) -> Result<(), GameError> {
        if self.stopped.is_some() {
            // Calls keep their order: one stopped is finished before the next starts.
            log::warn!("finishing the stopped call of {export} before another call");
            loop {
                match self.resume_call() {
                    Err(GameError::Stopped { .. }) => continue,
                    result => result?,
                }
                break;
            }
        }
        if self.watcher.is_none() {
            return func
                .call(&mut self.store, args)
                .map(drop)
                .map_err(|error| GameError::Call { export, error });
        }
        let stepper = Stepper::new(&mut self.store, func, args)
            .map_err(|error| GameError::Call { export, error })?;
        self.stopped = Some((export, stepper));
        self.go_on(false)
    }

    /// Goes on with the call its watcher paused (nothing without one): `Ok` once it has
    /// returned, [`GameError::Stopped`] when the watcher pauses it again.
    pub fn resume_call(&mut self) -> Result<(), GameError> {
        self.go_on(true)
    }

    /// Steps the stopped call (`resumed`: from where its watcher paused it) under the
    /// watcher until it returns, fails or stops again.
    fn go_on(&mut self, resumed: bool) -> Result<(), GameError> {
        let Some((export, mut stepper)) = self.stopped.take() else {
            return Ok(());
        };
        let mut unwatched = Unwatched;
        let watcher: &mut dyn Watcher = match &mut self.watcher {
            Some(watcher) => watcher.as_mut(),
            None => &mut unwatched,
        };
        match run_until(&mut self.store, &mut stepper, watcher, resumed) {
            Ok(Some(_)) => Ok(()),
            Ok(None) => {
                self.stopped = Some((export, stepper));
                Err(GameError::Stopped { export })
            }
            Err(error) => Err(GameError::Call { export, error }),
        }
    }

    /// The stepped call its watcher paused, if any: its export, where it stands, and
    /// the memory it sees.
    pub fn stopped_call(&self) -> Option<(&'static str, &Stepper, &[u8])> {
        let (export, stepper) = self.stopped.as_ref()?;
        Some((export, stepper, stepper.current_memory(&self.store)))
    }

    /// Calls `func` (the export `export`, no arguments) with `fuel` units of fuel; when
    /// they run out first the call pauses, to go on with [`GameInstance::resume`].
    pub fn call_resumable(
        &mut self,
        export: &'static str,
        func: Func,
        fuel: u64,
    ) -> Result<CallOutcome, GameError> {
        func.call_resumable(&mut self.store, &[], fuel)
            .map_err(|error| GameError::Call { export, error })
    }

    /// Goes on with a paused call of `export` with `fuel` more units.
    pub fn resume(
        &mut self,
        export: &'static str,
        paused: PausedCall,
        fuel: u64,
    ) -> Result<CallOutcome, GameError> {
        paused
            .resume(&mut self.store, fuel)
            .map_err(|error| GameError::Call { export, error })
    }

    /// The error of a call of `export` stopped, where `paused` stands, for having spent
    /// its whole `budget`.
    pub fn out_of_fuel(&self, export: &'static str, paused: &PausedCall, budget: u64) -> GameError {
        let trap = Trap {
            kind: TrapKind::OutOfFuel(budget),
            backtrace: paused.backtrace(&self.store),
        };
        GameError::Call {
            export,
            error: Error::Trap(trap),
        }
    }

    /// The fuel each call from the host may spend (`None`: unmetered).
    pub fn fuel_budget(&self) -> Option<u64> {
        self.store.limits().fuel
    }

    /// Calls the draw export with an empty display list and returns what it drew.
    pub fn draw(&mut self, export: &'static str, func: Func) -> Result<&[DrawCall], GameError> {
        self.store.data_mut().calls.clear();
        self.call(export, func, &[])?;
        Ok(self.store.data().calls.calls())
    }

    /// The display list of the last draw.
    pub fn last_draw(&self) -> &[DrawCall] {
        self.store.data().calls.calls()
    }

    /// The ABI's own state in the bindings.
    pub fn state_mut(&mut self) -> &mut S {
        &mut self.store.data_mut().abi
    }

    /// The ABI's own state in the bindings, to read.
    pub fn state(&self) -> &S {
        &self.store.data().abi
    }

    /// Makes `calls` the display list, for ABIs whose games draw without a draw export.
    pub fn show(&mut self, calls: Vec<DrawCall>) -> &[DrawCall] {
        let list = &mut self.store.data_mut().calls;
        list.replace(calls);
        list.calls()
    }

    /// The instance's state and the display list of the last draw (see `host::state`).
    pub fn save_state(&self) -> Result<(Snapshot, Vec<DrawCall>), SnapshotError> {
        let snapshot = self.instance.snapshot(&self.store)?;
        Ok((snapshot, self.store.data().calls.calls().to_vec()))
    }

    /// Restores the instance's state and the display list saved by `save_state`.
    pub fn load_state(
        &mut self,
        snapshot: &Snapshot,
        calls: &[DrawCall],
    ) -> Result<(), SnapshotError> {
        self.instance.restore(&mut self.store, snapshot)?;
        // A stopped call belonged to the state replaced.
        self.stopped = None;
        self.store.data_mut().calls.replace(calls.to_vec());
        Ok(())
    }

    /// The game's memory 0 (empty if it has none).
    pub fn memory_data(&self) -> &[u8] {
        match self.instance.default_memory(&self.store) {
            Some(memory) => memory.data(&self.store),
            None => &[],
        }
    }

    /// The game's memory 0, writable (empty if it has none).
    pub fn memory_data_mut(&mut self) -> &mut [u8] {
        match self.instance.default_memory(&self.store) {
            Some(memory) => memory.data_mut(&mut self.store),
            None => &mut [],
        }
    }

    /// Instructions the last export call ran.
    pub fn last_call_instructions(&self) -> u64 {
        self.store.fuel_consumed()
    }

    /// How often each import was called since the last time this was asked, by name;
    /// the counters restart at zero.
    pub fn take_import_calls(&mut self) -> Vec<(&'static str, u32)> {
        let counted = self.counted_calls.iter_mut();
        self.imports
            .iter()
            .zip(counted)
            .map(|(&(name, func), counted)| {
                let calls = func.host_calls(&self.store);
                let since = calls - std::mem::replace(counted, calls);
                (name, since as u32)
            })
            .collect()
    }

    /// The game's linear memory size in its pages (0 if it has none).
    pub fn memory_pages(&self) -> u64 {
        self.instance
            .default_memory(&self.store)
            .map_or(0, |memory| memory.pages(&self.store))
    }

    pub fn set_observer(&mut self, observer: Option<Box<dyn Observer>>) {
        self.store.set_observer(observer);
    }

    pub fn take_observer(&mut self) -> Option<Box<dyn Observer>> {
        self.store.take_observer()
    }

    /// Runs the calls from now on one WebAssembly instruction at a time under `watcher`
    /// (or, with `None`, normally again).
    pub fn set_watcher(&mut self, watcher: Option<Box<dyn Watcher>>) {
        self.watcher = watcher;
    }

    pub fn take_watcher(&mut self) -> Option<Box<dyn Watcher>> {
        self.watcher.take()
    }
}

/// The watcher of a stopped call whose watcher was taken away: it runs to its end.
struct Unwatched;

impl Watcher for Unwatched {}

/// The f64 argument `index` (the linker proved the import's signature).
pub fn f64_arg(args: &[Value], index: usize) -> f64 {
    match args.get(index) {
        Some(Value::F64(v)) => *v,
        _ => f64::NAN,
    }
}

/// The f32 argument `index`.
pub fn f32_arg(args: &[Value], index: usize) -> f32 {
    match args.get(index) {
        Some(Value::F32(v)) => *v,
        _ => f32::NAN,
    }
}

/// The i32 argument `index`.
pub fn i32_arg(args: &[Value], index: usize) -> i32 {
    match args.get(index) {
        Some(Value::I32(v)) => *v,
        _ => 0,
    }
}
