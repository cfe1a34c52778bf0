//! The translator's fused and specialised instructions, each checked against Rust's own
//! semantics on edge values, and checked to be really emitted (by disassembly):
//! - branches: i32 and i64 compare-and-branch (as `br_if` and as `if`, register and
//!   immediate forms; i64 constants beyond 32 bits left unfused), `i32.eqz` and `i64.eqz`
//!   folded into branches, comparisons negated by `i32.eqz`, float compare-and-branch,
//!   loop-counter ops, inverted loop exits (at the head and before the back edge),
//!   `br_table` taking its selected branch itself, a copy or a `load32` merged into the
//!   branch after it, a loop's parameter passed back from a local copied by its branch
//!   (and stepped by it), a `br` to a short tail replaced by a copy of the tail;
//! - memory: loads addressed by the sum of two slots or of a slot and an immediate, or by
//!   a slot shifted by a constant (a scaled index), stores of constants, a counter in
//!   memory stepped in one op, a load and a store to the same address (a swap) in one op;
//! - arithmetic: 64-bit immediates, products by powers of two as shifts, differences
//!   with constants as sums, population counts (with the processor's own
//!   instruction where it has one), shifts by a constant fused into the add, xor or or
//!   that uses them, a bit field's shift and mask, a sum and its mask, a product and its
//!   sum (integer, float and vector), a `select` with a constant arm, and `i64.extend_i32_u`,
//!   which needs no op;
//! - runs and the register: copies, and slots stepped by constants or by a slot, in a row
//!   run as one op; operands (stores' values, loads' addresses, branches' conditions, comparisons'
//!   either operand, `global.set`'s and `select`'s condition, copies' sources, the value a
//!   copy read) taken from the op before (the threaded executor's cached result).
//!
//! The code is looked at as typed values (`Module::compiled`): each op's variant, its ISA
//! name (`Op::name`) and its forms.

mod common;

use std::fmt;

use wasmcade::interp::isa::{CompiledOp, Op};
use wasmcade::interp::{FuncType, Linker, Module, Store, ValType, Value};

/// A function's compiled ops (`Module::compiled`); shown as its disassembly when a check
/// fails.
struct Code(Vec<CompiledOp>);

impl Code {
    fn of(module: &Module, func: u32) -> Code {
        Code(module.compiled(func).unwrap())
    }

    /// Whether an op satisfies `check`.
    fn any(&self, check: impl Fn(&CompiledOp) -> bool) -> bool {
        self.0.iter().any(check)
    }

    /// How many ops satisfy `check`.
    fn count(&self, check: impl Fn(&CompiledOp) -> bool) -> usize {
        self.0.iter().filter(|op| check(op)).count()
    }

    /// The first op whose ISA name satisfies `check`.
    fn find(&self, check: impl Fn(&str) -> bool) -> Option<&CompiledOp> {
        self.0.iter().find(|op| check(op.op.name()))
    }

    /// Whether an op's ISA name satisfies `check`.
    fn any_named(&self, check: impl Fn(&str) -> bool) -> bool {
        self.find(check).is_some()
    }

    /// Whether an unconditional `br` is left (`backward`: one jumping back).
    fn has_br(&self, backward: bool) -> bool {
        self.any(|op| matches!(op.op, Op::Br { offset } if !backward || offset < 0))
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (at, op) in self.0.iter().enumerate() {
            writeln!(f, "{at:>5}  {op}")?;
        }
        Ok(())
    }
}

/// Rust's semantics of an integer comparison, on i64 bit patterns.
type Semantics = fn(i64, i64) -> bool;

/// (wasm name, semantics).
const COMPARISONS: [(&str, Semantics); 10] = [
    ("eq", |a, b| a == b),
    ("ne", |a, b| a != b),
    ("lt_s", |a, b| a < b),
    ("lt_u", |a, b| (a as u64) < (b as u64)),
    ("gt_s", |a, b| a > b),
    ("gt_u", |a, b| (a as u64) > (b as u64)),
    ("le_s", |a, b| a <= b),
    ("le_u", |a, b| (a as u64) <= (b as u64)),
    ("ge_s", |a, b| a >= b),
    ("ge_u", |a, b| (a as u64) >= (b as u64)),
];

/// The i32 comparisons: `COMPARISONS` on each operand widened as the i32 comparison reads
/// it (zero-extended for the unsigned ones, sign-extended for the others).
fn comparisons_i32() -> [(&'static str, impl Fn(i32, i32) -> bool + Copy); 10] {
    COMPARISONS.map(|(cmp, holds)| {
        let unsigned = cmp.ends_with("_u");
        let widen = move |x: i32| match unsigned {
            true => i64::from(x as u32),
            false => i64::from(x),
        };
        (cmp, move |a: i32, b: i32| holds(widen(a), widen(b)))
    })
}
const EDGES: [i32; 7] = [i32::MIN, -2, -1, 0, 1, 7, i32::MAX];

/// Four functions of `params` returning whether `condition` holds: `br_if{suffix}` and
/// `if{suffix}` branch on it, `br_unless{suffix}` and `if_not{suffix}` on its `i32.eqz`.
fn branches_on(condition: &str, params: &str, suffix: &str) -> String {
    format!(
        r#"(func (export "br_if{suffix}") (param {params}) (result i32)
            (block (br_if 0 {condition}) (return (i32.const 0)))
            (i32.const 1))
          (func (export "if{suffix}") (param {params}) (result i32)
            (if (result i32) {condition} (then (i32.const 1)) (else (i32.const 0))))
          (func (export "br_unless{suffix}") (param {params}) (result i32)
            (block (br_if 0 (i32.eqz {condition})) (return (i32.const 1)))
            (i32.const 0))
          (func (export "if_not{suffix}") (param {params}) (result i32)
            (if (result i32) (i32.eqz {condition}) (then (i32.const 0)) (else (i32.const 1))))"#
    )
}

/// The branch functions (`branches_on`) of comparison `cmp` of type `ty` on two
/// parameters, and (suffix `_const`) of the first with the constant `constant` (text).
fn comparison_module(ty: &str, cmp: &str, constant: &str) -> String {
    format!(
        "(module {} {})",
        branches_on(
            &format!("({ty}.{cmp} (local.get 0) (local.get 1))"),
            &format!("{ty} {ty}"),
            ""
        ),
        branches_on(
            &format!("({ty}.{cmp} (local.get 0) ({ty}.const {constant}))"),
            ty,
            "_const"
        ),
    )
}

/// The branch functions' names (`branches_on`), without suffix.
const BRANCH_FUNCS: [&str; 4] = ["br_if", "if", "br_unless", "if_not"];

/// The module in WebAssembly text `text`, translated.
fn compile(text: &str) -> Module {
    Module::new(&wat::parse_str(text).unwrap()).unwrap()
}

/// A fresh store with `module` instantiated in it.
fn instantiate(module: &Module) -> (Store<()>, wasmcade::interp::Instance) {
    let mut store = Store::new(());
    let instance = Linker::new().instantiate(&mut store, module).unwrap();
    (store, instance)
}

/// Writes `count` i16 words, the `i`th `word(i)`, from the start of the instance's
/// memory; the word at each byte address (even ones).
fn write_words(
    store: &mut Store<()>,
    instance: &wasmcade::interp::Instance,
    count: i16,
    word: impl Fn(i16) -> i16,
) -> impl Fn(usize) -> i32 {
    let words: Vec<i16> = (0..count).map(word).collect();
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    let memory = instance.default_memory(store).unwrap();
    memory.data_mut(store)[..bytes.len()].copy_from_slice(&bytes);
    move |at| words[at / 2] as i32
}

fn call(
    store: &mut Store<()>,
    instance: &wasmcade::interp::Instance,
    name: &str,
    args: &[i32],
) -> i32 {
    let args: Vec<Value> = args.iter().map(|&a| Value::I32(a)).collect();
    match instance.call(store, name, &args).unwrap()[..] {
        [Value::I32(result)] => result,
        ref other => panic!("{name}: {other:?}"),
    }
}

#[test]
fn fused_compare_and_branch_agrees_with_rust_on_edge_values() {
    for (cmp, holds) in comparisons_i32() {
        for imm in EDGES {
            let module = compile(&comparison_module("i32", cmp, &imm.to_string()));
            for func in 0..8 {
                let code = Code::of(&module, func);
                // `if` branches on the negated comparison: any fused form will do.
                let fused = |name: &str| name.starts_with("br_if i32.");
                assert!(code.any_named(fused), "not fused:\n{code}");
                let comparison = |name: &str| name.starts_with("i32.");
                assert!(!code.any_named(comparison), "comparison left over:\n{code}");
            }
            let (mut store, instance) = instantiate(&module);
            for a in EDGES {
                let want = holds(a, imm) as i32;
                for func in BRANCH_FUNCS {
                    let got = call(&mut store, &instance, func, &[a, imm]);
                    assert_eq!(got, want, "{func} {cmp} {a} {imm}");
                    let func = format!("{func}_const");
                    let got = call(&mut store, &instance, &func, &[a]);
                    assert_eq!(got, want, "{func} {cmp} {a} {imm}");
                }
            }
        }
    }
}

/// Rust's semantics of a float comparison (f32 operands are exact as f64).
type FloatSemantics = fn(f64, f64) -> bool;

const FLOAT_COMPARISONS: [(&str, FloatSemantics); 6] = [
    ("eq", |a, b| a == b),
    ("ne", |a, b| a != b),
    ("lt", |a, b| a < b),
    ("gt", |a, b| a > b),
    ("le", |a, b| a <= b),
    ("ge", |a, b| a >= b),
];
const FLOAT_EDGES: [f64; 8] = [
    f64::NEG_INFINITY,
    -1.5,
    -0.0,
    0.0,
    1.0,
    2.5,
    f64::INFINITY,
    f64::NAN,
];

#[test]
fn fused_float_compare_and_branch_is_false_on_nan_either_way() {
    // Negated (`if`, `i32.eqz`), a float comparison is not its opposite: with a NaN
    // operand `lt` and `ge` are both false.
    for ty in ["f32", "f64"] {
        for (cmp, holds) in FLOAT_COMPARISONS {
            for b in FLOAT_EDGES {
                let constant = if b.is_nan() {
                    "nan".to_string()
                } else {
                    format!("{b:?}")
                };
                let module = compile(&comparison_module(ty, cmp, &constant));
                for func in 0..8 {
                    let code = Code::of(&module, func);
                    let fused = |name: &str| {
                        name.starts_with("br_") && name.ends_with(&format!(" {ty}.{cmp}"))
                    };
                    assert!(code.any_named(fused), "not fused:\n{code}");
                    let left_over =
                        |name: &str| name.starts_with(&format!("{ty}.")) || name.contains("eqz");
                    assert!(!code.any_named(left_over), "left over:\n{code}");
                    // The constant is an immediate of the branch, not written to a slot
                    // before it.
                    let branch = code.0.iter().position(|op| fused(op.op.name())).unwrap();
                    let constant = |op: &CompiledOp| op.op.name() == "const";
                    assert!(!code.0[..branch].iter().any(constant), "{code}");
                }
                let (mut store, instance) = instantiate(&module);
                let value = |x: f64| match ty {
                    "f32" => Value::F32(x as f32),
                    _ => Value::F64(x),
                };
                for a in FLOAT_EDGES {
                    let want = [Value::I32(holds(a, b) as i32)];
                    for func in BRANCH_FUNCS {
                        let got = instance.call(&mut store, func, &[value(a), value(b)]);
                        assert_eq!(got.unwrap(), want, "{func} {ty}.{cmp} {a} {b}");
                        let func = format!("{func}_const");
                        let got = instance.call(&mut store, &func, &[value(a)]);
                        assert_eq!(got.unwrap(), want, "{func} {ty}.{cmp} {a} {b}");
                    }
                }
            }
        }
    }
}

