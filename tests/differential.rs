//! Differential test: wasm-smith modules run in wasmcade and in wasmi must agree on
//! instantiation, every exported function's results or trap kind, and the final
//! contents of exported memories and globals (comparison rules: `diff/`).
//!
//! Deterministic: case `i` uses seed `WASMCADE_DIFF_SEED_BASE + i` (base 0). The default
//! run checks 10,000 modules in release builds (~5 s) and 2,000 in debug builds (~25 s;
//! unoptimized wasmi and wasm-smith are ~5x slower). `WASMCADE_DIFF_MODULES=N` checks
//! N modules; `WASMCADE_DIFF_SEED=S` reruns one seed. A divergence fails with its seed
//! and a readable diff. Seeds on which wasmi itself panics are listed in the summary.

mod diff;

use std::collections::BTreeMap;

fn env_u64(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    Some(
        text.parse()
            .unwrap_or_else(|_| panic!("{name}={text} is not a number")),
    )
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
    let (mut modules, mut calls, mut skipped, mut rejected) = (0, 0, 0, 0);
    let mut wasmi_panics = Vec::new();
    let mut traps: BTreeMap<diff::TrapClass, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for seed in seeds {
        let Ok(wasm) = diff::generate_from_seed(seed) else {
            continue;
        };
        modules += 1;
        match diff::check(&wasm) {
            Ok(result) => {
                calls += result.calls;
                skipped += usize::from(result.skipped);
                rejected += usize::from(result.rejected);
                if result.reference_panicked {
                    wasmi_panics.push(seed);
                }
                for class in result.traps {
                    *traps.entry(class).or_default() += 1;
                }
            }
            Err(report) => failures.push(format!(
                "seed {seed} (rerun: WASMCADE_DIFF_SEED={seed}):\n{report}"
            )),
        }
    }
    println!(
        "differential: {modules} modules, {calls} calls compared, traps {traps:?}, \
         {skipped} skipped (engine fuel or stack), {rejected} rejected by both, \
         wasmi panicked on seeds {wasmi_panics:?}"
    );
    assert!(
        failures.is_empty(),
        "{} divergence(s) from wasmi:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
