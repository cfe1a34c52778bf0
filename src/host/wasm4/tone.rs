//! `tone(frequency, duration, volume, flags)`: WASM-4's sound call, decoded and
//! synthesised into samples (plain data: the app plays them when built with the `sound`
//! feature; without it tones are accepted and silent).
//!
//! The arguments pack several fields (WASM-4's API): `frequency` is the start frequency
//! in its low 16 bits and an end frequency (0: none, no slide) in its high 16 bits;
//! `duration` holds the envelope in frames of 1/60 s: sustain (bits 0–7), release
//! (8–15), decay (16–23), attack (24–31); `volume` is the sustain volume (bits 0–7) and
//! the peak volume (bits 8–15; 0 means 100), both 0–100; `flags` is the channel (bits
//! 0–1: pulse, pulse, triangle, noise), the pulse duty (bits 2–3: 12.5%, 25%, 50%, 75%),
//! the pan (bits 4–5, ignored: the output is mono) and note mode (bit 6: frequencies are
//! MIDI note numbers).

/// Seconds per envelope frame.
const FRAME: f32 = 1.0 / 60.0;

/// The waveform of a channel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Wave {
    /// A pulse whose high part lasts this fraction of a period.
    Pulse(f32),
    Triangle,
    Noise,
}

/// One decoded `tone` call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tone {
    pub start_hz: f32,
    pub end_hz: f32,
    /// Envelope phases in frames.
    pub attack: u32,
    pub decay: u32,
    pub sustain: u32,
    pub release: u32,
    /// 0..=1.
    pub peak: f32,
    pub volume: f32,
    pub wave: Wave,
}

impl Tone {
    pub fn decode(frequency: u32, duration: u32, volume: u32, flags: u32) -> Tone {
        let note_mode = flags & 0x40 != 0;
        let hz = |value: u32| {
            if note_mode {
                440.0 * 2f32.powf(((value & 0xff) as f32 - 69.0) / 12.0)
            } else {
                value as f32
            }
        };
        let start = frequency & 0xffff;
        let end = frequency >> 16;
        let wave = match flags & 3 {
            0 | 1 => Wave::Pulse([0.125, 0.25, 0.5, 0.75][(flags >> 2 & 3) as usize]),
            2 => Wave::Triangle,
            _ => Wave::Noise,
        };
        let peak = match volume >> 8 & 0xff {
            0 => 100,
            peak => peak.min(100),
        };
        Tone {
            start_hz: hz(start),
            end_hz: if end == 0 { hz(start) } else { hz(end) },
            attack: duration >> 24,
            decay: duration >> 16 & 0xff,
            sustain: duration & 0xff,
            release: duration >> 8 & 0xff,
            peak: peak as f32 / 100.0,
            volume: (volume & 0xff).min(100) as f32 / 100.0,
            wave,
        }
    }

    /// Length in seconds.
    pub fn seconds(&self) -> f32 {
        (self.attack + self.decay + self.sustain + self.release) as f32 * FRAME
    }

    /// The envelope's volume `t` seconds in: up to the peak during the attack, down to
    /// the sustain volume during the decay, held, then down to silence.
    fn envelope(&self, t: f32) -> f32 {
        let phase = |frames: u32| frames as f32 * FRAME;
        let (attack, decay, sustain) = (phase(self.attack), phase(self.decay), phase(self.sustain));
        let release = phase(self.release);
        let ramp =
            |from: f32, to: f32, at: f32, over: f32| from + (to - from) * (at / over).min(1.0);
        if t < attack {
            ramp(0.0, self.peak, t, attack)
        } else if t < attack + decay {
            ramp(self.peak, self.volume, t - attack, decay)
        } else if t < attack + decay + sustain {
            self.volume
        } else {
            ramp(
                self.volume,
                0.0,
                t - attack - decay - sustain,
                release.max(f32::MIN_POSITIVE),
            )
        }
    }

