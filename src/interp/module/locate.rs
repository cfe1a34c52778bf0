//! Says where in a module file a load error happened: which section and, in the code
//! section, which function body. Reads only section headers (and body sizes), so it
//! works on truncated and malformed files alike.

/// The section's name by id (WebAssembly 2.0 numbering).
fn section_name(id: u8) -> &'static str {
    match id {
        0 => "custom",
        1 => "type",
        2 => "import",
        3 => "function",
        4 => "table",
        5 => "memory",
        6 => "global",
        7 => "export",
        8 => "start",
        9 => "element",
        10 => "code",
        11 => "data",
        12 => "data count",
        _ => "unknown",
    }
}

/// Reads one unsigned LEB128 u32 at `pos`: (value, position after it).
fn read_u32(bytes: &[u8], pos: usize) -> Option<(u32, usize)> {
    let mut value = 0u32;
    for i in 0..5 {
        let byte = *bytes.get(pos + i)?;
        value |= ((byte & 0x7f) as u32) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, pos + i + 1));
        }
    }
    None
}

/// `"in the code section (function body 2)"` for an error at `offset`, or `None` in
/// the header or past the last section.
pub fn describe(bytes: &[u8], offset: usize) -> Option<String> {
    let mut at = 8;
    while at < bytes.len() && at <= offset {
        let id = bytes[at];
        let name = section_name(id);
        let Some((len, start)) = read_u32(bytes, at + 1) else {
            return Some(format!("in the {name} section header"));
        };
        let end = start.saturating_add(len as usize);
        if offset < end || end > bytes.len() {
            let body = if id == 10 {
                code_body(bytes, start, offset)
            } else {
                None
            };
            return Some(match body {
                Some(index) => format!("in the {name} section (function body {index})"),
                None => format!("in the {name} section"),
            });
        }
        at = end;
    }
    None
}

/// The index of the function body holding `offset`, in a code section starting at `start`.
fn code_body(bytes: &[u8], start: usize, offset: usize) -> Option<u32> {
    let (count, mut at) = read_u32(bytes, start)?;
    for index in 0..count {
        let (size, body) = read_u32(bytes, at)?;
        at = body.saturating_add(size as usize);
        if offset < at {
            return Some(index);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn names_section_and_function_body() {
        let wasm = wat::parse_str("(module (func) (func (drop (i32.const 1))))").unwrap();
        let code_start = wasm.iter().rposition(|&b| b == 10).unwrap();
        assert_eq!(describe(&wasm, 4), None);
        assert_eq!(describe(&wasm, 9).as_deref(), Some("in the type section"));
        assert_eq!(
            describe(&wasm, wasm.len() - 2).as_deref(),
            Some("in the code section (function body 1)")
        );
        let truncated = &wasm[..code_start + 4];
        assert_eq!(
            describe(truncated, truncated.len()).as_deref(),
            Some("in the code section (function body 0)")
        );
    }
}
