//! Atomic counters kept by the engine, and the plain snapshots it hands out.
//!
//! Per-worker counters are written only by their worker and read by anyone (the controller reads
//! them every tick), so they are plain `Relaxed` atomics: each value is exact, and readers only
//! need each value on its own, never a consistent cut across several.

use std::time::Duration;

use crate::loom::sync::atomic::{AtomicU64, Ordering};

/// Pool-wide task counters.
#[derive(Default)]
pub(crate) struct PoolCounters {
    pub(crate) submitted: AtomicU64,
    pub(crate) completed: AtomicU64,
    pub(crate) panicked: AtomicU64,
    pub(crate) cancelled: AtomicU64,
    pub(crate) rejected: AtomicU64,
    pub(crate) hook_panics: AtomicU64,
}

impl PoolCounters {
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> Counters {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Counters {
            submitted: get(&self.submitted),
            completed: get(&self.completed),
            panicked: get(&self.panicked),
            cancelled: get(&self.cancelled),
            rejected: get(&self.rejected),
            hook_panics: get(&self.hook_panics),
        }
    }
}

/// A snapshot of a pool's task counters.
///
/// At quiescence (no submitter inside `spawn`, no task queued or running) they balance:
/// `submitted == completed + panicked + cancelled + rejected`.
///
/// ```
/// let pool = betapool_core::Builder::new().build()?;
/// pool.spawn(|| ()).join()?;
/// let _ = pool.spawn(|| panic!("counted")).join();
/// pool.shutdown();
/// let c = pool.counters();
/// assert_eq!((c.submitted, c.completed, c.panicked), (2, 1, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Tasks handed to `spawn`, `try_spawn` or `execute`, accepted or not.
    pub submitted: u64,
    /// Tasks that ran and returned.
    pub completed: u64,
    /// Tasks that ran and panicked (the worker survived).
    pub panicked: u64,
    /// Accepted tasks dropped unrun by `shutdown_now`.
    pub cancelled: u64,
    /// Tasks refused: the pool was shut down or its bounded queue was full.
    pub rejected: u64,
    /// Thread start/stop hooks that panicked (the panic was caught).
    pub hook_panics: u64,
}

/// One worker's counters, written by that worker only.
#[derive(Default)]
pub(crate) struct WorkerCounters {
    pub(crate) busy_ns: AtomicU64,
    pub(crate) completions: AtomicU64,
    pub(crate) panics: AtomicU64,
    /// The kernel's thread id (`gettid`), 0 until the worker has started or where unknown.
    pub(crate) os_tid: AtomicU64,
    /// When the current task started, in ns since the pool's epoch; 0 between tasks.
    pub(crate) task_started_ns: AtomicU64,
}

/// A snapshot of one live worker's counters, for a controller to difference between ticks.
///
/// ```
/// let pool = betapool_core::Builder::new().workers(2).build()?;
/// pool.spawn(|| ()).join()?;
/// let busy: u64 = pool.worker_stats().iter().map(|w| w.completions).sum();
/// assert_eq!(busy, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerStats {
    /// The worker's slot number, as in its thread name (`bp-3`).
    pub index: usize,
    /// The kernel thread id, where known (Linux), for `/proc/self/task/<tid>/…` and thread CPU
    /// clocks.
    pub os_tid: Option<u64>,
    /// Wall time spent running tasks.
    pub busy: Duration,
    /// Tasks this worker finished (returned or panicked).
    pub completions: u64,
    /// Tasks this worker ran that panicked.
    pub panics: u64,
    /// How long the task the worker is running now has run, or `None` between tasks. Added to
    /// `busy`, it gives the worker's busy time up to this instant (what a controller needs
    /// when tasks are long), and a long value with a still CPU clock means a blocked worker.
    pub in_task_for: Option<Duration>,
}

impl WorkerStats {
    /// Busy time including the task running now: `busy + in_task_for`.
    pub fn busy_now(&self) -> Duration {
        self.busy + self.in_task_for.unwrap_or_default()
    }
}

impl WorkerCounters {
    /// A snapshot, `now` being the time since the pool's epoch.
    pub(crate) fn snapshot(&self, index: usize, now: Duration) -> WorkerStats {
        let tid = self.os_tid.load(Ordering::Relaxed);
        let started = self.task_started_ns.load(Ordering::Relaxed);
        let in_task_for = (started != 0).then(|| now.saturating_sub(Duration::from_nanos(started)));
        WorkerStats {
            index,
            os_tid: (tid != 0).then_some(tid),
            busy: Duration::from_nanos(self.busy_ns.load(Ordering::Relaxed)),
            completions: self.completions.load(Ordering::Relaxed),
            panics: self.panics.load(Ordering::Relaxed),
            in_task_for,
        }
    }
}
