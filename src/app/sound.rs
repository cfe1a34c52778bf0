//! Sound (the `sound` cargo feature): WASM-4 tones of each new frame, synthesised by
//! `host::wasm4::tone` and played through macroquad's audio. Without the feature, tones
//! are accepted and silent.

use macroquad::audio::{load_sound_from_bytes, play_sound_once};

use crate::host::wasm4::tone::Tone;
use crate::host::DrawCall;

/// Samples per second of the synthesised tones.
const RATE: u32 = 44_100;

/// Plays the tones among a frame's draw calls.
pub async fn play_tones(calls: &[DrawCall]) {
    for call in calls {
        if let DrawCall::Tone {
            frequency,
            duration,
            volume,
            flags,
        } = *call
        {
            let wav = Tone::decode(frequency, duration, volume, flags).wav(RATE);
            match load_sound_from_bytes(&wav).await {
                Ok(sound) => play_sound_once(&sound),
                Err(error) => log::warn!("cannot play a tone: {error}"),
            }
        }
    }
}
