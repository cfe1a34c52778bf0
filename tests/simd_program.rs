//! A real compiled SIMD program against native code: `bench/programs/particles`, Rust
//! built with `core::arch::wasm32`'s 128-bit intrinsics (f32x4 particles and matrices,
//! f64x2 springs, i8x16 byte fading), runs in wasmcade (committed `program.wasm`, with
//! and without fuel) and natively (the crate linked as a library, lane by lane): the
//! checksums of every value's bits must agree after each number of frames.

use wasmcade::interp::isa::Op;
use wasmcade::interp::{Linker, Module, Store, Value};

const WASM: &[u8] = include_bytes!("../bench/programs/particles/program.wasm");

fn run_in_wasmcade(frames: u32, fuel: Option<u64>) -> u64 {
    let module = Module::new(WASM).unwrap();
    let mut store = Store::new(());
    store.limits_mut().fuel = fuel;
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    match instance
        .call(&mut store, "run", &[Value::I32(frames as i32)])
        .unwrap()[..]
    {
        [Value::I64(sum)] => sum as u64,
        ref other => panic!("{other:?}"),
    }
}

#[test]
fn the_compiled_simd_program_matches_native_code() {
    for frames in [0, 1, 7, 60, 400] {
        let native = particles::run(frames);
        assert_eq!(run_in_wasmcade(frames, None), native, "{frames} frames");
        assert_eq!(
            run_in_wasmcade(frames, Some(u64::MAX / 2)),
            native,
            "{frames} frames, metered"
        );
    }
}

#[test]
fn the_program_really_runs_vector_ops() {
    let module = Module::new(WASM).unwrap();
    let mut vector_ops = 0;
    for index in module.imported_func_count() as u32..module.func_count() as u32 {
        let ops = module.compiled(index).unwrap();
        vector_ops += ops
            .iter()
            .filter(|op| {
                !op.op.vector_slots().is_empty() || matches!(op.op, Op::V128Shuffle { .. })
            })
            .count();
    }
    assert!(vector_ops >= 20, "only {vector_ops} vector ops");
}
