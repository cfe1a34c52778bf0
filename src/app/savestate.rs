//! Save states on disk. A file holds a whole session between two frames
//! ([`SavedSession`]: the game's [`GameState`], the frame count and summary, the keys and
//! controller buttons held, the play field) as [`MAGIC`] followed by the session in
//! postcard's binary encoding. Files are written atomically ([`crate::save`]) beside the
//! game (the working directory for a bundled game), one per slot, and named after the game
//! and the first 16 hex digits of its module's SHA-256, so that another game's (or another
//! build's) states are never offered to it; the full hash inside is checked on loading.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};

use super::gamepad::{PadButtons, PLAYERS};
use super::keys::{key_by_name, Input, KEYS};
use super::session::Summary;
use crate::host::state::GameState;
use crate::save::write_file;

/// The first bytes of every save-state file; the last is the format's version.
pub const MAGIC: &[u8; 16] = b"wasmcade-state\n\x01";
/// Slots the window's keys cycle through.
pub const SLOTS: usize = 4;

/// A session between two frames.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedSession {
    pub field: (f64, f64),
    pub frames: u64,
    pub draw_calls: u64,
    pub score: Option<f64>,
    /// The names of the keys held.
    pub keys: Vec<String>,
    /// Each controller's buttons (bit i: `gamepad::PAD_MAP[i]`).
    pub pads: [u16; PLAYERS],
    pub game: GameState,
}

impl SavedSession {
    pub fn new(field: (f64, f64), summary: &Summary, input: &Input, game: GameState) -> Self {
        SavedSession {
            field,
            frames: summary.frames,
            draw_calls: summary.draw_calls,
            score: summary.score,
            keys: (0..KEYS.len())
                .filter(|&key| input.keys.is_down(key))
                .map(|key| KEYS[key].name.to_string())
                .collect(),
            pads: input.pads.map(|pad| pad.0),
            game,
        }
    }

    pub fn summary(&self) -> Summary {
        Summary {
            frames: self.frames,
            draw_calls: self.draw_calls,
            score: self.score,
        }
    }

    pub fn input(&self) -> Input {
        let mut input = Input {
            pads: self.pads.map(PadButtons),
            ..Input::default()
        };
        for key in self.keys.iter().filter_map(|name| key_by_name(name)) {
            input.keys.set(key, true);
        }
        input
    }

    /// An error unless the state was saved on a field of this size.
    pub fn check_field(&self, field: (f64, f64)) -> Result<()> {
        if self.field != field {
            bail!(
                "the state was saved on a {}x{} field, this session plays on {}x{} (use --size {}x{})",
                self.field.0,
                self.field.1,
                field.0,
                field.1,
                self.field.0,
                self.field.1
            );
        }
        Ok(())
    }

    /// The file's bytes.
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        let mut bytes = MAGIC.to_vec();
        bytes.extend(postcard::to_allocvec(self).context("cannot encode the state")?);
        Ok(bytes)
    }

    /// Reads a file's bytes, checking that they are a state of the module whose SHA-256
    /// is `module_sha256`.
    pub fn from_bytes(bytes: &[u8], module_sha256: &[u8; 32]) -> Result<SavedSession> {
        let Some(body) = bytes.strip_prefix(&MAGIC[..]) else {
            if bytes.starts_with(&MAGIC[..MAGIC.len() - 1]) {
                bail!(
                    "a save state of another wasmcade version (format {})",
                    bytes[MAGIC.len() - 1]
                );
            }
            bail!("not a wasmcade save state");
        };
        let saved: SavedSession =
            postcard::from_bytes(body).context("the save state is damaged")?;
        if &saved.game.instance.module_sha256 != module_sha256 {
            bail!(
                "the state belongs to another module (SHA-256 {}…, this one is {}…)",
                hex(&saved.game.instance.module_sha256[..8]),
                hex(&module_sha256[..8])
            );
        }
        Ok(saved)
    }

    /// Writes the state to `path`, atomically.
    pub fn write(&self, path: &Path) -> Result<()> {
        let bytes = self.to_bytes()?;
        write_file(path, |file| Ok(file.write_all(&bytes)?))
            .with_context(|| format!("cannot save the state to {}", path.display()))
    }

    /// Reads the state in `path` (see [`SavedSession::from_bytes`]).
    pub fn read(path: &Path, module_sha256: &[u8; 32]) -> Result<SavedSession> {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        SavedSession::from_bytes(&bytes, module_sha256)
            .with_context(|| format!("cannot load {}", path.display()))
    }
}

/// Where a game's slots are kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Slots {
    dir: PathBuf,
    stem: String,
    module_sha256: [u8; 32],
}

impl Slots {
    /// The slots of the module whose SHA-256 is `module_sha256`: beside `file`, or in
    /// the working directory under `name` for a game without a file.
    pub fn new(file: Option<&Path>, name: &str, module_sha256: [u8; 32]) -> Slots {
        let dir = file
            .and_then(Path::parent)
            .map_or_else(PathBuf::new, Path::to_path_buf);
        let stem = file.and_then(Path::file_stem).map_or_else(
            || name.to_string(),
            |stem| stem.to_string_lossy().into_owned(),
        );
        Slots {
            dir,
            stem,
            module_sha256,
        }
    }

    /// `DIR/GAME.HASH16.SLOT.state`, slots counted from 1.
    pub fn path(&self, slot: usize) -> PathBuf {
        let hash = hex(&self.module_sha256[..8]);
        self.dir
            .join(format!("{}.{hash}.{}.state", self.stem, slot + 1))
    }

    pub fn module_sha256(&self) -> &[u8; 32] {
        &self.module_sha256
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_sit_beside_the_game_and_carry_its_hash() {
        let mut sha = [0u8; 32];
        sha[0] = 0xab;
        let slots = Slots::new(Some(Path::new("carts/snake.wasm")), "snake", sha);
        assert_eq!(
            slots.path(0),
            Path::new("carts/snake.ab00000000000000.1.state")
        );
        let bundled = Slots::new(None, "rocket", sha);
        assert_eq!(
            bundled.path(3),
            Path::new("rocket.ab00000000000000.4.state")
        );
    }

    #[test]
    fn other_files_are_refused_with_a_reason() {
        let sha = [7; 32];
        let err = SavedSession::from_bytes(b"PNG...", &sha).unwrap_err();
        assert_eq!(err.to_string(), "not a wasmcade save state");
        let mut old = MAGIC.to_vec();
        old[MAGIC.len() - 1] = 0;
        let err = SavedSession::from_bytes(&old, &sha).unwrap_err();
        assert!(
            err.to_string().contains("another wasmcade version"),
            "{err}"
        );
        let err = SavedSession::from_bytes(MAGIC, &sha).unwrap_err();
        assert!(err.to_string().contains("damaged"), "{err}");
    }
}
