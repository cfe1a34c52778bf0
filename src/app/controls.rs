//! The host's own keys (the game's are in [`super::keys`]): one table, read by the
//! window loop and listed by the help overlay.

use macroquad::input::{is_key_down, is_key_pressed, KeyCode};

/// What a host key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Quit,
    Restart,
    Pause,
    StepFrame,
    Slower,
    Faster,
    ToggleHud,
    ToggleInfo,
    ToggleHelp,
    Fullscreen,
    Screenshot,
    SaveState,
    LoadState,
    PreviousSlot,
    NextSlot,
    RecordGif,
    MachineView,
    ToggleProfile,
}

pub struct Control {
    pub keys: &'static [KeyCode],
    /// How the help overlay names the keys.
    pub label: &'static str,
    pub command: Command,
    pub help: &'static str,
}

#[rustfmt::skip]
pub const CONTROLS: [Control; 18] = [
    Control { keys: &[KeyCode::Escape], label: "Esc", command: Command::Quit, help: "quit" },
    Control { keys: &[KeyCode::R], label: "R", command: Command::Restart, help: "restart from a fresh instance" },
    Control { keys: &[KeyCode::P], label: "P", command: Command::Pause, help: "pause / resume" },
    Control { keys: &[KeyCode::N], label: "N", command: Command::StepFrame, help: "one frame while paused" },
    Control { keys: &[KeyCode::Minus], label: "-", command: Command::Slower, help: "slower (down to 0.1x)" },
    Control { keys: &[KeyCode::Equal, KeyCode::KpAdd], label: "+", command: Command::Faster, help: "faster (up to 4x)" },
    Control { keys: &[KeyCode::F1], label: "F1", command: Command::ToggleHud, help: "HUD: fps, frame times, instructions, host calls" },
    Control { keys: &[KeyCode::F2], label: "F2", command: Command::ToggleInfo, help: "the module's imports and exports" },
    Control { keys: &[KeyCode::F3], label: "F3", command: Command::MachineView, help: "machine view: the game stepped in WebAssembly (F3 again: play on)" },
    Control { keys: &[KeyCode::F4], label: "F4", command: Command::ToggleProfile, help: "profile: wasm instructions per function this frame" },
    Control { keys: &[KeyCode::H, KeyCode::Slash], label: "H or ?", command: Command::ToggleHelp, help: "this help" },
    Control { keys: &[KeyCode::F11], label: "F11, Alt+Enter", command: Command::Fullscreen, help: "full screen" },
    Control { keys: &[KeyCode::F12], label: "F12", command: Command::Screenshot, help: "save a screenshot (PNG)" },
    Control { keys: &[KeyCode::F10], label: "F10", command: Command::RecordGif, help: "save the last 4 seconds as a GIF" },
    Control { keys: &[KeyCode::F5], label: "F5 (WASM-4: 2)", command: Command::SaveState, help: "save the game's state in the slot" },
    Control { keys: &[KeyCode::F9], label: "F9 (WASM-4: 4)", command: Command::LoadState, help: "load the game's state from the slot" },
    Control { keys: &[KeyCode::F6], label: "F6", command: Command::PreviousSlot, help: "previous save slot (1-4)" },
    Control { keys: &[KeyCode::F7], label: "F7", command: Command::NextSlot, help: "next save slot" },
];

/// What a key does in the machine view (see [`super::machine`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewCommand {
    Step,
    Over,
    Out,
    EndOfFrame,
    Continue,
    Breakpoint,
    TypeBreakpoint,
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
}

/// A key of the machine view.
pub struct ViewKey {
    pub keys: &'static [KeyCode],
    pub label: &'static str,
    pub command: ViewCommand,
    /// The help overlay's word for it.
    pub word: &'static str,
    /// The README's words for it.
    pub help: &'static str,
}

