//! Calls from the host into wasm: `Func::call`, `Func::call_resumable` (which may pause
//! for want of fuel, `PausedCall`), `Instance::call`. Each sets up a `Run` and drives it
//! with the executor the call needs (fuel metering, an observer).

use super::encode::encoder;
#[cfg(wasmcade_threaded)]
use super::erased::{erased_call_import, erased_call_indirect, erased_store_op};
use super::run::{module_code, position, Run};
use crate::interp::store::{Caller, FuncEntity, Store};
use crate::interp::types::{
    Error, Extern, FrameInfo, Func, Instance, Trap, TrapKind, ValType, Value,
};

/// Calls `func` with `args` (already type-checked) from the host, to its end, under the
/// store's fuel limit (running out of fuel is a trap).
fn invoke<T>(store: &mut Store<T>, func: Func, args: &[Value]) -> Result<Vec<Value>, Trap> {
    let fuel = store.limits.fuel;
    match call(store, func, args, fuel, false)? {
        CallOutcome::Finished(values) => Ok(values),
        CallOutcome::OutOfFuel(_) => unreachable!("a call that may not pause trapped instead"),
    }
}

/// How a call from the host that may pause ended (`Func::call_resumable`).
pub enum CallOutcome {
    /// The function returned these results.
    Finished(Vec<Value>),
    /// The fuel ran out before the next instruction: the call can go on with more.
    OutOfFuel(PausedCall),
}

/// A call from the host into wasm that ran out of fuel before it finished. It goes on
/// with [`PausedCall::resume`], or ends when dropped (its instance is then in whatever
/// state the code left it, as after a trap). While it is paused the host may use the
/// store as usual, even call other functions.
pub struct PausedCall {
    run: Box<Run>,
    /// The function called, for its results' types.
    func: Func,
    /// The store the call runs in (`Store::id`): it may resume in no other.
    store_id: u64,
}

impl PausedCall {
    /// Goes on with `fuel` more units, until the function returns, traps or runs out again.
    /// (The executor charges fuel a straight-line block of code at a time, and an op at a
    /// time where a block costs more than is left, so the call stops at the exact op.)
    pub fn resume<T>(self, store: &mut Store<T>, fuel: u64) -> Result<CallOutcome, Error> {
        if store.id != self.store_id {
            return Err(Error::Usage(
                "a paused call can only resume in the store it started in".into(),
            ));
        }
        let mut run = *self.run;
        run.refresh_views(store);
        run.go(store, self.func, Some(fuel), true)
            .map_err(Error::Trap)
    }

    /// Where the call stands: the function about to run its next instruction first,
    /// then its callers.
    pub fn backtrace<T>(&self, store: &Store<T>) -> Vec<FrameInfo> {
        self.run.backtrace(store, true)
    }
}

/// Calls `func` with `args` under `fuel` (none: unmetered); with `pausable`, running out
/// of fuel pauses the call instead of trapping.
pub(super) fn call<T>(
    store: &mut Store<T>,
    func: Func,
    args: &[Value],
    fuel: Option<u64>,
    pausable: bool,
) -> Result<CallOutcome, Trap> {
    let (instance, def) = match &store.funcs[func.0 as usize] {
        FuncEntity::Host { call, ty, .. } => {
            let (call, ty) = (call.clone(), ty.clone());
            let mut caller = Caller {
                store,
                instance: None,
            };
            return call
                .call_with_values(&mut caller, &ty, args)
                .map(CallOutcome::Finished);
        }
        FuncEntity::Wasm { instance, def, .. } => (*instance, *def),
    };
    let encoder = encoder();
    let code = module_code(store, instance)
        .translated(def, encoder)
        .map_err(Trap::new)?;
    let slots = store.limits.max_stack_slots;
    let mut stack = match store.spare_stack.take() {
        Some(stack) if stack.len() == slots => stack,
        _ => vec![0; slots],
    };
    let func_code = code.func();
    if func_code.frame_size as usize > stack.len() {
        return Err(Trap::new(TrapKind::CallStackExhausted));
    }
    let mut at = 0;
    for arg in args {
        arg.write_slots(arg.to_bits(), &mut stack[at..]);
        at += arg.ty().slots();
    }
    stack[func_code.num_params as usize..func_code.num_locals as usize].fill(0);

    let at = position(&mut stack, store, instance, code, 0);
    let frames = Vec::with_capacity(16);
    let max_depth = store.limits.max_call_depth;
    let run = Run {
        stack,
        at,
        frame_room: frames.capacity().min(max_depth),
        frames,
        max_depth,
        fuel: 0,
        host_args: Vec::new(),
        host_results: Vec::new(),
        #[cfg(wasmcade_threaded)]
        store: std::ptr::null_mut(),
        #[cfg(wasmcade_threaded)]
        store_op: erased_store_op::<T>,
        #[cfg(wasmcade_threaded)]
        call_import: erased_call_import::<T>,
        #[cfg(wasmcade_threaded)]
        call_indirect: erased_call_indirect::<T>,
        #[cfg(wasmcade_threaded)]
        trap: None,
        #[cfg(wasmcade_threaded)]
        metering_by_op: None,
        encoder,
    };
    run.go(store, func, fuel, pausable)
}

