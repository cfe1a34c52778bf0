//! The stepper's instructions other than control: constants, locals and globals,
//! the numeric operators (through the ISA's tables, with their semantics in
//! `exec::num`, written once for both ways of running), memory and tables.

use std::rc::Rc;
use std::sync::Arc;

use wasmparser::{MemArg, Operator};

use super::machine::{Stepper, Typed};
use crate::interp::exec::num;
use crate::interp::exec::{checked_range, sub_range};
use crate::interp::store::{copy_at, copy_in_bounds, span, Store};
use crate::interp::types::{TrapKind, ValType};

/// An address, size or length operand at its own width: an i64 (a 64-bit memory's)
/// whole, an i32 as its low 32 bits.
fn wide(value: Typed) -> u64 {
    match value.ty {
        ValType::I64 => value.bits,
        _ => value.bits as u32 as u64,
    }
}

/// The type of a memory's addresses and sizes.
fn address_type(index64: bool) -> ValType {
    if index64 {
        ValType::I64
    } else {
        ValType::I32
    }
}

/// The type of a numeric operator's result, from its text name: a comparison or a test
/// gives an i32, anything else the type its name starts with (`f64.convert_i32_s`).
fn result_type(name: &str) -> ValType {
    let (ty, operator) = name.split_once('.').unwrap_or((name, ""));
    let compares = ["eqz", "eq", "ne", "lt", "gt", "le", "ge"]
        .iter()
        .any(|test| operator == *test || operator.starts_with(&format!("{test}_")));
    match ty {
        _ if compares => ValType::I32,
        "i64" => ValType::I64,
        "f32" => ValType::F32,
        "f64" => ValType::F64,
        _ => ValType::I32,
    }
}

macro_rules! step_binary {
    ($($op:ident $imm:ident $acc:ident $imm_acc:ident $name:literal $f:ident,)*) => {
        /// A binary operator of `for_each_binary`: its semantics and its name.
        fn binary(op: &Operator) -> Option<(fn(u64, u64) -> u64, &'static str)> {
            Some(match op {
                $( Operator::$op => (num::$f as fn(u64, u64) -> u64, $name), )*
                _ => return None,
            })
        }
    };
}
macro_rules! step_plain {
    ($fname:ident, $sem:ty: $($op:ident $acc:ident $name:literal $f:ident,)*) => {
        fn $fname(op: &Operator) -> Option<($sem, &'static str)> {
            Some(match op {
                $( Operator::$op => (num::$f as $sem, $name), )*
                _ => return None,
            })
        }
    };
}
macro_rules! step_float_binary {
    ($($t:tt)*) => { step_plain!(float_binary, fn(u64, u64) -> u64: $($t)*); };
}
macro_rules! step_fallible_binary {
    ($($t:tt)*) => { step_plain!(fallible_binary, fn(u64, u64) -> Result<u64, TrapKind>: $($t)*); };
}
macro_rules! step_unary {
    ($($t:tt)*) => { step_plain!(unary, fn(u64) -> u64: $($t)*); };
}
macro_rules! step_fallible_unary {
    ($($t:tt)*) => { step_plain!(fallible_unary, fn(u64) -> Result<u64, TrapKind>: $($t)*); };
}
for_each_binary!(step_binary);
for_each_float_binary!(step_float_binary);
for_each_fallible_binary!(step_fallible_binary);
for_each_unary!(step_unary);
for_each_fallible_unary!(step_fallible_unary);

/// A load's semantics (in `exec::num`) on the bytes it reads.
type LoadFn = fn(&[u8]) -> u64;

/// A load: its bytes, its semantics and its result type.
fn load(op: &Operator) -> Option<(MemArg, usize, LoadFn, ValType)> {
    fn sized<const N: usize>(f: fn([u8; N]) -> u64) -> impl Fn(&[u8]) -> u64 {
        move |bytes| f(bytes.try_into().expect("a load reads its size"))
    }
    macro_rules! loads {
        ($($op:ident $n:literal $f:ident $ty:ident,)*) => {
            match *op {
                $( Operator::$op { memarg } => {
                    (memarg, $n, (|b: &[u8]| sized::<$n>(num::$f)(b)) as LoadFn, ValType::$ty)
                } )*
                _ => return None,
            }
        };
    }
    Some(loads! {
        I32Load 4 load32 I32, I64Load 8 load64 I64, F32Load 4 load32 F32, F64Load 8 load64 F64,
        I32Load8S 1 load8_s32 I32, I32Load8U 1 load8_u I32,
        I32Load16S 2 load16_s32 I32, I32Load16U 2 load16_u I32,
        I64Load8S 1 load8_s64 I64, I64Load8U 1 load8_u I64,
        I64Load16S 2 load16_s64 I64, I64Load16U 2 load16_u I64,
        I64Load32S 4 load32_s64 I64, I64Load32U 4 load32 I64,
    })
}

