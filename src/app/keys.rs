//! The game's keys: the one table of keyboard keys passed to games (with their names in
//! scripts and their browser key codes), and the held-key state the frame loop diffs
//! into key events. Each ABI decides what a key means (the rocket maps Space, arrows
//! and W/A/D to its toggles; canvas games get the codes; WASM-4 carts their gamepads).
//! [`Input`] is everything a player holds: keys and controllers' buttons.

use macroquad::input::KeyCode;

use super::gamepad::{button_by_name, PadButtons, PAD_MAP, PLAYERS};

/// A key passed to games.
pub struct Key {
    /// Its name in input scripts and recordings.
    pub name: &'static str,
    pub code: KeyCode,
    /// The browser key code the game sees (`docs/canvas-abi.md`).
    pub key_code: i32,
}

macro_rules! keys {
    ($($name:literal $code:ident $key_code:literal),* $(,)?) => {
        [$(Key { name: $name, code: KeyCode::$code, key_code: $key_code }),*]
    };
}

/// Every game key. H, N, P and R are the host's (help, step, pause, restart). Tab,
/// Left Shift, `,`, `.` and the numpad keys are WASM-4's players 1–3.
pub const KEYS: [Key; 49] = keys![
    "space" Space 32, "enter" Enter 13,
    "left" Left 37, "up" Up 38, "right" Right 39, "down" Down 40,
    "a" A 65, "b" B 66, "c" C 67, "d" D 68, "e" E 69, "f" F 70, "g" G 71,
    "i" I 73, "j" J 74, "k" K 75, "l" L 76, "m" M 77, "o" O 79, "q" Q 81,
    "s" S 83, "t" T 84, "u" U 85, "v" V 86, "w" W 87, "x" X 88, "y" Y 89, "z" Z 90,
    "0" Key0 48, "1" Key1 49, "2" Key2 50, "3" Key3 51, "4" Key4 52,
    "5" Key5 53, "6" Key6 54, "7" Key7 55, "8" Key8 56, "9" Key9 57,
    "tab" Tab 9, "shift" LeftShift 16, "comma" Comma 188, "period" Period 190,
    "kp4" Kp4 100, "kp5" Kp5 101, "kp6" Kp6 102, "kp8" Kp8 104,
    "kpmultiply" KpMultiply 106, "kpsubtract" KpSubtract 109, "kpdecimal" KpDecimal 110,
];

/// The index in [`KEYS`] of the key with this script name (any case).
pub fn key_by_name(name: &str) -> Option<usize> {
    KEYS.iter().position(|k| k.name.eq_ignore_ascii_case(name))
}

/// Which game keys are held (indexed like [`KEYS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldKeys([bool; KEYS.len()]);

impl Default for HeldKeys {
    fn default() -> Self {
        HeldKeys([false; KEYS.len()])
    }
}

impl HeldKeys {
    pub fn set(&mut self, key: usize, down: bool) {
        self.0[key] = down;
    }

    pub fn is_down(&self, key: usize) -> bool {
        self.0[key]
    }

    /// The keys whose state differs from `before`: (index, now down).
    pub fn changes_since<'a>(
        &'a self,
        before: &'a HeldKeys,
    ) -> impl Iterator<Item = (usize, bool)> + 'a {
        (0..KEYS.len())
            .filter(move |&i| self.0[i] != before.0[i])
            .map(move |i| (i, self.0[i]))
    }
}

/// One thing a player holds: a key of [`KEYS`] or a button of controller `pad` (0–3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputId {
    Key(usize),
    Pad { pad: usize, button: usize },
}

impl InputId {
    /// Parses a script's name: a key (`space`) or a controller's button (`pad2 south`).
    pub fn parse(words: &[&str]) -> Option<InputId> {
        match *words {
            [key] => key_by_name(key).map(InputId::Key),
            [pad, button] => {
                let pad: usize = pad.strip_prefix("pad")?.parse().ok()?;
                let button = button_by_name(button)?;
                (1..=PLAYERS).contains(&pad).then_some(InputId::Pad {
                    pad: pad - 1,
                    button,
                })
            }
            _ => None,
        }
    }

    /// Its name in scripts.
    pub fn name(self) -> String {
        match self {
            InputId::Key(key) => KEYS[key].name.to_string(),
            InputId::Pad { pad, button } => format!("pad{} {}", pad + 1, PAD_MAP[button].name),
        }
    }
}

/// Everything held: keys and the four controllers' buttons.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Input {
    pub keys: HeldKeys,
    pub pads: [PadButtons; PLAYERS],
}

impl Input {
    pub fn set(&mut self, id: InputId, down: bool) {
        match id {
            InputId::Key(key) => self.keys.set(key, down),
            InputId::Pad { pad, button } => self.pads[pad].set(button, down),
        }
    }

    /// What differs from `before`: (what, now down).
    pub fn changes_since(&self, before: &Input) -> Vec<(InputId, bool)> {
        let keys = self
            .keys
            .changes_since(&before.keys)
            .map(|(key, down)| (InputId::Key(key), down));
        let pads = (0..PLAYERS).flat_map(|pad| {
            (0..PAD_MAP.len())
                .filter(move |&b| self.pads[pad].is_down(b) != before.pads[pad].is_down(b))
                .map(move |button| (InputId::Pad { pad, button }, self.pads[pad].is_down(button)))
        });
        keys.chain(pads).collect()
    }

    /// The keys held on the keyboard or through a controller button mapped to them.
    pub fn keys_with_pads(&self) -> HeldKeys {
        let mut keys = self.keys;
        let mapped = self
            .pads
            .iter()
            .flat_map(|pad| pad.held())
            .filter_map(|m| m.key);
        for key in mapped.filter_map(key_by_name) {
            keys.set(key, true);
        }
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_codes_and_changes() {
        assert_eq!(KEYS[key_by_name("Space").unwrap()].key_code, 32);
        assert_eq!(KEYS[key_by_name("w").unwrap()].key_code, 87);
        assert_eq!(key_by_name("r"), None, "R belongs to the host");
        let before = HeldKeys::default();
        let mut now = before;
        now.set(3, true);
        assert_eq!(now.changes_since(&before).collect::<Vec<_>>(), [(3, true)]);
        assert_eq!(before.changes_since(&now).collect::<Vec<_>>(), [(3, false)]);
    }

    #[test]
    fn inputs_parse_and_controllers_hold_keys() {
        let south = InputId::parse(&["pad2", "south"]).unwrap();
        assert_eq!(south.name(), "pad2 south");
        assert_eq!(InputId::parse(&["pad5", "south"]), None);
        assert_eq!(InputId::parse(&["pad1", "jump"]), None);
        let mut input = Input::default();
        input.set(south, true);
        let space = key_by_name("space").unwrap();
        assert!(input.keys_with_pads().is_down(space));
        assert!(!input.keys.is_down(space));
        assert_eq!(input.changes_since(&Input::default()), [(south, true)]);
    }

    #[test]
    fn the_readme_lists_every_script_key() {
        let listed: Vec<String> = KEYS.iter().map(|k| format!("`{}`", k.name)).collect();
        let listed = listed.join(", ");
        let readme = include_str!("../../README.md");
        let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            readme.contains(&listed),
            "README.md must list the script keys as: {listed}"
        );
    }

    #[test]
    fn names_and_codes_are_unique() {
        for (i, a) in KEYS.iter().enumerate() {
            for b in &KEYS[i + 1..] {
                assert_ne!(a.name, b.name);
                assert_ne!(a.key_code, b.key_code);
            }
        }
    }
}
