//! The code section's function bodies: each validated and translated (`translate`), on
//! as many threads as the machine offers when there is enough code to repay starting
//! them, each taking a contiguous run of bodies. The result is the same as translating
//! them one after another: the functions in order, or the error of the first function
//! (by index) that has one.

use std::num::NonZeroUsize;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::thread;

use wasmparser::{FuncToValidate, FuncValidatorAllocations, FunctionBody, ValidatorResources};

use super::error::LoadError;
use super::isa::CompiledFunc;
use super::module::ModuleInner;
use super::translate::translate_function;

/// A function body with what validates it, as the module's validator hands it out.
pub(crate) type Body<'a> = (FuncToValidate<ValidatorResources>, FunctionBody<'a>);

/// Code bytes below which one thread translates everything (a thread costs about as
/// much to start as a few kilobytes of code cost to translate).
const PARALLEL_MIN_BYTES: usize = 16 * 1024;
/// At most this many threads.
const MAX_THREADS: usize = 8;

/// Validates and translates `bodies` (the functions of `module` they belong to), in
/// `bytes`, the whole module.
pub(crate) fn translate_bodies(
    module: &ModuleInner,
    bytes: &[u8],
    bodies: Vec<Body<'_>>,
) -> Result<Vec<CompiledFunc>, LoadError> {
    let code_bytes: usize = bodies.iter().map(|(_, body)| body_size(body)).sum();
    let threads = if code_bytes < PARALLEL_MIN_BYTES {
        1
    } else {
        processors().min(MAX_THREADS).min(bodies.len())
    };
    if threads <= 1 {
        return translate_run(module, bytes, bodies);
    }
    // This thread translates the first run; each other one waits in its slot for the
    // thread started for it (or for this one, if that thread cannot start).
    let mut runs = split_by_size(bodies, threads, code_bytes).into_iter();
    let first = runs.next().unwrap_or_default();
    let others: Vec<Mutex<Option<Vec<Body<'_>>>>> = runs.map(|run| Mutex::new(Some(run))).collect();
    let results: Vec<_> = thread::scope(|scope| {
        let workers: Vec<_> = others
            .iter()
            .map(|slot| {
                thread::Builder::new()
                    .name("wasmcade-translate".into())
                    .spawn_scoped(scope, move || translate_run(module, bytes, take(slot)))
            })
            .collect();
        let mut results = vec![translate_run(module, bytes, first)];
        for (worker, slot) in workers.into_iter().zip(&others) {
            results.push(match worker {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                Err(error) => {
                    log::warn!("translating on one thread: cannot start another ({error})");
                    translate_run(module, bytes, take(slot))
                }
            });
        }
        results
    });
    let mut code = Vec::new();
    for result in results {
        code.extend(result?);
    }
    Ok(code)
}

/// The run waiting in `slot` (empty once taken).
fn take<'a>(slot: &Mutex<Option<Vec<Body<'a>>>>) -> Vec<Body<'a>> {
    let mut slot = slot.lock().unwrap_or_else(PoisonError::into_inner);
    slot.take().unwrap_or_default()
}

/// Translates `bodies` in order, up to the first error.
fn translate_run(
    module: &ModuleInner,
    bytes: &[u8],
    bodies: Vec<Body<'_>>,
) -> Result<Vec<CompiledFunc>, LoadError> {
    let mut allocations = FuncValidatorAllocations::default();
    let mut code = Vec::with_capacity(bodies.len());
    for (to_validate, body) in bodies {
        let mut validator = to_validate.into_validator(allocations);
        let func_index = validator.index();
        let ty = &module.types[module.func_types[func_index as usize] as usize];
        code.push(translate_function(
            module,
            bytes,
            func_index,
            ty,
            &body,
            &mut validator,
        )?);
        allocations = validator.into_allocations();
    }
    Ok(code)
}

/// The processors this process may use, asked once: the standard library reads the
/// scheduler's and cgroups' limits from the system on every call.
fn processors() -> usize {
    static PROCESSORS: OnceLock<usize> = OnceLock::new();
    *PROCESSORS.get_or_init(|| thread::available_parallelism().map_or(1, NonZeroUsize::get))
}

/// Splits `bodies` (of `total` code bytes) into at most `runs` contiguous runs of about
/// equal size, in order.
fn split_by_size(bodies: Vec<Body<'_>>, runs: usize, total: usize) -> Vec<Vec<Body<'_>>> {
    let share = total.div_ceil(runs);
    let mut split = vec![Vec::new()];
    let mut size = 0;
    for body in bodies {
        let len = body_size(&body.1);
        if size >= share && split.len() < runs {
            split.push(Vec::new());
            size = 0;
        }
        size += len;
        split.last_mut().expect("never empty").push(body);
    }
    split
}

/// A body's size in bytes.
pub(crate) fn body_size(body: &FunctionBody<'_>) -> usize {
    let range = body.range();
    (range.end - range.start) as usize
}
