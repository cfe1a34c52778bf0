//! Runs a case in wasmi, the reference engine, and records its [`Trace`].

use wasmi::errors::{ErrorKind, InstantiationError, MemoryError};
use wasmi::{
    Config, Engine, Extern, Linker, Module, Nullable, Store, StoreLimits, StoreLimitsBuilder,
    TrapCode, Val as WasmiVal, F32, F64,
};

use super::plan::Plan;
use super::trace::{Outcome, Trace, TrapClass, Val};
use super::{ENGINE_FUEL, MEMORY_PAGES, TABLE_ELEMENTS};

/// wasmi with the same feature set as our core (its SIMD is off without the `simd`
/// cargo feature), and stack limits above what wasm-smith's fuel lets code reach
/// (wasmi's default of 1,000 frames is just below it).
fn engine() -> Engine {
    let mut config = Config::default();
    config
        .consume_fuel(true)
        .set_max_recursion_depth(10_000)
        .set_max_stack_height(64 << 20)
        .wasm_tail_call(false)
        .wasm_memory64(false)
        .wasm_multi_memory(false)
        .wasm_wide_arithmetic(false)
        .wasm_custom_page_sizes(false)
        .wasm_extended_const(false);
    Engine::new(&config)
}

pub fn run(wasm: &[u8], plan: &Plan) -> Trace {
    let mut trace = Trace {
        instantiation: Outcome::Returned(Vec::new()),
        calls: Vec::new(),
        memories: Vec::new(),
        globals: Vec::new(),
    };
    let engine = engine();
    let module = match Module::new(&engine, wasm) {
        Ok(module) => module,
        Err(err) => {
            trace.instantiation = Outcome::Failed(format!("invalid module: {err}"));
            return trace;
        }
    };
    let limits = StoreLimitsBuilder::new()
        .memory_size(MEMORY_PAGES as usize * 65_536)
        .table_elements(TABLE_ELEMENTS as usize)
        .build();
    let mut store = Store::<StoreLimits>::new(&engine, limits);
    store.limiter(|limits| limits);
    store.set_fuel(ENGINE_FUEL).expect("fuel metering is on");
    let instance = match Linker::new(&engine).instantiate_and_start(&mut store, &module) {
        Ok(instance) => instance,
        Err(err) => {
            trace.instantiation = outcome(&err);
            return trace;
        }
    };
    for call in &plan.calls {
        store.set_fuel(ENGINE_FUEL).expect("fuel metering is on");
        let func = instance
            .get_func(&store, &call.name)
            .expect("planned exports are functions");
        let mut results: Vec<WasmiVal> = func
            .ty(&store)
            .results()
            .iter()
            .map(|&ty| WasmiVal::default_for_ty(ty))
            .collect();
        let args: Vec<WasmiVal> = call.args.iter().map(|&v| value(v)).collect();
        let outcome = match func.call(&mut store, &args, &mut results) {
            Ok(()) => Outcome::Returned(results.iter().map(val).collect()),
            Err(err) => outcome(&err),
        };
        let stop = matches!(outcome, Outcome::Exhausted(_));
        trace.calls.push(outcome);
        if stop {
            return trace;
        }
    }
    for name in &plan.memories {
        if let Some(Extern::Memory(memory)) = instance.get_export(&store, name) {
            trace
                .memories
                .push((name.clone(), memory.data(&store).to_vec()));
        }
    }
    for name in &plan.globals {
        if let Some(Extern::Global(global)) = instance.get_export(&store, name) {
            trace.globals.push((name.clone(), val(&global.get(&store))));
        }
    }
    trace
}

fn outcome(err: &wasmi::Error) -> Outcome {
    // wasmi reports active segments that do not fit (spec: traps "out of bounds table
    // access" / "out of bounds memory access" during instantiation) as these errors.
    match err.kind() {
        ErrorKind::Instantiation(InstantiationError::ElementSegmentDoesNotFit { .. }) => {
            return Outcome::Trapped(TrapClass::TableOutOfBounds)
        }
        ErrorKind::Memory(MemoryError::OutOfBoundsAccess) => {
            return Outcome::Trapped(TrapClass::MemoryOutOfBounds)
        }
        _ => {}
    }
    let Some(code) = err.as_trap_code() else {
        return Outcome::Failed(err.to_string());
    };
    Outcome::Trapped(match code {
        TrapCode::UnreachableCodeReached => TrapClass::Unreachable,
        TrapCode::MemoryOutOfBounds => TrapClass::MemoryOutOfBounds,
        TrapCode::TableOutOfBounds => TrapClass::TableOutOfBounds,
        TrapCode::IndirectCallToNull => TrapClass::IndirectCallToNull,
        TrapCode::IntegerDivisionByZero => TrapClass::IntegerDivideByZero,
        TrapCode::IntegerOverflow => TrapClass::IntegerOverflow,
        TrapCode::BadConversionToInteger => TrapClass::InvalidConversionToInteger,
        TrapCode::BadSignature => TrapClass::IndirectCallTypeMismatch,
        TrapCode::StackOverflow | TrapCode::OutOfFuel => {
            return Outcome::Exhausted(code.to_string())
        }
        other => return Outcome::Failed(format!("unexpected trap code {other:?}")),
    })
}

fn value(v: Val) -> WasmiVal {
    match v {
        Val::I32(v) => WasmiVal::I32(v),
        Val::I64(v) => WasmiVal::I64(v),
        Val::F32(bits) => WasmiVal::F32(F32::from_bits(bits)),
        Val::F64(bits) => WasmiVal::F64(F64::from_bits(bits)),
        Val::FuncRef { .. } => WasmiVal::FuncRef(Nullable::Null),
        Val::ExternRef { .. } => WasmiVal::ExternRef(Nullable::Null),
    }
}

fn val(v: &WasmiVal) -> Val {
    match v {
        WasmiVal::I32(v) => Val::I32(*v),
        WasmiVal::I64(v) => Val::I64(*v),
        WasmiVal::F32(v) => Val::F32(v.to_bits()),
        WasmiVal::F64(v) => Val::F64(v.to_bits()),
        WasmiVal::FuncRef(r) => Val::FuncRef { null: r.is_null() },
        WasmiVal::ExternRef(r) => Val::ExternRef { null: r.is_null() },
        WasmiVal::V128(_) => unreachable!("SIMD is disabled in the generator and in wasmi"),
    }
}
