//! The core's typed errors: load (decode/validate/translate), link, resource limits, traps.

use std::fmt;

use super::limits::MAX_FRAME_SLOTS;

/// A module that could not be loaded: malformed bytes, failed validation, or a
/// function our translator cannot represent. `offset` is the byte offset in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub message: String,
    pub offset: Option<usize>,
}

impl LoadError {
    pub(crate) fn new(message: impl Into<String>, offset: Option<usize>) -> Self {
        LoadError {
            message: message.into(),
            offset,
        }
    }

    /// The error for a function whose frame would need `slots` value slots, more than
    /// `MAX_FRAME_SLOTS`.
    pub(crate) fn frame_too_large(func_index: u32, slots: u32, offset: usize) -> Self {
        LoadError::new(
            format!(
                "function {func_index} needs {slots} value slots (locals plus operand stack); \
                 wasmcade supports at most {MAX_FRAME_SLOTS}"
            ),
            Some(offset),
        )
    }

    /// The one line for a module that uses WebAssembly GC, with what it uses.
    pub(crate) fn gc(detail: &str, offset: Option<usize>) -> Self {
        LoadError::new(
            format!(
                "the module uses WebAssembly GC (struct, array, i31 or their references, \
                 casts), which wasmcade does not support: {detail}"
            ),
            offset,
        )
    }
}

impl From<wasmparser::BinaryReaderError> for LoadError {
    fn from(err: wasmparser::BinaryReaderError) -> Self {
        let message = err.message();
        let offset = Some(err.offset() as usize);
        // wasmparser names the GC proposal in several ways ("gc feature", "gc support",
        // "gc proposal", "gc types"): one message says what it means for the user.
        match message.contains("gc ") {
            true => LoadError::gc(message, offset),
            false => LoadError::new(message, offset),
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset {
            Some(offset) => write!(f, "{} (at byte offset {offset:#x})", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for LoadError {}

/// Why an instance could not be linked: one line per missing or mismatched import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkError {
    pub problems: Vec<String>,
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.as_slice() {
            [one] => f.write_str(&clip(one)),
            many => {
                write!(f, "{} imports cannot be satisfied:", many.len())?;
                write_list(f, many)
            }
        }
    }
}

/// Most items an error lists (a screenful with its header); the rest are counted.
pub const MAX_LISTED_ITEMS: usize = 20;
/// Most characters of one listed item or function name (a module can give names of
/// 100,000 bytes).
const MAX_ITEM_CHARS: usize = 300;

/// Writes `items` as indented `- item` lines, at most [`MAX_LISTED_ITEMS`] of them, each
/// clipped to a few hundred characters, then how many more there are.
pub fn write_list(f: &mut fmt::Formatter<'_>, items: &[String]) -> fmt::Result {
    for item in items.iter().take(MAX_LISTED_ITEMS) {
        write!(f, "\n  - {}", clip(item))?;
    }
    match items.len().checked_sub(MAX_LISTED_ITEMS) {
        Some(more @ 1..) => write!(f, "\n  ... and {more} more"),
        _ => Ok(()),
    }
}

/// `text`, cut after [`MAX_ITEM_CHARS`] characters with a note of how long it was.
fn clip(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(MAX_ITEM_CHARS) {
        Some((cut, _)) => format!("{}... ({} bytes in all)", &text[..cut], text.len()).into(),
        None => text.into(),
    }
}

impl std::error::Error for LinkError {}

/// The kind of a trap; `Display` gives the spec's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrapKind {
    Unreachable,
    IntegerDivideByZero,
    IntegerOverflow,
    InvalidConversionToInteger,
    MemoryOutOfBounds,
    TableOutOfBounds,
    UndefinedElement,
    UninitializedElement,
    IndirectCallTypeMismatch,
    /// `call_ref` or `return_call_ref` of a null reference.
    NullFunctionReference,
    /// `ref.as_non_null` of a null reference.
    NullReference,
    /// `throw_ref` of a null reference.
    NullExceptionReference,
    CallStackExhausted,
    /// The per-call instruction budget ran out; carries the budget.
    OutOfFuel(u64),
    /// A host function failed.
    Host(String),
    /// An exception no handler caught (inside the executor: one unwinding). Boxed, so
    /// that `TrapKind`, which every call path returns, stays four words.
    Exception(Box<Uncaught>),
    /// A function could not be translated at its first call (it passed validation but
    /// exceeds one of wasmcade's limits); carries the reason, naming the function.
    Untranslatable(String),
}

impl fmt::Display for TrapKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TrapKind::Unreachable => "unreachable",
            TrapKind::IntegerDivideByZero => "integer divide by zero",
            TrapKind::IntegerOverflow => "integer overflow",
            TrapKind::InvalidConversionToInteger => "invalid conversion to integer",
            TrapKind::MemoryOutOfBounds => "out of bounds memory access",
            TrapKind::TableOutOfBounds => "out of bounds table access",
            TrapKind::UndefinedElement => "undefined element",
            TrapKind::UninitializedElement => "uninitialized element",
            TrapKind::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapKind::NullFunctionReference => "null function reference",
            TrapKind::NullReference => "null reference",
            TrapKind::NullExceptionReference => "null exception reference",
            TrapKind::CallStackExhausted => "call stack exhausted",
            TrapKind::OutOfFuel(budget) => {
                return write!(f, "out of fuel (budget {budget} instructions)")
            }
            TrapKind::Host(message) => return write!(f, "host function failed: {message}"),
            TrapKind::Exception(uncaught) => {
                return write!(f, "uncaught exception {}", uncaught.tag)
            }
            TrapKind::Untranslatable(message) => {
                return write!(f, "cannot run the function called: {message}")
            }
        })
    }
}

