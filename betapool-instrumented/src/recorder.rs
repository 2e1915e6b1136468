//! The timing wrapper around every task, and the shared collector it records into.
//!
//! Each task's wall time is measured with an `Instant` pair around the user's closure (about
//! 22 ns per read). Thread CPU time is not read: `clock_gettime(CLOCK_THREAD_CPUTIME_ID)` is a
//! syscall of about 380 ns, too dear to pay on every task; a controller that needs CPU time
//! reads it once per worker per tick instead (`WorkerStats::os_tid`). So every sample's
//! `cpu_time` and blocking ratio are `None`.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use betapool_metrics::{MetricsCollector, TaskSample};

/// What every wrapped task shares: the epoch of its timestamps, the id counter and the collector.
#[derive(Debug)]
pub(crate) struct Recorder {
    /// When the pool was built; sample timestamps are measured from here.
    epoch: Instant,
    /// The next task id. Relaxed is enough: ids only need to be unique, and `fetch_add` makes
    /// them so whatever the ordering.
    next_id: AtomicU64,
    collector: Mutex<MetricsCollector>,
}

impl Recorder {
    pub(crate) fn new(collector: MetricsCollector) -> Recorder {
        Recorder {
            epoch: Instant::now(),
            next_id: AtomicU64::new(0),
            collector: Mutex::new(collector),
        }
    }

    /// Time since the epoch: "now" on the clock of the samples' timestamps.
    pub(crate) fn elapsed(&self) -> Duration {
        self.epoch.elapsed()
    }

    /// The collector, locked. A panic never happens while it is held (no user code runs under
    /// it), but ignoring poison keeps metrics readable even if one day it could.
    pub(crate) fn lock(&self) -> MutexGuard<'_, MetricsCollector> {
        self.collector
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Wraps `f` so that running it records a sample. The id is taken now, so ids follow
    /// submission order; a task that is then refused leaves a gap in the ids.
    pub(crate) fn wrap<F, T>(self: &Arc<Self>, f: F) -> impl FnOnce() -> T + Send + 'static
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let recorder = Arc::clone(self);
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        move || recorder.run(id, f)
    }

    /// Runs `f`, times it and records the sample before the result goes back to the engine, so
    /// a caller whose `join` returned also finds the sample in the metrics.
    fn run<F, T>(&self, id: u64, f: F) -> T
    where
        F: FnOnce() -> T,
    {
        let start = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(f));
        let end = Instant::now();
        let wall = end.saturating_duration_since(start);
        let timestamp = end.saturating_duration_since(self.epoch);
        match result {
            Ok(value) => {
                self.lock()
                    .record(TaskSample::success(id, wall, None, timestamp));
                value
            }
            Err(payload) => {
                let message = panic_message(payload.as_ref());
                self.lock()
                    .record(TaskSample::failure(id, wall, None, timestamp, message));
                // Re-raise the same payload so the engine counts the panic and `join` reports
                // it (`JoinError::is_panic`), exactly as if no wrapper were there. The panic
                // hook does not run again for a resumed panic.
                resume_unwind(payload)
            }
        }
    }
}

/// The text of a panic payload, as `panic!` makes it (`&str` or `String`).
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    payload
        .downcast_ref::<&'static str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "<non-string panic payload>".to_owned())
}

#[cfg(test)]
mod tests;
