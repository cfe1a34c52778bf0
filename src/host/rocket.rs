//! The rocket contract (see the README's "Game contracts"): its imports bound to
//! display-list draw calls and f64 math, its exports called by the frame loop.

use std::fmt;

use super::contract::{self, ContractError, ExpectedExport, ProvidedImport};
use super::display_list::DrawCall;
use crate::interp::{
    Error, FrameInfo, Func, FuncType, Instance, Limits, Linker, Module, Observer, Store, TrapKind,
    ValType, Value,
};

/// The ABI's name in messages and `--abi`.
pub const ABI_NAME: &str = "rocket";
const IMPORT_MODULE: &str = "env";

/// What one import of the contract does.
#[derive(Clone, Copy)]
enum Binding {
    /// Records a draw call made from `params` f64 arguments.
    Draw {
        params: usize,
        call: fn(&[f64]) -> DrawCall,
    },
    /// An f64 -> f64 math function.
    Math(fn(f64) -> f64),
}

impl Binding {
    fn ty(self) -> FuncType {
        match self {
            Binding::Draw { params, .. } => FuncType::new(vec![ValType::F64; params], []),
            Binding::Math(_) => FuncType::new([ValType::F64], [ValType::F64]),
        }
    }
}

/// Every import the host provides, one line each.
#[rustfmt::skip]
const IMPORTS: [(&str, Binding); 9] = [
    ("clear_screen", Binding::Draw { params: 0, call: |_| DrawCall::Clear }),
    ("draw_player", Binding::Draw { params: 3, call: |a| DrawCall::Player { x: a[0], y: a[1], angle: a[2] } }),
    ("draw_enemy", Binding::Draw { params: 2, call: |a| DrawCall::Enemy { x: a[0], y: a[1] } }),
    ("draw_bullet", Binding::Draw { params: 2, call: |a| DrawCall::Bullet { x: a[0], y: a[1] } }),
    ("draw_particle", Binding::Draw { params: 3, call: |a| DrawCall::Particle { x: a[0], y: a[1], radius: a[2] } }),
    ("draw_score", Binding::Draw { params: 1, call: |a| DrawCall::Score(a[0]) }),
    ("sin", Binding::Math(f64::sin)),
    ("cos", Binding::Math(f64::cos)),
    ("Math_atan", Binding::Math(f64::atan)),
];

/// A key the game reacts to, through its `toggle_*` export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Shoot,
    Boost,
    TurnLeft,
    TurnRight,
}

impl Action {
    pub const ALL: [Action; 4] = [
        Action::Shoot,
        Action::Boost,
        Action::TurnLeft,
        Action::TurnRight,
    ];

    pub fn export_name(self) -> &'static str {
        match self {
            Action::Shoot => "toggle_shoot",
            Action::Boost => "toggle_boost",
            Action::TurnLeft => "toggle_turn_left",
            Action::TurnRight => "toggle_turn_right",
        }
    }
}

fn provided_imports() -> Vec<ProvidedImport> {
    IMPORTS
        .iter()
        .map(|&(name, binding)| ProvidedImport {
            module: IMPORT_MODULE,
            name,
            ty: binding.ty(),
        })
        .collect()
}

fn expected_exports() -> Vec<ExpectedExport> {
    let f64s = |n| FuncType::new(vec![ValType::F64; n], []);
    let mut exports = vec![
        ExpectedExport {
            name: "update",
            ty: f64s(1),
            required: true,
        },
        ExpectedExport {
            name: "draw",
            ty: f64s(0),
            required: true,
        },
        ExpectedExport {
            name: "resize",
            ty: f64s(2),
            required: false,
        },
    ];
    exports.extend(Action::ALL.map(|action| ExpectedExport {
        name: action.export_name(),
        ty: FuncType::new([ValType::I32], []),
        required: false,
    }));
    exports
}

/// Checks a module against the rocket contract; returns warnings for missing optional
/// exports.
pub fn check_contract(module: &Module) -> Result<Vec<String>, ContractError> {
    contract::check(module, ABI_NAME, &provided_imports(), &expected_exports())
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
}

impl GameError {
    /// The wasm backtrace of a trap, innermost first (empty for other errors).
    pub fn backtrace(&self) -> &[FrameInfo] {
        let error = match self {
            GameError::Instantiate(error) | GameError::Call { error, .. } => error,
            GameError::Contract(_) => return &[],
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
            GameError::Call { export, error: Error::Trap(trap) } => match trap.kind {
                TrapKind::OutOfFuel(budget) => write!(
                    f,
                    "out of fuel in {export} (budget {budget} instructions): the game ran too long in one call"
                ),
                _ => write!(f, "trap in {export}: {trap}"),
            },
            GameError::Call { export, error } => write!(f, "calling {export} failed: {error}"),
        }
    }
}

impl std::error::Error for GameError {}

/// The game's exports the frame loop calls.
struct Exports {
    resize: Option<Func>,
    update: Func,
    draw: Func,
    toggles: [Option<Func>; 4],
}