/// An exception that left wasm uncaught (`TrapKind::Exception`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncaught {
    /// Its index among the store's exceptions (`Store::exception`; an `exnref` to it
    /// stays valid).
    pub exn: u32,
    /// Its tag's name: its export or import name when it has one (empty while it
    /// unwinds inside the executor).
    pub tag: String,
}

impl TrapKind {
    /// The exception `exn` (of the tag named `tag`) thrown or leaving wasm.
    pub fn exception(exn: u32, tag: String) -> TrapKind {
        TrapKind::Exception(Box::new(Uncaught { exn, tag }))
    }

    /// The exception's index, if this is one.
    pub fn exception_index(&self) -> Option<u32> {
        match self {
            TrapKind::Exception(uncaught) => Some(uncaught.exn),
            _ => None,
        }
    }
}

/// One wasm frame of a trap's backtrace, innermost first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameInfo {
    /// Function index in its module's function index space.
    pub func_index: u32,
    /// From the name section (or the export name) when the module has one.
    pub func_name: Option<String>,
    /// Byte offset of the trapping (or calling) instruction in the module file.
    pub offset: Option<usize>,
}

impl fmt::Display for FrameInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.func_name {
            Some(name) => write!(f, "{} (func {})", clip(name), self.func_index)?,
            None => write!(f, "func {}", self.func_index)?,
        }
        if let Some(offset) = self.offset {
            write!(f, " at offset {offset:#x}")?;
        }
        Ok(())
    }
}

/// A trap: what went wrong, and where in the wasm call stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trap {
    pub kind: TrapKind,
    pub backtrace: Vec<FrameInfo>,
}

impl Trap {
    pub fn new(kind: TrapKind) -> Self {
        Trap {
            kind,
            backtrace: Vec::new(),
        }
    }

    /// A trap raised by a host function.
    pub fn host(message: impl Into<String>) -> Self {
        Trap::new(TrapKind::Host(message.into()))
    }

    /// The innermost frame, if the trap happened inside wasm code.
    pub fn origin(&self) -> Option<&FrameInfo> {
        self.backtrace.first()
    }

    /// The backtrace as indented lines, innermost first (empty if there is none); see
    /// [`backtrace_lines`].
    pub fn backtrace_lines(&self) -> Vec<String> {
        backtrace_lines(&self.backtrace)
    }
}

/// Most lines a printed backtrace has: deep recursion makes thousands of frames.
const MAX_BACKTRACE_LINES: usize = 16;

/// A backtrace as indented lines, innermost first: runs of identical frames (recursion)
/// folded into one line, and at most [`MAX_BACKTRACE_LINES`] lines, keeping the
/// innermost and the outermost frames.
pub fn backtrace_lines(frames: &[FrameInfo]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut depth = 0;
    while depth < frames.len() {
        let run = frames[depth..]
            .iter()
            .take_while(|frame| **frame == frames[depth])
            .count();
        lines.push(match run {
            1 => format!("  {depth}: {}", frames[depth]),
            _ => format!(
                "  {depth}-{}: {} ({run} times)",
                depth + run - 1,
                frames[depth]
            ),
        });
        depth += run;
    }
    if lines.len() > MAX_BACKTRACE_LINES {
        let keep_outer = 4;
        let hidden = lines.len() - MAX_BACKTRACE_LINES + 1;
        let outer = lines.split_off(lines.len() - keep_outer);
        lines.truncate(MAX_BACKTRACE_LINES - keep_outer - 1);
        lines.push(format!("  ... {hidden} more lines ..."));
        lines.extend(outer);
    }
    lines
}

