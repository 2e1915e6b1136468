//! When the load runs: the start gate that lets every client go at once, and the window of
//! the measurement that follows the warm-up.

use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Instant;

/// The warm-up ends at `start`, the measurement at `end`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    pub(crate) start: Instant,
    pub(crate) end: Instant,
}

/// When the clients may start: after every connection has been opened and answered once.
#[derive(Debug, Default)]
pub(crate) struct StartGate {
    /// `None` until opened; then the window, or `None` when the run is called off.
    state: Mutex<Option<Option<Window>>>,
    opened: Condvar,
}

impl StartGate {
    /// Lets every client go, with the measurement `window` (or `None`: stop at once).
    pub(crate) fn open(&self, window: Option<Window>) {
        *self.state.lock().unwrap_or_else(PoisonError::into_inner) = Some(window);
        self.opened.notify_all();
    }

    /// Waits until the gate is open; the window, or `None` if the run was called off.
    pub(crate) fn wait(&self) -> Option<Window> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(window) = *state {
                return window;
            }
            state = self
                .opened
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}
