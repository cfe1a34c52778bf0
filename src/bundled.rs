//! The games built into the binary, so `wasmcade` plays them from any directory:
//! `wasmcade play NAME` (when no file of that name exists), `wasmcade list`.

/// A game compiled to wasm and committed under `games/NAME/program.wasm`.
pub struct BundledGame {
    pub name: &'static str,
    pub about: &'static str,
    pub wasm: &'static [u8],
}

/// Every bundled game; the first is the default.
pub const GAMES: [BundledGame; 2] = [
    BundledGame {
        name: "rocket",
        about: "fly, turn and shoot the enemies that chase you (the rocket contract)",
        wasm: include_bytes!("../games/rocket/program.wasm"),
    },
    BundledGame {
        name: "breakout",
        about: "clear the wall of bricks with the ball and paddle (the canvas contract)",
        wasm: include_bytes!("../games/breakout/program.wasm"),
    },
];

/// The bundled game called `name`.
pub fn by_name(name: &str) -> Option<&'static BundledGame> {
    GAMES.iter().find(|game| game.name == name)
}

/// The game `wasmcade` plays with no argument.
pub fn default_game() -> &'static BundledGame {
    &GAMES[0]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::Module;

    #[test]
    fn the_rocket_module_exports_exactly_what_the_original_exports() {
        let module = Module::new(by_name("rocket").unwrap().wasm).unwrap();
        let exports: Vec<String> = module
            .exports()
            .iter()
            .map(|export| format!("{} {}", export.name, export.ty))
            .collect();
        assert_eq!(
            exports,
            [
                "memory (memory 17)",
                "resize (func (param f64 f64))",
                "update (func (param f64))",
                "draw (func)",
                "toggle_shoot (func (param i32))",
                "toggle_boost (func (param i32))",
                "toggle_turn_left (func (param i32))",
                "toggle_turn_right (func (param i32))",
            ]
        );
    }
}
