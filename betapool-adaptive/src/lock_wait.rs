//! `LockWaitReporter`: how task code tells the controller that part of its wall time went on
//! waiting for a lock that serialises the workers (an interpreter lock such as Python's GIL),
//! so that the time counts as contention rather than as blocking.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;
use std::time::Instant;

/// A handle through which tasks report time spent waiting for a lock the workers share.
///
/// The kernel sees a thread waiting for such a lock as asleep, exactly like a thread waiting
/// for I/O, so without a report the controller reads the wait as blocking and grows the pool,
/// and every new thread only lengthens the queue for the lock. Reported time is taken out of
/// the work's own busy-per-CPU ratio and so counts as contention (time waiting for a core, in
/// effect the one core the lock lets run), which vetoes growth as waiting for a core does;
/// the default policy also holds the pool's size while the lock is contended and the process
/// uses about one core (see `DefaultPolicy` in `betapool-core`).
///
/// Cloning is cheap (one shared counter); reports from any thread add up. A pool whose tasks
/// never report behaves exactly as if this handle did not exist.
///
/// ```
/// use std::time::Duration;
/// use betapool_adaptive::AdaptiveThreadPoolExecutor;
///
/// let executor = AdaptiveThreadPoolExecutor::new(2, 8)?;
/// let reporter = executor.lock_wait_reporter();
/// let lock = std::sync::Arc::new(std::sync::Mutex::new(0u64));
/// let handle = executor.submit(move || {
///     let wait = reporter.begin_wait(); // Waiting for the lock is not I/O.
///     let mut guard = lock.lock().unwrap();
///     drop(wait);
///     *guard += 1;
///     *guard
/// });
/// assert_eq!(handle.join().unwrap(), 1);
/// assert!(executor.lock_wait_reporter().total() < Duration::from_secs(1));
/// executor.shutdown();
/// # Ok::<(), betapool_adaptive::BuildError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct LockWaitReporter {
    /// Nanoseconds reported so far. A `u64` of nanoseconds lasts 584 years of waiting.
    total_nanos: Arc<AtomicU64>,
    /// Tasks waiting for the lock right now (live [`LockWait`] guards).
    waiting: Arc<AtomicUsize>,
}

/// A task waiting for the shared lock: counted as waiting from [`LockWaitReporter::begin_wait`]
/// until this guard is dropped (once the lock is held), when the wait is also reported.
#[derive(Debug)]
#[must_use = "the wait ends when the guard is dropped"]
pub struct LockWait {
    reporter: LockWaitReporter,
    since: Instant,
}

impl Drop for LockWait {
    fn drop(&mut self) {
        self.reporter.waiting.fetch_sub(1, Ordering::Relaxed);
        self.reporter.report(self.since.elapsed());
    }
}

impl LockWaitReporter {
    /// Adds `waited` to the time the pool's tasks have spent waiting for the shared lock.
    pub fn report(&self, waited: Duration) {
        let nanos = u64::try_from(waited.as_nanos()).unwrap_or(u64::MAX);
        // Relaxed is enough: the controller reads a running total once per tick and needs no
        // ordering with anything else the task did.
        self.total_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    /// Counts the calling task as waiting for the lock until the returned guard is dropped,
    /// which also reports the wait. The controller reads the number of waiting tasks at each
    /// tick, so a long wait counts while it lasts, not only once it is over.
    pub fn begin_wait(&self) -> LockWait {
        self.waiting.fetch_add(1, Ordering::Relaxed);
        LockWait {
            reporter: self.clone(),
            since: Instant::now(),
        }
    }

    /// Tasks waiting for the lock right now (between `begin_wait` and the guard's drop).
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }

    /// All the waiting reported so far, by every clone of this handle.
    pub fn total(&self) -> Duration {
        Duration::from_nanos(self.total_nanos.load(Ordering::Relaxed))
    }
}