#[test]
fn compare_and_branch_takes_either_operand_from_the_register() {
    // Each comparison's left (`_a`, and `_imm` against a constant) or right (`_b`)
    // operand is computed by the op just before it (an identity: `x ^ 0`, `-(-x)`); with
    // the right one in the register the branch becomes the mirrored comparison.
    let identity = |ty: &str, x: &str| match ty {
        "i32" => format!("(i32.xor {x} (i32.const 0))"),
        _ => format!("({ty}.neg ({ty}.neg {x}))"),
    };
    let value = |ty: &str, x: f64| match ty {
        "i32" => Value::I32(x as i32),
        "f32" => Value::F32(x as f32),
        _ => Value::F64(x),
    };
    // Both kinds of semantics on f64 arguments (the i32 edges are exact as f64).
    type Holds = Box<dyn Fn(f64, f64) -> bool>;
    let comparisons = |ty: &str| -> Vec<(&str, Holds)> {
        match ty {
            "i32" => comparisons_i32()
                .map(|(cmp, holds)| {
                    (
                        cmp,
                        Box::new(move |x: f64, y: f64| holds(x as i32, y as i32)) as Holds,
                    )
                })
                .into(),
            _ => FLOAT_COMPARISONS
                .map(|(cmp, holds)| (cmp, Box::new(holds) as Holds))
                .into(),
        }
    };
    for ty in ["i32", "f32", "f64"] {
        for (cmp, holds) in comparisons(ty) {
            let (a, b) = (identity(ty, "(local.get 0)"), identity(ty, "(local.get 1)"));
            let params = format!("{ty} {ty}");
            let mut text = branches_on(&format!("({ty}.{cmp} {a} (local.get 1))"), &params, "_a");
            text += &branches_on(&format!("({ty}.{cmp} (local.get 0) {b})"), &params, "_b");
            if ty == "i32" {
                text += &branches_on(&format!("(i32.{cmp} {a} (i32.const 7))"), &params, "_imm");
            }
            let module = compile(&format!("(module {text})"));
            let funcs = if ty == "i32" { 12 } else { 8 };
            for func in 0..funcs {
                let code = Code::of(&module, func);
                let branch = code.find(|name| name.starts_with("br_")).unwrap();
                assert!(branch.operand_cached, "{ty}.{cmp}:\n{code}");
            }
            let (mut store, instance) = instantiate(&module);
            let edges: Vec<f64> = match ty {
                "i32" => EDGES.iter().map(|&x| x as f64).collect(),
                _ => FLOAT_EDGES.to_vec(),
            };
            for &x in &edges {
                for &y in &edges {
                    let args = [value(ty, x), value(ty, y)];
                    for func in BRANCH_FUNCS {
                        for (suffix, want) in [
                            ("_a", holds(x, y)),
                            ("_b", holds(x, y)),
                            ("_imm", holds(x, 7.0)),
                        ] {
                            if suffix == "_imm" && ty != "i32" {
                                continue;
                            }
                            let name = format!("{func}{suffix}");
                            let got = instance.call(&mut store, &name, &args).unwrap();
                            assert_eq!(got, [Value::I32(want as i32)], "{name} {ty}.{cmp} {x} {y}");
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn a_comparison_that_is_also_branched_to_is_not_fused() {
    // The block's result reaches the `br_if` both from the comparison and from the `br`
    // that skips it: fusing would lose the `br` path's value.
    let module = compile(
        r#"(module (func (export "f") (param i32) (result i32)
              (block $out
                (br_if $out
                  (block (result i32)
                    (drop (br_if 0 (i32.const 1) (local.get 0)))
                    (i32.lt_s (local.get 0) (i32.const 100))))
                (return (i32.const 0)))
              (i32.const 1)))"#,
    );
    let (mut store, instance) = instantiate(&module);
    assert_eq!(
        call(&mut store, &instance, "f", &[5]),
        1,
        "taken via the inner br_if's value"
    );
    assert_eq!(call(&mut store, &instance, "f", &[0]), 1, "0 < 100");
    assert_eq!(call(&mut store, &instance, "f", &[-1]), 1);
    assert_eq!(
        call(&mut store, &instance, "f", &[0x7fff_ffff]),
        1,
        "the br path carries 1"
    );
}

#[test]
fn sixty_four_bit_immediates_keep_every_bit() {
    let module = compile(
        r#"(module
              (func (export "mul") (param i64) (result i64) (i64.mul (local.get 0) (i64.const 0x9e3779b97f4a7c15)))
              (func (export "add") (param i64) (result i64) (i64.add (local.get 0) (i64.const -0x8000000000000000)))
              (func (export "sub32") (param i32) (result i32) (i32.sub (local.get 0) (i32.const 0xffffffff))))"#,
    );
    let code = Code::of(&module, 0);
    assert!(
        !code.any_named(|name| name == "const"),
        "the constant is not inline:\n{code}"
    );
    let (mut store, instance) = instantiate(&module);
    for x in [0i64, 1, -1, i64::MAX, i64::MIN, 0x1234_5678_9abc_def0] {
        let mul = instance.call(&mut store, "mul", &[Value::I64(x)]).unwrap();
        assert_eq!(
            mul,
            [Value::I64(x.wrapping_mul(0x9e37_79b9_7f4a_7c15u64 as i64))]
        );
        let add = instance.call(&mut store, "add", &[Value::I64(x)]).unwrap();
        assert_eq!(add, [Value::I64(x.wrapping_add(i64::MIN))]);
    }
    for x in EDGES {
        assert_eq!(
            call(&mut store, &instance, "sub32", &[x]),
            x.wrapping_add(1)
        );
    }
}

#[test]
fn the_loop_counter_idiom_fuses_and_wraps_like_i32() {
    // Counts the iterations of `do { i += step } while (i <op> limit)` (and, for `ne`,
    // `limit != i`), with the step and the limit in locals or constants (all but a local
    // step with a constant limit fuse), from `start`.
    let module = |op: &str, step: &str, limit: &str| {
        // `ne` commutes: its swapped form tests `limit != i`.
        let test = match op {
            "ne_swapped" => format!("(i32.ne {limit} (local.get $i))"),
            _ => format!("(i32.{op} (local.get $i) {limit})"),
        };
        format!(
            r#"(module (func (export "count") (param $i i32) (param $step i32) (param $limit i32) (result i32)
              (local $n i32)
              (loop $again
                (local.set $n (i32.add (local.get $n) (i32.const 1)))
                (local.set $i (i32.add (local.get $i) {step}))
                (br_if $again {test})
                (br_if $again (i32.const 0)))
              (local.get $n)))"#
        )
    };
    for (op, holds) in [
        ("lt_u", (|a: u32, b: u32| a < b) as fn(u32, u32) -> bool),
        ("ne", |a, b| a != b),
        ("ne_swapped", |a, b| a != b),
    ] {
        for (step_form, limit_form, fuses) in [
            ("(i32.const STEP)", "(local.get $limit)", true),
            ("(i32.const STEP)", "(i32.const 1000)", true),
            ("(local.get $step)", "(local.get $limit)", true),
            ("(local.get $step)", "(i32.const 1000)", false),
        ] {
            for step in [1i32, 8, -1, 0x4000_0000] {
                let text = module(op, step_form, limit_form).replace("STEP", &step.to_string());
                let module = compile(&text);
                let code = Code::of(&module, 0);
                let fused_name = format!("i32.add+br_if i32.{}", op.trim_end_matches("_swapped"));
                // A constant left operand is written to a slot just before the test,
                // between it and the add: the swapped form fuses only with a slot limit.
                let fuses = fuses && !(op == "ne_swapped" && limit_form.contains("const"));
                assert_eq!(
                    code.any_named(|name| name == fused_name),
                    fuses,
                    "{step_form} {limit_form}:\n{code}"
                );
                let (mut store, instance) = instantiate(&module);
                for start in [0i32, 990, -3, i32::MAX] {
                    let limit = 1000u32;
                    // The same loop in Rust, stopped after 5000 rounds (both sides agree on
                    // a `ne` loop that would wrap all the way round).
                    let (mut i, mut n) = (start as u32, 0);
                    loop {
                        n += 1;
                        i = i.wrapping_add(step as u32);
                        if !holds(i, limit) || n == 5000 {
                            break;
                        }
                    }
                    if n == 5000 {
                        continue;
                    }
                    let got = call(&mut store, &instance, "count", &[start, step, limit as i32]);
                    assert_eq!(
                        got, n,
                        "{op} {step_form} {limit_form} step {step} from {start}"
                    );
                }
            }
        }
    }
}

#[test]
fn a_count_down_to_zero_fuses_with_its_branch() {
    let module = compile(
        r#"(module (func (export "count") (param $i i32) (result i32) (local $n i32)
              (loop $again
                (local.set $n (i32.add (local.get $n) (i32.const 1)))
                (br_if $again (local.tee $i (i32.add (local.get $i) (i32.const -5)))))
              (local.get $n)))"#,
    );
    let code = Code::of(&module, 0);
    assert!(
        code.any_named(|name| name == "i32.add+br_if i32.ne"),
        "not fused:\n{code}"
    );
    let plain = |op: &CompiledOp| matches!(op.op, Op::BrIfNez { .. } | Op::BrIfNezAcc { .. });
    assert!(!code.any(plain), "branch left over:\n{code}");
    let (mut store, instance) = instantiate(&module);
    for (start, rounds) in [(5, 1), (50, 10), (1000, 200)] {
        assert_eq!(
            call(&mut store, &instance, "count", &[start]),
            rounds,
            "from {start}"
        );
    }
}

#[test]
fn while_loops_test_their_exit_once_per_iteration() {
    // `while !(i <cmp> n) { steps += 1; i += 1 }`: the exit test at the head, `br` back
    // at the bottom. Inverted, the bottom `br` becomes the test itself.
    let module = |cmp: &str| {
        format!(
            r#"(module (func (export "count") (param $i i32) (param $n i32) (result i32)
              (local $steps i32)
              (block $exit (loop $head
                (br_if $exit (i32.{cmp} (local.get $i) (local.get $n)))
                (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $head)))
              (local.get $steps)))"#
        )
    };
    for (cmp, holds) in comparisons_i32() {
        let module = compile(&module(cmp));
        let code = Code::of(&module, 0);
        assert!(!code.has_br(false), "the bottom br is left:\n{code}");
        if cmp == "ge_u" || cmp == "eq" {
            assert!(
                code.any_named(|name| name.starts_with("i32.add+br_if")),
                "the step is not fused:\n{code}"
            );
        }
        let (mut store, instance) = instantiate(&module);
        for start in [-3, -1, 0, 2, 7, i32::MAX - 1] {
            for n in [-2, 0, 3, 7, i32::MAX, i32::MIN] {
                // The same loop in Rust; cases that would run over 100 rounds are skipped.
                let (mut i, mut steps) = (start, 0);
                while !holds(i, n) && steps <= 100 {
                    steps += 1;
                    i = i.wrapping_add(1);
                }
                if steps > 100 {
                    continue;
                }
                let got = call(&mut store, &instance, "count", &[start, n]);
                assert_eq!(got, steps, "{cmp}: from {start} to {n}");
            }
        }
    }
}

#[test]
fn an_inverted_loop_still_works_when_branched_to_from_inside() {
    // Sums the even numbers below n, counting down: `continue` jumps straight to the
    // bottom of the loop, where the inverted exit test (`i32.eqz` folded) now sits.
    let module = compile(
        r#"(module (func (export "sum_even_below") (param $n i32) (result i32)
              (local $sum i32)
              (block $exit (loop $head
                (br_if $exit (i32.eqz (local.get $n)))
                (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                (block $continue
                  (br_if $continue (i32.and (local.get $n) (i32.const 1)))
                  (local.set $sum (i32.add (local.get $sum) (local.get $n))))
                (br $head)))
              (local.get $sum)))"#,
    );
    let code = Code::of(&module, 0);
    assert!(!code.has_br(false), "the bottom br is left:\n{code}");
    let (mut store, instance) = instantiate(&module);
    for n in [0, 1, 2, 3, 10, 101] {
        let want: i32 = (0..n).filter(|k| k % 2 == 0).sum();
        assert_eq!(
            call(&mut store, &instance, "sum_even_below", &[n]),
            want,
            "n={n}"
        );
    }
}

/// `do { steps += 1; i += 1 } until i <cmp> n` compiled as `br_if $exit; br $loop`, with
/// (`guarded`) a branch over the exit test for odd `i` that lands on the `br $loop`.
fn exit_then_back_edge(cmp: &str, guarded: bool) -> String {
    let (open, close) = match guarded {
        true => (
            "(block $odd (br_if $odd (i32.and (local.get $i) (i32.const 1)))",
            ")",
        ),
        false => ("", ""),
    };
    format!(
        r#"(module (func (export "count") (param $i i32) (param $n i32) (result i32)
          (local $steps i32)
          (block $exit (loop $again
            (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            {open} (br_if $exit (i32.{cmp} (local.get $i) (local.get $n))) {close}
            (br $again)))
          (local.get $steps)))"#
    )
}

#[test]
fn a_loop_exit_before_the_back_edge_jumps_back_itself() {
    for (cmp, holds) in comparisons_i32() {
        for guarded in [false, true] {
            let module = compile(&exit_then_back_edge(cmp, guarded));
            let code = Code::of(&module, 0);
            // The back edge is the inverted exit test, unless a branch lands on the `br`
            // or the exit test is already fused with the step (`ne` and `lt_u`, whose
            // loop-counter ops have no inverted forms).
            let rotated = !guarded && !matches!(cmp, "ne" | "lt_u");
            assert_eq!(!code.has_br(true), rotated, "{cmp}:\n{code}");
            let (mut store, instance) = instantiate(&module);
            for start in [-3, -1, 0, 2, 7, i32::MAX - 1] {
                for n in [-2, 0, 3, 8, i32::MAX, i32::MIN] {
                    // The same loop in Rust; cases that would run over 100 rounds are
                    // skipped.
                    let (mut i, mut steps) = (start, 0);
                    loop {
                        steps += 1;
                        i = i.wrapping_add(1);
                        let tested = !guarded || i & 1 == 0;
                        if (tested && holds(i, n)) || steps > 100 {
                            break;
                        }
                    }
                    if steps > 100 {
                        continue;
                    }
                    let got = call(&mut store, &instance, "count", &[start, n]);
                    assert_eq!(got, steps, "{cmp} (guarded: {guarded}): {start} to {n}");
                }
            }
        }
    }
}

#[test]
fn branches_to_a_return_return_in_place() {
    // The `then` arm's jump to the shared return, and a `br_table` entry jumping to a
    // return trampoline, each become the return itself.
    let module = compile(
        r#"(module
              (func (export "fib") (param $n i32) (result i32)
                (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
                  (then (local.get $n))
                  (else (i32.add (call 0 (i32.sub (local.get $n) (i32.const 1)))
                                 (call 0 (i32.sub (local.get $n) (i32.const 2)))))))
              (func (export "pick") (param i32) (result i32 i32)
                (i32.const 7) (i32.const 8)
                (block (param i32 i32) (result i32 i32)
                  (br_table 0 1 0 (local.get 0)))
                (drop) (drop) (i32.const 1) (i32.const 2)))"#,
    );
    let fib = Code::of(&module, 0);
    assert!(!fib.has_br(false), "a br to a return is left:\n{fib}");
    // The entry for depth 1 returns in place, beside its trampoline and the final return.
    let pick = Code::of(&module, 1);
    assert_eq!(pick.count(|op| op.op.name() == "return"), 3, "{pick}");
    let (mut store, instance) = instantiate(&module);
    let fib = [0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55];
    for (n, want) in fib.iter().enumerate() {
        assert_eq!(call(&mut store, &instance, "fib", &[n as i32]), *want);
    }
    for (index, want) in [(0, [1, 2]), (1, [7, 8]), (2, [1, 2]), (-1, [1, 2])] {
        let got = instance
            .call(&mut store, "pick", &[Value::I32(index)])
            .unwrap();
        assert_eq!(
            got,
            [Value::I32(want[0]), Value::I32(want[1])],
            "pick {index}"
        );
    }
}

/// Every wasm load, as (name, result type, bytes, Rust's semantics on the bytes).
type LoadSemantics = fn(&[u8]) -> u64;
const LOADS: [(&str, &str, usize, LoadSemantics); 14] = [
    ("i32.load", "i32", 4, |b| {
        u32::from_le_bytes(b.try_into().unwrap()) as u64
    }),
    ("i64.load", "i64", 8, |b| {
        u64::from_le_bytes(b.try_into().unwrap())
    }),
    ("i32.load8_s", "i32", 1, |b| b[0] as i8 as i32 as u32 as u64),
    ("i32.load8_u", "i32", 1, |b| b[0] as u64),
    ("i32.load16_s", "i32", 2, |b| {
        i16::from_le_bytes(b.try_into().unwrap()) as i32 as u32 as u64
    }),
    ("i32.load16_u", "i32", 2, |b| {
        u16::from_le_bytes(b.try_into().unwrap()) as u64
    }),
    ("i64.load8_s", "i64", 1, |b| b[0] as i8 as i64 as u64),
    ("i64.load8_u", "i64", 1, |b| b[0] as u64),
    ("i64.load16_s", "i64", 2, |b| {
        i16::from_le_bytes(b.try_into().unwrap()) as i64 as u64
    }),
    ("i64.load16_u", "i64", 2, |b| {
        u16::from_le_bytes(b.try_into().unwrap()) as u64
    }),
    ("i64.load32_s", "i64", 4, |b| {
        i32::from_le_bytes(b.try_into().unwrap()) as i64 as u64
    }),
    ("i64.load32_u", "i64", 4, |b| {
        u32::from_le_bytes(b.try_into().unwrap()) as u64
    }),
    ("f32.load", "f32", 4, |b| {
        u32::from_le_bytes(b.try_into().unwrap()) as u64
    }),
    ("f64.load", "f64", 8, |b| {
        u64::from_le_bytes(b.try_into().unwrap())
    }),
];

