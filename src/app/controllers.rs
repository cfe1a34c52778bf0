//! Game controllers, read from the Linux kernel's evdev devices (`/dev/input/event*`)
//! with the `evdev` crate: every device with a gamepad's south button is a controller, the
//! first four (in the order they appear) are players 1–4, and a controller plugged in or
//! pulled out while the game runs is noticed within a second. Each frame reads the
//! devices' key and axis state (no event queue to fall behind) and maps it through
//! [`gamepad::pad_buttons`](super::gamepad::pad_buttons).
//!
//! Why not `gilrs`, the usual crate: on Linux it links `libudev` through `libudev-sys`,
//! whose build needs libudev's headers and pkg-config (`libudev-dev`), which breaks
//! `cargo run --release` on a machine with only the Rust toolchain. The kernel's
//! gamepad interface (`Documentation/input/gamepad.rst`) already names the buttons of
//! the controllers its drivers know (Xbox, PlayStation, Switch, most USB pads), which is
//! what the mapping table uses.
//!
//! Without `/dev/input`, or on other systems, there are no controllers: that is said
//! once in the log and the game goes on with the keyboard.

use super::gamepad::{PadButtons, PLAYERS};

/// The controllers of players 1–4.
pub struct Controllers {
    backend: backend::Devices,
}

impl Controllers {
    /// Looks for controllers (and says once in the log if it cannot).
    pub fn open() -> Controllers {
        Controllers {
            backend: backend::Devices::open(),
        }
    }

    /// The buttons held on each player's controller now.
    pub fn poll(&mut self) -> [PadButtons; PLAYERS] {
        self.backend.poll()
    }
}

#[cfg(target_os = "linux")]
mod backend {
    use std::path::{Path, PathBuf};
    use std::time::{Duration, Instant};

    use evdev::{Device, KeyCode};

    use crate::app::gamepad::{pad_buttons, Axis, PadButtons, GAMEPAD_BUTTON, PLAYERS};

    /// Where the kernel's input devices are.
    const INPUT_DIR: &str = "/dev/input";
    /// How often new devices are looked for.
    const RESCAN: Duration = Duration::from_secs(1);

    struct Controller {
        path: PathBuf,
        device: Device,
    }

    pub struct Devices {
        /// Each player's controller.
        players: [Option<Controller>; PLAYERS],
        /// False when there is no input directory: nothing to look for.
        available: bool,
        next_scan: Instant,
        /// Devices that could not be opened (said once each).
        refused: Vec<PathBuf>,
    }

    impl Devices {
        pub fn open() -> Devices {
            let available = Path::new(INPUT_DIR).is_dir();
            if !available {
                log::warn!(
                    "no game controllers: {INPUT_DIR} does not exist on this machine (keyboard only)"
                );
            }
            let mut devices = Devices {
                players: Default::default(),
                available,
                next_scan: Instant::now(),
                refused: Vec::new(),
            };
            devices.scan();
            devices
        }

        pub fn poll(&mut self) -> [PadButtons; PLAYERS] {
            if self.available && Instant::now() >= self.next_scan {
                self.scan();
            }
            std::array::from_fn(|player| {
                let Some(controller) = &self.players[player] else {
                    return PadButtons::default();
                };
                match read(&controller.device) {
                    Ok(buttons) => buttons,
                    Err(error) => {
                        log::info!(
                            "controller {} ({}) gone: {error}",
                            player + 1,
                            controller.path.display()
                        );
                        self.players[player] = None;
                        PadButtons::default()
                    }
                }
            })
        }

        /// Opens gamepads not yet seen and gives each the first free player.
        fn scan(&mut self) {
            self.next_scan = Instant::now() + RESCAN;
            if !self.available {
                return;
            }
            let Ok(entries) = std::fs::read_dir(INPUT_DIR) else {
                return;
            };
            let mut paths: Vec<PathBuf> = entries
                .filter_map(|entry| Some(entry.ok()?.path()))
                .filter(|path| {
                    path.file_name()
                        .and_then(|name| name.to_str())
                        .is_some_and(|name| name.starts_with("event"))
                })
                .collect();
            paths.sort();
            // The kernel reuses event numbers: a device gone lets its path be looked at
            // again.
            self.refused.retain(|path| paths.contains(path));
            for path in paths {
                let known = self.players.iter().flatten().any(|c| c.path == path);
                if known || self.refused.contains(&path) {
                    continue;
                }
                let Some(free) = self.players.iter().position(Option::is_none) else {
                    return;
                };
                match Device::open(&path) {
                    Ok(device) if is_gamepad(&device) => {
                        log::info!(
                            "controller {}: {} ({})",
                            free + 1,
                            device.name().unwrap_or("unnamed"),
                            path.display()
                        );
                        self.players[free] = Some(Controller { path, device });
                    }
                    Ok(_) => self.refused.push(path),
                    Err(error) => {
                        // Keyboards and mice are often unreadable on purpose; say it
                        // for the first device only.
                        if self.refused.is_empty() {
                            log::info!(
                                "cannot open {} ({error}): a controller there needs read access (the `input` group)",
                                path.display()
                            );
                        }
                        self.refused.push(path);
                    }
                }
            }
        }
    }

    fn is_gamepad(device: &Device) -> bool {
        device
            .supported_keys()
            .is_some_and(|keys| keys.contains(KeyCode::new(GAMEPAD_BUTTON)))
    }

    /// The buttons held on `device` now.
    fn read(device: &Device) -> std::io::Result<PadButtons> {
        let keys: Vec<u16> = device
            .get_key_state()?
            .iter()
            .map(|key| key.code())
            .collect();
        let state = device.get_abs_state()?;
        let axes: Vec<Axis> = device
            .supported_absolute_axes()
            .into_iter()
            .flat_map(|axes| axes.iter())
            .map(|axis| {
                let info = state[axis.0 as usize];
                Axis {
                    code: axis.0,
                    value: info.value,
                    minimum: info.minimum,
                    maximum: info.maximum,
                }
            })
            .collect();
        Ok(pad_buttons(&keys, &axes))
    }
}

#[cfg(not(target_os = "linux"))]
mod backend {
    use crate::app::gamepad::{PadButtons, PLAYERS};

    pub struct Devices;

    impl Devices {
        pub fn open() -> Devices {
            log::warn!("no game controllers: wasmcade reads them on Linux only (keyboard only)");
            Devices
        }

        pub fn poll(&mut self) -> [PadButtons; PLAYERS] {
            [PadButtons::default(); PLAYERS]
        }
    }
}
