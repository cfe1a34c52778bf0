//! A function body as the stepper walks it: where each WebAssembly instruction starts,
//! the matching `else` and `end` of each block, and the locals' types. Made once per
//! function, at its first step; the instructions themselves are decoded from the
//! module's bytes as they run.

use wasmparser::{BinaryReader, FrameKind, FrameStack, FunctionBody, Operator};

use crate::interp::module::ModuleInner;
use crate::interp::types::{TrapKind, ValType};

/// No matching instruction (an `if` without `else`; an instruction that opens nothing).
pub(crate) const NONE: u32 = u32::MAX;

/// One defined function's instructions, by index.
pub(crate) struct Layout {
    /// The function's index in its module.
    pub func_index: u32,
    /// Module byte offset of each instruction, and past the last one, the body's end.
    pub starts: Vec<u32>,
    /// For `block`, `loop`, `if`, `else` and `try_table`: the index of the matching `end`.
    pub end_of: Vec<u32>,
    /// For `if`: the index of its `else`, or `NONE`.
    pub else_of: Vec<u32>,
    /// Parameters, then declared locals.
    pub locals: Vec<ValType>,
}

impl Layout {
    /// The layout of `module`'s defined function `def` (its body was validated at load).
    pub fn new(module: &ModuleInner, def: u32) -> Result<Layout, TrapKind> {
        let func_index = module.num_imported_funcs + def;
        let range = module.code.bodies[def as usize].clone();
        let bytes = &module.code.bytes[range.clone()];
        let body = FunctionBody::new(BinaryReader::new(bytes, range.start as u64));
        let mut locals = module.func_type_of(func_index).params().to_vec();
        let declared = body.get_locals_reader().map_err(bad_body)?;
        for entry in declared {
            let (count, ty) = entry.map_err(bad_body)?;
            let ty = module.val_type(ty, 0).map_err(|_| unsupported(&ty))?;
            locals.extend(std::iter::repeat_n(ty, count as usize));
        }
        let mut layout = Layout {
            func_index,
            starts: Vec::new(),
            end_of: Vec::new(),
            else_of: Vec::new(),
            locals,
        };
        let mut reader = body.get_operators_reader().map_err(bad_body)?;
        let mut open: Vec<u32> = Vec::new();
        while !reader.eof() {
            let (op, offset) = reader.read_with_offset().map_err(bad_body)?;
            let index = layout.starts.len() as u32;
            layout.starts.push(offset as u32);
            layout.end_of.push(NONE);
            layout.else_of.push(NONE);
            match op {
                Operator::Block { .. }
                | Operator::Loop { .. }
                | Operator::If { .. }
                | Operator::TryTable { .. } => open.push(index),
                Operator::Else => {
                    if let Some(&opener) = open.last() {
                        layout.else_of[opener as usize] = index;
                    }
                }
                Operator::End => {
                    if let Some(opener) = open.pop() {
                        layout.end_of[opener as usize] = index;
                        let other = layout.else_of[opener as usize];
                        if other != NONE {
                            layout.end_of[other as usize] = index;
                        }
                    }
                }
                _ => {}
            }
        }
        layout.starts.push(reader.original_position() as u32);
        Ok(layout)
    }

    /// Instructions in the body (its final `end` included).
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// Decodes instruction `index` from `module`'s bytes.
    pub fn operator<'m>(
        &self,
        module: &'m ModuleInner,
        index: usize,
    ) -> Result<Operator<'m>, TrapKind> {
        let (start, end) = (self.starts[index] as usize, self.starts[index + 1] as usize);
        let bytes = &module.code.bytes[start..end];
        BinaryReader::new(bytes, start as u64)
            .peek_operator(&InsideIf)
            .map_err(bad_body)
    }
}

/// The frame an instruction decoded on its own is in, for the reader's syntax check:
/// an `if`, where every instruction of a validated body may stand (an `else` included).
struct InsideIf;

impl FrameStack for InsideIf {
    fn current_frame(&self) -> Option<FrameKind> {
        Some(FrameKind::If)
    }
}

/// A body that validated at load but does not decode now cannot happen; reported as a
/// function that cannot run rather than a panic.
fn bad_body(error: wasmparser::BinaryReaderError) -> TrapKind {
    TrapKind::Untranslatable(format!("the stepper cannot decode the body: {error}"))
}

fn unsupported(ty: &wasmparser::ValType) -> TrapKind {
    TrapKind::Untranslatable(format!("the stepper does not run locals of type {ty}"))
}
