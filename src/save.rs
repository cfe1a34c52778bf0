//! Files written for the user (screenshots, draw dumps, recordings, WASM-4 disks) never
//! end up truncated: they are written to a temporary file beside the target, synced,
//! then renamed into place (`tempfile`'s `NamedTempFile::persist`).

use std::io::BufWriter;
use std::path::Path;

use anyhow::{Context, Result};
use tempfile::NamedTempFile;

/// A file being written; it appears under its name only on [`AtomicFile::commit`], and
/// an uncommitted one is removed when dropped (the target keeps its old contents).
pub struct AtomicFile {
    path: std::path::PathBuf,
    writer: BufWriter<NamedTempFile>,
}

impl AtomicFile {
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let file_name = path
            .file_name()
            .with_context(|| format!("{} is not a file name", path.display()))?;
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let mut prefix = std::ffi::OsString::from(".");
        prefix.push(file_name);
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        // A file the user keeps gets the usual permissions (tempfile's own are 0600).
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let file = builder
            .tempfile_in(dir)
            .with_context(|| format!("cannot create a file in {}", dir.display()))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            writer: BufWriter::new(file),
        })
    }

    pub fn writer(&mut self) -> &mut BufWriter<NamedTempFile> {
        &mut self.writer
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(self) -> Result<()> {
        let file = self
            .writer
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|file| file.as_file().sync_all().map(|()| file))
            .with_context(|| format!("cannot write {}", self.path.display()))?;
        file.persist(&self.path)
            .with_context(|| format!("cannot move the new file into {}", self.path.display()))?;
        Ok(())
    }
}

/// Writes `path` atomically with `write`.
pub fn write_file(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<NamedTempFile>) -> Result<()>,
) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    write(file.writer()).with_context(|| format!("cannot write {}", path.display()))?;
    file.commit()
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::io::Write;

    use super::*;

    #[test]
    fn the_file_appears_only_when_committed() {
        let dir = std::env::temp_dir().join(format!("wasmcade-save-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out.txt");
        fs::write(&path, "old").unwrap();

        let mut file = AtomicFile::create(&path).unwrap();
        file.writer().write_all(b"new").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        drop(file);
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            1,
            "temp file left behind"
        );

        write_file(&path, |w| Ok(w.write_all(b"new")?)).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_directory_is_an_error_not_a_panic() {
        let err = write_file(Path::new("/nonexistent-dir/x.png"), |_| Ok(())).unwrap_err();
        assert!(format!("{err:#}").contains("cannot create"), "{err:#}");
    }

    #[cfg(unix)]
    #[test]
    fn a_saved_file_has_the_usual_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("wasmcade-mode-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("shot.png");
        write_file(&path, |w| Ok(w.write_all(b"png")?)).unwrap();
        let plain = dir.join("plain.png");
        fs::File::create(&plain).unwrap();
        let mode = |path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), mode(&plain), "as File::create makes them");
        fs::remove_dir_all(&dir).unwrap();
    }
}