/// A store: its bytes.
fn store_size(op: &Operator) -> Option<(MemArg, usize)> {
    Some(match *op {
        Operator::I32Store8 { memarg } | Operator::I64Store8 { memarg } => (memarg, 1),
        Operator::I32Store16 { memarg } | Operator::I64Store16 { memarg } => (memarg, 2),
        Operator::I32Store { memarg }
        | Operator::F32Store { memarg }
        | Operator::I64Store32 { memarg } => (memarg, 4),
        Operator::I64Store { memarg } | Operator::F64Store { memarg } => (memarg, 8),
        _ => return None,
    })
}

impl Stepper {
    /// Runs `op`, which is not a control instruction.
    pub(super) fn operator<T>(
        &mut self,
        store: &mut Store<T>,
        op: Operator<'_>,
    ) -> Result<(), TrapKind> {
        if let Some((f, name)) = binary(&op).or_else(|| float_binary(&op)) {
            let (b, a) = (self.pop(), self.pop());
            self.push(result_type(name), f(a.bits, b.bits));
            return Ok(());
        }
        if let Some((f, name)) = fallible_binary(&op) {
            let (b, a) = (self.pop(), self.pop());
            self.push(result_type(name), f(a.bits, b.bits)?);
            return Ok(());
        }
        if let Some((f, name)) = unary(&op) {
            let a = self.pop();
            self.push(result_type(name), f(a.bits));
            return Ok(());
        }
        if let Some((f, name)) = fallible_unary(&op) {
            let a = self.pop();
            self.push(result_type(name), f(a.bits)?);
            return Ok(());
        }
        if let Some((memarg, size, f, ty)) = load(&op) {
            let address = self.address(memarg);
            let bytes = self.memory(store, memory_index(memarg));
            let range = effective(address, size, bytes.len())?;
            let value = f(&bytes[range]);
            self.push(ty, value);
            return Ok(());
        }
        if let Some((memarg, size)) = store_size(&op) {
            let value = self.pop();
            let address = self.address(memarg);
            let bytes = self.memory_mut(store, memory_index(memarg));
            let range = effective(address, size, bytes.len())?;
            bytes[range].copy_from_slice(&value.bits.to_le_bytes()[..size]);
            return Ok(());
        }
        self.other(store, op)
    }

