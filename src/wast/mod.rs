//! The spec-script (`.wast`) runner: executes every directive of a script against our
//! interpreter, with the `spectest` host module, and counts assertions by kind apart
//! from the actions (modules, registrations, invocations) that set them up.
//! Used by `wasmcade wast` and by the conformance test over the official suite.

mod runner;
mod spectest;
mod tally;
mod values;

use std::panic::{catch_unwind, AssertUnwindSafe};

use wast::parser::{self, ParseBuffer};
use wast::Wast;

use crate::interp::Limits;
use runner::Runner;
use tally::Outcome;
pub use tally::{Count, Kind, Tally};

/// The outcome of one script.
#[derive(Debug, Default)]
pub struct Report {
    pub name: String,
    pub tally: Tally,
    /// `line:col: what went wrong`, for each failed directive (or the script's parse
    /// error).
    pub failures: Vec<String>,
}

impl Report {
    /// Prints the script's [`summary`] and its first failures.
    pub fn print(&self) {
        println!(
            "{}: {}",
            self.name,
            summary(&self.tally, self.failures.len())
        );
        for failure in self.failures.iter().take(20) {
            println!("  {failure}");
        }
        if self.failures.len() > 20 {
            println!("  ... and {} more", self.failures.len() - 20);
        }
    }
}

/// Sums of several reports.
#[derive(Debug, Default)]
pub struct Totals {
    pub scripts: usize,
    pub tally: Tally,
    pub failed: usize,
}

impl Totals {
    pub fn add(&mut self, report: &Report) {
        self.scripts += 1;
        self.tally.add(&report.tally);
        self.failed += report.failures.len();
    }

    /// Prints `label: N scripts, ` and the [`summary`], then why assertions were
    /// skipped.
    pub fn print(&self, label: &str) {
        println!(
            "{label}: {} scripts, {}",
            self.scripts,
            summary(&self.tally, self.failed)
        );
        for (kind, skipped, why) in self.tally.skips() {
            println!("  {skipped} {} skipped: {why}", kind.label());
        }
    }
}

/// `P of N assertions passed, S skipped, F failed (by kind ...)`: `F` counts every
/// directive that failed (an assertion, or an action one depends on).
fn summary(tally: &Tally, failed: usize) -> String {
    let assertions = tally.assertions();
    format!(
        "{} of {} assertions passed, {} skipped, {failed} failed ({tally})",
        assertions.passed,
        assertions.total(),
        assertions.skipped
    )
}

/// Runs one script with default limits; never panics (a panic inside counts as a
/// failed directive).
pub fn run_script(name: &str, text: &str) -> Report {
    run_script_with(name, text, Limits::default(), Translation::AtFirstCall)
}

/// When the runner translates a module's functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Translation {
    /// At each function's first call, as every host does.
    AtFirstCall,
    /// All of them as soon as the module loads, so that functions no assertion calls
    /// are translated too.
    Eager,
}

/// Runs one script with the given store limits (e.g. to exercise fuel metering) and
/// translation mode.
pub fn run_script_with(name: &str, text: &str, limits: Limits, translation: Translation) -> Report {
    let mut report = Report {
        name: name.to_string(),
        ..Report::default()
    };
    // The suite's `names.wast` uses bidirectional-override characters on purpose.
    let mut lexer = wast::lexer::Lexer::new(text);
    lexer.allow_confusing_unicode(true);
    let buffer = match ParseBuffer::new_with_lexer(lexer) {
        Ok(buffer) => buffer,
        Err(err) => return report.with_failure(format!("cannot lex script: {err}")),
    };
    let script = match parser::parse::<Wast>(&buffer) {
        Ok(script) => script,
        Err(err) => return report.with_failure(format!("cannot parse script: {err}")),
    };
    let mut runner = Runner::new(limits, translation);
    for directive in script.directives {
        let (line, col) = directive.span().linecol_in(text);
        let kind = Kind::of(&directive);
        let outcome =
            catch_unwind(AssertUnwindSafe(|| runner.run(directive))).unwrap_or_else(|panic| {
                Outcome::Failed(format!("interpreter panicked: {}", panic_message(&panic)))
            });
        report.tally.record(kind, &outcome);
        if let Outcome::Failed(why) = outcome {
            report
                .failures
                .push(format!("{}:{}: {why}", line + 1, col + 1));
        }
    }
    report
}

impl Report {
    fn with_failure(mut self, why: String) -> Report {
        self.failures.push(why);
        self
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_definitions_instantiate_apart() {
        let report = run_script(
            "definitions",
            r#"(module definition $M
                 (global (export "g") (mut i32) (i32.const 0))
                 (func (export "inc") (global.set 0 (i32.add (global.get 0) (i32.const 1)))))
               (module instance $I1 $M)
               (module instance $I2 $M)
               (invoke $I1 "inc")
               (assert_return (get $I1 "g") (i32.const 1))
               (assert_return (get $I2 "g") (i32.const 0))
               (module instance $I3 $Unknown)"#,
        );
        assert_eq!(report.failures.len(), 1, "{:?}", report.failures);
        assert!(report.failures[0].contains("no module definition Unknown"));
        assert_eq!(
            report.tally.to_string(),
            "return 2; module definition 1, module instance 3, invoke 1"
        );
    }

    #[test]
    fn text_our_loader_never_sees_is_skipped_not_passed() {
        let report = run_script(
            "malformed",
            r#"(assert_malformed (module quote "(func") "unexpected end")
               (assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
               (assert_invalid (module (func (result i32))) "type mismatch")"#,
        );
        assert!(report.failures.is_empty(), "{:?}", report.failures);
        let malformed = report.tally.get(Kind::Malformed);
        assert_eq!((malformed.passed, malformed.skipped), (1, 1));
        assert_eq!(report.tally.get(Kind::Invalid).passed, 1);
    }
}
