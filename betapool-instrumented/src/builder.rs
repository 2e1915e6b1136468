//! `InstrumentedBuilder`: the settings of an instrumented pool (engine bounds and metrics
//! sizes), checked once, turned into a running pool or an error that names the setting.

use betapool_core::{MAX_WORKERS_LIMIT, RejectionPolicy};
use betapool_metrics::{DEFAULT_MAX_HISTORY, DEFAULT_WINDOW_SIZE, MetricsCollector};

use crate::error::BuildError;
use crate::pool::InstrumentedPool;

/// The default name of an [`InstrumentedPool`], which is also its thread-name prefix (`bpi-0`,
/// `bpi-1`, …). The executors built on this crate set their own (`bps` for the static one,
/// `bpa` for the adaptive one), so a thread list tells the three apart.
///
/// The kernel cuts thread names to 15 bytes, so the prefix is kept short: `bpi-` plus any index
/// the engine allows still fits, and `top -H` shows whole names.
///
/// ```
/// let pool = betapool_instrumented::InstrumentedPool::builder().fixed_size(1).build()?;
/// let name = pool.submit(|| std::thread::current().name().map(str::to_owned)).join().unwrap();
/// assert_eq!(name, Some(format!("{}-0", betapool_instrumented::DEFAULT_NAME)));
/// # Ok::<(), betapool_instrumented::BuildError>(())
/// ```
pub const DEFAULT_NAME: &str = "bpi";

/// Configures and builds an [`InstrumentedPool`]: the engine's size bounds and queue, and the
/// collector's window and history sizes.
///
/// A setting left alone keeps the engine's default (for the worker counts: 1 to
/// [`DEFAULT_MAX_WORKERS`](betapool_core::DEFAULT_MAX_WORKERS), starting at the number of cores
/// the process may use, clamped to those bounds).
///
/// ```
/// use betapool_instrumented::{InstrumentedPool, RejectionPolicy};
///
/// let pool = InstrumentedPool::builder()
///     .name("io")
///     .min_workers(2)
///     .max_workers(64)
///     .workers(4)
///     .stack_size(256 * 1024)
///     .queue_capacity(10_000)
///     .rejection_policy(RejectionPolicy::Block)
///     .window_size(1_000)
///     .max_history(50_000)
///     .build()?;
/// assert_eq!(pool.name(), "io");
/// assert_eq!(pool.current_thread_count(), 4);
/// assert_eq!((pool.engine().min_workers(), pool.engine().max_workers()), (2, 64));
/// # Ok::<(), betapool_instrumented::BuildError>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "an InstrumentedBuilder does nothing until `build` is called"]
pub struct InstrumentedBuilder {
    name: String,
    /// `None` keeps the engine's default, so the two crates cannot drift apart.
    min_workers: Option<usize>,
    /// `None` keeps the engine's default.
    max_workers: Option<usize>,
    /// `None` lets the engine start with as many workers as cores, clamped to the bounds.
    workers: Option<usize>,
    /// Set by [`fixed_size`](InstrumentedBuilder::fixed_size): pins the three counts above.
    fixed: Option<usize>,
    stack_size: Option<usize>,
    queue_capacity: Option<usize>,
    rejection: RejectionPolicy,
    window_size: usize,
    max_history: usize,
}

impl Default for InstrumentedBuilder {
    fn default() -> InstrumentedBuilder {
        InstrumentedBuilder::new()
    }
}

impl InstrumentedBuilder {
    /// A builder with the defaults: name [`DEFAULT_NAME`], the engine's worker bounds and
    /// initial count, the platform's stack size, an unbounded queue rejecting nothing, and the
    /// metrics crate's window and history sizes ([`DEFAULT_WINDOW_SIZE`],
    /// [`DEFAULT_MAX_HISTORY`]). The same as [`InstrumentedPool::builder`].
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedBuilder::new().build()?;
    /// assert_eq!(pool.name(), betapool_instrumented::DEFAULT_NAME);
    /// assert!(pool.current_thread_count() >= 1);
    /// # Ok::<(), betapool_instrumented::BuildError>(())
    /// ```
    pub fn new() -> InstrumentedBuilder {
        InstrumentedBuilder {
            name: DEFAULT_NAME.to_owned(),
            min_workers: None,
            max_workers: None,
            workers: None,
            fixed: None,
            stack_size: None,
            queue_capacity: None,
            rejection: RejectionPolicy::default(),
            window_size: DEFAULT_WINDOW_SIZE,
            max_history: DEFAULT_MAX_HISTORY,
        }
    }

