//! The machine view (F3): the game paused and stepped one WebAssembly instruction at a
//! time, in the window, for a talk. The game's calls run under the stepper with a
//! [`pilot::PilotWatcher`] that pauses them where a step or a breakpoint says; a
//! paused call waits in the game ([`crate::host::Game::stopped_call`]) and the frame
//! around it in the session ([`crate::app::session::Session::resume_frame`]), so the
//! frame goes on exactly as it would have run, each call once. The profile panel (F4)
//! counts the same watcher's instructions per function, frame by frame.
//!
//! - [`stops`]: breakpoints and what a step waits for (shared with `wasmcade debug`);
//! - [`pilot`]: the watcher and the state the window steers it with;
//! - [`model`]: the panels' text, made from the stopped call;
//! - [`draw`]: the panels and the shrunk field on screen.

pub mod draw;
pub mod model;
pub mod pilot;
pub mod stops;

use std::cell::RefCell;
use std::rc::Rc;

use macroquad::input::{get_char_pressed, is_key_pressed, KeyCode};

use self::draw::{Layout, Scene};
use self::model::Panels;
use self::pilot::{Pilot, PilotWatcher};
use self::stops::{called, Until};
use super::controls::{ViewCommand, VIEW_KEYS};
use super::overlay::{self, Place};
use super::session::Session;
use super::theme::Theme;
use crate::host::DrawCall;

/// Functions the profile panel lists.
const PROFILE_ROWS: usize = 16;

/// What the window does after a key of the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Nothing,
    /// Go on with the stopped frame (under the pilot's new `until`).
    Resume,
    /// Start the next frame (it stops where the pilot's `until` says).
    NextFrame,
    /// Close the view and play on (stopping at breakpoints).
    Play,
}

/// The view's state in the window.
#[derive(Default)]
pub struct MachineView {
    pilot: Rc<RefCell<Pilot>>,
    open: bool,
    profile_shown: bool,
    /// Whether the pilot's watcher is installed on the game.
    watching: bool,
    /// The listing's cursor (an instruction index) and the function it is in.
    cursor: Option<(u32, usize)>,
    /// A breakpoint being typed.
    typing: Option<String>,
    /// The panels of the stopped call, remade when it moves.
    panels: Option<Panels>,
    /// The last whole frame's profile lines.
    profile: Vec<String>,
    /// Frames completed since the view opened (while it is open).
    frames: u64,
}

impl MachineView {
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Whether a breakpoint is being typed (every key goes to it).
    pub fn is_typing(&self) -> bool {
        self.typing.is_some()
    }

    /// Opens the view on the paused game (between frames, or in a stopped call).
    pub fn open(&mut self, session: &mut Session) {
        self.open = true;
        self.frames = 0;
        self.pilot.borrow_mut().until = Until::Step;
        self.sync_watcher(session);
        self.refresh(session);
    }

    /// Closes the view: the game plays on, stopping at breakpoints.
    pub fn close(&mut self, session: &mut Session) {
        self.open = false;
        self.typing = None;
        self.panels = None;
        let mut pilot = self.pilot.borrow_mut();
        pilot.until = if pilot.breakpoints.is_empty() {
            Until::Never
        } else {
            Until::Breakpoint
        };
        drop(pilot);
        self.sync_watcher(session);
    }

    pub fn toggle_profile(&mut self, session: &mut Session) {
        self.profile_shown = !self.profile_shown;
        self.pilot.borrow_mut().profile = self.profile_shown.then(Default::default);
        self.profile.clear();
        self.sync_watcher(session);
    }

    /// Installs the watcher while anything needs it, and removes it when nothing does:
    /// then the game runs at full speed again.
    fn sync_watcher(&mut self, session: &mut Session) {
        let needed = self.open || self.profile_shown || !self.pilot.borrow().breakpoints.is_empty();
        if needed != self.watching && !session.stopped() {
            let watcher = PilotWatcher(Rc::clone(&self.pilot));
            session.set_watcher(needed.then(|| Box::new(watcher) as Box<_>));
            self.watching = needed;
        }
    }

