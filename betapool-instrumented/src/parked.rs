//! `Parked`: a closure waiting where a refused submission can take it back, so `try_submit` and
//! `execute` can hand the user's own closure back although the engine only saw a wrapper.

use std::sync::{Arc, Mutex, PoisonError};

use crate::error::SubmitError;

/// A closure waiting where a refused submission can take it back. The engine either runs the
/// task (which takes the closure out) or hands the task back unrun (and then the submitter takes
/// it), never both, so exactly one side finds it.
pub(crate) struct Parked<F> {
    slot: Mutex<Option<F>>,
}

impl<F> Parked<F> {
    pub(crate) fn new(f: F) -> Arc<Parked<F>> {
        Arc::new(Parked {
            slot: Mutex::new(Some(f)),
        })
    }

    pub(crate) fn take(&self) -> Option<F> {
        // No code runs under this lock but `Option::take`, so poison cannot carry a torn state.
        self.slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Turns the engine's refusal of the wrapper into a refusal carrying the user's closure.
    /// The wrapper inside `refused` holds only the slot, not the closure, and is dropped unrun.
    pub(crate) fn hand_back<G>(&self, refused: betapool_core::SpawnError<G>) -> SubmitError<F> {
        match self.take() {
            Some(f) => SubmitError::from_spawn(&refused, f),
            None => unreachable!("a refused task's closure was taken by a run that never happened"),
        }
    }
}
