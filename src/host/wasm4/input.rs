//! The input WASM-4's host writes into memory before every update: the gamepads from
//! the keys and the controllers, and the mouse. Keyboard player 1 as the official native
//! runtime maps it (X, V, K or Space for button 1; Z, C, Y, W or J for button 2; the
//! arrows for the d-pad) plus the web player's `.` and `,`; players 2 and 3 as the web
//! player maps them (wasm4.org "Multiplayer"): E S D F and A or Q, Tab or Left Shift;
//! numpad 8 4 5 6 and numpad `*` or `.`, numpad `-` (the web player's numpad Enter is
//! left out: its key code is Enter's).

use super::memory_map::{GAMEPAD1, GAMEPADS, MOUSE_BUTTONS, MOUSE_X, MOUSE_Y};

/// Gamepad bits.
pub const BUTTON_1: u8 = 1;
pub const BUTTON_2: u8 = 2;
pub const BUTTON_LEFT: u8 = 16;
pub const BUTTON_RIGHT: u8 = 32;
pub const BUTTON_UP: u8 = 64;
pub const BUTTON_DOWN: u8 = 128;

/// Players the keyboard plays for.
pub const KEYBOARD_PLAYERS: usize = 3;

/// Browser key codes, the player (0–2) and the button each presses.
#[rustfmt::skip]
const KEYS: [(i32, usize, u8); 30] = [
    (88, 0, BUTTON_1), (86, 0, BUTTON_1), (75, 0, BUTTON_1), (32, 0, BUTTON_1), (190, 0, BUTTON_1),
    (90, 0, BUTTON_2), (67, 0, BUTTON_2), (89, 0, BUTTON_2), (87, 0, BUTTON_2), (74, 0, BUTTON_2),
    (188, 0, BUTTON_2),
    (37, 0, BUTTON_LEFT), (39, 0, BUTTON_RIGHT), (38, 0, BUTTON_UP), (40, 0, BUTTON_DOWN),
    (65, 1, BUTTON_1), (81, 1, BUTTON_1), (9, 1, BUTTON_2), (16, 1, BUTTON_2),
    (83, 1, BUTTON_LEFT), (70, 1, BUTTON_RIGHT), (69, 1, BUTTON_UP), (68, 1, BUTTON_DOWN),
    (106, 2, BUTTON_1), (110, 2, BUTTON_1), (109, 2, BUTTON_2),
    (100, 2, BUTTON_LEFT), (102, 2, BUTTON_RIGHT), (104, 2, BUTTON_UP), (101, 2, BUTTON_DOWN),
];

/// Which of the gamepads' keys are held (a button stays down while any of its keys is).
#[derive(Debug, Default, Clone, Copy)]
pub struct Gamepad {
    held: u32,
}

impl Gamepad {
    /// Notes a key going down or up; false if it is not a gamepad key.
    pub fn key(&mut self, code: i32, down: bool) -> bool {
        let Some(index) = KEYS.iter().position(|&(key, _, _)| key == code) else {
            return false;
        };
        if down {
            self.held |= 1 << index;
        } else {
            self.held &= !(1 << index);
        }
        true
    }

    /// The gamepad byte of `player` (0–2).
    pub fn buttons(&self, player: usize) -> u8 {
        KEYS.iter()
            .enumerate()
            .filter(|&(index, &(_, of, _))| of == player && self.held & (1 << index) != 0)
            .fold(0, |buttons, (_, &(_, _, button))| buttons | button)
    }

    /// The keys held, one bit per key of the table (for save states).
    pub fn held(&self) -> u32 {
        self.held
    }

    /// The keyboard with the keys `held` (as [`Gamepad::held`] gave them).
    pub fn with_held(held: u32) -> Gamepad {
        Gamepad { held }
    }
}

/// The gamepads and the mouse as the host last saw them. The mouse starts at (0, 0)
/// with no buttons: what WASM-4's web app writes until the mouse moves over it.
#[derive(Debug, Default, Clone, Copy)]
pub struct Input {
    /// The keyboard's players.
    pub gamepad: Gamepad,
    /// Buttons held on controllers 1–4 (added to the keyboard's players).
    pub controllers: [u8; GAMEPADS],
    /// The pixel under the mouse and its buttons.
    pub mouse: (i16, i16, u8),
}

