//! Loading a module: decode and validate with wasmparser (function bodies in `bodies`,
//! once the code section is read), and keep what instantiation and translation on
//! first call (`code`) need. Nothing here translates: `code` does, at first call, into
//! the slots of `function_code`.

mod binary_checks;
mod bodies;
mod const_expr;
mod function_code;
pub(crate) mod locate;
mod types;

use std::collections::HashMap;
use std::sync::Arc;

use wasmparser::{
    ElementItems, ElementKind, ExternalKind, Name, NameSectionReader, Parser, Payload, TypeRef,
    Validator, WasmFeatures,
};

use crate::interp::types::{
    ExternType, FuncType, GlobalType, LoadError, MemoryType, SizeLimits, TableType, ValType,
};
use bodies::validate_bodies;
pub(crate) use const_expr::ConstExpr;
pub(crate) use function_code::FunctionCode;

/// A validated, translated module, ready to instantiate any number of times.
/// Cheap to clone.
#[derive(Clone)]
pub struct Module {
    pub(crate) inner: Arc<ModuleInner>,
}

/// An import of the module, in declaration order.
#[derive(Debug, Clone)]
pub struct ImportInfo {
    pub module: String,
    pub name: String,
    pub ty: ExternType,
}

/// An export of the module.
#[derive(Debug, Clone)]
pub struct ExportInfo {
    pub name: String,
    pub ty: ExternType,
    pub(crate) kind: ExternalKind,
    pub(crate) index: u32,
}

#[derive(Debug, Clone)]
pub(crate) enum ElementMode {
    Passive,
    Declared,
    Active { table: u32, offset: ConstExpr },
}

#[derive(Debug, Clone)]
pub(crate) struct ElementSegment {
    pub mode: ElementMode,
    pub items: Vec<ConstExpr>,
}

#[derive(Debug, Clone)]
pub(crate) struct DataSegment {
    /// `None` for passive segments; for active ones, the memory's index and the offset.
    pub active: Option<(u32, ConstExpr)>,
    pub bytes: Arc<[u8]>,
}

/// Byte size of one section, for `inspect`.
#[derive(Debug, Clone)]
pub struct SectionInfo {
    pub name: String,
    pub size: usize,
}

pub(crate) struct ModuleInner {
    pub types: Vec<FuncType>,
    pub imports: Vec<ImportInfo>,
    /// Type index of every function (imported first).
    pub func_types: Vec<u32>,
    pub num_imported_funcs: u32,
    pub tables: Vec<TableType>,
    pub num_imported_tables: u32,
    pub memories: Vec<MemoryType>,
    pub num_imported_memories: u32,
    pub globals: Vec<GlobalType>,
    pub num_imported_globals: u32,
    pub global_inits: Vec<ConstExpr>,
    /// The type index of every tag (imported first).
    pub tags: Vec<u32>,
    /// Each defined table's initial element (`None`: null).
    pub table_inits: Vec<Option<ConstExpr>>,
    pub exports: Vec<ExportInfo>,
    pub start: Option<u32>,
    pub elements: Vec<ElementSegment>,
    pub datas: Vec<DataSegment>,
    /// The defined (non-imported) functions' bodies, translated on first call.
    pub code: FunctionCode,
    pub func_names: HashMap<u32, String>,
    pub sections: Vec<SectionInfo>,
}

/// What we run: WebAssembly 2.0 (with fixed-width SIMD), and of 3.0 relaxed SIMD, the
/// extended constant expressions, tail calls, wide arithmetic, typed function
/// references, multi-memory, memory64 (but 64-bit tables, refused in `table_type`),
/// custom page sizes and exception handling. GC is on for validation only, because rec
/// groups and subtype declarations are part of it: its struct and array types are
/// registered for their groups' identity only, its abstract types hold only null
/// (`types`), and its instructions are refused as the bodies are validated (`bodies`).
fn features() -> WasmFeatures {
    WasmFeatures::WASM2
        | WasmFeatures::RELAXED_SIMD
        | WasmFeatures::EXTENDED_CONST
        | WasmFeatures::TAIL_CALL
        | WasmFeatures::WIDE_ARITHMETIC
        | WasmFeatures::FUNCTION_REFERENCES
        | WasmFeatures::GC
        | WasmFeatures::MULTI_MEMORY
        | WasmFeatures::MEMORY64
        | WasmFeatures::CUSTOM_PAGE_SIZES
        | WasmFeatures::EXCEPTIONS
}

