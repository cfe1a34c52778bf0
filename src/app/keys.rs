//! The game's keys: the one table that maps keyboard keys to game actions, and the
//! held-key state that turns key changes into action toggles.

use macroquad::input::KeyCode;

use crate::host::Action;

/// A key the game listens to: its name in input scripts, its keyboard key, its action.
pub struct Key {
    pub name: &'static str,
    pub code: KeyCode,
    pub action: Action,
}

/// Every game key. Several keys may drive one action.
#[rustfmt::skip]
pub const KEYS: [Key; 7] = [
    Key { name: "space", code: KeyCode::Space, action: Action::Shoot },
    Key { name: "up", code: KeyCode::Up, action: Action::Boost },
    Key { name: "w", code: KeyCode::W, action: Action::Boost },
    Key { name: "left", code: KeyCode::Left, action: Action::TurnLeft },
    Key { name: "a", code: KeyCode::A, action: Action::TurnLeft },
    Key { name: "right", code: KeyCode::Right, action: Action::TurnRight },
    Key { name: "d", code: KeyCode::D, action: Action::TurnRight },
];

/// The index in [`KEYS`] of the key with this script name (any case).
pub fn key_by_name(name: &str) -> Option<usize> {
    KEYS.iter().position(|k| k.name.eq_ignore_ascii_case(name))
}

/// Which game keys are held (indexed like [`KEYS`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HeldKeys([bool; KEYS.len()]);

impl HeldKeys {
    pub fn set(&mut self, key: usize, down: bool) {
        self.0[key] = down;
    }

    pub fn is_down(&self, key: usize) -> bool {
        self.0[key]
    }

    /// An action is on while any of its keys is held.
    pub fn action_held(&self, action: Action) -> bool {
        KEYS.iter()
            .zip(self.0)
            .any(|(key, down)| down && key.action == action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_action_stays_held_while_any_of_its_keys_is() {
        let mut held = HeldKeys::default();
        let left = key_by_name("left").unwrap();
        let a = key_by_name("A").unwrap();
        held.set(left, true);
        held.set(a, true);
        held.set(left, false);
        assert!(held.action_held(Action::TurnLeft));
        held.set(a, false);
        assert!(!held.action_held(Action::TurnLeft));
        assert!(!held.action_held(Action::Shoot));
    }
}
