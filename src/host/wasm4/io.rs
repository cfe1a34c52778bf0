//! The cart's words and saves: `trace` texts and `tracef` formatting, and the 1,024-byte
//! disk of `diskr`/`diskw`, kept in a file beside the cart (`CART.disk`) and written
//! atomically so a crash never leaves half a save.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use super::guest::{self, BadRead};
use crate::save::write_file;

/// The most a disk holds.
pub const DISK_SIZE: usize = 1024;

/// Logs a line the cart traced.
pub fn trace(text: &str) {
    log::info!("cart: {text}");
}

/// `tracef(fmt, args)`: the C string at `fmt` with `%c`, `%d`, `%x` (4-byte arguments),
/// `%s` (a 4-byte pointer to a C string) and `%f` (an 8-byte f64) replaced by the
/// arguments read one after another from `args`; `%%` is a percent sign, anything else
/// after `%` is kept as written (the reference runtime's rules).
pub fn format(memory: &[u8], fmt: i32, args: i32) -> Result<String, BadRead> {
    let fmt = guest::c_string(memory, fmt)?;
    let mut out = String::new();
    let mut next = args;
    let mut take = |size: i32| {
        let at = next;
        next = next.wrapping_add(size);
        at
    };
    let mut chars = fmt.iter().copied();
    let mut literal = Vec::new();
    while let Some(byte) = chars.next() {
        if byte != b'%' {
            literal.push(byte);
            continue;
        }
        out.push_str(&String::from_utf8_lossy(&std::mem::take(&mut literal)));
        match chars.next() {
            Some(b'c') => {
                let code = guest::u32_at(memory, take(4))?;
                out.push(char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            Some(b'd') => {
                let _ = write!(out, "{}", guest::u32_at(memory, take(4))? as i32);
            }
            Some(b'x') => {
                let _ = write!(out, "{:x}", guest::u32_at(memory, take(4))?);
            }
            Some(b's') => {
                let ptr = guest::u32_at(memory, take(4))?;
                out.push_str(&String::from_utf8_lossy(guest::c_string(
                    memory, ptr as i32,
                )?));
            }
            Some(b'f') => {
                let _ = write!(out, "{}", guest::f64_at(memory, take(8))?);
            }
            Some(b'%') => out.push('%'),
            Some(other) => {
                out.push('%');
                literal.push(other);
            }
            // A `%` at the very end ends the text, as in WASM-4.
            None => {}
        }
    }
    out.push_str(&String::from_utf8_lossy(&literal));
    Ok(out)
}

/// A cart's save: its bytes, and the file they are kept in (none: only in memory).
pub struct Disk {
    path: Option<PathBuf>,
    bytes: Vec<u8>,
}

impl Disk {
    /// The disk in `path` (empty if there is no such file yet or it cannot be read).
    pub fn open(path: Option<PathBuf>) -> Disk {
        let bytes = match &path {
            Some(path) => match std::fs::read(path) {
                Ok(mut bytes) => {
                    bytes.truncate(DISK_SIZE);
                    bytes
                }
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => Vec::new(),
                Err(error) => {
                    log::warn!("cannot read the disk {}: {error}", path.display());
                    Vec::new()
                }
            },
            None => Vec::new(),
        };
        Disk { path, bytes }
    }

    /// The saved bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Puts back the bytes a save state kept, without writing the file.
    pub fn restore(&mut self, bytes: &[u8]) {
        self.bytes = bytes[..bytes.len().min(DISK_SIZE)].to_vec();
    }

    /// Replaces the save with `bytes` (at most [`DISK_SIZE`] of them) and writes the
    /// file; returns how many bytes were kept. A file that cannot be written is
    /// logged: the save then lasts until the cart stops.
    pub fn write(&mut self, bytes: &[u8]) -> usize {
        self.bytes = bytes[..bytes.len().min(DISK_SIZE)].to_vec();
        if let Some(path) = &self.path {
            let saved = &self.bytes;
            if let Err(error) = write_file(path, |file| Ok(file.write_all(saved)?)) {
                log::warn!("cannot save the disk: {error:#}");
            }
        }
        self.bytes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracef_reads_each_argument_in_turn() {
        let mut memory = vec![0u8; 64];
        let fmt = b"%c=%d %x %s %f 100%% %q%\0";
        memory[..fmt.len()].copy_from_slice(fmt);
        memory[32..34].copy_from_slice(b"ok");
        let mut args = Vec::new();
        args.extend(('A' as u32).to_le_bytes());
        args.extend((-5i32).to_le_bytes());
        args.extend(255u32.to_le_bytes());
        args.extend(32u32.to_le_bytes());
        args.extend(1.5f64.to_le_bytes());
        memory[40..40 + args.len()].copy_from_slice(&args);
        assert_eq!(format(&memory, 0, 40).unwrap(), "A=-5 ff ok 1.5 100% %q");
        assert!(format(&memory, 0, 60).is_err(), "arguments past the end");
    }

    #[test]
    fn a_disk_keeps_at_most_a_kilobyte_and_survives_in_its_file() {
        let dir = std::env::temp_dir().join(format!("wasmcade-disk-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("cart.disk");
        let mut disk = Disk::open(Some(path.clone()));
        assert_eq!(disk.bytes(), b"");
        assert_eq!(disk.write(&[7; 2000]), DISK_SIZE);
        assert_eq!(Disk::open(Some(path.clone())).bytes(), &[7; DISK_SIZE][..]);
        assert_eq!(disk.write(b"hi"), 2);
        assert_eq!(std::fs::read(&path).unwrap(), b"hi");
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(Disk::open(None).write(b"x"), 1);
    }
}
