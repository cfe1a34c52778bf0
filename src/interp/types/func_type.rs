//! Function types and their canonical identity. WebAssembly 3.0 declares types in
//! recursive groups (`rec`), and two types are the same when their groups are
//! structurally equal, in any modules (iso-recursive types). Every group is registered
//! once per process in its canonical form, where a reference to a type of the same
//! group is by its place in the group and any other by its canonical id, so a type's
//! identity is one number, `TypeId`, compared by `call_indirect` and import linking.
//! Function types are subtypes of their declared supertypes (`sub`), transitively;
//! the value types' subtyping follows from that and from the abstract heap types'.
//!
//! Struct and array types (GC's) are registered too, as they take part in their groups'
//! identity, but only as definitions: a module may declare them and name them in
//! function types; no instruction that makes or reads their values loads (`bodies`).
//!
//! Registered types stay for the life of the process: a few words each, for the types
//! of the modules loaded.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, OnceLock, PoisonError};

use super::ref_type::{GcHeap, HeapType, RefType, TypeId};
use super::value::ValType;

/// A function signature, with its canonical id. A module's struct and array types are
/// of this type too, with no parameters or results (`kind`).
#[derive(Debug, Clone)]
pub struct FuncType {
    id: TypeId,
    kind: TypeKind,
    params: Box<[ValType]>,
    results: Box<[ValType]>,
}

/// What a defined type is: a function type, or one of GC's struct and array types
/// (registered for their groups' identity only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TypeKind {
    Func,
    Struct,
    Array,
}

impl FuncType {
    /// The type `(func (param ..) (result ..))` declared alone (a final type with no
    /// supertype in a group of its own, as a module's plain `(type (func ..))` is).
    pub fn new(
        params: impl IntoIterator<Item = ValType>,
        results: impl IntoIterator<Item = ValType>,
    ) -> Self {
        let key = SubTypeKey {
            is_final: true,
            supertype: None,
            shape: Shape::Func,
            params: params.into_iter().map(KeyType::Val).collect(),
            results: results.into_iter().map(KeyType::Val).collect(),
        };
        register_group(vec![key]).remove(0)
    }

    pub fn params(&self) -> &[ValType] {
        &self.params
    }

    pub fn results(&self) -> &[ValType] {
        &self.results
    }

    /// The canonical id.
    pub fn id(&self) -> TypeId {
        self.id
    }

    pub fn kind(&self) -> TypeKind {
        self.kind
    }
}

/// The canonical id determines the rest.
impl PartialEq for FuncType {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for FuncType {}

impl std::hash::Hash for FuncType {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.id.hash(state);
    }
}

/// WAT-like: `(func (param f64 i32) (result i32))`.
impl fmt::Display for FuncType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            TypeKind::Func => {}
            TypeKind::Struct => return f.write_str("(struct ..)"),
            TypeKind::Array => return f.write_str("(array ..)"),
        }
        f.write_str("(func")?;
        for (keyword, types) in [("param", &self.params), ("result", &self.results)] {
            if !types.is_empty() {
                write!(f, " ({keyword}")?;
                for ty in types.iter() {
                    write!(f, " {ty}")?;
                }
                f.write_str(")")?;
            }
        }
        f.write_str(")")
    }
}

/// A value type in a group's canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum KeyType {
    /// A type that names no type of the group (concrete references by canonical id).
    Val(ValType),
    /// A reference to the group's type at `index`.
    InGroup { nullable: bool, index: u32 },
}

/// A type of a group in canonical form: the function type (or struct or array type,
/// `shape`) with its `sub` declaration.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct SubTypeKey {
    pub is_final: bool,
    /// The declared supertype: `Ok(id)` outside the group, `Err(index)` inside it.
    pub supertype: Option<Result<TypeId, u32>>,
    pub shape: Shape,
    /// A function type's; empty for the others.
    pub params: Vec<KeyType>,
    pub results: Vec<KeyType>,
}

/// A type's kind in canonical form, with a struct's or array's fields.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Shape {
    Func,
    Struct(Vec<FieldKey>),
    Array(FieldKey),
}

/// A struct or array field: its storage type (`Err(bits)` for the packed i8 and i16)
/// and mutability.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct FieldKey {
    pub storage: Result<KeyType, u8>,
    pub mutable: bool,
}

impl Shape {
    fn kind(&self) -> TypeKind {
        match self {
            Shape::Func => TypeKind::Func,
            Shape::Struct(_) => TypeKind::Struct,
            Shape::Array(_) => TypeKind::Array,
        }
    }
}

/// A registered type: the function type and its declared supertype.
struct Entry {
    ty: FuncType,
    supertype: Option<TypeId>,
}

#[derive(Default)]
struct Registry {
    /// The first id of each registered group (its types' ids follow in order).
    groups: HashMap<Vec<SubTypeKey>, u32>,
    /// Every registered type, by id.
    types: Vec<Entry>,
}

fn registry() -> std::sync::MutexGuard<'static, Registry> {
    static REGISTRY: OnceLock<Mutex<Registry>> = OnceLock::new();
    REGISTRY
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