    /// After the game moved: the watcher as needed, the panels remade.
    pub fn settle(&mut self, session: &mut Session) {
        self.sync_watcher(session);
        self.refresh(session);
    }

    /// A frame has been completed: its profile becomes the panel's.
    pub fn frame_done(&mut self, frame: u64) {
        self.frames += 1;
        let mut pilot = self.pilot.borrow_mut();
        pilot.steps = 0;
        if let Some(profile) = &mut pilot.profile {
            let done = std::mem::take(profile);
            let mut lines = vec![format!(
                "profile, frame {frame}: {:<18} {:>8} {:>8} {:>6}",
                "", "self", "total", "calls"
            )];
            for (name, counts) in done.rows().into_iter().take(PROFILE_ROWS) {
                let name: String = name.chars().take(30).collect();
                lines.push(format!(
                    "{name:<34} {:>8} {:>8} {:>6}",
                    counts.self_instructions, counts.total_instructions, counts.calls
                ));
            }
            lines.push("F4: close".to_string());
            self.profile = lines;
        }
    }

    /// Remakes the panels from the call stopped in `session` (none between frames).
    pub fn refresh(&mut self, session: &Session) {
        if !self.open {
            return;
        }
        let Some((export, stepper, memory)) = session.game().stopped_call() else {
            self.panels = None;
            return;
        };
        let func = stepper.next_instruction().map(|next| next.func_index);
        if self.cursor.is_some_and(|(f, _)| Some(f) != func) {
            self.cursor = None;
        }
        let layout = Layout::for_window(session.config().field);
        let shape = layout.shape(self.cursor.map(|(_, index)| index));
        let pilot = self.pilot.borrow();
        self.panels = Some(model::panels(
            export,
            stepper,
            memory,
            &pilot.breakpoints,
            shape,
        ));
    }

    /// The view's keys this frame, as what the window does next.
    pub fn keys(&mut self, session: &mut Session) -> Action {
        if self.typing.is_some() {
            self.type_keys(session);
            return Action::Nothing;
        }
        let mut action = Action::Nothing;
        for command in super::controls::view_pressed() {
            action = self.command(command, session);
            if action != Action::Nothing {
                break;
            }
        }
        action
    }

    /// What `command` does now.
    pub fn command(&mut self, command: ViewCommand, session: &mut Session) -> Action {
        let stopped = session.game().stopped_call().map(|(_, stepper, _)| stepper);
        let depth = stopped.map_or(0, |stepper| stepper.depth());
        let stopped = stopped.is_some();
        let go = |view: &mut MachineView, until: Until| {
            view.pilot.borrow_mut().until = until;
            if stopped {
                Action::Resume
            } else {
                Action::NextFrame
            }
        };
        match command {
            ViewCommand::Step => go(self, Until::Step),
            ViewCommand::Over if depth > 0 => go(self, Until::Over(depth)),
            ViewCommand::Over => go(self, Until::Step),
            ViewCommand::Out if depth > 1 => go(self, Until::Out(depth)),
            ViewCommand::Out => go(self, Until::NextCall),
            ViewCommand::EndOfFrame => go(self, Until::Breakpoint),
            ViewCommand::Continue => Action::Play,
            ViewCommand::Breakpoint => {
                if let Some(point) = self.point_at_cursor(session) {
                    self.toggle_breakpoint(&point, session);
                }
                Action::Nothing
            }
            ViewCommand::TypeBreakpoint => {
                while get_char_pressed().is_some() {}
                self.typing = Some(String::new());
                Action::Nothing
            }
            ViewCommand::Up | ViewCommand::Down | ViewCommand::PageUp | ViewCommand::PageDown => {
                self.move_cursor(command, session);
                Action::Nothing
            }
            ViewCommand::Home => {
                self.cursor = None;
                self.refresh(session);
                Action::Nothing
            }
        }
    }

