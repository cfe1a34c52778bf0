//! Captures drawn in software ([`Raster`]): a display list as a picture, PNG screenshots
//! without a window, and animated GIFs, either streamed frame by frame (`--gif`) or made
//! from the last seconds of play kept in a [`Replay`] buffer (the window's F10). A WASM-4
//! picture is its framebuffer, 160×160; a vector game's is its play field (scaled down to
//! at most [`MAX_SIDE`] pixels on its longer side).

use std::collections::VecDeque;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::raster::Raster;
use super::render::draw_frame;
use super::screenshot::save_rgba_png;
use super::theme::Theme;
use crate::host::DrawCall;
use crate::save::write_file;

/// The longest side of a captured picture.
pub const MAX_SIDE: f64 = 1920.0;
/// Seconds of play the window keeps for F10 (as WASM-4's player records).
pub const REPLAY_SECONDS: f64 = 4.0;
/// The most draw calls the F10 buffer keeps, whatever the seconds (a game drawing a
/// flood of shapes every frame keeps fewer seconds).
const REPLAY_MAX_CALLS: usize = 1_000_000;
/// The shortest time between two GIF frames, in hundredths of a second: viewers slow
/// shorter delays down, so faster games are sampled (a 60 Hz game at 30 frames a second).
const MIN_DELAY_CS: f64 = 2.0;

/// How a display list becomes a picture.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Look {
    pub theme: Theme,
    pub field: (f64, f64),
}

impl Look {
    /// The picture's size: the field, scaled down to fit [`MAX_SIDE`].
    pub fn size(&self) -> (u32, u32) {
        let (w, h) = self.field;
        let scale = (MAX_SIDE / w.max(h)).min(1.0);
        (
            ((w * scale).round() as u32).max(1),
            ((h * scale).round() as u32).max(1),
        )
    }

    /// One frame as RGBA pixels, rows top-down.
    pub fn picture(&self, calls: &[DrawCall]) -> Vec<u8> {
        let (w, h) = self.size();
        let mut raster = Raster::new(w, h);
        draw_frame(&mut raster, calls, &self.theme, self.field);
        raster.into_rgba()
    }

    /// Saves one frame as a PNG.
    pub fn save_png(&self, path: &Path, calls: &[DrawCall]) -> Result<()> {
        let (w, h) = self.size();
        save_rgba_png(path, w, h, self.picture(calls))
    }
}

/// An animated GIF being made, frame by frame (compressed in memory); it is written
/// under its name, atomically, on [`Gif::finish`].
pub struct Gif {
    look: Look,
    encoder: gif::Encoder<Vec<u8>>,
    path: PathBuf,
    /// Game seconds since the first frame offered, and at the last frame written.
    time: f64,
    written_at: Option<f64>,
    /// The last frame written (its delay is set when the next one comes).
    pending: Option<(Vec<u8>, f64)>,
    frames: u64,
}

impl Gif {
    pub fn create(path: &Path, look: Look) -> Result<Gif> {
        let (w, h) = look.size();
        let mut encoder = gif::Encoder::new(Vec::new(), w as u16, h as u16, &[])?;
        encoder.set_repeat(gif::Repeat::Infinite)?;
        Ok(Gif {
            look,
            encoder,
            path: path.to_path_buf(),
            time: 0.0,
            written_at: None,
            pending: None,
            frames: 0,
        })
    }

    /// Offers the frame drawn by `calls`, shown for `dt` seconds of play. Frames closer
    /// than two hundredths of a second to the last one written are left out.
    pub fn frame(&mut self, calls: &[DrawCall], dt: f64) -> Result<()> {
        let due = self
            .written_at
            .is_none_or(|at| (self.time - at) * 100.0 >= MIN_DELAY_CS - 1e-9);
        if due {
            self.flush_pending(self.time)?;
            self.pending = Some((self.look.picture(calls), self.time));
            self.written_at = Some(self.time);
        }
        self.time += dt.max(0.0);
        Ok(())
    }

