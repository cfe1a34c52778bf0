//! The frame loop without a window: for tests, CI, benchmarks and users without a
//! display. Same session step as the window, with a fixed `dt` and scripted keys; the
//! pictures it saves (`--screenshot`, `--gif`) are drawn in software ([`capture`]).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};

use super::capture::{Gif, Look};
use super::script::{Recorder, Script};
use super::session::{Session, Summary};
use crate::save::{write_file, AtomicFile};

pub struct HeadlessOptions {
    /// Run until the session has played this many frames (a loaded state's count on).
    pub frames: u64,
    /// Seconds passed to every `update` the script has no `dt` for.
    pub dt: f64,
    /// Keys, and `dt`s when it is a recording.
    pub script: Script,
    /// Write every draw call as a JSON line here.
    pub dump_draws: Option<PathBuf>,
    /// Save the run as a recording here.
    pub record: Option<PathBuf>,
    /// How pictures look.
    pub look: Look,
    /// Save the last frame as a PNG here.
    pub screenshot: Option<PathBuf>,
    /// Save every frame played as an animated GIF here.
    pub gif: Option<PathBuf>,
    /// Save the session's state here after the last frame.
    pub save_state: Option<PathBuf>,
}

/// Runs frames up to `options.frames`. The draw dump and the recording are kept (up to
/// the failing frame) even when the game traps.
pub fn run(session: &mut Session, options: &HeadlessOptions) -> Result<Summary> {
    let mut dump = options
        .dump_draws
        .as_deref()
        .map(AtomicFile::create)
        .transpose()?;
    let mut gif = options
        .gif
        .as_deref()
        .map(|path| Gif::create(path, options.look))
        .transpose()?;
    // A loaded state's keys are held until the script says otherwise.
    let mut held = *session.input();
    let mut recorder = Recorder::new(session.config().field);
    let outcome = (|| -> Result<()> {
        for frame in session.summary().frames..options.frames {
            for event in options.script.events_at(frame) {
                held.set(event.input, event.down);
            }
            let dt = options.script.dt_at(frame).unwrap_or(options.dt);
            recorder.frame(frame, &held, dt);
            let calls = session
                .apply_input(&held)
                .and_then(|()| session.step(dt))
                .with_context(|| format!("frame {frame}"))?;
            if let Some(dump) = &mut dump {
                for call in calls {
                    writeln!(dump.writer(), "{}", call.to_json(frame))?;
                }
            }
            if let Some(gif) = &mut gif {
                gif.frame(calls, dt)?;
            }
        }
        Ok(())
    })();
    if let Some(dump) = dump {
        dump.commit()?;
    }
    if let Some(path) = &options.record {
        write_file(path, |file| Ok(file.write_all(recorder.text().as_bytes())?))?;
    }
    outcome?;
    if let Some(gif) = gif {
        let frames = gif.finish()?;
        log::info!(
            "wrote {frames} frames to {}",
            options.gif.as_ref().expect("a path").display()
        );
    }
    if let Some(path) = &options.screenshot {
        options.look.save_png(path, session.game().last_draw())?;
    }
    if let Some(path) = &options.save_state {
        session.save_state()?.write(path)?;
    }
    Ok(session.summary().clone())
}
