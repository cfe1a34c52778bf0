//! The controller mapping: one table of a controller's buttons (as the Linux kernel names
//! a gamepad's: `Documentation/input/gamepad.rst`), what each is called in scripts and the
//! help, the game key it presses in rocket and canvas games, and the WASM-4 button it
//! presses (as WASM-4's web player maps a standard gamepad). [`PadButtons`] holds one
//! controller's buttons; [`pad_buttons`] reads them from a device's raw state.

use crate::host::wasm4::input::{
    BUTTON_1, BUTTON_2, BUTTON_DOWN, BUTTON_LEFT, BUTTON_RIGHT, BUTTON_UP,
};

/// Controllers played at once (WASM-4's four gamepads).
pub const PLAYERS: usize = 4;

/// A direction of an absolute axis that counts as a press.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pull {
    /// A stick or hat pushed past half way towards its minimum.
    Negative,
    /// ... towards its maximum.
    Positive,
    /// A trigger pulled past half way.
    Trigger,
}

/// One controller button and what it does.
pub struct PadMapping {
    /// Its name in scripts and recordings (`12 pad1 south down`).
    pub name: &'static str,
    /// How the help and the README name it.
    pub label: &'static str,
    /// The kernel's key codes (`BTN_*`) that press it.
    pub codes: &'static [u16],
    /// The kernel's absolute axes (`ABS_*`) that press it, and which way.
    pub axes: &'static [(u16, Pull)],
    /// The game key (a name in [`KEYS`](super::keys::KEYS)) it holds in rocket and
    /// canvas games.
    pub key: Option<&'static str>,
    /// The WASM-4 gamepad bits it holds (0: none).
    pub wasm4: u8,
}

// The kernel's codes (linux/input-event-codes.h).
const BTN_SOUTH: u16 = 0x130;
const BTN_EAST: u16 = 0x131;
const BTN_NORTH: u16 = 0x133;
const BTN_WEST: u16 = 0x134;
const BTN_TL: u16 = 0x136;
const BTN_TR: u16 = 0x137;
const BTN_TL2: u16 = 0x138;
const BTN_TR2: u16 = 0x139;
const BTN_SELECT: u16 = 0x13a;
const BTN_START: u16 = 0x13b;
const BTN_DPAD_UP: u16 = 0x220;
const BTN_DPAD_DOWN: u16 = 0x221;
const BTN_DPAD_LEFT: u16 = 0x222;
const BTN_DPAD_RIGHT: u16 = 0x223;
const ABS_X: u16 = 0x00;
const ABS_Y: u16 = 0x01;
const ABS_Z: u16 = 0x02;
const ABS_RZ: u16 = 0x05;
const ABS_HAT0X: u16 = 0x10;
const ABS_HAT0Y: u16 = 0x11;

/// The kernel's code of the button every gamepad has: what makes a device a gamepad.
pub const GAMEPAD_BUTTON: u16 = BTN_SOUTH;

use Pull::{Negative, Positive, Trigger};

/// Every controller button, in help order. The d-pad and the left stick are one; the
/// face buttons are named by their place (south is Xbox A, PlayStation Cross).
#[rustfmt::skip]
pub const PAD_MAP: [PadMapping; 14] = [
    PadMapping { name: "up", label: "d-pad or left stick up", codes: &[BTN_DPAD_UP], axes: &[(ABS_HAT0Y, Negative), (ABS_Y, Negative)], key: Some("up"), wasm4: BUTTON_UP },
    PadMapping { name: "down", label: "d-pad or left stick down", codes: &[BTN_DPAD_DOWN], axes: &[(ABS_HAT0Y, Positive), (ABS_Y, Positive)], key: Some("down"), wasm4: BUTTON_DOWN },
    PadMapping { name: "left", label: "d-pad or left stick left", codes: &[BTN_DPAD_LEFT], axes: &[(ABS_HAT0X, Negative), (ABS_X, Negative)], key: Some("left"), wasm4: BUTTON_LEFT },
    PadMapping { name: "right", label: "d-pad or left stick right", codes: &[BTN_DPAD_RIGHT], axes: &[(ABS_HAT0X, Positive), (ABS_X, Positive)], key: Some("right"), wasm4: BUTTON_RIGHT },
    PadMapping { name: "south", label: "A / Cross", codes: &[BTN_SOUTH], axes: &[], key: Some("space"), wasm4: BUTTON_1 },
    PadMapping { name: "east", label: "B / Circle", codes: &[BTN_EAST], axes: &[], key: Some("up"), wasm4: BUTTON_2 },
    PadMapping { name: "west", label: "X / Square", codes: &[BTN_WEST], axes: &[], key: Some("enter"), wasm4: BUTTON_2 },
    PadMapping { name: "north", label: "Y / Triangle", codes: &[BTN_NORTH], axes: &[], key: Some("w"), wasm4: BUTTON_1 },
    PadMapping { name: "lb", label: "left shoulder", codes: &[BTN_TL], axes: &[], key: None, wasm4: BUTTON_2 },
    PadMapping { name: "rb", label: "right shoulder", codes: &[BTN_TR], axes: &[], key: None, wasm4: BUTTON_1 },
    PadMapping { name: "lt", label: "left trigger", codes: &[BTN_TL2], axes: &[(ABS_Z, Trigger)], key: None, wasm4: BUTTON_2 },
    PadMapping { name: "rt", label: "right trigger", codes: &[BTN_TR2], axes: &[(ABS_RZ, Trigger)], key: Some("space"), wasm4: BUTTON_1 },
    PadMapping { name: "start", label: "Start / Options", codes: &[BTN_START], axes: &[], key: Some("enter"), wasm4: 0 },
    PadMapping { name: "select", label: "Back / Share", codes: &[BTN_SELECT], axes: &[], key: None, wasm4: 0 },
];

