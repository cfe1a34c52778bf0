//! Exception tags and exceptions in the store: a tag is an identity with the types of the
//! values its exceptions carry; an exception (what `throw` makes, what an `exnref`
//! points to) is a tag and those values, as slot bits. Exceptions are kept while the
//! store lives (an `exnref` may hold one anywhere), except one thrown, caught without
//! its reference and never seen by anyone else: that one goes at once, so that a loop
//! throwing and catching does not grow the store.

use super::Store;
use crate::interp::types::{FuncType, Tag, TrapKind, Value};

pub(crate) struct TagEntity {
    pub ty: FuncType,
    /// The name it is known by: its first export name, or the import name (`module.name`)
    /// it was first imported under; for messages.
    pub name: Option<String>,
}

pub(crate) struct ExnEntity {
    /// The tag's store address.
    pub tag: u32,
    pub values: Box<[u64]>,
    /// Whether a reference to it may exist (a `catch_ref` handed one out, or it left
    /// wasm): it is then kept.
    pub referenced: bool,
}

impl Tag {
    /// A new tag, for exceptions carrying values of `ty`'s parameters (its results must
    /// be empty).
    pub fn new<T>(store: &mut Store<T>, ty: FuncType) -> Tag {
        Tag(store.push_tag(ty, None), store.id)
    }

    /// The tag's type (its parameters are the exceptions' values).
    pub fn ty<T>(&self, store: &Store<T>) -> FuncType {
        store.tags[self.0 as usize].ty.clone()
    }
}

impl<T> Store<T> {
    /// Adds a tag of type `ty`; its address.
    pub(crate) fn push_tag(&mut self, ty: FuncType, name: Option<String>) -> u32 {
        self.tags.push(TagEntity { ty, name });
        self.tags.len() as u32 - 1
    }

    /// Adds an exception of tag `tag` with `values` (slot bits); its index.
    pub(crate) fn push_exception(&mut self, tag: u32, values: &[u64]) -> u32 {
        self.exceptions.push(ExnEntity {
            tag,
            values: values.into(),
            referenced: false,
        });
        self.exceptions.len() as u32 - 1
    }

    /// Drops exception `exn` if nothing can refer to it any more (see the module docs).
    pub(crate) fn release_exception(&mut self, exn: u32) {
        let last = self.exceptions.len() as u32 - 1;
        if exn == last && !self.exceptions[exn as usize].referenced {
            self.exceptions.pop();
        }
    }

    /// The trap of exception `exn` leaving wasm uncaught: it names the tag, and the
    /// exception is kept (whoever gets the trap may use its index).
    pub(crate) fn exception_leaving(&mut self, exn: u32) -> TrapKind {
        let entity = &mut self.exceptions[exn as usize];
        entity.referenced = true;
        let tag = entity.tag;
        TrapKind::exception(exn, self.tag_name(tag))
    }

    /// How messages name tag `tag`: its export or import name, else its store address.
    pub(crate) fn tag_name(&self, tag: u32) -> String {
        match &self.tags[tag as usize].name {
            Some(name) => name.clone(),
            None => format!("(tag {tag})"),
        }
    }

    /// The tag and the values of the exception `exn` (the index an `exnref` or an
    /// uncaught exception's `TrapKind::Exception` holds), if there is one.
    pub fn exception(&self, exn: u32) -> Option<(Tag, Vec<Value>)> {
        let entity = self.exceptions.get(exn as usize)?;
        let ty = &self.tags[entity.tag as usize].ty;
        let values = Value::read_all(ty.params(), &entity.values, self.id);
        Some((Tag(entity.tag, self.id), values))
    }
}
