//! The module's types in ours: the type section's rec groups registered as canonical
//! function types (`types::register_group`), and wasmparser's value types as ours, with
//! concrete references by canonical id. WebAssembly GC's struct and array type
//! *definitions* take part in their groups' identity, and its abstract `any`/`eq`/`i31`
//! types are kept, whose only value here is null; the validator runs with GC on, because
//! 3.0's rec groups and subtype declarations are part of it, and GC's instructions are
//! refused with the GC line.

use wasmparser::{
    AbstractHeapType, CompositeInnerType, FieldType, PackedIndex, RecGroup, StorageType,
    UnpackedIndex,
};

use crate::interp::types::{
    register_group, FieldKey, FuncType, GcHeap, HeapType, KeyType, LoadError, RefType, Shape,
    SubTypeKey, TypeId, ValType,
};

/// Registers `group`, whose first type gets index `types.len()` in the module, and
/// appends its types to `types` (the module's types so far).
pub(crate) fn read_rec_group(
    group: RecGroup,
    types: &mut Vec<FuncType>,
    offset: usize,
) -> Result<(), LoadError> {
    let base = types.len() as u32;
    let mut keys = Vec::with_capacity(group.types().len());
    for sub in group.into_types() {
        let key_type = |ty: &wasmparser::ValType| -> Result<KeyType, LoadError> {
            if let wasmparser::ValType::Ref(r) = ty {
                if let Some(Err(index)) = r.type_index().map(|i| place(i, base, types)) {
                    return Ok(KeyType::InGroup {
                        nullable: r.is_nullable(),
                        index,
                    });
                }
            }
            Ok(KeyType::Val(val_type(*ty, types, offset)?))
        };
        let field = |field: &FieldType| -> Result<FieldKey, LoadError> {
            let storage = match field.element_type {
                StorageType::I8 => Err(8),
                StorageType::I16 => Err(16),
                StorageType::Val(ty) => Ok(key_type(&ty)?),
            };
            Ok(FieldKey {
                storage,
                mutable: field.mutable,
            })
        };
        let (shape, params, results) = match &sub.composite_type.inner {
            CompositeInnerType::Func(func) => (
                Shape::Func,
                func.params()
                    .iter()
                    .map(key_type)
                    .collect::<Result<_, _>>()?,
                func.results()
                    .iter()
                    .map(key_type)
                    .collect::<Result<_, _>>()?,
            ),
            CompositeInnerType::Struct(fields) => {
                let fields = fields.fields.iter().map(field).collect::<Result<_, _>>()?;
                (Shape::Struct(fields), Vec::new(), Vec::new())
            }
            CompositeInnerType::Array(array) => (Shape::Array(field(&array.0)?), vec![], vec![]),
            CompositeInnerType::Cont(_) => {
                return Err(LoadError::new(
                    "continuation types are not supported",
                    Some(offset),
                ))
            }
        };
        keys.push(SubTypeKey {
            is_final: sub.is_final,
            supertype: sub.supertype_idxs.first().map(|&i| place(i, base, types)),
            shape,
            params,
            results,
        });
    }
    types.extend(register_group(keys));
    Ok(())
}

/// A type index of a rec group starting at module index `base`: `Ok` with the canonical
/// id of an earlier type, `Err` with the place in the group of one of its own.
fn place(index: PackedIndex, base: u32, types: &[FuncType]) -> Result<TypeId, u32> {
    match index.unpack() {
        UnpackedIndex::Module(i) if i < base => Ok(types[i as usize].id()),
        UnpackedIndex::Module(i) => Err(i - base),
        UnpackedIndex::RecGroup(i) => Err(i),
        UnpackedIndex::Id(_) => unreachable!("a type section's index is a module's"),
    }
}

/// A value type of the module (whose types so far are `types`), or the GC line for
/// GC's reference types (`offset` is where it was read).
pub(crate) fn val_type(
    ty: wasmparser::ValType,
    types: &[FuncType],
    offset: usize,
) -> Result<ValType, LoadError> {
    use wasmparser::ValType as W;
    Ok(match ty {
        W::I32 => ValType::I32,
        W::I64 => ValType::I64,
        W::F32 => ValType::F32,
        W::F64 => ValType::F64,
        W::V128 => ValType::V128,
        W::Ref(r) => ValType::Ref(ref_type(r, types, offset)?),
    })
}

/// A reference type of the module (see `val_type`).
pub(crate) fn ref_type(
    r: wasmparser::RefType,
    types: &[FuncType],
    offset: usize,
) -> Result<RefType, LoadError> {
    let heap = match r.heap_type() {
        wasmparser::HeapType::Concrete(index) | wasmparser::HeapType::Exact(index) => {
            let index = index.as_module_index().expect("a module's type index");
            HeapType::Concrete(types[index as usize].id())
        }
        wasmparser::HeapType::Abstract { ty, .. } => match ty {
            AbstractHeapType::Func => HeapType::Func,
            AbstractHeapType::Extern => HeapType::Extern,
            AbstractHeapType::NoFunc => HeapType::NoFunc,
            AbstractHeapType::NoExtern => HeapType::NoExtern,
            AbstractHeapType::Exn => HeapType::Exn,
            AbstractHeapType::NoExn => HeapType::NoExn,
            // GC's abstract types: their only value here is null (the instructions
            // that would make others are refused as the bodies validate).
            AbstractHeapType::Any => HeapType::Gc(GcHeap::Any),
            AbstractHeapType::Eq => HeapType::Gc(GcHeap::Eq),
            AbstractHeapType::I31 => HeapType::Gc(GcHeap::I31),
            AbstractHeapType::Struct => HeapType::Gc(GcHeap::Struct),
            AbstractHeapType::Array => HeapType::Gc(GcHeap::Array),
            AbstractHeapType::None => HeapType::Gc(GcHeap::None),
            other => return Err(gc(&format!("the reference type {r} ({other:?})"), offset)),
        },
    };
    Ok(RefType {
        nullable: r.is_nullable(),
        heap,
    })
}

fn gc(what: &str, offset: usize) -> LoadError {
    LoadError::gc(what, Some(offset))
}
