//! Save states of a running game: the instance's state ([`Snapshot`]: memories, globals,
//! tables, dropped segments), the display list it last drew, and what its contract's
//! host keeps beside the instance ([`ContractState`]). A [`Game`](super::Game) captures
//! one with `save_state` and goes on from one with `load_state`, exactly as it went on
//! from the moment of the capture.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::display_list::DrawCall;
use crate::interp::{Snapshot, SnapshotError};

/// A game's whole state between two frames.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GameState {
    pub instance: Snapshot,
    /// The display list of the last `draw` (what the window shows).
    pub calls: Vec<DrawCall>,
    pub host: ContractState,
}

/// What each contract's host keeps outside the instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ContractState {
    /// The key codes held down (each action toggles on its first key and off its last).
    Rocket { held: Vec<i32> },
    /// The colour `set_color` set and the `random` generator's state.
    Canvas { color: u32, rng: u64 },
    /// The disk's bytes (the framebuffer and frame counter are in the cart's memory),
    /// the time not yet run as updates, and the input the host writes before each update:
    /// the keyboard keys and controllers held, the mouse's pixel and buttons.
    Wasm4 {
        disk: Vec<u8>,
        pending: f64,
        keys: u32,
        controllers: [u8; 4],
        mouse: (i16, i16, u8),
    },
}

impl ContractState {
    fn contract(&self) -> &'static str {
        match self {
            ContractState::Rocket { .. } => super::rocket::ABI_NAME,
            ContractState::Canvas { .. } => super::canvas::ABI_NAME,
            ContractState::Wasm4 { .. } => super::wasm4::ABI_NAME,
        }
    }
}

/// Why a state cannot be saved or loaded.
#[derive(Debug, Clone, PartialEq)]
pub enum StateError {
    Snapshot(SnapshotError),
    /// The state was saved by a game of another contract.
    OtherContract {
        saved: &'static str,
        running: &'static str,
    },
    /// The game is in the middle of a call (an update running over several frames).
    Busy,
}

impl StateError {
    /// The error of loading `state` into a game of contract `running`.
    pub fn other_contract(state: &ContractState, running: &'static str) -> StateError {
        StateError::OtherContract {
            saved: state.contract(),
            running,
        }
    }
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StateError::Snapshot(error) => write!(f, "{error}"),
            StateError::OtherContract { saved, running } => write!(
                f,
                "the state was saved by a {saved} game; this one runs the {running} contract"
            ),
            StateError::Busy => {
                f.write_str("the game is in the middle of an update: save when it has finished")
            }
        }
    }
}

impl std::error::Error for StateError {}

impl From<SnapshotError> for StateError {
    fn from(error: SnapshotError) -> Self {
        StateError::Snapshot(error)
    }
}