impl From<TrapKind> for Trap {
    fn from(kind: TrapKind) -> Self {
        Trap::new(kind)
    }
}

/// One line: `integer divide by zero in update (func 3) at offset 0x1a2`.
impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        if let Some(origin) = self.origin() {
            write!(f, " in {origin}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Trap {}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(func_index: u32) -> FrameInfo {
        FrameInfo {
            func_index,
            func_name: None,
            offset: Some(0x10),
        }
    }

    #[test]
    fn long_lists_show_a_screenful_and_count_the_rest() {
        let problems: Vec<String> = (0..100_000).map(|i| format!("problem {i}")).collect();
        let text = LinkError { problems }.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), MAX_LISTED_ITEMS + 2, "{text}");
        assert_eq!(lines[0], "100000 imports cannot be satisfied:");
        assert_eq!(lines[MAX_LISTED_ITEMS], "  - problem 19");
        assert_eq!(lines[MAX_LISTED_ITEMS + 1], "  ... and 99980 more");
        let exactly: Vec<String> = (0..MAX_LISTED_ITEMS).map(|i| i.to_string()).collect();
        assert!(!LinkError { problems: exactly }.to_string().contains("more"));
    }

    #[test]
    fn a_huge_name_is_clipped() {
        let one = LinkError {
            problems: vec![format!("unknown import env.{}", "x".repeat(100_000))],
        };
        let text = one.to_string();
        assert!(text.len() < 400, "{}", text.len());
        assert!(text.ends_with("... (100019 bytes in all)"), "{text}");
    }

    #[test]
    fn a_trap_kind_stays_four_words() {
        // Every call path returns `Result<_, TrapKind>`: a wider one costs them moves.
        assert_eq!(std::mem::size_of::<TrapKind>(), 32);
    }

    #[test]
    fn recursion_folds_into_one_line() {
        let mut frames = vec![frame(1); 20_000];
        frames.push(frame(2));
        assert_eq!(
            backtrace_lines(&frames),
            [
                "  0-19999: func 1 at offset 0x10 (20000 times)",
                "  20000: func 2 at offset 0x10"
            ]
        );
    }

    #[test]
    fn long_backtraces_keep_both_ends() {
        let frames: Vec<FrameInfo> = (0..100).map(frame).collect();
        let lines = backtrace_lines(&frames);
        assert_eq!(lines.len(), MAX_BACKTRACE_LINES);
        assert_eq!(lines[0], "  0: func 0 at offset 0x10");
        assert_eq!(lines[11], "  ... 85 more lines ...");
        assert_eq!(lines[15], "  99: func 99 at offset 0x10");
    }
}

/// Everything the embedding API can fail with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    Load(LoadError),
    Link(LinkError),
    /// A limit set by the host was exceeded (e.g. initial memory above the cap).
    Limit(String),
    Trap(Trap),
    /// The embedder asked for something that does not exist or does not fit
    /// (unknown export, wrong argument count or types).
    Usage(String),
}

impl Error {
    pub fn as_trap(&self) -> Option<&Trap> {
        match self {
            Error::Trap(trap) => Some(trap),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Load(e) => write!(f, "invalid module: {e}"),
            Error::Link(e) => write!(f, "cannot link module: {e}"),
            Error::Limit(message) => f.write_str(message),
            Error::Trap(trap) => write!(f, "trap: {trap}"),
            Error::Usage(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {}

impl From<LoadError> for Error {
    fn from(e: LoadError) -> Self {
        Error::Load(e)
    }
}

impl From<LinkError> for Error {
    fn from(e: LinkError) -> Self {
        Error::Link(e)
    }
}

impl From<Trap> for Error {
    fn from(e: Trap) -> Self {
        Error::Trap(e)
    }
}

impl From<TrapKind> for Error {
    fn from(kind: TrapKind) -> Self {
        Error::Trap(Trap::new(kind))
    }
}