impl Input {
    /// The mouse is over pixel (`x`, `y`) (off the screen too, as far as an i16
    /// reaches) with `buttons` held (1 left, 2 right, 4 middle).
    pub fn set_mouse(&mut self, x: f64, y: f64, buttons: u8) {
        let pixel = |v: f64| v.floor().clamp(i16::MIN as f64, i16::MAX as f64) as i16;
        self.mouse = (pixel(x), pixel(y), buttons);
    }

    /// GAMEPAD1–4: the keyboard's players and the controllers.
    pub fn gamepads(&self) -> [u8; GAMEPADS] {
        std::array::from_fn(|player| {
            let keyboard = if player < KEYBOARD_PLAYERS {
                self.gamepad.buttons(player)
            } else {
                0
            };
            keyboard | self.controllers[player]
        })
    }

    /// Writes the gamepads and the mouse into the cart's memory, over whatever the cart
    /// left there.
    pub fn write(&self, memory: &mut [u8]) {
        memory[GAMEPAD1..GAMEPAD1 + GAMEPADS].copy_from_slice(&self.gamepads());
        let (x, y, buttons) = self.mouse;
        memory[MOUSE_X..MOUSE_X + 2].copy_from_slice(&x.to_le_bytes());
        memory[MOUSE_Y..MOUSE_Y + 2].copy_from_slice(&y.to_le_bytes());
        memory[MOUSE_BUTTONS] = buttons;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_overwrites_what_the_cart_left_in_the_gamepads_and_the_mouse() {
        let mut memory = vec![0xaa; 0x20];
        let mut input = Input::default();
        input.write(&mut memory);
        assert_eq!(&memory[GAMEPAD1..MOUSE_BUTTONS + 1], &[0; 9]);
        input.gamepad.key(88, true);
        input.controllers[3] = BUTTON_2;
        input.set_mouse(-3.5, 1e9, 4);
        input.write(&mut memory);
        assert_eq!(&memory[GAMEPAD1..GAMEPAD1 + 4], &[BUTTON_1, 0, 0, BUTTON_2]);
        assert_eq!(&memory[MOUSE_X..MOUSE_X + 4], &[0xfc, 0xff, 0xff, 0x7f]);
        assert_eq!(memory[MOUSE_BUTTONS], 4);
        assert_eq!(memory[0x1f], 0xaa, "the system flags are the cart's");
    }

    #[test]
    fn keys_press_buttons_until_the_last_of_their_keys_is_up() {
        let mut pad = Gamepad::default();
        assert!(pad.key(88, true));
        assert!(pad.key(32, true));
        assert!(pad.key(40, true));
        assert_eq!(pad.buttons(0), BUTTON_1 | BUTTON_DOWN);
        pad.key(88, false);
        assert_eq!(
            pad.buttons(0),
            BUTTON_1 | BUTTON_DOWN,
            "Space still holds it"
        );
        pad.key(32, false);
        assert!(!pad.key(13, true), "Enter is no gamepad key");
        assert_eq!(pad.buttons(0), BUTTON_DOWN);
    }

    #[test]
    fn players_two_and_three_have_their_own_keys() {
        let mut pad = Gamepad::default();
        for code in [69, 9, 104, 106] {
            assert!(pad.key(code, true));
        }
        assert_eq!(pad.buttons(0), 0);
        assert_eq!(pad.buttons(1), BUTTON_UP | BUTTON_2, "E and Tab");
        assert_eq!(pad.buttons(2), BUTTON_UP | BUTTON_1, "numpad 8 and *");
        assert_eq!(Gamepad::with_held(pad.held()).buttons(2), pad.buttons(2));
        let codes: Vec<i32> = KEYS.iter().map(|&(code, _, _)| code).collect();
        assert!(
            codes
                .iter()
                .enumerate()
                .all(|(i, c)| !codes[i + 1..].contains(c)),
            "each key presses one button"
        );
    }
}