    /// Moves the listing's cursor (from the next instruction if it had none).
    fn move_cursor(&mut self, command: ViewCommand, session: &Session) {
        let Some((_, stepper, _)) = session.game().stopped_call() else {
            return;
        };
        let (Some(next), Some((listing, current))) =
            (stepper.next_instruction(), stepper.listing())
        else {
            return;
        };
        let page = Layout::for_window(session.config().field)
            .shape(None)
            .rows
            .saturating_sub(2)
            .max(1);
        let from = self.cursor.map_or(current, |(_, index)| index) as isize;
        let to = match command {
            ViewCommand::Up => from - 1,
            ViewCommand::Down => from + 1,
            ViewCommand::PageUp => from - page as isize,
            _ => from + page as isize,
        };
        let to = to.clamp(0, listing.len() as isize - 1) as usize;
        self.cursor = Some((next.func_index, to));
        self.refresh(session);
    }

    /// The breakpoint the cursor's line names: the function a `call` there calls, or
    /// else the function the listing shows (by name, or by index without one).
    fn point_at_cursor(&self, session: &Session) -> Option<String> {
        let (_, stepper, _) = session.game().stopped_call()?;
        let next = stepper.next_instruction()?;
        let (listing, current) = stepper.listing()?;
        let index = self.cursor.map_or(current, |(_, index)| index);
        let (line, _) = listing.get(index)?;
        Some(match called(line) {
            Some(callee) => callee.to_string(),
            None => next
                .func_name
                .clone()
                .unwrap_or_else(|| next.func_index.to_string()),
        })
    }

    fn toggle_breakpoint(&mut self, point: &str, session: &mut Session) {
        let set = self.pilot.borrow_mut().breakpoints.toggle(point);
        log::info!("breakpoint {point} {}", if set { "set" } else { "removed" });
        self.sync_watcher(session);
        self.refresh(session);
    }

    /// Typing a breakpoint: characters, Backspace, Enter (set it), Esc (give up).
    fn type_keys(&mut self, session: &mut Session) {
        let Some(typed) = &mut self.typing else {
            return;
        };
        while let Some(c) = get_char_pressed() {
            if c.is_ascii_graphic() {
                typed.push(c);
            }
        }
        if is_key_pressed(KeyCode::Backspace) {
            typed.pop();
        }
        if is_key_pressed(KeyCode::Escape) {
            self.typing = None;
        } else if is_key_pressed(KeyCode::Enter) || is_key_pressed(KeyCode::KpEnter) {
            let point = self.typing.take().unwrap_or_default();
            if !point.is_empty() {
                self.toggle_breakpoint(&point, session);
            }
        }
    }

    /// Draws the view: the field at the top left, the panels around it.
    pub fn draw(&self, calls: &[DrawCall], theme: &Theme, session: &Session) {
        let field = session.config().field;
        let message = format!(
            "between frames (frame {}): S steps into the next, E runs it",
            session.summary().frames
        );
        let pilot = self.pilot.borrow();
        let cursor = |command| {
            matches!(
                command,
                ViewCommand::Up
                    | ViewCommand::Down
                    | ViewCommand::PageUp
                    | ViewCommand::PageDown
                    | ViewCommand::Home
            )
        };
        let hint: Vec<String> = VIEW_KEYS
            .iter()
            .filter(|key| !cursor(key.command))
            .map(|key| format!("{} {}", key.label, key.word))
            .chain([
                "Up/Down/PgUp/PgDn/Home cursor".to_string(),
                "F3 play".to_string(),
            ])
            .collect();
        let scene = Scene {
            calls,
            theme,
            field,
            panels: self.panels.as_ref(),
            message: &message,
            breakpoints: pilot.breakpoints.list(),
            typing: self.typing.as_deref(),
            hint: &hint.join("  "),
        };
        draw::draw(&scene, &Layout::for_window(field));
    }

    /// The profile panel, when shown and a frame has been counted.
    pub fn draw_profile(&self) {
        if self.profile_shown && !self.profile.is_empty() {
            overlay::draw_panel(&self.profile, Place::TopRight);
        }
    }
}