#[test]
fn loads_addressed_by_a_sum_or_a_scaled_index_wrap_like_i32_and_trap_past_the_end() {
    // One page of bytes 0, 1, 2, .. (mod 251, so no two nearby words are equal).
    let page: Vec<u8> = (0..65_536u32).map(|i| (i % 251) as u8).collect();
    for (load, ty, bytes, semantics) in LOADS {
        let text = format!(
            r#"(module (memory 1)
              (func $fill (local i32)
                (loop (i32.store8 (local.get 0) (i32.rem_u (local.get 0) (i32.const 251)))
                  (br_if 0 (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 1)))
                    (i32.const 65536)))))
              (start $fill)
              (func (export "f") (param i32 i32) (result {ty})
                ({load} offset=3 (i32.add (local.get 0) (local.get 1))))
              (func (export "g") (param i32) (result {ty})
                ({load} offset=3 (i32.add (local.get 0) (i32.const 0x20))))
              ;; A shift's count is taken modulo 32: 35 shifts by 3.
              (func (export "shifted") (param i32) (result {ty})
                ({load} offset=3 (i32.shl (local.get 0) (i32.const 35))))
              (func (export "scaled") (param i32) (result {ty})
                ({load} offset=3 (i32.mul (local.get 0) (i32.const 8)))))"#
        );
        let module = compile(&text);
        for (func, fusion) in [
            (1, "i32.add+"),
            (2, "i32.add+"),
            (3, "i32.shl+"),
            (4, "i32.shl+"),
        ] {
            let code = Code::of(&module, func);
            let fused = |name: &str| name.starts_with(fusion);
            assert!(code.any_named(fused), "{load} not fused:\n{code}");
            assert_eq!(
                code.0.len(),
                2,
                "{load}: more than load and return:\n{code}"
            );
        }
        let (mut store, instance) = instantiate(&module);
        // Calls `func` with `args`, whose address plus the offset is `start`: the bytes
        // there, or the trap past the end (the offset is added without wrapping).
        let mut check = |func: &str, args: &[Value], start: u64, case: &str| {
            let result = instance.call(&mut store, func, args);
            if start + bytes as u64 > page.len() as u64 {
                let trap = result.expect_err("past the end");
                assert!(trap.to_string().contains("out of bounds"), "{load}: {trap}");
                return;
            }
            let want = semantics(&page[start as usize..start as usize + bytes]);
            let got = match result.unwrap()[..] {
                [Value::I32(v)] => v as u32 as u64,
                [Value::I64(v)] => v as u64,
                [Value::F32(v)] => v.to_bits() as u64,
                [Value::F64(v)] => v.to_bits(),
                ref other => panic!("{load}: {other:?}"),
            };
            assert_eq!(got, want, "{load} ({func}) at {case}");
        };
        // (a, b): in range, wrapping past 2^32 back into range, and sums whose wrapped
        // value plus the offset runs past the end.
        let cases: [(u32, u32); 6] = [
            (0, 0),
            (100, 7),
            (0xffff_fff0, 0x20),
            (u32::MAX, 1),
            (65_536 - 3 - bytes as u32, 0),
            (u32::MAX, 0),
        ];
        for (a, b) in cases {
            let start = a.wrapping_add(b) as u64 + 3;
            let case = format!("{a:#x} + {b:#x}");
            check(
                "f",
                &[Value::I32(a as i32), Value::I32(b as i32)],
                start,
                &case,
            );
            // The same sum with the right operand the immediate 0x20.
            let a = a.wrapping_add(b).wrapping_sub(0x20);
            check("g", &[Value::I32(a as i32)], start, &case);
        }
        // Indices whose address (index * 8) is in range, wraps past 2^32 back into range,
        // or with the offset runs past the end.
        for index in [
            0,
            5,
            0x2000_0001,
            (65_536 - 3 - bytes as u32) / 8,
            0x1fff,
            u32::MAX,
        ] {
            let start = index.wrapping_shl(3) as u64 + 3;
            for func in ["shifted", "scaled"] {
                let case = format!("index {index:#x}");
                check(func, &[Value::I32(index as i32)], start, &case);
            }
        }
    }
}

#[test]
fn an_address_kept_in_a_local_is_not_fused_into_the_load() {
    let module = compile(
        r#"(module (memory 1) (data (i32.const 8) "\2a\2b")
              (func (export "f") (param i32 i32) (result i32) (local i32)
                (i32.add (i32.load8_u (local.tee 2 (i32.add (local.get 0) (local.get 1))))
                  (local.get 2)))
              (func (export "g") (param i32) (result i32) (local i32)
                (i32.add (i32.load8_u (local.tee 1 (i32.shl (local.get 0) (i32.const 2))))
                  (local.get 1))))"#,
    );
    for func in [0, 1] {
        let code = Code::of(&module, func);
        let fused = |name: &str| name.starts_with("i32.add+") || name.starts_with("i32.shl+");
        assert!(!code.any_named(fused), "{code}");
    }
    let (mut store, instance) = instantiate(&module);
    assert_eq!(call(&mut store, &instance, "f", &[3, 5]), 0x2a + 8);
    assert_eq!(call(&mut store, &instance, "g", &[2]), 0x2a + 8);
}

#[test]
fn stores_of_constants_write_their_low_bytes_and_trap_past_the_end() {
    // (wasm store, its constant, the bytes it must write).
    let cases: [(&str, &str, &[u8]); 9] = [
        ("i32.store8", "i32.const 0x1234_56ab", &[0xab]),
        ("i32.store16", "i32.const -2", &[0xfe, 0xff]),
        (
            "i32.store",
            "i32.const 0x8765_4321",
            &[0x21, 0x43, 0x65, 0x87],
        ),
        ("i64.store8", "i64.const -1", &[0xff]),
        ("i64.store16", "i64.const 0x1_0000_beef", &[0xef, 0xbe]),
        (
            "i64.store32",
            "i64.const 0x7fff_ffff_8000_0001",
            &[0x01, 0x00, 0x00, 0x80],
        ),
        (
            "i64.store",
            "i64.const 0x0102_0304_0506_0708",
            &[8, 7, 6, 5, 4, 3, 2, 1],
        ),
        ("f32.store", "f32.const -0.0", &[0, 0, 0, 0x80]),
        (
            "f64.store",
            "f64.const 1.0",
            &[0, 0, 0, 0, 0, 0, 0xf0, 0x3f],
        ),
    ];
    for (store_op, constant, bytes) in cases {
        let text = format!(
            r#"(module (memory (export "memory") 1)
              (func (export "f") (param i32) ({store_op} offset=2 (local.get 0) ({constant}))))"#
        );
        let module = compile(&text);
        let code = Code::of(&module, 0);
        assert!(
            !code.any_named(|name| name == "const"),
            "{store_op}: constant not inline\n{code}"
        );
        let (mut store, instance) = instantiate(&module);
        instance.call(&mut store, "f", &[Value::I32(100)]).unwrap();
        let memory = instance.get_memory(&store, "memory").unwrap();
        let data = memory.data(&store);
        assert_eq!(
            &data[102..102 + bytes.len()],
            bytes,
            "{store_op} {constant}"
        );
        assert_eq!(data[101], 0, "{store_op} wrote before its address");
        assert_eq!(
            data[102 + bytes.len()],
            0,
            "{store_op} wrote past its width"
        );
        let last = 65_536 - 2 - bytes.len() as i32;
        instance.call(&mut store, "f", &[Value::I32(last)]).unwrap();
        let trap = instance
            .call(&mut store, "f", &[Value::I32(last + 1)])
            .expect_err("past the end");
        assert!(
            trap.to_string().contains("out of bounds"),
            "{store_op}: {trap}"
        );
    }
}

#[test]
fn copies_in_a_row_run_as_one_op_in_order() {
    let module = compile(
        r#"(module
              (func $pick (param i32 i32 i32 i32) (result i32)
                (i32.sub (i32.mul (local.get 0) (local.get 1)) (i32.add (local.get 2) (local.get 3))))
              ;; The arguments' moves pair up; the second copy of `chain` reads the first's.
              (func (export "call") (param i32 i32) (result i32)
                (call $pick (local.get 1) (local.get 0) (local.get 1) (local.get 1)))
              (func (export "chain") (param i32 i32) (result i32) (local i32)
                (local.set 1 (local.get 0))
                (local.set 2 (local.get 1))
                (i32.sub (local.get 2) (local.get 1)))
              ;; The branch lands on the second copy: the two stay apart.
              (func (export "landing") (param i32 i32) (result i32) (local i32)
                (block (br_if 0 (local.get 0)) (local.set 1 (local.get 0)))
                (local.set 2 (local.get 1))
                (i32.sub (local.get 2) (local.get 0))))"#,
    );
    let code = |func: u32| Code::of(&module, func);
    let copy2 = |op: &CompiledOp| matches!(op.op, Op::Copy2 { .. });
    assert_eq!(code(1).count(copy2), 2, "{}", code(1));
    let pair = Op::Copy2 {
        dst: 1,
        src: 0,
        dst2: 2,
        src2: 1,
    };
    assert!(code(2).any(|op| op.op == pair), "{}", code(2));
    assert!(!code(3).any(copy2), "{}", code(3));
    let (mut store, instance) = instantiate(&module);
    for (a, b) in [(0, 5), (3, 4), (-7, 2), (i32::MAX, i32::MIN)] {
        let want = b.wrapping_mul(a).wrapping_sub(b.wrapping_add(b));
        assert_eq!(call(&mut store, &instance, "call", &[a, b]), want);
        assert_eq!(call(&mut store, &instance, "chain", &[a, b]), 0);
        let landing = if a != 0 { b } else { a };
        let got = call(&mut store, &instance, "landing", &[a, b]);
        assert_eq!(got, landing.wrapping_sub(a));
    }
}

#[test]
fn a_result_copied_only_to_be_returned_is_returned_from_where_it_is() {
    // The `if`'s result is moved into its slot at the end of each arm; the then-arm's
    // copy and the return after it become one return. A branch to the end (the
    // `br_if` leaving the block with 99) still returns its own value.
    let module = compile(
        r#"(module (func (export "f") (param i32 i32) (result i32)
              (block (result i32)
                (drop (br_if 0 (i32.const 99) (i32.eq (local.get 1) (i32.const 1))))
                (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
                  (then (local.get 0))
                  (else (i32.add (local.get 0) (local.get 1)))))))"#,
    );
    let code = Code::of(&module, 0);
    assert!(
        !code.any_named(|name| name.starts_with("copy")),
        "copy kept:\n{code}"
    );
    let (mut store, instance) = instantiate(&module);
    assert_eq!(call(&mut store, &instance, "f", &[1, 0]), 1, "then arm");
    assert_eq!(call(&mut store, &instance, "f", &[5, 2]), 7, "else arm");
    assert_eq!(
        call(&mut store, &instance, "f", &[5, 1]),
        99,
        "br_if to the end"
    );
    assert_eq!(call(&mut store, &instance, "f", &[0, 1]), 99);
}

/// Calls `name` with i64 arguments; the result as an i64 or the trap's message.
fn call_i64(
    store: &mut Store<()>,
    instance: &wasmcade::interp::Instance,
    name: &str,
    args: &[i64],
) -> Result<i64, String> {
    let args: Vec<Value> = args.iter().map(|&a| Value::I64(a)).collect();
    match instance.call(store, name, &args) {
        Ok(values) => match values[..] {
            [Value::I64(result)] => Ok(result),
            [Value::I32(result)] => Ok(result as i64),
            [Value::F64(result)] => Ok(result.to_bits() as i64),
            ref other => panic!("{name}: {other:?}"),
        },
        Err(error) => Err(error.to_string()),
    }
}

#[test]
fn ops_take_the_result_of_the_op_before_from_the_register() {
    let module = compile(
        r#"(module
              (func (export "chain") (param i64 i64) (result i64)
                (i64.mul (i64.xor (local.get 0) (i64.shr_u (local.get 0) (local.get 1)))
                  (i64.const 0xbf58476d1ce4e5b9)))
              (func (export "commuted") (param i64 i64) (result i64)
                (i64.add (local.get 1) (i64.popcnt (local.get 0))))
              (func (export "not_commuted") (param i64 i64) (result i64)
                (i64.sub (local.get 1) (i64.popcnt (local.get 0))))
              (func (export "floats") (param i64 i64) (result i64)
                (i64.reinterpret_f64 (f64.mul (f64.sqrt (f64.convert_i64_s (local.get 0)))
                  (f64.const 0.5))))
              (func (export "divide") (param i64 i64) (result i64)
                (i64.div_s (i64.add (local.get 0) (i64.const 1)) (local.get 1)))
              (func (export "truncate") (param i64 i64) (result i64)
                (i64.trunc_f64_s (f64.mul (f64.convert_i64_s (local.get 0)) (f64.const 1e300)))))"#,
    );
    let cached_ops = |func: u32| Code::of(&module, func).count(|op| op.operand_cached);
    // Results only the next op reads, from the register, are not written to their slots:
    // shr (by a slot: not fused with the xor) and xor in `chain`; popcnt; convert and the constant before the mul in `floats`;
    // the constant in `truncate`. Not the add before the division, which may trap and be
    // run again from the slots, nor the mul before the truncation, for the same reason.
    let in_register = |func: u32| Code::of(&module, func).count(|op| op.result_in_register);
    assert_eq!([0, 1, 2, 3, 4, 5].map(in_register), [2, 1, 0, 2, 0, 1]);
    // xor <- shr, mul <- xor. popcnt's result is add's right operand (the add commutes),
    // but not sub's. sqrt <- convert; the f64 constant is written to its slot just
    // before the mul, which takes it as its (commuted) left operand. div <- add. In
    // `truncate`, mul <- the constant, trunc <- mul.
    assert_eq!(
        [0, 1, 2, 3, 4, 5].map(cached_ops),
        [2, 1, 0, 2, 1, 2],
        "{}",
        Code::of(&module, 0)
    );
    let (mut store, instance) = instantiate(&module);
    for x in [0i64, 1, -1, 7, i64::MIN, i64::MAX, 0x1234_5678_9abc_def0] {
        let chain = ((x ^ ((x as u64) >> 30) as i64) as u64).wrapping_mul(0xbf58476d1ce4e5b9);
        let call = |store: &mut Store<()>, name, y| call_i64(store, &instance, name, &[x, y]);
        assert_eq!(call(&mut store, "chain", 30), Ok(chain as i64));
        let popcount = x.count_ones() as i64;
        assert_eq!(call(&mut store, "commuted", 5), Ok(5 + popcount));
        assert_eq!(call(&mut store, "not_commuted", 5), Ok(5 - popcount));
        let floats = ((x as f64).sqrt() * 0.5).to_bits() as i64;
        assert_eq!(call(&mut store, "floats", 0), Ok(floats));
        assert_eq!(call(&mut store, "divide", 3), Ok(x.wrapping_add(1) / 3));
        assert!(call(&mut store, "divide", 0)
            .unwrap_err()
            .contains("divide by zero"));
        // The division may trap on its left operand too, and is then run again from the
        // slots: the add before it must have written its result there.
        let overflow = call(&mut store, "divide", -1);
        match x {
            i64::MAX => assert!(overflow.unwrap_err().contains("integer overflow")),
            _ => assert_eq!(overflow, Ok(x.wrapping_add(1).wrapping_neg())),
        }
        let truncated = call(&mut store, "truncate", 0);
        match x {
            0 => assert_eq!(truncated, Ok(0)),
            _ => assert!(truncated.unwrap_err().contains("integer overflow")),
        }
    }
}

