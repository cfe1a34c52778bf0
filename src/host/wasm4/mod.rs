//! WASM-4 cartridges (wasm4.org): carts that import a 64 KiB `env.memory` laid out as
//! WASM-4's [`memory_map`], draw into its 160×160, 4-colour framebuffer with the
//! [`imports`], and export `update` (60 times a second) and optionally `start`. The
//! frame shown is the framebuffer through the palette, as one [`DrawCall::Framebuffer`].
//!
//! - [`memory_map`]: addresses and start-up values; [`guest`]: safe reads of memory.
//! - [`framebuffer`], [`sprite`], [`text`] with [`font`]: the pixel rules.
//! - [`io`]: traces and the disk; [`input`]: keys to the gamepad.

pub mod font;
pub mod framebuffer;
pub mod guest;
pub mod imports;
pub mod input;
pub mod io;
pub mod memory_map;
pub mod sprite;
pub mod text;
pub mod tone;

use std::path::Path;

use super::contract::{ContractError, ExpectedExport};
use super::display_list::DrawCall;
use super::game::{forward_to_instance, Game};
use super::instance::{GameError, GameInstance, HostMemory, IMPORT_MODULE, MEMORY_IMPORT};
use super::state::{ContractState, GameState, StateError};
use crate::interp::{ExternType, Func, FuncType, Limits, Limits32, MemoryType, Module};
use framebuffer::Screen;
use imports::Wasm4State;
use input::Gamepad;
use io::Disk;
use memory_map::{
    CART_MEMORY, GAMEPAD1, HEIGHT, MOUSE_BUTTONS, MOUSE_X, MOUSE_Y, SYSTEM_FLAGS, WIDTH,
};

/// The ABI's name in messages and `--abi`.
pub const ABI_NAME: &str = "wasm4";
/// The play field: the screen, in pixels.
pub const FIELD: (f64, f64) = (WIDTH as f64, HEIGHT as f64);
/// Seconds per `update`.
const FRAME: f64 = 1.0 / 60.0;
/// The most updates one host frame runs: a slow host slows the cart down instead of
/// falling ever further behind.
const MAX_UPDATES_PER_FRAME: u32 = 4;

/// Imports only WASM-4 carts use: a module importing one of them is a cart.
pub const DISTINCT_IMPORTS: [&str; 15] = [
    "blit",
    "blitSub",
    "hline",
    "vline",
    "oval",
    "rect",
    "textUtf8",
    "textUtf16",
    "tone",
    "diskr",
    "diskw",
    "trace",
    "traceUtf8",
    "traceUtf16",
    "tracef",
];

/// Whether `module` looks like a WASM-4 cart: it imports `env.memory` or one of
/// WASM-4's own functions.
pub fn is_cart(module: &Module) -> bool {
    imports_memory(module)
        || module.imports().iter().any(|import| {
            import.module == IMPORT_MODULE && DISTINCT_IMPORTS.contains(&import.name.as_str())
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
        ty: MemoryType {
            limits: Limits32 {
                min: 1,
                max: Some(1),
            },
        },
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
    /// The first update follows `start` without clearing the screen.
    first_frame: bool,
    gamepad: Gamepad,
    /// Buttons held on controllers 1–4 (added to the keyboard's players).
    controllers: [u8; 4],
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
            &imports::imports(),
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
            first_frame: true,
            gamepad: Gamepad::default(),
            controllers: [0; 4],
        })
    }

    /// GAMEPAD1–4: the keyboard's players and the controllers.
    fn write_gamepads(&mut self) {
        let buttons: [u8; 4] = std::array::from_fn(|player| {
            let keyboard = if player < input::KEYBOARD_PLAYERS {
                self.gamepad.buttons(player)
            } else {
                0
            };
            keyboard | self.controllers[player]
        });
        self.inner.memory_data_mut()[GAMEPAD1..GAMEPAD1 + 4].copy_from_slice(&buttons);
    }

    /// One WASM-4 frame: clear the screen (unless this is the first frame or the cart
    /// asked to keep it), then `update`.
    fn frame(&mut self) -> Result<(), GameError> {
        let memory = self.inner.memory_data_mut();
        let preserve = memory[SYSTEM_FLAGS] & memory_map::SYSTEM_PRESERVE_FRAMEBUFFER != 0;
        if !self.first_frame && !preserve {
            Screen::new(memory).clear();
        }
        self.first_frame = false;
        self.inner.call("update", self.update, &[])
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
    /// call), at most [`MAX_UPDATES_PER_FRAME`].
    fn update(&mut self, dt: f64) -> Result<(), GameError> {
        // A little slack, so that 1/60 s steps summed in floating point still count.
        const SLACK: f64 = 1e-9;
        self.pending += dt.max(0.0);
        let mut updates = 0;
        while self.pending + SLACK >= FRAME && updates < MAX_UPDATES_PER_FRAME {
            self.frame()?;
            self.pending = (self.pending - FRAME).max(0.0);
            updates += 1;
        }
        if updates == MAX_UPDATES_PER_FRAME {
            // After a stall the cart goes on from now rather than catching up.
            self.pending = 0.0;
        }
        Ok(())
    }

    /// The screen, then the tones played since the last frame.
    fn draw(&mut self) -> Result<&[DrawCall], GameError> {
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

    /// MOUSE_X and MOUSE_Y get the pixel under the mouse (off the screen too, as far
    /// as an i16 reaches), MOUSE_BUTTONS the buttons.
    fn mouse(&mut self, x: f64, y: f64, buttons: u8) {
        let memory = self.inner.memory_data_mut();
        let pixel =
            |v: f64| (v.floor().clamp(i16::MIN as f64, i16::MAX as f64) as i16).to_le_bytes();
        memory[MOUSE_X..MOUSE_X + 2].copy_from_slice(&pixel(x));
        memory[MOUSE_Y..MOUSE_Y + 2].copy_from_slice(&pixel(y));
        memory[MOUSE_BUTTONS] = buttons;
    }

    fn key(&mut self, code: i32, down: bool) -> Result<(), GameError> {
        if self.gamepad.key(code, down) {
            self.write_gamepads();
        }
        Ok(())
    }

    fn has_gamepads(&self) -> bool {
        true
    }

    fn set_controllers(&mut self, buttons: [u8; 4]) {
        if buttons != self.controllers {
            self.controllers = buttons;
            self.write_gamepads();
        }
    }

    fn save_state(&self) -> Result<GameState, StateError> {
        let (instance, calls) = self.inner.save_state()?;
        let host = ContractState::Wasm4 {
            disk: self.inner.state().disk.bytes().to_vec(),
            pending: self.pending,
            first_frame: self.first_frame,
            keys: self.gamepad.held(),
            controllers: self.controllers,
        };
        Ok(GameState {
            instance,
            calls,
            host,
        })
    }

    /// The disk comes back in memory; its file is written at the cart's next `diskw`
    /// (as in WASM-4's player).
    fn load_state(&mut self, state: &GameState) -> Result<(), StateError> {
        let ContractState::Wasm4 {
            disk,
            pending,
            first_frame,
            keys,
            controllers,
        } = &state.host
        else {
            return Err(StateError::other_contract(&state.host, ABI_NAME));
        };
        self.inner.load_state(&state.instance, &state.calls)?;
        self.inner.state_mut().disk.restore(disk);
        self.pending = *pending;
        self.first_frame = *first_frame;
        self.gamepad = Gamepad::with_held(*keys);
        self.controllers = *controllers;
        Ok(())
    }

    forward_to_instance!();
}
