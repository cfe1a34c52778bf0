//! Binding WASM-4's [`IMPORTS`] as its JavaScript host binds them: a JavaScript function
//! takes whatever a cart declares. Each import is linked with the type the cart declares
//! for it (WASM-4's own when the cart does not import it); one that differs from WASM-4's
//! is adapted, with one warning naming it: a missing argument arrives as `undefined`
//! ([`Missing`]), extra ones are ignored, floats are truncated to integers, and a result
//! the function does not give reads as 0 (NaN for a float). Each call charges its work
//! (pixels, bytes) to the cart's fuel, one unit each.

use std::rc::Rc;

use super::imports::{Cart, Import, Missing, Wasm4State, IMPORTS, MAX_PARAMS};
use crate::host::instance::{Binding, HostState, ImportDef, IMPORT_MODULE};
use crate::interp::{Caller, ExternType, FuncType, Module, Trap, ValType};

/// Where an argument of the canonical signature comes from.
#[derive(Debug, Clone, Copy)]
enum Arg {
    /// Slot `n` of the declared parameters, an i32.
    Int(usize),
    /// Slot `n`, an f32 or f64: truncated as JavaScript's integer operations do.
    Float32(usize),
    Float64(usize),
    /// Not declared.
    Missing(Missing),
}

/// The declared result, which the call's value fills.
#[derive(Debug, Clone, Copy)]
enum Given {
    None,
    I32,
    F32,
    F64,
}

/// How a declared type is adapted to an import, or why no call can go through.
struct Adapter {
    args: Vec<Arg>,
    result: Given,
    /// A declared type WASM-4's host cannot call with (it throws a TypeError): every call traps.
    refused: Option<String>,
}

impl Adapter {
    fn new(import: &Import, declared: &FuncType) -> Adapter {
        let mut refused = None;
        let args = (0..import.params.len())
            .map(|n| match declared.params().get(n) {
                Some(ValType::I32) => Arg::Int(n),
                Some(ValType::F32) => Arg::Float32(n),
                Some(ValType::F64) => Arg::Float64(n),
                Some(other) => {
                    refused = Some(format!("a parameter of type {other}"));
                    Arg::Missing(Missing::Nothing)
                }
                None => Arg::Missing(import.params[n]),
            })
            .collect();
        let result = match declared.results() {
            [] => Given::None,
            [ValType::I32] => Given::I32,
            [ValType::F32] => Given::F32,
            [ValType::F64] => Given::F64,
            [other] => {
                refused = Some(format!("a result of type {other}"));
                Given::None
            }
            several => {
                refused = Some(format!("{} results", several.len()));
                Given::None
            }
        };
        Adapter {
            args,
            result,
            refused,
        }
    }

    /// The arguments in `slots` (raw bits), with `memory_len`, or `None` when a missing
    /// one makes the call do nothing.
    fn args(&self, slots: &[u64], memory_len: usize) -> Option<[i32; MAX_PARAMS]> {
        let mut args = [0; MAX_PARAMS];
        for (n, arg) in self.args.iter().enumerate() {
            args[n] = match *arg {
                Arg::Int(slot) => slots[slot] as u32 as i32,
                Arg::Float32(slot) => to_int32(f32::from_bits(slots[slot] as u32) as f64),
                Arg::Float64(slot) => to_int32(f64::from_bits(slots[slot])),
                Arg::Missing(Missing::Zero) => 0,
                Arg::Missing(Missing::Nothing) => return None,
                Arg::Missing(Missing::ToEnd) => (memory_len as i64 - args[0] as i64)
                    .clamp(i32::MIN as i64, i32::MAX as i64)
                    as i32,
            };
        }
        Some(args)
    }

    /// Writes `value` (none: JavaScript's `undefined`) as the declared result.
    fn give(&self, slots: &mut [u64], value: Option<i32>) {
        match self.result {
            Given::None => {}
            Given::I32 => slots[0] = value.unwrap_or(0) as u32 as u64,
            Given::F32 => slots[0] = value.map_or(f32::NAN, |v| v as f32).to_bits() as u64,
            Given::F64 => slots[0] = value.map_or(f64::NAN, |v| v as f64).to_bits(),
        }
    }
}

/// JavaScript's ToInt32: truncated toward zero, modulo 2³², NaN and infinities 0.
fn to_int32(v: f64) -> i32 {
    if v.is_finite() {
        v.trunc().rem_euclid(4_294_967_296.0) as u64 as u32 as i32
    } else {
        0
    }
}