#[test]
fn popcounts_agree_with_rust_in_both_widths_and_both_forms() {
    // Where the processor has `popcnt`, the threaded executor counts with it.
    let module = compile(
        r#"(module
              (func (export "i64") (param i64 i64) (result i64) (i64.popcnt (local.get 0)))
              (func (export "i64_cached") (param i64 i64) (result i64)
                (i64.popcnt (i64.xor (local.get 0) (local.get 1))))
              (func (export "i32") (param i64 i64) (result i64) (local i32 i64)
                (local.set 2 (i32.wrap_i64 (local.get 0)))
                (local.set 3 (i64.const 5))
                (i64.extend_i32_u (i32.popcnt (local.get 2))))
              (func (export "i32_cached") (param i64 i64) (result i64)
                (i64.extend_i32_u
                  (i32.popcnt (i32.xor (i32.wrap_i64 (local.get 0)) (i32.wrap_i64 (local.get 1)))))))"#,
    );
    for (func, cached) in [(0, false), (1, true), (2, false), (3, true)] {
        let code = Code::of(&module, func);
        let popcnt = code.find(|name| name.ends_with("popcnt")).unwrap();
        assert_eq!(popcnt.operand_cached, cached, "{code}");
    }
    let (mut store, instance) = instantiate(&module);
    let edges = [
        0i64,
        1,
        -1,
        2,
        i64::MIN,
        i64::MAX,
        0x5555_5555_5555_5555,
        0x0000_0001_8000_0000,
    ];
    for x in edges {
        for y in [0i64, -1, 0x00ff_00ff_00ff_00ff] {
            let call = |store: &mut Store<()>, name| call_i64(store, &instance, name, &[x, y]);
            assert_eq!(call(&mut store, "i64"), Ok(x.count_ones() as i64));
            assert_eq!(
                call(&mut store, "i64_cached"),
                Ok((x ^ y).count_ones() as i64)
            );
            assert_eq!(call(&mut store, "i32"), Ok((x as u32).count_ones() as i64));
            let low = (x as u32) ^ (y as u32);
            assert_eq!(call(&mut store, "i32_cached"), Ok(low.count_ones() as i64));
        }
    }
}

/// The value of `x` (of `bits` bits) shifted by the wasm shift `shift` by `count`.
fn shifted(shift: &str, bits: u32, x: u64, count: u32) -> u64 {
    let count = count % bits;
    match (shift, bits) {
        ("shl", 32) => ((x as u32) << count) as u64,
        ("shr_u", 32) => ((x as u32) >> count) as u64,
        ("shr_s", 32) => ((x as i32) >> count) as u32 as u64,
        ("rotl", 32) => (x as u32).rotate_left(count) as u64,
        ("shl", 64) => x << count,
        ("shr_u", 64) => x >> count,
        ("shr_s", 64) => ((x as i64) >> count) as u64,
        ("rotl", 64) => x.rotate_left(count),
        _ => unreachable!("{shift}"),
    }
}

/// `a COMBINE b` for the wasm op `combine` on values of `bits` bits.
fn combined(combine: &str, bits: u32, a: u64, b: u64) -> u64 {
    let mask = u64::MAX >> (64 - bits);
    match combine {
        "add" => a.wrapping_add(b) & mask,
        "xor" => (a ^ b) & mask,
        "or" => (a | b) & mask,
        _ => unreachable!("{combine}"),
    }
}

#[test]
fn shifts_by_a_constant_fuse_into_add_xor_and_or() {
    // Each function computes `x COMBINE (y SHIFT count)` (x and y in locals 2 and 3):
    // `self_*` with y = x, `*_left` with the shifted operand on the left, `cached` with x
    // the result of the op just before (its cached-operand form).
    let cases = |ty: &str, count: i64| {
        let shift = |y: &str, shift: &str| format!("({ty}.{shift} {y} ({ty}.const {count}))");
        let funcs = |combine: &str, shift_op: &str| {
            let c = |lhs: &str, rhs: &str| format!("({ty}.{combine} {lhs} {rhs})");
            let (x, y) = ("(local.get 2)", "(local.get 3)");
            [
                c(x, &shift(x, shift_op)),
                c(&shift(x, shift_op), x),
                c(x, &shift(y, shift_op)),
                c(&shift(y, shift_op), x),
                format!(
                    "(local.set 2 ({ty}.sub (local.get 2) (local.get 3))) {}",
                    c(x, &shift(x, shift_op))
                ),
            ]
        };
        let mut text = String::from("(module");
        let mut expected = vec![];
        for combine in ["add", "xor", "or"] {
            for shift_op in ["shl", "shr_s", "shr_u", "rotl"] {
                for (form, body) in funcs(combine, shift_op).into_iter().enumerate() {
                    let locals = match ty {
                        "i32" => "(local.set 2 (i32.wrap_i64 (local.get 0))) (local.set 3 (i32.wrap_i64 (local.get 1)))",
                        _ => "(local.set 2 (local.get 0)) (local.set 3 (local.get 1))",
                    };
                    let result = match ty {
                        "i32" => format!("(i64.extend_i32_u {body})"),
                        _ => body,
                    };
                    text += &format!(
                        "(func (export \"{combine}_{shift_op}_{form}\") (param i64 i64) (result i64) \
                         (local {ty} {ty}) {locals} {result})"
                    );
                    expected.push((combine, shift_op, form));
                }
            }
        }
        (compile(&(text + ")")), expected)
    };
    let values = [
        0u64,
        1,
        u64::MAX,
        0x8000_0000,
        0x8000_0000_0000_0000,
        0x1234_5678_9abc_def0,
    ];
    for (ty, bits) in [("i32", 32), ("i64", 64)] {
        // Counts past the width use their low bits, negative ones too.
        for count in [0i64, 1, 13, 31, 33, 63, 69, -1] {
            let (module, expected) = cases(ty, count);
            let (mut store, instance) = instantiate(&module);
            for (func, &(combine, shift_op, form)) in expected.iter().enumerate() {
                let code = Code::of(&module, func as u32);
                let fused = format!("{ty}.{shift_op}+{ty}.{combine}");
                let op = code.find(|name| name == fused);
                let op = op.unwrap_or_else(|| panic!("{fused} not fused:\n{code}"));
                let shift = format!("{ty}.{shift_op}");
                assert!(!code.any_named(|name| name == shift), "{code}");
                assert_eq!(op.operand_cached, form == 4, "{code}");
                let name = format!("{combine}_{shift_op}_{form}");
                let mask = u64::MAX >> (64 - bits);
                for x in values {
                    for y in values {
                        let (x, y) = (x & mask, y & mask);
                        let result = call_i64(&mut store, &instance, &name, &[x as i64, y as i64]);
                        let (x, y) = match form {
                            0 | 1 => (x, x),
                            4 => (x.wrapping_sub(y) & mask, x.wrapping_sub(y) & mask),
                            _ => (x, y),
                        };
                        let want =
                            combined(combine, bits, x, shifted(shift_op, bits, y, count as u32));
                        assert_eq!(
                            result,
                            Ok(want as i64),
                            "{name} count {count} x {x:#x} y {y:#x}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn a_shift_whose_result_is_kept_or_branched_over_is_not_fused() {
    let module = compile(
        r#"(module
              (func (export "kept") (param i32 i32) (result i32) (local i32)
                (i32.add (local.get 2)
                  (local.tee 2 (i32.shl (local.get 0) (i32.const 3)))))
              (func (export "by_a_slot") (param i32 i32) (result i32)
                (i32.xor (local.get 0) (i32.shr_u (local.get 0) (local.get 1))))
              (func (export "from_a_block") (param i32 i32) (result i32)
                (i32.or (local.get 1)
                  (block (result i32) (i32.rotl (local.get 0) (i32.const 1))))))"#,
    );
    for func in 0..3 {
        let code = Code::of(&module, func);
        assert!(!code.any_named(|name| name.contains('+')), "{code}");
    }
    let (mut store, instance) = instantiate(&module);
    let call = |store: &mut Store<()>, name, a, b| call(store, &instance, name, &[a, b]);
    assert_eq!(call(&mut store, "kept", 5, 0), 40);
    assert_eq!(call(&mut store, "by_a_slot", -1, 28), -1 ^ 15);
    assert_eq!(call(&mut store, "from_a_block", i32::MIN, 4), 5);
}

#[test]
fn stores_take_their_value_from_the_register() {
    // Each store's value is the xor just before it, left in the register; `same` stores a
    // local to the address it holds (the local's slot is written either way).
    let store = |bits: u32| {
        let op = if bits == 64 {
            "i64.store".to_string()
        } else {
            format!("i64.store{bits}")
        };
        format!(
            r#"(func (export "store{bits}") (param $addr i64) (param $x i64) (result i64)
                 ({op} (i32.wrap_i64 (local.get $addr)) (i64.xor (local.get $x) (i64.const -1)))
                 (i64.load (i32.wrap_i64 (local.get $addr))))"#
        )
    };
    let module = compile(&format!(
        r#"(module (memory 1) {} {} {} {}
              (func (export "same") (param $addr i64) (param $x i64) (result i64) (local $a i32)
                (local.set $a (i32.wrap_i64 (local.get $addr)))
                (i32.store (local.get $a) (local.get $a))
                (i64.load (local.get $a))))"#,
        store(8),
        store(16),
        store(32),
        store(64)
    ));
    for func in 0..4 {
        let code = Code::of(&module, func);
        let xor = code.find(|name| name.ends_with("xor")).unwrap();
        assert!(xor.result_in_register, "{code}");
        let store = code.find(|name| name.starts_with("store")).unwrap();
        assert!(store.operand_cached, "{code}");
    }
    let (mut store, instance) = instantiate(&module);
    for (name, bytes) in [
        ("store8", 1),
        ("store16", 2),
        ("store32", 4),
        ("store64", 8),
    ] {
        for x in [0i64, 1, -1, 0x1234_5678_9abc_def0, i64::MIN] {
            let mut call = |addr| call_i64(&mut store, &instance, name, &[addr, x]);
            // Each call stores at a fresh address: the bytes after the store's are zero.
            let addr = 64 * bytes;
            let mask = if bytes == 8 {
                u64::MAX
            } else {
                (1u64 << (8 * bytes)) - 1
            };
            assert_eq!(call(addr), Ok(((!x as u64) & mask) as i64), "{name} {x:#x}");
            call(0).unwrap();
            // Out of bounds: the same trap as a store reading its value from the slot.
            let trap = call(65_536 - bytes + 1).unwrap_err();
            assert!(trap.contains("out of bounds"), "{name}: {trap}");
        }
    }
    let same = call_i64(&mut store, &instance, "same", &[200, 0]);
    assert_eq!(same, Ok(200));
}

#[test]
fn loads_and_branches_take_their_operand_from_the_register() {
    // The `i32.and` before each load gives its address, and the one before each branch its
    // condition.
    let module = compile(
        r#"(module (memory 1) (data (i32.const 8) "\01\02\03\04\05")
              (func (export "load") (param $p i32) (result i32)
                (i32.load (i32.and (local.get $p) (i32.const 0x7fffffff))))
              (func (export "load8") (param $p i32) (result i32)
                (i32.load8_s (i32.and (local.get $p) (i32.const 0x7fffffff))))
              (func (export "br_if") (param $x i32) (result i32)
                (block $yes (br_if $yes (i32.and (local.get $x) (i32.const 4)))
                  (return (i32.const 0)))
                (i32.const 1))
              (func (export "if") (param $x i32) (result i32)
                (if (result i32) (i32.and (local.get $x) (i32.const 4))
                  (then (i32.const 1)) (else (i32.const 0)))))"#,
    );
    for func in 0..4 {
        let code = Code::of(&module, func);
        let and = code.find(|name| name == "i32.and").unwrap();
        assert!(code.any(|op| op.operand_cached), "{code}");
        // A load may trap and be run again from the slots: its address is written there
        // too. A branch cannot.
        assert_eq!(and.result_in_register, func >= 2, "{code}");
    }
    let (mut store, instance) = instantiate(&module);
    let mut call = |name, arg| {
        let args = [Value::I32(arg)];
        match instance.call(&mut store, name, &args) {
            Ok(results) => Ok(results[0]),
            Err(trap) => Err(trap.to_string()),
        }
    };
    assert_eq!(call("load", 8), Ok(Value::I32(0x0403_0201)));
    assert_eq!(call("load", i32::MIN | 9), Ok(Value::I32(0x0504_0302)));
    assert_eq!(call("load8", 12), Ok(Value::I32(5)));
    for p in [65_533, -1] {
        let trap = call("load", p).unwrap_err();
        assert!(trap.contains("out of bounds"), "{p}: {trap}");
    }
    for x in EDGES.into_iter().chain([4, 5, 3, -5]) {
        let want = Ok(Value::I32((x & 4 != 0) as i32));
        assert_eq!(call("br_if", x), want, "br_if {x}");
        assert_eq!(call("if", x), want, "if {x}");
    }
}

#[test]
fn an_op_that_a_branch_lands_on_reads_its_operand_from_the_slot() {
    // Before the block's end, `local.set 2 (i32.const 100)` writes the slot the `i32.add`
    // after the block reads; the `br_if` skips it and lands on the add. The add must read
    // the slot, not the register.
    let module = compile(
        r#"(module (func (export "f") (param i32 i32) (result i32) (local i32)
              (local.set 2 (i32.mul (local.get 0) (i32.const 3)))
              (block (br_if 0 (local.get 1)) (local.set 2 (i32.const 100)))
              (i32.add (local.get 2) (i32.const 1))))"#,
    );
    let code = Code::of(&module, 0);
    assert!(!code.any(|op| op.operand_cached), "{code}");
    let (mut store, instance) = instantiate(&module);
    assert_eq!(
        call(&mut store, &instance, "f", &[5, 1]),
        16,
        "branch taken"
    );
    assert_eq!(
        call(&mut store, &instance, "f", &[5, 0]),
        101,
        "fall through"
    );
}

