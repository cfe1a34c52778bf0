//! A module's function code: every body is validated when the module loads (`bodies`),
//! and translated (`translate`) the first time it is called, once for all the module's
//! instances. A game reaches its code a little at a time (the rocket game calls 32 of
//! its 145 functions in its first frame, 65 in five seconds of play) and some of it
//! (panic formatting, unused library code) never, so loading pays only for validation.
//!
//! Until a function is translated, its entry points to a stub (`CompiledFunc::untranslated`)
//! whose direct-entry size no frame can satisfy: the executor's fast call paths refuse
//! it without a check of their own, and the slow paths translate it
//! (`ModuleInner::translated`).

use std::ops::Range;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{LazyLock, OnceLock};

use wasmparser::{BinaryReader, FunctionBody};

use super::error::LoadError;
use super::isa::CompiledFunc;
use super::locate;
use super::module::ModuleInner;
use super::translate::translate_function;

/// The defined functions' bodies and their translations.
pub(crate) struct FunctionCode {
    /// The whole module, which the bodies and error offsets refer to.
    bytes: Box<[u8]>,
    /// Where each defined function's body is in `bytes`.
    bodies: Box<[Range<usize>]>,
    /// Each defined function's translation (or why it failed), made at most once.
    translations: Box<[OnceLock<Result<CompiledFunc, LoadError>>]>,
    /// Each defined function's code as the executor enters it: its translation, or
    /// `UNTRANSLATED` until there is one.
    entries: Box<[AtomicPtr<CompiledFunc>]>,
}

/// The stub every function not yet translated points to.
static UNTRANSLATED: LazyLock<CompiledFunc> = LazyLock::new(CompiledFunc::untranslated);

impl FunctionCode {
    /// The code of a module (`bytes`) whose validated bodies are at `bodies`.
    pub fn new(bytes: &[u8], bodies: Vec<Range<usize>>) -> FunctionCode {
        let stub: *const CompiledFunc = &*UNTRANSLATED;
        FunctionCode {
            bytes: bytes.into(),
            translations: bodies.iter().map(|_| OnceLock::new()).collect(),
            entries: bodies
                .iter()
                .map(|_| AtomicPtr::new(stub.cast_mut()))
                .collect(),
            bodies: bodies.into(),
        }
    }

    /// The whole module's bytes (what [`Module::sha256`](super::Module::sha256) hashes).
    pub fn module_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Each defined function's entry (see `entries`), for the executor.
    pub fn entries(&self) -> &[AtomicPtr<CompiledFunc>] {
        &self.entries
    }

    /// The bodies' total size in bytes.
    pub fn size(&self) -> usize {
        self.bodies.iter().map(ExactSizeIterator::len).sum()
    }

    /// How many functions the module defines.
    pub fn len(&self) -> usize {
        self.bodies.len()
    }

    /// How many of them have been translated (or failed to) so far.
    pub fn translated_count(&self) -> usize {
        self.translations
            .iter()
            .filter(|t| t.get().is_some())
            .count()
    }
}

impl ModuleInner {
    /// The translation of defined function `def`, made now if this is its first use.
    pub(crate) fn translated(&self, def: u32) -> Result<&CompiledFunc, LoadError> {
        let code = &self.code;
        let translation = code.translations[def as usize].get_or_init(|| {
            let func_index = self.num_imported_funcs + def;
            let range = code.bodies[def as usize].clone();
            let body = FunctionBody::new(BinaryReader::new(
                &code.bytes[range.clone()],
                range.start as u64,
            ));
            let ty = self.func_type_of(func_index);
            translate_function(self, func_index, ty, &body).map_err(|mut err| {
                if let Some(place) = err.offset.and_then(|at| locate::describe(&code.bytes, at)) {
                    err.message = format!("{} {place}", err.message);
                }
                err
            })
        });
        let compiled = translation.as_ref().map_err(Clone::clone)?;
        let entry: *const CompiledFunc = compiled;
        code.entries[def as usize].store(entry.cast_mut(), Ordering::Release);
        Ok(compiled)
    }

    /// Translates every defined function not yet translated (as `inspect` and the test
    /// suites do, to see every function's code or error).
    pub(crate) fn translate_all(&self) -> Result<(), LoadError> {
        (0..self.code.len() as u32).try_for_each(|def| self.translated(def).map(drop))
    }
}
