//! The seed's [`StaticThreadPoolExecutor`]: a thread pool of one fixed size with every task
//! timed, the baseline the adaptive pool is measured against. It is a
//! `betapool_instrumented::InstrumentedPool` held at one size.
//!
//! - [`StaticThreadPoolExecutor`]: the seed's `new(workers)`, `submit`/`spawn`, `try_submit`,
//!   `execute`, `map`, `current_thread_count`, `metrics`, `pool_stats`, `experiment_log` (one
//!   row per task), `engine`, shutdown.
//! - [`ExecutorBuilder`]: the static executor's builder (one size instead of bounds).
//! - [`DEFAULT_NAME`]: the default pool name and thread-name prefix.
//! - [`ExecutorMetrics`]: the seed's `get_metrics()` keys as a serialisable snapshot.
//! - Re-exported from `betapool-instrumented`, `betapool-core` and `betapool-metrics`, as they
//!   appear in this crate's signatures, so a user of this crate alone can name them:
//!   - [`BuildError`]: a bad setting, named, or a thread the OS refused.
//!   - [`SubmitError`]: a refused task, handed back.
//!   - [`OrderedMap`], [`MAP_WINDOW_PER_WORKER`]: what `map` returns, and its window per worker.
//!   - [`Pool`]: the engine, as [`StaticThreadPoolExecutor::engine`] lends it out.
//!   - [`JoinHandle`], [`JoinError`]: a task's result, and why there is none.
//!   - [`RejectionPolicy`]: what a full bounded queue does with a new task.
//!   - [`ShutdownTimeout`]: workers still busy when a timed shutdown gave up.
//!   - [`PoolStats`]: a snapshot for Prometheus.
//!   - [`TaskRecord`]: one row of the experiment log, for `write_csv` and `write_json`.
//!
//! The executor reads no CPU clocks, so it reports wall-time latency and throughput but no
//! blocking ratio. It adds no threads of its own.
//!
//! ```
//! use betapool_static::StaticThreadPoolExecutor;
//!
//! let executor = StaticThreadPoolExecutor::new(4)?;
//! let handles: Vec<_> = (0..100u64).map(|i| executor.submit(move || i * i)).collect();
//! let sum: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
//! assert_eq!(sum, 328_350);
//! assert_eq!(executor.metrics().total_tasks, 100);
//! executor.shutdown();
//! # Ok::<(), betapool_static::BuildError>(())
//! ```
#![forbid(unsafe_code)]

mod builder;
mod executor;
mod metrics;

pub use builder::{DEFAULT_NAME, ExecutorBuilder};
pub use executor::StaticThreadPoolExecutor;
pub use metrics::ExecutorMetrics;

pub use betapool_instrumented::{
    BuildError, JoinError, JoinHandle, MAP_WINDOW_PER_WORKER, OrderedMap, Pool, PoolStats,
    RejectionPolicy, ShutdownTimeout, SubmitError, TaskRecord,
};
