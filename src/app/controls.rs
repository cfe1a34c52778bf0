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
}

pub struct Control {
    pub keys: &'static [KeyCode],
    /// How the help overlay names the keys.
    pub label: &'static str,
    pub command: Command,
    pub help: &'static str,
}

#[rustfmt::skip]
pub const CONTROLS: [Control; 16] = [
    Control { keys: &[KeyCode::Escape], label: "Esc", command: Command::Quit, help: "quit" },
    Control { keys: &[KeyCode::R], label: "R", command: Command::Restart, help: "restart from a fresh instance" },
    Control { keys: &[KeyCode::P], label: "P", command: Command::Pause, help: "pause / resume" },
    Control { keys: &[KeyCode::N], label: "N", command: Command::StepFrame, help: "one frame while paused" },
    Control { keys: &[KeyCode::Minus], label: "-", command: Command::Slower, help: "slower (down to 0.1x)" },
    Control { keys: &[KeyCode::Equal, KeyCode::KpAdd], label: "+", command: Command::Faster, help: "faster (up to 4x)" },
    Control { keys: &[KeyCode::F1], label: "F1", command: Command::ToggleHud, help: "HUD: fps, frame times, instructions, host calls" },
    Control { keys: &[KeyCode::F2], label: "F2", command: Command::ToggleInfo, help: "the module's imports and exports" },
    Control { keys: &[KeyCode::H, KeyCode::Slash], label: "H or ?", command: Command::ToggleHelp, help: "this help" },
    Control { keys: &[KeyCode::F11], label: "F11, Alt+Enter", command: Command::Fullscreen, help: "full screen" },
    Control { keys: &[KeyCode::F12], label: "F12", command: Command::Screenshot, help: "save a screenshot (PNG)" },
    Control { keys: &[KeyCode::F10], label: "F10", command: Command::RecordGif, help: "save the last 4 seconds as a GIF" },
    Control { keys: &[KeyCode::F5], label: "F5 (WASM-4: 2)", command: Command::SaveState, help: "save the game's state in the slot" },
    Control { keys: &[KeyCode::F9], label: "F9 (WASM-4: 4)", command: Command::LoadState, help: "load the game's state from the slot" },
    Control { keys: &[KeyCode::F6], label: "F6", command: Command::PreviousSlot, help: "previous save slot (1-4)" },
    Control { keys: &[KeyCode::F7], label: "F7", command: Command::NextSlot, help: "next save slot" },
];

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
