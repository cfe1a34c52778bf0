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
}

impl Abi {
    pub const NAMES: &'static str = "rocket, canvas";

    pub fn by_name(name: &str) -> Result<Abi> {
        match name {
            rocket::ABI_NAME => Ok(Abi::Rocket),
            canvas::ABI_NAME => Ok(Abi::Canvas),
            other => bail!("no contract named `{other}` (contracts: {})", Abi::NAMES),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Abi::Rocket => rocket::ABI_NAME,
            Abi::Canvas => canvas::ABI_NAME,
        }
    }

    /// The contract a module was written for, from its imports: one of the canvas
    /// contract's own imports makes it a canvas game; otherwise it is taken for a
    /// rocket game (whose contract check then names anything that does not fit).
    pub fn detect(module: &Module) -> Abi {
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

    /// Instantiates `module` as a game of this contract.
    pub fn instantiate(
        self,
        module: &Module,
        limits: Limits,
        seed: u64,
    ) -> Result<Box<dyn Game>, GameError> {
        Ok(match self {
            Abi::Rocket => Box::new(RocketGame::instantiate(module, limits)?),
            Abi::Canvas => Box::new(canvas::CanvasGame::instantiate(module, limits, seed)?),
        })
    }
}
