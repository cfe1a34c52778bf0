//! Handles to a store's runtime objects: plain indices into its lists (the store and its
//! methods are in `store`; running a function is in `exec`).

macro_rules! handle {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        ///
        /// It holds its index in its store and the store's id: used with another store,
        /// it is an error (`Error::Usage`, or a trap when a host function returns it).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(pub(crate) u32, pub(crate) u64);
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
    /// An exception tag in a store (its identity: two tags of one type are two tags).
    Tag;
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
    Tag(Tag),
}

impl Extern {
    /// The id of the store the item lives in.
    pub(crate) fn store_id(self) -> u64 {
        match self {
            Extern::Func(f) => f.1,
            Extern::Table(t) => t.1,
            Extern::Memory(m) => m.1,
            Extern::Global(g) => g.1,
            Extern::Tag(t) => t.1,
        }
    }
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
impl From<Tag> for Extern {
    fn from(t: Tag) -> Self {
        Extern::Tag(t)
    }
}
