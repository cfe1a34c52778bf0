//! The display list: every draw call a game made in one frame, as plain data, with the
//! game's own arguments (unclamped: the renderer sanitises what it draws); or, for a
//! game that draws into its own framebuffer (WASM-4), that whole frame. A frame's list
//! has a ceiling ([`MAX_COMMANDS`], [`MAX_BYTES`]): a game that passes it stops with a
//! trap naming the import and the limit.

use serde::Serialize;

use crate::interp::Trap;

/// The most draw commands one frame's display list holds.
pub const MAX_COMMANDS: usize = 100_000;
/// The most bytes one frame's display list holds: every command's own size
/// ([`DrawCall::bytes`]) plus its points, text or pixels.
pub const MAX_BYTES: usize = 16 << 20;

/// A colour `0xRRGGBBAA`.
pub type Rgba = u32;

/// One draw call: the rocket contract's calls as made, the canvas contract's shapes
/// with the colour in force when they were drawn, and WASM-4's framebuffer.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum DrawCall {
    Clear,
    Player {
        x: f64,
        y: f64,
        angle: f64,
    },
    Enemy {
        x: f64,
        y: f64,
    },
    Bullet {
        x: f64,
        y: f64,
    },
    Particle {
        x: f64,
        y: f64,
        radius: f64,
    },
    Score(f64),
    /// Canvas `clear(color)`.
    Fill {
        color: Rgba,
    },
    /// Canvas `fill_rect` (no `line`) and `stroke_rect`.
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Rgba,
        line: Option<f32>,
    },
    /// Canvas `fill_circle` and `stroke_circle`.
    Circle {
        x: f32,
        y: f32,
        radius: f32,
        color: Rgba,
        line: Option<f32>,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: Rgba,
    },
    /// Canvas `fill_polygon` and `stroke_polygon`.
    Polygon {
        points: Vec<[f32; 2]>,
        color: Rgba,
        line: Option<f32>,
    },
    Text {
        text: String,
        x: f32,
        y: f32,
        size: f32,
        color: Rgba,
    },
    /// A whole frame of indexed pixels (a WASM-4 cart's screen): `pixels` holds one
    /// palette index per pixel, row by row; `palette` colours are `0x00RRGGBB`.
    Framebuffer {
        width: u16,
        height: u16,
        palette: [u32; 4],
        pixels: Box<[u8]>,
    },
    /// A WASM-4 `tone` call, its arguments as passed (see `host::wasm4::tone`). Not
    /// drawn: played, when wasmcade is built with the `sound` feature.
    Tone {
        frequency: u32,
        duration: u32,
        volume: u32,
        flags: u32,
    },
}