impl Module {
    /// Decodes, validates and translates `bytes`; errors name the section (and
    /// function body) where they happened.
    pub fn new(bytes: &[u8]) -> Result<Module, LoadError> {
        check_header(bytes)?;
        Module::load(bytes).map_err(|mut err| {
            if let Some(place) = err.offset.and_then(|at| locate::describe(bytes, at)) {
                err.message = format!("{} {place}", err.message);
            }
            err
        })
    }

    fn load(bytes: &[u8]) -> Result<Module, LoadError> {
        let mut validator = Validator::new_with_features(features());
        let mut m = ModuleInner {
            types: Vec::new(),
            imports: Vec::new(),
            func_types: Vec::new(),
            num_imported_funcs: 0,
            tables: Vec::new(),
            num_imported_tables: 0,
            memories: Vec::new(),
            num_imported_memories: 0,
            globals: Vec::new(),
            num_imported_globals: 0,
            global_inits: Vec::new(),
            tags: Vec::new(),
            table_inits: Vec::new(),
            exports: Vec::new(),
            start: None,
            elements: Vec::new(),
            datas: Vec::new(),
            code: FunctionCode::new(bytes, Vec::new()),
            func_names: HashMap::new(),
            sections: Vec::new(),
        };
        let mut export_kinds: Vec<(String, ExternalKind, u32)> = Vec::new();
        // The code section's bodies, validated together once the section has been read
        // (before anything after it is looked at, so errors come in the same order).
        let mut bodies = Vec::new();
        for payload in Parser::new(0).parse_all(bytes) {
            if !bodies.is_empty() && !matches!(payload, Ok(Payload::CodeSectionEntry(_))) {
                let ranges = validate_bodies(bytes, std::mem::take(&mut bodies))?;
                m.code = FunctionCode::new(bytes, ranges);
            }
            let payload = payload?;
            if let Some((name, range)) = section_name_and_range(&payload) {
                m.sections.push(SectionInfo {
                    name,
                    size: (range.end - range.start) as usize,
                });
            }
            match validator.payload(&payload)? {
                wasmparser::ValidPayload::Func(to_validate, body) => {
                    bodies.push((to_validate, body));
                    continue;
                }
                wasmparser::ValidPayload::End(_) => break,
                _ => {}
            }
            match payload {
                Payload::TypeSection(reader) => {
                    for group in reader.into_iter_with_offsets() {
                        let (offset, group) = group?;
                        types::read_rec_group(group, &mut m.types, offset as usize)?;
                    }
                }
                Payload::ImportSection(reader) => {
                    let offset = reader.range().start as usize;
                    for import in reader.into_imports() {
                        let import = import?;
                        let ty = match import.ty {
                            TypeRef::Func(t) => {
                                m.func_types.push(t);
                                m.num_imported_funcs += 1;
                                ExternType::Func(m.types[t as usize].clone())
                            }
                            TypeRef::Table(t) => {
                                let t = m.table_type(&t, offset)?;
                                m.tables.push(t);
                                m.num_imported_tables += 1;
                                ExternType::Table(t)
                            }
                            TypeRef::Memory(t) => {
                                let t = memory_type(&t);
                                m.memories.push(t);
                                m.num_imported_memories += 1;
                                ExternType::Memory(t)
                            }
                            TypeRef::Global(t) => {
                                let t = m.global_type(&t, offset)?;
                                m.globals.push(t);
                                m.num_imported_globals += 1;
                                ExternType::Global(t)
                            }
                            TypeRef::Tag(t) => {
                                m.tags.push(t.func_type_idx);
                                ExternType::Tag(m.types[t.func_type_idx as usize].clone())
                            }
                            _ => return Err(unsupported("import kind", import.name)),
                        };
                        m.imports.push(ImportInfo {
                            module: import.module.to_string(),
                            name: import.name.to_string(),
                            ty,
                        });
                    }
                }
                Payload::FunctionSection(reader) => {
                    for ty in reader {
                        m.func_types.push(ty?);
                    }
                }
                Payload::TableSection(reader) => {
                    let offset = reader.range().start as usize;
                    for table in reader {
                        let table = table?;
                        m.tables.push(m.table_type(&table.ty, offset)?);
                        m.table_inits.push(match &table.init {
                            wasmparser::TableInit::RefNull => None,
                            wasmparser::TableInit::Expr(expr) => Some(ConstExpr::read(expr)?),
                        });
                    }
                }
                Payload::MemorySection(reader) => {
                    binary_checks::check_memory_section(bytes, reader.range().start as usize)?;
                    for memory in reader {
                        m.memories.push(memory_type(&memory?));
                    }
                }
                Payload::GlobalSection(reader) => {
                    let offset = reader.range().start as usize;
                    for global in reader {
                        let global = global?;
                        m.globals.push(m.global_type(&global.ty, offset)?);
                        m.global_inits.push(ConstExpr::read(&global.init_expr)?);
                    }
                }
                Payload::TagSection(reader) => {
                    for tag in reader {
                        m.tags.push(tag?.func_type_idx);
                    }
                }
                Payload::ExportSection(reader) => {
                    for export in reader {
                        let export = export?;
                        export_kinds.push((export.name.to_string(), export.kind, export.index));
                    }
                }
                Payload::StartSection { func, .. } => m.start = Some(func),
                Payload::ElementSection(reader) => {
                    for element in reader {
                        let element = element?;
                        if let ElementItems::Expressions(ty, _) = &element.items {
                            types::ref_type(*ty, &m.types, element.range.start as usize)?;
                        }
                        m.elements.push(element_segment(element)?);
                    }
                }
                Payload::DataSection(reader) => {
                    for data in reader {
                        let data = data?;
                        let active = match data.kind {
                            wasmparser::DataKind::Passive => None,
                            wasmparser::DataKind::Active {
                                offset_expr,
                                memory_index,
                            } => Some((memory_index, ConstExpr::read(&offset_expr)?)),
                        };
                        m.datas.push(DataSegment {
                            active,
                            bytes: data.data.into(),
                        });
                    }
                }
                Payload::CustomSection(reader) if reader.name() == "name" => {
                    // A broken name section is not an error (the spec says so): keep what parsed.
                    if let wasmparser::KnownCustom::Name(names) = reader.as_known() {
                        read_function_names(names, &mut m.func_names);
                    }
                }
                _ => {}
            }
        }
        m.exports = export_kinds
            .into_iter()
            .map(|(name, kind, index)| {
                let ty = m.extern_type(kind, index);
                ExportInfo {
                    name,
                    ty,
                    kind,
                    index,
                }
            })
            .collect();
        // Exported names stand in for functions the name section does not name.
        for export in &m.exports {
            if export.kind == ExternalKind::Func {
                m.func_names
                    .entry(export.index)
                    .or_insert_with(|| export.name.clone());
            }
        }
        Ok(Module { inner: Arc::new(m) })
    }

