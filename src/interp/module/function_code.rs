//! Where a module keeps its defined functions' code: each body (validated at load, see
//! `bodies`) and a slot for its translation, which `code` fills at the function's first
//! call, once for all the module's instances. A game reaches its code a little at a time
//! (the rocket game calls 32 of its 145 functions in its first frame, 65 in five seconds
//! of play) and some of it (panic formatting, unused library code) never, so loading
//! pays only for validation.
//!
//! Until a function is translated, its entry points to a stub (`CompiledFunc::untranslated`)
//! whose direct-entry size no frame can satisfy: the executor's fast call paths refuse
//! it without a check of their own, and the slow paths translate it (`code::translated`).

use std::ops::Range;
use std::sync::atomic::AtomicPtr;
use std::sync::{LazyLock, OnceLock};

use crate::interp::isa::CompiledFunc;
use crate::interp::types::LoadError;

/// The defined functions' bodies and their translations.
pub(crate) struct FunctionCode {
    /// The whole module, which the bodies and error offsets refer to.
    pub bytes: Box<[u8]>,
    /// Where each defined function's body is in `bytes`.
    pub bodies: Box<[Range<usize>]>,
    /// Each defined function's translation (or why it failed), made at most once.
    pub translations: Box<[OnceLock<Result<CompiledFunc, LoadError>>]>,
    /// Each defined function's code as the executor enters it: its translation, or
    /// `UNTRANSLATED` until there is one.
    pub entries: Box<[AtomicPtr<CompiledFunc>]>,
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