    /// The pool's name, also the prefix of its thread names (`<name>-<index>`). It must leave
    /// room for the largest index (`max_workers - 1`) within the kernel's 15 bytes.
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder().name("db").workers(1).build()?;
    /// let thread = pool.submit(|| std::thread::current().name().map(str::to_owned));
    /// assert_eq!(thread.join().unwrap().as_deref(), Some("db-0"));
    /// # Ok::<(), betapool_instrumented::BuildError>(())
    /// ```
    pub fn name(mut self, name: impl Into<String>) -> InstrumentedBuilder {
        self.name = name.into();
        self
    }

    /// The fewest workers [`Pool::set_target`](betapool_core::Pool::set_target) may leave
    /// (at least 1).
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder()
    ///     .min_workers(2)
    ///     .max_workers(4)
    ///     .build()?;
    /// assert_eq!(pool.engine().set_target(0)?, 2); // clamped
    ///
    /// let err = betapool_instrumented::InstrumentedPool::builder().min_workers(0).build().unwrap_err();
    /// assert_eq!(err.key(), Some("min_workers"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn min_workers(mut self, n: usize) -> InstrumentedBuilder {
        self.min_workers = Some(n);
        self
    }

    /// The most workers [`Pool::set_target`](betapool_core::Pool::set_target) may start.
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder().max_workers(3).build()?;
    /// assert_eq!(pool.engine().set_target(10)?, 3); // clamped
    /// assert_eq!(pool.current_thread_count(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn max_workers(mut self, n: usize) -> InstrumentedBuilder {
        self.max_workers = Some(n);
        self
    }

    /// How many workers to start with, within `[min_workers, max_workers]`. Without it the
    /// pool starts with the number of cores the process may use, clamped to the bounds.
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder().workers(2).build()?;
    /// assert_eq!(pool.current_thread_count(), 2);
    ///
    /// let err = betapool_instrumented::InstrumentedPool::builder()
    ///     .max_workers(4)
    ///     .workers(5)
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err.key(), Some("workers"));
    /// # Ok::<(), betapool_instrumented::BuildError>(())
    /// ```
    pub fn workers(mut self, n: usize) -> InstrumentedBuilder {
        self.workers = Some(n);
        self
    }

    /// Holds the pool at exactly `n` workers: the minimum, the maximum and the starting count
    /// all become `n`, whatever [`min_workers`](Self::min_workers),
    /// [`max_workers`](Self::max_workers) and [`workers`](Self::workers) said. A bad `n` is
    /// reported under the key `workers`.
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder().fixed_size(3).build()?;
    /// assert_eq!((pool.engine().min_workers(), pool.engine().max_workers()), (3, 3));
    ///
    /// let err = betapool_instrumented::InstrumentedPool::builder().fixed_size(0).build().unwrap_err();
    /// assert_eq!(err.to_string(), "invalid pool `bpi`: workers (0) must be at least 1");
    /// assert_eq!(err.key(), Some("workers"));
    /// # Ok::<(), betapool_instrumented::BuildError>(())
    /// ```
    pub fn fixed_size(mut self, n: usize) -> InstrumentedBuilder {
        self.fixed = Some(n);
        self
    }

    /// Stack size of each worker thread, in bytes.
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder()
    ///     .stack_size(512 * 1024)
    ///     .build()?;
    /// assert_eq!(pool.submit(|| 1).join().unwrap(), 1);
    /// # Ok::<(), betapool_instrumented::BuildError>(())
    /// ```
    pub fn stack_size(mut self, bytes: usize) -> InstrumentedBuilder {
        self.stack_size = Some(bytes);
        self
    }

    /// Bounds the queue of waiting tasks; the [rejection policy](Self::rejection_policy) says
    /// what happens to a task that arrives when it is full. Unbounded by default.
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder().queue_capacity(100).build()?;
    /// assert_eq!(pool.engine().queue_capacity(), Some(100));
    ///
    /// let err = betapool_instrumented::InstrumentedPool::builder()
    ///     .queue_capacity(0)
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err.key(), Some("queue_capacity"));
    /// # Ok::<(), betapool_instrumented::BuildError>(())
    /// ```
    pub fn queue_capacity(mut self, tasks: usize) -> InstrumentedBuilder {
        self.queue_capacity = Some(tasks);
        self
    }

    /// What to do with a task submitted while the bounded queue is full (reject it by default).
    ///
    /// ```
    /// use betapool_instrumented::{InstrumentedPool, RejectionPolicy};
    ///
    /// let pool = InstrumentedPool::builder()
    ///     .workers(1)
    ///     .queue_capacity(1)
    ///     .rejection_policy(RejectionPolicy::CallerRuns)
    ///     .build()?;
    /// let handles: Vec<_> = (0..10).map(|i| pool.submit(move || i)).collect();
    /// let results: Vec<i32> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    /// assert_eq!(results, (0..10).collect::<Vec<_>>());
    /// // Tasks run by the caller are timed and recorded like the others.
    /// assert_eq!(pool.task_log().len(), 10);
    /// # Ok::<(), betapool_instrumented::BuildError>(())
    /// ```
    pub fn rejection_policy(mut self, policy: RejectionPolicy) -> InstrumentedBuilder {
        self.rejection = policy;
        self
    }

    /// How many of the most recent tasks the latency percentiles and throughput cover.
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder().window_size(10).build()?;
    /// for _ in 0..50 {
    ///     pool.submit(|| ()).join().unwrap();
    /// }
    /// assert_eq!(pool.with_collector(|c| c.window().len()), 10);
    /// # Ok::<(), betapool_instrumented::BuildError>(())
    /// ```
    pub fn window_size(mut self, tasks: usize) -> InstrumentedBuilder {
        self.window_size = tasks;
        self
    }

    /// How many task samples the [task log](InstrumentedPool::task_log) keeps
    /// before dropping the oldest. It must be at least the window size.
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder()
    ///     .window_size(5)
    ///     .max_history(20)
    ///     .build()?;
    /// for _ in 0..50 {
    ///     pool.submit(|| ()).join().unwrap();
    /// }
    /// assert_eq!(pool.task_log().len(), 20);
    /// # Ok::<(), betapool_instrumented::BuildError>(())
    /// ```
    pub fn max_history(mut self, tasks: usize) -> InstrumentedBuilder {
        self.max_history = tasks;
        self
    }

    /// Checks the settings, starts the workers and returns the pool. Never panics: a bad
    /// setting, or a thread the OS refuses to start, is a [`BuildError`] naming it.
    ///
    /// ```
    /// let err = betapool_instrumented::InstrumentedPool::builder()
    ///     .min_workers(8)
    ///     .max_workers(2)
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "invalid pool `bpi`: min_workers (8) is greater than max_workers (2)",
    /// );
    /// ```
    pub fn build(mut self) -> Result<InstrumentedPool, BuildError> {
        if let Some(n) = self.fixed {
            // Checked before the engine's own bounds checks, so the message says `workers`
            // rather than `min_workers`, which the user never set.
            if n == 0 {
                return Err(BuildError::workers(&self.name, n, "must be at least 1"));
            }
            if n > MAX_WORKERS_LIMIT {
                return Err(BuildError::workers(
                    &self.name,
                    n,
                    format!("must be at most {MAX_WORKERS_LIMIT}"),
                ));
            }
            (self.min_workers, self.max_workers, self.workers) = (Some(n), Some(n), Some(n));
        }
        // The collector is checked before any thread starts, so a bad size costs nothing.
        let collector =
            MetricsCollector::new(self.window_size, self.max_history).map_err(|error| {
                let key = if self.window_size == 0 {
                    "window_size"
                } else {
                    "max_history"
                };
                BuildError::metrics(&self.name, key, error)
            })?;
        let mut engine = betapool_core::Builder::new()
            .name(self.name)
            .rejection_policy(self.rejection);
        if let Some(n) = self.min_workers {
            engine = engine.min_workers(n);
        }
        if let Some(n) = self.max_workers {
            engine = engine.max_workers(n);
        }
        if let Some(n) = self.workers {
            engine = engine.workers(n);
        }
        if let Some(bytes) = self.stack_size {
            engine = engine.stack_size(bytes);
        }
        if let Some(tasks) = self.queue_capacity {
            engine = engine.queue_capacity(tasks);
        }
        let pool = engine.build()?;
        Ok(InstrumentedPool::from_parts(pool, collector))
    }
}