    pub fn imports(&self) -> &[ImportInfo] {
        &self.inner.imports
    }

    pub fn exports(&self) -> &[ExportInfo] {
        &self.inner.exports
    }

    /// The type of an export, if the module has one with that name.
    pub fn export_type(&self, name: &str) -> Option<&ExternType> {
        self.exports()
            .iter()
            .find(|e| e.name == name)
            .map(|e| &e.ty)
    }

    /// Every function type of the type section.
    pub fn types(&self) -> &[FuncType] {
        &self.inner.types
    }

    /// Number of functions (imported and defined).
    pub fn func_count(&self) -> usize {
        self.inner.func_types.len()
    }

    pub fn imported_func_count(&self) -> usize {
        self.inner.num_imported_funcs as usize
    }

    /// Total size in bytes of the function bodies in the code section.
    pub fn code_size(&self) -> usize {
        self.inner.code.size()
    }

    pub fn func_type(&self, func_index: u32) -> Option<&FuncType> {
        let ty = *self.inner.func_types.get(func_index as usize)?;
        self.inner.types.get(ty as usize)
    }

    /// The function's name from the name section (or its export name).
    pub fn func_name(&self, func_index: u32) -> Option<&str> {
        self.inner.func_names.get(&func_index).map(String::as_str)
    }