impl DrawCall {
    /// The import the game called.
    pub fn import_name(&self) -> &'static str {
        let stroke =
            |line: &Option<f32>, filled, stroked| if line.is_some() { stroked } else { filled };
        match self {
            DrawCall::Clear => "clear_screen",
            DrawCall::Player { .. } => "draw_player",
            DrawCall::Enemy { .. } => "draw_enemy",
            DrawCall::Bullet { .. } => "draw_bullet",
            DrawCall::Particle { .. } => "draw_particle",
            DrawCall::Score(_) => "draw_score",
            DrawCall::Fill { .. } => "clear",
            DrawCall::Rect { line, .. } => stroke(line, "fill_rect", "stroke_rect"),
            DrawCall::Circle { line, .. } => stroke(line, "fill_circle", "stroke_circle"),
            DrawCall::Line { .. } => "line",
            DrawCall::Polygon { line, .. } => stroke(line, "fill_polygon", "stroke_polygon"),
            DrawCall::Text { .. } => "text",
            DrawCall::Framebuffer { .. } => "framebuffer",
            DrawCall::Tone { .. } => "tone",
        }
    }

    /// The numbers of the call, in import order (a polygon's points flattened; line
    /// widths after the geometry, colours last). A framebuffer is summed up in
    /// width, height, the four palette colours and the FNV-1a hash of its pixels.
    pub fn numbers(&self) -> Vec<f64> {
        let f = |values: &[f32]| values.iter().map(|&v| v as f64).collect::<Vec<f64>>();
        let mut numbers = match self {
            DrawCall::Clear => vec![],
            DrawCall::Player { x, y, angle } => vec![*x, *y, *angle],
            DrawCall::Enemy { x, y } | DrawCall::Bullet { x, y } => vec![*x, *y],
            DrawCall::Particle { x, y, radius } => vec![*x, *y, *radius],
            DrawCall::Score(score) => vec![*score],
            DrawCall::Fill { .. } => vec![],
            DrawCall::Rect {
                x, y, w, h, line, ..
            } => [
                f(&[*x, *y, *w, *h]),
                f(&line.iter().copied().collect::<Vec<_>>()),
            ]
            .concat(),
            DrawCall::Circle {
                x, y, radius, line, ..
            } => [
                f(&[*x, *y, *radius]),
                f(&line.iter().copied().collect::<Vec<_>>()),
            ]
            .concat(),
            DrawCall::Line {
                x1,
                y1,
                x2,
                y2,
                width,
                ..
            } => f(&[*x1, *y1, *x2, *y2, *width]),
            DrawCall::Polygon { points, line, .. } => {
                let flat: Vec<f32> = points.iter().flatten().copied().chain(*line).collect();
                f(&flat)
            }
            DrawCall::Text { x, y, size, .. } => f(&[*x, *y, *size]),
            DrawCall::Framebuffer {
                width,
                height,
                palette,
                pixels,
            } => [*width as u32, *height as u32]
                .into_iter()
                .chain(*palette)
                .chain([fnv1a(pixels)])
                .map(f64::from)
                .collect(),
            DrawCall::Tone {
                frequency,
                duration,
                volume,
                flags,
            } => [*frequency, *duration, *volume, *flags]
                .map(f64::from)
                .to_vec(),
        };
        numbers.extend(self.color().map(|color| color as f64));
        numbers
    }

    /// The colour of a canvas shape.
    pub fn color(&self) -> Option<Rgba> {
        match self {
            DrawCall::Fill { color }
            | DrawCall::Rect { color, .. }
            | DrawCall::Circle { color, .. }
            | DrawCall::Line { color, .. }
            | DrawCall::Polygon { color, .. }
            | DrawCall::Text { color, .. } => Some(*color),
            _ => None,
        }
    }

    /// Equal import, text and bit-identical numbers (unlike `==`, tells 0.0 from -0.0
    /// and matches NaN payloads).
    pub fn bit_eq(&self, other: &DrawCall) -> bool {
        let text = |call: &DrawCall| match call {
            DrawCall::Text { text, .. } => Some(text.clone()),
            _ => None,
        };
        let (a, b) = (self.numbers(), other.numbers());
        self.import_name() == other.import_name()
            && text(self) == text(other)
            && a.len() == b.len()
            && a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits())
    }

    /// One JSON object: `{"frame":12,"call":"draw_enemy","args":[10.5,20.0]}`; a text
    /// call's string comes first in `args`. JSON has no NaN or infinities: those are
    /// written as the strings `"NaN"`, `"inf"`, `"-inf"`.
    pub fn to_json(&self, frame: u64) -> String {
        let text = match self {
            DrawCall::Text { text, .. } => Some(JsonArg::Text(text)),
            _ => None,
        };
        let numbers = self.numbers().into_iter().map(|value| match value {
            v if v.is_nan() => JsonArg::Text("NaN"),
            v if v.is_infinite() => JsonArg::Text(if v > 0.0 { "inf" } else { "-inf" }),
            v => JsonArg::Number(v),
        });
        let line = JsonLine {
            frame,
            call: self.import_name(),
            args: text.into_iter().chain(numbers).collect(),
        };
        serde_json::to_string(&line).expect("a draw call serialises")
    }

    /// The memory the call takes in a display list: its own size plus the points, text
    /// or pixels it owns.
    pub fn bytes(&self) -> usize {
        let owned = match self {
            DrawCall::Polygon { points, .. } => std::mem::size_of_val(points.as_slice()),
            DrawCall::Text { text, .. } => text.len(),
            DrawCall::Framebuffer { pixels, .. } => pixels.len(),
            _ => 0,
        };
        std::mem::size_of::<DrawCall>() + owned
    }
}

