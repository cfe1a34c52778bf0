//! The lazy translation cache: a defined function is translated (`translate`) the first
//! time it is called, or when a tool asks for its code, once for all the module's
//! instances and threads, and published in its module's entry for the executor
//! (`module::FunctionCode`). The executor's encoding of ops (their handlers) reaches this
//! layer from above as a parameter, an `Encoder`.

use std::sync::atomic::Ordering;

use wasmparser::{BinaryReader, FunctionBody};

use crate::interp::isa::{CompiledFunc, Encoder};
use crate::interp::module::{locate, ModuleInner};
use crate::interp::translate::translate_function;
use crate::interp::types::LoadError;

/// The translation of `module`'s defined function `def`, made now (its ops given their
/// handlers by `encoder`) if this is its first use.
pub(crate) fn translated(
    module: &ModuleInner,
    def: u32,
    encoder: Encoder,
) -> Result<&CompiledFunc, LoadError> {
    let code = &module.code;
    let translation = code.translations[def as usize].get_or_init(|| {
        let func_index = module.num_imported_funcs + def;
        let range = code.bodies[def as usize].clone();
        let body = FunctionBody::new(BinaryReader::new(
            &code.bytes[range.clone()],
            range.start as u64,
        ));
        let translation = translate_function(module, func_index, &body).map_err(|mut err| {
            if let Some(place) = err.offset.and_then(|at| locate::describe(&code.bytes, at)) {
                err.message = format!("{} {place}", err.message);
            }
            err
        })?;
        Ok(translation.encode(encoder))
    });
    let compiled = translation.as_ref().map_err(Clone::clone)?;
    let entry: *const CompiledFunc = compiled;
    code.entries[def as usize].store(entry.cast_mut(), Ordering::Release);
    Ok(compiled)
}

/// Translates every defined function of `module` not yet translated (as `inspect` and
/// the test suites do, to see every function's code or error now).
pub(crate) fn translate_all(module: &ModuleInner, encoder: Encoder) -> Result<(), LoadError> {
    (0..module.code.len() as u32).try_for_each(|def| translated(module, def, encoder).map(drop))
}
