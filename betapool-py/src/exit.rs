//! The process-wide "the interpreter is exiting" flag. Once the package's exit hook has shut
//! every pool down it sets the flag, and from then on a worker never takes the GIL again: a
//! thread that asks for it after finalization has begun is parked forever (or, before Python
//! 3.14, killed by `pthread_exit`, which cannot unwind through Rust frames).

use std::sync::atomic::{AtomicBool, Ordering};

use pyo3::prelude::*;

static EXITING: AtomicBool = AtomicBool::new(false);

/// Whether the interpreter has begun to exit; workers then leave Python alone.
pub(crate) fn exiting() -> bool {
    // Acquire pairs with the Release in `begin_exit`: a worker that sees the flag also sees
    // everything the exit hook did before setting it.
    EXITING.load(Ordering::Acquire)
}

/// Marks the interpreter as exiting (the package's exit hook calls it last).
#[pyfunction]
pub(crate) fn begin_exit() {
    EXITING.store(true, Ordering::Release);
}

/// The cores this process may use (its CPU affinity), as the Rust controller counts them.
#[pyfunction]
pub(crate) fn usable_cores() -> usize {
    betapool_core::available_cores()
}
