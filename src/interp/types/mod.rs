//! The bottom layer: what every other layer speaks in. Value types and values, function
//! types (with their canonical identity) and extern types, the store handles (plain
//! indices, so that a `Value` need not know the store), the host's limits and the core's
//! typed errors. Depends on nothing else in the interpreter.

mod error;
mod extern_type;
mod func_type;
mod handles;
mod limits;
mod ref_type;
mod value;

pub use error::{
    backtrace_lines, write_list, Error, FrameInfo, LinkError, LoadError, Trap, TrapKind, Uncaught,
    MAX_LISTED_ITEMS,
};
pub use extern_type::{ExternType, GlobalType, MemoryType, SizeLimits, TableType};
pub(crate) use func_type::{register_group, FieldKey, KeyType, Shape, SubTypeKey};
pub use func_type::{FuncType, TypeKind};
pub use handles::{Extern, Func, Global, Instance, Memory, Table, Tag};
pub use limits::{Limits, MAX_FRAME_SLOTS, PAGE_SIZE};
pub use ref_type::{GcHeap, HeapType, RefType, TypeId};
pub use value::{V128Lanes, ValType, Value};
