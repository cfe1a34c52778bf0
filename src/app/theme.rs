//! How the rocket contract's draw calls look: one table of shapes and colours per theme
//! (`--theme`).

use macroquad::color::Color;

/// A circle's look: filled, or a ring of the given line width.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Round {
    pub color: Color,
    pub radius: f32,
    /// `None` fills the circle; `Some(width)` draws a ring.
    pub ring: Option<f32>,
}

/// How `draw_player` looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PlayerLook {
    /// The rocket triangle (0,-8) (20,0) (0,8), rotated by the angle.
    Rocket(Color),
    /// A circle that ignores the angle.
    Round(Round),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Theme {
    pub name: &'static str,
    /// The play field.
    pub background: Color,
    /// The bars around the play field when the window's shape differs from it.
    pub letterbox: Color,
    pub player: PlayerLook,
    pub enemy: Round,
    pub bullet: Round,
    /// Particles are filled circles of the radius the game passes.
    pub particle: Color,
    pub score: Color,
    /// `Score: N` text height in game units.
    pub score_size: f32,
}

const BLACK: Color = Color::from_rgba(0, 0, 0, 255);
const LETTERBOX: Color = Color::from_rgba(24, 24, 28, 255);

/// Every theme; the first is the default.
#[rustfmt::skip]
pub const THEMES: [Theme; 2] = [
    // The original browser host: red rocket, yellow enemies, blue bullets, dark violet
    // particles, orange score.
    Theme {
        name: "classic",
        background: BLACK,
        letterbox: LETTERBOX,
        player: PlayerLook::Rocket(Color::from_rgba(255, 0, 0, 255)),
        enemy: Round { color: Color::from_rgba(255, 255, 0, 255), radius: 10.0, ring: None },
        bullet: Round { color: Color::from_rgba(0, 0, 255, 255), radius: 3.0, ring: None },
        particle: Color::from_rgba(148, 0, 211, 255),
        score: Color::from_rgba(255, 165, 0, 255),
        score_size: 20.0,
    },
    // The talk's pygame host: cyan player ring, magenta enemy rings, white bullets,
    // yellow particles.
    Theme {
        name: "pygame",
        background: BLACK,
        letterbox: LETTERBOX,
        player: PlayerLook::Round(Round { color: Color::from_rgba(0, 255, 255, 255), radius: 10.0, ring: Some(2.0) }),
        enemy: Round { color: Color::from_rgba(255, 0, 255, 255), radius: 15.0, ring: Some(2.0) },
        bullet: Round { color: Color::from_rgba(255, 255, 255, 255), radius: 2.0, ring: None },
        particle: Color::from_rgba(255, 255, 0, 255),
        score: Color::from_rgba(255, 255, 255, 255),
        score_size: 20.0,
    },
];

/// The theme with this name.
pub fn by_name(name: &str) -> Option<Theme> {
    THEMES.iter().find(|theme| theme.name == name).copied()
}

/// `classic, pygame`, for messages.
pub fn names() -> String {
    THEMES.map(|theme| theme.name).join(", ")
}
