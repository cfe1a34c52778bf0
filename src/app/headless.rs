//! The frame loop without a window: for tests, CI, benchmarks and users without a
//! display. Same session step as the window, with a fixed `dt` and scripted keys.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};

use super::keys::HeldKeys;
use super::script::{Recorder, Script};
use super::session::{Session, Summary};
use crate::save::{write_file, AtomicFile};

pub struct HeadlessOptions {
    pub frames: u64,
    /// Seconds passed to every `update` the script has no `dt` for.
    pub dt: f64,
    /// Keys, and `dt`s when it is a recording.
    pub script: Script,
    /// Write every draw call as a JSON line here.
    pub dump_draws: Option<PathBuf>,
    /// Save the run as a recording here.
    pub record: Option<PathBuf>,
}

/// Runs `options.frames` frames. The draw dump and the recording are kept (up to the
/// failing frame) even when the game traps.
pub fn run(session: &mut Session, options: &HeadlessOptions) -> Result<Summary> {
    let mut dump = options
        .dump_draws
        .as_deref()
        .map(AtomicFile::create)
        .transpose()?;
    let mut held = HeldKeys::default();
    let mut recorder = Recorder::new(session.config().field);
    let outcome = (|| -> Result<()> {
        for frame in 0..options.frames {
            for event in options.script.events_at(frame) {
                held.set(event.key, event.down);
            }
            let dt = options.script.dt_at(frame).unwrap_or(options.dt);
            recorder.frame(frame, &held, dt);
            let calls = session
                .apply_keys(&held)
                .and_then(|()| session.step(dt))
                .with_context(|| format!("frame {frame}"))?;
            if let Some(dump) = &mut dump {
                for call in calls {
                    writeln!(dump.writer(), "{}", call.to_json(frame))?;
                }
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
    outcome.map(|()| session.summary().clone())
}
