//! Every SIMD operator (each row of `isa::simd`'s tables), and each fused SIMD op, run in a
//! loop of 100,000 iterations on a thread with a 256 KiB native stack, with and without
//! fuel metering. The threaded executor's handlers must each end in a jump to the next
//! op's handler: one whose semantics the compiler leaves out of line (vectors passed
//! through its stack frame) calls the next handler instead, growing the native stack by a
//! frame an op, and a long enough loop of that operator overflows it, which aborts the
//! process. (So a failure here is an abort; `cargo test --release --lib simd_loops --
//! --nocapture` names the operator it was running.) The loop executor, which debug builds
//! run, never recursed.

use crate::interp::{Linker, Module, Store, Value};

/// Iterations of each loop: at least 8 bytes of native stack each for a handler that
/// calls the next, 800 KB, past the thread's 256 KiB.
const ITERATIONS: i32 = 100_000;

/// The wasm names of a table's operators.
macro_rules! names {
    ($enum:ident: $($variant:ident $name:literal $($bytes:literal)? $f:ident,)*) => {
        &[$($name),*]
    };
}

/// The scalar local, and a constant of its type, that a `v128` operator of this shape
/// (`i8x16.splat`, `f64x2.extract_lane`, ...) takes or gives.
fn scalar_of(name: &str) -> (&'static str, &'static str) {
    match &name[..5] {
        "i64x2" => ("$long", "(i64.const 3)"),
        "f32x4" => ("$single", "(f32.const 1.5)"),
        "f64x2" => ("$double", "(f64.const 1.5)"),
        _ => ("$int", "(i32.const 3)"),
    }
}

/// The loop body exercising each operator of every table, and the fused ops.
fn bodies() -> Vec<String> {
    let mut bodies = Vec::new();
    let mut shape = |names: &[&str], body: &dyn Fn(&str) -> String| {
        bodies.extend(names.iter().map(|name| body(name)));
    };
    shape(for_each_v128_unary!(names), &|op| {
        format!("(local.set $v ({op} (local.get $v)))")
    });
    shape(for_each_v128_binary!(names), &|op| {
        format!("(local.set $v ({op} (local.get $v) (local.get $w)))")
    });
    shape(for_each_v128_ternary!(names), &|op| {
        format!("(local.set $v ({op} (local.get $v) (local.get $w) (local.get $v)))")
    });
    shape(for_each_v128_test!(names), &|op| {
        format!("(local.set $int ({op} (local.get $v)))")
    });
    shape(for_each_v128_shift!(names), &|op| {
        format!("(local.set $v ({op} (local.get $v) (local.get $int)))")
    });
    shape(for_each_v128_splat!(names), &|op| {
        let (_, scalar) = scalar_of(op);
        format!("(local.set $v ({op} {scalar}))")
    });
    shape(for_each_v128_extract!(names), &|op| {
        let (local, _) = scalar_of(op);
        format!("(local.set {local} ({op} 1 (local.get $v)))")
    });
    shape(for_each_v128_replace!(names), &|op| {
        let (_, scalar) = scalar_of(op);
        format!("(local.set $v ({op} 1 (local.get $v) {scalar}))")
    });
    shape(for_each_v128_load!(names), &|op| {
        format!("(local.set $v ({op} (i32.const 16)))")
    });
    macro_rules! lane_access {
        ($enum:ident: $($load:ident $store:ident $load_name:literal $store_name:literal $bytes:literal,)*) => {
            [$(
                format!("(local.set $v ({} 1 (i32.const 16) (local.get $v)))", $load_name),
                format!("({} 1 (i32.const 16) (local.get $v))", $store_name),
            )*]
        };
    }
    bodies.extend(for_each_v128_lane_access!(lane_access));
    bodies.extend(
        [
            "(v128.store (i32.const 16) (local.get $v))",
            "(local.set $v (i8x16.shuffle 1 0 3 2 5 4 7 6 9 8 11 10 13 12 15 14 (local.get $v) (local.get $w)))",
            "(local.set $v (select (local.get $v) (local.get $w) (local.get $int)))",
            "(local.set $v (v128.const i32x4 1 2 3 4))",
            "(global.set $g (local.get $v)) (local.set $w (global.get $g))",
            "(local.set $v (f32x4.add (f32x4.mul (local.get $v) (local.get $w)) (local.get $w)))",
            "(local.set $v (f64x2.add (f64x2.mul (local.get $v) (local.get $w)) (local.get $w)))",
        ]
        .map(String::from),
    );
    bodies
}

#[test]
fn every_simd_op_runs_long_loops_on_a_small_native_stack() {
    let bodies = bodies();
    let functions: String = bodies
        .iter()
        .enumerate()
        .map(|(index, body)| {
            format!(
                r#"(func (export "op{index}") (param $n i32)
                    (local $v v128) (local $w v128)
                    (local $int i32) (local $long i64) (local $single f32) (local $double f64)
                    (local.set $w (v128.const i32x4 7 -1 3 1065353216))
                    (loop $again
                      {body}
                      (br_if $again (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))"#
            )
        })
        .collect();
    let text =
        format!("(module (memory 1) (global $g (mut v128) (v128.const i64x2 0 0)) {functions})");
    let module = Module::new(&wat::parse_str(text).expect("the loops parse")).expect("they load");
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || {
            // Plain, then metered (the handlers charging fuel are others).
            for fuel in [None, Some(u64::MAX)] {
                let mut store = Store::new(());
                store.limits_mut().fuel = fuel;
                let instance = Linker::new().instantiate(&mut store, &module).unwrap();
                for (index, body) in bodies.iter().enumerate() {
                    eprintln!("{body} (fuel: {fuel:?})");
                    let export = format!("op{index}");
                    let result = instance.call(&mut store, &export, &[Value::I32(ITERATIONS)]);
                    assert_eq!(result.unwrap(), [], "{body} (fuel: {fuel:?})");
                }
            }
        })
        .unwrap()
        .join()
        .expect("every loop ran on the small stack");
}
