//! One game session: the module, its running instance, the play-field size and the frame
//! counter. [`Session::step`] is the frame that the window and the headless loop share.

use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::host::display_list::format_score;
use crate::host::state::StateError;
use crate::host::{Abi, DrawCall, Game, GameError};
use crate::interp::{Limits, Module, Observer, Watcher};

use super::keys::{HeldKeys, Input, KEYS};
use super::savestate::SavedSession;

/// How a session runs its game.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// The logical play field passed to the game at start (`resize`, `init`); a
    /// contract that fixes its own, like WASM-4's 160×160, replaces it.
    pub field: (f64, f64),
    /// Fuel per call, memory cap, call depth.
    pub limits: Limits,
    /// The contract to run the game with; `None` picks it from the module's imports.
    pub abi: Option<Abi>,
    /// Seeds the canvas contract's `random`.
    pub seed: u64,
    /// The file the game came from, if any (a WASM-4 cart keeps its disk beside it).
    pub file: Option<PathBuf>,
}

/// What a session has done so far; `Display` is the line `wasmcade play --headless` ends
/// with: `frames=N draw_calls=N score=S`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub frames: u64,
    pub draw_calls: u64,
    /// The last value passed to `draw_score`.
    pub score: Option<f64>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let score = self.score.map_or_else(|| "-".to_string(), format_score);
        write!(
            f,
            "frames={} draw_calls={} score={score}",
            self.frames, self.draw_calls
        )
    }
}

/// What the last frame cost.
#[derive(Debug, Clone, Default)]
pub struct FrameStats {
    pub update: Duration,
    pub draw: Duration,
    /// Fuel `update` and `draw` used: wasm instructions and host work
    /// (`host::work`).
    pub instructions: u64,
    /// Calls of each import during the frame (toggles included), by name.
    pub import_calls: Vec<(&'static str, u32)>,
}

pub struct Session {
    module: Module,
    config: SessionConfig,
    game: Box<dyn Game>,
    summary: Summary,
    last_frame: FrameStats,
    /// The keys and controllers as the game last heard of them.
    input: Input,
    /// Time spent so far in an update paused between steps.
    paused_update: Duration,
    /// A frame the machine view stopped inside one of its calls: what is left of it.
    rest: Option<Rest>,
}

/// What is left of a frame stopped inside one of its calls (see [`Session::resume_frame`]).
#[derive(Debug)]
enum Rest {
    /// The rest of a key's call, then these keys' edges, then the update (with its
    /// `dt`, once the frame loop has passed it).
    Keys {
        edges: Vec<(usize, bool)>,
        dt: Option<f64>,
    },
    /// The rest of `update` (begun at `started`), then `draw`.
    Update { started: Instant },
    /// The rest of `draw`, then the frame is counted (its update began and ended at
    /// `times`).
    Draw {
        times: (Instant, Instant),
        update_instructions: u64,
    },
}

impl Session {
    /// Instantiates the module and starts the game on the play field.
    pub fn start(module: Module, mut config: SessionConfig) -> Result<Session, GameError> {
        let abi = config.abi.unwrap_or_else(|| Abi::detect(&module));
        if let Some(field) = abi.fixed_field() {
            config.field = field;
        }
        let game = start_game(&module, &config)?;
        Ok(Session {
            module,
            config,
            game,
            summary: Summary::default(),
            last_frame: FrameStats::default(),
            input: Input::default(),
            paused_update: Duration::ZERO,
            rest: None,
        })
    }

    /// Throws the instance away and starts again from a fresh one (frame 0, no keys on).
    /// An installed observer or watcher moves to the new instance.
    pub fn restart(&mut self) -> Result<(), GameError> {
        self.replace_module(self.module.clone())
    }

    /// Starts `module` in place of the running game, on the same field with the same
    /// limits (hot reload). If it cannot start, the old game keeps running.
    pub fn replace_module(&mut self, module: Module) -> Result<(), GameError> {
        let mut game = start_game(&module, &self.config)?;
        game.set_observer(self.game.take_observer());
        game.set_watcher(self.game.take_watcher());
        self.module = module;
        self.game = game;
        self.summary = Summary::default();
        self.input = Input::default();
        self.paused_update = Duration::ZERO;
        self.rest = None;
        Ok(())
    }

