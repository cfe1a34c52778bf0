//! The game window: macroquad's frame loop around a [`Session`]. Game keys become toggles
//! on their edges; `dt` comes from the frame clock (clamped), `--dt` or a replay, scaled
//! by the speed; a failing game freezes under the error overlay; the host keys
//! ([`controls`]) pause, step, change speed, restart, show the HUD, help and module
//! panels, take screenshots and toggle full screen; `--watch` reloads the game when its
//! file changes; `--record` saves the session for `--replay`.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Result};
use macroquad::prelude::{
    draw_rectangle, draw_text, get_fps, get_frame_time, is_key_down, is_mouse_button_down,
    is_quit_requested, mouse_position, next_frame, screen_height, screen_width, Color, MouseButton,
    WHITE,
};
use macroquad::window::{set_fullscreen, Conf};

use super::controls::{self, Command, NORMAL_SPEED, TIME_SCALES};
use super::hud::{Hud, HudInfo};
use super::keys::{HeldKeys, KEYS};
use super::overlay::{self, Place};
use super::script::{Recorder, Script};
use super::session::Session;
use super::theme::Theme;
use super::watch::FileWatch;
use super::{render, screenshot};
use crate::host::{DrawCall, GameError};
use crate::interp::Module;
use crate::save::write_file;

/// The longest `dt` a frame passes to `update`: a stall or a window drag does not
/// teleport the game.
pub const MAX_DT: f64 = 0.1;
/// A window starts at least this many pixels on its shorter side: a small field (a
/// WASM-4 cart's 160×160) is scaled up by a whole factor to reach it.
const MIN_WINDOW_SIDE: f64 = 480.0;
/// How long a notice (screenshot saved, reload failed) stays on screen.
const NOTICE_SECONDS: u64 = 4;

/// Loads the game's module again from its file, for `--watch`.
pub type Loader = Box<dyn Fn(&Path) -> Result<Module>>;

pub struct WindowOptions {
    pub title: String,
    /// The game's name in panels and messages.
    pub game_name: String,
    /// A fixed timestep instead of the frame clock.
    pub dt: Option<f64>,
    /// Quit after this many frames.
    pub frames: Option<u64>,
    /// Save the last frame (of `frames`) to this PNG before quitting.
    pub screenshot: Option<PathBuf>,
    pub theme: Theme,
    /// Save the session's `dt`s and keys here when the window closes.
    pub record: Option<PathBuf>,
    /// Scripted keys instead of the keyboard; a recording's `dt`s too, and at its end
    /// the window pauses.
    pub script: Option<Script>,
    /// Reload the game when this file changes.
    pub watch: Option<(PathBuf, Loader)>,
    /// Start with the HUD shown.
    pub hud: bool,
}

/// Opens the window and plays until Esc, the window closes, or `frames` are done.
pub fn run(session: Session, options: WindowOptions) -> Result<()> {
    ensure_display()?;
    let watch = options
        .watch
        .as_ref()
        .map(|(path, _)| FileWatch::new(path))
        .transpose()?;
    let (width, height) = session.config().field;
    let scale = (MIN_WINDOW_SIDE / width.min(height)).ceil().max(1.0);
    let (width, height) = (width * scale, height * scale);
    let conf = Conf {
        window_title: options.title.clone(),
        window_width: width.round() as i32,
        window_height: height.round() as i32,
        window_resizable: true,
        ..Conf::default()
    };
    let outcome: Rc<RefCell<Option<Result<()>>>> = Rc::default();
    let slot = Rc::clone(&outcome);
    // The windowing library panics when it cannot open a window (a display that is
    // set but unreachable, no GL): that becomes an error, and the panic's own report
    // goes to the debug log instead of the terminal.
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| log::debug!("window panic: {info}")));
    let window = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        macroquad::Window::from_config(conf, async move {
            let result = Window::new(session, options, watch).run().await;
            *slot.borrow_mut() = Some(result);
        });
    }));
    std::panic::set_hook(report);
    if let Err(panic) = window {
        let message = panic
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| panic.downcast_ref::<&str>().copied())
            .unwrap_or("unknown failure");
        if message.contains("XOpenDisplay") {
            let display = std::env::var("DISPLAY").unwrap_or_default();
            bail!("cannot open the display `{display}`: use `--headless`, or run under `xvfb-run`");
        }
        bail!("the window failed: {message}");
    }
    let result = outcome.borrow_mut().take();
    result.unwrap_or(Ok(()))
}

/// A clear error instead of the windowing library's panic when there is no display.
fn ensure_display() -> Result<()> {
    let unset = |name| std::env::var_os(name).is_none_or(|value| value.is_empty());
    if cfg!(target_os = "linux") && unset("DISPLAY") && unset("WAYLAND_DISPLAY") {
        return Err(anyhow!(
            "no display to open a window on (DISPLAY is not set): use `--headless`, or run under `xvfb-run`"
        ));
    }
    Ok(())
}

