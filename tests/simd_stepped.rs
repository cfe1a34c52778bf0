//! The stepper runs SIMD as normal execution does: a small module with every shape of
//! vector instruction (constants, lanes, shuffles, shifts, tests, loads and stores of
//! whole vectors and of lanes, `v128` locals, globals and `select`) and the compiled
//! particles program (`bench/programs/particles`, Rust with 128-bit intrinsics) give the
//! same results stepped as run, and the same memory; a vector on the stepper's stack
//! shows as lanes.

use wasmcade::interp::{run_watched, Instruction, Linker, Module, Stepper, Store, Value, Watcher};

const VECTORS: &str = r#"
(module
  (memory 1)
  (global $g (mut v128) (v128.const i32x4 1 2 3 4))
  (data (i32.const 32) "\00\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f")

  (func (export "mix") (param $x i32) (param $f f32) (result i64)
    (local $v v128)
    (local.set $v (i32x4.add (v128.load (i32.const 32)) (i32x4.splat (local.get $x))))
    (global.set $g (f32x4.mul (f32x4.splat (local.get $f)) (f32x4.convert_i32x4_s (local.get $v))))
    (v128.store offset=64 (i32.const 0) (i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31
      (local.get $v) (global.get $g)))
    (v128.store32_lane 1 (i32.const 100) (local.get $v))
    (local.set $v (v128.load16_lane 3 (i32.const 34) (local.get $v)))
    (i64.add
      (i64x2.extract_lane 1 (i64x2.shl (local.get $v) (i32.const 3)))
      (i64.extend_i32_u (i32.add (i8x16.bitmask (i8x16.neg (local.get $v)))
        (i32.add (v128.any_true (global.get $g))
          (i32x4.extract_lane 2 (select (local.get $v) (global.get $g) (local.get $x))))))))

  (func (export "floats") (param $a f64) (result f64)
    (f64.add
      (f64x2.extract_lane 0 (f64x2.sqrt (f64x2.splat (local.get $a))))
      (f64.promote_f32 (f32x4.extract_lane 3 (global.get $g)))))

  (func (export "widen") (result i32)
    (i32x4.extract_lane 3 (i32x4.dot_i16x8_s
      (v128.load8x8_s (i32.const 36)) (v128.load32_splat (i32.const 40)))))

  (func (export "out_of_bounds") (result i32)
    (i8x16.extract_lane_u 0 (v128.load (i32.const 65530)))))
"#;

fn calls() -> Vec<(&'static str, Vec<Value>)> {
    vec![
        ("mix", vec![Value::I32(5), Value::F32(0.5)]),
        ("mix", vec![Value::I32(0), Value::F32(-3.25)]),
        ("floats", vec![Value::F64(2.0)]),
        ("widen", vec![]),
        ("out_of_bounds", vec![]),
    ]
}

#[test]
fn every_shape_of_vector_instruction_steps_as_it_runs() {
    let module = Module::new(&wat::parse_str(VECTORS).unwrap()).unwrap();
    let traps = stepping::steps_as_it_runs(&module, calls());
    assert_eq!(traps, 1, "the out-of-bounds load traps both ways");
}

/// Counts the instructions run, and keeps the stack after the first `i32x4.add`.
#[derive(Default)]
struct Seen {
    instructions: u64,
    vector_ops: u64,
    after_add: Option<String>,
    /// The top of the stack after the first `f32x4.mul`, by its lanes.
    after_mul: Option<String>,
}

impl Watcher for Seen {
    fn executed(&mut self, instruction: &Instruction, stepper: &Stepper) {
        self.instructions += 1;
        let word = instruction.text.split(' ').next().unwrap_or("");
        if ["v128", "i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2"]
            .iter()
            .any(|shape| word.starts_with(shape))
        {
            self.vector_ops += 1;
        }
        if word == "i32x4.add" && self.after_add.is_none() {
            let stack: Vec<String> = stepper.operands().iter().map(ToString::to_string).collect();
            self.after_add = Some(stack.join(", "));
        }
        if word == "f32x4.mul" && self.after_mul.is_none() {
            let top = stepper.operands().last().unwrap();
            self.after_mul = Some(top.shown_for(&instruction.text));
        }
    }
}

#[test]
fn a_vector_on_the_stack_shows_as_lanes() {
    let module = Module::new(&wat::parse_str(VECTORS).unwrap()).unwrap();
    let mut store = Store::new(());
    let instance = Linker::new().instantiate(&mut store, &module).unwrap();
    let mix = instance.get_func(&store, "mix").unwrap();
    let mut seen = Seen::default();
    run_watched(
        &mut store,
        mix,
        &[Value::I32(5), Value::F32(0.5)],
        &mut seen,
    )
    .unwrap();
    assert_eq!(
        seen.after_add.as_deref(),
        Some("v128 i32x4 50462981 117835017 185207053 252579089"),
    );
    // After an f32x4 operator, by its f32 lanes: 0.5 × the lanes above, as floats.
    let mul = seen.after_mul.unwrap();
    assert!(mul.starts_with("v128 f32x4 25231490"), "{mul}");
}

const PARTICLES: &[u8] = include_bytes!("../bench/programs/particles/program.wasm");

#[test]
fn the_compiled_simd_program_steps_to_the_same_checksums() {
    let module = Module::new(PARTICLES).unwrap();
    for frames in [0, 1, 3] {
        let mut normal = Store::new(());
        let instance = Linker::new().instantiate(&mut normal, &module).unwrap();
        let want = instance
            .call(&mut normal, "run", &[Value::I32(frames)])
            .unwrap();
        let mut stepped = Store::new(());
        let instance = Linker::new().instantiate(&mut stepped, &module).unwrap();
        let run = instance.get_func(&stepped, "run").unwrap();
        let mut seen = Seen::default();
        let got = run_watched(&mut stepped, run, &[Value::I32(frames)], &mut seen).unwrap();
        assert_eq!(want, got, "{frames} frames");
        if frames > 0 {
            assert!(
                seen.vector_ops > 100,
                "{frames} frames: {} vector instructions of {}",
                seen.vector_ops,
                seen.instructions
            );
        }
    }
}

mod stepping;