    /// Frames completed, draw calls and score since the (re)start.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    pub fn game(&self) -> &dyn Game {
        self.game.as_ref()
    }

    pub fn module(&self) -> &Module {
        &self.module
    }

    pub fn last_frame(&self) -> &FrameStats {
        &self.last_frame
    }

    /// Installs (or removes) an instruction observer; it survives restarts.
    pub fn set_observer(&mut self, observer: Option<Box<dyn Observer>>) {
        self.game.set_observer(observer);
    }

    /// Runs the game's calls stepped under `watcher` (`None`: normally again); it
    /// survives restarts.
    pub fn set_watcher(&mut self, watcher: Option<Box<dyn Watcher>>) {
        self.game.set_watcher(watcher);
    }

    /// Tells the game about the keys and buttons that went down or up since the last
    /// call, on edges only: controllers' buttons reach a WASM-4 cart as its gamepads
    /// 1–4, other games as the keys they are mapped to (`gamepad::PAD_MAP`).
    pub fn apply_input(&mut self, input: &Input) -> Result<(), GameError> {
        let before = std::mem::replace(&mut self.input, *input);
        if self.game.has_gamepads() {
            self.send_key_edges(&before.keys, &input.keys)?;
            self.game.set_controllers(input.pads.map(|pad| pad.wasm4()));
            Ok(())
        } else {
            self.send_key_edges(&before.keys_with_pads(), &input.keys_with_pads())
        }
    }

    fn send_key_edges(&mut self, before: &HeldKeys, now: &HeldKeys) -> Result<(), GameError> {
        self.send_edges(now.changes_since(before).collect())
    }

    /// Tells the game about `edges` in order; if one's call stops in the machine view,
    /// the others wait in the frame's rest.
    fn send_edges(&mut self, edges: Vec<(usize, bool)>) -> Result<(), GameError> {
        for (n, &(key, down)) in edges.iter().enumerate() {
            log::debug!(
                "key {} {}",
                KEYS[key].name,
                if down { "down" } else { "up" }
            );
            match self.game.key(KEYS[key].key_code, down) {
                Err(GameError::Stopped { .. }) => {
                    let edges = edges[n + 1..].to_vec();
                    self.rest = Some(Rest::Keys { edges, dt: None });
                    return Ok(());
                }
                result => result?,
            }
        }
        Ok(())
    }

    /// The keys and buttons as the game last heard of them.
    pub fn input(&self) -> &Input {
        &self.input
    }

    /// The whole session as it is between frames: the game's state, the frame count,
    /// the held keys and buttons.
    pub fn save_state(&self) -> Result<SavedSession, StateError> {
        Ok(SavedSession::new(
            self.config.field,
            &self.summary,
            &self.input,
            self.game.save_state()?,
        ))
    }

    /// Goes on from `saved` (the same module's), or changes nothing and says why not.
    pub fn load_state(&mut self, saved: &SavedSession) -> anyhow::Result<()> {
        saved.check_field(self.config.field)?;
        self.game.load_state(&saved.game)?;
        self.rest = None;
        self.summary = saved.summary();
        self.input = saved.input();
        Ok(())
    }

    /// Tells the game where the mouse is (field units) and which buttons are held.
    pub fn set_mouse(&mut self, x: f64, y: f64, buttons: u8) {
        self.game.mouse(x, y, buttons);
    }

    /// One frame: `update(dt)`, then `draw()`; returns what the game drew.
    pub fn step(&mut self, dt: f64) -> Result<&[DrawCall], GameError> {
        let started = Instant::now();
        self.game.update(dt)?;
        self.end_frame(started)?;
        Ok(self.game.last_draw())
    }

    /// [`Session::step`], but an update still running at `deadline` pauses there (only
    /// a WASM-4 cart's update pauses): then there is no new frame yet (`None`), and the
    /// next call goes on with the update (its `dt` is not counted).
    pub fn step_until(
        &mut self,
        dt: f64,
        deadline: Instant,
    ) -> Result<Option<&[DrawCall]>, GameError> {
        if let Some(Rest::Keys { dt: later, .. }) = &mut self.rest {
            // A key's call stopped in the machine view: the update comes after it.
            *later = Some(dt);
            return Ok(None);
        }
        let started = Instant::now();
        match self.game.update_until(dt, deadline) {
            Ok(true) => self.frame_if_drawn(started),
            Ok(false) => {
                self.paused_update += started.elapsed();
                Ok(None)
            }
            Err(GameError::Stopped { .. }) => {
                self.rest = Some(Rest::Update { started });
                Ok(None)
            }
            Err(error) => Err(error),
        }
    }

