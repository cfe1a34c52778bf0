//! Counting a script's directives by kind: assertions (what the suite checks) apart from
//! the actions that set them up (modules, registrations, invocations).

use std::fmt;

use wast::{WastDirective, WastExecute};

/// Every kind of directive the `wast` crate parses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    // Assertions.
    Return,
    Trap,
    Exhaustion,
    Invalid,
    Malformed,
    Unlinkable,
    /// `assert_trap` on a module: instantiation must trap.
    Uninstantiable,
    Exception,
    Suspension,
    InvalidCustom,
    MalformedCustom,
    // Actions.
    Module,
    ModuleDefinition,
    ModuleInstance,
    Register,
    Invoke,
    Thread,
    Wait,
}

impl Kind {
    /// All kinds, assertions first, in the order reports list them.
    pub const ALL: [Kind; 18] = [
        Kind::Return,
        Kind::Trap,
        Kind::Exhaustion,
        Kind::Invalid,
        Kind::Malformed,
        Kind::Unlinkable,
        Kind::Uninstantiable,
        Kind::Exception,
        Kind::Suspension,
        Kind::InvalidCustom,
        Kind::MalformedCustom,
        Kind::Module,
        Kind::ModuleDefinition,
        Kind::ModuleInstance,
        Kind::Register,
        Kind::Invoke,
        Kind::Thread,
        Kind::Wait,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Return => "return",
            Kind::Trap => "trap",
            Kind::Exhaustion => "exhaustion",
            Kind::Invalid => "invalid",
            Kind::Malformed => "malformed",
            Kind::Unlinkable => "unlinkable",
            Kind::Uninstantiable => "uninstantiable",
            Kind::Exception => "exception",
            Kind::Suspension => "suspension",
            Kind::InvalidCustom => "invalid custom",
            Kind::MalformedCustom => "malformed custom",
            Kind::Module => "module",
            Kind::ModuleDefinition => "module definition",
            Kind::ModuleInstance => "module instance",
            Kind::Register => "register",
            Kind::Invoke => "invoke",
            Kind::Thread => "thread",
            Kind::Wait => "wait",
        }
    }

    /// Whether this kind asserts something (the rest only set up what assertions check).
    pub fn is_assertion(self) -> bool {
        self < Kind::Module
    }

    /// Why an assertion of this kind may be skipped instead of decided by our code.
    pub fn skip_reason(self) -> Option<&'static str> {
        match self {
            Kind::Invalid | Kind::Malformed => Some(
                "the module's text was rejected by the `wast` crate's parser before our \
                 loader could see it",
            ),
            Kind::InvalidCustom | Kind::MalformedCustom => Some(
                "custom sections are not interpreted, so there is nothing of ours to reject \
                 (the spec's JavaScript harness skips these too)",
            ),
            _ => None,
        }
    }

    pub fn of(directive: &WastDirective) -> Kind {
        match directive {
            WastDirective::Module(_) => Kind::Module,
            WastDirective::ModuleDefinition(_) => Kind::ModuleDefinition,
            WastDirective::ModuleInstance { .. } => Kind::ModuleInstance,
            WastDirective::Register { .. } => Kind::Register,
            WastDirective::Invoke(_) => Kind::Invoke,
            WastDirective::AssertReturn { .. } => Kind::Return,
            WastDirective::AssertTrap {
                exec: WastExecute::Wat(_),
                ..
            } => Kind::Uninstantiable,
            WastDirective::AssertTrap { .. } => Kind::Trap,
            WastDirective::AssertExhaustion { .. } => Kind::Exhaustion,
            WastDirective::AssertInvalid { .. } => Kind::Invalid,
            WastDirective::AssertMalformed { .. } => Kind::Malformed,
            WastDirective::AssertUnlinkable { .. } => Kind::Unlinkable,
            WastDirective::AssertException { .. } => Kind::Exception,
            WastDirective::AssertSuspension { .. } => Kind::Suspension,
            WastDirective::AssertInvalidCustom { .. } => Kind::InvalidCustom,
            WastDirective::AssertMalformedCustom { .. } => Kind::MalformedCustom,
            WastDirective::Thread(_) => Kind::Thread,
            WastDirective::Wait { .. } => Kind::Wait,
        }
    }
}