/// Everything the window loop keeps between frames.
struct Window {
    session: Session,
    options: WindowOptions,
    /// The last frame's display list (kept while paused or failed).
    calls: Vec<DrawCall>,
    failure: Option<GameError>,
    held: HeldKeys,
    paused: bool,
    step_once: bool,
    screenshot_requested: bool,
    speed: usize,
    show_hud: bool,
    show_info: bool,
    show_help: bool,
    fullscreen: bool,
    shown: u64,
    hud: Hud,
    render_time: Duration,
    notice: Option<(String, Instant)>,
    recorder: Option<Recorder>,
    watch: Option<FileWatch>,
}

impl Window {
    fn new(session: Session, options: WindowOptions, watch: Option<FileWatch>) -> Window {
        let recorder = options
            .record
            .as_ref()
            .map(|_| Recorder::new(session.config().field));
        Window {
            session,
            calls: Vec::new(),
            failure: None,
            held: HeldKeys::default(),
            paused: false,
            step_once: false,
            screenshot_requested: false,
            speed: NORMAL_SPEED,
            show_hud: options.hud,
            show_info: false,
            show_help: false,
            fullscreen: false,
            shown: 0,
            hud: Hud::default(),
            render_time: Duration::ZERO,
            notice: None,
            recorder,
            watch,
            options,
        }
    }

    async fn run(mut self) -> Result<()> {
        let result = self.frame_loop().await;
        log::info!("{}", self.session.summary());
        let saved = self.save_recording();
        result.and(saved)
    }

    async fn frame_loop(&mut self) -> Result<()> {
        loop {
            if is_quit_requested() {
                return Ok(());
            }
            for command in controls::pressed() {
                if command == Command::Quit {
                    return Ok(());
                }
                self.handle(command);
            }
            self.reload_if_changed();
            let due =
                self.failure.is_none() && (!self.paused || std::mem::take(&mut self.step_once));
            if due && self.step_game() {
                self.play_sounds().await;
            }
            self.draw();
            if std::mem::take(&mut self.screenshot_requested) {
                self.save_screenshot();
            }
            self.hud.record(get_frame_time());
            self.shown += 1;
            if self
                .options
                .frames
                .is_some_and(|frames| self.shown >= frames)
            {
                if let Some(path) = &self.options.screenshot {
                    screenshot::save_window(path)?;
                    log::info!("saved frame {} to {}", self.shown, path.display());
                }
                return Ok(());
            }
            next_frame().await;
        }
    }

    fn handle(&mut self, command: Command) {
        match command {
            Command::Quit => {}
            Command::Restart => {
                self.calls.clear();
                self.failure = self.session.restart().err();
                if let Some(recorder) = &mut self.recorder {
                    *recorder = Recorder::new(self.session.config().field);
                }
            }
            Command::Pause => {
                self.paused = !self.paused;
                let state = if self.paused { "paused" } else { "running" };
                log::info!("{state} at frame {}", self.session.summary().frames);
            }
            Command::StepFrame => {
                self.paused = true;
                self.step_once = true;
            }
            Command::Slower | Command::Faster => {
                self.speed = match command {
                    Command::Slower => self.speed.saturating_sub(1),
                    _ => (self.speed + 1).min(TIME_SCALES.len() - 1),
                };
                log::info!("speed {}x", TIME_SCALES[self.speed]);
            }
            Command::ToggleHud => self.show_hud = !self.show_hud,
            Command::ToggleInfo => self.show_info = !self.show_info,
            Command::ToggleHelp => self.show_help = !self.show_help,
            Command::Fullscreen => {
                self.fullscreen = !self.fullscreen;
                set_fullscreen(self.fullscreen);
            }
            // Saved once this frame is drawn.
            Command::Screenshot => self.screenshot_requested = true,
        }
    }

    /// Tells the game where the mouse is over the field and which buttons are held
    /// (not recorded: a replay has no mouse).
    fn pass_mouse(&mut self) {
        let viewport = render::Viewport::fit(
            self.session.config().field,
            (screen_width(), screen_height()),
        );
        let (x, y) = viewport.field_point(mouse_position().into());
        let buttons = [MouseButton::Left, MouseButton::Right, MouseButton::Middle]
            .iter()
            .enumerate()
            .filter(|&(_, &button)| is_mouse_button_down(button))
            .fold(0, |bits, (i, _)| bits | 1 << i);
        self.session.set_mouse(x, y, buttons);
    }

