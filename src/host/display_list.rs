//! The display list: every draw call a game made in one frame, as plain data, with the
//! game's own arguments (unclamped: the renderer sanitises what it draws).

use std::fmt::Write as _;
use std::ops::Deref;

/// One draw call of the rocket contract.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DrawCall {
    Clear,
    Player { x: f64, y: f64, angle: f64 },
    Enemy { x: f64, y: f64 },
    Bullet { x: f64, y: f64 },
    Particle { x: f64, y: f64, radius: f64 },
    Score(f64),
}

/// A draw call's arguments, in import order.
pub struct Args {
    values: [f64; 3],
    len: usize,
}

impl Deref for Args {
    type Target = [f64];

    fn deref(&self) -> &[f64] {
        &self.values[..self.len]
    }
}

impl DrawCall {
    /// The import the game called.
    pub fn import_name(&self) -> &'static str {
        match self {
            DrawCall::Clear => "clear_screen",
            DrawCall::Player { .. } => "draw_player",
            DrawCall::Enemy { .. } => "draw_enemy",
            DrawCall::Bullet { .. } => "draw_bullet",
            DrawCall::Particle { .. } => "draw_particle",
            DrawCall::Score(_) => "draw_score",
        }
    }

    pub fn args(&self) -> Args {
        let (values, len) = match *self {
            DrawCall::Clear => ([0.0; 3], 0),
            DrawCall::Player { x, y, angle } => ([x, y, angle], 3),
            DrawCall::Enemy { x, y } | DrawCall::Bullet { x, y } => ([x, y, 0.0], 2),
            DrawCall::Particle { x, y, radius } => ([x, y, radius], 3),
            DrawCall::Score(score) => ([score, 0.0, 0.0], 1),
        };
        Args { values, len }
    }

    /// Equal import and bit-identical arguments (unlike `==`, tells 0.0 from -0.0 and
    /// matches NaN payloads).
    pub fn bit_eq(&self, other: &DrawCall) -> bool {
        self.import_name() == other.import_name()
            && self
                .args()
                .iter()
                .zip(other.args().iter())
                .all(|(a, b)| a.to_bits() == b.to_bits())
    }

    /// One JSON object: `{"frame":12,"call":"draw_enemy","args":[10.5,20]}`. JSON has no
    /// NaN or infinities: those are written as the strings `"NaN"`, `"inf"`, `"-inf"`.
    pub fn to_json(&self, frame: u64) -> String {
        let mut line = format!(
            r#"{{"frame":{frame},"call":"{}","args":["#,
            self.import_name()
        );
        for (i, value) in self.args().iter().enumerate() {
            if i > 0 {
                line.push(',');
            }
            match value {
                v if v.is_nan() => line.push_str(r#""NaN""#),
                v if v.is_infinite() => {
                    line.push_str(if *v > 0.0 { r#""inf""# } else { r#""-inf""# })
                }
                v => {
                    let _ = write!(line, "{v:?}");
                }
            }
        }
        line.push_str("]}");
        line
    }
}

/// Formats a score the way the `Score: N` text shows it: an integer (truncated), or
/// scientific notation when it is too large to print digit by digit.
pub fn format_score(score: f64) -> String {
    if score.is_finite() && score.abs() < 1e16 {
        format!("{}", score.trunc() as i64)
    } else {
        format!("{score:e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_carry_every_argument_and_name_non_finite_values() {
        let call = DrawCall::Particle {
            x: 1.5,
            y: f64::NAN,
            radius: f64::NEG_INFINITY,
        };
        assert_eq!(
            call.to_json(7),
            r#"{"frame":7,"call":"draw_particle","args":[1.5,"NaN","-inf"]}"#
        );
        assert_eq!(
            DrawCall::Clear.to_json(0),
            r#"{"frame":0,"call":"clear_screen","args":[]}"#
        );
    }

    #[test]
    fn bit_eq_tells_signed_zeros_apart() {
        let a = DrawCall::Bullet { x: 0.0, y: 1.0 };
        let b = DrawCall::Bullet { x: -0.0, y: 1.0 };
        assert!(a == b);
        assert!(!a.bit_eq(&b));
        assert!(a.bit_eq(&a));
        assert!(!a.bit_eq(&DrawCall::Enemy { x: 0.0, y: 1.0 }));
    }

    #[test]
    fn scores_print_as_integers_and_huge_ones_still_print() {
        assert_eq!(format_score(120.0), "120");
        assert_eq!(format_score(-3.7), "-3");
        assert_eq!(format_score(1e300), "1e300");
        assert_eq!(format_score(f64::NAN), "NaN");
        assert_eq!(format_score(f64::INFINITY), "inf");
    }
}
