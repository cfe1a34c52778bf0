//! Runs one directive at a time against our interpreter, keeping the script's state:
//! the store with the `spectest` module, registered and named instances, module
//! definitions, and the current instance.

use std::collections::HashMap;

use wast::core::WastArgCore;
use wast::{QuoteWat, WastArg, WastDirective, WastExecute, WastInvoke, Wat};

use super::tally::Outcome;
use super::{spectest, values, Translation};
use crate::interp::{Error, Instance, Limits, Linker, Module, Store, TrapKind, Value};

pub struct Runner {
    store: Store<()>,
    linker: Linker,
    named: HashMap<String, Instance>,
    current: Option<Instance>,
    /// `module definition`s by name; the last one (named or not) under `None`.
    definitions: HashMap<Option<String>, Module>,
    translation: Translation,
}

impl Runner {
    pub fn new(limits: Limits, translation: Translation) -> Runner {
        let mut store = Store::with_limits((), limits);
        let mut linker = Linker::new();
        spectest::define(&mut store, &mut linker);
        Runner {
            store,
            linker,
            named: HashMap::new(),
            current: None,
            definitions: HashMap::new(),
            translation,
        }
    }

    pub fn run(&mut self, directive: WastDirective) -> Outcome {
        self.check(directive).unwrap_or_else(Outcome::Failed)
    }

    fn check(&mut self, directive: WastDirective) -> Result<Outcome, String> {
        match directive {
            WastDirective::Module(mut quote) => {
                let name = quote.name().map(|id| id.name().to_string());
                let module = self.load(encode(&mut quote)?)?;
                self.instantiate_as(name, &module)
            }
            WastDirective::ModuleDefinition(mut quote) => {
                let name = quote.name().map(|id| id.name().to_string());
                let module = self.load(encode(&mut quote)?)?;
                self.definitions.insert(None, module.clone());
                if name.is_some() {
                    self.definitions.insert(name, module);
                }
                Ok(())
            }
            WastDirective::ModuleInstance {
                instance, module, ..
            } => {
                let key = module.map(|id| id.name().to_string());
                let definition = self.definitions.get(&key).cloned().ok_or_else(|| {
                    format!("no module definition {}", key.as_deref().unwrap_or("yet"))
                })?;
                self.instantiate_as(instance.map(|id| id.name().to_string()), &definition)
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
            WastDirective::AssertUnlinkable {
                module, message, ..
            } => {
                let module = self.load(encode_wat(module)?)?;
                match self.linker.instantiate(&mut self.store, &module) {
                    Ok(_) => Err(format!("expected unlinkable `{message}`, but it linked")),
                    Err(Error::Link(_) | Error::Limit(_)) => Ok(()),
                    Err(other) => Err(format!("expected unlinkable `{message}`, got: {other}")),
                }
            }
            WastDirective::AssertException { exec, .. } => match self.execute(exec) {
                Ok(values) => Err(format!("expected an exception, got {values:?}")),
                Err(Error::Trap(trap)) if matches!(trap.kind, TrapKind::Exception(_)) => Ok(()),
                Err(other) => Err(format!("expected an exception, got: {other}")),
            },
            WastDirective::AssertSuspension { .. } => {
                Err("stack switching is not implemented".to_string())
            }
            WastDirective::Thread(_) | WastDirective::Wait { .. } => {
                Err("threads are not implemented".to_string())
            }
            WastDirective::AssertInvalid {
                module, message, ..
            }
            | WastDirective::AssertMalformed {
                module, message, ..
            } => return Ok(expect_rejected(module, message)),
            WastDirective::AssertInvalidCustom { .. }
            | WastDirective::AssertMalformedCustom { .. } => return Ok(Outcome::Skipped),
        }?;
        Ok(Outcome::Passed)
    }

    /// Decodes and validates a module (translating every function now in
    /// [`Translation::Eager`] mode).
    fn load(&self, bytes: Vec<u8>) -> Result<Module, String> {
        let module = Module::new(&bytes).map_err(|e| e.to_string())?;
        if self.translation == Translation::Eager {
            module.translate_all().map_err(|e| e.to_string())?;
        }
        Ok(module)
    }

    /// Instantiates `module` as the current instance, also under `name` if given.
    fn instantiate_as(&mut self, name: Option<String>, module: &Module) -> Result<(), String> {
        let instance = self
            .linker
            .instantiate(&mut self.store, module)
            .map_err(|e| e.to_string())?;
        self.current = Some(instance);
        if let Some(name) = name {
            self.named.insert(name, instance);
        }
        Ok(())
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
                let module = encode_wat(wat)
                    .and_then(|bytes| self.load(bytes))
                    .map_err(Error::Usage)?;
                self.linker
                    .instantiate(&mut self.store, &module)
                    .map(|_| Vec::new())
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
}

/// `assert_invalid` / `assert_malformed`: our loader must reject the module. Text the
/// `wast` crate cannot turn into bytes never reaches it: skipped.
fn expect_rejected(mut module: QuoteWat, message: &str) -> Outcome {
    let Ok(bytes) = module.encode() else {
        return Outcome::Skipped;
    };
    match Module::new(&bytes) {
        Ok(_) => Outcome::Failed(format!(
            "expected rejection `{message}`, but the module loaded"
        )),
        Err(_) => Outcome::Passed,
    }
}

fn encode(quote: &mut QuoteWat) -> Result<Vec<u8>, String> {
    quote
        .encode()
        .map_err(|e| format!("cannot encode module: {e}"))
}

fn encode_wat(mut wat: Wat) -> Result<Vec<u8>, String> {
    wat.encode()
        .map_err(|e| format!("cannot encode module: {e}"))
}

/// Our trap message must agree with the script's (which sometimes adds detail).
fn check_message(ours: &str, expected: &str) -> Result<(), String> {
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
        WastArgCore::V128(v) => values::v128_of(v),
        WastArgCore::RefNull(heap) => values::null_of(heap)?,
        WastArgCore::RefExtern(n) => Value::ExternRef(Some(*n)),
        other => return Err(format!("unsupported argument {other:?}")),
    })
}
