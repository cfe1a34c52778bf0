//! Keys to WASM-4's gamepad 1, as the official native runtime maps them: X, V, K or
//! Space for button 1; Z, C, Y, W or J for button 2; the arrows for the d-pad.

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

#[cfg(test)]
mod tests {
    use super::*;

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
