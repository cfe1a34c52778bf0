//! WebAssembly instructions as the text format writes them: `i32.add`, `local.get 2`,
//! `br_if 1`, `call $update_particles`, `f64.const 0.5`. Generated for every operator
//! wasmparser knows from its own operator table, so a new one reads right without a
//! change here.

use std::fmt::Write as _;

use wasmparser::{BlockType, BrTable, Ieee32, Ieee64, MemArg, Operator};

use crate::interp::module::ModuleInner;
use crate::interp::types::ExternType;

/// Names that start with one of these take a dot after it: `visit_local_get` is
/// `local.get`, but `visit_br_if` is `br_if`.
const DOTTED: &[&str] = &[
    "i32", "i64", "f32", "f64", "v128", "i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2",
    "local", "global", "memory", "table", "ref", "data", "elem", "struct", "array", "any",
    "extern", "i31",
];

/// An operator's text-format name.
pub fn mnemonic(op: &Operator<'_>) -> String {
    let name = visit_name(op).trim_start_matches("visit_");
    if name == "typed_select" {
        return "select".to_string();
    }
    match name.split_once('_') {
        Some((prefix, rest)) if DOTTED.contains(&prefix) => format!("{prefix}.{rest}"),
        _ => name.to_string(),
    }
}

/// An operator with its immediates, calls named from `module`'s name section.
pub fn operator_text(op: &Operator<'_>, module: &ModuleInner) -> String {
    let mut text = mnemonic(op);
    write_immediates(op, &mut text, module);
    text
}

macro_rules! define_text {
    ($( @$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*) )*) => {
        /// wasmparser's visitor name for `op` (`visit_i32_add`).
        fn visit_name(op: &Operator<'_>) -> &'static str {
            match op {
                $( Operator::$op { .. } => stringify!($visit), )*
                _ => "visit_unknown",
            }
        }

        /// Appends `op`'s immediates, each after a space.
        fn write_immediates(op: &Operator<'_>, out: &mut String, module: &ModuleInner) {
            match op {
                $( Operator::$op $({ $($arg),* })? => {
                    $( $( Immediate::write($arg, stringify!($arg), out, module); )* )?
                } )*
                _ => {}
            }
        }
    };
}
wasmparser::for_each_operator!(define_text);

/// An immediate operand as the text format writes it.
trait Immediate {
    fn write(&self, field: &str, out: &mut String, module: &ModuleInner);
}

impl Immediate for u32 {
    fn write(&self, field: &str, out: &mut String, module: &ModuleInner) {
        let _ = match field {
            "function_index" => match function_name(module, *self) {
                Some(name) => write!(out, " ${name}"),
                None => write!(out, " {self}"),
            },
            "type_index" => write!(out, " (type {self})"),
            // The text format leaves out table 0 and memory 0.
            "table_index" | "table" | "mem" if *self == 0 => Ok(()),
            _ => write!(out, " {self}"),
        };
    }
}

/// Function `index`'s name: from the name section or an export, or for an import
/// without one, the import's own name (`draw_player`).
fn function_name(module: &ModuleInner, index: u32) -> Option<&str> {
    if let Some(name) = module.func_names.get(&index) {
        return Some(name);
    }
    let mut imported = module
        .imports
        .iter()
        .filter(|import| matches!(import.ty, ExternType::Func(_)));
    imported
        .nth(index as usize)
        .map(|import| import.name.as_str())
}

macro_rules! immediate_by_display {
    ($($ty:ty),*) => {$(
        impl Immediate for $ty {
            fn write(&self, _: &str, out: &mut String, _: &ModuleInner) {
                let _ = write!(out, " {self}");
            }
        }
    )*};
}
immediate_by_display!(i32, i64, u8, wasmparser::ValType, wasmparser::RefType);

macro_rules! immediate_by_debug {
    ($($ty:ty),*) => {$(
        impl Immediate for $ty {
            fn write(&self, _: &str, out: &mut String, _: &ModuleInner) {
                let _ = write!(out, " {self:?}");
            }
        }
    )*};
}
immediate_by_debug!(
    wasmparser::HeapType,
    wasmparser::Ordering,
    wasmparser::ResumeTable,
    wasmparser::V128,
    [u8; 16],
    Vec<wasmparser::ValType>
);

impl Immediate for Ieee32 {
    fn write(&self, _: &str, out: &mut String, _: &ModuleInner) {
        let _ = write!(out, " {}", f32::from_bits(self.bits()));
    }
}

impl Immediate for Ieee64 {
    fn write(&self, _: &str, out: &mut String, _: &ModuleInner) {
        let _ = write!(out, " {}", f64::from_bits(self.bits()));
    }
}

impl Immediate for MemArg {
    fn write(&self, _: &str, out: &mut String, _: &ModuleInner) {
        if let wasmparser::MemArgTarget::Memory(index @ 1..) = self.target {
            let _ = write!(out, " {index}");
        }
        if self.offset != 0 {
            let _ = write!(out, " offset={}", self.offset);
        }
    }
}

impl Immediate for BlockType {
    fn write(&self, _: &str, out: &mut String, _: &ModuleInner) {
        let _ = match self {
            BlockType::Empty => Ok(()),
            BlockType::Type(ty) => write!(out, " (result {ty})"),
            BlockType::FuncType(index) => write!(out, " (type {index})"),
        };
    }
}

/// `try_table (result i32) (catch 0 1) (catch_all_ref 0)`: the block type, then each
/// clause with its tag and label.
impl Immediate for wasmparser::TryTable {
    fn write(&self, field: &str, out: &mut String, module: &ModuleInner) {
        use wasmparser::Catch;
        self.ty.write(field, out, module);
        for clause in &self.catches {
            let _ = match *clause {
                Catch::One { tag, label } => write!(out, " (catch {tag} {label})"),
                Catch::OneRef { tag, label } => write!(out, " (catch_ref {tag} {label})"),
                Catch::All { label } => write!(out, " (catch_all {label})"),
                Catch::AllRef { label } => write!(out, " (catch_all_ref {label})"),
            };
        }
    }
}

impl Immediate for BrTable<'_> {
    fn write(&self, _: &str, out: &mut String, _: &ModuleInner) {
        for target in self.targets().flatten() {
            let _ = write!(out, " {target}");
        }
        let _ = write!(out, " {}", self.default());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_text_format() {
        assert_eq!(mnemonic(&Operator::I32Add), "i32.add");
        assert_eq!(mnemonic(&Operator::BrIf { relative_depth: 1 }), "br_if");
        assert_eq!(
            mnemonic(&Operator::LocalGet { local_index: 2 }),
            "local.get"
        );
        assert_eq!(mnemonic(&Operator::I32TruncSatF64U), "i32.trunc_sat_f64_u");
        assert_eq!(
            mnemonic(&Operator::CallIndirect {
                type_index: 0,
                table_index: 0
            }),
            "call_indirect"
        );
        assert_eq!(mnemonic(&Operator::MemoryGrow { mem: 0 }), "memory.grow");
    }
}
