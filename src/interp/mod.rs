//! wasmcade's WebAssembly interpreter core.
//!
//! Pipeline: [`Module::new`] decodes and validates with wasmparser; each function body
//! is translated into our slot-based internal code at its first call; [`Linker::instantiate`]
//! links imports and builds an [`Instance`] in a [`Store`]; [`Func::call`] runs code on an
//! explicit value stack and frame stack. Nothing here knows about games or windows.
//!
//! The layers, each knowing only those below it (`tools/module-cycles.py` checks it):
//! 1. `types`: value types and values, function and extern types, store handles,
//!    limits, typed errors;
//! 2. `isa`: the internal instruction set, one definition per operator;
//! 3. `module`: decoding and validation (`Module`), with the slots translations go in;
//! 4. `translate`: one function body into ops;
//! 5. `code`: the lazy translation cache (translates at first use, publishes);
//! 6. `store`: runtime entities, instantiation, the handles' methods, host functions'
//!    view (`Caller`), the observer hook;
//! 7. `exec`: the executors, calls, memory views, operator semantics, and the calls
//!    from the host into wasm (`Func::call`);
//! 8. `linker`: resolving imports, instantiating and running the start function;
//! 9. `step`: calls run one WebAssembly instruction at a time (the debugger, the trace).

// First, so its opcode-table macros are in scope in the modules below.
#[macro_use]
pub mod isa;
mod code;
mod exec;
mod linker;
mod module;
mod step;
mod store;
mod translate;
mod types;

pub use exec::{CallOutcome, PausedCall};
pub use linker::Linker;
pub use module::{ExportInfo, ImportInfo, Module, SectionInfo};
pub use step::{
    run_until, run_watched, FrameView, Instruction, LabelKind, StepOutcome, Stepper, Typed, Watcher,
};
pub use store::{
    Caller, Catching, HostFn, Observer, RawHostFn, Snapshot, SnapshotError, Step, Store,
};
pub use types::{
    backtrace_lines, write_list, Error, Extern, ExternType, FrameInfo, Func, FuncType, GcHeap,
    Global, GlobalType, HeapType, Instance, Limits, LinkError, LoadError, Memory, MemoryType,
    RefType, SizeLimits, Table, TableType, Tag, Trap, TrapKind, TypeKind, Uncaught, V128Lanes,
    ValType, Value, MAX_LISTED_ITEMS, PAGE_SIZE,
};
