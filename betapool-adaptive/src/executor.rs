//! `AdaptiveThreadPoolExecutor`: the engine, a controller thread that sizes it, task metrics,
//! and the seed's introspection (`metrics`, `decision_history`, `experiment_log`).

use std::fmt;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle as ThreadHandle;
use std::time::Duration;

use betapool_core::controller::ControllerConfig;
use betapool_instrumented::{
    JoinHandle, OrderedMap, Pool, PoolStats, ShutdownTimeout, SubmitError, TaskRecord,
};

use crate::builder::AdaptiveBuilder;
use crate::control_thread::{ExecutorState, lock};
use crate::error::BuildError;
use crate::history::{DecisionEntry, DecisionRecord, ExperimentEntry, ExperimentRecord};
use crate::lock_wait::LockWaitReporter;
use crate::metrics::AdaptiveMetrics;

/// A thread pool that sizes itself: it grows while its tasks are blocked and holds or shrinks
/// when they are CPU-bound, between `min_workers` and `max_workers`.
///
/// ```
/// use betapool_adaptive::AdaptiveThreadPoolExecutor;
///
/// let executor = AdaptiveThreadPoolExecutor::new(4, 64)?;
/// let handles: Vec<_> = (0..100u64)
///     .map(|i| executor.submit(move || {
///         std::thread::sleep(std::time::Duration::from_millis(1)); // blocked: the pool may grow
///         i
///     }))
///     .collect();
/// let sum: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
/// assert_eq!(sum, 4_950);
/// let m = executor.metrics();
/// assert!(m.current_threads >= 4 && m.current_threads <= 64);
/// executor.shutdown();
/// # Ok::<(), betapool_adaptive::BuildError>(())
/// ```
pub struct AdaptiveThreadPoolExecutor {
    shared: Arc<ExecutorState>,
    controller: Mutex<Option<ThreadHandle<()>>>,
    config: ControllerConfig,
}

impl AdaptiveThreadPoolExecutor {
    /// An executor with the default policy, between `min_workers` and `max_workers` threads.
    pub fn new(min_workers: usize, max_workers: usize) -> Result<Self, BuildError> {
        Self::builder(min_workers, max_workers).build()
    }

    /// A builder, for the controller's configuration, a policy, logging and pool settings.
    pub fn builder(min_workers: usize, max_workers: usize) -> AdaptiveBuilder {
        AdaptiveBuilder::new(min_workers, max_workers)
    }

    pub(crate) fn from_parts(
        shared: Arc<ExecutorState>,
        controller: ThreadHandle<()>,
        config: ControllerConfig,
    ) -> Self {
        AdaptiveThreadPoolExecutor {
            shared,
            controller: Mutex::new(Some(controller)),
            config,
        }
    }

    /// The handle through which this pool's tasks report time spent waiting for a lock that
    /// serialises them (see [`LockWaitReporter`], which has an example).
    pub fn lock_wait_reporter(&self) -> LockWaitReporter {
        self.shared.lock_wait.clone()
    }

