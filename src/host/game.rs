//! A running game, whatever its ABI: what the app's frame loop calls.

use std::time::Instant;

use super::display_list::DrawCall;
use super::instance::GameError;
use super::state::{GameState, StateError};
use crate::interp::Observer;

/// One running game instance behind one of the ABIs.
pub trait Game {
    /// The ABI's name (`rocket`, `canvas`, `wasm4`).
    fn abi(&self) -> &'static str;
    /// Starts the game on a field of this size (the rocket's `resize`, the canvas's
    /// `init`, a WASM-4 cart's `start`); called once on a fresh instance.
    fn start(&mut self, width: f64, height: f64) -> Result<(), GameError>;
    fn update(&mut self, dt: f64) -> Result<(), GameError>;
    /// `update(dt)`, but a call into the game still running at `deadline` pauses there
    /// and goes on at the next `update_until` (only WASM-4 carts pause: their updates
    /// may be long); whether the update finished.
    fn update_until(&mut self, dt: f64, _deadline: Instant) -> Result<bool, GameError> {
        self.update(dt).map(|()| true)
    }
    /// While a paused update waits to go on: the units of fuel it has spent so far.
    fn busy(&self) -> Option<u64> {
        None
    }
    /// Calls the game's draw export and returns the frame's display list.
    fn draw(&mut self) -> Result<&[DrawCall], GameError>;
    /// The display list of the last `draw`.
    fn last_draw(&self) -> &[DrawCall];
    /// A key (browser key code, see `docs/canvas-abi.md`) went down or up.
    fn key(&mut self, code: i32, down: bool) -> Result<(), GameError>;
    /// The mouse is at (`x`, `y`) in field units with `buttons` held (1 left, 2 right,
    /// 4 middle). Only WASM-4 carts see the mouse; other ABIs ignore it.
    fn mouse(&mut self, _x: f64, _y: f64, _buttons: u8) {}
    /// Whether the game reads gamepads (WASM-4's four) rather than keys: controllers then
    /// reach it through [`Game::set_controllers`] instead of as keys.
    fn has_gamepads(&self) -> bool {
        false
    }
    /// The buttons (WASM-4 gamepad bits) held on controllers 1–4.
    fn set_controllers(&mut self, _buttons: [u8; 4]) {}
    /// The game's whole state, to go on from later with [`Game::load_state`].
    fn save_state(&self) -> Result<GameState, StateError>;
    /// Goes on from `state` (saved by this module under the same contract), or changes
    /// nothing and says why not.
    fn load_state(&mut self, state: &GameState) -> Result<(), StateError>;
    fn last_call_instructions(&self) -> u64;
    fn take_import_calls(&mut self) -> Vec<(&'static str, u32)>;
    fn memory_pages(&self) -> u64;
    fn set_observer(&mut self, observer: Option<Box<dyn Observer>>);
    fn take_observer(&mut self) -> Option<Box<dyn Observer>>;
    /// Runs the game's calls one WebAssembly instruction at a time under `watcher`
    /// (`None`: normally); WASM-4 updates that pause for time run normally.
    fn set_watcher(&mut self, watcher: Option<Box<dyn crate::interp::Watcher>>);
    fn take_watcher(&mut self) -> Option<Box<dyn crate::interp::Watcher>>;
    /// Whether the watcher may pause this game's calls ([`GameError::Stopped`]) for the
    /// window's machine view: each of its frame's parts (a key, `update`, `draw`) is
    /// one call with nothing after it, so a frame can stop inside one and go on later.
    /// Not WASM-4 carts, whose updates run in fuel slices, several in a frame.
    fn steppable(&self) -> bool {
        false
    }
    /// Goes on with the call the watcher paused: `Ok` once it has returned (or if none
    /// is paused), [`GameError::Stopped`] if it paused again.
    fn resume_call(&mut self) -> Result<(), GameError>;
    /// The call the watcher paused: its export, the stepper where it stands, memory 0.
    fn stopped_call(&self) -> Option<(&'static str, &crate::interp::Stepper, &[u8])>;
}

/// Implements the [`Game`] methods that only forward to the `inner` [`GameInstance`](super::instance::GameInstance)
/// (`but_instructions`: all but `last_call_instructions`).
macro_rules! forward_to_instance {
    () => {
        fn last_call_instructions(&self) -> u64 {
            self.inner.last_call_instructions()
        }
        forward_to_instance!(but_instructions);
    };
    (but_instructions) => {
        fn last_draw(&self) -> &[DrawCall] {
            self.inner.last_draw()
        }
        fn take_import_calls(&mut self) -> Vec<(&'static str, u32)> {
            self.inner.take_import_calls()
        }
        fn memory_pages(&self) -> u64 {
            self.inner.memory_pages()
        }
        fn set_observer(&mut self, observer: Option<Box<dyn crate::interp::Observer>>) {
            self.inner.set_observer(observer)
        }
        fn take_observer(&mut self) -> Option<Box<dyn crate::interp::Observer>> {
            self.inner.take_observer()
        }
        fn set_watcher(&mut self, watcher: Option<Box<dyn crate::interp::Watcher>>) {
            self.inner.set_watcher(watcher)
        }
        fn take_watcher(&mut self) -> Option<Box<dyn crate::interp::Watcher>> {
            self.inner.take_watcher()
        }
        fn resume_call(&mut self) -> Result<(), GameError> {
            self.inner.resume_call()
        }
        fn stopped_call(&self) -> Option<(&'static str, &crate::interp::Stepper, &[u8])> {
            self.inner.stopped_call()
        }
    };
}
pub(crate) use forward_to_instance;