/// A loop over the bits of its first argument, with an `if`/`else` whose `then` arm
/// jumps over the `else` to the loop's latch; `tail` more ops before the latch's test.
fn branchy_loop(tail: usize) -> String {
    let extra = "(local.set 2 (i32.rotl (local.get 2) (i32.const 3)))".repeat(tail);
    format!(
        r#"(func (export "loop{tail}") (param i32 i32) (result i32) (local i32)
             (block $done
               (loop $next
                 (if (i32.and (local.get 0) (i32.const 1))
                   (then (local.set 2 (i32.add (local.get 2) (local.get 0))))
                   (else (local.set 2 (i32.xor (local.get 2) (local.get 1)))))
                 {extra}
                 (local.set 0 (i32.shr_u (local.get 0) (i32.const 1)))
                 (br_if $next (local.get 0))))
             (local.get 2))"#
    )
}

#[test]
fn a_br_to_a_short_tail_runs_a_copy_of_the_tail_instead() {
    // `loop0`'s and `loop1`'s `then` arms end in a copy of the latch (and the return
    // after it); `loop9`'s latch is too long to copy. `skip`'s `br` to the next op goes.
    let module = compile(&format!(
        r#"(module {} {} {}
              (func (export "skip") (param i32 i32) (result i32)
                (block (br 0)) (i32.sub (local.get 0) (local.get 1))))"#,
        branchy_loop(0),
        branchy_loop(1),
        branchy_loop(9)
    ));
    let has_br = |func: u32| Code::of(&module, func).has_br(false);
    assert_eq!([0, 1, 2, 3].map(has_br), [false, false, true, false]);
    let (mut store, instance) = instantiate(&module);
    for a in [0, 1, 2, 7, 0x5555, -1, i32::MIN] {
        for b in [0, 3, -1] {
            for tail in [0u32, 1, 9] {
                let (mut x, mut acc) = (a as u32, 0u32);
                loop {
                    acc = if x & 1 != 0 {
                        acc.wrapping_add(x)
                    } else {
                        acc ^ b as u32
                    };
                    for _ in 0..tail {
                        acc = acc.rotate_left(3);
                    }
                    x >>= 1;
                    if x == 0 {
                        break;
                    }
                }
                let name = format!("loop{tail}");
                let got = call(&mut store, &instance, &name, &[a, b]);
                assert_eq!(got as u32, acc, "{name}({a}, {b})");
            }
            let skip = call(&mut store, &instance, "skip", &[a, b]);
            assert_eq!(skip, a.wrapping_sub(b));
        }
    }
}

#[test]
fn br_table_takes_its_selected_branch_in_the_same_op() {
    // Entries of each kind: a plain `br` (the table op takes it itself), a `br` whose
    // value moves first (through a trampoline), and a return in place; every index,
    // out of range ones too, with and without fuel metering.
    let module = compile(
        r#"(module
              (func (export "pick") (param i32) (result i32)
                (block $c (result i32)
                  (block $b (result i32)
                    (block $a (result i32)
                      (br_table $a $b $c 3 $a (i32.mul (local.get 0) (i32.const 10)) (local.get 0)))
                    (return (i32.add (i32.const 1))))
                  (return (i32.add (i32.const 2))))
                (i32.add (i32.const 3))))"#,
    );
    let code = Code::of(&module, 0);
    let table = Op::BrTable { index: 0, len: 4 };
    assert!(code.any(|op| op.op == table), "{code}");
    for fuel in [None, Some(1_000)] {
        let mut store = Store::new(());
        store.limits_mut().fuel = fuel;
        let instance = Linker::new().instantiate(&mut store, &module).unwrap();
        let mut consumed = Vec::new();
        for (index, want) in [(0, 1), (1, 12), (2, 23), (3, 30), (4, 41), (-1, -9)] {
            assert_eq!(
                call(&mut store, &instance, "pick", &[index]),
                want,
                "pick {index} (fuel {fuel:?})"
            );
            consumed.push(store.fuel_consumed());
        }
        if fuel.is_some() {
            // The table op takes a plain entry: the mul, the table, the add and the return.
            assert_eq!(consumed[0], 4, "{consumed:?}\n{code}");
            // The default is the same entry; the return in place is one op less.
            assert_eq!(consumed[4], 4, "{consumed:?}\n{code}");
            assert_eq!(consumed[3], 3, "{consumed:?}\n{code}");
        }
    }
}

#[test]
fn i64_extend_i32_u_emits_nothing_and_zero_extends_every_kind_of_i32() {
    // i32 values are stored zero-extended, so the extension is the value itself: from a
    // parameter, a constant, arithmetic that wraps, a sign-extending load, a wrap of an
    // i64, a global, a host call's result and a comparison.
    let module = compile(
        r#"(module
              (import "env" "neg" (func $neg (param i32) (result i32)))
              (memory 1) (data (i32.const 0) "\f0")
              (global $g (mut i32) (i32.const -7))
              (func (export "param") (param i32) (result i64) (i64.extend_i32_u (local.get 0)))
              (func (export "const") (result i64) (i64.extend_i32_u (i32.const -1)))
              (func (export "sub") (param i32) (result i64)
                (i64.extend_i32_u (i32.sub (i32.const 0) (local.get 0))))
              (func (export "load") (result i64) (i64.extend_i32_u (i32.load8_s (i32.const 0))))
              (func (export "wrap") (param i32) (result i64)
                (i64.extend_i32_u (i32.wrap_i64 (i64.shl (i64.const -1) (i64.extend_i32_u (local.get 0))))))
              (func (export "global") (result i64) (i64.extend_i32_u (global.get $g)))
              (func (export "host") (param i32) (result i64) (i64.extend_i32_u (call $neg (local.get 0))))
              (func (export "cmp") (param i32) (result i64)
                (i64.add (i64.extend_i32_u (i32.lt_s (local.get 0) (i32.const 0))) (i64.const 41))))"#,
    );
    for func in 1..9 {
        let code = Code::of(&module, func);
        assert!(
            !code.any_named(|name| name.contains("extend")),
            "an extension was emitted:\n{code}"
        );
    }
    let mut store = Store::new(());
    let mut linker = Linker::new();
    linker.func(
        &mut store,
        "env",
        "neg",
        FuncType::new([ValType::I32], [ValType::I32]),
        |_, args, results| {
            let Value::I32(v) = args[0] else {
                unreachable!()
            };
            results[0] = Value::I32(v.wrapping_neg());
            Ok(())
        },
    );
    let instance = linker.instantiate(&mut store, &module).unwrap();
    let mut run = |name: &str, args: &[i32]| {
        let args: Vec<Value> = args.iter().map(|&a| Value::I32(a)).collect();
        match instance.call(&mut store, name, &args).unwrap()[..] {
            [Value::I64(result)] => result as u64,
            ref other => panic!("{name}: {other:?}"),
        }
    };
    let zext = |v: i32| v as u32 as u64;
    for v in EDGES {
        assert_eq!(run("param", &[v]), zext(v), "param {v}");
        assert_eq!(run("sub", &[v]), zext(v.wrapping_neg()), "sub {v}");
        assert_eq!(run("host", &[v]), zext(v.wrapping_neg()), "host {v}");
        assert_eq!(run("cmp", &[v]), 41 + (v < 0) as u64, "cmp {v}");
    }
    for shift in [0, 1, 31, 32, 33, 63] {
        let want = zext((u64::MAX << shift) as u32 as i32);
        assert_eq!(run("wrap", &[shift]), want, "wrap {shift}");
    }
    assert_eq!(run("const", &[]), 0xffff_ffff);
    assert_eq!(run("load", &[]), zext(0xf0_u8 as i8 as i32));
    assert_eq!(run("global", &[]), zext(-7));
}

#[test]
fn bit_fields_and_summed_products_agree_with_rust_in_either_executor_form() {
    // `field` takes the shift count mod 32; `dot` sums a product with its operand from
    // the register (a load just before) and from a slot; `wide` is the i64 form;
    // `digit` and `ring` mask a sum with a constant (the second from the register).
    let module = compile(
        r#"(module
              (memory 1)
              (func (export "field") (param i32 i32) (result i32)
                (i32.and (i32.shr_u (local.get 0) (i32.const 37)) (i32.const 0x3ff)))
              (func (export "field_loaded") (param i32) (result i32)
                (i32.store (i32.const 0) (local.get 0))
                (i32.and (i32.shr_u (i32.load (i32.const 0)) (i32.const 28)) (i32.const 0xff)))
              (func (export "dot") (param i32 i32) (result i32)
                (i32.store (i32.const 0) (local.get 0))
                (i32.add (local.get 1) (i32.mul (i32.load (i32.const 0)) (local.get 1))))
              (func (export "wide") (param i32 i32) (result i32)
                (i32.wrap_i64 (i64.shr_u
                  (i64.add (i64.mul (i64.extend_i32_s (local.get 0)) (i64.extend_i32_s (local.get 1)))
                           (i64.extend_i32_u (local.get 0)))
                  (i64.const 32))))
              (func (export "digit") (param i32 i32) (result i32)
                (i32.and (i32.add (local.get 0) (i32.const -48)) (i32.const 255)))
              (func (export "ring") (param i32 i32) (result i32)
                (i32.store (i32.const 0) (local.get 0))
                (i32.and (i32.add (i32.load (i32.const 0)) (i32.const 1)) (i32.const 1023))))"#,
    );
    let named = |func: u32, name: &str| Code::of(&module, func).any_named(|op| op == name);
    assert!(named(0, "i32.shr_u+i32.and"), "{}", Code::of(&module, 0));
    assert!(named(1, "i32.shr_u+i32.and"), "{}", Code::of(&module, 1));
    assert!(named(2, "i32.mul+i32.add"), "{}", Code::of(&module, 2));
    assert!(named(3, "i64.mul+i64.add"), "{}", Code::of(&module, 3));
    assert!(named(4, "i32.add+i32.and"), "{}", Code::of(&module, 4));
    let ring = Code::of(&module, 5);
    let masked = ring.find(|name| name == "i32.add+i32.and").unwrap();
    assert!(masked.operand_cached, "{ring}");
    let (mut store, instance) = instantiate(&module);
    for (a, b) in [
        (0, 5),
        (-1, 3),
        (i32::MIN, -1),
        (i32::MAX, i32::MAX),
        (0x1234_5678, -77),
    ] {
        let got = call(&mut store, &instance, "field", &[a, b]);
        assert_eq!(got, ((a as u32 >> 5) & 0x3ff) as i32);
        let got = call(&mut store, &instance, "field_loaded", &[a]);
        assert_eq!(got, ((a as u32 >> 28) & 0xff) as i32);
        let got = call(&mut store, &instance, "dot", &[a, b]);
        assert_eq!(got, a.wrapping_mul(b).wrapping_add(b));
        let wide = (a as i64)
            .wrapping_mul(b as i64)
            .wrapping_add(a as u32 as i64);
        assert_eq!(
            call(&mut store, &instance, "wide", &[a, b]),
            (wide as u64 >> 32) as i32
        );
        let got = call(&mut store, &instance, "digit", &[a, b]);
        assert_eq!(got, a.wrapping_sub(48) & 0xff);
        let got = call(&mut store, &instance, "ring", &[a, b]);
        assert_eq!(got, a.wrapping_add(1) & 1023);
    }
}

#[test]
fn float_products_summed_round_twice_as_the_two_instructions_do() {
    // `sum64`: the product as the add's left operand; `sum64_right`: as its right one;
    // `loaded64`: a factor from the register (the load just before); `sum32` the f32
    // form; `sum64x2` and `sum32x4` the vector forms, lane by lane. `a * b + c` rounds the product before the sum: with a = 1 + e, b = 1 - e
    // and c = -1 it is 0, where a fused multiply-add would give -e².
    let module = compile(
        r#"(module
              (memory 1)
              (func (export "sum64") (param f64 f64 f64) (result f64)
                (f64.add (f64.mul (local.get 0) (local.get 1)) (local.get 2)))
              (func (export "sum64_right") (param f64 f64 f64) (result f64)
                (f64.add (local.get 2) (f64.mul (local.get 0) (local.get 1))))
              (func (export "loaded64") (param f64 f64 f64) (result f64)
                (f64.store (i32.const 8) (local.get 0))
                (f64.add (f64.mul (local.get 1) (f64.load (i32.const 8))) (local.get 2)))
              (func (export "sum32") (param f32 f32 f32) (result f32)
                (f32.add (f32.mul (local.get 0) (local.get 1)) (local.get 2)))
              (func (export "sum64x2") (param v128 v128 v128) (result v128)
                (f64x2.add (local.get 2) (f64x2.mul (local.get 0) (local.get 1))))
              (func (export "sum32x4") (param v128 v128 v128) (result v128)
                (f32x4.add (f32x4.mul (local.get 0) (local.get 1)) (local.get 2)))
              (func (export "kept64x2") (param v128 v128 v128) (result v128)
                (local $product v128)
                (f64x2.add (local.tee $product (f64x2.mul (local.get 0) (local.get 1))) (local.get 2))
                (f64x2.add (local.get $product))))"#,
    );
    let code = |func: u32| Code::of(&module, func);
    for func in 0..3 {
        assert!(
            code(func).any_named(|op| op == "f64.mul+f64.add"),
            "{}",
            code(func)
        );
    }
    let loaded = code(2);
    let fused = loaded.find(|op| op == "f64.mul+f64.add").unwrap();
    assert!(fused.operand_cached, "{loaded}");
    for (func, fused) in [
        (3, "f32.mul+f32.add"),
        (4, "f64x2.mul+f64x2.add"),
        (5, "f32x4.mul+f32x4.add"),
    ] {
        assert!(code(func).any_named(|op| op == fused), "{}", code(func));
    }
    // A product kept in a local as well is not fused: the add would not write it.
    assert!(code(6).any_named(|op| op == "f64x2.mul"), "{}", code(6));
    let (mut store, instance) = instantiate(&module);
    let e = 2f64.powi(-30);
    let cases = [
        (1.0 + e, 1.0 - e, -1.0),
        (3.5, -2.25, 0.125),
        (f64::MAX, 2.0, 1.0),
        (1e-300, 1e-300, -0.0),
    ];
    for (a, b, c) in cases {
        let args = [Value::F64(a), Value::F64(b), Value::F64(c)];
        for name in ["sum64", "sum64_right", "loaded64"] {
            let got = instance.call(&mut store, name, &args).unwrap();
            assert_eq!(got, [Value::F64(a * b + c)], "{name}({a}, {b}, {c})");
            let func = instance.get_func(&store, name).unwrap();
            let (stepped, _) = common::call_one_op_at_a_time(&mut store, func, &args);
            assert_eq!(stepped.unwrap(), got, "{name} one op at a time");
        }
        // The vectors: these values in lane 1, their negations in lane 0.
        let lanes64 =
            |x: f64| Value::V128(u128::from((-x).to_bits()) | u128::from(x.to_bits()) << 64);
        let args = [lanes64(a), lanes64(b), lanes64(c)];
        let got = instance.call(&mut store, "sum64x2", &args).unwrap();
        let want = u128::from((a * b - c).to_bits()) | u128::from((a * b + c).to_bits()) << 64;
        assert_eq!(got, [Value::V128(want)], "sum64x2({a}, {b}, {c})");
        let kept = instance.call(&mut store, "kept64x2", &args).unwrap();
        let (kept_low, kept_high) = ((-c + a * b) + a * b, (c + a * b) + a * b);
        let want = u128::from(kept_low.to_bits()) | u128::from(kept_high.to_bits()) << 64;
        assert_eq!(kept, [Value::V128(want)], "kept64x2({a}, {b}, {c})");
        let (a, b, c) = (a as f32, b as f32, c as f32);
        let args = [Value::F32(a), Value::F32(b), Value::F32(c)];
        let got = instance.call(&mut store, "sum32", &args).unwrap();
        assert_eq!(got, [Value::F32(a * b + c)], "sum32({a}, {b}, {c})");
        // Lanes a, b, c and 1 of each vector.
        let lanes32 = |x: [f32; 4]| {
            Value::V128(u128::from_le_bytes(std::array::from_fn(|i| {
                x[i / 4].to_le_bytes()[i % 4]
            })))
        };
        let args = [
            lanes32([a, b, c, 1.0]),
            lanes32([b, c, a, 1.0]),
            lanes32([c, a, b, 1.0]),
        ];
        let got = instance.call(&mut store, "sum32x4", &args).unwrap();
        let want = lanes32([a * b + c, b * c + a, c * a + b, 2.0]);
        assert_eq!(got, [want], "sum32x4({a}, {b}, {c})");
    }
    let f = 2f32.powi(-15);
    let args = [Value::F32(1.0 + f), Value::F32(1.0 - f), Value::F32(-1.0)];
    let got = instance.call(&mut store, "sum32", &args).unwrap();
    assert_eq!(got, [Value::F32(0.0)]);
    let args = [Value::F64(f64::NAN), Value::F64(1.0), Value::F64(1.0)];
    match instance.call(&mut store, "sum64", &args).unwrap()[..] {
        [Value::F64(nan)] => assert!(nan.is_nan()),
        ref other => panic!("{other:?}"),
    }
}