    /// Writes the frame waiting for its delay, which lasts until `until` (game seconds).
    fn flush_pending(&mut self, until: f64) -> Result<()> {
        let Some((mut rgba, at)) = self.pending.take() else {
            return Ok(());
        };
        // Delays from rounded timestamps: their sum keeps the game's pace.
        let delay = ((until * 100.0).round() - (at * 100.0).round()).max(MIN_DELAY_CS);
        let (w, h) = self.look.size();
        let mut frame = indexed_frame(w as u16, h as u16, &mut rgba);
        frame.delay = delay.min(u16::MAX as f64) as u16;
        self.encoder.write_frame(&frame)?;
        self.frames += 1;
        Ok(())
    }

    /// Writes the last frame and moves the file into place; the number of frames.
    pub fn finish(mut self) -> Result<u64> {
        let end = self
            .time
            .max(self.written_at.unwrap_or(0.0) + MIN_DELAY_CS / 100.0);
        self.flush_pending(end)?;
        let bytes = self.encoder.into_inner()?;
        write_file(&self.path, |file| Ok(file.write_all(&bytes)?))
            .with_context(|| format!("cannot save the GIF {}", self.path.display()))?;
        Ok(self.frames)
    }
}

/// A GIF frame of `rgba` with its own exact palette when it has at most 256 colours (a
/// WASM-4 frame has 4), else quantised (NeuQuant).
fn indexed_frame(width: u16, height: u16, rgba: &mut [u8]) -> gif::Frame<'static> {
    let mut palette: Vec<[u8; 3]> = Vec::new();
    let mut indices = Vec::with_capacity(rgba.len() / 4);
    let mut lookup = std::collections::HashMap::new();
    // Pictures are mostly runs of one colour: look a colour up once per run.
    let mut last: Option<([u8; 3], usize)> = None;
    for pixel in rgba.chunks_exact(4) {
        let color = [pixel[0], pixel[1], pixel[2]];
        let index = match last {
            Some((previous, index)) if previous == color => index,
            _ => *lookup.entry(color).or_insert_with(|| {
                palette.push(color);
                palette.len() - 1
            }),
        };
        last = Some((color, index));
        if index > 255 {
            return gif::Frame::from_rgba_speed(width, height, rgba, 10);
        }
        indices.push(index as u8);
    }
    gif::Frame::from_palette_pixels(width, height, indices, palette.as_flattened(), None)
}

/// The last seconds of play: each frame's display list and `dt`.
#[derive(Default)]
pub struct Replay {
    frames: VecDeque<(Vec<DrawCall>, f64)>,
    seconds: f64,
    calls: usize,
}

impl Replay {
    /// Keeps a frame, forgetting those older than [`REPLAY_SECONDS`].
    pub fn push(&mut self, calls: &[DrawCall], dt: f64) {
        self.frames.push_back((calls.to_vec(), dt));
        self.seconds += dt;
        self.calls += calls.len();
        while self.frames.len() > 1
            && (self.seconds - self.frames[0].1 >= REPLAY_SECONDS - 1e-9
                || self.calls > REPLAY_MAX_CALLS)
        {
            let (old, dt) = self.frames.pop_front().expect("more than one frame");
            self.seconds -= dt;
            self.calls -= old.len();
        }
    }

    pub fn clear(&mut self) {
        *self = Replay::default();
    }

    /// Writes the frames kept as a GIF; the number of frames written.
    pub fn save_gif(frames: &[(Vec<DrawCall>, f64)], path: &Path, look: Look) -> Result<u64> {
        let mut gif = Gif::create(path, look)?;
        for (calls, dt) in frames {
            gif.frame(calls, *dt)?;
        }
        gif.finish()
    }

    /// A copy of the frames kept, to write on another thread.
    pub fn frames(&self) -> Vec<(Vec<DrawCall>, f64)> {
        self.frames.iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::theme::THEMES;

    #[test]
    fn the_replay_keeps_the_last_four_seconds() {
        let mut replay = Replay::default();
        for frame in 0..600 {
            replay.push(&[DrawCall::Score(frame as f64)], 1.0 / 60.0);
        }
        assert_eq!(replay.frames.len(), 240);
        assert!(matches!(replay.frames[0].0[0], DrawCall::Score(s) if s == 360.0));
    }

    #[test]
    fn pictures_fit_the_largest_side() {
        let look = |field| Look {
            theme: THEMES[0],
            field,
        };
        assert_eq!(look((1024.0, 600.0)).size(), (1024, 600));
        assert_eq!(look((160.0, 160.0)).size(), (160, 160));
        assert_eq!(look((3840.0, 1920.0)).size(), (1920, 960));
    }
}