    /// Keys (or the replay), `dt`, then one frame of the game; whether a new frame was
    /// made.
    fn step_game(&mut self) -> bool {
        let frame = self.session.summary().frames;
        let clock = (get_frame_time() as f64).min(MAX_DT);
        let live_dt = self.options.dt.unwrap_or(clock) * TIME_SCALES[self.speed];
        let dt = match &self.options.script {
            Some(script) => {
                let recorded = script.recorded_frames();
                if recorded > 0 && frame >= recorded {
                    self.paused = true;
                    self.options.script = None;
                    self.notice("replay finished: P plays on live".to_string());
                    return false;
                }
                for event in script.events_at(frame) {
                    self.held.set(event.key, event.down);
                }
                script.dt_at(frame).unwrap_or(live_dt)
            }
            None => {
                for (index, key) in KEYS.iter().enumerate() {
                    self.held.set(index, is_key_down(key.code));
                }
                self.pass_mouse();
                live_dt
            }
        };
        if let Some(recorder) = &mut self.recorder {
            recorder.frame(frame, &self.held, dt);
        }
        let result = self
            .session
            .apply_keys(&self.held)
            .and_then(|()| self.session.step(dt));
        match result {
            Ok(frame) => {
                self.calls.clear();
                self.calls.extend_from_slice(frame);
                true
            }
            Err(error) => {
                log::error!("{error}");
                self.failure = Some(error);
                false
            }
        }
    }

    fn draw(&mut self) {
        let started = Instant::now();
        render::draw_frame(
            &self.calls,
            &self.options.theme,
            self.session.config().field,
        );
        self.render_time = started.elapsed();
        if self.show_hud {
            let module = self.session.module();
            self.hud.draw(&HudInfo {
                fps: get_fps(),
                stats: self.session.last_frame(),
                render: self.render_time,
                memory_pages: self.session.game().memory_pages(),
                translated_funcs: (
                    module.translated_func_count(),
                    module.func_count() - module.imported_func_count(),
                ),
                time_scale: TIME_SCALES[self.speed],
                paused: self.paused,
            });
        }
        if self.show_info {
            let lines = overlay::module_lines(&self.options.game_name, self.session.module());
            overlay::draw_panel(&lines, Place::TopRight);
        }
        if let Some(error) = &self.failure {
            overlay::draw_panel(
                &overlay::error_lines(error, overlay::panel_columns()),
                Place::Centre,
            );
        }
        if self.show_help {
            overlay::draw_panel(&overlay::help_lines(), Place::Centre);
        }
        self.draw_notice();
    }

    /// Plays the new frame's tones (only with the `sound` feature).
    async fn play_sounds(&self) {
        #[cfg(feature = "sound")]
        super::sound::play_tones(&self.calls).await;
    }

    /// F12: the frame as drawn, in the working directory under a timestamped name.
    fn save_screenshot(&mut self) {
        let path = PathBuf::from(screenshot::timestamped_name(std::time::SystemTime::now()));
        let text = match screenshot::save_window(&path) {
            Ok(()) => format!("saved {}", path.display()),
            Err(error) => format!("screenshot failed: {error:#}"),
        };
        self.notice(text);
    }

    fn notice(&mut self, text: String) {
        log::info!("{text}");
        self.notice = Some((text, Instant::now() + Duration::from_secs(NOTICE_SECONDS)));
    }

    /// The current notice, in a strip at the bottom of the window.
    fn draw_notice(&mut self) {
        if self
            .notice
            .as_ref()
            .is_some_and(|(_, until)| Instant::now() > *until)
        {
            self.notice = None;
        }
        if let Some((text, _)) = &self.notice {
            let top = screen_height() - 32.0;
            draw_rectangle(
                0.0,
                top,
                screen_width(),
                32.0,
                Color::new(0.0, 0.0, 0.0, 0.8),
            );
            draw_text(text, 12.0, top + 22.0, 20.0, WHITE);
        }
    }

    /// `--watch`: a changed file that loads and starts replaces the game; one that does
    /// not leaves the old game running and says why.
    fn reload_if_changed(&mut self) {
        let Some(watch) = &mut self.watch else {
            return;
        };
        if !watch.changed() {
            return;
        }
        let path = watch.path().to_path_buf();
        let Some((_, load)) = &self.options.watch else {
            return;
        };
        let result = load(&path).and_then(|module| Ok(self.session.replace_module(module)?));
        match result {
            Ok(()) => {
                self.failure = None;
                self.calls.clear();
                self.notice(format!("reloaded {}", path.display()));
            }
            Err(error) => {
                log::error!("reload failed, the old version keeps running: {error:#}");
                self.notice(format!("reload failed (old version kept): {error:#}"));
            }
        }
    }

    fn save_recording(&self) -> Result<()> {
        let (Some(recorder), Some(path)) = (&self.recorder, &self.options.record) else {
            return Ok(());
        };
        write_file(path, |file| {
            use std::io::Write;
            Ok(file.write_all(recorder.text().as_bytes())?)
        })?;
        log::info!(
            "recorded {} frames to {}",
            self.session.summary().frames,
            path.display()
        );
        Ok(())
    }
}
