//! The timing wrapper around every task, and the shared collector it records into.
//!
//! Each task's wall time is measured with an `Instant` pair around the user's closure (about
//! 22 ns per read). Thread CPU time is not read: `clock_gettime(CLOCK_THREAD_CPUTIME_ID)` is a
//! syscall of about 380 ns, too dear to pay on every task; a controller that needs CPU time
//! reads it once per worker per tick instead (`WorkerStats::os_tid`). So every sample's
//! `cpu_time` and blocking ratio are `None`.
//!
//! # Shards
//!
//! A sample first goes to one of [`SHARDS`] buffers, chosen by the recording thread, and moves
//! to the collector in batches: when a buffer holds [`FLUSH_AT`] samples, and before anyone
//! reads the collector ([`Recorder::lock`]). One lock that every task takes would make tasks
//! much shorter than a lock hand-over (a flood of no-ops) queue for it: workers asleep on a
//! lock inside their tasks, which a controller reads as tasks blocked on I/O and answers with
//! more threads, which queue for the same lock (measured with `perf`: the largest cause of
//! sleeps inside no-op tasks on the adaptive pool). A batch is sorted by the samples' end times
//! as it moves, so the collector's history keeps the order in which tasks ended, to within the
//! microseconds a move takes. Every buffer has its full capacity ([`WAIT_AT`]) from the start
//! and never grows: a full one waits for the collector instead.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, TryLockError};
use std::time::{Duration, Instant};

use betapool_metrics::{MetricsCollector, TaskSample};

/// Sample buffers: enough that the workers running tiny tasks on a machine of a few dozen cores
/// rarely share one, few enough that a reader drains them all in a few microseconds.
const SHARDS: usize = 16;

/// Samples a buffer holds before they move to the collector: one collector lock per this many
/// tasks, and while no one else holds the collector.
const FLUSH_AT: usize = 64;

/// Samples a shard holds at most, its capacity from the start: a shard this full waits for the
/// collector rather than grow while other threads use it. Fixed, because a buffer that grows
/// when a move is late is reallocated by whichever worker filled it, in that thread's malloc
/// arena, and keeps its largest size: with shards that grew up to 1 024 samples, the soak's RSS
/// at rest was about 3 MiB higher and crept by 0.1 MiB a minute, all of it in the workers'
/// arenas (read from `/proc/<pid>/smaps`: 2.8 → 3.3 MiB over three minutes).
const WAIT_AT: usize = 4 * FLUSH_AT;

/// The shard of each recording thread, dealt out in turn as threads first record.
static NEXT_SHARD: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static SHARD: usize = NEXT_SHARD.fetch_add(1, Ordering::Relaxed) % SHARDS;
}

/// What every wrapped task shares: the epoch of its timestamps, the id counter and the collector.
#[derive(Debug)]
pub(crate) struct Recorder {
    /// When the pool was built; sample timestamps are measured from here.
    epoch: Instant,
    /// The next task id. Relaxed is enough: ids only need to be unique, and `fetch_add` makes
    /// them so whatever the ordering.
    next_id: AtomicU64,
    collector: Mutex<MetricsCollector>,
    /// Samples not yet in the collector (see the module documentation).
    shards: [Mutex<Vec<TaskSample>>; SHARDS],
    /// Where a move sorts the shards' samples: kept from one move to the next, so that moves
    /// allocate nothing once it has reached the largest move's size (at most every shard full).
    batch: Mutex<Vec<TaskSample>>,
}

impl Recorder {
    pub(crate) fn new(collector: MetricsCollector) -> Recorder {
        Recorder {
            epoch: Instant::now(),
            next_id: AtomicU64::new(0),
            collector: Mutex::new(collector),
            shards: std::array::from_fn(|_| Mutex::new(Vec::with_capacity(WAIT_AT))),
            batch: Mutex::new(Vec::with_capacity(SHARDS * FLUSH_AT)),
        }
    }

    /// Time since the epoch: "now" on the clock of the samples' timestamps.
    pub(crate) fn elapsed(&self) -> Duration {
        self.epoch.elapsed()
    }

    /// The collector, locked, with every sample recorded so far moved into it. A panic never
    /// happens while it is held (no user code runs under it), but ignoring poison keeps metrics
    /// readable even if one day it could.
    pub(crate) fn lock(&self) -> MutexGuard<'_, MetricsCollector> {
        let collector = self
            .collector
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        self.drain_into(collector)
    }

    /// Moves every shard's samples into `collector`, in the order the tasks ended.
    fn drain_into<'a>(
        &self,
        mut collector: MutexGuard<'a, MetricsCollector>,
    ) -> MutexGuard<'a, MetricsCollector> {
        // Lock order: the collector, the batch, then each shard; a recording thread never holds
        // its shard while it takes the collector.
        let mut batch = self.batch.lock().unwrap_or_else(PoisonError::into_inner);
        for shard in &self.shards {
            batch.append(&mut shard.lock().unwrap_or_else(PoisonError::into_inner));
        }
        batch.sort_by_key(|s| s.timestamp);
        for sample in batch.drain(..) {
            collector.record(sample);
        }
        collector
    }

    /// Records `sample` in the calling thread's shard, moving the shards to the collector
    /// when it is full, unless another thread is using the collector: then the samples wait
    /// for the next move, since a task that waited for the collector would sleep inside the
    /// task (see the module documentation). Only a shard of [`WAIT_AT`] samples waits for it,
    /// so the buffers stay bounded whatever the readers do.
    fn record(&self, sample: TaskSample) {
        let shard = &self.shards[SHARD.with(|s| *s)];
        let mut sample = Some(sample);
        let held = loop {
            let mut buffer = shard.lock().unwrap_or_else(PoisonError::into_inner);
            if buffer.len() < WAIT_AT {
                buffer.extend(sample.take());
                break buffer.len();
            }
            // Full: empty it through the collector (never holding a shard while taking the
            // collector, see `drain_into`), then try again.
            drop(buffer);
            drop(self.lock());
        };
        if held >= FLUSH_AT {
            match self.collector.try_lock() {
                Ok(collector) => drop(self.drain_into(collector)),
                Err(TryLockError::Poisoned(p)) => drop(self.drain_into(p.into_inner())),
                Err(TryLockError::WouldBlock) => {}
            }
        }
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
                self.record(TaskSample::success(id, wall, None, timestamp));
                value
            }
            Err(payload) => {
                let message = panic_message(payload.as_ref());
                self.record(TaskSample::failure(id, wall, None, timestamp, message));
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
