//! The watcher the window installs on the game's calls for the machine view and the
//! profile panel: it pauses a call where the view's step or a breakpoint says
//! ([`Until`], [`Breakpoints`]), and counts the frame's instructions per function.
//! The window keeps a handle to the same state to steer it and read the counts.

use std::cell::RefCell;
use std::rc::Rc;

use super::stops::{Breakpoints, Until};
use crate::app::profile::Profile;
use crate::interp::{Instruction, Stepper, Watcher};

/// What the window steers and reads.
pub struct Pilot {
    /// Where the running call stops next.
    pub until: Until,
    pub breakpoints: Breakpoints,
    /// The instructions of the frame being made, counted per function (with the
    /// profile panel shown).
    pub profile: Option<Profile>,
    /// Instructions stepped since the frame began.
    pub steps: u64,
}

impl Default for Pilot {
    fn default() -> Self {
        Pilot {
            until: Until::Never,
            breakpoints: Breakpoints::default(),
            profile: None,
            steps: 0,
        }
    }
}

/// The watcher: a handle on the shared [`Pilot`].
pub struct PilotWatcher(pub Rc<RefCell<Pilot>>);

impl Watcher for PilotWatcher {
    fn executed(&mut self, instruction: &Instruction, _: &Stepper) {
        let mut pilot = self.0.borrow_mut();
        pilot.steps += 1;
        if let Some(profile) = &mut pilot.profile {
            profile.executed(instruction);
        }
    }

    fn pause(&mut self, next: &Instruction) -> bool {
        let pilot = self.0.borrow();
        pilot.until.stops(next, &pilot.breakpoints)
    }
}
