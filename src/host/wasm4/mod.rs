//! WASM-4 cartridges (wasm4.org): carts that import a 64 KiB `env.memory` laid out as
//! WASM-4's [`memory_map`], draw into its 160×160, 4-colour framebuffer with the
//! [`imports`], and export `update` (60 times a second) and optionally `start`. The
//! frame shown is the framebuffer through the palette, as one [`DrawCall::Framebuffer`].
//! WASM-4's web runtime is the reference, to the pixel.
//!
//! - [`memory_map`]: addresses and start-up values; [`guest`]: reads of memory.
//! - [`imports`]: the import table; [`link`]: binding it with the cart's declared types.
//! - [`framebuffer`], [`sprite`], [`text`] with [`font`]: the pixel rules.
//! - [`io`]: traces and the disk; [`input`]: keys, controllers and mouse; [`tone`]: sound.
//! - [`slices`]: long updates run in slices of fuel between host frames.

pub mod font;
pub mod framebuffer;
pub mod guest;
pub mod imports;
pub mod input;
pub mod io;
pub mod link;
pub mod memory_map;
pub mod slices;
pub mod sprite;
pub mod text;
pub mod tone;

use std::path::Path;
use std::time::Instant;

use super::contract::{ContractError, ExpectedExport};
use super::display_list::DrawCall;
use super::game::{forward_to_instance, Game};
use super::instance::{GameError, GameInstance, HostMemory, IMPORT_MODULE, MEMORY_IMPORT};
use super::state::{ContractState, GameState, StateError};
use crate::interp::{ExternType, Func, FuncType, Limits, MemoryType, Module, SizeLimits};
use framebuffer::Screen;
use imports::Wasm4State;
use input::{Gamepad, Input};
use io::Disk;
use memory_map::{CART_MEMORY, HEIGHT, SYSTEM_FLAGS, WIDTH};
use slices::Outcome;

/// The ABI's name in messages and `--abi`.
pub const ABI_NAME: &str = "wasm4";
/// The play field: the screen, in pixels.
pub const FIELD: (f64, f64) = (WIDTH as f64, HEIGHT as f64);
/// The fuel `wasmcade play` gives each call into a cart by default: units of work
/// (wasm instructions, and pixels or bytes of the imports' work). A call that spends
/// it all without returning is taken for a hang (a few seconds of work here).
pub const DEFAULT_FUEL: u64 = 2_000_000_000;
/// Seconds per `update`.
const FRAME: f64 = 1.0 / 60.0;
/// The most updates one host frame runs: a slow host slows the cart down instead of
/// falling ever further behind.
const MAX_UPDATES_PER_FRAME: u32 = 4;

/// Whether `module` looks like a WASM-4 cart: it imports `env.memory` or one of
/// WASM-4's own functions.
pub fn is_cart(module: &Module) -> bool {
    imports_memory(module)
        || module.imports().iter().any(|import| {
            import.module == IMPORT_MODULE
                && imports::by_name(&import.name).is_some_and(|import| import.names_a_cart)
        })
}

/// Whether `module` imports `env.memory` (rather than having a memory of its own).
fn imports_memory(module: &Module) -> bool {
    module.imports().iter().any(|import| {
        import.module == IMPORT_MODULE
            && import.name == MEMORY_IMPORT
            && matches!(import.ty, ExternType::Memory(_))
    })
}

fn expected_exports() -> Vec<ExpectedExport> {
    let ty = FuncType::new([], []);
    vec![
        ExpectedExport {
            name: "update",
            ty: ty.clone(),
            required: true,
        },
        ExpectedExport {
            name: "start",
            ty,
            required: false,
        },
    ]
}

/// The memory WASM-4 gives a cart: one page, with the start-up values.
fn cart_memory() -> HostMemory {
    HostMemory {
        ty: MemoryType::new(SizeLimits {
            min: 1,
            max: Some(1),
        }),
        init: memory_map::reset,
    }
}