impl Run {
    /// Runs from where the call stands with `fuel` (none: unmetered) to its end, a trap,
    /// or (with `pausable`) the fuel running out.
    pub(super) fn go<T>(
        mut self,
        store: &mut Store<T>,
        func: Func,
        fuel: Option<u64>,
        pausable: bool,
    ) -> Result<CallOutcome, Trap> {
        self.fuel = fuel.unwrap_or(u64::MAX);
        let mut observer = store.observer.take();
        let result = loop {
            let result = match (fuel.is_some(), observer.as_deref_mut()) {
                (false, None) => self.execute::<T, false, false>(store, None),
                (true, None) => self.execute::<T, true, false>(store, None),
                (false, Some(o)) => self.execute::<T, false, true>(store, Some(o)),
                (true, Some(o)) => self.execute::<T, true, true>(store, Some(o)),
            };
            // An exception thrown: on from its handler, if one catches it.
            if let Some(exn) = result.as_ref().err().and_then(TrapKind::exception_index) {
                if let Some(caught) = self.catch(store, exn) {
                    if let Some(observer) = observer.as_deref_mut() {
                        observer.caught(&caught.event(store));
                    }
                    continue;
                }
            }
            break result;
        };
        store.fuel_consumed = fuel.unwrap_or(u64::MAX) - self.fuel;
        if store.observer.is_none() {
            store.observer = observer;
        }
        let trap = match result {
            Ok(()) => {
                let ty = store.func_type(func);
                let results = Value::read_all(ty.results(), &self.stack, store.id);
                store.spare_stack = Some(self.stack);
                return Ok(CallOutcome::Finished(results));
            }
            Err(TrapKind::OutOfFuel(_)) if pausable => {
                return Ok(CallOutcome::OutOfFuel(PausedCall {
                    run: Box::new(self),
                    func,
                    store_id: store.id,
                }));
            }
            Err(kind) => {
                let out_of_fuel = matches!(kind, TrapKind::OutOfFuel(_));
                let kind = match kind {
                    TrapKind::OutOfFuel(_) => TrapKind::OutOfFuel(fuel.unwrap_or(0)),
                    TrapKind::Exception(uncaught) => store.exception_leaving(uncaught.exn),
                    kind => kind,
                };
                Trap {
                    kind,
                    backtrace: self.backtrace(store, out_of_fuel),
                }
            }
        };
        store.spare_stack = Some(self.stack);
        Err(trap)
    }

    /// Rebuilds the views of the store the position keeps (memory, globals, tables,
    /// callees): before going on with a paused call, whose store the host may have
    /// changed in the meantime.
    pub(super) fn refresh_views<T>(&mut self, store: &mut Store<T>) {
        self.go_to(store, self.at.frame);
    }
}

impl Func {
    /// Calls the function with typed arguments; traps come back as `Error::Trap`.
    pub fn call<T>(&self, store: &mut Store<T>, args: &[Value]) -> Result<Vec<Value>, Error> {
        self.check_args(store, args)?;
        invoke(store, *self, args).map_err(Error::Trap)
    }

    /// Calls the function with typed arguments and `fuel` units of fuel; when the fuel
    /// runs out before it returns, the call pauses (`CallOutcome::OutOfFuel`) and can go
    /// on with more (`PausedCall::resume`), however deep in wasm calls it is. The store's
    /// own fuel limit does not apply.
    pub fn call_resumable<T>(
        &self,
        store: &mut Store<T>,
        args: &[Value],
        fuel: u64,
    ) -> Result<CallOutcome, Error> {
        self.check_args(store, args)?;
        call(store, *self, args, Some(fuel), true).map_err(Error::Trap)
    }

    /// `Ok` if the function and its arguments belong to `store` and the arguments fit
    /// its parameters.
    pub(crate) fn check_args<T>(&self, store: &Store<T>, args: &[Value]) -> Result<(), Error> {
        store.check_own(Extern::Func(*self), "a function")?;
        for &arg in args {
            store.value_bits(arg)?;
        }
        let ty = self.ty(store);
        let arg_types: Vec<ValType> = args.iter().map(Value::ty).collect();
        let fit = args.len() == ty.params().len()
            && args
                .iter()
                .zip(ty.params())
                .all(|(&arg, &param)| store.value_fits(arg, param));
        if !fit {
            return Err(Error::Usage(format!(
                "function {ty} called with arguments of types ({})",
                arg_types
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            )));
        }
        Ok(())
    }
}

impl Instance {
    /// Calls the exported function `name`.
    pub fn call<T>(
        &self,
        store: &mut Store<T>,
        name: &str,
        args: &[Value],
    ) -> Result<Vec<Value>, Error> {
        let func = self.get_func(store, name).ok_or_else(|| {
            Error::Usage(format!("the module exports no function named `{name}`"))
        })?;
        func.call(store, args)
    }
}