/// The bindings for `module`: every import, with the type the module declares for it.
pub fn bindings(module: &Module) -> Vec<ImportDef<Wasm4State>> {
    IMPORTS
        .iter()
        .map(|import| {
            let canonical = canonical_type(import);
            let declared = module.imports().iter().find_map(|i| match &i.ty {
                ExternType::Func(ty) if i.module == IMPORT_MODULE && i.name == import.name => {
                    Some(ty.clone())
                }
                _ => None,
            });
            let ty = match declared {
                Some(declared) if declared != canonical => {
                    log::warn!(
                        "the cart declares {IMPORT_MODULE}.{} as {declared}, WASM-4's is {canonical}: \
                         linked as WASM-4's JavaScript host links it (missing arguments undefined, \
                         extra ones ignored)",
                        import.name
                    );
                    declared
                }
                _ => canonical,
            };
            ImportDef {
                name: import.name,
                bind: bind(import, &ty),
                ty,
            }
        })
        .collect()
}

/// WASM-4's own type of `import`.
fn canonical_type(import: &Import) -> FuncType {
    let results: &[ValType] = if import.returns { &[ValType::I32] } else { &[] };
    FuncType::new(
        vec![ValType::I32; import.params.len()],
        results.iter().copied(),
    )
}

/// `import` as a host function of type `ty`.
fn bind(import: &'static Import, ty: &FuncType) -> Binding<Wasm4State> {
    let adapter = Adapter::new(import, ty);
    Binding::Raw(Rc::new(
        move |caller: &mut Caller<'_, HostState<Wasm4State>>, slots: &mut [u64]| {
            if let Some(what) = &adapter.refused {
                return Err(Trap::host(format!(
                    "{}: declared with {what}, which WASM-4's JavaScript host cannot take",
                    import.name
                )));
            }
            let (state, memory) = caller.data_and_memory_mut();
            let Some(args) = adapter.args(slots, memory.len()) else {
                adapter.give(slots, None);
                return Ok(());
            };
            let mut cart = Cart {
                state: &mut state.abi,
                memory,
                work: 0,
            };
            let result = (import.body)(&mut cart, &args[..import.params.len()]);
            let work = cart.work;
            caller.consume_fuel(work);
            match result {
                Ok(value) => {
                    adapter.give(slots, value);
                    Ok(())
                }
                Err(error) => Err(Trap::host(format!("{}: {error}", import.name))),
            }
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_become_integers_as_javascript_truncates_them() {
        assert_eq!(to_int32(2.9), 2);
        assert_eq!(to_int32(-2.9), -2);
        assert_eq!(to_int32(4_294_967_297.0), 1);
        assert_eq!(to_int32(2_147_483_648.0), i32::MIN);
        assert_eq!(to_int32(f64::NAN), 0);
        assert_eq!(to_int32(f64::INFINITY), 0);
    }

    #[test]
    fn missing_arguments_take_their_meaning_and_extra_ones_are_ignored() {
        let blit = super::super::imports::by_name("blit").unwrap();
        let five = FuncType::new(vec![ValType::I32; 5], []);
        let adapter = Adapter::new(blit, &five);
        let args = adapter.args(&[1, 2, 3, 4, 5], 100).unwrap();
        assert_eq!(args[..6], [1, 2, 3, 4, 5, 0], "flags missing: 0");
        let two = FuncType::new(vec![ValType::I32; 2], []);
        assert!(
            Adapter::new(blit, &two).args(&[1, 2], 100).is_none(),
            "y missing: nothing drawn"
        );
        let text = super::super::imports::by_name("textUtf8").unwrap();
        let one = FuncType::new([ValType::I32], []);
        assert_eq!(Adapter::new(text, &one).args(&[40], 100), None);
        let trace = super::super::imports::by_name("traceUtf8").unwrap();
        let args = Adapter::new(trace, &one).args(&[40], 100).unwrap();
        assert_eq!(args[1], 60, "a missing length reaches the end of memory");
        let seven = FuncType::new(vec![ValType::F64; 7], [ValType::F32]);
        let adapter = Adapter::new(blit, &seven);
        let slots: Vec<u64> = (0..7).map(|n| (n as f64 + 0.5).to_bits()).collect();
        assert_eq!(adapter.args(&slots, 100).unwrap()[..6], [0, 1, 2, 3, 4, 5]);
        let mut result = [0];
        adapter.give(&mut result, None);
        assert!(f32::from_bits(result[0] as u32).is_nan());
        let wide = FuncType::new([ValType::I64], []);
        assert!(Adapter::new(blit, &wide).refused.is_some());
        let ignored = FuncType::new(
            vec![ValType::I32, ValType::I32, ValType::I32, ValType::I64],
            [],
        );
        let text = super::super::imports::by_name("text").unwrap();
        assert!(
            Adapter::new(text, &ignored).refused.is_none(),
            "the extra i64 is never read"
        );
    }
}
