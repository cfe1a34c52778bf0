//! The code section's function bodies, validated when the module loads (translation
//! waits for each function's first call, see `code`): by wasmparser, plus the 2.0
//! encoding rules it relaxes (`binary_checks`) and our frame-size limit. On as many
//! threads as the machine offers when there is enough code to repay starting them, each
//! taking a contiguous run of bodies. The result is the same as validating them one
//! after another: where each body is, in order, or the error of the first function (by
//! index) that has one.

use std::num::NonZeroUsize;
use std::ops::Range;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::thread;

use wasmparser::{
    FuncToValidate, FuncValidator, FuncValidatorAllocations, FunctionBody, ValidatorResources,
};

use super::binary_checks;
use crate::interp::types::{LoadError, MAX_FRAME_SLOTS};

/// A function body with what validates it, as the module's validator hands it out.
pub(crate) type Body<'a> = (FuncToValidate<ValidatorResources>, FunctionBody<'a>);

/// Code bytes below which one thread validates everything (a thread costs about as
/// much to start as a few kilobytes of code cost to validate).
const PARALLEL_MIN_BYTES: usize = 16 * 1024;
/// At most this many threads.
const MAX_THREADS: usize = 8;

/// Validates `bodies`, in `bytes`, the whole module; returns where each one is.
pub(crate) fn validate_bodies(
    bytes: &[u8],
    bodies: Vec<Body<'_>>,
) -> Result<Vec<Range<usize>>, LoadError> {
    let code_bytes: usize = bodies.iter().map(|(_, body)| body_size(body)).sum();
    let threads = if code_bytes < PARALLEL_MIN_BYTES {
        1
    } else {
        processors().min(MAX_THREADS).min(bodies.len())
    };
    if threads <= 1 {
        return validate_run(bytes, bodies);
    }
    // This thread validates the first run; each other one waits in its slot for the
    // thread started for it (or for this one, if that thread cannot start).
    let mut runs = split_by_size(bodies, threads, code_bytes).into_iter();
    let first = runs.next().unwrap_or_default();
    let others: Vec<Mutex<Option<Vec<Body<'_>>>>> = runs.map(|run| Mutex::new(Some(run))).collect();
    let results: Vec<_> = thread::scope(|scope| {
        let workers: Vec<_> = others
            .iter()
            .map(|slot| {
                thread::Builder::new()
                    .name("wasmcade-validate".into())
                    .spawn_scoped(scope, move || validate_run(bytes, take(slot)))
            })
            .collect();
        let mut results = vec![validate_run(bytes, first)];
        for (worker, slot) in workers.into_iter().zip(&others) {
            results.push(match worker {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                Err(error) => {
                    log::warn!("validating on one thread: cannot start another ({error})");
                    validate_run(bytes, take(slot))
                }
            });
        }
        results
    });
    let mut ranges = Vec::new();
    for result in results {
        ranges.extend(result?);
    }
    Ok(ranges)
}

/// The run waiting in `slot` (empty once taken).
fn take<'a>(slot: &Mutex<Option<Vec<Body<'a>>>>) -> Vec<Body<'a>> {
    let mut slot = slot.lock().unwrap_or_else(PoisonError::into_inner);
    slot.take().unwrap_or_default()
}

/// Validates `bodies` in order, up to the first error.
fn validate_run(bytes: &[u8], bodies: Vec<Body<'_>>) -> Result<Vec<Range<usize>>, LoadError> {
    let mut allocations = FuncValidatorAllocations::default();
    let mut ranges = Vec::with_capacity(bodies.len());
    for (to_validate, body) in bodies {
        let mut validator = to_validate.into_validator(allocations);
        validate_body(bytes, &body, &mut validator)?;
        let range = body.range();
        ranges.push(range.start as usize..range.end as usize);
        allocations = validator.into_allocations();
    }
    Ok(ranges)
}

/// Validates one body, and that its frame (locals and the highest operand stack) fits
/// in our 16-bit slots.
fn validate_body(
    bytes: &[u8],
    body: &FunctionBody<'_>,
    validator: &mut FuncValidator<ValidatorResources>,
) -> Result<(), LoadError> {
    let func_index = validator.index();
    let mut locals_reader = body.get_locals_reader()?;
    for _ in 0..locals_reader.get_count() {
        let offset = locals_reader.original_position();
        let (count, ty) = locals_reader.read()?;
        validator.define_locals(offset, count, ty)?;
        if let wasmparser::ValType::Ref(r) = ty {
            check_local_ref_type(r, offset as usize)?;
        }
    }
    // Parameters and declared locals (wasmparser caps them far below `u32::MAX`).
    let num_locals = validator.len_locals();
    if num_locals > MAX_FRAME_SLOTS {
        return Err(LoadError::frame_too_large(
            func_index,
            num_locals,
            body.range().start as usize,
        ));
    }
    let mut reader = body.get_operators_reader()?;
    let mut max_height = 0;
    while !reader.eof() {
        let offset = reader.original_position();
        reader.visit_operator(&mut validator.visitor(offset))??;
        check_encoding(bytes, offset as usize, validator.resources())?;
        max_height = max_height.max(validator.operand_stack_height());
        if num_locals + max_height > MAX_FRAME_SLOTS {
            return Err(LoadError::frame_too_large(
                func_index,
                num_locals + max_height,
                offset as usize,
            ));
        }
    }
    reader.finish()?;
    Ok(())
}

/// A local of a reference type wasmcade has no values of is refused with the GC line,
/// as its types are in the type section (`module::types`). GC's abstract types
/// (`anyref`, `(ref null eq)`...) are allowed: their only value here is null.
fn check_local_ref_type(r: wasmparser::RefType, offset: usize) -> Result<(), LoadError> {
    use wasmparser::{AbstractHeapType as A, HeapType};
    match r.heap_type() {
        HeapType::Abstract { ty, .. }
            if !matches!(
                ty,
                A::Func
                    | A::Extern
                    | A::NoFunc
                    | A::NoExtern
                    | A::Exn
                    | A::NoExn
                    | A::Any
                    | A::Eq
                    | A::I31
                    | A::Struct
                    | A::Array
                    | A::None
            ) =>
        {
            Err(LoadError::gc(&format!("a local of type {r}"), Some(offset)))
        }
        _ => Ok(()),
    }
}

/// The 2.0 binary rules wasmparser leaves to us (see `binary_checks`), for the operator
/// at `offset` (its opcode byte); and GC's instructions, which the validator (with GC
/// on, see `module::features`) lets through, refused with the GC line.
fn check_encoding(
    bytes: &[u8],
    offset: usize,
    resources: &ValidatorResources,
) -> Result<(), LoadError> {
    use wasmparser::WasmModuleResources;
    let index64 = |memory| resources.memory_at(memory).is_some_and(|ty| ty.memory64);
    match bytes.get(offset) {
        // GC's prefix (`struct.*`, `array.*`, `ref.i31`, casts...) and `ref.eq`.
        Some(0xfb | 0xd3) => Err(LoadError::gc(
            "a GC instruction (struct, array, i31, cast or ref.eq)",
            Some(offset),
        )),
        // `memory.size`, `memory.grow`.
        Some(0x3f | 0x40) => binary_checks::check_zero_byte(bytes, offset),
        // The loads and stores, from `i32.load` to `i64.store32`.
        Some(0x28..=0x3e) => binary_checks::check_memarg(bytes, offset, index64),
        _ => Ok(()),
    }
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
fn body_size(body: &FunctionBody<'_>) -> usize {
    let range = body.range();
    (range.end - range.start) as usize
}
