//! The calls a case makes: every exported function, in export order, with arguments
//! derived deterministically from its position, so both engines get the same list.

use wasmcade::interp::{ExternType, Module, ValType};

use super::trace::Val;
use super::SplitMix;

/// One call of an exported function.
pub struct Call {
    pub name: String,
    pub args: Vec<Val>,
}

/// The calls of one case, plus the names of exported memories, tables and globals whose
/// final state is compared.
#[derive(Default)]
pub struct Plan {
    pub calls: Vec<Call>,
    pub memories: Vec<String>,
    pub tables: Vec<String>,
    pub globals: Vec<String>,
}

impl Plan {
    /// The plan for `wasm`, read with our decoder (empty if we reject the module: then
    /// only the rejection itself is compared). Both engines' export lists are compared
    /// before anything else, so a list our decoder got wrong fails there.
    pub fn new(wasm: &[u8]) -> Plan {
        let Ok(module) = Module::new(wasm) else {
            return Plan::default();
        };
        let mut plan = Plan::default();
        for (index, export) in module.exports().iter().enumerate() {
            let name = export.name.clone();
            match &export.ty {
                ExternType::Func(ty) => {
                    let mut rng = SplitMix(index as u64);
                    let args = ty.params().iter().map(|&t| argument(t, &mut rng)).collect();
                    plan.calls.push(Call { name, args });
                }
                ExternType::Memory(_) => plan.memories.push(name),
                ExternType::Global(_) => plan.globals.push(name),
                ExternType::Table(_) => plan.tables.push(name),
                // The generated modules have no tags (wasmi has no exceptions).
                ExternType::Tag(_) => {}
            }
        }
        plan
    }
}

/// An argument: mostly edge values, sometimes random bits.
fn argument(ty: ValType, rng: &mut SplitMix) -> Val {
    let pick = rng.next();
    let random = rng.next();
    let choose = |edges: &[u64]| {
        edges
            .get(pick as usize % (edges.len() + 2))
            .copied()
            .unwrap_or(random)
    };
    match ty {
        ValType::I32 => {
            Val::I32(choose(&[0, 1, u32::MAX as u64, 0x8000_0000, 0x7fff_ffff, 65_536]) as i32)
        }
        ValType::I64 => {
            Val::I64(choose(&[0, 1, u64::MAX, 1 << 63, i64::MAX as u64, 65_536]) as i64)
        }
        ValType::F32 => Val::F32(choose(&[
            0,
            0x8000_0000,
            0x3f80_0000,
            0x7fc0_0000,
            0x7f80_0000,
            0xff80_0000,
            0x4f00_0000,
        ]) as u32),
        ValType::F64 => Val::F64(choose(&[
            0,
            1 << 63,
            0x3ff0_0000_0000_0000,
            0x7ff8_0000_0000_0000,
            0x7ff0_0000_0000_0000,
            0x43e0_0000_0000_0000,
        ])),
        // An edge value in the low half, random bits in the high one.
        ValType::V128 => {
            Val::V128(choose(&[0, u64::MAX, 1 << 63]) as u128 | (random as u128) << 64)
        }
        ValType::Ref(r) if r.heap.is_func() => Val::FuncRef { null: true },
        ValType::Ref(_) => Val::ExternRef { null: true },
    }
}
