//! Hot reload (`--watch`): notices when the game's file changes, and reports a change
//! only once the file has stopped changing (a compiler may still be writing it).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// How often the file is looked at.
const POLL: Duration = Duration::from_millis(150);

pub struct FileWatch {
    path: PathBuf,
    /// The modification time and size last reported (or seen at start).
    reported: Option<(SystemTime, u64)>,
    /// A new state seen at the last poll, waiting to be seen again unchanged.
    pending: Option<(SystemTime, u64)>,
    next_poll: Instant,
}

impl FileWatch {
    pub fn new(path: &Path) -> FileWatch {
        FileWatch {
            path: path.to_path_buf(),
            reported: file_state(path),
            pending: None,
            next_poll: Instant::now() + POLL,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True once per change, when the file has been the same for two polls in a row.
    pub fn changed(&mut self) -> bool {
        if Instant::now() < self.next_poll {
            return false;
        }
        self.next_poll = Instant::now() + POLL;
        let now = file_state(&self.path);
        if now.is_none() || now == self.reported {
            self.pending = None;
            return false;
        }
        if now != self.pending {
            self.pending = now;
            return false;
        }
        self.reported = now;
        self.pending = None;
        true
    }
}

fn file_state(path: &Path) -> Option<(SystemTime, u64)> {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.modified().ok()?, metadata.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_is_reported_once_after_it_settles() {
        let dir = std::env::temp_dir().join(format!("wasmcade-watch-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("game.wasm");
        std::fs::write(&path, b"one").unwrap();
        let mut watch = FileWatch::new(&path);
        let poll = |watch: &mut FileWatch| {
            std::thread::sleep(POLL + Duration::from_millis(10));
            watch.changed()
        };
        assert!(!poll(&mut watch), "nothing changed yet");
        std::fs::write(&path, b"second version").unwrap();
        assert!(
            !poll(&mut watch),
            "first sight of a change waits for it to settle"
        );
        assert!(poll(&mut watch), "settled change is reported");
        assert!(!poll(&mut watch), "reported once");
        std::fs::remove_file(&path).unwrap();
        assert!(!poll(&mut watch), "a missing file is no change");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
