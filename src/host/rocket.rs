//! The rocket contract (see the README's "Loading another game"): its imports bound to
//! display-list draw calls and f64 math, its exports called by the frame loop, and the
//! game keys mapped to its `toggle_*` exports.

use std::rc::Rc;

use super::contract::ExpectedExport;
use super::display_list::DrawCall;
use super::game::{forward_to_instance, Game};
use super::instance::{record, Binding as ImportBinding, GameError, GameInstance, ImportDef};
use super::state::{ContractState, GameState, StateError};
use crate::interp::{Func, FuncType, Limits, Module, ValType, Value};

/// The ABI's name in messages and `--abi`.
pub const ABI_NAME: &str = "rocket";

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

/// The names only this contract imports: a module importing one of them is a rocket game.
pub const DISTINCT_IMPORTS: [&str; 7] = [
    "clear_screen",
    "draw_player",
    "draw_enemy",
    "draw_bullet",
    "draw_particle",
    "draw_score",
    "Math_atan",
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

    /// What the action does, for the help overlay.
    pub fn help(self) -> &'static str {
        match self {
            Action::Shoot => "shoot",
            Action::Boost => "boost",
            Action::TurnLeft => "turn left",
            Action::TurnRight => "turn right",
        }
    }

    pub fn export_name(self) -> &'static str {
        match self {
            Action::Shoot => "toggle_shoot",
            Action::Boost => "toggle_boost",
            Action::TurnLeft => "toggle_turn_left",
            Action::TurnRight => "toggle_turn_right",
        }
    }
}

/// The keys (browser key codes) of each action: Space shoots, Up or W boosts, Left or A
/// and Right or D turn.
#[rustfmt::skip]
pub const ACTION_KEYS: [(i32, Action); 7] = [
    (32, Action::Shoot),
    (38, Action::Boost), (87, Action::Boost),
    (37, Action::TurnLeft), (65, Action::TurnLeft),
    (39, Action::TurnRight), (68, Action::TurnRight),
];

fn imports() -> Vec<ImportDef<()>> {
    IMPORTS
        .iter()
        .map(|&(name, binding)| match binding {
            // Raw bits: these run about a hundred times a frame. The arguments are f64s.
            Binding::Draw { params, call } => ImportDef {
                name,
                ty: FuncType::new(vec![ValType::F64; params], []),
                bind: ImportBinding::Raw(Rc::new(move |caller, bits| {
                    let values = [0, 1, 2].map(|i| bits.get(i).map_or(0.0, |&b| f64::from_bits(b)));
                    record(caller, name, call(&values[..params]))
                })),
            },
            Binding::Math(function) => ImportDef {
                name,
                ty: FuncType::new([ValType::F64], [ValType::F64]),
                bind: ImportBinding::Raw(Rc::new(move |_, bits| {
                    bits[0] = function(f64::from_bits(bits[0])).to_bits();
                    Ok(())
                })),
            },
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

/// The game's exports the frame loop calls.
struct Exports {
    resize: Option<Func>,
    update: Func,
    draw: Func,
    toggles: [Option<Func>; 4],
}

/// A running instance of a rocket-contract game: call its exports, read what it drew.
pub struct RocketGame {
    inner: GameInstance<()>,
    exports: Exports,
    /// Key codes held down, for the toggles' edges.
    held: Vec<i32>,
}

impl RocketGame {
    /// Checks the contract, links the imports and instantiates (running any start
    /// function) under `limits`.
    pub fn instantiate(module: &Module, limits: Limits) -> Result<RocketGame, GameError> {
        let inner = GameInstance::instantiate(
            module,
            ABI_NAME,
            &imports(),
            None,
            &expected_exports(),
            limits,
            (),
        )?;
        let exports = Exports {
            resize: inner.func("resize"),
            update: inner.required_func("update"),
            draw: inner.required_func("draw"),
            toggles: Action::ALL.map(|action| inner.func(action.export_name())),
        };
        Ok(RocketGame {
            inner,
            exports,
            held: Vec::new(),
        })
    }

    /// Calls `resize(width, height)`: the game (re)starts on a field of that size.
    pub fn resize(&mut self, width: f64, height: f64) -> Result<(), GameError> {
        match self.exports.resize {
            Some(resize) => {
                self.inner
                    .call("resize", resize, &[Value::F64(width), Value::F64(height)])
            }
            None => Ok(()),
        }
    }

    /// Calls `toggle_*(1)` when an action starts, `toggle_*(0)` when it stops.
    pub fn toggle(&mut self, action: Action, on: bool) -> Result<(), GameError> {
        match self.exports.toggles[action as usize] {
            Some(toggle) => self
                .inner
                .call(action.export_name(), toggle, &[Value::I32(on as i32)]),
            None => Ok(()),
        }
    }

    fn action_held(&self, action: Action) -> bool {
        ACTION_KEYS
            .iter()
            .any(|&(code, a)| a == action && self.held.contains(&code))
    }
}

impl Game for RocketGame {
    fn abi(&self) -> &'static str {
        ABI_NAME
    }

    fn start(&mut self, width: f64, height: f64) -> Result<(), GameError> {
        self.resize(width, height)
    }

    fn update(&mut self, dt: f64) -> Result<(), GameError> {
        self.inner
            .call("update", self.exports.update, &[Value::F64(dt)])
    }

    fn draw(&mut self) -> Result<&[DrawCall], GameError> {
        self.inner.draw("draw", self.exports.draw)
    }

    /// An action toggles when its first key goes down and when its last key comes up.
    fn key(&mut self, code: i32, down: bool) -> Result<(), GameError> {
        let Some(&(_, action)) = ACTION_KEYS.iter().find(|(c, _)| *c == code) else {
            return Ok(());
        };
        let was = self.action_held(action);
        self.held.retain(|&held| held != code);
        if down {
            self.held.push(code);
        }
        let now = self.action_held(action);
        if now != was {
            self.toggle(action, now)?;
        }
        Ok(())
    }

    fn save_state(&self) -> Result<GameState, StateError> {
        let (instance, calls) = self.inner.save_state()?;
        let host = ContractState::Rocket {
            held: self.held.clone(),
        };
        Ok(GameState {
            instance,
            calls,
            host,
        })
    }

    fn load_state(&mut self, state: &GameState) -> Result<(), StateError> {
        let ContractState::Rocket { held } = &state.host else {
            return Err(StateError::other_contract(&state.host, ABI_NAME));
        };
        self.inner.load_state(&state.instance, &state.calls)?;
        self.held.clone_from(held);
        Ok(())
    }

    fn steppable(&self) -> bool {
        true
    }

    forward_to_instance!();
}
