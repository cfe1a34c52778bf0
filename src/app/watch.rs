//! Hot reload (`--watch`): notices when the game's file changes (through the system's
//! file events, with `notify`), and reports a change only once the file has stopped
//! changing (a compiler may still be writing it).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

/// How long the file must be left alone before a change is reported.
const SETTLE: Duration = Duration::from_millis(150);

pub struct FileWatch {
    path: PathBuf,
    /// Kept alive: dropping it stops the events.
    _watcher: RecommendedWatcher,
    /// The file events, with when each arrived.
    events: Receiver<(Instant, notify::Result<Event>)>,
    /// When the file last changed, while that change is not yet reported.
    changed_at: Option<Instant>,
}

impl FileWatch {
    /// Watches the file's folder (a build that replaces the file by renaming a new one
    /// over it is seen too).
    pub fn new(path: &Path) -> Result<FileWatch> {
        let folder = match path.parent() {
            Some(folder) if !folder.as_os_str().is_empty() => folder,
            _ => Path::new("."),
        };
        let (sender, events) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(move |event| {
            // The receiver goes when the watch does; nothing is left to tell then.
            let _ = sender.send((Instant::now(), event));
        })
        .context("cannot watch files on this system")?;
        watcher
            .watch(folder, RecursiveMode::NonRecursive)
            .with_context(|| format!("cannot watch {}", folder.display()))?;
        Ok(FileWatch {
            path: path.to_path_buf(),
            _watcher: watcher,
            events,
            changed_at: None,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True once per change, when the file has been left alone for [`SETTLE`] and is
    /// there (a file that was removed is no change).
    pub fn changed(&mut self) -> bool {
        while let Ok((at, event)) = self.events.try_recv() {
            match event {
                Ok(event) if self.is_change_of_the_file(&event) => self.changed_at = Some(at),
                Ok(_) => {}
                Err(error) => log::warn!("watching {}: {error}", self.path.display()),
            }
        }
        match self.changed_at {
            Some(at) if at.elapsed() >= SETTLE => {
                self.changed_at = None;
                self.path.exists()
            }
            _ => false,
        }
    }

    /// Whether `event` says the file was written, created, replaced or removed (not
    /// only read: reloading reads it).
    fn is_change_of_the_file(&self, event: &Event) -> bool {
        let written = matches!(
            event.kind,
            EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
        );
        written
            && event
                .paths
                .iter()
                .any(|path| path.file_name() == self.path.file_name())
    }
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
        let mut watch = FileWatch::new(&path).unwrap();
        let after = |watch: &mut FileWatch, wait: Duration| {
            std::thread::sleep(wait);
            watch.changed()
        };
        let settled = SETTLE * 2;
        assert!(!after(&mut watch, settled), "nothing changed yet");
        std::fs::write(&path, b"second version").unwrap();
        assert!(
            !after(&mut watch, Duration::ZERO),
            "a change waits for the file to settle"
        );
        assert!(after(&mut watch, settled), "settled change is reported");
        assert!(!after(&mut watch, settled), "reported once");
        std::fs::read(&path).unwrap();
        assert!(!after(&mut watch, settled), "reading the file is no change");
        std::fs::write(dir.join("other.wasm"), b"x").unwrap();
        assert!(!after(&mut watch, settled), "another file is no change");
        let replacement = dir.join("game.wasm.new");
        std::fs::write(&replacement, b"third version").unwrap();
        std::fs::rename(&replacement, &path).unwrap();
        assert!(
            after(&mut watch, settled),
            "a file renamed over it is a change"
        );
        std::fs::remove_file(&path).unwrap();
        assert!(!after(&mut watch, settled), "a missing file is no change");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
