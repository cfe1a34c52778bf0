//! The host side of a game: the bindings of each game ABI's imports, the checks of its
//! contract, and the per-frame display list the bindings fill.
//!
//! Plain data only: nothing here knows about macroquad or windows. The app renders the
//! display list; tests record it.

pub mod canvas;
pub mod contract;
pub mod display_list;
pub mod game;
pub mod instance;
pub mod rocket;
pub mod state;
pub mod wasm4;
pub mod work;

use std::path::Path;

use anyhow::{bail, Result};

pub use display_list::DrawCall;
pub use game::Game;
pub use instance::GameError;
pub use rocket::{Action, RocketGame};

use crate::interp::{Limits, Module};

/// The game contracts wasmcade hosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Abi {
    Rocket,
    Canvas,
    Wasm4,
}

impl Abi {
    pub const NAMES: &'static str = "rocket, canvas, wasm4";

    pub fn by_name(name: &str) -> Result<Abi> {
        match name {
            rocket::ABI_NAME => Ok(Abi::Rocket),
            canvas::ABI_NAME => Ok(Abi::Canvas),
            wasm4::ABI_NAME => Ok(Abi::Wasm4),
            other => bail!("no contract named `{other}` (contracts: {})", Abi::NAMES),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Abi::Rocket => rocket::ABI_NAME,
            Abi::Canvas => canvas::ABI_NAME,
            Abi::Wasm4 => wasm4::ABI_NAME,
        }
    }

    /// The play field the contract fixes (a WASM-4 screen is 160×160), if it does.
    pub fn fixed_field(self) -> Option<(f64, f64)> {
        match self {
            Abi::Wasm4 => Some(wasm4::FIELD),
            Abi::Rocket | Abi::Canvas => None,
        }
    }

    /// The contract a module was written for, from its imports: an imported
    /// `env.memory` or one of WASM-4's own functions makes it a WASM-4 cart; one of the
    /// canvas contract's own imports a canvas game; otherwise it is taken for a rocket
    /// game (whose contract check then names anything that does not fit).
    pub fn detect(module: &Module) -> Abi {
        if wasm4::is_cart(module) {
            return Abi::Wasm4;
        }
        let imports = |names: &[&str]| {
            module
                .imports()
                .iter()
                .any(|i| i.module == instance::IMPORT_MODULE && names.contains(&i.name.as_str()))
        };
        if imports(&canvas::DISTINCT_IMPORTS) && !imports(&rocket::DISTINCT_IMPORTS) {
            Abi::Canvas
        } else {
            Abi::Rocket
        }
    }

    /// Instantiates `module` as a game of this contract; `seed` seeds the canvas
    /// contract's `random`, `file` (where the module came from) places a cart's disk.
    pub fn instantiate(
        self,
        module: &Module,
        limits: Limits,
        seed: u64,
        file: Option<&Path>,
    ) -> Result<Box<dyn Game>, GameError> {
        Ok(match self {
            Abi::Rocket => Box::new(RocketGame::instantiate(module, limits)?),
            Abi::Canvas => Box::new(canvas::CanvasGame::instantiate(module, limits, seed)?),
            Abi::Wasm4 => Box::new(wasm4::Wasm4Game::instantiate(module, limits, file)?),
        })
    }
}