    /// Runs `f` on the pool and returns a handle to its result (the seed's `submit`).
    pub fn submit<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.shared.pool.submit(f)
    }

    /// The same as [`submit`](Self::submit), under the Rust ecosystem's name.
    pub fn spawn<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.shared.pool.submit(f)
    }

    /// Runs `f` on the pool, or hands it back if the pool is shut down or its bounded queue is
    /// full.
    pub fn try_submit<F, T>(&self, f: F) -> Result<JoinHandle<T>, SubmitError<F>>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.shared.pool.try_submit(f)
    }

    /// Runs `f` without a handle; hands it back if refused.
    pub fn execute<F>(&self, f: F) -> Result<(), SubmitError<F>>
    where
        F: FnOnce() + Send + 'static,
    {
        self.shared.pool.execute(f)
    }

    /// `f` over `items` on the pool, results in input order (the seed's `map`).
    ///
    /// ```
    /// let executor = betapool_adaptive::AdaptiveThreadPoolExecutor::new(2, 8)?;
    /// let v: Vec<u32> = executor.map(|x: u32| x * 2, 0..5).map(Result::unwrap).collect();
    /// assert_eq!(v, [0, 2, 4, 6, 8]);
    /// # Ok::<(), betapool_adaptive::BuildError>(())
    /// ```
    pub fn map<I, F, T>(&self, f: F, items: I) -> OrderedMap<'_, I::IntoIter, F, T>
    where
        I: IntoIterator,
        F: Fn(I::Item) -> T + Send + Sync + 'static,
        I::Item: Send + 'static,
        T: Send + 'static,
    {
        self.shared.pool.map(f, items)
    }

    /// Worker threads alive now (the seed's `get_current_thread_count`).
    pub fn current_thread_count(&self) -> usize {
        self.shared.pool.current_thread_count()
    }

    /// The underlying engine, for its counters and worker statistics.
    ///
    /// ```
    /// let executor = betapool_adaptive::AdaptiveThreadPoolExecutor::new(2, 8)?;
    /// assert_eq!(executor.engine().min_workers(), 2);
    /// assert_eq!(executor.engine().queued(), 0);
    /// # Ok::<(), betapool_adaptive::BuildError>(())
    /// ```
    pub fn engine(&self) -> &Pool {
        self.shared.pool.engine()
    }

    /// The controller settings this executor was built with.
    pub fn config(&self) -> &ControllerConfig {
        &self.config
    }

    /// The seed's `get_metrics()`.
    pub fn metrics(&self) -> AdaptiveMetrics {
        let pool = self.shared.pool.engine();
        let last = lock(&self.shared.last).clone();
        let counters = pool.counters();
        let (throughput, latency) = self
            .shared
            .pool
            .with_collector(|c| (c.throughput(), c.latency_percentiles()));
        AdaptiveMetrics {
            current_threads: pool.live_workers(),
            target_threads: pool.target(),
            min_workers: pool.min_workers(),
            max_workers: pool.max_workers(),
            total_tasks: counters.completed + counters.panicked,
            avg_blocking_ratio: last.as_ref().and_then(|o| o.naive_beta()),
            beta_true: last.as_ref().and_then(|o| o.beta_true()),
            contention: last.as_ref().and_then(|o| o.contention()),
            throughput,
            p50_latency: latency.map(|p| p.p50),
            p95_latency: latency.map(|p| p.p95),
            p99_latency: latency.map(|p| p.p99),
            scale_up_count: self.shared.scale_ups.load(Ordering::Acquire),
            scale_down_count: self.shared.scale_downs.load(Ordering::Acquire),
            queued: pool.queued(),
            policy_errors: self.shared.policy_errors.load(Ordering::Relaxed),
            resize_errors: self.shared.resize_errors.load(Ordering::Relaxed),
            policy: self.shared.policy_name.clone(),
        }
    }

    /// Every resize the controller made, oldest first (the seed's `get_decision_history`).
    /// Export with `betapool_metrics::write_csv` or `write_json`.
    pub fn decision_history(&self) -> Vec<DecisionRecord> {
        lock(&self.shared.history)
            .iter()
            .map(DecisionEntry::record)
            .collect()
    }

    /// The resizes made after `after_s` seconds (a `timestamp_s` of an earlier record),
    /// oldest first: what a poller has not seen yet, without copying the whole history.
    /// Records the history has already dropped (beyond [`LOG_LIMIT`](crate::LOG_LIMIT)) are
    /// not returned; `scale_up_count + scale_down_count` in [`metrics`](Self::metrics) counts
    /// every resize, so a poller can tell whether it missed any.
    ///
    /// ```
    /// let executor = betapool_adaptive::AdaptiveThreadPoolExecutor::new(1, 4)?;
    /// let all = executor.decision_history();
    /// let newer = executor.decision_history_since(all.last().map_or(-1.0, |r| r.timestamp_s));
    /// assert!(newer.iter().all(|r| all.last().is_none_or(|l| r.timestamp_s > l.timestamp_s)));
    /// # Ok::<(), betapool_adaptive::BuildError>(())
    /// ```
    pub fn decision_history_since(&self, after_s: f64) -> Vec<DecisionRecord> {
        lock(&self.shared.history)
            .iter()
            .filter(|e| e.timestamp_s() > after_s)
            .map(DecisionEntry::record)
            .collect()
    }

    /// The controller's periodic log of what it saw (the seed's `get_experiment_log`).
    pub fn experiment_log(&self) -> Vec<ExperimentRecord> {
        lock(&self.shared.experiment)
            .iter()
            .map(ExperimentEntry::record)
            .collect()
    }

    /// The per-task samples (run time, outcome) of the metrics history.
    pub fn task_log(&self) -> Vec<TaskRecord> {
        self.shared.pool.task_log()
    }

    /// A `PoolStats` snapshot, for the Prometheus encoder: the instrumented pool's, with the
    /// controller's resize counts and the seed's β from its latest observation.
    ///
    /// ```
    /// let executor = betapool_adaptive::AdaptiveThreadPoolExecutor::builder(1, 4).name("io").build()?;
    /// executor.submit(|| ()).join()?;
    /// let stats = executor.pool_stats();
    /// assert_eq!((stats.name.as_str(), stats.min_threads, stats.max_threads), ("io", 1, 4));
    /// assert_eq!(stats.completed, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pool_stats(&self) -> PoolStats {
        let mut stats = self.shared.pool.pool_stats();
        let last = lock(&self.shared.last).clone();
        stats.avg_blocking_ratio = last.as_ref().and_then(|o| o.naive_beta());
        // Acquire: a resize is counted after its record is in the history (see the controller).
        stats.scale_up_count = self.shared.scale_ups.load(Ordering::Acquire);
        stats.scale_down_count = self.shared.scale_downs.load(Ordering::Acquire);
        stats
    }

    fn stop_controller(&self) {
        self.shared.stop();
        let handle = self
            .controller
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(h) = handle
            && h.thread().id() != std::thread::current().id()
        {
            let _ = h.join();
        }
    }

    /// Stops the controller, runs every accepted task, and waits for the workers to end.
    pub fn shutdown(&self) {
        self.stop_controller();
        self.shared.pool.shutdown();
    }

    /// Stops the controller, cancels queued tasks, and waits for the workers to end.
    pub fn shutdown_now(&self) {
        self.stop_controller();
        self.shared.pool.shutdown_now();
    }

    /// Like [`shutdown`](Self::shutdown), waiting at most `timeout` for the workers.
    pub fn shutdown_timeout(&self, timeout: Duration) -> Result<(), ShutdownTimeout> {
        self.stop_controller();
        self.shared.pool.shutdown_timeout(timeout)
    }

    /// Whether shutdown has begun.
    pub fn is_shutdown(&self) -> bool {
        self.shared.pool.is_shutdown()
    }
}

impl Drop for AdaptiveThreadPoolExecutor {
    fn drop(&mut self) {
        // The controller holds the shared state; stop it so the pool is not resized after the
        // executor is gone. The pool itself only gets the engine's graceful-shutdown signal.
        self.stop_controller();
    }
}

impl fmt::Debug for AdaptiveThreadPoolExecutor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdaptiveThreadPoolExecutor")
            .field("engine", self.shared.pool.engine())
            .field("policy", &self.shared.policy_name)
            .finish_non_exhaustive()
    }
}