/// How one directive ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Outcome {
    Passed,
    /// Not decided by our code, for its kind's [`Kind::skip_reason`].
    Skipped,
    Failed(String),
}

/// Directives of one kind, by outcome.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub passed: usize,
    pub skipped: usize,
    pub failed: usize,
}

impl Count {
    pub fn total(&self) -> usize {
        self.passed + self.skipped + self.failed
    }

    fn add(&mut self, other: Count) {
        self.passed += other.passed;
        self.skipped += other.skipped;
        self.failed += other.failed;
    }
}

/// Directives counted by kind and outcome.
///
/// Displayed as the totals by kind, assertions then actions, with the skipped ones
/// of a kind in parentheses: `return 374, malformed 30 (12 skipped); module 3, invoke 1`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    counts: [Count; Kind::ALL.len()],
}

impl Tally {
    pub(super) fn record(&mut self, kind: Kind, outcome: &Outcome) {
        let count = &mut self.counts[kind as usize];
        match outcome {
            Outcome::Passed => count.passed += 1,
            Outcome::Skipped => count.skipped += 1,
            Outcome::Failed(_) => count.failed += 1,
        }
    }

    pub fn add(&mut self, other: &Tally) {
        for (count, other) in self.counts.iter_mut().zip(other.counts) {
            count.add(other);
        }
    }

    pub fn get(&self, kind: Kind) -> Count {
        self.counts[kind as usize]
    }

    /// All assertions, whatever their kind.
    pub fn assertions(&self) -> Count {
        let mut sum = Count::default();
        for kind in Kind::ALL.into_iter().filter(|k| k.is_assertion()) {
            sum.add(self.get(kind));
        }
        sum
    }

    /// Kinds with skipped directives, with how many and why.
    pub fn skips(&self) -> impl Iterator<Item = (Kind, usize, &'static str)> + '_ {
        Kind::ALL.into_iter().filter_map(|kind| {
            let skipped = self.get(kind).skipped;
            (skipped > 0).then(|| (kind, skipped, kind.skip_reason().unwrap_or("?")))
        })
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let group = |assertions: bool| {
            Kind::ALL
                .into_iter()
                .filter(|kind| kind.is_assertion() == assertions)
                .filter_map(|kind| {
                    let count = self.get(kind);
                    let label = kind.label();
                    match (count.total(), count.skipped) {
                        (0, _) => None,
                        (total, 0) => Some(format!("{label} {total}")),
                        (total, skipped) => Some(format!("{label} {total} ({skipped} skipped)")),
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let groups = [group(true), group(false)];
        let shown: Vec<&str> = groups
            .iter()
            .map(String::as_str)
            .filter(|g| !g.is_empty())
            .collect();
        f.write_str(&shown.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_listed_in_declaration_order() {
        // `Tally` indexes its counts by `kind as usize`, and `is_assertion` compares.
        for (index, kind) in Kind::ALL.into_iter().enumerate() {
            assert_eq!(kind as usize, index, "{kind:?}");
        }
        let assertions = Kind::ALL.iter().filter(|k| k.is_assertion()).count();
        assert_eq!(assertions, 11);
    }

    #[test]
    fn a_tally_shows_totals_by_kind_with_skips() {
        let mut tally = Tally::default();
        tally.record(Kind::Return, &Outcome::Passed);
        tally.record(Kind::Malformed, &Outcome::Skipped);
        tally.record(Kind::Malformed, &Outcome::Failed(String::new()));
        tally.record(Kind::Module, &Outcome::Passed);
        assert_eq!(
            tally.to_string(),
            "return 1, malformed 2 (1 skipped); module 1"
        );
        let assertions = tally.assertions();
        assert_eq!(
            (assertions.passed, assertions.skipped, assertions.failed),
            (1, 1, 1)
        );
    }
}
