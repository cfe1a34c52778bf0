//! Catches a panic with the place it was raised, so that a panic inside wasmi's own code
//! (a bug of the reference engine, which we can only count) is told apart from one in
//! our interpreter or in this harness (a failure).

use std::cell::RefCell;
use std::fmt;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

/// A caught panic.
#[derive(Debug, Clone)]
pub struct Panic {
    pub message: String,
    /// `file:line:column` of the code that panicked.
    pub location: String,
}

impl Panic {
    /// If it was raised in the source of wasmi or one of its crates (not in a caller of
    /// wasmi): the location from that crate's folder on (`wasmi-2.0.0/src/...`).
    pub fn in_wasmi(&self) -> Option<&str> {
        ["/wasmi-", "/wasmi_", "\\wasmi-", "\\wasmi_"]
            .iter()
            .filter_map(|dir| self.location.find(dir))
            .min()
            .map(|at| &self.location[at + 1..])
    }
}

impl fmt::Display for Panic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "panicked at {}: {}", self.location, self.message)
    }
}

thread_local! {
    /// `Some` while this thread runs [`catch`]: then the hook records the panic here
    /// instead of printing it.
    static CAUGHT: RefCell<Option<Option<Panic>>> = const { RefCell::new(None) };
}

/// Runs `run`, returning the panic it raised (silently) if it raised one.
pub fn catch<R>(run: impl FnOnce() -> R) -> Result<R, Panic> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let report = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let caught = CAUGHT.with(|caught| {
                let mut caught = caught.borrow_mut();
                let slot = caught.as_mut()?;
                *slot = Some(Panic {
                    message: payload_text(info.payload()),
                    location: info.location().map_or("?".to_string(), |l| l.to_string()),
                });
                Some(())
            });
            if caught.is_none() {
                report(info);
            }
        }));
    });
    CAUGHT.with(|caught| *caught.borrow_mut() = Some(None));
    let result = panic::catch_unwind(AssertUnwindSafe(run));
    let panic = CAUGHT.with(|caught| caught.borrow_mut().take().flatten());
    // The hook above records every panic on this thread while `run` runs, unless a
    // hook set since has replaced it: then the panic counts as ours (not wasmi's).
    result.map_err(|_| {
        panic.unwrap_or_else(|| Panic {
            message: "(not recorded: another panic hook is installed)".to_string(),
            location: "?".to_string(),
        })
    })
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(no text)".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_this_harness_is_not_wasmi_s() {
        let panic = catch(|| panic!("boom")).unwrap_err();
        assert_eq!(panic.message, "boom");
        assert!(
            panic.location.starts_with("tests/diff/panics.rs:"),
            "{panic}"
        );
        assert_eq!(panic.in_wasmi(), None);
        assert_eq!(catch(|| 7).unwrap(), 7);
    }

    #[test]
    fn a_panic_in_wasmi_s_source_is_placed_there() {
        let panic = Panic {
            message: String::new(),
            location: "/home/u/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/\
                       wasmi-2.0.0/src/engine/translator/func/mod.rs:2583:25"
                .to_string(),
        };
        assert_eq!(
            panic.in_wasmi(),
            Some("wasmi-2.0.0/src/engine/translator/func/mod.rs:2583:25")
        );
    }
}
