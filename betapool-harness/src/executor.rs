//! The `Executor` trait the harness drives, and `StaticExecutor`, our fixed-size pool behind it.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use betapool_static::StaticThreadPoolExecutor;

use crate::error::HarnessError;

/// One unit of work handed to an [`Executor`].
pub type Job = Box<dyn FnOnce() + Send + 'static>;

/// An executor the harness can drive: ours, or a peer's (peers implement it in the bench runner).
///
/// Implementations must run every job exactly once, on some thread of the pool, and must not
/// block the caller for long in [`execute`](Self::execute): the harness submits from one thread
/// and measures latency from submission to completion. A job dropped without running is
/// counted as lost rather than hanging the run.
///
/// # Examples
///
/// ```
/// use betapool_harness::{Executor, Job};
///
/// /// A "pool" that starts one thread per job.
/// struct ThreadPerJob;
///
/// impl Executor for ThreadPerJob {
///     fn name(&self) -> String {
///         "thread-per-job".into()
///     }
///     fn execute(&self, job: Job) {
///         std::thread::spawn(job);
///     }
///     fn shutdown(&self) {}
/// }
///
/// let (tx, rx) = std::sync::mpsc::channel();
/// ThreadPerJob.execute(Box::new(move || tx.send(1).unwrap()));
/// assert_eq!(rx.recv()?, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Executor: Send + Sync {
    /// A short label for reports, e.g. `"static:32"`, `"tokio"`, `"rayon"`.
    fn name(&self) -> String;
    /// Runs the job exactly once, on some pool thread.
    fn execute(&self, job: Job);
    /// Stops accepting jobs, finishes the accepted ones and ends the threads (best effort for
    /// peers).
    fn shutdown(&self);
}

/// Any executor prints as its [`name`](Executor::name), so `Box<dyn Executor>` can be
/// debugged and unwrapped in tests.
///
/// ```
/// let pool = betapool_harness::pool_from_spec("static:2")?;
/// assert_eq!(format!("{pool:?}"), "Executor(\"static:2\")");
/// # Ok::<(), betapool_harness::HarnessError>(())
/// ```
impl fmt::Debug for dyn Executor + '_ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Executor").field(&self.name()).finish()
    }
}

/// Our [`StaticThreadPoolExecutor`] behind the [`Executor`] trait: `workers` threads, named
/// `"static:N"` in reports.
///
/// Jobs go through [`StaticThreadPoolExecutor::execute`]. The pool has an unbounded queue, so
/// it refuses a job only after [`shutdown`](Executor::shutdown); such a refused job is run
/// inline on the caller's thread and counted in [`inline_runs`](Self::inline_runs), so a
/// harness bug shows up as a number instead of a hang or a panic.
///
/// # Examples
///
/// ```
/// use betapool_harness::{Executor, StaticExecutor};
///
/// let pool = StaticExecutor::new(4)?;
/// assert_eq!(pool.name(), "static:4");
/// let (tx, rx) = std::sync::mpsc::channel();
/// pool.execute(Box::new(move || tx.send("ran").unwrap()));
/// assert_eq!(rx.recv()?, "ran");
/// pool.shutdown();
/// assert_eq!(pool.inline_runs(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct StaticExecutor {
    pool: StaticThreadPoolExecutor,
    workers: usize,
    /// Jobs the pool refused and the caller ran itself. Relaxed: a statistic read after the fact.
    inline_runs: AtomicU64,
}

impl StaticExecutor {
    /// A static pool of `workers` threads (at least 1; the OS may refuse to start them).
    ///
    /// ```
    /// use betapool_harness::StaticExecutor;
    ///
    /// assert!(StaticExecutor::new(2).is_ok());
    /// let err = StaticExecutor::new(0).unwrap_err();
    /// assert!(err.to_string().starts_with("pool spec `static:0`: "), "{err}");
    /// ```
    pub fn new(workers: usize) -> Result<StaticExecutor, HarnessError> {
        let pool = StaticThreadPoolExecutor::new(workers)
            .map_err(|e| HarnessError::pool_build(&format!("static:{workers}"), e))?;
        Ok(StaticExecutor {
            pool,
            workers,
            inline_runs: AtomicU64::new(0),
        })
    }

    /// How many jobs the pool refused and the caller ran inline (zero unless jobs were submitted
    /// after shutdown).
    ///
    /// ```
    /// use betapool_harness::{Executor, StaticExecutor};
    ///
    /// let pool = StaticExecutor::new(1)?;
    /// pool.shutdown();
    /// pool.execute(Box::new(|| ()));
    /// assert_eq!(pool.inline_runs(), 1);
    /// # Ok::<(), betapool_harness::HarnessError>(())
    /// ```
    pub fn inline_runs(&self) -> u64 {
        self.inline_runs.load(Ordering::Relaxed)
    }

    /// The executor itself, for its metrics.
    ///
    /// ```
    /// let pool = betapool_harness::StaticExecutor::new(3)?;
    /// assert_eq!(pool.executor().workers(), 3);
    /// # Ok::<(), betapool_harness::HarnessError>(())
    /// ```
    pub fn executor(&self) -> &StaticThreadPoolExecutor {
        &self.pool
    }
}

impl Executor for StaticExecutor {
    fn name(&self) -> String {
        format!("static:{}", self.workers)
    }

    fn execute(&self, job: Job) {
        if let Err(refused) = self.pool.execute(job) {
            self.inline_runs.fetch_add(1, Ordering::Relaxed);
            (refused.into_inner())();
        }
    }

    fn shutdown(&self) {
        self.pool.shutdown();
    }
}

impl fmt::Debug for StaticExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticExecutor")
            .field("workers", &self.workers)
            .field("inline_runs", &self.inline_runs())
            .field("pool", &self.pool)
            .finish()
    }
}