    /// Finds a function by name-section name, export name, or plain index.
    pub fn find_func(&self, name_or_index: &str) -> Option<u32> {
        let by_name = self
            .inner
            .func_names
            .iter()
            .filter(|(_, name)| name.as_str() == name_or_index)
            .map(|(index, _)| *index)
            .min();
        by_name.or_else(|| {
            name_or_index
                .parse::<u32>()
                .ok()
                .filter(|&i| (i as usize) < self.func_count())
        })
    }

    /// Sections in file order with their sizes.
    pub fn sections(&self) -> &[SectionInfo] {
        &self.inner.sections
    }

    pub fn memories(&self) -> &[MemoryType] {
        &self.inner.memories
    }

    pub fn tables(&self) -> &[TableType] {
        &self.inner.tables
    }

    pub fn globals(&self) -> &[GlobalType] {
        &self.inner.globals
    }

    /// How many defined functions have been translated so far: each is at its first
    /// call (from any instance of the module), or by `disassemble` or `translate_all`.
    pub fn translated_func_count(&self) -> usize {
        self.inner.code.translated_count()
    }
}

impl ModuleInner {
    /// A value type of the module, or the GC line for GC's (at `offset`).
    pub(crate) fn val_type(
        &self,
        ty: wasmparser::ValType,
        offset: usize,
    ) -> Result<ValType, LoadError> {
        types::val_type(ty, &self.types, offset)
    }

    fn table_type(&self, t: &wasmparser::TableType, offset: usize) -> Result<TableType, LoadError> {
        if t.table64 {
            return Err(LoadError::new(
                "64-bit tables (table64) are not supported",
                Some(offset),
            ));
        }
        Ok(TableType {
            element: ValType::Ref(types::ref_type(t.element_type, &self.types, offset)?),
            limits: limits(t.initial, t.maximum),
        })
    }

    fn global_type(
        &self,
        t: &wasmparser::GlobalType,
        offset: usize,
    ) -> Result<GlobalType, LoadError> {
        Ok(GlobalType {
            content: self.val_type(t.content_type, offset)?,
            mutable: t.mutable,
        })
    }

    /// The defined function of `func_index` (`None` for an import or past the end): its
    /// index among the module's code.
    pub(crate) fn defined(&self, func_index: u32) -> Option<u32> {
        func_index
            .checked_sub(self.num_imported_funcs)
            .filter(|&def| (def as usize) < self.code.len())
    }

    pub(crate) fn func_type_of(&self, func_index: u32) -> &FuncType {
        &self.types[self.func_types[func_index as usize] as usize]
    }

    /// The type of tag `tag` (its parameters are its exceptions' values).
    pub(crate) fn tag_type(&self, tag: u32) -> &FuncType {
        &self.types[self.tags[tag as usize] as usize]
    }

    fn extern_type(&self, kind: ExternalKind, index: u32) -> ExternType {
        let i = index as usize;
        match kind {
            ExternalKind::Func | ExternalKind::FuncExact => {
                ExternType::Func(self.func_type_of(index).clone())
            }
            ExternalKind::Table => ExternType::Table(self.tables[i]),
            ExternalKind::Memory => ExternType::Memory(self.memories[i]),
            ExternalKind::Global => ExternType::Global(self.globals[i]),
            ExternalKind::Tag => ExternType::Tag(self.tag_type(index).clone()),
        }
    }
}