/// The machine view's keys, read while it is open (the game's keys are not); the
/// help overlay and the README list them.
#[rustfmt::skip]
pub const VIEW_KEYS: [ViewKey; 12] = [
    ViewKey { keys: &[KeyCode::S], label: "S", command: ViewCommand::Step, word: "step", help: "step one instruction (into calls)" },
    ViewKey { keys: &[KeyCode::O], label: "O", command: ViewCommand::Over, word: "over", help: "step over a call" },
    ViewKey { keys: &[KeyCode::U], label: "U", command: ViewCommand::Out, word: "out", help: "step out of the function" },
    ViewKey { keys: &[KeyCode::E], label: "E", command: ViewCommand::EndOfFrame, word: "end of frame", help: "run to the end of the frame" },
    ViewKey { keys: &[KeyCode::C], label: "C", command: ViewCommand::Continue, word: "continue", help: "play on until a breakpoint" },
    ViewKey { keys: &[KeyCode::B], label: "B", command: ViewCommand::Breakpoint, word: "break", help: "breakpoint on the function (or the callee) at the cursor" },
    ViewKey { keys: &[KeyCode::T], label: "T", command: ViewCommand::TypeBreakpoint, word: "type", help: "type a breakpoint: a function or an import (Enter)" },
    ViewKey { keys: &[KeyCode::Up], label: "Up", command: ViewCommand::Up, word: "listing", help: "cursor up the listing" },
    ViewKey { keys: &[KeyCode::Down], label: "Down", command: ViewCommand::Down, word: "listing", help: "cursor down the listing" },
    ViewKey { keys: &[KeyCode::PageUp], label: "PgUp", command: ViewCommand::PageUp, word: "page", help: "cursor a page up" },
    ViewKey { keys: &[KeyCode::PageDown], label: "PgDn", command: ViewCommand::PageDown, word: "page", help: "cursor a page down" },
    ViewKey { keys: &[KeyCode::Home], label: "Home", command: ViewCommand::Home, word: "current", help: "cursor back to the current instruction" },
];

/// The machine view's commands whose keys went down this frame.
pub fn view_pressed() -> Vec<ViewCommand> {
    VIEW_KEYS
        .iter()
        .filter(|key| key.keys.iter().any(|&k| is_key_pressed(k)))
        .map(|key| key.command)
        .collect()
}

/// The keys WASM-4's player saves and loads states with, host keys for carts (whose
/// gamepads have no digits).
const WASM4_STATE_KEYS: [(KeyCode, Command); 2] = [
    (KeyCode::Key2, Command::SaveState),
    (KeyCode::Key4, Command::LoadState),
];

/// The time scales `-` and `+` step through.
pub const TIME_SCALES: [f64; 7] = [0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 4.0];
/// Index of 1.0 in [`TIME_SCALES`].
pub const NORMAL_SPEED: usize = 3;

/// The commands whose keys went down this frame (with WASM-4's 2 and 4 for a cart).
pub fn pressed(wasm4: bool) -> Vec<Command> {
    let mut commands: Vec<Command> = CONTROLS
        .iter()
        .filter(|control| control.keys.iter().any(|&key| is_key_pressed(key)))
        .map(|control| control.command)
        .collect();
    if wasm4 {
        commands.extend(
            WASM4_STATE_KEYS
                .iter()
                .filter(|&&(key, _)| is_key_pressed(key))
                .map(|&(_, command)| command),
        );
    }
    let alt = is_key_down(KeyCode::LeftAlt) || is_key_down(KeyCode::RightAlt);
    if alt && is_key_pressed(KeyCode::Enter) {
        commands.push(Command::Fullscreen);
    }
    commands
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_lists_every_host_and_view_key() {
        let readme = include_str!("../../README.md");
        for key in &VIEW_KEYS {
            let row = format!("| {} | {} |", key.label, key.help);
            assert!(readme.contains(&row), "README.md must have the row {row}");
        }
        for label in ["F3", "F4"] {
            assert!(
                readme.contains(&format!("| {label} | ")),
                "{label} in README.md"
            );
        }
    }

    #[test]
    fn view_keys_do_not_clash_with_host_keys() {
        for view in &VIEW_KEYS {
            for control in &CONTROLS {
                for key in view.keys {
                    assert!(
                        !control.keys.contains(key),
                        "{} is {}",
                        view.label,
                        control.label
                    );
                }
            }
        }
    }
}
