//! The spec-script (`.wast`) runner: executes every directive of a script against our
//! interpreter, with the `spectest` host module, and counts passed and failed assertions.
//! Used by `wasmcade wast` and by the conformance test over the official suite.

mod spectest;
mod values;

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

use wast::core::WastArgCore;
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, Wat};

use crate::interp::{Error, Instance, Limits, Linker, Module, Store, TrapKind, Value};

/// The outcome of one script.
#[derive(Debug, Default)]
pub struct Report {
    pub name: String,
    pub passed: usize,
    pub failed: usize,
    /// `line:col: what went wrong`, for each failure.
    pub failures: Vec<String>,
}

impl Report {
    /// Prints `name: N passed, N failed` and the first failures.
    pub fn print(&self) {
        println!(
            "{}: {} passed, {} failed",
            self.name, self.passed, self.failed
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
    pub passed: usize,
    pub failed: usize,
}

impl Totals {
    pub fn add(&mut self, report: &Report) {
        self.passed += report.passed;
        self.failed += report.failed;
    }
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
        let outcome =
            catch_unwind(AssertUnwindSafe(|| runner.run(directive))).unwrap_or_else(|panic| {
                Err(format!("interpreter panicked: {}", panic_message(&panic)))
            });
        match outcome {
            Ok(()) => report.passed += 1,
            Err(why) => {
                report.failed += 1;
                report
                    .failures
                    .push(format!("{}:{}: {why}", line + 1, col + 1));
            }
        }
    }
    report
}

impl Report {
    fn with_failure(mut self, why: String) -> Report {
        self.failed += 1;
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

type Outcome = Result<(), String>;

struct Runner {
    store: Store<()>,
    linker: Linker,
    named: HashMap<String, Instance>,
    current: Option<Instance>,
    translation: Translation,
}

impl Runner {
    fn new(limits: Limits, translation: Translation) -> Runner {
        let mut store = Store::with_limits((), limits);
        let mut linker = Linker::new();
        spectest::define(&mut store, &mut linker);
        Runner {
            store,
            linker,
            named: HashMap::new(),
            current: None,
            translation,
        }
    }

    fn run(&mut self, directive: WastDirective) -> Outcome {
        match directive {
            WastDirective::Module(mut quote) => {
                let name = quote.name().map(|id| id.name().to_string());
                let bytes = quote
                    .encode()
                    .map_err(|e| format!("cannot encode module: {e}"))?;
                let instance = self.instantiate(&bytes).map_err(|e| e.to_string())?;
                self.current = Some(instance);
                if let Some(name) = name {
                    self.named.insert(name, instance);
                }
                Ok(())
            }
            WastDirective::Register { name, module, .. } => {
                let instance = self.instance(module.map(|id| id.name()))?;
                self.linker.instance(&self.store, name, instance);
                Ok(())
            }
            WastDirective::Invoke(invoke) => {
                self.invoke(invoke).map(drop).map_err(|e| e.to_string())
            }
            WastDirective::AssertReturn { exec, results, .. } => {
                let actual = self
                    .execute(exec)
                    .map_err(|e| format!("expected results, got {e}"))?;
                values::check_results(&actual, &results)
            }
            WastDirective::AssertTrap { exec, message, .. } => match self.execute(exec) {
                Ok(values) => Err(format!("expected trap `{message}`, got {values:?}")),
                Err(Error::Trap(trap)) => check_message(&trap.kind.to_string(), message),
                Err(other) => Err(format!("expected trap `{message}`, got: {other}")),
            },
            WastDirective::AssertExhaustion { call, message, .. } => match self.invoke(call) {
                Err(Error::Trap(trap)) if trap.kind == TrapKind::CallStackExhausted => Ok(()),
                other => Err(format!("expected `{message}`, got {other:?}")),
            },
            WastDirective::AssertInvalid {
                module, message, ..
            }
            | WastDirective::AssertMalformed {
                module, message, ..
            } => self.expect_rejected(module, message),
            WastDirective::AssertUnlinkable {
                module, message, ..
            } => {
                let bytes = encode_wat(module)?;
                match self.instantiate(&bytes) {
                    Ok(_) => Err(format!("expected unlinkable `{message}`, but it linked")),
                    Err(Error::Link(_) | Error::Limit(_)) => Ok(()),
                    Err(other) => Err(format!("expected unlinkable `{message}`, got: {other}")),
                }
            }
            other => Err(format!("unsupported directive {other:?}")),
        }
    }

    fn instantiate(&mut self, bytes: &[u8]) -> Result<Instance, Error> {
        let module = Module::new(bytes)?;
        if self.translation == Translation::Eager {
            module.translate_all()?;
        }
        self.linker.instantiate(&mut self.store, &module)
    }

    fn instance(&self, name: Option<&str>) -> Result<Instance, String> {
        match name {
            Some(name) => self
                .named
                .get(name)
                .copied()
                .ok_or(format!("no module named {name}")),
            None => self
                .current
                .ok_or_else(|| "no module instantiated yet".to_string()),
        }
    }

    fn invoke(&mut self, invoke: WastInvoke) -> Result<Vec<Value>, Error> {
        let instance = self
            .instance(invoke.module.map(|id| id.name()))
            .map_err(Error::Usage)?;
        let args = invoke
            .args
            .iter()
            .map(arg_value)
            .collect::<Result<Vec<_>, _>>()
            .map_err(Error::Usage)?;
        instance.call(&mut self.store, invoke.name, &args)
    }

    fn execute(&mut self, exec: WastExecute) -> Result<Vec<Value>, Error> {
        match exec {
            WastExecute::Invoke(invoke) => self.invoke(invoke),
            WastExecute::Wat(wat) => {
                let bytes = encode_wat(wat).map_err(Error::Usage)?;
                self.instantiate(&bytes).map(|_| Vec::new())
            }
            WastExecute::Get { module, global, .. } => {
                let instance = self
                    .instance(module.map(|id| id.name()))
                    .map_err(Error::Usage)?;
                let global = instance
                    .get_global(&self.store, global)
                    .ok_or_else(|| Error::Usage(format!("no global named {global}")))?;
                Ok(vec![global.get(&self.store)])
            }
        }
    }

    /// `assert_invalid` / `assert_malformed`: text that does not parse, or bytes our
    /// loader rejects, pass.
    fn expect_rejected(&mut self, mut module: QuoteWat, message: &str) -> Outcome {
        let Ok(bytes) = module.encode() else {
            return Ok(());
        };
        match Module::new(&bytes) {
            Ok(_) => Err(format!(
                "expected rejection `{message}`, but the module loaded"
            )),
            Err(_) => Ok(()),
        }
    }
}

fn encode_wat(mut wat: Wat) -> Result<Vec<u8>, String> {
    wat.encode()
        .map_err(|e| format!("cannot encode module: {e}"))
}

/// Our trap message must agree with the script's (which sometimes adds detail).
fn check_message(ours: &str, expected: &str) -> Outcome {
    if expected.starts_with(ours) || ours.starts_with(expected) {
        Ok(())
    } else {
        Err(format!("expected trap `{expected}`, got `{ours}`"))
    }
}

fn arg_value(arg: &WastArg) -> Result<Value, String> {
    let WastArg::Core(core) = arg else {
        return Err("component-model argument".to_string());
    };
    Ok(match core {
        WastArgCore::I32(v) => Value::I32(*v),
        WastArgCore::I64(v) => Value::I64(*v),
        WastArgCore::F32(v) => Value::F32(f32::from_bits(v.bits)),
        WastArgCore::F64(v) => Value::F64(f64::from_bits(v.bits)),
        WastArgCore::RefNull(heap) => values::null_of(heap)?,
        WastArgCore::RefExtern(n) => Value::ExternRef(Some(*n)),
        other => return Err(format!("unsupported argument {other:?}")),
    })
}
