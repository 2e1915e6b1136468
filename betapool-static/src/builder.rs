//! `ExecutorBuilder`: the settings of a static executor, checked once, turned into a running
//! executor or an error that names the setting. It is an `InstrumentedBuilder` with the worker
//! bounds pinned to one size.

use betapool_instrumented::{BuildError, InstrumentedBuilder, RejectionPolicy};

use crate::StaticThreadPoolExecutor;

/// The default pool name of a static executor, which is also its thread-name prefix (`bps-0`,
/// `bps-1`, …).
///
/// The kernel cuts thread names to 15 bytes, so the prefix is kept short: `bps-` plus any index
/// the engine allows still fits, and `top -H` shows whole names.
///
/// ```
/// let executor = betapool_static::StaticThreadPoolExecutor::new(1)?;
/// let name = executor.submit(|| std::thread::current().name().map(str::to_owned)).join().unwrap();
/// assert_eq!(name, Some(format!("{}-0", betapool_static::DEFAULT_NAME)));
/// # Ok::<(), betapool_static::BuildError>(())
/// ```
pub const DEFAULT_NAME: &str = "bps";

/// Configures and builds a [`StaticThreadPoolExecutor`].
///
/// ```
/// use betapool_static::{RejectionPolicy, StaticThreadPoolExecutor};
///
/// let executor = StaticThreadPoolExecutor::builder(8)
///     .name("io")
///     .stack_size(256 * 1024)
///     .queue_capacity(10_000)
///     .rejection_policy(RejectionPolicy::Block)
///     .window_size(1_000)
///     .max_history(50_000)
///     .build()?;
/// assert_eq!(executor.name(), "io");
/// assert_eq!(executor.current_thread_count(), 8);
/// # Ok::<(), betapool_static::BuildError>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "an ExecutorBuilder does nothing until `build` is called"]
pub struct ExecutorBuilder {
    workers: usize,
    /// Every other setting; its worker bounds are pinned to `workers` in `build`.
    inner: InstrumentedBuilder,
}

impl ExecutorBuilder {
    /// A builder for a pool of exactly `workers` threads, with the defaults: name
    /// [`DEFAULT_NAME`], the platform's stack size, an unbounded queue, and the metrics crate's
    /// window and history sizes ([`DEFAULT_WINDOW_SIZE`](betapool_metrics::DEFAULT_WINDOW_SIZE),
    /// [`DEFAULT_MAX_HISTORY`](betapool_metrics::DEFAULT_MAX_HISTORY)).
    ///
    /// ```
    /// let executor = betapool_static::ExecutorBuilder::new(2).build()?;
    /// assert_eq!(executor.workers(), 2);
    /// # Ok::<(), betapool_static::BuildError>(())
    /// ```
    pub fn new(workers: usize) -> ExecutorBuilder {
        ExecutorBuilder {
            workers,
            inner: InstrumentedBuilder::new().name(DEFAULT_NAME),
        }
    }

    /// The pool's name, also the prefix of its thread names (`<name>-<index>`). It must leave
    /// room for the index within the kernel's 15 bytes.
    ///
    /// ```
    /// let executor = betapool_static::StaticThreadPoolExecutor::builder(1).name("db").build()?;
    /// let thread = executor.submit(|| std::thread::current().name().map(str::to_owned));
    /// assert_eq!(thread.join().unwrap().as_deref(), Some("db-0"));
    /// # Ok::<(), betapool_static::BuildError>(())
    /// ```
    pub fn name(mut self, name: impl Into<String>) -> ExecutorBuilder {
        self.inner = self.inner.name(name);
        self
    }

    /// Stack size of each worker thread, in bytes.
    ///
    /// ```
    /// let executor = betapool_static::StaticThreadPoolExecutor::builder(2)
    ///     .stack_size(512 * 1024)
    ///     .build()?;
    /// assert_eq!(executor.submit(|| 1).join().unwrap(), 1);
    /// # Ok::<(), betapool_static::BuildError>(())
    /// ```
    pub fn stack_size(mut self, bytes: usize) -> ExecutorBuilder {
        self.inner = self.inner.stack_size(bytes);
        self
    }

    /// Bounds the queue of waiting tasks; the [rejection policy](Self::rejection_policy) says
    /// what happens to a task that arrives when it is full. Unbounded by default.
    ///
    /// ```
    /// let err = betapool_static::StaticThreadPoolExecutor::builder(2)
    ///     .queue_capacity(0)
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err.key(), Some("queue_capacity"));
    /// ```
    pub fn queue_capacity(mut self, tasks: usize) -> ExecutorBuilder {
        self.inner = self.inner.queue_capacity(tasks);
        self
    }

    /// What to do with a task submitted while the bounded queue is full (reject it by default).
    ///
    /// ```
    /// use betapool_static::{RejectionPolicy, StaticThreadPoolExecutor};
    ///
    /// let executor = StaticThreadPoolExecutor::builder(1)
    ///     .queue_capacity(1)
    ///     .rejection_policy(RejectionPolicy::CallerRuns)
    ///     .build()?;
    /// let results: Vec<i32> = (0..10).map(|i| executor.submit(move || i)).map(|h| h.join().unwrap()).collect();
    /// assert_eq!(results, (0..10).collect::<Vec<_>>());
    /// # Ok::<(), betapool_static::BuildError>(())
    /// ```
    pub fn rejection_policy(mut self, policy: RejectionPolicy) -> ExecutorBuilder {
        self.inner = self.inner.rejection_policy(policy);
        self
    }

    /// How many of the most recent tasks the latency percentiles and throughput cover.
    ///
    /// ```
    /// let executor = betapool_static::StaticThreadPoolExecutor::builder(2).window_size(10).build()?;
    /// for _ in 0..50 {
    ///     executor.submit(|| ()).join().unwrap();
    /// }
    /// assert_eq!(executor.metrics().total_tasks, 50);
    /// # Ok::<(), betapool_static::BuildError>(())
    /// ```
    pub fn window_size(mut self, tasks: usize) -> ExecutorBuilder {
        self.inner = self.inner.window_size(tasks);
        self
    }

    /// How many task samples the [experiment log](StaticThreadPoolExecutor::experiment_log)
    /// keeps before dropping the oldest. It must be at least the window size.
    ///
    /// ```
    /// let executor = betapool_static::StaticThreadPoolExecutor::builder(2)
    ///     .window_size(5)
    ///     .max_history(20)
    ///     .build()?;
    /// for _ in 0..50 {
    ///     executor.submit(|| ()).join().unwrap();
    /// }
    /// assert_eq!(executor.experiment_log().len(), 20);
    /// # Ok::<(), betapool_static::BuildError>(())
    /// ```
    pub fn max_history(mut self, tasks: usize) -> ExecutorBuilder {
        self.inner = self.inner.max_history(tasks);
        self
    }

    /// Checks the settings, starts the workers and returns the executor. Never panics: a bad
    /// setting, or a thread the OS refuses to start, is a [`BuildError`] naming it.
    ///
    /// ```
    /// let err = betapool_static::StaticThreadPoolExecutor::builder(4)
    ///     .window_size(100)
    ///     .max_history(10)
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "invalid pool `bps`: max_history must be at least window_size (100), got 10",
    /// );
    /// ```
    pub fn build(self) -> Result<StaticThreadPoolExecutor, BuildError> {
        let pool = self.inner.fixed_size(self.workers).build()?;
        Ok(StaticThreadPoolExecutor::from_parts(pool))
    }
}
