//! Compares two engines' [`Trace`]s of one case and describes the first divergence.

use std::fmt;

use super::trace::{Element, Outcome, Resource, Trace, TrapClass};

/// What a successful comparison covered.
#[derive(Debug, Default)]
pub struct Comparison {
    /// Calls whose outcomes matched.
    pub calls: usize,
    /// Of those, the calls that returned (the rest trapped).
    pub returned: usize,
    /// Trap kinds seen (in instantiation and calls), one entry per trap.
    pub traps: Vec<TrapClass>,
    /// Why the rest of the case was not compared; `None` when all of it was.
    pub skipped: Option<Skip>,
}

/// Why (the rest of) a case was not compared.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    /// Both engines ran out of their own fuel or stack at the same step (wasmcade's
    /// resource first): budgets are engine-specific, so the steps after it are not run.
    /// Only one engine running out is a divergence.
    BothExhausted(Resource, Resource),
    /// Both engines refused to instantiate the module, for reasons other than traps.
    BothRefused,
    /// wasmi panicked inside its own code (a bug of the reference, at this location):
    /// nothing but our run's success was checked (see [`super::check`]).
    WasmiPanicked(String),
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skip::BothExhausted(ours, theirs) if ours == theirs => {
                write!(f, "both engines out of {}", resource(*ours))
            }
            Skip::BothExhausted(ours, theirs) => write!(
                f,
                "wasmcade out of {}, wasmi out of {}",
                resource(*ours),
                resource(*theirs)
            ),
            Skip::BothRefused => f.write_str("both engines refused to instantiate"),
            Skip::WasmiPanicked(location) => write!(f, "wasmi panicked at {location}"),
        }
    }
}

fn resource(resource: Resource) -> &'static str {
    match resource {
        Resource::Fuel => "fuel",
        Resource::Stack => "stack",
    }
}

/// Compares `ours` against `theirs` (wasmi); `Err` is a readable report.
pub fn compare(ours: &Trace, theirs: &Trace) -> Result<Comparison, String> {
    // What each decoder read (when both decoded the module; if only one did, the
    // instantiation step differs below).
    if let (Some(a), Some(b)) = (&ours.exports, &theirs.exports) {
        compare_named("export", a, b, |a, b| {
            format!("wasmcade {a:?}, wasmi {b:?}")
        })?;
    }
    let mut result = Comparison::default();
    let steps = std::iter::once((None, &ours.instantiation, &theirs.instantiation)).chain(
        ours.calls
            .iter()
            .zip(&theirs.calls)
            .enumerate()
            .map(|(i, (a, b))| (Some(i), a, b)),
    );
    for (call, a, b) in steps {
        let skip = match (a, b) {
            (Outcome::Exhausted(x), Outcome::Exhausted(y)) => Some(Skip::BothExhausted(*x, *y)),
            (Outcome::Failed(_), Outcome::Failed(_)) if call.is_none() => Some(Skip::BothRefused),
            _ => None,
        };
        if skip.is_some() {
            result.skipped = skip;
            return Ok(result);
        }
        if a != b {
            let step = call.map_or("instantiation".to_string(), |i| format!("call #{i}"));
            return Err(format!("{step}:\n  wasmcade: {a}\n  wasmi:    {b}"));
        }
        if let Outcome::Trapped(class) = a {
            result.traps.push(*class);
        }
        if call.is_some() {
            result.calls += 1;
            result.returned += usize::from(matches!(a, Outcome::Returned(_)));
        }
    }
    if ours.calls.len() != theirs.calls.len() {
        return Err(format!(
            "different number of calls: wasmcade made {}, wasmi {}",
            ours.calls.len(),
            theirs.calls.len()
        ));
    }
    compare_named("memory", &ours.memories, &theirs.memories, |a, b| {
        memory_diff(a, b)
    })?;
    compare_named("table", &ours.tables, &theirs.tables, |a, b| {
        table_diff(a, b)
    })?;
    compare_named("global", &ours.globals, &theirs.globals, |a, b| {
        format!("wasmcade {a}, wasmi {b}")
    })?;
    Ok(result)
}

