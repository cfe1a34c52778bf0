//! Engine-neutral record of one module's run: what each engine did, in comparable terms.

use std::fmt;

/// A value as both engines can report it. Floats are kept as bits; references only
/// by nullness (non-null references are engine-internal identities).
#[derive(Debug, Clone, Copy)]
pub enum Val {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
    /// Bit-exact: wasm-smith canonicalizes the NaNs of vector lanes too.
    V128(u128),
    FuncRef {
        null: bool,
    },
    ExternRef {
        null: bool,
    },
}

/// Bit-exact, except that any NaN equals any NaN: the spec lets NaN payloads vary.
impl PartialEq for Val {
    fn eq(&self, other: &Self) -> bool {
        use Val::*;
        match (*self, *other) {
            (F32(a), F32(b)) => {
                a == b || (f32::from_bits(a).is_nan() && f32::from_bits(b).is_nan())
            }
            (F64(a), F64(b)) => {
                a == b || (f64::from_bits(a).is_nan() && f64::from_bits(b).is_nan())
            }
            (I32(a), I32(b)) => a == b,
            (I64(a), I64(b)) => a == b,
            (V128(a), V128(b)) => a == b,
            (FuncRef { null: a }, FuncRef { null: b }) => a == b,
            (ExternRef { null: a }, ExternRef { null: b }) => a == b,
            _ => false,
        }
    }
}

impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Val::I32(v) => write!(f, "i32:{v}"),
            Val::I64(v) => write!(f, "i64:{v}"),
            Val::F32(bits) => write!(f, "f32:{} ({bits:#010x})", f32::from_bits(bits)),
            Val::F64(bits) => write!(f, "f64:{} ({bits:#018x})", f64::from_bits(bits)),
            Val::V128(bits) => write!(f, "v128:{bits:#034x}"),
            Val::FuncRef { null } => f.write_str(if null { "funcref:null" } else { "funcref" }),
            Val::ExternRef { null } => {
                f.write_str(if null { "externref:null" } else { "externref" })
            }
        }
    }
}

/// A value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    I32,
    I64,
    F32,
    F64,
    V128,
    FuncRef,
    ExternRef,
}

/// A function's signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sig {
    pub params: Vec<Ty>,
    pub results: Vec<Ty>,
}

/// An export's type, as the engine's decoder read it from the module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportType {
    Func(Sig),
    Table {
        element: Ty,
        min: u64,
        max: Option<u64>,
    },
    Memory {
        min: u64,
        max: Option<u64>,
    },
    Global {
        content: Ty,
        mutable: bool,
    },
}

/// One element of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Element {
    Null,
    /// A function, known by its signature (its identity is engine-internal).
    Func(Sig),
    Extern,
}

/// Trap kinds as both engines distinguish them (wasmi's `TrapCode` granularity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TrapClass {
    Unreachable,
    MemoryOutOfBounds,
    /// Includes `call_indirect` past the table's end (our "undefined element"): wasmi
    /// reports that as a table access out of bounds.
    TableOutOfBounds,
    IndirectCallToNull,
    IndirectCallTypeMismatch,
    IntegerDivideByZero,
    IntegerOverflow,
    InvalidConversionToInteger,
}

/// An engine's own resource, whose budget is engine-specific.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Resource {
    Fuel,
    Stack,
}

/// How one step (instantiation or one call) ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Returned(Vec<Val>),
    /// Compared by kind only: the engines' messages differ.
    Trapped(TrapClass),
    /// The engine's own fuel or call stack ran out. Each engine's budget is far above
    /// what wasm-smith's termination counter lets a module use, so this is comparable
    /// only when both engines run out at the same step; the run stops there.
    Exhausted(Resource),
    /// Rejected for another reason (invalid module, limit at instantiation, a host
    /// error).
    Failed(String),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Returned(values) => {
                f.write_str("returned [")?;
                for (i, v) in values.iter().enumerate() {
                    write!(f, "{}{v}", if i == 0 { "" } else { ", " })?;
                }
                f.write_str("]")
            }
            Outcome::Trapped(class) => write!(f, "trapped: {class:?}"),
            Outcome::Exhausted(resource) => write!(f, "out of {resource:?}"),
            Outcome::Failed(why) => write!(f, "failed: {why}"),
        }
    }
}

/// Everything one engine did with one module. Runs stop at the first `Exhausted` step.
#[derive(Debug)]
pub struct Trace {
    /// The module's exports as the engine decoded them, by name (`None` if its decoder
    /// rejected the module). Sorted: wasmi lists them by name, not in module order.
    pub exports: Option<Vec<(String, ExportType)>>,
    /// Success is `Returned([])`; a module rejected before instantiation is `Failed`.
    pub instantiation: Outcome,
    /// One outcome per planned call, in order, until the first `Exhausted` one.
    pub calls: Vec<Outcome>,
    /// Final contents of each exported memory, by export name.
    pub memories: Vec<(String, Vec<u8>)>,
    /// Final elements of each exported table, by export name.
    pub tables: Vec<(String, Vec<Element>)>,
    /// Final value of each exported global, by export name.
    pub globals: Vec<(String, Val)>,
}

impl Trace {
    /// The trace of a decoded module with these exports, before instantiation.
    pub fn new(mut exports: Vec<(String, ExportType)>) -> Trace {
        exports.sort_by(|(a, _), (b, _)| a.cmp(b));
        Trace::with(Some(exports), Outcome::Returned(Vec::new()))
    }

    /// The trace of a module the engine's decoder rejected.
    pub fn rejected(why: impl fmt::Display) -> Trace {
        Trace::with(None, Outcome::Failed(format!("invalid module: {why}")))
    }

    fn with(exports: Option<Vec<(String, ExportType)>>, instantiation: Outcome) -> Trace {
        Trace {
            exports,
            instantiation,
            calls: Vec::new(),
            memories: Vec::new(),
            tables: Vec::new(),
            globals: Vec::new(),
        }
    }
}
