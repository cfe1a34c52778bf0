//! Reference types (WebAssembly 3.0's typed function references): a heap type, abstract
//! (`func`, `extern`, `exn` and their bottoms `nofunc`, `noextern`, `noexn`; GC's `any`
//! hierarchy, whose only value here is null) or a concrete function type by its
//! canonical id, and whether null is a value of the type. Data only: subtyping,
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
    /// Any exception (`exnref`).
    Exn,
    /// No exception: only null.
    NoExn,
    /// GC's abstract heap types (`any`, `eq`, `i31`, `struct`, `array` and their bottom
    /// `none`): types of values only, whose one value wasmcade has is null (GC's
    /// instructions, which would make others, are refused).
    Gc(GcHeap),
}

/// GC's abstract heap types, from the top of the `any` hierarchy down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GcHeap {
    Any,
    Eq,
    I31,
    Struct,
    Array,
    None,
}

impl GcHeap {
    pub fn name(self) -> &'static str {
        match self {
            GcHeap::Any => "any",
            GcHeap::Eq => "eq",
            GcHeap::I31 => "i31",
            GcHeap::Struct => "struct",
            GcHeap::Array => "array",
            GcHeap::None => "none",
        }
    }
}

/// The hierarchies of reference types: references of different ones never mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hierarchy {
    Func,
    Extern,
    Exn,
    Any,
}

impl HeapType {
    /// Whether references of this type are function references.
    pub fn is_func(self) -> bool {
        self.hierarchy() == Hierarchy::Func
    }

    /// The hierarchy the type is in.
    pub fn hierarchy(self) -> Hierarchy {
        match self {
            HeapType::Func | HeapType::NoFunc | HeapType::Concrete(_) => Hierarchy::Func,
            HeapType::Extern | HeapType::NoExtern => Hierarchy::Extern,
            HeapType::Exn | HeapType::NoExn => Hierarchy::Exn,
            HeapType::Gc(_) => Hierarchy::Any,
        }
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
    /// `exnref`: `(ref null exn)`.
    pub const EXNREF: RefType = RefType {
        nullable: true,
        heap: HeapType::Exn,
    };
    /// `anyref`: `(ref null any)`.
    pub const ANYREF: RefType = RefType {
        nullable: true,
        heap: HeapType::Gc(GcHeap::Any),
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
            HeapType::Exn => "exn".to_string(),
            HeapType::NoExn => "noexn".to_string(),
            HeapType::Gc(gc) => gc.name().to_string(),
        };
        match (self.nullable, self.heap) {
            (true, HeapType::Func | HeapType::Extern | HeapType::Exn | HeapType::Gc(_)) => {
                write!(f, "{heap}ref")
            }
            (true, _) => write!(f, "(ref null {heap})"),
            (false, _) => write!(f, "(ref {heap})"),
        }
    }
}
