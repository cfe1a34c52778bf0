//! Compares two engines' [`Trace`]s of one case and describes the first divergence.

use super::trace::{Outcome, Trace, TrapClass};

/// What a successful comparison covered.
#[derive(Debug, Default)]
pub struct Comparison {
    /// Calls whose outcomes matched.
    pub calls: usize,
    /// Trap kinds seen (in instantiation and calls), one entry per trap.
    pub traps: Vec<TrapClass>,
    /// Either engine ran out of its own fuel or stack: the rest was not compared.
    pub skipped: bool,
    /// wasmi panicked on the module: nothing was compared (see [`super::check`]).
    pub reference_panicked: bool,
    /// Both engines rejected the module or its instantiation for a non-trap reason.
    pub rejected: bool,
}

/// Compares `ours` against `theirs` (wasmi); `Err` is a readable report.
pub fn compare(ours: &Trace, theirs: &Trace) -> Result<Comparison, String> {
    let mut result = Comparison::default();
    let steps = std::iter::once((
        "instantiation".to_string(),
        &ours.instantiation,
        &theirs.instantiation,
    ))
    .chain(
        ours.calls
            .iter()
            .zip(&theirs.calls)
            .enumerate()
            .map(|(i, (a, b))| (format!("call #{i}"), a, b)),
    );
    for (step, a, b) in steps {
        if matches!(a, Outcome::Exhausted(_)) || matches!(b, Outcome::Exhausted(_)) {
            result.skipped = true;
            return Ok(result);
        }
        let same = match (a, b) {
            (Outcome::Failed(_), Outcome::Failed(_)) => {
                result.rejected = true;
                true
            }
            _ => a == b,
        };
        if !same {
            return Err(format!("{step}:\n  wasmcade: {a}\n  wasmi:    {b}"));
        }
        if let Outcome::Trapped(class) = a {
            result.traps.push(*class);
        }
        if step != "instantiation" {
            result.calls += 1;
        }
    }
    if ours.calls.len() != theirs.calls.len() {
        return Err(format!(
            "different number of calls: wasmcade made {}, wasmi {}",
            ours.calls.len(),
            theirs.calls.len()
        ));
    }
    compare_memories(ours, theirs)?;
    if ours.globals != theirs.globals {
        let diff: Vec<String> = ours
            .globals
            .iter()
            .zip(&theirs.globals)
            .filter(|(a, b)| a != b)
            .map(|((name, a), (_, b))| format!("  global `{name}`: wasmcade {a}, wasmi {b}"))
            .collect();
        return Err(format!("final globals differ:\n{}", diff.join("\n")));
    }
    Ok(result)
}

fn compare_memories(ours: &Trace, theirs: &Trace) -> Result<(), String> {
    let names = |t: &Trace| {
        t.memories
            .iter()
            .map(|(n, _)| n.clone())
            .collect::<Vec<_>>()
    };
    if names(ours) != names(theirs) {
        return Err(format!(
            "exported memories differ: wasmcade {:?}, wasmi {:?}",
            names(ours),
            names(theirs)
        ));
    }
    for ((name, a), (_, b)) in ours.memories.iter().zip(&theirs.memories) {
        if a.len() != b.len() {
            return Err(format!(
                "memory `{name}` size: wasmcade {} bytes, wasmi {} bytes",
                a.len(),
                b.len()
            ));
        }
        if let Some(at) = a.iter().zip(b).position(|(x, y)| x != y) {
            let window = |m: &[u8]| format!("{:02x?}", &m[at..(at + 16).min(m.len())]);
            let count = a.iter().zip(b).filter(|(x, y)| x != y).count();
            return Err(format!(
                "memory `{name}`: {count} byte(s) differ, first at {at:#x}:\n  wasmcade: {}\n  wasmi:    {}",
                window(a),
                window(b)
            ));
        }
    }
    Ok(())
}
