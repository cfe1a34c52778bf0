//! Screenshots: the window's pixels (or a software-drawn picture) to a PNG file, written
//! atomically; names for captures taken by a key.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use image::{ImageBuffer, ImageOutputFormat, Rgba};
use macroquad::texture::get_screen_data;

use crate::save::write_file;

/// Saves what the window shows now (call after drawing, before `next_frame`).
pub fn save_window(path: &Path) -> Result<()> {
    let screen = get_screen_data();
    save_png(
        path,
        screen.width as u32,
        screen.height as u32,
        &screen.bytes,
    )
}

/// `wasmcade-2026-11-24-153012.png`: the time (UTC) a screenshot is taken (`extension`
/// `gif` for an F10 capture).
pub fn timestamped_name(now: SystemTime, extension: &str) -> String {
    let seconds = now.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, time) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = civil_date(days as i64);
    let (hour, minute, second) = (time / 3600, time / 60 % 60, time % 60);
    format!("wasmcade-{year:04}-{month:02}-{day:02}-{hour:02}{minute:02}{second:02}.{extension}")
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_date(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Writes RGBA pixels whose rows run bottom-up (as OpenGL reads them) as a PNG.
pub fn save_png(path: &Path, width: u32, height: u32, bottom_up_rgba: &[u8]) -> Result<()> {
    let row = width as usize * 4;
    let top_down: Vec<u8> = bottom_up_rgba
        .chunks_exact(row)
        .rev()
        .flatten()
        .copied()
        .collect();
    save_rgba_png(path, width, height, top_down)
}

/// Writes RGBA pixels, rows top-down, as a PNG.
pub fn save_rgba_png(path: &Path, width: u32, height: u32, rgba: Vec<u8>) -> Result<()> {
    let image: ImageBuffer<Rgba<u8>, Vec<u8>> = ImageBuffer::from_raw(width, height, rgba)
        .context("the picture does not match its size")?;
    write_file(path, |file| {
        Ok(image.write_to(file, ImageOutputFormat::Png)?)
    })
    .with_context(|| format!("cannot save the screenshot {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_utc_date_and_time() {
        let at = |seconds| UNIX_EPOCH + std::time::Duration::from_secs(seconds);
        assert_eq!(
            timestamped_name(at(0), "png"),
            "wasmcade-1970-01-01-000000.png"
        );
        // 2026-11-24 15:30:12 UTC; 2024-02-29 (a leap day) 23:59:59 UTC.
        assert_eq!(
            timestamped_name(at(1_795_534_212), "gif"),
            "wasmcade-2026-11-24-153012.gif"
        );
        assert_eq!(
            timestamped_name(at(1_709_251_199), "png"),
            "wasmcade-2024-02-29-235959.png"
        );
    }

    #[test]
    fn rows_are_flipped_right_side_up() {
        let dir = std::env::temp_dir().join(format!("wasmcade-shot-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("shot.png");
        // Bottom row red, top row blue, as OpenGL hands them over (bottom row first).
        let pixels = [
            [255, 0, 0, 255],
            [255, 0, 0, 255],
            [0, 0, 255, 255],
            [0, 0, 255, 255],
        ];
        save_png(&path, 2, 2, pixels.as_flattened()).unwrap();
        let image = image::open(&path).unwrap().to_rgba8();
        assert_eq!(image.get_pixel(0, 0).0, [0, 0, 255, 255]);
        assert_eq!(image.get_pixel(1, 1).0, [255, 0, 0, 255]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