impl PadMapping {
    /// What it presses in rocket and canvas games, as the help says it.
    pub fn key_help(&self) -> &'static str {
        self.key.unwrap_or("-")
    }

    /// What it presses on a WASM-4 gamepad, as the help says it.
    pub fn wasm4_help(&self) -> &'static str {
        match self.wasm4 {
            BUTTON_1 => "X button",
            BUTTON_2 => "Z button",
            BUTTON_UP => "up",
            BUTTON_DOWN => "down",
            BUTTON_LEFT => "left",
            BUTTON_RIGHT => "right",
            _ => "-",
        }
    }
}

/// The mapping as the README's table rows: `| button | script name | key | WASM-4 |`.
pub fn markdown_rows() -> Vec<String> {
    PAD_MAP
        .iter()
        .map(|m| {
            format!(
                "| {} | `{}` | {} | {} |",
                m.label,
                m.name,
                m.key_help(),
                m.wasm4_help()
            )
        })
        .collect()
}

/// The index in [`PAD_MAP`] of the button with this script name (any case).
pub fn button_by_name(name: &str) -> Option<usize> {
    PAD_MAP
        .iter()
        .position(|b| b.name.eq_ignore_ascii_case(name))
}

/// Which buttons of one controller are held (bit i: `PAD_MAP[i]`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PadButtons(pub u16);

impl PadButtons {
    pub fn set(&mut self, button: usize, down: bool) {
        if down {
            self.0 |= 1 << button;
        } else {
            self.0 &= !(1 << button);
        }
    }

    pub fn is_down(&self, button: usize) -> bool {
        self.0 & (1 << button) != 0
    }

    /// The held buttons' rows of [`PAD_MAP`].
    pub fn held(self) -> impl Iterator<Item = &'static PadMapping> {
        PAD_MAP
            .iter()
            .enumerate()
            .filter(move |&(i, _)| self.is_down(i))
            .map(|(_, mapping)| mapping)
    }

    /// The WASM-4 gamepad byte these buttons hold.
    pub fn wasm4(self) -> u8 {
        self.held().fold(0, |bits, mapping| bits | mapping.wasm4)
    }
}

/// One axis as the kernel reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Axis {
    pub code: u16,
    pub value: i32,
    pub minimum: i32,
    pub maximum: i32,
}

impl Axis {
    /// Whether the axis is pushed (or pulled) past half way `pull`'s way.
    fn pulled(&self, pull: Pull) -> bool {
        let range = self.maximum as f64 - self.minimum as f64;
        if range <= 0.0 {
            return false;
        }
        let unit = (self.value as f64 - self.minimum as f64) / range;
        match pull {
            Negative => unit < 0.25,
            Positive => unit > 0.75,
            Trigger => unit > 0.5,
        }
    }
}

/// The buttons held on a device whose held key codes are `codes` and whose axes are
/// `axes` (the web player's rule: a stick counts past half way from its centre).
pub fn pad_buttons(codes: &[u16], axes: &[Axis]) -> PadButtons {
    let mut buttons = PadButtons::default();
    for (i, mapping) in PAD_MAP.iter().enumerate() {
        let pressed = mapping.codes.iter().any(|code| codes.contains(code))
            || mapping.axes.iter().any(|&(code, pull)| {
                axes.iter()
                    .any(|axis| axis.code == code && axis.pulled(pull))
            });
        buttons.set(i, pressed);
    }
    buttons
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::keys::key_by_name;

    fn names(buttons: PadButtons) -> Vec<&'static str> {
        buttons.held().map(|mapping| mapping.name).collect()
    }

    #[test]
    fn buttons_sticks_hats_and_triggers_map_to_buttons() {
        let stick = |code, value| Axis {
            code,
            value,
            minimum: -32768,
            maximum: 32767,
        };
        let centred = [stick(ABS_X, 0), stick(ABS_Y, -100)];
        assert_eq!(names(pad_buttons(&[], &centred)), Vec::<&str>::new());
        let pushed = [stick(ABS_X, 30000), stick(ABS_Y, -20000)];
        assert_eq!(
            names(pad_buttons(&[BTN_SOUTH], &pushed)),
            ["up", "right", "south"]
        );
        let hat = Axis {
            code: ABS_HAT0X,
            value: -1,
            minimum: -1,
            maximum: 1,
        };
        let trigger = Axis {
            code: ABS_RZ,
            value: 200,
            minimum: 0,
            maximum: 255,
        };
        let held = pad_buttons(&[BTN_EAST, BTN_DPAD_DOWN], &[hat, trigger]);
        assert_eq!(names(held), ["down", "left", "east", "rt"]);
        assert_eq!(
            held.wasm4(),
            BUTTON_DOWN | BUTTON_LEFT | BUTTON_2 | BUTTON_1
        );
    }

    #[test]
    fn the_readme_shows_the_table() {
        let readme = include_str!("../../README.md");
        for row in markdown_rows() {
            assert!(readme.contains(&row), "README.md lacks the row `{row}`");
        }
    }

    #[test]
    fn the_table_names_real_keys_once() {
        for (i, mapping) in PAD_MAP.iter().enumerate() {
            assert_eq!(button_by_name(mapping.name), Some(i));
            if let Some(key) = mapping.key {
                assert!(key_by_name(key).is_some(), "{key} is no game key");
            }
        }
    }
}
