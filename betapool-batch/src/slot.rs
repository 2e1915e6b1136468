//! One request between its caller and the batch that runs it: the state that says whether a
//! batch took it or its caller cancelled it (changed only under the queue's lock, so exactly one
//! of the two happens), and the cell its result is delivered to.

use std::task::{Context, Poll, Waker};

use crate::InferError;
use crate::loom::sync::atomic::{AtomicU8, Ordering};
use std::sync::PoisonError;

use crate::loom::sync::Mutex;

/// The request waits in the queue.
pub(crate) const QUEUED: u8 = 0;
/// A batch took the request (it will be run, or failed with a reason): it can no longer be
/// cancelled.
pub(crate) const TAKEN: u8 = 1;
/// The caller dropped its future while the request was queued: no batch will see it.
pub(crate) const CANCELLED: u8 = 2;

#[derive(Debug)]
pub(crate) struct Slot<O> {
    /// `QUEUED`, then `TAKEN` or `CANCELLED`, written only under the queue's lock. Readers
    /// outside the lock use it as a hint (a future that sees `TAKEN` need not take the lock to
    /// cancel), never to decide.
    state: AtomicU8,
    cell: Mutex<Cell<O>>,
}

#[derive(Debug)]
struct Cell<O> {
    result: Option<Result<O, InferError>>,
    waker: Option<Waker>,
}

impl<O> Slot<O> {
    pub(crate) fn new() -> Self {
        Self {
            state: AtomicU8::new(QUEUED),
            cell: Mutex::new(Cell {
                result: None,
                waker: None,
            }),
        }
    }

    pub(crate) fn state(&self) -> u8 {
        // Acquire pairs with the Release in `set_state`; the lock is what decides, see above.
        self.state.load(Ordering::Acquire)
    }

    /// Changes the state; the caller holds the queue's lock.
    pub(crate) fn set_state(&self, state: u8) {
        self.state.store(state, Ordering::Release);
    }

    /// Delivers the request's result and wakes its future. Called once per taken request.
    pub(crate) fn complete(&self, result: Result<O, InferError>) {
        let waker = {
            let mut cell = self.cell.lock().unwrap_or_else(PoisonError::into_inner);
            cell.result = Some(result);
            cell.waker.take()
        };
        // Woken outside the lock, so a future polled at once by the waker does not contend.
        if let Some(w) = waker {
            w.wake();
        }
    }

    pub(crate) fn poll(&self, cx: &mut Context<'_>) -> Poll<Result<O, InferError>> {
        let mut cell = self.cell.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(result) = cell.result.take() {
            return Poll::Ready(result);
        }
        match &cell.waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => cell.waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}