/// A clearer first word than the decoder's for files that are not wasm at all.
fn check_header(bytes: &[u8]) -> Result<(), LoadError> {
    const MAGIC: &[u8] = b"\0asm";
    if bytes.is_empty() {
        return Err(LoadError::new("the file is empty", Some(0)));
    }
    if !bytes.starts_with(MAGIC) && !MAGIC.starts_with(bytes) {
        return Err(LoadError::new(
            "not a WebAssembly binary: it does not start with the magic bytes \\0asm",
            Some(0),
        ));
    }
    if let Some(version) = bytes.get(4..8).filter(|v| *v != [1, 0, 0, 0]) {
        let version = u32::from_le_bytes(version.try_into().expect("4 bytes"));
        return Err(LoadError::new(
            format!(
                "unknown binary version {version:#x} (only version 1, core modules, is supported)"
            ),
            Some(4),
        ));
    }
    Ok(())
}

fn unsupported(what: &str, detail: &str) -> LoadError {
    LoadError::new(format!("unsupported {what} {detail}"), None)
}

fn limits(min: u64, max: Option<u64>) -> SizeLimits {
    SizeLimits { min, max }
}

fn memory_type(t: &wasmparser::MemoryType) -> MemoryType {
    MemoryType {
        limits: limits(t.initial, t.maximum),
        index64: t.memory64,
        page_size_log2: t.page_size_log2() as u8,
    }
}

fn element_segment(element: wasmparser::Element<'_>) -> Result<ElementSegment, LoadError> {
    let mode = match element.kind {
        ElementKind::Passive => ElementMode::Passive,
        ElementKind::Declared => ElementMode::Declared,
        ElementKind::Active {
            table_index,
            offset_expr,
        } => ElementMode::Active {
            table: table_index.unwrap_or(0),
            offset: ConstExpr::read(&offset_expr)?,
        },
    };
    let items = match element.items {
        ElementItems::Functions(funcs) => funcs
            .into_iter()
            .map(|f| f.map(ConstExpr::FuncRef))
            .collect::<Result<Vec<_>, _>>()?,
        ElementItems::Expressions(_, exprs) => exprs
            .into_iter()
            .map(|e| ConstExpr::read(&e?))
            .collect::<Result<Vec<_>, _>>()?,
    };
    Ok(ElementSegment { mode, items })
}

fn read_function_names(names: NameSectionReader<'_>, out: &mut HashMap<u32, String>) {
    for name in names.into_iter().flatten() {
        if let Name::Function(map) = name {
            for naming in map.into_iter().flatten() {
                out.insert(naming.index, naming.name.to_string());
            }
        }
    }
}

/// The section a payload starts, with its byte range (for `inspect`).
fn section_name_and_range(payload: &Payload<'_>) -> Option<(String, std::ops::Range<u64>)> {
    let (name, range) = match payload {
        Payload::TypeSection(r) => ("type", r.range()),
        Payload::ImportSection(r) => ("import", r.range()),
        Payload::FunctionSection(r) => ("function", r.range()),
        Payload::TableSection(r) => ("table", r.range()),
        Payload::MemorySection(r) => ("memory", r.range()),
        Payload::GlobalSection(r) => ("global", r.range()),
        Payload::ExportSection(r) => ("export", r.range()),
        Payload::StartSection { range, .. } => ("start", range.clone()),
        Payload::ElementSection(r) => ("element", r.range()),
        Payload::DataCountSection { range, .. } => ("datacount", range.clone()),
        Payload::DataSection(r) => ("data", r.range()),
        Payload::TagSection(r) => ("tag", r.range()),
        Payload::CodeSectionStart {
            unchecked_range, ..
        } => ("code", unchecked_range.clone()),
        Payload::CustomSection(r) => return Some((format!("custom \"{}\"", r.name()), r.range())),
        _ => return None,
    };
    Some((name.to_string(), range))
}
