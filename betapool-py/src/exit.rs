//! The process-wide "the interpreter is exiting" flag. Once the package's exit hook has shut
//! every pool down it sets the flag, and from then on a worker never takes the GIL again: a
//! thread that asks for it after finalization has begun is parked forever (or, before Python
//! 3.14, killed by `pthread_exit`, which cannot unwind through Rust frames).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{PoisonError, RwLock, RwLockReadGuard};

use pyo3::prelude::*;

static EXITING: AtomicBool = AtomicBool::new(false);

/// Held (shared) by a worker for the whole of a visit to Python that must not overlap the
/// interpreter's finalization (a call, or releasing its kept thread state), and taken
/// (exclusive) by [`begin_exit`] to set the flag: a worker that saw the flag unset finishes its
/// visit before the flag is set, and one that comes later sees it set (a waiting writer holds
/// new readers back, so a pool's queue cannot keep the exit waiting call after call). Without
/// it, the worker of a pool that was garbage-collected (so the exit hook did not wait for it)
/// came back from `time.sleep` after finalization had begun and was killed inside Rust frames:
/// "Fatal Python error: PyGILState_Release: thread state … must be current when releasing",
/// in 7 of 60 runs of `test_interpreter_exits_with_a_garbage_collected_pool`'s script.
static VISITS: RwLock<()> = RwLock::new(());

/// Starts a visit to Python that must end before the interpreter exits; `None` once it is
/// exiting (the caller must then leave Python alone).
pub(crate) fn visit() -> Option<RwLockReadGuard<'static, ()>> {
    let guard = VISITS.read().unwrap_or_else(PoisonError::into_inner);
    (!exiting()).then_some(guard)
}

/// Whether the interpreter has begun to exit; workers then leave Python alone.
pub(crate) fn exiting() -> bool {
    // Acquire pairs with the Release in `begin_exit`: a worker that sees the flag also sees
    // everything the exit hook did before setting it.
    EXITING.load(Ordering::Acquire)
}

/// Marks the interpreter as exiting (the package's exit hook calls it last).
#[pyfunction]
pub(crate) fn begin_exit(py: Python<'_>) {
    // Without the GIL while waiting: a visit in progress may need it to end.
    py.detach(|| {
        let _no_visits = VISITS.write().unwrap_or_else(PoisonError::into_inner);
        EXITING.store(true, Ordering::Release);
    });
}

/// The cores this process may use (its CPU affinity), as the Rust controller counts them.
#[pyfunction]
pub(crate) fn usable_cores() -> usize {
    betapool_core::available_cores()
}
