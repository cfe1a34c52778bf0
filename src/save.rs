//! Files written for the user (screenshots, draw dumps) never end up truncated: they are
//! written to a temporary file beside the target, synced, then renamed into place.

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// A file being written; it appears under its name only on [`AtomicFile::commit`].
pub struct AtomicFile {
    path: PathBuf,
    temp_path: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let file_name = path
            .file_name()
            .with_context(|| format!("{} is not a file name", path.display()))?;
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(file_name);
        temp_name.push(format!(".{}.tmp", std::process::id()));
        let temp_path = path.with_file_name(temp_name);
        let file = File::create(&temp_path)
            .with_context(|| format!("cannot create {}", temp_path.display()))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            temp_path,
            writer: Some(BufWriter::new(file)),
        })
    }

    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.writer.as_mut().expect("present until commit")
    }

    /// Flushes, syncs and renames the file into place.
    pub fn commit(mut self) -> Result<()> {
        let writer = self.writer.take().expect("present until commit");
        let file = writer
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|file| file.sync_all().map(|()| file))
            .with_context(|| format!("cannot write {}", self.temp_path.display()))?;
        drop(file);
        fs::rename(&self.temp_path, &self.path)
            .with_context(|| format!("cannot move the new file into {}", self.path.display()))
    }
}

impl Drop for AtomicFile {
    /// An uncommitted file is removed: the target keeps its old contents, if any.
    fn drop(&mut self) {
        if self.writer.take().is_some() {
            let _ = fs::remove_file(&self.temp_path);
        }
    }
}

/// Writes `path` atomically with `write`.
pub fn write_file(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<()>,
) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    write(file.writer()).with_context(|| format!("cannot write {}", path.display()))?;
    file.commit()
}

#[cfg(test)]
mod tests {
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
}
