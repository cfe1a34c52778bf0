//! The game window: macroquad's frame loop around a [`Session`]. Game keys become toggles
//! on their edges; `dt` comes from the frame clock (clamped), `--dt` or a replay, scaled
//! by the speed; a failing game freezes under the error overlay; the host keys
//! ([`controls`]) pause, step, change speed, restart, show the HUD, help and module
//! panels, take screenshots, save the last seconds as a GIF, save and load states in
//! slots and toggle full screen; controllers ([`Controllers`]) play as the keys or
//! gamepads they are mapped to; `--watch` reloads the game when its file changes;
//! `--record` saves the session for `--replay`.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Result};
use macroquad::prelude::{
    draw_rectangle, draw_text, get_fps, get_frame_time, is_key_down, is_mouse_button_down,
    is_quit_requested, mouse_position, next_frame, screen_height, screen_width, Color, MouseButton,
    WHITE,
};
use macroquad::window::{set_fullscreen, Conf};

use super::capture::{Gif, Look, Replay};
use super::controllers::Controllers;
use super::controls::{self, Command, ViewCommand, NORMAL_SPEED, TIME_SCALES};
use super::hud::{Hud, HudInfo};
use super::keys::{Input, KEYS};
use super::machine::{Action, MachineView};
use super::overlay::{self, Place};
use super::savestate::{SavedSession, Slots, SLOTS};
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
/// The most wall-clock time a host frame gives the game's update before drawing again:
/// a longer update (a WASM-4 cart generating a level) goes on over the next frames,
/// the window still drawing and answering keys.
const UPDATE_TIME_PER_FRAME: Duration = Duration::from_millis(25);

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
    /// Where F5 and F9 keep the game's states.
    pub slots: Slots,
    /// Save every frame played as a GIF here (with `frames`).
    pub gif: Option<PathBuf>,
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
            let result = match Window::new(session, options, watch) {
                Ok(window) => window.run().await,
                Err(error) => Err(error),
            };
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
    /// The `dt` of the frame being made (an update may run over several host frames).
    frame_dt: f64,
    failure: Option<GameError>,
    held: Input,
    controllers: Controllers,
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
    /// The save slot F5 and F9 use.
    slot: usize,
    /// The last seconds of play, for F10.
    replay: Replay,
    /// `--gif`: every frame played.
    gif: Option<Gif>,
    /// Notices from the threads writing F10's GIFs.
    notices: (Sender<String>, Receiver<String>),
    /// F3's machine view and F4's profile panel.
    machine: MachineView,
}

impl Window {
    fn new(session: Session, options: WindowOptions, watch: Option<FileWatch>) -> Result<Window> {
        let recorder = options
            .record
            .as_ref()
            .map(|_| Recorder::new(session.config().field));
        let mut window = Window {
            calls: session.game().last_draw().to_vec(),
            frame_dt: 0.0,
            held: *session.input(),
            session,
            failure: None,
            controllers: Controllers::open(),
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
            slot: 0,
            replay: Replay::default(),
            gif: None,
            notices: channel(),
            machine: MachineView::default(),
            options,
        };
        if let Some(path) = &window.options.gif {
            window.gif = Some(Gif::create(path, window.look())?);
        }
        Ok(window)
    }

    async fn run(mut self) -> Result<()> {
        let result = self.frame_loop().await;
        log::info!("{}", self.session.summary());
        let saved = self.save_recording();
        let gif = match self.gif.take() {
            Some(gif) => gif.finish().map(|frames| {
                let path = self.options.gif.as_ref().expect("a --gif path");
                log::info!("wrote {frames} frames to {}", path.display());
            }),
            None => Ok(()),
        };
        result.and(saved).and(gif)
    }

    fn look(&self) -> Look {
        Look {
            theme: self.options.theme,
            field: self.session.config().field,
        }
    }

