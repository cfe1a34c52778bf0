//! The executor's encoding of translated ops, which the code cache stores with each op
//! (`isa::Instr`): the addresses of its threaded handlers, where they are compiled in.
//! The layers below receive it as a parameter (`isa::Encoder`); so do the module's
//! methods that translate, here.

use crate::interp::code;
use crate::interp::isa::{CompiledFunc, CompiledOp, Encoder};
#[cfg(not(wasmcade_threaded))]
use crate::interp::isa::{Handlers, Op};
use crate::interp::module::Module;
use crate::interp::types::LoadError;

/// The handlers this build gives each op.
pub(super) fn encoder() -> Encoder {
    #[cfg(wasmcade_threaded)]
    return Encoder {
        handlers: super::threaded::handlers_of,
    };
    #[cfg(not(wasmcade_threaded))]
    return Encoder {
        handlers: |_: &Op, _: bool, _: bool| Handlers {},
    };
}

impl Module {
    /// The ops of one defined function (translated now if it has not been called yet),
    /// as typed values: what `disassemble` prints, for tests and tools to look at.
    pub fn compiled(&self, func_index: u32) -> Result<Vec<CompiledOp>, LoadError> {
        Ok(self.translation(func_index)?.view())
    }

    /// Our internal instructions of one defined function, one per line, with the wasm
    /// byte offset each came from (`compiled`, as text).
    pub fn disassemble(&self, func_index: u32) -> Result<String, LoadError> {
        Ok(self.translation(func_index)?.disassemble())
    }

    /// The translation of defined function `func_index`, made now if need be.
    fn translation(&self, func_index: u32) -> Result<&CompiledFunc, LoadError> {
        let def = self.inner.defined(func_index).ok_or_else(|| {
            LoadError::new(
                format!("function {func_index} is imported: it has no code"),
                None,
            )
        })?;
        code::translated(&self.inner, def, encoder())
    }

    /// Translates every function not yet translated, rather than at its first call: for
    /// tools and tests that want every function's code (or translation error) now.
    pub fn translate_all(&self) -> Result<(), LoadError> {
        code::translate_all(&self.inner, encoder())
    }
}