/// What the bindings collect while the game runs.
#[derive(Default)]
struct HostState {
    /// This frame's display list (cleared by `draw`).
    calls: Vec<DrawCall>,
    /// Calls of each import since the last [`RocketGame::take_import_calls`], by
    /// [`IMPORTS`] index.
    import_calls: [u32; IMPORTS.len()],
}

/// A running instance of a rocket-contract game: call its exports, read what it drew.
pub struct RocketGame {
    store: Store<HostState>,
    instance: Instance,
    exports: Exports,
}

impl RocketGame {
    /// Checks the contract, links the imports and instantiates (running any start
    /// function) under `limits`.
    pub fn instantiate(module: &Module, limits: Limits) -> Result<RocketGame, GameError> {
        for warning in check_contract(module).map_err(GameError::Contract)? {
            log::warn!("{warning}");
        }
        let mut store = Store::with_limits(HostState::default(), limits);
        let mut linker = Linker::new();
        for (index, (name, binding)) in IMPORTS.into_iter().enumerate() {
            linker.func(
                &mut store,
                IMPORT_MODULE,
                name,
                binding.ty(),
                move |caller, args, results| {
                    let state = caller.data_mut();
                    state.import_calls[index] += 1;
                    match binding {
                        Binding::Draw { params, call } => {
                            let mut values = [0.0; 3];
                            for (value, arg) in values.iter_mut().zip(args) {
                                *value = f64_of(arg);
                            }
                            state.calls.push(call(&values[..params]));
                        }
                        Binding::Math(function) => {
                            results[0] = Value::F64(function(f64_of(&args[0])));
                        }
                    }
                    Ok(())
                },
            );
        }
        let instance = linker
            .instantiate(&mut store, module)
            .map_err(GameError::Instantiate)?;
        let func = |name| instance.get_func(&store, name);
        // The contract check proved `update` and `draw` exist with the right types.
        let (Some(update), Some(draw)) = (func("update"), func("draw")) else {
            unreachable!("checked by check_contract");
        };
        let exports = Exports {
            resize: func("resize"),
            update,
            draw,
            toggles: Action::ALL.map(|action| func(action.export_name())),
        };
        Ok(RocketGame {
            store,
            instance,
            exports,
        })
    }

    /// Calls `resize(width, height)`: the game (re)starts on a field of that size.
    pub fn resize(&mut self, width: f64, height: f64) -> Result<(), GameError> {
        match self.exports.resize {
            Some(resize) => self.call("resize", resize, &[Value::F64(width), Value::F64(height)]),
            None => Ok(()),
        }
    }

    /// Calls `update(dt)`.
    pub fn update(&mut self, dt: f64) -> Result<(), GameError> {
        self.call("update", self.exports.update, &[Value::F64(dt)])
    }

    /// Calls `draw()` and returns the frame's display list.
    pub fn draw(&mut self) -> Result<&[DrawCall], GameError> {
        self.store.data_mut().calls.clear();
        self.call("draw", self.exports.draw, &[])?;
        Ok(&self.store.data().calls)
    }

    /// The display list of the last `draw`.
    pub fn last_draw(&self) -> &[DrawCall] {
        &self.store.data().calls
    }

    /// Calls `toggle_*(1)` when a key goes down, `toggle_*(0)` when it comes up.
    pub fn toggle(&mut self, action: Action, on: bool) -> Result<(), GameError> {
        match self.exports.toggles[action as usize] {
            Some(toggle) => self.call(action.export_name(), toggle, &[Value::I32(on as i32)]),
            None => Ok(()),
        }
    }

    /// Instructions the last export call ran.
    pub fn last_call_instructions(&self) -> u64 {
        self.store.fuel_consumed()
    }

    /// How often each import was called since the last time this was asked, by name;
    /// the counters restart at zero.
    pub fn take_import_calls(&mut self) -> Vec<(&'static str, u32)> {
        let counts = std::mem::take(&mut self.store.data_mut().import_calls);
        IMPORTS.iter().map(|(name, _)| *name).zip(counts).collect()
    }

    /// Installs (or removes) an instruction observer, e.g. a tracer.
    pub fn set_observer(&mut self, observer: Option<Box<dyn Observer>>) {
        self.store.set_observer(observer);
    }

    pub fn take_observer(&mut self) -> Option<Box<dyn Observer>> {
        self.store.take_observer()
    }

    /// The game's linear memory size in 64 KiB pages (0 if it has none).
    pub fn memory_pages(&self) -> u32 {
        self.instance
            .default_memory(&self.store)
            .map_or(0, |memory| memory.pages(&self.store))
    }

    fn call(&mut self, export: &'static str, func: Func, args: &[Value]) -> Result<(), GameError> {
        func.call(&mut self.store, args)
            .map(drop)
            .map_err(|error| GameError::Call { export, error })
    }
}

/// The linker proved every argument of a contract import is an f64.
fn f64_of(value: &Value) -> f64 {
    match value {
        Value::F64(v) => *v,
        _ => f64::NAN,
    }
}
