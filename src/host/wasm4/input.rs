//! The input WASM-4's host writes into memory before every update: gamepad 1 from the
//! keys, as the official runtimes map them (X, V, K or Space for button 1; Z, C, Y, W or
//! J for button 2; the arrows for the d-pad), gamepads 2–4 never pressed, and the mouse.

use super::memory_map::{GAMEPAD1, GAMEPADS, MOUSE_BUTTONS, MOUSE_X, MOUSE_Y};

/// Gamepad bits.
pub const BUTTON_1: u8 = 1;
pub const BUTTON_2: u8 = 2;
pub const BUTTON_LEFT: u8 = 16;
pub const BUTTON_RIGHT: u8 = 32;
pub const BUTTON_UP: u8 = 64;
pub const BUTTON_DOWN: u8 = 128;

/// Browser key codes and the button each presses.
const KEYS: [(i32, u8); 13] = [
    (88, BUTTON_1),
    (86, BUTTON_1),
    (75, BUTTON_1),
    (32, BUTTON_1),
    (90, BUTTON_2),
    (67, BUTTON_2),
    (89, BUTTON_2),
    (87, BUTTON_2),
    (74, BUTTON_2),
    (37, BUTTON_LEFT),
    (39, BUTTON_RIGHT),
    (38, BUTTON_UP),
    (40, BUTTON_DOWN),
];

/// Which of the gamepad's keys are held (a button stays down while any of its keys is).
#[derive(Debug, Default, Clone, Copy)]
pub struct Gamepad {
    held: u16,
}

impl Gamepad {
    /// Notes a key going down or up; false if it is not a gamepad key.
    pub fn key(&mut self, code: i32, down: bool) -> bool {
        let Some(index) = KEYS.iter().position(|&(key, _)| key == code) else {
            return false;
        };
        if down {
            self.held |= 1 << index;
        } else {
            self.held &= !(1 << index);
        }
        true
    }

    /// The gamepad byte.
    pub fn buttons(&self) -> u8 {
        KEYS.iter()
            .enumerate()
            .filter(|&(index, _)| self.held & (1 << index) != 0)
            .fold(0, |buttons, (_, &(_, button))| buttons | button)
    }
}

/// The gamepads and the mouse as the host last saw them. The mouse starts at (0, 0)
/// with no buttons: what WASM-4's web app writes until the mouse moves over it.
#[derive(Debug, Default, Clone, Copy)]
pub struct Input {
    pub gamepad: Gamepad,
    mouse: (i16, i16, u8),
}

impl Input {
    /// The mouse is over pixel (`x`, `y`) (off the screen too, as far as an i16
    /// reaches) with `buttons` held (1 left, 2 right, 4 middle).
    pub fn set_mouse(&mut self, x: f64, y: f64, buttons: u8) {
        let pixel = |v: f64| v.floor().clamp(i16::MIN as f64, i16::MAX as f64) as i16;
        self.mouse = (pixel(x), pixel(y), buttons);
    }

    /// Writes the gamepads and the mouse into the cart's memory, over whatever the cart
    /// left there.
    pub fn write(&self, memory: &mut [u8]) {
        memory[GAMEPAD1..GAMEPAD1 + GAMEPADS].copy_from_slice(&[self.gamepad.buttons(), 0, 0, 0]);
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
        input.set_mouse(-3.5, 1e9, 4);
        input.write(&mut memory);
        assert_eq!(&memory[GAMEPAD1..GAMEPAD1 + 4], &[BUTTON_1, 0, 0, 0]);
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
        assert_eq!(pad.buttons(), BUTTON_1 | BUTTON_DOWN);
        pad.key(88, false);
        assert_eq!(
            pad.buttons(),
            BUTTON_1 | BUTTON_DOWN,
            "Space still holds it"
        );
        pad.key(32, false);
        assert!(!pad.key(13, true), "Enter is no gamepad key");
        assert_eq!(pad.buttons(), BUTTON_DOWN);
    }
}
