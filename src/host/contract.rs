//! Checking a module against a game ABI before it runs: every import must be one the
//! host provides, with the host's signature; every required export must exist with the
//! ABI's signature. All problems are reported together (a screenful of them shown, the
//! rest counted); a missing optional export is only a warning.

use std::fmt;

use crate::interp::{write_list, ExternType, FuncType, Module};

/// A function (or memory) the host offers to the game.
pub struct ProvidedImport {
    pub module: &'static str,
    pub name: &'static str,
    pub ty: ExternType,
}

/// A function the host calls in the game.
pub struct ExpectedExport {
    pub name: &'static str,
    pub ty: FuncType,
    /// A game without a required export cannot run; without an optional one it runs
    /// with that feature missing (e.g. a key that does nothing).
    pub required: bool,
}

/// Why a module does not fit an ABI: one line per problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractError {
    pub abi: &'static str,
    pub problems: Vec<String>,
}

impl fmt::Display for ContractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the module does not fit the {} contract ({} problem{}):",
            self.abi,
            self.problems.len(),
            if self.problems.len() == 1 { "" } else { "s" }
        )?;
        write_list(f, &self.problems)
    }
}

impl std::error::Error for ContractError {}

/// Checks `module` against an ABI; returns the warnings (missing optional exports).
pub fn check(
    module: &Module,
    abi: &'static str,
    imports: &[ProvidedImport],
    exports: &[ExpectedExport],
) -> Result<Vec<String>, ContractError> {
    let mut problems = Vec::new();
    // The first unknown import's line names what the host does provide.
    let mut provided_list = Some(provided_names(imports));
    for import in module.imports() {
        let offered = imports
            .iter()
            .find(|p| p.module == import.module && p.name == import.name);
        match (offered, &import.ty) {
            (Some(provided), wanted) if provided.ty.fits(wanted) => {}
            (Some(provided), wanted) => problems.push(format!(
                "import {}.{} is declared as {wanted}, but the host provides {}",
                import.module, import.name, provided.ty
            )),
            (None, wanted) => problems.push(match provided_list.take() {
                Some(list) => format!(
                    "import {}.{} {wanted} is not provided by the {abi} host, which provides: {list}",
                    import.module, import.name
                ),
                None => format!(
                    "import {}.{} {wanted} is not provided either",
                    import.module, import.name
                ),
            }),
        }
    }
    let mut warnings = Vec::new();
    for export in exports {
        match module.export_type(export.name) {
            Some(ExternType::Func(ty)) if *ty == export.ty => {}
            Some(other) => problems.push(format!(
                "export `{}` is {other}, but the {abi} contract calls it as {}",
                export.name, export.ty
            )),
            None if export.required => problems.push(format!(
                "required export `{}` {} is missing",
                export.name, export.ty
            )),
            None => warnings.push(format!(
                "the module has no export `{}` {}: that part of the game will do nothing",
                export.name, export.ty
            )),
        }
    }
    if problems.is_empty() {
        Ok(warnings)
    } else {
        Err(ContractError { abi, problems })
    }
}

fn provided_names(imports: &[ProvidedImport]) -> String {
    imports
        .iter()
        .map(|p| format!("{}.{}", p.module, p.name))
        .collect::<Vec<_>>()
        .join(", ")
}