    /// The instructions that are neither numeric nor memory accesses.
    fn other<T>(&mut self, store: &mut Store<T>, op: Operator<'_>) -> Result<(), TrapKind> {
        let instance = self.instance() as usize;
        match op {
            Operator::Drop => drop(self.pop()),
            Operator::Select | Operator::TypedSelect { .. } => {
                let condition = self.pop().bits as u32;
                let (b, a) = (self.pop(), self.pop());
                self.stack.push(if condition != 0 { a } else { b });
            }
            Operator::LocalGet { local_index } => {
                let value = self.frame().locals[local_index as usize];
                self.stack.push(value);
            }
            Operator::LocalSet { local_index } => {
                let value = self.pop();
                self.frame_mut().locals[local_index as usize] = value;
            }
            Operator::LocalTee { local_index } => {
                let value = *self.stack.last().expect("validated");
                self.frame_mut().locals[local_index as usize] = value;
            }
            Operator::GlobalGet { global_index } => {
                let addr = store.instances[instance].globals[global_index as usize];
                let global = &store.globals[addr as usize];
                self.stack.push(Typed {
                    high: global.high,
                    ..Typed::new(global.ty.content, global.bits)
                });
            }
            Operator::GlobalSet { global_index } => {
                let addr = store.instances[instance].globals[global_index as usize];
                let (value, global) = (self.pop(), &mut store.globals[addr as usize]);
                (global.bits, global.high) = (value.bits, value.high);
            }
            Operator::I32Const { value } => self.push(ValType::I32, value as u32 as u64),
            Operator::I64Const { value } => self.push(ValType::I64, value as u64),
            Operator::F32Const { value } => self.push(ValType::F32, value.bits() as u64),
            Operator::F64Const { value } => self.push(ValType::F64, value.bits()),
            // Reinterpretations and the zero extension keep the bits.
            Operator::I32ReinterpretF32 => self.retype(ValType::I32),
            Operator::F32ReinterpretI32 => self.retype(ValType::F32),
            Operator::I64ReinterpretF64 => self.retype(ValType::I64),
            Operator::F64ReinterpretI64 => self.retype(ValType::F64),
            Operator::I64ExtendI32U => self.retype(ValType::I64),
            Operator::I64Add128 | Operator::I64Sub128 => {
                let (b_high, b_low, a_high, a_low) =
                    (self.pop(), self.pop(), self.pop(), self.pop());
                let wide = match op {
                    Operator::I64Add128 => num::i64_add128,
                    _ => num::i64_sub128,
                };
                let [low, high] = wide(a_low.bits, a_high.bits, b_low.bits, b_high.bits);
                self.push(ValType::I64, low);
                self.push(ValType::I64, high);
            }
            Operator::I64MulWideS | Operator::I64MulWideU => {
                let (b, a) = (self.pop(), self.pop());
                let wide = match op {
                    Operator::I64MulWideS => num::i64_mul_wide_s,
                    _ => num::i64_mul_wide_u,
                };
                let [low, high] = wide(a.bits, b.bits);
                self.push(ValType::I64, low);
                self.push(ValType::I64, high);
            }
            // A 64-bit memory's addresses, sizes and lengths are i64s (`wide`).
            Operator::MemorySize { mem } => {
                let addr = store.instances[instance].memories[mem as usize];
                let memory = &store.memories[addr as usize];
                self.push(address_type(memory.ty.index64), memory.pages());
            }
            Operator::MemoryGrow { mem } => {
                let delta = self.pop();
                let addr = store.instances[instance].memories[mem as usize];
                let failed = wide(Typed::new(delta.ty, u64::MAX));
                let old = store.grow_memory(addr, wide(delta)).unwrap_or(failed);
                self.push(delta.ty, old);
            }
            Operator::MemoryFill { mem } => {
                let (len, value, dst) = (self.pop(), self.pop(), self.pop());
                self.last_address = Some(wide(dst));
                let bytes = self.memory_mut(store, mem);
                let range =
                    span(bytes.len(), wide(dst), wide(len)).ok_or(TrapKind::MemoryOutOfBounds)?;
                bytes[range].fill(value.bits as u8);
            }
            Operator::MemoryCopy { dst_mem, src_mem } => {
                let (len, src, dst) = (self.pop(), self.pop(), self.pop());
                self.last_address = Some(wide(dst));
                let source = self.memory(store, src_mem);
                let from =
                    span(source.len(), wide(src), wide(len)).ok_or(TrapKind::MemoryOutOfBounds)?;
                let items = source[from].to_vec();
                copy_at(self.memory_mut(store, dst_mem), wide(dst), &items)
                    .ok_or(TrapKind::MemoryOutOfBounds)?;
            }
            Operator::MemoryInit { data_index, mem } => {
                let (len, src, dst) = (self.pop(), self.pop(), self.pop());
                self.last_address = Some(wide(dst));
                let data = Arc::clone(&store.instances[instance].datas[data_index as usize]);
                let bytes =
                    sub_range(&data, src.bits, len.bits).ok_or(TrapKind::MemoryOutOfBounds)?;
                copy_at(self.memory_mut(store, mem), wide(dst), bytes)
                    .ok_or(TrapKind::MemoryOutOfBounds)?;
            }
            Operator::DataDrop { data_index } => {
                store.instances[instance].datas[data_index as usize] = Arc::new([]);
            }
            Operator::RefNull { hty } => {
                use wasmparser::{AbstractHeapType as A, HeapType as H};
                let ty = match hty {
                    H::Abstract {
                        ty: A::Extern | A::NoExtern,
                        ..
                    } => ValType::EXTERNREF,
                    _ => ValType::FUNCREF,
                };
                self.push(ty, 0);
            }
            Operator::RefIsNull => {
                let value = self.pop();
                self.push(ValType::I32, (value.bits == 0) as u64);
            }
            Operator::RefAsNonNull => {
                let value = self.pop();
                num::ref_as_non_null(value.bits)?;
                self.push(value.ty, value.bits);
            }
            Operator::RefFunc { function_index } => {
                let addr = store.instances[instance].funcs[function_index as usize];
                self.push(ValType::FUNCREF, addr as u64 + 1);
            }
            op => return self.table_operator(store, op),
        }
        Ok(())
    }

