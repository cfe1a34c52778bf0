//! The linker, the top layer: host definitions by (module name, field name), and
//! instantiation that checks every import against them, reporting all problems at once,
//! then runs the start function.

use std::collections::HashMap;

use super::module::Module;
use super::store::{instantiate, Caller, Store};
use super::types::{Error, Extern, Func, FuncType, Instance, LinkError, Trap, Value};

/// Names host (or other instances') definitions so modules can import them. Its
/// definitions must belong to the store it instantiates in: one from another store is
/// a link error.
pub struct Linker {
    definitions: HashMap<(String, String), Extern>,
    /// Instances of another store given to [`Linker::instance`]: a link error at
    /// instantiation.
    foreign_instances: Vec<String>,
}

impl Default for Linker {
    fn default() -> Self {
        Linker::new()
    }
}

impl Linker {
    pub fn new() -> Self {
        Linker {
            definitions: HashMap::new(),
            foreign_instances: Vec::new(),
        }
    }

    pub fn define(&mut self, module: &str, name: &str, item: impl Into<Extern>) -> &mut Self {
        self.definitions
            .insert((module.to_string(), name.to_string()), item.into());
        self
    }

    /// Defines a host function.
    pub fn func<T>(
        &mut self,
        store: &mut Store<T>,
        module: &str,
        name: &str,
        ty: FuncType,
        call: impl Fn(&mut Caller<'_, T>, &[Value], &mut [Value]) -> Result<(), Trap> + 'static,
    ) -> &mut Self {
        let func = Func::new(store, ty, call);
        self.define(module, name, func)
    }

    /// Makes every export of `instance` importable under `module` (an instance of
    /// another store than `store` makes the next instantiation fail).
    pub fn instance<T>(&mut self, store: &Store<T>, module: &str, instance: Instance) -> &mut Self {
        if instance.1 != store.id {
            self.foreign_instances.push(format!(
                "the instance registered as `{module}` belongs to another store"
            ));
            return self;
        }
        let exports: Vec<(String, Extern)> = store.instances[instance.0 as usize]
            .exports
            .iter()
            .map(|(name, ext)| (name.clone(), *ext))
            .collect();
        for (name, ext) in exports {
            self.define(module, &name, ext);
        }
        self
    }

    pub fn get(&self, module: &str, name: &str) -> Option<Extern> {
        self.definitions
            .get(&(module.to_string(), name.to_string()))
            .copied()
    }

    /// Resolves the module's imports (all problems reported together), then instantiates:
    /// globals, tables, memories, element and data segments, and runs the start function.
    pub fn instantiate<T>(&self, store: &mut Store<T>, module: &Module) -> Result<Instance, Error> {
        let mut resolved = Vec::with_capacity(module.imports().len());
        let mut problems = self.foreign_instances.clone();
        for import in module.imports() {
            let wanted = &import.ty;
            match self.get(&import.module, &import.name) {
                None => problems.push(format!(
                    "unknown import {}.{}: the module expects {wanted}, the host provides nothing by that name",
                    import.module, import.name
                )),
                Some(ext) if ext.store_id() != store.id => problems.push(format!(
                    "import {}.{}: the host's definition belongs to another store",
                    import.module, import.name
                )),
                Some(ext) => {
                    let provided = store.extern_type(ext);
                    if provided.fits(&import.ty) {
                        resolved.push(ext);
                    } else {
                        problems.push(format!(
                            "incompatible import type for {}.{}: the module expects {wanted}, the host provides {provided}",
                            import.module, import.name
                        ));
                    }
                }
            }
        }
        if !problems.is_empty() {
            return Err(Error::Link(LinkError { problems }));
        }
        let (instance, start) = instantiate(store, module, &resolved)?;
        if let Some(start) = start {
            start.call(store, &[])?;
        }
        Ok(instance)
    }
}