/// A draw call as one line of `--dump-draws`.
#[derive(Serialize)]
struct JsonLine<'a> {
    frame: u64,
    call: &'static str,
    args: Vec<JsonArg<'a>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum JsonArg<'a> {
    Text(&'a str),
    Number(f64),
}

/// One frame's draw calls, up to the ceiling ([`MAX_COMMANDS`], [`MAX_BYTES`]).
#[derive(Debug, Default)]
pub struct DisplayList {
    calls: Vec<DrawCall>,
    /// The calls' [`DrawCall::bytes`], summed.
    bytes: usize,
}

impl DisplayList {
    /// Adds `call`, made by the import `import`; past the ceiling, a trap that names
    /// the import and the limit, and the list is left as it was.
    pub fn push(&mut self, import: &str, call: DrawCall) -> Result<(), Trap> {
        let bytes = self.bytes + call.bytes();
        if self.calls.len() >= MAX_COMMANDS {
            return Err(Trap::host(format!(
                "{import}: more than {MAX_COMMANDS} draw commands in one frame (the display list's limit)"
            )));
        }
        if bytes > MAX_BYTES {
            return Err(Trap::host(format!(
                "{import}: more than {} MiB of draw commands in one frame (the display list's limit)",
                MAX_BYTES >> 20
            )));
        }
        self.calls.push(call);
        self.bytes = bytes;
        Ok(())
    }

    pub fn calls(&self) -> &[DrawCall] {
        &self.calls
    }

    /// The bytes the calls take ([`DrawCall::bytes`], summed).
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn clear(&mut self) {
        self.calls.clear();
        self.bytes = 0;
    }

    /// Makes `calls` the list, for a game whose frame the host puts together (a WASM-4
    /// cart's framebuffer and tones); the ceiling does not apply.
    pub fn replace(&mut self, calls: Vec<DrawCall>) {
        self.bytes = calls.iter().map(DrawCall::bytes).sum();
        self.calls = calls;
    }
}

/// The 32-bit FNV-1a hash of `bytes`.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |hash, &byte| {
        (hash ^ byte as u32).wrapping_mul(0x0100_0193)
    })
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
    fn canvas_calls_name_their_import_and_quote_text() {
        let rect = DrawCall::Rect {
            x: 1.0,
            y: 2.0,
            w: 3.0,
            h: 4.0,
            color: 0xff00_00ff,
            line: Some(2.0),
        };
        assert_eq!(
            rect.to_json(3),
            r#"{"frame":3,"call":"stroke_rect","args":[1.0,2.0,3.0,4.0,2.0,4278190335.0]}"#
        );
        let text = DrawCall::Text {
            text: "a\"b\n".into(),
            x: 0.0,
            y: 0.0,
            size: 8.0,
            color: 0,
        };
        assert_eq!(
            text.to_json(0),
            r#"{"frame":0,"call":"text","args":["a\"b\n",0.0,0.0,8.0,0.0]}"#
        );
        let fill = DrawCall::Polygon {
            points: vec![[0.0, 1.0], [2.0, 3.0]],
            color: 7,
            line: None,
        };
        assert_eq!(fill.import_name(), "fill_polygon");
        assert_eq!(fill.numbers(), [0.0, 1.0, 2.0, 3.0, 7.0]);
    }

    #[test]
    fn a_framebuffer_is_summed_up_by_its_palette_and_a_hash() {
        let frame = DrawCall::Framebuffer {
            width: 2,
            height: 1,
            palette: [1, 2, 3, 4],
            pixels: Box::new([0, 3]),
        };
        assert_eq!(
            frame.to_json(1),
            r#"{"frame":1,"call":"framebuffer","args":[2.0,1.0,1.0,2.0,3.0,4.0,242651924.0]}"#
        );
        assert_eq!(fnv1a(b""), 0x811c_9dc5);
        assert_eq!(fnv1a(b"a"), 0xe40c_292c);
    }

    #[test]
    fn the_list_stops_at_its_ceiling_in_commands_and_in_bytes() {
        let mut list = DisplayList::default();
        for _ in 0..MAX_COMMANDS {
            list.push("draw_enemy", DrawCall::Enemy { x: 0.0, y: 0.0 })
                .unwrap();
        }
        let full = list.push("draw_bullet", DrawCall::Bullet { x: 0.0, y: 0.0 });
        assert_eq!(
            full.unwrap_err().to_string(),
            "host function failed: draw_bullet: more than 100000 draw commands in one frame (the display list's limit)"
        );
        assert_eq!(list.calls().len(), MAX_COMMANDS);

        list.clear();
        let polygon = || DrawCall::Polygon {
            points: vec![[0.0; 2]; 10_000],
            color: 0,
            line: None,
        };
        let each = polygon().bytes();
        assert_eq!(each, std::mem::size_of::<DrawCall>() + 80_000);
        for _ in 0..MAX_BYTES / each {
            list.push("fill_polygon", polygon()).unwrap();
        }
        let full = list.push("fill_polygon", polygon()).unwrap_err();
        assert!(
            full.to_string()
                .contains("fill_polygon: more than 16 MiB of draw commands"),
            "{full}"
        );
        assert_eq!(list.bytes(), MAX_BYTES / each * each);
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