#[test]
fn a_copy_before_a_loop_back_edge_runs_with_the_branch() {
    // Reverses a linked list of `n` nodes at 8, 16, ... (each node: next pointer, value)
    // and sums the values weighted by their position after it: `prev = p` is the copy
    // before the back edge `br_if` on `next`.
    let module = compile(
        r#"(module
              (memory 1)
              (func (export "reverse") (param $n i32) (result i32)
                (local $p i32) (local $prev i32) (local $next i32) (local $i i32) (local $sum i32)
                (loop $build
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (i32.store (i32.shl (local.get $i) (i32.const 3))
                    (select (i32.shl (i32.add (local.get $i) (i32.const 1)) (i32.const 3)) (i32.const 0)
                      (i32.lt_u (local.get $i) (local.get $n))))
                  (i32.store offset=4 (i32.shl (local.get $i) (i32.const 3)) (local.get $i))
                  (br_if $build (i32.lt_u (local.get $i) (local.get $n))))
                (local.set $next (i32.const 8))
                (loop $reverse
                  (local.set $p (local.get $next))
                  (local.set $next (i32.load (local.get $p)))
                  (i32.store (local.get $p) (local.get $prev))
                  (local.set $prev (local.get $p))
                  (br_if $reverse (local.get $next)))
                (local.set $i (i32.const 0))
                (loop $walk
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (local.set $sum (i32.add (local.get $sum)
                    (i32.mul (local.get $i) (i32.load offset=4 (local.get $prev)))))
                  (local.set $prev (i32.load (local.get $prev)))
                  (br_if $walk (local.get $prev)))
                (local.get $sum))
              ;; Follows the pointers from `p` to the null one: a load trapping past the end.
              (func (export "walk") (param $p i32) (result i32)
                (loop $next (br_if $next (local.tee $p (i32.load (local.get $p)))))
                (local.get $p)))"#,
    );
    let code = Code::of(&module, 0);
    assert!(
        code.any(|op| matches!(op.op, Op::CopyBrIfNez { .. })),
        "{code}"
    );
    // The walk's `prev = prev->next` and its test.
    assert!(
        code.any(|op| matches!(op.op, Op::Load32BrIfNez { .. })),
        "{code}"
    );
    let walk = Code::of(&module, 1);
    assert!(
        walk.any(|op| matches!(op.op, Op::Load32BrIfNez { .. })),
        "{walk}"
    );
    let (mut store, instance) = instantiate(&module);
    for n in [1, 2, 3, 10, 100] {
        // After reversing, position i holds value n + 1 - i.
        let want: i32 = (1..=n).map(|i| i * (n + 1 - i)).sum();
        assert_eq!(
            call(&mut store, &instance, "reverse", &[n]),
            want,
            "n = {n}"
        );
    }
    assert_eq!(call(&mut store, &instance, "walk", &[8]), 0);
    let trap = instance
        .call(&mut store, "walk", &[Value::I32(65_534)])
        .unwrap_err();
    assert!(
        trap.to_string().contains("out of bounds memory access"),
        "{trap}"
    );
}

#[test]
fn a_global_stepped_by_a_constant_is_one_op() {
    // `frame`: the stack pointer's prologue (`sp - 32`, kept in a local) and epilogue;
    // `count`: a counter in a global stepped n times. Not fused: `kept` reads the global
    // into a local first (it keeps the old value), `other` sets another global.
    let module = compile(
        r#"(module
              (memory 1)
              (global $sp (export "sp") (mut i32) (i32.const 4096))
              (global $other (export "counter") (mut i32) (i32.const 0))
              (func (export "frame") (param $v i32) (result i32) (local $fp i32)
                (global.set $sp (local.tee $fp (i32.sub (global.get $sp) (i32.const 32))))
                (i32.store offset=8 (local.get $fp) (local.get $v))
                (i32.add (i32.load offset=8 (local.get $fp)) (local.get $fp))
                (global.set $sp (i32.add (local.get $fp) (i32.const 32))))
              (func (export "count") (param $n i32) (result i32)
                (loop $next
                  (global.set $other (i32.add (global.get $other) (i32.const 3)))
                  (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
                (global.get $other))
              (func (export "kept") (param i32) (result i32) (local i32)
                (local.set 1 (global.get $other))
                (global.set $other (i32.add (local.get 1) (i32.const 1)))
                (local.get 1))
              (func (export "other") (param i32) (result i32)
                (global.set $other (i32.sub (global.get $sp) (i32.const 1)))
                (global.get $other)))"#,
    );
    let stepped = |func: u32| {
        Code::of(&module, func).any_named(|name| name == "global.get+i32.add+global.set")
    };
    assert_eq!(
        [0, 1, 2, 3].map(stepped),
        [true, true, false, false],
        "{}",
        Code::of(&module, 0)
    );
    let (mut store, instance) = instantiate(&module);
    let global = |store: &Store<()>, name: &str| match instance.get_global(store, name) {
        Some(global) => global.get(store),
        None => panic!("no global {name}"),
    };
    for v in [0, 5, -1] {
        assert_eq!(
            call(&mut store, &instance, "frame", &[v]),
            v.wrapping_add(4064)
        );
        assert_eq!(global(&store, "sp"), Value::I32(4096));
    }
    let mut total = 0i32;
    for n in [1, 2, 1000] {
        total = total.wrapping_add(3 * n);
        assert_eq!(call(&mut store, &instance, "count", &[n]), total);
        // One op at a time, the loop executor runs the same op.
        total = total.wrapping_add(3 * n);
        let count = instance.get_func(&store, "count").unwrap();
        let (stepped, _) = common::call_one_op_at_a_time(&mut store, count, &[Value::I32(n)]);
        assert_eq!(stepped.unwrap(), [Value::I32(total)]);
    }
    assert_eq!(call(&mut store, &instance, "kept", &[0]), total);
    assert_eq!(global(&store, "counter"), Value::I32(total + 1));
    assert_eq!(call(&mut store, &instance, "other", &[0]), 4095);
    // Wrapping: the counter past `i32::MAX`.
    let counter = instance.get_global(&store, "counter").unwrap();
    counter.set(&mut store, Value::I32(i32::MAX - 1)).unwrap();
    assert_eq!(
        call(&mut store, &instance, "count", &[1]),
        i32::MAX.wrapping_add(2)
    );
}

#[test]
fn a_global_set_takes_the_value_just_computed_from_the_register() {
    // `count`: two counters in globals, as the bench's global_counter (run(n) = 1 + ... + n);
    // `tee`: the value set is also kept in a local, read again after the set.
    let module = compile(
        r#"(module
              (global $left (export "left") (mut i32) (i32.const 0))
              (global $total (export "total") (mut i64) (i64.const 0))
              (func (export "count") (param $n i32) (result i64)
                (global.set $left (local.get $n))
                (global.set $total (i64.const 0))
                (loop $next
                  (global.set $total
                    (i64.add (global.get $total) (i64.extend_i32_u (global.get $left))))
                  (global.set $left (i32.sub (global.get $left) (i32.const 1)))
                  (br_if $next (global.get $left)))
                (global.get $total))
              (func (export "tee") (param i32) (result i32) (local i32)
                (global.set $left (local.tee 1 (i32.mul (local.get 0) (i32.const 3))))
                (i32.add (local.get 1) (global.get $left))))"#,
    );
    let cached_sets = |func: u32| {
        Code::of(&module, func).count(|op| op.op.name() == "global.set" && op.operand_cached)
    };
    // Two sets in `count` (of the constant and the sum: the difference is stepped in the
    // global by one op); `tee`'s.
    assert_eq!([0, 1].map(cached_sets), [2, 1], "{}", Code::of(&module, 0));
    let (mut store, instance) = instantiate(&module);
    for n in [1, 2, 1000, 65_536] {
        let sum = n as i64 * (n as i64 + 1) / 2;
        let args = [Value::I32(n)];
        let sum = [Value::I64(sum)];
        assert_eq!(instance.call(&mut store, "count", &args).unwrap(), sum);
        assert_eq!(
            [instance.get_global(&store, "total").unwrap().get(&store)],
            sum
        );
        assert_eq!(
            instance.get_global(&store, "left").unwrap().get(&store),
            Value::I32(0)
        );
        // One op at a time, the loop executor runs the same ops from the slots.
        let count = instance.get_func(&store, "count").unwrap();
        let (metered, _) = common::call_one_op_at_a_time(&mut store, count, &args);
        assert_eq!(metered.unwrap(), sum);
    }
    for x in [0, 7, -5, i32::MAX] {
        let tripled = x.wrapping_mul(3);
        assert_eq!(
            call(&mut store, &instance, "tee", &[x]),
            tripled.wrapping_add(tripled)
        );
    }
}

#[test]
fn a_select_takes_its_condition_just_computed_from_the_register() {
    // One bit of CoreMark's CRC-16: the condition is the low bit of `crc ^ data`. In
    // `same`, the condition is also an arm, so it is read from its slot as well; in
    // `constants` and `clamp`, an arm is a constant in the op (in `constants`, the other
    // is written to its slot after the condition); not in `wide` (64 bits).
    let module = compile(
        r#"(module
              (func (export "crc_bit") (param $crc i32) (param $data i32) (result i32)
                (select
                  (i32.xor (i32.shr_u (local.get $crc) (i32.const 1)) (i32.const 0xa001))
                  (i32.shr_u (local.get $crc) (i32.const 1))
                  (i32.and (i32.xor (local.get $crc) (local.get $data)) (i32.const 1))))
              (func (export "same") (param i32 i32) (result i32) (local i32)
                (select (local.get 1) (local.tee 2 (i32.and (local.get 0) (i32.const 6)))
                  (local.get 2)))
              (func (export "constants") (param i32 i32) (result i32)
                (select (i32.const 5) (i32.const -1) (i32.eq (local.get 0) (i32.const 46))))
              (func (export "clamp") (param i32 i32) (result i32)
                (select (i32.const 0) (local.get 0) (i32.gt_s (local.get 0) (local.get 1))))
              (func (export "wide") (param i32 i32) (result i64)
                (select (i64.const -1) (i64.const 0x1_0000_0000) (local.get 0))))"#,
    );
    for func in [0, 1, 3] {
        let code = Code::of(&module, func);
        let select = code.find(|name| name == "select").unwrap();
        assert!(select.operand_cached, "{code}");
    }
    let (mut store, instance) = instantiate(&module);
    for (crc, data) in [(0, 0), (0, 1), (0xffff, 0x80), (0x1234, 0x35), (-1, -2)] {
        let shifted = (crc as u32 >> 1) as i32;
        let wanted = if (crc ^ data) & 1 != 0 {
            shifted ^ 0xa001
        } else {
            shifted
        };
        assert_eq!(call(&mut store, &instance, "crc_bit", &[crc, data]), wanted);
        let masked = crc & 6;
        let wanted = if masked != 0 { data } else { masked };
        assert_eq!(call(&mut store, &instance, "same", &[crc, data]), wanted);
        let wanted = if crc == 46 { 5 } else { -1 };
        assert_eq!(
            call(&mut store, &instance, "constants", &[crc, data]),
            wanted
        );
        let wanted = if crc > data { 0 } else { crc };
        assert_eq!(call(&mut store, &instance, "clamp", &[crc, data]), wanted);
        let wanted = if crc != 0 { -1 } else { 0x1_0000_0000 };
        let args = [Value::I32(crc), Value::I32(data)];
        let got = instance.call(&mut store, "wide", &args).unwrap();
        assert_eq!(got, [Value::I64(wanted)]);
    }
    assert_eq!(call(&mut store, &instance, "constants", &[46, 0]), 5);
    let constant_arm = |func: u32| {
        let code = Code::of(&module, func);
        code.any(|op| {
            op.op.name() == "select" && !matches!(op.op, Op::Select { .. } | Op::SelectAcc { .. })
        })
    };
    assert_eq!([2, 3, 4].map(constant_arm), [true, true, false]);
}

