//! What the loom models share: a model that records what it saw, and a queue on a manual clock.

use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use loom::sync::{Condvar, Mutex};

use crate::clock::Clock;
use crate::policy::BatchPolicy;
use crate::queue::Queue;
use crate::slot::Slot;
use crate::{BatchModel, BoxError, InferError};

/// Records every batch it runs; `wait_for(n)` blocks until n requests have been seen (a model
/// that never gets them deadlocks, which loom reports).
#[derive(Default)]
pub(super) struct Seen {
    batches: Mutex<Vec<Vec<u32>>>,
    more: Condvar,
}

impl Seen {
    pub(super) fn batches(&self) -> Vec<Vec<u32>> {
        self.batches.lock().unwrap().clone()
    }

    pub(super) fn wait_for(&self, n: usize) {
        let mut b = self.batches.lock().unwrap();
        while b.iter().map(Vec::len).sum::<usize>() < n {
            b = self.more.wait(b).unwrap();
        }
    }
}

pub(super) struct Model(pub(super) Arc<Seen>);

impl BatchModel for Model {
    type Input = u32;
    type Output = u32;
    fn infer_batch(&self, xs: Vec<u32>) -> Result<Vec<u32>, BoxError> {
        self.0.batches.lock().unwrap().push(xs.clone());
        self.0.more.notify_all();
        Ok(xs)
    }
}

pub(super) type TestQueue = Queue<u32, u32>;

/// An open queue with one worker slot, on a clock that only the model moves.
pub(super) fn queue(policy: impl BatchPolicy, capacity: usize) -> Arc<TestQueue> {
    let q = Arc::new(Queue::new(capacity, Box::new(policy), Clock::manual()));
    q.open(1);
    q
}

/// The slot's result if it has one, without blocking.
pub(super) fn peek(slot: &Slot<u32>) -> Option<Result<u32, InferError>> {
    match slot.poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(r) => Some(r),
        Poll::Pending => None,
    }
}

pub(super) const DELAY: Duration = Duration::from_millis(10);
