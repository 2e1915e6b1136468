//! `StaticThreadPoolExecutor`: an `InstrumentedPool` held at one size, with the seed's metrics.

use std::fmt;
use std::time::Duration;

use betapool_instrumented::{
    BuildError, InstrumentedPool, JoinHandle, MAP_WINDOW_PER_WORKER, OrderedMap, Pool, PoolStats,
    ShutdownTimeout, SubmitError, TaskRecord,
};

use crate::builder::ExecutorBuilder;
use crate::metrics::ExecutorMetrics;

/// A thread pool of a fixed size that records every task's wall time: the seed's
/// `StaticThreadPoolExecutor`, the baseline the adaptive pool is measured against.
///
/// It is an [`InstrumentedPool`] built with `min_workers = max_workers = workers`, so nothing
/// can resize it, plus the static-specific snapshots [`metrics`](Self::metrics) and
/// [`pool_stats`](Self::pool_stats).
///
/// Each task is wrapped so that its wall time (an `Instant` pair around your closure), its
/// outcome and, when it panics, the panic message are recorded. The static pool does not read
/// thread CPU clocks (a syscall of several hundred nanoseconds per task), so samples carry no
/// CPU time and [`metrics`](Self::metrics) reports no blocking ratio.
///
/// A panicking task never kills a worker: the panic is recorded as a failed sample and then
/// surfaces on [`join`](JoinHandle::join) as a [`JoinError`](crate::JoinError) with
/// `is_panic()`. Dropping the executor begins a graceful shutdown without waiting for it
/// (queued tasks still run); call [`shutdown`](Self::shutdown) to wait.
///
/// ```
/// use betapool_static::StaticThreadPoolExecutor;
///
/// let executor = StaticThreadPoolExecutor::new(4)?;
/// let future = executor.submit(|| 42 * 2);
/// assert_eq!(future.join()?, 84);
///
/// let squares: Vec<u64> = executor.map(|x: u64| x * x, 0..100).map(Result::unwrap).collect();
/// assert_eq!(squares[99], 9801);
///
/// let metrics = executor.metrics();
/// assert_eq!(metrics.current_threads, 4);
/// assert_eq!(metrics.total_tasks, 101);
/// executor.shutdown();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct StaticThreadPoolExecutor {
    /// The engine and the recorder. Both worker bounds are the fixed size, so the engine's
    /// `max_workers` is the one record of it.
    inner: InstrumentedPool,
}

impl StaticThreadPoolExecutor {
    /// A pool of exactly `workers` threads with the default settings (the seed's
    /// `StaticThreadPoolExecutor(workers)`). Zero workers is an error, never a panic.
    ///
    /// ```
    /// use betapool_static::StaticThreadPoolExecutor;
    ///
    /// assert_eq!(StaticThreadPoolExecutor::new(3)?.current_thread_count(), 3);
    /// assert!(StaticThreadPoolExecutor::new(0).is_err());
    /// # Ok::<(), betapool_static::BuildError>(())
    /// ```
    pub fn new(workers: usize) -> Result<StaticThreadPoolExecutor, BuildError> {
        ExecutorBuilder::new(workers).build()
    }

    /// A builder for a pool of `workers` threads, to set a name, stack size, queue bound and
    /// metrics sizes.
    ///
    /// ```
    /// let executor = betapool_static::StaticThreadPoolExecutor::builder(2).name("api").build()?;
    /// assert_eq!(executor.name(), "api");
    /// # Ok::<(), betapool_static::BuildError>(())
    /// ```
    pub fn builder(workers: usize) -> ExecutorBuilder {
        ExecutorBuilder::new(workers)
    }

    /// `inner` must have been built with both worker bounds at the fixed size.
    pub(crate) fn from_parts(inner: InstrumentedPool) -> StaticThreadPoolExecutor {
        debug_assert_eq!(inner.engine().min_workers(), inner.engine().max_workers());
        StaticThreadPoolExecutor { inner }
    }

