//! One Python thread state per worker thread, kept for the thread's life: made on the
//! worker's first Python task and released when the thread ends, so `threading.local` data
//! survives from one task to the next and no thread state is created per task.
//!
//! The GIL-state API counts nested `PyGILState_Ensure` calls per thread and destroys the
//! thread state when the count returns to zero. `Python::attach` makes one such pair per
//! task; holding one more `Ensure` for the thread's life keeps the count above zero between
//! tasks, so each task's `attach` only takes and drops the GIL with the kept state.

use std::cell::Cell;

use pyo3::ffi;

use crate::exit;

/// The kept `Ensure` of this thread, released when the thread ends.
#[derive(Debug)]
struct Kept {
    state: Cell<Option<ffi::PyGILState_STATE>>,
}

impl Drop for Kept {
    fn drop(&mut self) {
        let Some(state) = self.state.take() else {
            return;
        };
        let Some(_visit) = exit::visit() else {
            // Taking the GIL now could park or kill this thread; the process is ending, so the
            // thread state is left for the interpreter's own teardown.
            return;
        };
        // SAFETY: this thread holds a thread state made by the kept `PyGILState_Ensure` (the
        // count is at least one, so it still exists) and does not hold the GIL here, since it
        // runs no task. `PyEval_RestoreThread` takes the GIL with that state and the matching
        // `PyGILState_Release` brings the count to zero, which clears and deletes the state
        // and drops the GIL. The interpreter is alive: the exit hook sets `exiting` only
        // once no visit is in progress (`exit::visit`), and this one is.
        unsafe {
            let tstate = ffi::PyGILState_GetThisThreadState();
            if !tstate.is_null() {
                ffi::PyEval_RestoreThread(tstate);
                ffi::PyGILState_Release(state);
            }
        }
    }
}

thread_local! {
    static KEPT: Kept = const { Kept { state: Cell::new(None) } };
}

/// Makes sure the calling thread keeps its Python thread state after the current
/// `Python::attach` ends. Must be called while attached (the `Python` token proves it).
pub(crate) fn keep(_py: pyo3::Python<'_>) {
    let _ = KEPT.try_with(|kept| {
        if kept.state.get().is_none() {
            // SAFETY: the caller is attached to the interpreter (it holds a `Python` token), so
            // this `Ensure` finds the thread's current state and only raises its count; it is
            // released exactly once, by `Kept::drop`.
            let state = unsafe { ffi::PyGILState_Ensure() };
            kept.state.set(Some(state));
        }
    });
}