    /// Whether a frame stands stopped inside one of its calls (the machine view).
    pub fn stopped(&self) -> bool {
        self.rest.is_some()
    }

    /// Goes on with a frame stopped inside one of its calls: the call goes on under
    /// the watcher, then the rest of the frame, exactly as it would have run (each
    /// call once, in the same order). The frame when it is done; `None` while it
    /// stands stopped again (or when no frame was stopped).
    pub fn resume_frame(&mut self) -> Result<Option<&[DrawCall]>, GameError> {
        let Some(rest) = self.rest.take() else {
            return Ok(None);
        };
        match self.game.resume_call() {
            Err(GameError::Stopped { .. }) => {
                self.rest = Some(rest);
                return Ok(None);
            }
            result => result?,
        }
        match rest {
            Rest::Keys { edges, dt } => {
                self.send_edges(edges)?;
                match (&mut self.rest, dt) {
                    (Some(Rest::Keys { dt: later, .. }), _) => {
                        *later = dt;
                        Ok(None)
                    }
                    // A steppable game's update does not pause for time.
                    (_, Some(dt)) => {
                        self.step_until(dt, Instant::now() + Duration::from_secs(3600))
                    }
                    (_, None) => Ok(None),
                }
            }
            Rest::Update { started } => self.frame_if_drawn(started),
            Rest::Draw {
                times,
                update_instructions,
            } => {
                self.count_frame(times, update_instructions);
                Ok(Some(self.game.last_draw()))
            }
        }
    }

    /// [`Session::end_frame`], then the frame, or `None` if `draw` stopped.
    fn frame_if_drawn(&mut self, started: Instant) -> Result<Option<&[DrawCall]>, GameError> {
        Ok(self.end_frame(started)?.then(|| self.game.last_draw()))
    }

    /// While the game's update is paused between steps: the fuel it has spent so far.
    pub fn busy(&self) -> Option<u64> {
        self.game.busy()
    }

    /// Draws the frame whose update began at `started` (or, if it was paused, before)
    /// and counts it; `false` if `draw` stopped in the machine view (the frame is
    /// counted when it goes on to its end).
    fn end_frame(&mut self, started: Instant) -> Result<bool, GameError> {
        let update_instructions = self.game.last_call_instructions();
        let times = (started, Instant::now());
        match self.game.draw() {
            Ok(_) => {}
            Err(GameError::Stopped { .. }) => {
                self.rest = Some(Rest::Draw {
                    times,
                    update_instructions,
                });
                return Ok(false);
            }
            Err(error) => return Err(error),
        }
        self.count_frame(times, update_instructions);
        Ok(true)
    }

    /// Counts the frame whose update began at `started` and whose draw has just ended.
    fn count_frame(&mut self, (started, updated): (Instant, Instant), update_instructions: u64) {
        self.last_frame = FrameStats {
            update: std::mem::take(&mut self.paused_update) + (updated - started),
            draw: updated.elapsed(),
            instructions: update_instructions + self.game.last_call_instructions(),
            import_calls: self.game.take_import_calls(),
        };
        let calls = self.game.last_draw();
        let summary = &mut self.summary;
        let frame = summary.frames;
        summary.frames += 1;
        summary.draw_calls += calls.len() as u64;
        let score = calls.iter().rev().find_map(|call| match call {
            DrawCall::Score(score) => Some(*score),
            _ => None,
        });
        if let Some(new) = score.filter(|&new| summary.score != Some(new)) {
            log::debug!("frame {frame}: score {}", format_score(new));
            summary.score = score;
        }
    }
}

fn start_game(module: &Module, config: &SessionConfig) -> Result<Box<dyn Game>, GameError> {
    let abi = config.abi.unwrap_or_else(|| Abi::detect(module));
    log::info!("running the module with the {} contract", abi.name());
    let mut game = abi.instantiate(
        module,
        config.limits.clone(),
        config.seed,
        config.file.as_deref(),
    )?;
    let (width, height) = config.field;
    game.start(width, height)?;
    Ok(game)
}