    async fn frame_loop(&mut self) -> Result<()> {
        loop {
            if is_quit_requested() {
                return Ok(());
            }
            // Keys typed into a breakpoint are not host commands.
            let commands = match self.machine.is_typing() {
                true => Vec::new(),
                false => controls::pressed(self.session.game().has_gamepads()),
            };
            for command in commands {
                if command == Command::Quit {
                    return Ok(());
                }
                self.handle(command);
                // A restart or a loaded state moves the game under the view.
                self.machine.settle(&mut self.session);
            }
            if self.machine.is_open() {
                let action = self.machine.keys(&mut self.session);
                self.machine_action(action);
            }
            self.reload_if_changed();
            self.machine.settle(&mut self.session);
            while let Ok(text) = self.notices.1.try_recv() {
                self.notice(text);
            }
            // A frame stopped in the machine view goes on only by the view's keys.
            let due = self.failure.is_none()
                && !self.session.stopped()
                && (!self.paused || std::mem::take(&mut self.step_once));
            if due && self.step_game() {
                self.play_sounds().await;
            }
            if self.session.stopped() && !self.machine.is_open() {
                // A breakpoint: the view opens where the game stopped.
                if let Some((export, stepper, _)) = self.session.game().stopped_call() {
                    if let Some(next) = stepper.next_instruction() {
                        log::info!("stopped in {export} at {}: {}", next.function(), next.text);
                    }
                }
                self.paused = true;
                self.machine.open(&mut self.session);
            }
            self.draw();
            if std::mem::take(&mut self.screenshot_requested) {
                self.save_screenshot();
            }
            self.hud.record(get_frame_time());
            if self.session.busy().is_none() {
                self.shown += 1;
            }
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
                self.restart_recording();
                self.replay.clear();
            }
            Command::MachineView | Command::Pause if self.machine.is_open() => {
                self.machine_action(Action::Play)
            }
            Command::StepFrame if self.machine.is_open() => {
                let action = self
                    .machine
                    .command(ViewCommand::EndOfFrame, &mut self.session);
                self.machine_action(action);
            }
            Command::SaveState | Command::LoadState if self.session.stopped() => self
                .notice("a frame is stopped in the machine view: E runs it to its end".to_string()),
            Command::MachineView | Command::ToggleProfile if !self.session.game().steppable() => {
                self.notice(format!(
                    "the machine view and the profile step rocket and canvas games, not {} ones",
                    self.session.game().abi()
                ))
            }
            Command::MachineView => {
                self.paused = true;
                self.machine.open(&mut self.session);
            }
            Command::ToggleProfile => self.machine.toggle_profile(&mut self.session),
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
            Command::SaveState => self.save_state(),
            Command::LoadState => self.load_state(),
            Command::PreviousSlot | Command::NextSlot => {
                let step = if command == Command::NextSlot {
                    1
                } else {
                    SLOTS - 1
                };
                self.slot = (self.slot + step) % SLOTS;
                let path = self.options.slots.path(self.slot);
                let state = if path.exists() { "saved" } else { "empty" };
                self.notice(format!("slot {} ({state})", self.slot + 1));
            }
            Command::RecordGif => self.save_replay_gif(),
        }
    }

    /// A recording covers the session since its (re)start or the state it loaded.
    fn restart_recording(&mut self) {
        if let Some(recorder) = &mut self.recorder {
            *recorder = Recorder::new(self.session.config().field);
        }
    }

    /// F5: the session's state to the current slot's file.
    fn save_state(&mut self) {
        let path = self.options.slots.path(self.slot);
        let result = self
            .session
            .save_state()
            .map_err(anyhow::Error::from)
            .and_then(|saved| saved.write(&path));
        let text = match result {
            Ok(()) => format!(
                "saved slot {} at frame {} ({})",
                self.slot + 1,
                self.session.summary().frames,
                path.display()
            ),
            Err(error) => format!("saving the state failed: {error:#}"),
        };
        self.notice(text);
    }

    /// F9: goes on from the current slot's state; a failed load changes nothing.
    fn load_state(&mut self) {
        let path = self.options.slots.path(self.slot);
        let result = SavedSession::read(&path, self.options.slots.module_sha256())
            .and_then(|saved| self.session.load_state(&saved));
        let text = match result {
            Ok(()) => {
                self.failure = None;
                self.calls = self.session.game().last_draw().to_vec();
                // A replay goes on with the keys held when the state was saved.
                self.held = *self.session.input();
                self.replay.clear();
                if self.recorder.is_some() {
                    log::warn!("the recording starts again from the loaded state (replay it with --load-state)");
                    self.restart_recording();
                }
                format!(
                    "loaded slot {} at frame {}",
                    self.slot + 1,
                    self.session.summary().frames
                )
            }
            Err(error) => format!("loading the state failed: {error:#}"),
        };
        self.notice(text);
    }

    /// F10: the last seconds of play as a GIF in the working directory, written on
    /// another thread.
    fn save_replay_gif(&mut self) {
        let path = PathBuf::from(screenshot::timestamped_name(
            std::time::SystemTime::now(),
            "gif",
        ));
        let frames = self.replay.frames();
        let look = self.look();
        let notices = self.notices.0.clone();
        self.notice(format!("saving the last seconds to {}...", path.display()));
        std::thread::spawn(move || {
            let text = match Replay::save_gif(&frames, &path, look) {
                Ok(written) => format!("saved {} ({written} frames)", path.display()),
                Err(error) => format!("the GIF failed: {error:#}"),
            };
            let _ = notices.send(text);
        });
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

    /// Keys (or the replay), `dt`, then one frame of the game, or more of an update
    /// still running; whether a new frame was made.
    fn step_game(&mut self) -> bool {
        let deadline = Instant::now() + UPDATE_TIME_PER_FRAME;
        let result = match self.session.busy() {
            // The update goes on, with no new keys; the time it takes is not counted.
            Some(_) => self.session.step_until(0.0, deadline),
            None => match self.next_input() {
                None => return false,
                Some(Err(error)) => Err(error),
                Some(Ok(dt)) => {
                    self.frame_dt = dt;
                    self.session.step_until(dt, deadline)
                }
            },
        };
        let result = result.map(|frame| frame.is_some());
        self.frame_made(result)
    }

    /// After a frame's step: whether a new frame was made (then it is shown, kept for
    /// F10 and `--gif`, and counted in the profile), or the error the game failed with.
    fn frame_made(&mut self, result: Result<bool, GameError>) -> bool {
        match result {
            Ok(true) => {
                self.calls.clear();
                self.calls
                    .extend_from_slice(self.session.game().last_draw());
                self.replay.push(&self.calls, self.frame_dt);
                if let Some(gif) = &mut self.gif {
                    if let Err(error) = gif.frame(&self.calls, self.frame_dt) {
                        log::error!("the GIF failed: {error:#}");
                        self.gif = None;
                    }
                }
                self.machine.frame_done(self.session.summary().frames);
                true
            }
            Ok(false) => false,
            Err(error) => {
                log::error!("{error}");
                self.failure = Some(error);
                false
            }
        }
    }

    /// Does what a key of the machine view asked.
    fn machine_action(&mut self, action: Action) {
        match action {
            Action::Nothing => return,
            Action::Resume => {
                let result = self.session.resume_frame().map(|frame| frame.is_some());
                self.frame_made(result);
            }
            Action::NextFrame => {
                if self.failure.is_none() {
                    self.step_game();
                }
            }
            Action::Play => {
                self.machine.close(&mut self.session);
                self.paused = false;
                let result = self.session.resume_frame().map(|frame| frame.is_some());
                self.frame_made(result);
            }
        }
        self.machine.settle(&mut self.session);
    }

    /// The next frame's keys (or the replay's) told to the game, and its `dt`; `None`
    /// when the replay has ended.
    fn next_input(&mut self) -> Option<Result<f64, GameError>> {
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
                    return None;
                }
                for event in script.events_at(frame) {
                    self.held.set(event.input, event.down);
                }
                script.dt_at(frame).unwrap_or(live_dt)
            }
            // The machine view's keys are not the game's: the held keys stay as they were.
            None if self.machine.is_open() => live_dt,
            None => {
                for (index, key) in KEYS.iter().enumerate() {
                    self.held.keys.set(index, is_key_down(key.code));
                }
                self.held.pads = self.controllers.poll();
                self.pass_mouse();
                live_dt
            }
        };
        if let Some(recorder) = &mut self.recorder {
            recorder.frame(frame, &self.held, dt);
        }
        Some(self.session.apply_input(&self.held).map(|()| dt))
    }

    fn draw(&mut self) {
        let started = Instant::now();
        if self.machine.is_open() {
            // The game's display list as it stands: inside a stopped `draw`, what it
            // has drawn so far (a step over `call $draw_player` shows the rocket).
            let calls = self.session.game().last_draw();
            self.machine.draw(calls, &self.options.theme, &self.session);
        } else {
            render::draw_frame(
                &mut render::WindowPainter,
                &self.calls,
                &self.options.theme,
                self.session.config().field,
            );
        }
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
        self.machine.draw_profile();
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
        let path = PathBuf::from(screenshot::timestamped_name(
            std::time::SystemTime::now(),
            "png",
        ));
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

    /// The current notice (or, while the game's update runs on, how far it is), in a
    /// strip at the bottom of the window.
    fn draw_notice(&mut self) {
        if self
            .notice
            .as_ref()
            .is_some_and(|(_, until)| Instant::now() > *until)
        {
            self.notice = None;
        }
        let busy = self
            .session
            .busy()
            .map(|spent| overlay::busy_line(spent, self.session.config().limits.fuel));
        if let Some(text) = busy.as_ref().or(self.notice.as_ref().map(|(text, _)| text)) {
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
                self.replay.clear();
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