/// The function types of a rec group (in canonical form), registered if no equal
/// group was: the same ids for structurally equal groups.
pub(crate) fn register_group(group: Vec<SubTypeKey>) -> Vec<FuncType> {
    let mut registry = registry();
    let next = registry.types.len() as u32;
    let base = *registry.groups.entry(group.clone()).or_insert(next);
    if base == next {
        let id = |index: u32| TypeId(base + index);
        let resolve = |key: &KeyType| match *key {
            KeyType::Val(ty) => ty,
            KeyType::InGroup { nullable, index } => ValType::Ref(RefType {
                nullable,
                heap: HeapType::Concrete(id(index)),
            }),
        };
        for (index, sub) in group.iter().enumerate() {
            let ty = FuncType {
                id: id(index as u32),
                kind: sub.shape.kind(),
                params: sub.params.iter().map(resolve).collect(),
                results: sub.results.iter().map(resolve).collect(),
            };
            let supertype = sub.supertype.map(|s| s.unwrap_or_else(id));
            registry.types.push(Entry { ty, supertype });
        }
    }
    (0..group.len())
        .map(|index| registry.types[base as usize + index].ty.clone())
        .collect()
}

impl TypeId {
    /// Whether `self` is `other` or declares it as a supertype, directly or through
    /// its supertypes.
    pub fn is_subtype_of(self, other: TypeId) -> bool {
        self == other || declared_subtype(self, other)
    }

    /// Whether this is a function type's id (not a struct's or array's).
    pub fn is_func(self) -> bool {
        self.kind() == TypeKind::Func
    }

    /// What the type is: a function, struct or array type.
    pub fn kind(self) -> TypeKind {
        registry()
            .types
            .get(self.0 as usize)
            .map_or(TypeKind::Func, |entry| entry.ty.kind)
    }
}

/// `TypeId::is_subtype_of` for two different ids: a walk up the declared supertypes.
#[cold]
fn declared_subtype(mut ty: TypeId, other: TypeId) -> bool {
    let registry = registry();
    while let Some(supertype) = registry.types.get(ty.0 as usize).and_then(|e| e.supertype) {
        if supertype == other {
            return true;
        }
        ty = supertype;
    }
    false
}

impl HeapType {
    pub fn is_subtype_of(self, other: HeapType) -> bool {
        use HeapType::*;
        match (self, other) {
            (Concrete(a), Concrete(b)) => a.is_subtype_of(b),
            (NoFunc, Concrete(c)) | (Concrete(c), Func) => c.is_func(),
            (NoFunc, Func) | (NoExtern, Extern) | (NoExn, Exn) => true,
            (Gc(a), Gc(b)) => a.is_subtype_of(b),
            // A struct or array type's place among GC's abstract types (only their null
            // values exist here).
            (Gc(GcHeap::None), Concrete(c)) => !c.is_func(),
            (Concrete(c), Gc(abstract_type)) => match c.kind() {
                TypeKind::Struct => GcHeap::Struct.is_subtype_of(abstract_type),
                TypeKind::Array => GcHeap::Array.is_subtype_of(abstract_type),
                TypeKind::Func => false,
            },
            (a, b) => a == b,
        }
    }
}

impl GcHeap {
    /// GC's abstract subtyping: `none` below all, `i31`, `struct`, `array` below `eq`,
    /// below `any`.
    pub fn is_subtype_of(self, other: GcHeap) -> bool {
        use GcHeap as G;
        match (self, other) {
            (a, b) if a == b => true,
            (G::None, _) | (_, G::Any) => true,
            (G::I31 | G::Struct | G::Array, G::Eq) => true,
            _ => false,
        }
    }
}

impl RefType {
    pub fn is_subtype_of(self, other: RefType) -> bool {
        (other.nullable || !self.nullable) && self.heap.is_subtype_of(other.heap)
    }
}

impl ValType {
    /// Whether a value of type `self` may stand where one of `other` is expected.
    pub fn is_subtype_of(self, other: ValType) -> bool {
        match (self, other) {
            (ValType::Ref(a), ValType::Ref(b)) => a.is_subtype_of(b),
            (a, b) => a == b,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn func_type_prints_like_wat() {
        let ty = FuncType::new([ValType::F64, ValType::I32], [ValType::I32]);
        assert_eq!(ty.to_string(), "(func (param f64 i32) (result i32))");
        assert_eq!(FuncType::new([], []).to_string(), "(func)");
    }

    #[test]
    fn equal_groups_are_one_type_and_subtypes_follow_declarations() {
        let a = FuncType::new([ValType::I64, ValType::F32], []);
        let b = FuncType::new([ValType::I64, ValType::F32], []);
        assert_eq!(a.id(), b.id());
        let open = |supertype| SubTypeKey {
            is_final: false,
            supertype,
            shape: Shape::Func,
            params: vec![KeyType::InGroup {
                nullable: true,
                index: 0,
            }],
            results: vec![],
        };
        let parent = register_group(vec![open(None)]).remove(0);
        let child = register_group(vec![open(Some(Ok(parent.id())))]).remove(0);
        assert_ne!(parent.id(), child.id());
        assert!(child.id().is_subtype_of(parent.id()));
        assert!(!parent.id().is_subtype_of(child.id()));
        assert_eq!(
            parent.params()[0].to_string(),
            format!("(ref null ${})", parent.id().0)
        );
        let concrete = |id| RefType {
            nullable: false,
            heap: HeapType::Concrete(id),
        };
        assert!(concrete(child.id()).is_subtype_of(RefType::FUNCREF));
        assert!(!RefType::FUNCREF.is_subtype_of(concrete(child.id())));
    }
}
