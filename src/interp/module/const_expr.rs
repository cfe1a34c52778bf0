//! Constant expressions: global initialisers, segment offsets and element items.
//! WebAssembly 2.0 allows one constant, `ref.null`, `ref.func` or `global.get`; the
//! extended constant expressions of 3.0 add `i32`/`i64` `add`, `sub` and `mul` over them,
//! evaluated on a small stack at instantiation.

use wasmparser::Operator;

use crate::interp::types::LoadError;

/// A validated constant expression. The single-operator forms, by far the most common
/// (every `ref.func` item of an element segment is one), are kept unboxed.
#[derive(Debug, Clone)]
pub(crate) enum ConstExpr {
    Bits(u64),
    /// A `v128.const` (always alone: no arithmetic takes vectors).
    V128(u128),
    Global(u32),
    FuncRef(u32),
    /// An extended constant expression, in evaluation order.
    Sequence(Box<[ConstOp]>),
}

/// One operator of an extended constant expression.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ConstOp {
    Push(u64),
    Global(u32),
    FuncRef(u32),
    Arithmetic(Arithmetic),
}

/// The arithmetic an extended constant expression may do (both operands popped, the
/// result pushed; i32 values are kept zero-extended, as in every slot).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Arithmetic {
    I32Add,
    I32Sub,
    I32Mul,
    I64Add,
    I64Sub,
    I64Mul,
}

impl Arithmetic {
    fn apply(self, a: u64, b: u64) -> u64 {
        let (a32, b32) = (a as u32, b as u32);
        match self {
            Arithmetic::I32Add => a32.wrapping_add(b32) as u64,
            Arithmetic::I32Sub => a32.wrapping_sub(b32) as u64,
            Arithmetic::I32Mul => a32.wrapping_mul(b32) as u64,
            Arithmetic::I64Add => a.wrapping_add(b),
            Arithmetic::I64Sub => a.wrapping_sub(b),
            Arithmetic::I64Mul => a.wrapping_mul(b),
        }
    }
}

impl ConstExpr {
    /// Reads a validated constant expression.
    pub(crate) fn read(expr: &wasmparser::ConstExpr<'_>) -> Result<ConstExpr, LoadError> {
        let mut reader = expr.get_operators_reader();
        let mut ops = Vec::new();
        loop {
            let (op, offset) = reader.read_with_offset()?;
            ops.push(match op {
                Operator::End => break,
                Operator::I32Const { value } => ConstOp::Push(value as u32 as u64),
                Operator::I64Const { value } => ConstOp::Push(value as u64),
                Operator::F32Const { value } => ConstOp::Push(value.bits() as u64),
                Operator::F64Const { value } => ConstOp::Push(value.bits()),
                Operator::V128Const { value } => return Ok(ConstExpr::V128(value.i128() as u128)),
                Operator::RefNull { .. } => ConstOp::Push(0),
                Operator::RefFunc { function_index } => ConstOp::FuncRef(function_index),
                Operator::GlobalGet { global_index } => ConstOp::Global(global_index),
                Operator::I32Add => ConstOp::Arithmetic(Arithmetic::I32Add),
                Operator::I32Sub => ConstOp::Arithmetic(Arithmetic::I32Sub),
                Operator::I32Mul => ConstOp::Arithmetic(Arithmetic::I32Mul),
                Operator::I64Add => ConstOp::Arithmetic(Arithmetic::I64Add),
                Operator::I64Sub => ConstOp::Arithmetic(Arithmetic::I64Sub),
                Operator::I64Mul => ConstOp::Arithmetic(Arithmetic::I64Mul),
                // The validator leaves only GC's (`struct.new`, `ref.i31`...).
                other => {
                    return Err(LoadError::gc(
                        &format!("{other:?} in a constant expression"),
                        Some(offset as usize),
                    ))
                }
            });
        }
        Ok(match ops[..] {
            [ConstOp::Push(bits)] => ConstExpr::Bits(bits),
            [ConstOp::Global(global)] => ConstExpr::Global(global),
            [ConstOp::FuncRef(func)] => ConstExpr::FuncRef(func),
            _ => ConstExpr::Sequence(ops.into()),
        })
    }

    /// The upper half of the expression's value if it is a `v128` (0 otherwise), with
    /// `global_high` giving a global's.
    pub(crate) fn evaluate_high(&self, global_high: impl Fn(u32) -> u64) -> u64 {
        match *self {
            ConstExpr::V128(v) => (v >> 64) as u64,
            ConstExpr::Global(index) => global_high(index),
            _ => 0,
        }
    }

    /// The expression's value (a `v128`'s low half), with `global` giving a global's bits and `func_ref` a
    /// function's reference by the module's indices.
    pub(crate) fn evaluate(
        &self,
        global: impl Fn(u32) -> u64,
        func_ref: impl Fn(u32) -> u64,
    ) -> u64 {
        let value_of = |op: ConstOp, stack: &mut Vec<u64>| match op {
            ConstOp::Push(bits) => bits,
            ConstOp::Global(index) => global(index),
            ConstOp::FuncRef(index) => func_ref(index),
            ConstOp::Arithmetic(arithmetic) => {
                let b = stack.pop().expect("validated constant expression");
                let a = stack.pop().expect("validated constant expression");
                arithmetic.apply(a, b)
            }
        };
        match self {
            ConstExpr::Bits(bits) => *bits,
            ConstExpr::V128(v) => *v as u64,
            ConstExpr::Global(index) => global(*index),
            ConstExpr::FuncRef(index) => func_ref(*index),
            ConstExpr::Sequence(ops) => {
                let mut stack = Vec::with_capacity(ops.len());
                for &op in ops.iter() {
                    let value = value_of(op, &mut stack);
                    stack.push(value);
                }
                stack.pop().expect("validated constant expression")
            }
        }
    }
}