/// Compares two lists of named things (in the same order when they agree) and
/// describes the first difference: a missing or extra name, or different values
/// (`describe`).
fn compare_named<T: PartialEq>(
    what: &str,
    ours: &[(String, T)],
    theirs: &[(String, T)],
    describe: impl Fn(&T, &T) -> String,
) -> Result<(), String> {
    let names = |list: &[(String, T)]| list.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    if names(ours) != names(theirs) {
        return Err(format!(
            "{what}s differ:\n  wasmcade: {:?}\n  wasmi:    {:?}",
            names(ours),
            names(theirs)
        ));
    }
    match ours.iter().zip(theirs).find(|((_, a), (_, b))| a != b) {
        Some(((name, a), (_, b))) => Err(format!("{what} `{name}`: {}", describe(a, b))),
        None => Ok(()),
    }
}

fn memory_diff(a: &[u8], b: &[u8]) -> String {
    if a.len() != b.len() {
        return format!("size: wasmcade {} bytes, wasmi {} bytes", a.len(), b.len());
    }
    let at = a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(0);
    let window = |m: &[u8]| format!("{:02x?}", &m[at..(at + 16).min(m.len())]);
    let count = a.iter().zip(b).filter(|(x, y)| x != y).count();
    format!(
        "{count} byte(s) differ, first at {at:#x}:\n  wasmcade: {}\n  wasmi:    {}",
        window(a),
        window(b)
    )
}

fn table_diff(a: &[Element], b: &[Element]) -> String {
    if a.len() != b.len() {
        return format!("size: wasmcade {}, wasmi {}", a.len(), b.len());
    }
    let at = a.iter().zip(b).position(|(x, y)| x != y).unwrap_or(0);
    format!("element {at}: wasmcade {:?}, wasmi {:?}", a[at], b[at])
}

#[cfg(test)]
mod tests {
    use super::super::trace::{ExportType, Sig, Ty, Val};
    use super::*;

    fn trace(calls: Vec<Outcome>) -> Trace {
        let sig = Sig {
            params: vec![],
            results: vec![Ty::I32],
        };
        let mut trace = Trace::new(vec![("f".to_string(), ExportType::Func(sig))]);
        trace.calls = calls;
        trace
    }

    fn returned(v: i32) -> Outcome {
        Outcome::Returned(vec![Val::I32(v)])
    }

    #[test]
    fn only_one_engine_running_out_is_a_divergence() {
        let exhausted = trace(vec![returned(1), Outcome::Exhausted(Resource::Fuel)]);
        let finished = trace(vec![returned(1), returned(2)]);
        assert!(compare(&exhausted, &finished).is_err());
        assert!(compare(&finished, &exhausted).is_err());
        let skipped = compare(&exhausted, &exhausted).unwrap();
        assert_eq!(skipped.calls, 1);
        assert_eq!(
            skipped.skipped,
            Some(Skip::BothExhausted(Resource::Fuel, Resource::Fuel))
        );
    }

    #[test]
    fn traps_compare_by_kind() {
        let unreachable = trace(vec![Outcome::Trapped(TrapClass::Unreachable)]);
        let out_of_bounds = trace(vec![Outcome::Trapped(TrapClass::MemoryOutOfBounds)]);
        assert!(compare(&unreachable, &out_of_bounds).is_err());
        let same = compare(&unreachable, &unreachable).unwrap();
        assert_eq!(same.traps, [TrapClass::Unreachable]);
        assert_eq!(same.skipped, None);
    }

    #[test]
    fn export_lists_compare_by_name_and_type() {
        let ours = trace(vec![returned(1)]);
        let mut missing = trace(vec![returned(1)]);
        missing.exports = Some(Vec::new());
        assert!(compare(&ours, &missing)
            .unwrap_err()
            .starts_with("exports differ"));
        let mut retyped = trace(vec![returned(1)]);
        retyped.exports = Some(vec![(
            "f".to_string(),
            ExportType::Global {
                content: Ty::I32,
                mutable: false,
            },
        )]);
        assert!(compare(&ours, &retyped)
            .unwrap_err()
            .starts_with("export `f`"));
    }

    #[test]
    fn final_tables_compare_element_by_element() {
        let mut ours = trace(vec![]);
        ours.tables = vec![("t".to_string(), vec![Element::Null, Element::Null])];
        let mut theirs = trace(vec![]);
        theirs.tables = vec![("t".to_string(), vec![Element::Null, Element::Extern])];
        assert_eq!(
            compare(&ours, &theirs).unwrap_err(),
            "table `t`: element 1: wasmcade Null, wasmi Extern"
        );
    }
}
