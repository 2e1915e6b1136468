//! `InFlight`: a count of the requests accepted and not yet answered, which a stopping
//! service waits on.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The number of requests in flight, and a condvar signalled when it reaches zero.
#[derive(Debug, Default)]
pub(crate) struct InFlight {
    count: Mutex<usize>,
    idle: Condvar,
}

/// One request in flight: counted from [`InFlight::enter`] until dropped.
#[derive(Debug)]
pub(crate) struct Ticket {
    in_flight: Arc<InFlight>,
}

impl InFlight {
    /// Counts one more request until the ticket is dropped.
    pub(crate) fn enter(self: &Arc<Self>) -> Ticket {
        *self.lock() += 1;
        Ticket {
            in_flight: Arc::clone(self),
        }
    }

    /// The requests in flight now.
    pub(crate) fn count(&self) -> usize {
        *self.lock()
    }

    /// Waits up to `timeout` for every request in flight to be answered, and returns how
    /// many were still in flight when it gave up (zero if none).
    pub(crate) fn wait_idle(&self, timeout: Duration) -> usize {
        let deadline = Instant::now().checked_add(timeout);
        let mut count = self.lock();
        while *count > 0 {
            // A deadline past what `Instant` can hold means "wait for ever".
            let left = match deadline {
                Some(d) => d.saturating_duration_since(Instant::now()),
                None => Duration::MAX,
            };
            if left.is_zero() {
                break;
            }
            // Spurious wake-ups and timeouts both loop back to re-check the count and clock.
            count = self
                .idle
                .wait_timeout(count, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        *count
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, usize> {
        self.count.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut count = self.in_flight.lock();
        *count = count.saturating_sub(1);
        if *count == 0 {
            self.in_flight.idle.notify_all();
        }
    }
}