#[test]
fn copies_take_the_value_just_computed_from_the_register() {
    // `fib`: (a, b) = (b, a + b) as LLVM leaves it, the sum on the operand stack while `a`
    // takes `b` (one `copy2`, its second source the sum, which then needs no slot);
    // `moved`: a sum copied into a second local; `aliased`: a `copy2` whose first copy
    // overwrites the second's source, just computed, so the second must read the slot;
    // `after_copy`: a product of the local a copy read, which the register holds too.
    let module = compile(
        r#"(module
              (func (export "fib") (param $n i32) (result i64) (local $a i64) (local $b i64)
                (local.set $b (i64.const 1))
                (loop $next
                  (i64.add (local.get $a) (local.get $b))
                  (local.set $a (local.get $b))
                  (local.set $b)
                  (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
                (local.get $a))
              (func (export "moved") (param i32 i32) (result i32) (local i32 i32)
                (local.set 2 (i32.add (local.get 0) (local.get 1)))
                (local.set 3 (local.get 2))
                (i32.sub (local.get 3) (local.get 2)))
              (func (export "aliased") (param i32 i32) (result i32) (local i32)
                (local.set 0 (i32.mul (local.get 0) (i32.const 3)))
                (local.set 0 (local.get 1))
                (local.set 2 (local.get 0))
                (i32.add (local.get 0) (local.get 2)))
              (func (export "after_copy") (param f64 f64) (result f64) (local f64 f64)
                (local.set 2 (f64.add (local.get 0) (local.get 1)))
                (local.set 3 (local.get 2))
                (f64.sub (f64.mul (local.get 2) (local.get 1)) (local.get 3))))"#,
    );
    let fib = Code::of(&module, 0);
    let copy2 = fib.find(|name| name == "copy2").unwrap();
    assert!(copy2.operand_cached, "{fib}");
    assert!(
        fib.any(|op| op.op.name() == "i64.add" && op.result_in_register),
        "{fib}"
    );
    let moved = Code::of(&module, 1);
    assert!(
        moved.find(|name| name == "copy").unwrap().operand_cached,
        "{moved}"
    );
    let aliased = Code::of(&module, 2);
    assert!(
        aliased.any(|op| matches!(op.op, Op::Copy2 { .. })),
        "{aliased}"
    );
    let after_copy = Code::of(&module, 3);
    let product = after_copy.find(|name| name == "f64.mul").unwrap();
    assert!(product.operand_cached, "{after_copy}");
    let (mut store, instance) = instantiate(&module);
    for n in [1, 2, 3, 10, 90, 1000] {
        let (mut a, mut b) = (0u64, 1u64);
        for _ in 0..n {
            (a, b) = (b, a.wrapping_add(b));
        }
        let args = [Value::I32(n)];
        let wanted = [Value::I64(a as i64)];
        assert_eq!(instance.call(&mut store, "fib", &args).unwrap(), wanted);
        // One op at a time, the loop executor runs the same ops from the slots.
        let fib = instance.get_func(&store, "fib").unwrap();
        assert_eq!(
            common::call_one_op_at_a_time(&mut store, fib, &args)
                .0
                .unwrap(),
            wanted
        );
    }
    for (x, y) in [(0, 0), (7, -5), (i32::MAX, 1), (-3, 12)] {
        assert_eq!(call(&mut store, &instance, "moved", &[x, y]), 0);
        assert_eq!(
            call(&mut store, &instance, "aliased", &[x, y]),
            y.wrapping_add(y)
        );
    }
    for (x, y) in [(1.5, 2.0), (-0.25, 3.0), (1e300, 1e10)] {
        let sum = x + y;
        let args = [Value::F64(x), Value::F64(y)];
        let wanted = [Value::F64(sum * y - sum)];
        assert_eq!(
            instance.call(&mut store, "after_copy", &args).unwrap(),
            wanted
        );
    }
}

#[test]
fn a_load_and_a_store_to_one_address_swap_in_one_op() {
    // `reverse`: a linked list reversed in place (`next = p->next; p->next = rev`), the
    // new head returned; `replace`: `mem::replace` at an offset. Not fused:
    // `into_address` loads into the address's own local, `into_value` into the value
    // stored, `elsewhere` stores at another offset.
    let module = compile(
        r#"(module
              (memory 1)
              (func (export "reverse") (param $list i32) (result i32)
                (local $next i32) (local $rev i32)
                (block $done
                  (br_if $done (i32.eqz (local.get $list)))
                  (loop $walk
                    (local.set $next (i32.load (local.get $list)))
                    (i32.store (local.get $list) (local.get $rev))
                    (local.set $rev (local.get $list))
                    (br_if $walk (local.tee $list (local.get $next)))))
                (local.get $rev))
              (func (export "replace") (param $p i32) (param $v i32) (result i32)
                (local $old i32)
                (local.set $old (i32.load offset=8 (local.get $p)))
                (i32.store offset=8 (local.get $p) (local.get $v))
                (local.get $old))
              (func (export "into_address") (param $p i32) (param $v i32) (result i32)
                (local.set $p (i32.load (local.get $p)))
                (i32.store (local.get $p) (local.get $v))
                (local.get $p))
              (func (export "into_value") (param $p i32) (param $v i32) (result i32)
                (local.set $v (i32.load (local.get $p)))
                (i32.store (local.get $p) (local.get $v))
                (local.get $v))
              (func (export "elsewhere") (param $p i32) (param $v i32) (result i32)
                (local $old i32)
                (local.set $old (i32.load offset=4 (local.get $p)))
                (i32.store (local.get $p) (local.get $v))
                (local.get $old)))"#,
    );
    let swapped = |func: u32| Code::of(&module, func).any_named(|name| name == "load32+store32");
    assert_eq!(
        [0, 1, 2, 3, 4].map(swapped),
        [true, true, false, false, false],
        "{}",
        Code::of(&module, 0)
    );
    let (mut store, instance) = instantiate(&module);
    let memory = instance.default_memory(&store).unwrap();
    let word = |store: &Store<()>, at: i32| {
        let bytes = &memory.data(store)[at as usize..at as usize + 4];
        i32::from_le_bytes(bytes.try_into().unwrap())
    };
    // A list of n nodes at 16, 32, ..., each holding its successor's address.
    let link = |store: &mut Store<()>, n: i32| {
        for node in 1..=n {
            let next = if node == n { 0 } else { 16 * (node + 1) };
            memory.data_mut(&mut *store)[16 * node as usize..][..4]
                .copy_from_slice(&next.to_le_bytes());
        }
    };
    let reverse = instance.get_func(&store, "reverse").unwrap();
    for n in [1, 2, 30] {
        link(&mut store, n);
        assert_eq!(call(&mut store, &instance, "reverse", &[16]), 16 * n);
        let mut order = vec![16 * n];
        while let Some(&node) = order.last().filter(|&&node| node != 0) {
            order.push(word(&store, node));
        }
        let expected: Vec<i32> = (1..=n).rev().map(|node| 16 * node).chain([0]).collect();
        assert_eq!(order, expected);
        // One op at a time, the loop executor swaps them back.
        let (stepped, _) =
            common::call_one_op_at_a_time(&mut store, reverse, &[Value::I32(16 * n)]);
        assert_eq!(stepped.unwrap(), [Value::I32(16)]);
        assert_eq!(word(&store, 16), if n == 1 { 0 } else { 32 });
    }
    assert_eq!(call(&mut store, &instance, "reverse", &[0]), 0);
    memory.data_mut(&mut store)[108..112].copy_from_slice(&77i32.to_le_bytes());
    assert_eq!(call(&mut store, &instance, "replace", &[100, -5]), 77);
    assert_eq!(word(&store, 108), -5);
    // The last word of memory; one byte past it traps before anything is stored.
    assert_eq!(call(&mut store, &instance, "replace", &[65_524, 9]), 0);
    assert_eq!(word(&store, 65_532), 9);
    let trap = instance
        .call(&mut store, "replace", &[Value::I32(65_525), Value::I32(1)])
        .unwrap_err();
    assert!(trap.to_string().contains("out of bounds"), "{trap}");
    assert_eq!(word(&store, 65_532), 9);
    // `p = *p; *p = v` stores at the address loaded; `v = *p; *p = v` stores it back.
    memory.data_mut(&mut store)[200..204].copy_from_slice(&300i32.to_le_bytes());
    assert_eq!(call(&mut store, &instance, "into_address", &[200, 4]), 300);
    assert_eq!((word(&store, 200), word(&store, 300)), (300, 4));
    assert_eq!(call(&mut store, &instance, "into_value", &[200, 4]), 300);
    assert_eq!(word(&store, 200), 300);
    memory.data_mut(&mut store)[404..408].copy_from_slice(&6i32.to_le_bytes());
    assert_eq!(call(&mut store, &instance, "elsewhere", &[400, 8]), 6);
    assert_eq!((word(&store, 400), word(&store, 404)), (8, 6));
}

