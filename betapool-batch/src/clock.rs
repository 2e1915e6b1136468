//! The dispatcher's clock: `Instant::now()`, or a clock that a loom model moves by hand (loom's
//! timed waits never time out, so a model makes a batch's delay pass by moving this clock and
//! waking the workers).

use std::time::{Duration, Instant};

use crate::loom::sync::atomic::{AtomicU64, Ordering};

/// Where the dispatcher reads the time.
#[derive(Debug)]
pub(crate) struct Clock {
    /// `None` reads the real time; `Some` is a start and an offset in microseconds that only
    /// `advance` moves.
    manual: Option<(Instant, AtomicU64)>,
}

impl Clock {
    /// The real time.
    pub(crate) fn real() -> Self {
        Self { manual: None }
    }

    /// A clock that stands still until advanced.
    #[cfg_attr(not(loom), allow(dead_code))]
    pub(crate) fn manual() -> Self {
        Self {
            manual: Some((Instant::now(), AtomicU64::new(0))),
        }
    }

    pub(crate) fn now(&self) -> Instant {
        match &self.manual {
            None => Instant::now(),
            // Relaxed: the offset is read under the queue's lock, and `advance` is followed by a
            // lock-and-notify, which orders it before any read that matters.
            Some((start, micros)) => *start + Duration::from_micros(micros.load(Ordering::Relaxed)),
        }
    }

    /// Moves a manual clock forward (does nothing to the real one).
    #[cfg_attr(not(loom), allow(dead_code))]
    pub(crate) fn advance(&self, by: Duration) {
        if let Some((_, micros)) = &self.manual {
            micros.fetch_add(by.as_micros() as u64, Ordering::Relaxed);
        }
    }
}
