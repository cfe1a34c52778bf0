//! Types of the things a module imports and exports: tables, memories, globals, tags.

use std::fmt;

use super::func_type::FuncType;
use super::value::ValType;

/// Size limits of a table or memory (in elements or pages): 64-bit, for memory64's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeLimits {
    pub min: u64,
    pub max: Option<u64>,
}

impl SizeLimits {
    /// Import matching (spec "limits subtyping"): `self` (provided) fits `required`.
    pub fn fits(&self, required: &SizeLimits) -> bool {
        self.min >= required.min
            && match (self.max, required.max) {
                (_, None) => true,
                (Some(have), Some(want)) => have <= want,
                (None, Some(_)) => false,
            }
    }
}

impl fmt::Display for SizeLimits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.min)?;
        if let Some(max) = self.max {
            write!(f, " {max}")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableType {
    pub element: ValType,
    pub limits: SizeLimits,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryType {
    /// In pages of `page_size()` bytes.
    pub limits: SizeLimits,
    /// A 64-bit memory (memory64): i64 addresses and sizes.
    pub index64: bool,
    /// The page size's base-2 logarithm: 16 (64 KiB) or, with custom page sizes, 0.
    pub page_size_log2: u8,
}

impl MemoryType {
    /// A 32-bit memory of 64 KiB pages, the WebAssembly 1.0 kind.
    pub fn new(limits: SizeLimits) -> MemoryType {
        MemoryType {
            limits,
            index64: false,
            page_size_log2: 16,
        }
    }

    /// Bytes in one of its pages.
    pub fn page_size(&self) -> u64 {
        1 << self.page_size_log2
    }

    /// Its largest possible size in pages, whatever its maximum says: its whole address
    /// space (2^32 or 2^64 bytes).
    pub fn address_space_pages(&self) -> u64 {
        let bits = if self.index64 { 64 } else { 32 };
        // 2^bits / page size, as 2^64 does not fit in a u64.
        (((1u128 << bits) >> self.page_size_log2).min(u64::MAX as u128)) as u64
    }

    /// A memory of this type may be run by memory 0's fast path: 32-bit, 64 KiB pages.
    pub fn is_plain(&self) -> bool {
        !self.index64 && self.page_size_log2 == 16
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlobalType {
    pub content: ValType,
    pub mutable: bool,
}

/// The type of an import or export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternType {
    Func(FuncType),
    Table(TableType),
    Memory(MemoryType),
    Global(GlobalType),
    /// An exception tag: the types of the values its exceptions carry (the params).
    Tag(FuncType),
}

impl ExternType {
    /// `func`, `table`, `memory` or `global`.
    pub fn kind(&self) -> &'static str {
        match self {
            ExternType::Func(_) => "func",
            ExternType::Table(_) => "table",
            ExternType::Memory(_) => "memory",
            ExternType::Global(_) => "global",
            ExternType::Tag(_) => "tag",
        }
    }

    /// Import matching as the spec defines it (external type subtyping): an extern of
    /// this type may be given for an import of type `required`. A function of a
    /// declared subtype fits, and an immutable global of a subtype; a table's element
    /// type and a mutable global's type must be the same.
    pub fn fits(&self, required: &ExternType) -> bool {
        match (self, required) {
            (ExternType::Func(a), ExternType::Func(b)) => a.id().is_subtype_of(b.id()),
            (ExternType::Table(a), ExternType::Table(b)) => {
                a.element == b.element && a.limits.fits(&b.limits)
            }
            (ExternType::Memory(a), ExternType::Memory(b)) => {
                a.index64 == b.index64
                    && a.page_size_log2 == b.page_size_log2
                    && a.limits.fits(&b.limits)
            }
            (ExternType::Global(a), ExternType::Global(b)) if b.mutable => a == b,
            (ExternType::Global(a), ExternType::Global(b)) => {
                !a.mutable && a.content.is_subtype_of(b.content)
            }
            // Tags match only with equal types (both ways).
            (ExternType::Tag(a), ExternType::Tag(b)) => a.id() == b.id(),
            _ => false,
        }
    }
}

/// WAT-like: `(func (param f64))`, `(memory 17)`, `(table 59 59 funcref)`, `(global (mut i32))`.
impl fmt::Display for ExternType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExternType::Func(ty) => write!(f, "{ty}"),
            ExternType::Table(t) => write!(f, "(table {} {})", t.limits, t.element),
            ExternType::Memory(m) => {
                let index = if m.index64 { "i64 " } else { "" };
                write!(f, "(memory {index}{}", m.limits)?;
                if m.page_size_log2 != 16 {
                    write!(f, " (pagesize {})", m.page_size())?;
                }
                write!(f, ")")
            }
            ExternType::Global(g) if g.mutable => write!(f, "(global (mut {}))", g.content),
            ExternType::Global(g) => write!(f, "(global {})", g.content),
            ExternType::Tag(ty) => write!(f, "(tag {ty})"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_subtyping() {
        let l = |min, max| SizeLimits { min, max };
        assert!(l(2, Some(3)).fits(&l(1, None)));
        assert!(l(2, Some(3)).fits(&l(2, Some(4))));
        assert!(!l(2, None).fits(&l(2, Some(4))));
        assert!(!l(1, Some(3)).fits(&l(2, None)));
        assert!(!l(2, Some(5)).fits(&l(2, Some(4))));
    }
}