#[test]
fn a_counter_in_memory_steps_in_one_op() {
    // `count`: `p[1] += 3`, n times; `elsewhere` stores to another offset, `kept` keeps
    // the value loaded in a local, `other_memory` stores to memory 1: none is fused.
    let module = compile(
        r#"(module
              (memory 1)
              (memory $second 1)
              (func (export "count") (param $p i32) (param $n i32) (result i32)
                (loop $next
                  (i32.store offset=4 (local.get $p)
                    (i32.add (i32.load offset=4 (local.get $p)) (i32.const 3)))
                  (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
                (i32.load offset=4 (local.get $p)))
              (func (export "elsewhere") (param $p i32) (result i32)
                (i32.store offset=8 (local.get $p)
                  (i32.add (i32.load offset=4 (local.get $p)) (i32.const 1)))
                (i32.load offset=8 (local.get $p)))
              (func (export "kept") (param $p i32) (result i32) (local i32)
                (i32.store (local.get $p)
                  (i32.add (local.tee 1 (i32.load (local.get $p))) (i32.const 1)))
                (local.get 1))
              (func (export "other_memory") (param $p i32) (result i32)
                (i32.store (local.get $p) (i32.const 10))
                (i32.store $second (local.get $p)
                  (i32.add (i32.load (local.get $p)) (i32.const 1)))
                (i32.load $second (local.get $p))))"#,
    );
    let fused =
        |func: u32| Code::of(&module, func).any_named(|name| name == "i32.load+i32.add+i32.store");
    assert_eq!(
        [0, 1, 2, 3].map(fused),
        [true, false, false, false],
        "{}",
        Code::of(&module, 0)
    );
    let (mut store, instance) = instantiate(&module);
    let count = instance.get_func(&store, "count").unwrap();
    let mut total = 0i32;
    for n in [1, 2, 1000] {
        total = total.wrapping_add(3 * n);
        let args = [Value::I32(100), Value::I32(n)];
        assert_eq!(
            instance.call(&mut store, "count", &args).unwrap(),
            [Value::I32(total)]
        );
        // One op at a time, the loop executor runs the same op.
        total = total.wrapping_add(3 * n);
        let (stepped, _) = common::call_one_op_at_a_time(&mut store, count, &args);
        assert_eq!(stepped.unwrap(), [Value::I32(total)]);
    }
    // The last word of memory, and one byte past it.
    let last = [Value::I32(65_528), Value::I32(1)];
    assert_eq!(
        instance.call(&mut store, "count", &last).unwrap(),
        [Value::I32(3)]
    );
    let past = [Value::I32(65_529), Value::I32(1)];
    let trap = instance.call(&mut store, "count", &past).unwrap_err();
    assert!(trap.to_string().contains("out of bounds"), "{trap}");
    assert_eq!(call(&mut store, &instance, "elsewhere", &[200]), 1);
    assert_eq!(call(&mut store, &instance, "kept", &[300]), 0);
    assert_eq!(call(&mut store, &instance, "kept", &[300]), 1);
    assert_eq!(call(&mut store, &instance, "other_memory", &[400]), 11);
}

#[test]
fn two_slots_stepped_by_constants_in_a_row_run_as_one_op_in_order() {
    // `dot`: two pointers stepped after each product; `chained`: the second add reads
    // the first's sum (not in place: two ops); `twice`: the same slot stepped twice.
    let module = compile(
        r#"(module
              (memory 1)
              (func (export "dot") (param $p i32) (param $q i32) (param $n i32) (result i32)
                (local $sum i32)
                (loop $next
                  (local.set $sum (i32.add (local.get $sum)
                    (i32.mul (i32.load16_s (local.get $p)) (i32.load16_s (local.get $q)))))
                  (local.set $p (i32.add (local.get $p) (i32.const 2)))
                  (local.set $q (i32.add (local.get $q) (i32.const 6)))
                  (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
                (i32.add (local.get $sum) (i32.add (local.get $p) (local.get $q))))
              (func (export "chained") (param i32 i32) (result i32)
                (local.set 0 (i32.add (local.get 0) (i32.const 7)))
                (local.set 1 (i32.add (local.get 0) (i32.const -3)))
                (i32.mul (local.get 0) (local.get 1)))
              (func (export "twice") (param i32 i32) (result i32)
                (local.set 0 (i32.add (local.get 0) (i32.const 7)))
                (local.set 0 (i32.add (local.get 0) (i32.const -3)))
                (local.get 0)))"#,
    );
    let paired = |func: u32| Code::of(&module, func).any_named(|name| name == "i32.add+i32.add");
    assert_eq!(
        [0, 1, 2].map(paired),
        [true, false, true],
        "{}",
        Code::of(&module, 0)
    );
    let (mut store, instance) = instantiate(&module);
    let word = write_words(&mut store, &instance, 600, |i| i * 7 - 900);
    for n in [1, 2, 50] {
        let (p, q) = (0usize, 100usize);
        let sum: i32 = (0..n as usize)
            .map(|i| word(p + 2 * i) * word(q + 6 * i))
            .sum();
        let end = (p + 2 * n as usize + q + 6 * n as usize) as i32;
        let got = call(&mut store, &instance, "dot", &[p as i32, q as i32, n]);
        assert_eq!(got, sum + end);
    }
    for x in [0, -7, i32::MAX, 100] {
        let first = x.wrapping_add(7);
        let got = call(&mut store, &instance, "chained", &[x, 0]);
        assert_eq!(got, first.wrapping_mul(first.wrapping_sub(3)));
        assert_eq!(
            call(&mut store, &instance, "twice", &[x, 0]),
            x.wrapping_add(4)
        );
    }
}

#[test]
fn a_slot_stepped_by_a_constant_then_one_by_a_slot_run_as_one_op_in_order() {
    // `column`: a row pointer stepped by 2 and a column pointer by the stride (the
    // stride as either operand); `reads_first`: the second add reads the first's sum;
    // `not_in_place`: the second add writes a third slot (two ops).
    let module = compile(
        r#"(module
              (memory 1)
              (func (export "column") (param $p i32) (param $q i32) (param $stride i32)
                                      (param $n i32) (result i32)
                (local $sum i32)
                (loop $next
                  (local.set $sum (i32.add (local.get $sum)
                    (i32.mul (i32.load16_s (local.get $p)) (i32.load16_s (local.get $q)))))
                  (local.set $p (i32.add (local.get $p) (i32.const 2)))
                  (local.set $q (i32.add (local.get $stride) (local.get $q)))
                  (br_if $next (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
                (i32.add (local.get $sum) (i32.mul (local.get $p) (local.get $q))))
              (func (export "reads_first") (param i32 i32) (result i32)
                (local.set 0 (i32.add (local.get 0) (i32.const 7)))
                (local.set 1 (i32.add (local.get 1) (local.get 0)))
                (i32.mul (local.get 0) (local.get 1)))
              (func (export "not_in_place") (param i32 i32 i32) (result i32)
                (local.set 0 (i32.add (local.get 0) (i32.const 7)))
                (local.set 2 (i32.add (local.get 1) (local.get 0)))
                (i32.mul (local.get 0) (local.get 2))))"#,
    );
    let paired = |func: u32| Code::of(&module, func).any_named(|name| name == "i32.add+i32.add");
    assert_eq!(
        [0, 1, 2].map(paired),
        [true, true, false],
        "{}",
        Code::of(&module, 0)
    );
    let (mut store, instance) = instantiate(&module);
    let word = write_words(&mut store, &instance, 2000, |i| i * 5 - 3000);
    for (n, stride) in [(1, 10), (2, 20), (40, 34)] {
        let (p, q) = (0usize, 200usize);
        let sum: i32 = (0..n).map(|i| word(p + 2 * i) * word(q + stride * i)).sum();
        let (p_end, q_end) = ((p + 2 * n) as i32, (q + stride * n) as i32);
        let args = [p, q, stride, n].map(|x| Value::I32(x as i32));
        let expected = [Value::I32(sum.wrapping_add(p_end.wrapping_mul(q_end)))];
        assert_eq!(
            instance.call(&mut store, "column", &args).unwrap(),
            expected
        );
        let column = instance.get_func(&store, "column").unwrap();
        let (stepped, _) = common::call_one_op_at_a_time(&mut store, column, &args);
        assert_eq!(stepped.unwrap(), expected);
    }
    for (x, y) in [(0, 0), (-7, 3), (i32::MAX, 100), (100, i32::MIN)] {
        let first = x.wrapping_add(7);
        assert_eq!(
            call(&mut store, &instance, "reads_first", &[x, y]),
            first.wrapping_mul(y.wrapping_add(first))
        );
        assert_eq!(
            call(&mut store, &instance, "not_in_place", &[x, y, 0]),
            first.wrapping_mul(y.wrapping_add(first))
        );
    }
}

/// i64 edge values: those whose low 32 bits alone would compare differently, and the
/// ends of the range a fused op's 32-bit immediate holds.
const EDGES_64: [i64; 11] = [
    i64::MIN,
    -(1 << 31) - 1,
    -(1 << 31),
    -1,
    0,
    1,
    (1 << 31) - 1,
    1 << 31,
    0xffff_ffff,
    1 << 32,
    i64::MAX,
];

#[test]
fn i64_compare_and_branch_agrees_with_rust_and_keeps_wide_constants_whole() {
    for (cmp, holds) in COMPARISONS {
        for imm in EDGES_64 {
            let module = compile(&comparison_module("i64", cmp, &imm.to_string()));
            let fits = i64::from(imm as i32) == imm;
            for func in 0..8 {
                let code = Code::of(&module, func);
                let fused = code.any_named(|name| name.starts_with("br_if i64."));
                let comparison = code.any_named(|name| name.starts_with("i64."));
                // Functions 0..4 compare two parameters; 4..8 with the constant, which
                // a fused op holds only when it fits in 32 bits.
                let expect_fused = func < 4 || fits;
                assert_eq!(fused, expect_fused, "{cmp} {imm}:\n{code}");
                assert_eq!(comparison, !expect_fused, "{cmp} {imm}:\n{code}");
            }
            let (mut store, instance) = instantiate(&module);
            for a in EDGES_64 {
                let want = i64::from(holds(a, imm));
                for func in BRANCH_FUNCS {
                    let got = call_i64(&mut store, &instance, func, &[a, imm]).unwrap();
                    assert_eq!(got, want, "{func} {cmp} {a} {imm}");
                    let func = format!("{func}_const");
                    let got = call_i64(&mut store, &instance, &func, &[a]).unwrap();
                    assert_eq!(got, want, "{func} {cmp} {a} {imm}");
                }
            }
        }
    }
}

#[test]
fn eqz_folds_into_the_branch_in_both_widths() {
    for ty in ["i32", "i64"] {
        let condition = format!("({ty}.eqz (local.get 0))");
        let module = compile(&format!("(module {})", branches_on(&condition, ty, "")));
        let eqz = format!("{ty}.eqz");
        // (Under `br_unless` and `if_not`, an `i32.eqz` of an `i32.eqz` keeps one.)
        let folded = if ty == "i32" { 0..2 } else { 0..4 };
        for func in folded {
            let code = Code::of(&module, func);
            assert!(!code.any_named(|name| name == eqz), "not folded:\n{code}");
        }
        let (mut store, instance) = instantiate(&module);
        for a in EDGES_64 {
            let (arg, zero) = match ty {
                "i32" => (Value::I32(a as i32), a as i32 == 0),
                _ => (Value::I64(a), a == 0),
            };
            for func in BRANCH_FUNCS {
                let got = instance.call(&mut store, func, &[arg]).unwrap();
                assert_eq!(got, [Value::I32(zero.into())], "{ty} {func} {a}");
            }
        }
    }
}

#[test]
fn a_value_passed_back_to_its_loop_from_a_local_is_copied_with_the_branch() {
    // `local.tee $n; local.get $n; br_if $loop`: the loop's parameter comes back from a
    // local. Counting down by a constant, the step, copy and branch are one op; halving,
    // the copy and branch take the value from the register; a value copied to a block's
    // result slot with its branch is still the block's on the path falling through.
    // Counts the rounds of `n = n <step>` until it is 0, `n` the loop's parameter.
    let rounds = |name: &str, step: &str| {
        format!(
            r#"(func (export "{name}") (param $n i32) (result i32) (local $steps i32)
                 (local.get $n)
                 (loop $again (param i32) (result i32)
                   (local.set $steps (i32.add (local.get $steps) (i32.const 1)))
                   {step} (local.tee $n) (local.get $n) (br_if $again))
                 (i32.add (local.get $steps)))"#
        )
    };
    let module = compile(&format!(
        r#"(module {} {}
              (func (export "sum_of_params") (param $n i32) (result i32) (local $sum i32)
                (local.get $n)
                (loop $again (param i32) (result i32)
                  (local.set $sum (i32.add (local.get $sum)))
                  (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
                  (local.get $n)
                  (br_if $again))
                (i32.add (local.get $sum)))
              (func (export "pick") (param $x i32) (param $c i32) (result i32)
                (block (result i32)
                  (br_if 0 (local.get $x) (local.get $c))
                  (drop)
                  (i32.const 7))))"#,
        rounds("countdown", "(i32.const 3) (i32.sub)"),
        rounds("halvings", "(i32.const 1) (i32.shr_u)"),
    ));
    let countdown = Code::of(&module, 0);
    assert!(
        countdown.any_named(|name| name == "i32.add+copy+br_if"),
        "not fused:\n{countdown}"
    );
    let halvings = Code::of(&module, 1);
    let cached_copy =
        |op: &CompiledOp| matches!(op.op, Op::CopyBrIfNezAcc { .. }) && op.operand_cached;
    assert!(halvings.any(cached_copy), "not cached:\n{halvings}");
    let pick = Code::of(&module, 3);
    assert!(
        pick.any_named(|name| name == "copy+br_if"),
        "not merged:\n{pick}"
    );
    let (mut store, instance) = instantiate(&module);
    for (n, steps) in [(3, 1), (30, 10), (3000, 1000)] {
        let got = call(&mut store, &instance, "countdown", &[n]);
        assert_eq!(got, steps, "countdown from {n}");
        // The step goes back to the local it came from, not to the loop's parameter:
        // no single op, and each parameter is summed.
        let sum = call(&mut store, &instance, "sum_of_params", &[n]);
        assert_eq!(sum, n * (n + 1) / 2, "sum of parameters from {n}");
    }
    for n in EDGES {
        let bits = 32 - n.leading_zeros() as i32;
        assert_eq!(
            call(&mut store, &instance, "halvings", &[n]),
            bits.max(1),
            "{n}"
        );
        for c in [0, 1, -1] {
            let want = if c != 0 { n } else { 7 };
            assert_eq!(
                call(&mut store, &instance, "pick", &[n, c]),
                want,
                "{n} {c}"
            );
        }
    }
}

/// Functions `{ty}_mul_{k}` and `{ty}_sub_{k}` of one parameter, multiplying it by each
/// of `factors` and subtracting each of `terms`, for `ty` i32 and i64.
fn products_and_differences(ty: &str, factors: &[i64], terms: &[i64]) -> String {
    let func = |op: &str, k: i64| {
        format!(
            r#"(func (export "{ty}_{op}_{k}") (param {ty}) (result {ty})
                 ({ty}.{op} (local.get 0) ({ty}.const {k})))"#
        )
    };
    let muls = factors.iter().map(|&k| func("mul", k));
    let subs = terms.iter().map(|&k| func("sub", k));
    muls.chain(subs).collect()
}

#[test]
fn products_by_powers_of_two_are_shifts_and_differences_are_sums() {
    let factors = [1, 2, 8, 1 << 31, -8, 6];
    let terms_64 = [1, -1, 5, i64::MIN, 1 << 40];
    let terms_32 = [1, -1, 5, i64::from(i32::MIN), 1024];
    let module = compile(&format!(
        "(module {} {})",
        products_and_differences("i64", &factors, &terms_64),
        products_and_differences("i32", &factors, &terms_32)
    ));
    let per_type = factors.len() + terms_64.len();
    for (ty, first) in [("i64", 0), ("i32", per_type)] {
        for (i, &k) in factors.iter().enumerate() {
            let code = Code::of(&module, (first + i) as u32);
            let power = match ty {
                "i32" => (k as u32).is_power_of_two(),
                _ => (k as u64).is_power_of_two(),
            };
            let shl = format!("{ty}.shl");
            assert_eq!(
                code.any_named(|name| name == shl),
                power,
                "{ty} * {k}:\n{code}"
            );
        }
        for i in 0..terms_64.len() {
            let code = Code::of(&module, (first + factors.len() + i) as u32);
            let sub = format!("{ty}.sub");
            assert!(!code.any_named(|name| name == sub), "{ty} sub:\n{code}");
        }
    }
    let (mut store, instance) = instantiate(&module);
    for x in EDGES_64 {
        for k in factors {
            let got = call_i64(&mut store, &instance, &format!("i64_mul_{k}"), &[x]);
            assert_eq!(got.unwrap(), x.wrapping_mul(k), "{x} * {k}");
            let got = call(&mut store, &instance, &format!("i32_mul_{k}"), &[x as i32]);
            assert_eq!(got, (x as i32).wrapping_mul(k as i32), "i32 {x} * {k}");
        }
        for (k64, k32) in terms_64.into_iter().zip(terms_32) {
            let got = call_i64(&mut store, &instance, &format!("i64_sub_{k64}"), &[x]);
            assert_eq!(got.unwrap(), x.wrapping_sub(k64), "{x} - {k64}");
            let got = call(
                &mut store,
                &instance,
                &format!("i32_sub_{k32}"),
                &[x as i32],
            );
            assert_eq!(got, (x as i32).wrapping_sub(k32 as i32), "i32 {x} - {k32}");
        }
    }
}

#[test]
fn a_value_copied_with_a_branch_stays_in_its_slot_for_the_path_falling_through() {
    // The `if`'s parameter is copied to the `else` arm's slot by the op that branches
    // there; the `then` arm still reads it where it was. The copy takes it from the
    // register, but the constant is written to its slot as well.
    let module = compile(
        r#"(module (func (export "f") (param $c i32) (result i64)
              (i64.const -8388608)
              (if (param i64) (result i64) (local.get $c)
                (then (i64.add (i64.const 1)))
                (else (i64.add (i64.const 2))))))"#,
    );
    let code = Code::of(&module, 0);
    let cached_copy =
        |op: &CompiledOp| matches!(op.op, Op::CopyBrIfEqzAcc { .. }) && op.operand_cached;
    assert!(code.any(cached_copy), "not cached:\n{code}");
    let (mut store, instance) = instantiate(&module);
    for (c, want) in [(0, -8388606), (1, -8388607)] {
        let result = instance.call(&mut store, "f", &[Value::I32(c)]).unwrap();
        assert_eq!(result, [Value::I64(want)], "f({c})");
    }
}

#[test]
fn an_i64_counter_stepped_to_a_constant_fuses_with_its_test_on_all_64_bits() {
    // `i += step; br_if (i64.ne i limit)`, counting the rounds; a step or a limit beyond
    // 32 bits is left to the ops it came from.
    let count = |step: i64, limit: i64| {
        format!(
            r#"(func (export "count_{step}_{limit}") (param $i i64) (result i64) (local $n i64)
                 (loop $again
                   (local.set $n (i64.add (local.get $n) (i64.const 1)))
                   (local.set $i (i64.add (local.get $i) (i64.const {step})))
                   (br_if $again (i64.ne (local.get $i) (i64.const {limit}))))
                 (local.get $n))"#
        )
    };
    let cases: [(i64, i64, i64, i64); 5] = [
        // (start, step, limit, rounds)
        (30, -3, 0, 10),
        (-5, 1, -1, 4),
        // The low 32 bits alone would reach the limit after one round.
        ((1 << 32) + (1 << 31), i64::from(i32::MIN), 0, 3),
        (0, 1 << 39, 1 << 40, 2),
        (0, 1 << 40, 1 << 41, 2),
    ];
    let funcs: String = cases
        .iter()
        .map(|&(_, step, limit, _)| count(step, limit))
        .collect();
    let module = compile(&format!("(module {funcs})"));
    for (func, &(_, step, limit, _)) in cases.iter().enumerate() {
        let code = Code::of(&module, func as u32);
        let fits = |k: i64| i64::from(k as i32) == k;
        let fused = code.any_named(|name| name == "i64.add+br_if i64.ne");
        assert_eq!(fused, fits(step) && fits(limit), "{step} {limit}:\n{code}");
    }
    let (mut store, instance) = instantiate(&module);
    for (start, step, limit, rounds) in cases {
        let name = format!("count_{step}_{limit}");
        let got = call_i64(&mut store, &instance, &name, &[start]).unwrap();
        assert_eq!(got, rounds, "{name} from {start}");
    }
}

#[test]
fn a_latch_stepping_a_counter_and_jumping_back_is_one_op() {
    // `loop { n += 1; if i == limit { return n }; i += step; br $loop }`: the step and
    // the jump back run as one op, wrapping as i32.
    let module = compile(
        r#"(module (func (export "rounds") (param $i i32) (param $limit i32) (result i32)
              (local $n i32)
              (loop $again
                (local.set $n (i32.add (local.get $n) (i32.const 1)))
                (if (i32.eq (local.get $i) (local.get $limit)) (then (return (local.get $n))))
                (local.set $i (i32.add (local.get $i) (i32.const 7)))
                (br $again))
              (unreachable)))"#,
    );
    let code = Code::of(&module, 0);
    assert!(
        code.any_named(|name| name == "i32.add+br"),
        "not merged:\n{code}"
    );
    let (mut store, instance) = instantiate(&module);
    for (start, limit, rounds) in [(0, 70, 11), (i32::MAX - 6, i32::MIN + 7, 3), (5, 5, 1)] {
        let got = call(&mut store, &instance, "rounds", &[start, limit]);
        assert_eq!(got, rounds, "from {start} to {limit}");
    }
}
