//! What a host function sees of the store while it runs.

use super::Store;
use crate::interp::types::{Instance, Memory};

/// What a host function sees of the store while it runs.
pub struct Caller<'a, T> {
    pub(crate) store: &'a mut Store<T>,
    pub(crate) instance: Option<Instance>,
}

impl<'a, T> Caller<'a, T> {
    pub fn data(&self) -> &T {
        self.store.data()
    }

    pub fn data_mut(&mut self) -> &mut T {
        self.store.data_mut()
    }

    /// The calling instance's memory 0, if it has one.
    pub fn memory(&self) -> Option<Memory> {
        self.instance?.default_memory(self.store)
    }

    /// The caller's memory bytes (empty if it has no memory).
    pub fn memory_data(&self) -> &[u8] {
        match self.memory() {
            Some(m) => m.data(self.store),
            None => &[],
        }
    }

    /// The host data and the caller's memory at once (e.g. to draw into a framebuffer).
    pub fn data_and_memory_mut(&mut self) -> (&mut T, &mut [u8]) {
        let memory = self.memory();
        let store = &mut *self.store;
        let bytes: &mut [u8] = match memory {
            Some(m) => &mut store.memories[m.0 as usize].data,
            None => &mut [],
        };
        (&mut store.data, bytes)
    }

    pub fn store(&mut self) -> &mut Store<T> {
        self.store
    }

    /// Charges `units` of the calling wasm code's fuel for work this host function does
    /// on its behalf (points copied, pixels drawn...), so that a flood of cheap calls
    /// doing much work runs out of fuel like a loop does: the code stops (or pauses)
    /// before its next instruction. Without fuel metering it changes nothing that shows.
    pub fn consume_fuel(&mut self, units: u64) {
        self.store.fuel_in_host_call = self.store.fuel_in_host_call.saturating_sub(units);
    }

    /// The calling code's fuel left (`u64::MAX`, or near it, without fuel metering).
    pub fn fuel_left(&self) -> u64 {
        self.store.fuel_in_host_call
    }
}
