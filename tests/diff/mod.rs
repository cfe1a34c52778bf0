//! Differential testing of wasmcade against wasmi, shared by `tests/differential.rs` and
//! the `differential` fuzz target (`fuzz/`), so both compare exactly the same way.
//!
//! A case is one module: [`generate`] builds it with wasm-smith (WebAssembly 2.0; in a
//! quarter of the cases with fixed-width SIMD, in another quarter with the 3.0 proposals
//! both engines run: [`Share`]; no imports, everything exported, and wasm-smith's own
//! fuel counter so every run terminates identically in any engine); [`check`] runs it in both engines (`ours`,
//! `reference`) into engine-neutral [`Trace`]s and compares them (`compare`): the export
//! lists each decoder read, instantiation, every exported function's results or trap
//! kind, and the final exported memories, tables and globals.

mod compare;
mod ours;
mod panics;
mod plan;
mod reference;
mod trace;

pub use compare::{compare, Comparison, Skip};
pub use trace::TrapClass;

use arbitrary::Unstructured;

/// Memory cap of both engines, in pages: `memory.grow` may fail at any size by the spec,
/// so both engines must refuse at the same one.
pub const MEMORY_PAGES: u32 = 64;
/// Table cap of both engines, in elements (same reason).
pub const TABLE_ELEMENTS: u32 = 1_000;
/// Each engine's own fuel per call: only a safety net, since wasm-smith's counter stops
/// runaway code first. A case where only one engine runs out of it (or of stack) is a
/// divergence; where both do at the same step, the rest is skipped.
pub const ENGINE_FUEL: u64 = 2_000_000;
/// wasm-smith's fuel counter: loop iterations and calls per instance before it traps
/// with `unreachable`. Also bounds recursion depth, far below both engines' limits.
const SMITH_FUEL: u32 = 1_000;

/// The feature sets the seeds are shared among, one seed in eight each but for 2.0's
/// three: WebAssembly 2.0; 2.0 with fixed-width SIMD; and 2.0 with each group of the
/// 3.0 proposals both engines run: tail calls (with wide arithmetic), extended constant
/// expressions, multi-memory, memory64. Relaxed SIMD never: engines may choose its
/// results differently. The memory64 share has no tables, since wasm-smith makes 64-bit
/// tables with 64-bit memories and wasmcade does not run table64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Share {
    Wasm2,
    Simd,
    TailCalls,
    ExtendedConst,
    MultiMemory,
    Memory64,
}

impl Share {
    pub const ALL: [Share; 6] = [
        Share::Wasm2,
        Share::Simd,
        Share::TailCalls,
        Share::ExtendedConst,
        Share::MultiMemory,
        Share::Memory64,
    ];

    /// The share of the seeded case `seed`.
    pub fn of_seed(seed: u64) -> Share {
        match seed % 8 {
            3 => Share::Simd,
            4 => Share::TailCalls,
            5 => Share::ExtendedConst,
            6 => Share::MultiMemory,
            7 => Share::Memory64,
            _ => Share::Wasm2,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Share::Wasm2 => "2.0",
            Share::Simd => "SIMD",
            Share::TailCalls => "tail-call and wide-arithmetic",
            Share::ExtendedConst => "extended-const",
            Share::MultiMemory => "multi-memory",
            Share::Memory64 => "memory64",
        }
    }
}

/// The wasm-smith configuration for what our core supports, in `share`'s feature set.
pub fn smith_config(share: Share) -> wasm_smith::Config {
    let tail_calls = share == Share::TailCalls;
    let memory64 = share == Share::Memory64;
    wasm_smith::Config {
        max_imports: 0,
        export_everything: true,
        // Random bytes end wasm-smith's item loops on each coin flip, which gives mostly
        // function-less modules; insist on a few.
        min_types: 1,
        min_funcs: 3,
        max_funcs: 30,
        simd_enabled: share == Share::Simd,
        relaxed_simd_enabled: false,
        threads_enabled: false,
        shared_everything_threads_enabled: false,
        memory64_enabled: memory64,
        tail_call_enabled: tail_calls,
        exceptions_enabled: false,
        gc_enabled: false,
        custom_page_sizes_enabled: false,
        wide_arithmetic_enabled: tail_calls,
        extended_const_enabled: share == Share::ExtendedConst,
        compact_imports_enabled: false,
        max_memories: if share == Share::MultiMemory { 4 } else { 1 },
        max_tables: if memory64 { 0 } else { 4 },
        max_memory32_bytes: MEMORY_PAGES as u64 * 65_536,
        max_memory64_bytes: MEMORY_PAGES as u128 * 65_536,
        max_table_elements: TABLE_ELEMENTS as u64,
        // NaN payloads of arithmetic results are nondeterministic by the spec and can
        // reach memory through stores and reinterpretations; canonicalizing them makes
        // every bit comparable.
        canonicalize_nans: true,
        ..wasm_smith::Config::default()
    }
}

/// A terminating module from wasm-smith's view of `u` (in the shares of the seeded test):
/// the `differential` fuzz target's cases.
#[allow(dead_code)] // (The seeded test generates through `generate_from_seed`.)
pub fn generate(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    let share = Share::of_seed(u.int_in_range(0..=3)?);
    generate_with(u, share)
}

fn generate_with(u: &mut Unstructured<'_>, share: Share) -> arbitrary::Result<Vec<u8>> {
    let mut module = wasm_smith::Module::new(smith_config(share), u)?;
    module
        .ensure_termination(SMITH_FUEL)
        .map_err(|_| arbitrary::Error::IncorrectFormat)?;
    Ok(module.to_bytes())
}

/// A module from a seed: the same seed gives the same module on every machine.
pub fn generate_from_seed(seed: u64) -> arbitrary::Result<Vec<u8>> {
    let mut rng = SplitMix(seed);
    let len = 1_024 + (rng.next() % 32_768) as usize;
    let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
    generate_with(&mut Unstructured::new(&bytes), Share::of_seed(seed))
}

/// Runs `wasm` in both engines and compares everything observable, or describes the
/// first divergence. A panic in our interpreter or in either engine's harness is a
/// divergence; a panic inside wasmi's own code cannot be compared and comes back as
/// [`Skip::WasmiPanicked`] (our run must still have loaded the module and made its
/// calls without failing).
pub fn check(wasm: &[u8]) -> Result<Comparison, String> {
    let (plan, ours) = panics::catch(|| {
        let plan = plan::Plan::new(wasm);
        let ours = ours::run(wasm, &plan);
        (plan, ours)
    })
    .map_err(|panic| format!("wasmcade's run {panic}"))?;
    match panics::catch(|| reference::run(wasm, &plan)) {
        Ok(theirs) => compare(&ours, &theirs),
        Err(panic) => match panic.in_wasmi() {
            Some(location) => {
                let mut steps = std::iter::once(&ours.instantiation).chain(&ours.calls);
                if let Some(failed) = steps.find(|o| matches!(o, trace::Outcome::Failed(_))) {
                    return Err(format!("wasmi {panic}, and wasmcade {failed}"));
                }
                Ok(Comparison {
                    skipped: Some(Skip::WasmiPanicked(location.to_string())),
                    ..Comparison::default()
                })
            }
            None => Err(format!("the wasmi harness {panic}")),
        },
    }
}

/// The SplitMix64 generator: tiny, deterministic, good enough for test inputs.
pub(crate) struct SplitMix(pub u64);

impl SplitMix {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}
