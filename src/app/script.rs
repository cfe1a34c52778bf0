//! Scripts and recordings of a session: which keys (and controller buttons) went down or
//! up before which frame, and (in recordings) the exact `dt` of every frame. One text
//! format for both:
//!
//! ```text
//! # comments and blank lines are skipped
//! size 1024x600              # recordings: the play field
//! 0 dt 0.016666666666666666  # frame 0 ran update(0.016666666666666666)
//! 12 space down              # before frame 12's update, Space went down
//! 30 space up
//! 31 pad2 south down         # controller 2's south button (A / Cross)
//! ```
//!
//! Frames count from 0; a key line applies before that frame's `update`. `dt` values are
//! written so they read back bit for bit, which makes a replay exact.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use anyhow::{bail, Context, Result};

use super::gamepad::PAD_MAP;
use super::keys::{Input, InputId, KEYS};

/// One scripted key or button change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyEvent {
    pub input: InputId,
    pub down: bool,
}

/// A parsed script or recording.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Script {
    pub size: Option<(f64, f64)>,
    events: BTreeMap<u64, Vec<KeyEvent>>,
    dts: BTreeMap<u64, f64>,
}

impl Script {
    pub fn parse(text: &str) -> Result<Script> {
        let mut script = Script::default();
        for (number, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if !line.is_empty() {
                script
                    .parse_line(line)
                    .with_context(|| format!("line {}: `{line}`", number + 1))?;
            }
        }
        Ok(script)
    }

    fn parse_line(&mut self, line: &str) -> Result<()> {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let ["size", size] = words[..] {
            self.size = Some(parse_size(size)?);
            return Ok(());
        }
        let (frame, what, value) = match &words[..] {
            [frame, what @ .., value] if (1..=2).contains(&what.len()) => (*frame, what, *value),
            _ => bail!(
                "expected `FRAME KEY down|up`, `FRAME padN BUTTON down|up`, `FRAME dt SECONDS` or `size WxH`"
            ),
        };
        let frame = frame
            .parse()
            .with_context(|| format!("`{frame}` is not a frame number"))?;
        if what == ["dt"] {
            let dt = value
                .parse()
                .ok()
                .filter(|dt: &f64| dt.is_finite() && *dt >= 0.0)
                .with_context(|| format!("`{value}` is not a time step in seconds"))?;
            self.dts.insert(frame, dt);
            return Ok(());
        }
        let Some(input) = InputId::parse(what) else {
            let keys: Vec<&str> = KEYS.iter().map(|k| k.name).collect();
            let buttons: Vec<&str> = PAD_MAP.iter().map(|b| b.name).collect();
            bail!(
                "unknown key `{}` (keys: {}; controller buttons: pad1 to pad4 and {})",
                what.join(" "),
                keys.join(", "),
                buttons.join(", ")
            );
        };
        let down = match value {
            "down" => true,
            "up" => false,
            other => bail!("`{other}` should be `down` or `up`"),
        };
        self.events
            .entry(frame)
            .or_default()
            .push(KeyEvent { input, down });
        Ok(())
    }

    pub fn events_at(&self, frame: u64) -> &[KeyEvent] {
        self.events.get(&frame).map_or(&[], Vec::as_slice)
    }

    /// The recorded `dt` of a frame, if any.
    pub fn dt_at(&self, frame: u64) -> Option<f64> {
        self.dts.get(&frame).copied()
    }

    /// Frames with a recorded `dt` (0 for a key-only script).
    pub fn recorded_frames(&self) -> u64 {
        self.dts.keys().next_back().map_or(0, |last| last + 1)
    }
}

/// Parses `WIDTHxHEIGHT`, each 1 to 16384.
pub fn parse_size(text: &str) -> Result<(f64, f64)> {
    let parsed = text
        .split_once(['x', 'X'])
        .and_then(|(w, h)| Some((w.trim().parse::<u32>().ok()?, h.trim().parse::<u32>().ok()?)));
    match parsed {
        Some((w, h)) if (1..=16_384).contains(&w) && (1..=16_384).contains(&h) => {
            Ok((w as f64, h as f64))
        }
        _ => bail!("expected WIDTHxHEIGHT with each between 1 and 16384, e.g. 1024x600"),
    }
}

/// Writes a recording as the session runs: each frame's `dt` and key changes.
pub struct Recorder {
    text: String,
    held: Input,
}

impl Recorder {
    pub fn new(size: (f64, f64)) -> Recorder {
        let mut text =
            String::from("# wasmcade recording: replay with `wasmcade play --replay FILE`\n");
        let _ = writeln!(text, "size {}x{}", size.0, size.1);
        Recorder {
            text,
            held: Input::default(),
        }
    }

    /// Records the keys held before `frame` (as changes) and the frame's `dt`.
    pub fn frame(&mut self, frame: u64, held: &Input, dt: f64) {
        for (input, down) in held.changes_since(&self.held) {
            let state = if down { "down" } else { "up" };
            let _ = writeln!(self.text, "{frame} {} {state}", input.name());
        }
        self.held = *held;
        // `{:?}` prints the shortest text that reads back as the same f64.
        let _ = writeln!(self.text, "{frame} dt {dt:?}");
    }

    pub fn text(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_parse_with_comments_and_report_bad_lines() {
        let script = Script::parse("# shoot\n12 space down\n\n30 Left up  # done\n").unwrap();
        let key = |name| InputId::parse(&[name]).unwrap();
        assert_eq!(
            script.events_at(12),
            &[KeyEvent {
                input: key("space"),
                down: true
            }]
        );
        assert_eq!(
            script.events_at(30),
            &[KeyEvent {
                input: key("left"),
                down: false
            }]
        );
        let pads = Script::parse("4 pad3 east down\n").unwrap();
        assert_eq!(
            pads.events_at(4),
            &[KeyEvent {
                input: InputId::parse(&["pad3", "east"]).unwrap(),
                down: true
            }]
        );
        assert!(script.events_at(13).is_empty());
        assert_eq!(script.recorded_frames(), 0);

        let err = Script::parse("1 space down\n2 jump down\n").unwrap_err();
        assert!(format!("{err:#}").contains("line 2"), "{err:#}");
        assert!(format!("{err:#}").contains("unknown key `jump`"), "{err:#}");
        for bad in [
            "x space down",
            "1 space sideways",
            "1 space",
            "1 pad0 south down",
            "1 pad1 space down",
            "1 dt -1",
            "1 dt NaN",
            "size 0x5",
        ] {
            assert!(Script::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn recordings_read_back_bit_for_bit() {
        let mut recorder = Recorder::new((800.0, 600.0));
        let mut held = Input::default();
        let dts = [1.0 / 60.0, 0.1, 0.016_000_000_000_000_014];
        let (space, south) = (InputId::Key(0), InputId::Pad { pad: 3, button: 4 });
        recorder.frame(0, &held, dts[0]);
        held.set(space, true);
        held.set(south, true);
        recorder.frame(1, &held, dts[1]);
        held.set(space, false);
        recorder.frame(2, &held, dts[2]);

        let script = Script::parse(recorder.text()).unwrap();
        assert_eq!(script.size, Some((800.0, 600.0)));
        assert_eq!(script.recorded_frames(), 3);
        for (frame, dt) in dts.iter().enumerate() {
            assert_eq!(script.dt_at(frame as u64).unwrap().to_bits(), dt.to_bits());
        }
        let event = |input, down| KeyEvent { input, down };
        assert_eq!(
            script.events_at(1),
            &[event(space, true), event(south, true)]
        );
        assert_eq!(script.events_at(2), &[event(space, false)]);
    }
}
