//! Differential test: wasm-smith modules run in wasmcade and in wasmi must agree on the
//! export list each decoder reads, instantiation, every exported function's results or
//! trap kind, and the final contents of exported memories, tables and globals
//! (comparison rules: `diff/`).
//!
//! Deterministic: case `i` uses seed `WASMCADE_DIFF_SEED_BASE + i` (base 0). The default
//! run checks 10,000 seeds in release builds and 2,000 in debug builds (unoptimized wasmi
//! and wasm-smith are ~5x slower); one seed in eight each is generated with fixed-width
//! SIMD, with tail calls (and wide arithmetic), with extended constant expressions, with
//! multi-memory and with memory64, the rest plain 2.0 (`diff::Share`). `WASMCADE_DIFF_MODULES=N` checks N seeds;
//! `WASMCADE_DIFF_SEED=S` reruns one. A divergence fails with its seed and a readable
//! diff; so does a panic anywhere but inside wasmi's own code. The closing line counts
//! seeds (and how many of each share ran), seeds that generated no module, modules
//! compared in full (by share), calls compared, and modules skipped (in part or whole)
//! with the reason and seeds.

mod diff;

use std::collections::BTreeMap;
use std::fmt;

/// Modules on which wasmi 2.0.0 may panic inside its own code before the test fails:
/// 1 per 2,000 compared, at least 2. The one known bug (an `unreachable!()` in its
/// translation of stores, `translator/func/mod.rs`) hits 1 of the default 10,000
/// seeds; five times that rate means something else is going on (a new bug, or a
/// generator change feeding wasmi what it cannot handle), which someone should look at,
/// since those modules compare nothing.
fn wasmi_panics_allowed(modules: usize) -> usize {
    (modules / 2_000).max(2)
}

fn env_u64(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    Some(
        text.parse()
            .unwrap_or_else(|_| panic!("{name}={text} is not a number")),
    )
}

/// What the run covered.
#[derive(Default)]
struct Summary {
    seeds: usize,
    /// The seeds run, by their share of the features (`diff::Share`).
    seeds_by_share: BTreeMap<diff::Share, usize>,
    /// Seeds from which wasm-smith made no module, by its reason.
    ungenerated: BTreeMap<String, usize>,
    /// Modules compared in full.
    compared: usize,
    /// Of those, by the seeds' share of the features (`diff::Share`).
    compared_by_share: BTreeMap<diff::Share, usize>,
    calls: usize,
    returned: usize,
    traps: BTreeMap<diff::TrapClass, usize>,
    /// Modules compared in part or not at all, by reason, with their seeds.
    skipped: BTreeMap<diff::Skip, Vec<u64>>,
    failures: Vec<String>,
}

impl Summary {
    fn wasmi_panics(&self) -> usize {
        self.skipped
            .iter()
            .filter(|(skip, _)| matches!(skip, diff::Skip::WasmiPanicked(_)))
            .map(|(_, seeds)| seeds.len())
            .sum()
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ungenerated: usize = self.ungenerated.values().sum();
        let shares: Vec<String> = self
            .seeds_by_share
            .iter()
            .map(|(share, count)| format!("{count} {}", share.name()))
            .collect();
        write!(
            f,
            "differential: {} seeds ({}), {ungenerated} generated no module",
            self.seeds,
            shares.join(", ")
        )?;
        for (why, count) in &self.ungenerated {
            write!(f, " ({count}: {why})")?;
        }
        let skipped: usize = self.skipped.values().map(Vec::len).sum();
        let by_share: Vec<String> = self
            .compared_by_share
            .iter()
            .map(|(share, count)| format!("{count} {}", share.name()))
            .collect();
        write!(
            f,
            "; {} modules: {} compared in full ({}), {skipped} skipped",
            self.seeds - ungenerated,
            self.compared,
            by_share.join(", ")
        )?;
        for (why, seeds) in &self.skipped {
            let shown: Vec<String> = seeds.iter().take(10).map(u64::to_string).collect();
            let more = if seeds.len() > 10 { ", ..." } else { "" };
            write!(
                f,
                " ({} {why}: seeds {}{more})",
                seeds.len(),
                shown.join(", ")
            )?;
        }
        write!(
            f,
            ", {} failed; {} calls compared ({} returned, {} trapped); \
             traps by kind in instantiation and calls: {:?}",
            self.failures.len(),
            self.calls,
            self.returned,
            self.calls - self.returned,
            self.traps
        )
    }
}

#[test]
fn wasmcade_agrees_with_wasmi() {
    let seeds: Vec<u64> = match env_u64("WASMCADE_DIFF_SEED") {
        Some(seed) => vec![seed],
        None => {
            let default = if cfg!(debug_assertions) {
                2_000
            } else {
                10_000
            };
            let count = env_u64("WASMCADE_DIFF_MODULES").unwrap_or(default);
            let base = env_u64("WASMCADE_DIFF_SEED_BASE").unwrap_or(0);
            (base..base + count).collect()
        }
    };
    let mut summary = Summary {
        seeds: seeds.len(),
        ..Summary::default()
    };
    for seed in seeds {
        *summary
            .seeds_by_share
            .entry(diff::Share::of_seed(seed))
            .or_default() += 1;
        let wasm = match diff::generate_from_seed(seed) {
            Ok(wasm) => wasm,
            Err(why) => {
                *summary.ungenerated.entry(why.to_string()).or_default() += 1;
                continue;
            }
        };
        match diff::check(&wasm) {
            Ok(result) => {
                summary.calls += result.calls;
                summary.returned += result.returned;
                for class in result.traps {
                    *summary.traps.entry(class).or_default() += 1;
                }
                match result.skipped {
                    Some(why) => summary.skipped.entry(why).or_default().push(seed),
                    None => {
                        summary.compared += 1;
                        let share = diff::Share::of_seed(seed);
                        *summary.compared_by_share.entry(share).or_default() += 1;
                    }
                }
            }
            Err(report) => summary.failures.push(format!(
                "seed {seed} (rerun: WASMCADE_DIFF_SEED={seed}):\n{report}"
            )),
        }
    }
    println!("{summary}");
    assert!(
        summary.failures.is_empty(),
        "{} divergence(s) from wasmi:\n\n{}",
        summary.failures.len(),
        summary.failures.join("\n\n")
    );
    // Each share of the seeds must reach the comparison: most of its seeds generate a
    // module compared in full.
    for share in diff::Share::ALL {
        let compared = summary.compared_by_share.get(&share).copied().unwrap_or(0);
        let seeds = summary.seeds_by_share.get(&share).copied().unwrap_or(0);
        assert!(
            summary.seeds < 100 || compared * 2 >= seeds,
            "only {compared} {} modules compared in full of its {seeds} seeds",
            share.name(),
        );
    }
    let modules = summary.seeds - summary.ungenerated.values().sum::<usize>();
    assert!(
        summary.wasmi_panics() <= wasmi_panics_allowed(modules),
        "wasmi panicked on {} modules, more than the {} allowed for {modules}",
        summary.wasmi_panics(),
        wasmi_panics_allowed(modules)
    );
}