    /// The table instructions.
    fn table_operator<T>(
        &mut self,
        store: &mut Store<T>,
        op: Operator<'_>,
    ) -> Result<(), TrapKind> {
        let instance = self.instance() as usize;
        let table_addr = |store: &Store<T>, table: u32| {
            store.instances[instance].tables[table as usize] as usize
        };
        match op {
            Operator::TableGet { table } => {
                let index = self.pop().bits as u32 as usize;
                let table = &store.tables[table_addr(store, table)];
                let value = *table
                    .elements
                    .get(index)
                    .ok_or(TrapKind::TableOutOfBounds)?;
                self.push(table.ty.element, value);
            }
            Operator::TableSet { table } => {
                let (value, index) = (self.pop(), self.pop().bits as u32 as usize);
                let addr = table_addr(store, table);
                let cell = store.tables[addr]
                    .elements
                    .get_mut(index)
                    .ok_or(TrapKind::TableOutOfBounds)?;
                *cell = value.bits;
            }
            Operator::TableSize { table } => {
                let size = store.tables[table_addr(store, table)].elements.len();
                self.push(ValType::I32, size as u64);
            }
            Operator::TableGrow { table } => {
                let (delta, init) = (self.pop().bits as u32, self.pop());
                let addr = table_addr(store, table) as u32;
                let old = store.grow_table(addr, delta, init.bits).unwrap_or(u32::MAX);
                self.push(ValType::I32, old as u64);
            }
            Operator::TableFill { table } => {
                let (len, value, start) = (self.pop(), self.pop(), self.pop());
                let addr = table_addr(store, table);
                let elements = &mut store.tables[addr].elements;
                let range = checked_range(elements.len(), start.bits, len.bits)
                    .ok_or(TrapKind::TableOutOfBounds)?;
                elements[range].fill(value.bits);
            }
            Operator::TableCopy {
                dst_table,
                src_table,
            } => {
                let (len, src, dst) = (self.pop(), self.pop(), self.pop());
                let source = &store.tables[table_addr(store, src_table)].elements;
                let from = checked_range(source.len(), src.bits, len.bits)
                    .ok_or(TrapKind::TableOutOfBounds)?;
                let items = source[from].to_vec();
                let addr = table_addr(store, dst_table);
                let target = &mut store.tables[addr].elements;
                copy_in_bounds(target, dst.bits, &items).ok_or(TrapKind::TableOutOfBounds)?;
            }
            Operator::TableInit { elem_index, table } => {
                let (len, src, dst) = (self.pop(), self.pop(), self.pop());
                let segment = Rc::clone(&store.instances[instance].elements[elem_index as usize]);
                let from = checked_range(segment.len(), src.bits, len.bits)
                    .ok_or(TrapKind::TableOutOfBounds)?;
                let addr = table_addr(store, table);
                let target = &mut store.tables[addr].elements;
                copy_in_bounds(target, dst.bits, &segment[from])
                    .ok_or(TrapKind::TableOutOfBounds)?;
            }
            Operator::ElemDrop { elem_index } => {
                store.instances[instance].elements[elem_index as usize] = Rc::new([]);
            }
            op => {
                return self.simd(store, &op).unwrap_or_else(|| {
                    Err(TrapKind::Untranslatable(format!(
                        "the stepper does not run `{}` yet",
                        super::text::mnemonic(&op)
                    )))
                })
            }
        }
        Ok(())
    }

    /// Pops an i32 address and adds the offset: the effective address (33 bits at most).
    pub(super) fn address(&mut self, memarg: MemArg) -> u64 {
        let address = wide(self.pop()).saturating_add(memarg.offset);
        self.last_address = Some(address);
        address
    }

    pub(super) fn memory<'s, T>(&self, store: &'s Store<T>, memory: u32) -> &'s [u8] {
        let addr = store.instances[self.instance() as usize].memories[memory as usize];
        &store.memories[addr as usize].data
    }

    pub(super) fn memory_mut<'s, T>(&self, store: &'s mut Store<T>, memory: u32) -> &'s mut [u8] {
        let addr = store.instances[self.instance() as usize].memories[memory as usize];
        &mut store.memories[addr as usize].data
    }

    /// Gives the top of the stack type `ty`, its bits unchanged.
    fn retype(&mut self, ty: ValType) {
        let value = self.pop();
        self.push(ty, value.bits);
    }
}

/// The memory a load or store accesses (GC arrays do not validate here).
pub(super) fn memory_index(memarg: MemArg) -> u32 {
    match memarg.target {
        wasmparser::MemArgTarget::Memory(index) => index,
        wasmparser::MemArgTarget::Array(_) => 0,
    }
}

/// `address..address + size` if it lies within a memory of `len` bytes.
pub(super) fn effective(
    address: u64,
    size: usize,
    len: usize,
) -> Result<std::ops::Range<usize>, TrapKind> {
    let end = address
        .checked_add(size as u64)
        .ok_or(TrapKind::MemoryOutOfBounds)?;
    if end > len as u64 {
        return Err(TrapKind::MemoryOutOfBounds);
    }
    Ok(address as usize..end as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_types_follow_the_names() {
        assert_eq!(result_type("i64.add"), ValType::I64);
        assert_eq!(result_type("f64.lt"), ValType::I32);
        assert_eq!(result_type("i64.eqz"), ValType::I32);
        assert_eq!(result_type("i64.lt_u"), ValType::I32);
        assert_eq!(result_type("f32.convert_i64_s"), ValType::F32);
        assert_eq!(result_type("i32.wrap_i64"), ValType::I32);
        assert_eq!(result_type("i64.extend_i32_s"), ValType::I64);
        assert_eq!(result_type("f64.ne"), ValType::I32);
    }
}
