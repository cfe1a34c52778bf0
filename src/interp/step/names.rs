//! The locals' names from a module's name section (the debugger's `locals`, the machine
//! view), read once per module when the stepper first enters one of its functions.

use std::collections::HashMap;

use wasmparser::{KnownCustom, Name, Parser, Payload};

/// Local names by (function index, local index).
#[derive(Default)]
pub(crate) struct LocalNames(HashMap<(u32, u32), String>);

impl LocalNames {
    /// The local names of the module `bytes` (none if it has no readable name section).
    pub fn read(bytes: &[u8]) -> LocalNames {
        let mut names = HashMap::new();
        for payload in Parser::new(0).parse_all(bytes) {
            let Ok(Payload::CustomSection(section)) = payload else {
                continue;
            };
            let KnownCustom::Name(reader) = section.as_known() else {
                continue;
            };
            for name in reader.into_iter().flatten() {
                let Name::Local(functions) = name else {
                    continue;
                };
                for function in functions.into_iter().flatten() {
                    for local in function.names.flatten() {
                        names.insert((function.index, local.index), local.name.to_string());
                    }
                }
            }
        }
        LocalNames(names)
    }

    pub fn get(&self, func_index: u32, local: u32) -> Option<&str> {
        self.0.get(&(func_index, local)).map(String::as_str)
    }
}
