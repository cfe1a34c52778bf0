//! Runs a case in wasmcade and records its [`Trace`].

use wasmcade::interp::{
    Error, Extern, ExternType, FuncType, Limits, Linker, Module, Store, TrapKind, ValType, Value,
};

use super::plan::Plan;
use super::trace::{Element, ExportType, Outcome, Resource, Sig, Trace, TrapClass, Ty, Val};
use super::{ENGINE_FUEL, MEMORY_PAGES, TABLE_ELEMENTS};

pub fn run(wasm: &[u8], plan: &Plan) -> Trace {
    let module = match Module::new(wasm) {
        Ok(module) => module,
        Err(err) => return Trace::rejected(err),
    };
    let exports = module
        .exports()
        .iter()
        .map(|export| (export.name.clone(), export_type(&export.ty)))
        .collect();
    let trace = run_module(&module, plan, Trace::new(exports));
    // The calls translated the functions they reached, each at its first call; the
    // rest must translate too.
    if let Err(err) = module.translate_all() {
        panic!("a function of a valid module does not translate: {err}");
    }
    trace
}

/// Instantiates `module` and makes the plan's calls, recording them in `trace`.
fn run_module(module: &Module, plan: &Plan, mut trace: Trace) -> Trace {
    let limits = Limits {
        fuel: Some(ENGINE_FUEL),
        max_memory_pages: MEMORY_PAGES,
        max_table_elements: TABLE_ELEMENTS,
        ..Limits::default()
    };
    let mut store = Store::with_limits((), limits);
    let instance = match Linker::new().instantiate(&mut store, module) {
        Ok(instance) => instance,
        Err(err) => {
            trace.instantiation = outcome(err);
            return trace;
        }
    };
    for call in &plan.calls {
        let args: Vec<Value> = call.args.iter().map(|&v| value(v)).collect();
        let result = instance.call(&mut store, &call.name, &args);
        let outcome = match result {
            Ok(values) => Outcome::Returned(values.into_iter().map(val).collect()),
            Err(err) => outcome(err),
        };
        let stop = matches!(outcome, Outcome::Exhausted(_));
        trace.calls.push(outcome);
        if stop {
            return trace;
        }
    }
    for name in &plan.memories {
        if let Some(Extern::Memory(memory)) = instance.export(&store, name) {
            trace
                .memories
                .push((name.clone(), memory.data(&store).to_vec()));
        }
    }
    for name in &plan.tables {
        if let Some(Extern::Table(table)) = instance.export(&store, name) {
            let elements = (0..table.size(&store))
                .map(|i| match table.get(&store, i) {
                    Some(Value::FuncRef(Some(func))) => Element::Func(sig(&func.ty(&store))),
                    Some(Value::ExternRef(Some(_))) => Element::Extern,
                    _ => Element::Null,
                })
                .collect();
            trace.tables.push((name.clone(), elements));
        }
    }
    for name in &plan.globals {
        if let Some(Extern::Global(global)) = instance.export(&store, name) {
            trace.globals.push((name.clone(), val(global.get(&store))));
        }
    }
    trace
}

fn outcome(err: Error) -> Outcome {
    let Error::Trap(trap) = err else {
        return Outcome::Failed(err.to_string());
    };
    Outcome::Trapped(match trap.kind {
        TrapKind::Unreachable => TrapClass::Unreachable,
        TrapKind::IntegerDivideByZero => TrapClass::IntegerDivideByZero,
        TrapKind::IntegerOverflow => TrapClass::IntegerOverflow,
        TrapKind::InvalidConversionToInteger => TrapClass::InvalidConversionToInteger,
        TrapKind::MemoryOutOfBounds => TrapClass::MemoryOutOfBounds,
        TrapKind::TableOutOfBounds | TrapKind::UndefinedElement => TrapClass::TableOutOfBounds,
        TrapKind::UninitializedElement => TrapClass::IndirectCallToNull,
        TrapKind::IndirectCallTypeMismatch => TrapClass::IndirectCallTypeMismatch,
        TrapKind::CallStackExhausted => return Outcome::Exhausted(Resource::Stack),
        TrapKind::OutOfFuel(_) => return Outcome::Exhausted(Resource::Fuel),
        TrapKind::Host(message) => return Outcome::Failed(format!("host trap: {message}")),
        // Typed function references, which the generated modules never use (wasmi has
        // none): any such trap is a divergence.
        kind @ (TrapKind::NullFunctionReference | TrapKind::NullReference) => {
            return Outcome::Failed(format!("typed-reference trap: {kind}"))
        }
        // Exceptions, which the generated modules never use either (wasmi has none).
        kind @ (TrapKind::Exception(_) | TrapKind::NullExceptionReference) => {
            return Outcome::Failed(format!("exception: {kind}"))
        }
        TrapKind::Untranslatable(message) => {
            return Outcome::Failed(format!("untranslatable: {message}"))
        }
    })
}

fn export_type(ty: &ExternType) -> ExportType {
    match ty {
        ExternType::Func(func) => ExportType::Func(sig(func)),
        ExternType::Table(table) => ExportType::Table {
            element: ty_of(table.element),
            min: table.limits.min,
            max: table.limits.max,
        },
        ExternType::Memory(memory) => ExportType::Memory {
            min: memory.limits.min,
            max: memory.limits.max,
        },
        ExternType::Global(global) => ExportType::Global {
            content: ty_of(global.content),
            mutable: global.mutable,
        },
        ExternType::Tag(_) => unreachable!("the generated modules have no tags (wasmi has none)"),
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
        ValType::V128 => Ty::V128,
        ValType::Ref(r) if r.heap.is_func() => Ty::FuncRef,
        ValType::Ref(_) => Ty::ExternRef,
    }
}

fn value(v: Val) -> Value {
    match v {
        Val::I32(v) => Value::I32(v),
        Val::I64(v) => Value::I64(v),
        Val::F32(bits) => Value::F32(f32::from_bits(bits)),
        Val::F64(bits) => Value::F64(f64::from_bits(bits)),
        Val::V128(bits) => Value::V128(bits),
        Val::FuncRef { .. } => Value::FuncRef(None),
        Val::ExternRef { .. } => Value::ExternRef(None),
    }
}

fn val(v: Value) -> Val {
    match v {
        Value::I32(v) => Val::I32(v),
        Value::I64(v) => Val::I64(v),
        Value::F32(v) => Val::F32(v.to_bits()),
        Value::F64(v) => Val::F64(v.to_bits()),
        Value::V128(v) => Val::V128(v),
        Value::FuncRef(r) => Val::FuncRef { null: r.is_none() },
        Value::ExternRef(r) => Val::ExternRef { null: r.is_none() },
        Value::ExnRef(_) | Value::NullAny => {
            unreachable!("the generated modules have no exception or GC references")
        }
    }
}
