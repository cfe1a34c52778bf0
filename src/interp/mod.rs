//! wasmcade's WebAssembly interpreter core.
//!
//! Pipeline: [`Module::new`] decodes and validates with wasmparser; each function body
//! is translated into our slot-based internal code (`isa`, `translate`) at its first
//! call (`code`); [`Linker::instantiate`] links imports and builds an [`Instance`] in a
//! [`Store`]; [`Func::call`] runs code on an explicit value stack and frame stack
//! (`exec`). Nothing here knows about games or windows.

// First, so its opcode-table macros are in scope in the modules below.
#[macro_use]
pub mod isa;
mod binary_checks;
mod bodies;
mod code;
mod error;
mod exec;
mod instance;
mod limits;
mod linker;
mod locate;
mod module;
mod observer;
mod snapshot;
mod store;
mod translate;
mod types;
mod value;

pub use error::{
    backtrace_lines, write_list, Error, FrameInfo, LinkError, LoadError, Trap, TrapKind,
    MAX_LISTED_ITEMS,
};
pub use exec::{CallOutcome, PausedCall};
pub use limits::{Limits, PAGE_SIZE};
pub use linker::Linker;
pub use module::{ExportInfo, ImportInfo, Module, SectionInfo};
pub use observer::{Observer, Step};
pub use snapshot::{Snapshot, SnapshotError};
pub use store::{Caller, Extern, Func, Global, HostFn, Instance, Memory, RawHostFn, Store, Table};
pub use types::{ExternType, GlobalType, Limits32, MemoryType, TableType};
pub use value::{FuncType, ValType, Value};
