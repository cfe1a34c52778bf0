//! The loop executor: one `loop { match }` over the ops, compiled in up to four variants
//! by const generics (with or without fuel metering, with or without an instruction
//! observer), so each costs nothing when it is off. It runs every op where the threaded
//! handlers are not compiled in (and when observing); elsewhere it hands the chain to
//! them (`threaded::run`) and runs only the ops they leave: traps, returns to the host
//! and across instances, and the rare ops.

use super::num;
use super::run::{likely, Run};
use super::simd;
#[cfg(wasmcade_threaded)]
use super::threaded;
#[cfg(wasmcade_threaded)]
use super::views::Ip;
use crate::interp::isa::Op;
use crate::interp::store::{Observer, Step, Store};
use crate::interp::types::{TrapKind, PAGE_SIZE};

impl Run {
    pub(super) fn execute<T, const METER: bool, const OBSERVE: bool>(
        &mut self,
        store: &mut Store<T>,
        mut observer: Option<&mut dyn Observer>,
    ) -> Result<(), TrapKind> {
        // The two values every op uses live in locals (registers), not in `self.at`: they
        // are written back to it before a call or return and read again after it.
        let mut ip = self.at.frame.ip;
        let mut slots = self.at.frame.slots;

        macro_rules! slot {
            ($s:expr) => {
                slots.get($s)
            };
        }
        macro_rules! set {
            ($s:expr, $v:expr) => {
                slots.set($s, $v)
            };
        }
        let outcome: Result<(), TrapKind> = 'exec: loop {
            // Runs a call or return on `self.at` with the locals written back, then reloads them.
            macro_rules! with_frame_change {
                ($e:expr) => {{
                    self.at.frame.ip = ip;
                    let result = $e;
                    ip = self.at.frame.ip;
                    slots = self.at.frame.slots;
                    result
                }};
            }
            macro_rules! tri {
                ($e:expr) => {
                    match $e {
                        Ok(v) => v,
                        Err(kind) => break 'exec Err(kind),
                    }
                };
            }
            // The simple ops run in the threaded handlers, up to the next op that needs
            // this loop (or would trap here), unless this loop charges an op at a time.
            #[cfg(wasmcade_threaded)]
            if !(OBSERVE || METER && self.still_metering_by_op(ip)) {
                self.store = std::ptr::from_mut(store).cast();
                ip = threaded::run::<METER>(ip, self);
                slots = self.at.frame.slots;
                if let Some(kind) = self.trap.take() {
                    break 'exec Err(kind);
                }
            }
            if METER {
                if self.fuel == 0 {
                    // Before the op: a paused call goes on with it.
                    break 'exec Err(TrapKind::OutOfFuel(0));
                }
                self.fuel -= 1;
            } else if OBSERVE {
                // Counted for the observer's statistics, never exhausted.
                self.fuel -= 1;
            }
            let op = ip.fetch();
            if OBSERVE {
                if let Some(observer) = observer.as_deref_mut() {
                    let func = self.at.frame.code.func();
                    let module = &store.instances[self.at.frame.instance as usize].module;
                    let pc = self.at.frame.code.index_of(ip) - 1;
                    // As translated: the executor's copy has branch offsets in bytes. An
                    // access off memory 0's fast path shows as the op it runs.
                    let op = func.ops[pc].op();
                    let (op, memory) = match func.moved(&op) {
                        Some((inner, on)) => (inner, Some(on)),
                        None => (op, None),
                    };
                    observer.before(&Step {
                        memory,
                        func_index: func.func_index,
                        func_name: module.func_name(func.func_index),
                        offset: func.offsets[pc],
                        pc,
                        op: &op,
                        depth: self.frames.len(),
                        slots: &self.stack
                            [self.at.frame.base..self.at.frame.base + func.frame_size as usize],
                        num_locals: func.num_locals as usize,
                    });
                }
            }

            macro_rules! jump {
                ($offset:expr) => {
                    ip.jump($offset)
                };
            }
            // This loop keeps no register copy: a cached operand is read from its slot.
            macro_rules! operand {
                ($s:expr) => {
                    slots.get($s)
                };
            }
            macro_rules! take_entry {
                ($n:expr) => {
                    ip.take_entry($n)
                };
            }
            macro_rules! mem {
                () => {
                    self.at.mem
                };
            }
            macro_rules! globals {
                () => {
                    self.at.globals
                };
            }
            macro_rules! frame {
                () => {
                    slots
                };
            }
            // One flat `match` over every op (one jump table): the simple ops (shared
            // with the threaded executor), then returns and internal calls, which move
            // through the call stack, and the ops that need the store (`store_op`, also
            // shared with the threaded executor).
            macro_rules! dispatch {
                ($( [$variant:ident $($cached:ident)?] $fields:tt => $body:block )*) => {
                    match *op {
                        $( Op::$variant $fields $(| Op::$cached $fields)? => $body )*
                        Op::Unreachable => break 'exec Err(TrapKind::Unreachable),
                        Op::Throw { tag, base } => break 'exec Err(self.throw(store, slots, tag, base)),
                        Op::ThrowRef { exn } => break 'exec Err(Run::throw_ref(slot!(exn))),
                        Op::Return => {
                            if !with_frame_change!(self.leave(store)) {
                                break 'exec Ok(());
                            }
                        }
                        Op::Return1 { src } => {
                            set!(0, slot!(src));
                            if !with_frame_change!(self.leave(store)) {
                                break 'exec Ok(());
                            }
                        }
                        Op::ReturnMany { src, count } => {
                            for i in 0..count {
                                set!(i, slot!(src + i));
                            }
                            if !with_frame_change!(self.leave(store)) {
                                break 'exec Ok(());
                            }
                        }
                        Op::CallInternal { def, base } => {
                            let callee = tri!(self.at.module_code.translated(def, self.encoder));
                            tri!(with_frame_change!(self.enter(callee, base)));
                        }
                        Op::ReturnCallInternal { def, base } => {
                            let callee = tri!(self.at.module_code.translated(def, self.encoder));
                            tri!(with_frame_change!(self.replace_frame(callee, base)));
                        }
                        store_op!() => tri!(with_frame_change!(self.store_op(store, op))),
                    }
                };
            }
            with_simple_ops!(dispatch);
        };
        // Past the op that trapped; at the op not run for want of fuel.
        self.at.frame.ip = ip;
        outcome
    }

    /// Whether the op at `ip` is still to run here an op at a time (`metering_by_op`):
    /// until the frame that started it reaches a block's first op, or returns.
    #[cfg(wasmcade_threaded)]
    fn still_metering_by_op(&mut self, ip: Ip) -> bool {
        let Some(depth) = self.metering_by_op else {
            return false;
        };
        let code = self.at.frame.code;
        let frames = self.frames.len();
        if frames < depth || (frames == depth && code.func().starts_block(code.index_of(ip))) {
            self.metering_by_op = None;
            return false;
        }
        true
    }
}