/// A running WASM-4 cart.
pub struct Wasm4Game {
    inner: GameInstance<Wasm4State>,
    update: Func,
    start: Option<Func>,
    /// Host seconds not yet run as updates.
    pending: f64,
    input: Input,
    /// An update paused between host frames, to go on at the next.
    paused: Option<slices::Paused>,
    /// Fuel spent by the updates of the last `update` (0 once drawn: drawing runs no
    /// cart code).
    work: u64,
}

impl Wasm4Game {
    /// Links the imports and the cart's memory, instantiates under `limits` and runs
    /// `_start`/`_initialize` if the cart has one. A cart from the file `cart` keeps
    /// its disk beside it (`CART.disk`); without one the disk lasts as long as the game.
    pub fn instantiate(
        module: &Module,
        limits: Limits,
        cart: Option<&Path>,
    ) -> Result<Wasm4Game, GameError> {
        let state = Wasm4State {
            disk: Disk::open(cart.map(|cart| cart.with_extension("disk"))),
            tones: Vec::new(),
        };
        let mut inner = GameInstance::instantiate(
            module,
            ABI_NAME,
            &link::bindings(module),
            Some(cart_memory()),
            &expected_exports(),
            limits,
            state,
        )?;
        let memory = inner.memory_data_mut();
        if memory.len() < CART_MEMORY {
            return Err(GameError::Contract(ContractError {
                abi: ABI_NAME,
                problems: vec![format!(
                    "the cart's memory has {} bytes; WASM-4 carts need one page (64 KiB), imported as env.memory",
                    memory.len()
                )],
            }));
        }
        if !imports_memory(module) {
            // A cart with a memory of its own gets the start-up values written into it.
            memory_map::reset(memory);
        }
        for name in ["_start", "_initialize"] {
            if let Some(func) = inner.func(name) {
                inner.call(name, func, &[])?;
            }
        }
        Ok(Wasm4Game {
            update: inner.required_func("update"),
            start: inner.func("start"),
            inner,
            pending: 0.0,
            input: Input::default(),
            paused: None,
            work: 0,
        })
    }

    /// Runs the updates `dt` makes due, pausing one still running at `deadline` (if
    /// any); whether they all finished.
    fn advance(&mut self, dt: f64, deadline: Option<Instant>) -> Result<bool, GameError> {
        if let Some(paused) = self.paused.take() {
            // The time that passes while an update runs is not made up for.
            return self.finish(|inner, budget| slices::resume(inner, paused, budget, deadline));
        }
        // A little slack, so that 1/60 s steps summed in floating point still count.
        const SLACK: f64 = 1e-9;
        self.work = 0;
        self.pending += dt.max(0.0);
        let mut updates = 0;
        while self.pending + SLACK >= FRAME && updates < MAX_UPDATES_PER_FRAME {
            self.pending = (self.pending - FRAME).max(0.0);
            updates += 1;
            if !self.frame(deadline)? {
                self.pending = 0.0;
                return Ok(false);
            }
        }
        if updates == MAX_UPDATES_PER_FRAME {
            // After a stall the cart goes on from now rather than catching up.
            self.pending = 0.0;
        }
        Ok(true)
    }

    /// One WASM-4 frame, as its web runtime runs it: the input written into memory, the
    /// screen cleared (unless the cart asked to keep it), then `update`.
    fn frame(&mut self, deadline: Option<Instant>) -> Result<bool, GameError> {
        let memory = self.inner.memory_data_mut();
        self.input.write(memory);
        if memory[SYSTEM_FLAGS] & memory_map::SYSTEM_PRESERVE_FRAMEBUFFER == 0 {
            Screen::new(memory).clear();
        }
        let update = self.update;
        self.finish(|inner, budget| slices::call(inner, "update", update, budget, deadline))
    }

    /// Runs an update with `run` (given the fuel budget of a call), or to its end when
    /// calls are unmetered; whether it finished.
    fn finish(
        &mut self,
        run: impl FnOnce(&mut GameInstance<Wasm4State>, u64) -> Result<Outcome, GameError>,
    ) -> Result<bool, GameError> {
        let Some(budget) = self.inner.fuel_budget() else {
            self.inner.call("update", self.update, &[])?;
            return Ok(true);
        };
        match run(&mut self.inner, budget)? {
            Outcome::Finished(spent) => {
                self.work += spent;
                Ok(true)
            }
            Outcome::Paused(paused) => {
                self.paused = Some(paused);
                Ok(false)
            }
        }
    }
}