    /// Mono samples in [-1, 1] at `rate` samples per second.
    pub fn samples(&self, rate: u32) -> Vec<f32> {
        let count = (self.seconds() * rate as f32).round() as usize;
        let length = self.seconds().max(f32::MIN_POSITIVE);
        let mut phase = 0.0f32;
        let mut noise = 0x7fffu16;
        let mut last_cycle = 0u32;
        (0..count)
            .map(|i| {
                let t = i as f32 / rate as f32;
                let hz = self.start_hz + (self.end_hz - self.start_hz) * (t / length);
                phase = (phase + hz / rate as f32).fract();
                let value = match self.wave {
                    Wave::Pulse(duty) => {
                        if phase < duty {
                            1.0
                        } else {
                            -1.0
                        }
                    }
                    Wave::Triangle => 1.0 - 4.0 * (phase - 0.5).abs(),
                    Wave::Noise => {
                        // A 15-bit LFSR stepped once per period, as the NES does.
                        let cycle = (t * hz) as u32;
                        if cycle != last_cycle {
                            last_cycle = cycle;
                            let bit = (noise ^ (noise >> 1)) & 1;
                            noise = (noise >> 1) | (bit << 14);
                        }
                        if noise & 1 == 0 {
                            1.0
                        } else {
                            -1.0
                        }
                    }
                };
                value * self.envelope(t) * 0.25
            })
            .collect()
    }

    /// The tone as a 16-bit mono WAV file.
    pub fn wav(&self, rate: u32) -> Vec<u8> {
        let samples = self.samples(rate);
        let data_len = samples.len() as u32 * 2;
        let mut wav = Vec::with_capacity(44 + data_len as usize);
        wav.extend_from_slice(b"RIFF");
        wav.extend_from_slice(&(36 + data_len).to_le_bytes());
        wav.extend_from_slice(b"WAVEfmt ");
        for field in [16u32, 1 | 1 << 16, rate, rate * 2, 2 | 16 << 16] {
            wav.extend_from_slice(&field.to_le_bytes());
        }
        wav.extend_from_slice(b"data");
        wav.extend_from_slice(&data_len.to_le_bytes());
        for sample in samples {
            wav.extend_from_slice(
                &((sample.clamp(-1.0, 1.0) * i16::MAX as f32) as i16).to_le_bytes(),
            );
        }
        wav
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_packed_arguments_decode() {
        let tone = Tone::decode(
            262 | 523 << 16,
            10 | 20 << 8 | 5 << 16 | 3 << 24,
            40 | 80 << 8,
            2 | 1 << 2,
        );
        assert_eq!((tone.start_hz, tone.end_hz), (262.0, 523.0));
        assert_eq!(
            (tone.attack, tone.decay, tone.sustain, tone.release),
            (3, 5, 10, 20)
        );
        assert_eq!((tone.peak, tone.volume), (0.8, 0.4));
        assert_eq!(tone.wave, Wave::Triangle);
        let simple = Tone::decode(440, 30, 100, 1 << 2);
        assert_eq!(
            (simple.end_hz, simple.peak, simple.sustain),
            (440.0, 1.0, 30)
        );
        assert_eq!(simple.wave, Wave::Pulse(0.25));
        let note = Tone::decode(69, 1, 50, 0x40);
        assert!((note.start_hz - 440.0).abs() < 1e-3, "note 69 is A4");
        assert_eq!(Tone::decode(1, 1, 1, 3).wave, Wave::Noise);
    }

    #[test]
    fn samples_follow_the_envelope_and_frequency() {
        let rate = 48_000;
        let tone = Tone::decode(1_000, 30, 100, 2 << 2);
        let samples = tone.samples(rate);
        assert_eq!(samples.len(), rate as usize / 2, "30 frames: half a second");
        // A 50% pulse at 1 kHz: 1,000 rising edges in a second, 500 in half.
        let rising = samples
            .windows(2)
            .filter(|w| w[0] < 0.0 && w[1] > 0.0)
            .count();
        assert!((495..=505).contains(&rising), "{rising}");
        assert!(samples.iter().all(|s| s.abs() <= 0.25 + 1e-6));
        // Release to silence.
        let fading = Tone::decode(1_000, 10 << 8, 100, 0);
        let samples = fading.samples(rate);
        let loud = |part: &[f32]| part.iter().map(|s| s.abs()).fold(0.0, f32::max);
        assert!(loud(&samples[..800]) > loud(&samples[samples.len() - 800..]) * 4.0);
    }

    #[test]
    fn the_wav_header_describes_the_samples() {
        let wav = Tone::decode(440, 6, 100, 0).wav(8_000);
        assert_eq!(&wav[..4], b"RIFF");
        assert_eq!(&wav[8..16], b"WAVEfmt ");
        assert_eq!(u32::from_le_bytes(wav[24..28].try_into().unwrap()), 8_000);
        let data_len = u32::from_le_bytes(wav[40..44].try_into().unwrap()) as usize;
        assert_eq!(data_len, 800 * 2, "0.1 s of 16-bit samples");
        assert_eq!(wav.len(), 44 + data_len);
    }
}
