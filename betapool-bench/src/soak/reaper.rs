//! The reaper: joins every task's handle in submission order and counts how each resolved,
//! for the `handles` and `panics` checks.

use std::sync::mpsc::Receiver;
use std::time::Duration;

use betapool_core::{JoinHandle, JoinTimeoutError};
use serde::Serialize;

use super::tasks::{PlannedPanic, planned_panic};

/// A handle the reaper has waited this long for counts as unresolved. Tasks last at most about
/// 10 ms, and the reaper reaches a handle only after every earlier one, so this is generous.
pub(crate) const HANDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// How the handles resolved.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Handles {
    /// Handles the reaper was given: one per submitted task.
    pub(crate) received: usize,
    pub(crate) returned: usize,
    /// Planned panics, each carrying its own task's id.
    pub(crate) planned_panics: usize,
    /// Panics of tasks not planned to panic, or with a payload that is not theirs.
    pub(crate) unexpected_panics: usize,
    /// Tasks planned to panic that returned instead.
    pub(crate) missing_panics: usize,
    pub(crate) cancelled: usize,
    /// Handles that did not resolve within [`HANDLE_TIMEOUT`].
    pub(crate) unresolved: usize,
}

/// Joins every handle in submission order.
pub(crate) fn reap(rx: Receiver<(usize, JoinHandle<()>)>, seed: u64) -> Handles {
    let mut h = Handles::default();
    for (id, handle) in rx {
        h.received += 1;
        match handle.join_timeout(HANDLE_TIMEOUT) {
            Ok(()) if planned_panic(seed, id) => h.missing_panics += 1,
            Ok(()) => h.returned += 1,
            Err(JoinTimeoutError::Timeout(_)) => h.unresolved += 1,
            Err(JoinTimeoutError::Join(e)) => match e.try_into_panic() {
                Ok(payload) => match payload.downcast_ref::<PlannedPanic>() {
                    Some(PlannedPanic(raised_by))
                        if *raised_by == id && planned_panic(seed, id) =>
                    {
                        h.planned_panics += 1;
                    }
                    _ => h.unexpected_panics += 1,
                },
                Err(_) => h.cancelled += 1,
            },
        }
    }
    h
}