impl Game for Wasm4Game {
    fn abi(&self) -> &'static str {
        ABI_NAME
    }

    /// Calls `start`; the screen is always 160×160, whatever the field.
    fn start(&mut self, _width: f64, _height: f64) -> Result<(), GameError> {
        match self.start {
            Some(start) => self.inner.call("start", start, &[]),
            None => Ok(()),
        }
    }

    /// Runs one `update` for every 1/60 s of `dt` (the rest carried over to the next
    /// call), at most [`MAX_UPDATES_PER_FRAME`]; a paused one first goes on to its end.
    fn update(&mut self, dt: f64) -> Result<(), GameError> {
        self.advance(dt, None).map(drop)
    }

    /// [`Game::update`], pausing an update still running at `deadline`.
    fn update_until(&mut self, dt: f64, deadline: Instant) -> Result<bool, GameError> {
        self.advance(dt, Some(deadline))
    }

    fn busy(&self) -> Option<u64> {
        self.paused.as_ref().map(|paused| paused.spent)
    }

    /// The screen, then the tones played since the last frame.
    fn draw(&mut self) -> Result<&[DrawCall], GameError> {
        self.work = 0;
        let memory = self.inner.memory_data();
        let frame = DrawCall::Framebuffer {
            width: WIDTH as u16,
            height: HEIGHT as u16,
            palette: memory_map::palette(memory),
            pixels: memory_map::pixels(memory),
        };
        let tones = std::mem::take(&mut self.inner.state_mut().tones);
        let calls = std::iter::once(frame).chain(tones.into_iter().map(
            |[frequency, duration, volume, flags]| DrawCall::Tone {
                frequency,
                duration,
                volume,
                flags,
            },
        ));
        Ok(self.inner.show(calls.collect()))
    }

    /// The pixel under the mouse and its buttons, for MOUSE_X, MOUSE_Y and MOUSE_BUTTONS
    /// before the next update.
    fn mouse(&mut self, x: f64, y: f64, buttons: u8) {
        self.input.set_mouse(x, y, buttons);
    }

    /// The keyboard's gamepads, for the next update.
    fn key(&mut self, code: i32, down: bool) -> Result<(), GameError> {
        self.input.gamepad.key(code, down);
        Ok(())
    }

    fn has_gamepads(&self) -> bool {
        true
    }

    /// Controllers 1–4, for the next update.
    fn set_controllers(&mut self, buttons: [u8; 4]) {
        self.input.controllers = buttons;
    }

    fn save_state(&self) -> Result<GameState, StateError> {
        if self.paused.is_some() {
            return Err(StateError::Busy);
        }
        let (instance, calls) = self.inner.save_state()?;
        let host = ContractState::Wasm4 {
            disk: self.inner.state().disk.bytes().to_vec(),
            pending: self.pending,
            keys: self.input.gamepad.held(),
            controllers: self.input.controllers,
            mouse: self.input.mouse,
        };
        Ok(GameState {
            instance,
            calls,
            host,
        })
    }

    /// The disk comes back in memory; its file is written at the cart's next `diskw`
    /// (as in WASM-4's player). An update running over several frames is abandoned.
    fn load_state(&mut self, state: &GameState) -> Result<(), StateError> {
        let ContractState::Wasm4 {
            disk,
            pending,
            keys,
            controllers,
            mouse,
        } = &state.host
        else {
            return Err(StateError::other_contract(&state.host, ABI_NAME));
        };
        self.inner.load_state(&state.instance, &state.calls)?;
        self.inner.state_mut().disk.restore(disk);
        self.pending = *pending;
        self.paused = None;
        self.input = Input {
            gamepad: Gamepad::with_held(*keys),
            controllers: *controllers,
            mouse: *mouse,
        };
        Ok(())
    }

    /// Fuel spent by the last update's calls (wasm instructions and the imports' work).
    fn last_call_instructions(&self) -> u64 {
        self.work
    }

    forward_to_instance!(but_instructions);
}
