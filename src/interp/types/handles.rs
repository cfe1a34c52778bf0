//! Handles to a store's runtime objects: plain indices into its lists (the store and its
//! methods are in `store`; running a function is in `exec`).

macro_rules! handle {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(pub(crate) u32);
    )*};
}

handle! {
    /// A function (wasm or host) in a store.
    Func;
    /// A linear memory in a store.
    Memory;
    /// A table in a store.
    Table;
    /// A global in a store.
    Global;
    /// An instantiated module in a store.
    Instance;
}

/// Anything that can be imported or exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extern {
    Func(Func),
    Table(Table),
    Memory(Memory),
    Global(Global),
}

impl From<Func> for Extern {
    fn from(f: Func) -> Self {
        Extern::Func(f)
    }
}
impl From<Memory> for Extern {
    fn from(m: Memory) -> Self {
        Extern::Memory(m)
    }
}
impl From<Table> for Extern {
    fn from(t: Table) -> Self {
        Extern::Table(t)
    }
}
impl From<Global> for Extern {
    fn from(g: Global) -> Self {
        Extern::Global(g)
    }
}
