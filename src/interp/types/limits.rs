//! Limits the host sets on a store (fuel, call depth, value stack size, memory size), and
//! the size limit of a function's frame that our slot numbering sets.

/// Bytes in one WebAssembly page.
pub const PAGE_SIZE: usize = 65_536;

/// Slots (locals plus operands) one function's frame may hold: slot numbers are 16-bit.
pub const MAX_FRAME_SLOTS: u32 = u16::MAX as u32;

/// Resource limits for everything running in one [`Store`](crate::interp::Store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Instruction budget for each call from the host into wasm; `None` is unmetered
    /// (and costs nothing). Exceeding it traps with "out of fuel".
    pub fuel: Option<u64>,
    /// Maximum depth of nested wasm calls before "call stack exhausted".
    pub max_call_depth: usize,
    /// Maximum number of 64-bit value slots (locals and operands of all active frames).
    pub max_stack_slots: usize,
    /// Maximum pages (64 KiB) of any linear memory: `memory.grow` past it returns -1,
    /// and a module whose initial memory is larger fails to instantiate.
    pub max_memory_pages: u32,
    /// Maximum number of elements of any table (same rules as memory).
    pub max_table_elements: u32,
    /// Maximum number of elements of all the store's tables together (same rules: a
    /// module may declare many tables).
    pub max_total_table_elements: u64,
}

impl Limits {
    /// Default call depth: deep enough for any sane recursion, far from the native stack
    /// (frames live on our own heap-allocated frame stack).
    pub const DEFAULT_MAX_CALL_DEPTH: usize = 20_000;
    /// 2 Mi slots = 16 MiB of values.
    pub const DEFAULT_MAX_STACK_SLOTS: usize = 2 << 20;
    /// 4,096 pages = 256 MiB: room for any 2D game, and a host that a hostile module
    /// cannot take past a few hundred MB.
    pub const DEFAULT_MAX_MEMORY_PAGES: u32 = 4_096;
    pub const DEFAULT_MAX_TABLE_ELEMENTS: u32 = 10_000_000;
    /// 10,000,000 elements = 80 MB of references.
    pub const DEFAULT_MAX_TOTAL_TABLE_ELEMENTS: u64 = 10_000_000;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            fuel: None,
            max_call_depth: Self::DEFAULT_MAX_CALL_DEPTH,
            max_stack_slots: Self::DEFAULT_MAX_STACK_SLOTS,
            max_memory_pages: Self::DEFAULT_MAX_MEMORY_PAGES,
            max_table_elements: Self::DEFAULT_MAX_TABLE_ELEMENTS,
            max_total_table_elements: Self::DEFAULT_MAX_TOTAL_TABLE_ELEMENTS,
        }
    }
}
