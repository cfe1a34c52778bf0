//! Reference types (WebAssembly 3.0's typed function references): a heap type, abstract
//! (`func`, `extern` and their bottoms `nofunc`, `noextern`) or a concrete function type
//! by its canonical id, and whether null is a value of the type. Data only: subtyping,
//! which needs the canonical types' declared supertypes, is in `func_type`.

use std::fmt;

/// A function type's canonical id: the same in every module and store for the same type
/// (structurally equal rec groups are one, see `func_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub(crate) u32);

impl TypeId {
    /// The id's number (what `call_indirect` compares).
    pub fn index(self) -> u32 {
        self.0
    }
}

/// What a reference points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HeapType {
    /// Any function.
    Func,
    /// Any host reference.
    Extern,
    /// No function: only null (the bottom of the function types).
    NoFunc,
    /// No host reference: only null.
    NoExtern,
    /// A function of this type (or of a declared subtype).
    Concrete(TypeId),
}

impl HeapType {
    /// Whether references of this type are function references (else host references).
    pub fn is_func(self) -> bool {
        !matches!(self, HeapType::Extern | HeapType::NoExtern)
    }
}

/// A reference type: `(ref null? heap)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RefType {
    pub nullable: bool,
    pub heap: HeapType,
}

impl RefType {
    /// `funcref`: `(ref null func)`.
    pub const FUNCREF: RefType = RefType {
        nullable: true,
        heap: HeapType::Func,
    };
    /// `externref`: `(ref null extern)`.
    pub const EXTERNREF: RefType = RefType {
        nullable: true,
        heap: HeapType::Extern,
    };
}

/// WAT-like: `funcref`, `externref`, `(ref func)`, `(ref null $7)` (a concrete type by
/// its canonical id).
impl fmt::Display for RefType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let heap = match self.heap {
            HeapType::Func => "func".to_string(),
            HeapType::Extern => "extern".to_string(),
            HeapType::NoFunc => "nofunc".to_string(),
            HeapType::NoExtern => "noextern".to_string(),
            HeapType::Concrete(id) => format!("${}", id.0),
        };
        match (self.nullable, self.heap) {
            (true, HeapType::Func | HeapType::Extern) => write!(f, "{heap}ref"),
            (true, _) => write!(f, "(ref null {heap})"),
            (false, _) => write!(f, "(ref {heap})"),
        }
    }
}
