//! Runs a case in wasmi, the reference engine, and records its [`Trace`].

use wasmi::errors::{ErrorKind, InstantiationError, MemoryError};
use wasmi::{
    Config, Engine, Extern, ExternType, FuncType, Linker, Module, Mutability, Nullable, Ref,
    RefType, Store, StoreLimits, StoreLimitsBuilder, TrapCode, Val as WasmiVal, ValType, F32, F64,
    V128,
};

use super::plan::Plan;
use super::trace::{Element, ExportType, Outcome, Resource, Sig, Trace, TrapClass, Ty, Val};
use super::{ENGINE_FUEL, MEMORY_PAGES, TABLE_ELEMENTS};

/// wasmi with the features of every share of the generator (fixed-width SIMD, not
/// relaxed: its choices may differ from ours; tail calls, extended constant expressions,
/// wide arithmetic, multi-memory, memory64), and stack limits above what wasm-smith's fuel lets code reach
/// (wasmi's default of 1,000 frames is just below it).
fn engine() -> Engine {
    let mut config = Config::default();
    config
        .consume_fuel(true)
        .set_max_recursion_depth(10_000)
        .set_max_stack_height(64 << 20)
        .wasm_simd(true)
        .wasm_relaxed_simd(false)
        .wasm_tail_call(true)
        .wasm_memory64(true)
        .wasm_multi_memory(true)
        .wasm_wide_arithmetic(true)
        .wasm_custom_page_sizes(false)
        .wasm_extended_const(true);
    Engine::new(&config)
}

pub fn run(wasm: &[u8], plan: &Plan) -> Trace {
    let engine = engine();
    let module = match Module::new(&engine, wasm) {
        Ok(module) => module,
        Err(err) => return Trace::rejected(err),
    };
    let exports = module
        .exports()
        .map(|export| (export.name().to_string(), export_type(export.ty())))
        .collect();
    let mut trace = Trace::new(exports);
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
        // The plan comes from our decoder: if wasmi has no such function, the export
        // lists differ, which the comparison reports first.
        let Some(func) = instance.get_func(&store, &call.name) else {
            trace
                .calls
                .push(Outcome::Failed(format!("no function `{}`", call.name)));
            continue;
        };
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
    for name in &plan.tables {
        if let Some(Extern::Table(table)) = instance.get_export(&store, name) {
            let elements = (0..table.size(&store))
                .map(|i| match table.get(&store, i) {
                    Some(Ref::Func(Nullable::Val(func))) => Element::Func(sig(&func.ty(&store))),
                    Some(Ref::Extern(Nullable::Val(_))) => Element::Extern,
                    _ => Element::Null,
                })
                .collect();
            trace.tables.push((name.clone(), elements));
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
        TrapCode::StackOverflow => return Outcome::Exhausted(Resource::Stack),
        TrapCode::OutOfFuel => return Outcome::Exhausted(Resource::Fuel),
        other => return Outcome::Failed(format!("unexpected trap code {other:?}")),
    })
}

fn export_type(ty: &ExternType) -> ExportType {
    match ty {
        ExternType::Func(func) => ExportType::Func(sig(func)),
        ExternType::Table(table) => ExportType::Table {
            element: ref_ty(table.element()),
            min: table.minimum(),
            max: table.maximum(),
        },
        ExternType::Memory(memory) => ExportType::Memory {
            min: memory.minimum(),
            max: memory.maximum(),
        },
        ExternType::Global(global) => ExportType::Global {
            content: ty_of(global.content()),
            mutable: global.mutability() == Mutability::Var,
        },
    }
}

fn sig(func: &FuncType) -> Sig {
    Sig {
        params: func.params().iter().map(|&t| ty_of(t)).collect(),
        results: func.results().iter().map(|&t| ty_of(t)).collect(),
    }
}

fn ty_of(ty: ValType) -> Ty {
    match ty {
        ValType::I32 => Ty::I32,
        ValType::I64 => Ty::I64,
        ValType::F32 => Ty::F32,
        ValType::F64 => Ty::F64,
        ValType::FuncRef => Ty::FuncRef,
        ValType::ExternRef => Ty::ExternRef,
        ValType::V128 => Ty::V128,
    }
}

fn ref_ty(ty: RefType) -> Ty {
    match ty {
        RefType::Func => Ty::FuncRef,
        RefType::Extern => Ty::ExternRef,
    }
}

fn value(v: Val) -> WasmiVal {
    match v {
        Val::I32(v) => WasmiVal::I32(v),
        Val::I64(v) => WasmiVal::I64(v),
        Val::F32(bits) => WasmiVal::F32(F32::from_bits(bits)),
        Val::F64(bits) => WasmiVal::F64(F64::from_bits(bits)),
        Val::V128(bits) => WasmiVal::V128(V128::from(bits)),
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
        WasmiVal::V128(v) => Val::V128(v.as_u128()),
    }
}