    /// Runs `f` on the pool and returns a handle to its result (the seed's `submit`).
    ///
    /// If the executor is shut down, or its bounded queue is full under
    /// [`RejectionPolicy::Reject`](crate::RejectionPolicy::Reject), `f` is dropped and the
    /// handle resolves as cancelled; use [`try_submit`](Self::try_submit) to get `f` back.
    ///
    /// ```
    /// let executor = betapool_static::StaticThreadPoolExecutor::new(2)?;
    /// let handle = executor.submit(|| "done");
    /// assert_eq!(handle.join()?, "done");
    ///
    /// let err = executor.submit(|| -> u8 { panic!("bad input") }).join().unwrap_err();
    /// assert!(err.is_panic());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn submit<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.inner.submit(f)
    }

    /// The same as [`submit`](Self::submit), under the name the Rust ecosystem uses.
    ///
    /// ```
    /// let executor = betapool_static::StaticThreadPoolExecutor::new(2)?;
    /// assert_eq!(executor.spawn(|| 6 * 7).join()?, 42);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn spawn<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.inner.spawn(f)
    }

    /// Runs `f` on the pool, or hands it back inside the error if the executor is shut down or
    /// its bounded queue is full.
    ///
    /// Handing the closure back costs one small allocation per call (the closure waits in a
    /// shared slot until the engine has either taken the task or refused it), which
    /// [`submit`](Self::submit) does not pay.
    ///
    /// ```
    /// let executor = betapool_static::StaticThreadPoolExecutor::new(2)?;
    /// let handle = executor.try_submit(|| 1 + 1).map_err(|e| e.to_string())?;
    /// assert_eq!(handle.join()?, 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn try_submit<F, T>(&self, f: F) -> Result<JoinHandle<T>, SubmitError<F>>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.inner.try_submit(f)
    }

    /// Runs `f` on the pool without a handle (fire and forget). A panic in `f` is caught,
    /// counted and recorded. If the task is refused, `f` is handed back.
    ///
    /// ```
    /// let executor = betapool_static::StaticThreadPoolExecutor::new(2)?;
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// executor.execute(move || tx.send(7).unwrap()).map_err(|e| e.to_string())?;
    /// assert_eq!(rx.recv()?, 7);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn execute<F>(&self, f: F) -> Result<(), SubmitError<F>>
    where
        F: FnOnce() + Send + 'static,
    {
        self.inner.execute(f)
    }

    /// Applies `f` to every item on the pool and yields the results in input order (the seed's
    /// `map`), keeping at most [`MAP_WINDOW_PER_WORKER`] × `workers` tasks in flight.
    ///
    /// Items are pulled from `items` lazily, as the window frees up. A task that panics yields
    /// `Err` for its own item only.
    ///
    /// ```
    /// let executor = betapool_static::StaticThreadPoolExecutor::new(4)?;
    /// let results: Vec<_> = executor
    ///     .map(|x: i32| if x == 2 { panic!("two") } else { x * 10 }, 0..4)
    ///     .collect();
    /// assert_eq!(results[1].as_ref().ok(), Some(&10));
    /// assert!(results[2].as_ref().unwrap_err().is_panic());
    /// assert_eq!(results[3].as_ref().ok(), Some(&30));
    /// # Ok::<(), betapool_static::BuildError>(())
    /// ```
    pub fn map<I, F, T>(&self, f: F, items: I) -> OrderedMap<'_, I::IntoIter, F, T>
    where
        I: IntoIterator,
        I::Item: Send + 'static,
        F: Fn(I::Item) -> T + Send + Sync + 'static,
        T: Send + 'static,
    {
        // The fixed size, not the live count: the window stays the same after shutdown, too.
        let window = self.workers().saturating_mul(MAP_WINDOW_PER_WORKER);
        self.inner.map_with_window(f, items, window)
    }

    /// Like [`map`](Self::map) with at most `window` tasks in flight. A window of 0 is taken as
    /// 1, since no task could ever run otherwise.
    ///
    /// ```
    /// let executor = betapool_static::StaticThreadPoolExecutor::new(4)?;
    /// // One task at a time: the input is consumed strictly in step with the output.
    /// let words: Vec<String> = executor
    ///     .map_with_window(|w: &str| w.to_uppercase(), ["a", "b", "c"], 1)
    ///     .collect::<Result<_, _>>()?;
    /// assert_eq!(words, ["A", "B", "C"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn map_with_window<I, F, T>(
        &self,
        f: F,
        items: I,
        window: usize,
    ) -> OrderedMap<'_, I::IntoIter, F, T>
    where
        I: IntoIterator,
        I::Item: Send + 'static,
        F: Fn(I::Item) -> T + Send + Sync + 'static,
        T: Send + 'static,
    {
        self.inner.map_with_window(f, items, window)
    }

    /// Worker threads alive now (the seed's `get_current_thread_count`). It equals
    /// [`workers`](Self::workers) until shutdown.
    ///
    /// ```
    /// let executor = betapool_static::StaticThreadPoolExecutor::new(3)?;
    /// assert_eq!(executor.current_thread_count(), 3);
    /// executor.shutdown();
    /// assert_eq!(executor.current_thread_count(), 0);
    /// # Ok::<(), betapool_static::BuildError>(())
    /// ```
    pub fn current_thread_count(&self) -> usize {
        self.inner.current_thread_count()
    }

    /// The engine underneath, for its live counts (`live_workers`, `idle_workers`, `queued`).
    ///
    /// ```
    /// let executor = betapool_static::StaticThreadPoolExecutor::new(3)?;
    /// assert_eq!(executor.engine().queued(), 0);
    /// # Ok::<(), betapool_static::BuildError>(())
    /// ```
    pub fn engine(&self) -> &Pool {
        self.inner.engine()
    }

    /// The fixed number of workers the executor was built with.
    ///
    /// ```
    /// let executor = betapool_static::StaticThreadPoolExecutor::new(5)?;
    /// assert_eq!(executor.workers(), 5);
    /// # Ok::<(), betapool_static::BuildError>(())
    /// ```
    pub fn workers(&self) -> usize {
        self.inner.engine().max_workers()
    }

    /// The pool's name, which prefixes its thread names.
    ///
    /// ```
    /// let executor = betapool_static::StaticThreadPoolExecutor::new(1)?;
    /// assert_eq!(executor.name(), betapool_static::DEFAULT_NAME);
    /// # Ok::<(), betapool_static::BuildError>(())
    /// ```
    pub fn name(&self) -> &str {
        self.inner.name()
    }

    /// A snapshot with the seed's `get_metrics()` keys; see [`ExecutorMetrics`].
    ///
    /// ```
    /// let executor = betapool_static::StaticThreadPoolExecutor::new(2)?;
    /// executor.submit(|| ()).join()?;
    /// let _ = executor.submit(|| panic!("counted")).join();
    /// let m = executor.metrics();
    /// assert_eq!((m.total_tasks, m.completed, m.panicked), (2, 1, 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn metrics(&self) -> ExecutorMetrics {
        ExecutorMetrics::from_stats(&self.inner.pool_stats())
    }

    /// A snapshot in the metrics crate's shape, ready for `betapool_metrics::prometheus::encode`
    /// or a JSON endpoint.
    ///
    /// ```
    /// let executor = betapool_static::StaticThreadPoolExecutor::builder(2).name("io").build()?;
    /// executor.submit(|| ()).join()?;
    /// let mut text = String::new();
    /// betapool_metrics::prometheus::encode(&[executor.pool_stats()], &mut text);
    /// assert!(text.contains("betapool_threads{pool=\"io\"} 2\n"));
    /// assert!(text.contains("betapool_tasks_completed_total{pool=\"io\"} 1\n"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pool_stats(&self) -> PoolStats {
        self.inner.pool_stats()
    }

    /// Every task sample kept (up to [`max_history`](ExecutorBuilder::max_history)), oldest
    /// first, as flat rows (the seed's `get_experiment_log`). Write them out with
    /// `betapool_metrics::write_csv` or `write_json`.
    ///
    /// ```
    /// let executor = betapool_static::StaticThreadPoolExecutor::new(2)?;
    /// for i in 0..3 {
    ///     executor.submit(move || i).join()?;
    /// }
    /// let log = executor.experiment_log();
    /// assert_eq!(log.len(), 3);
    /// assert!(log.iter().all(|r| r.success && r.cpu_time_s.is_none()));
    ///
    /// let mut csv = Vec::new();
    /// betapool_metrics::write_csv(&mut csv, &log)?;
    /// assert_eq!(String::from_utf8(csv)?.lines().count(), 4); // header + 3 rows
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn experiment_log(&self) -> Vec<TaskRecord> {
        self.inner.task_log()
    }

    /// Refuses new tasks, runs every task already accepted, and waits for the workers to end.
    /// Idempotent. Called from one of the executor's own tasks, it waits for every other worker.
    ///
    /// ```
    /// let executor = betapool_static::StaticThreadPoolExecutor::new(2)?;
    /// let handle = executor.submit(|| 1);
    /// executor.shutdown();
    /// assert_eq!(handle.join()?, 1);
    /// assert!(executor.is_shutdown());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn shutdown(&self) {
        self.inner.shutdown();
    }

    /// Refuses new tasks, cancels the queued ones (their handles resolve as cancelled), lets
    /// running tasks finish, and waits for the workers to end.
    ///
    /// ```
    /// let executor = betapool_static::StaticThreadPoolExecutor::new(1)?;
    /// let (started_tx, started) = std::sync::mpsc::channel();
    /// let running = executor.submit(move || started_tx.send(()).unwrap());
    /// let queued = executor.submit(|| ());
    /// started.recv()?; // the first task is running, or done
    /// executor.shutdown_now();
    /// running.join()?;
    /// // The queued task either ran before the shutdown reached it or was cancelled.
    /// if let Err(e) = queued.join() {
    ///     assert!(e.is_cancelled());
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn shutdown_now(&self) {
        self.inner.shutdown_now();
    }

    /// Like [`shutdown`](Self::shutdown) but waits at most `timeout`; the error says how many
    /// workers were still busy.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let executor = betapool_static::StaticThreadPoolExecutor::new(1)?;
    /// let (tx, rx) = std::sync::mpsc::channel::<()>();
    /// let _stuck = executor.submit(move || { let _ = rx.recv(); });
    /// let err = executor.shutdown_timeout(Duration::from_millis(20)).unwrap_err();
    /// assert_eq!(err.still_running(), 1);
    /// drop(tx); // lets the stuck task end
    /// # Ok::<(), betapool_static::BuildError>(())
    /// ```
    pub fn shutdown_timeout(&self, timeout: Duration) -> Result<(), ShutdownTimeout> {
        self.inner.shutdown_timeout(timeout)
    }

    /// Whether shutdown has begun (new tasks are refused).
    ///
    /// ```
    /// let executor = betapool_static::StaticThreadPoolExecutor::new(1)?;
    /// assert!(!executor.is_shutdown());
    /// executor.shutdown();
    /// assert!(executor.is_shutdown());
    /// # Ok::<(), betapool_static::BuildError>(())
    /// ```
    pub fn is_shutdown(&self) -> bool {
        self.inner.is_shutdown()
    }
}

impl fmt::Debug for StaticThreadPoolExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticThreadPoolExecutor")
            .field("name", &self.name())
            .field("workers", &self.workers())
            .field("live", &self.inner.engine().live_workers())
            .field("queued", &self.inner.engine().queued())
            .field("shutdown", &self.is_shutdown())
            .finish()
    }
}
