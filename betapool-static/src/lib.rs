//! Thread pools with per-task metrics: [`InstrumentedPool`], the engine at any size with every
//! task timed (what the static and the adaptive executors are built on), and the seed's
//! [`StaticThreadPoolExecutor`], that pool at a fixed size: the baseline the adaptive pool is
//! measured against.
//!
//! - [`InstrumentedPool`]: the engine (`betapool_core::Pool`) at any size with every task timed
//!   into a collector: `submit`/`spawn`, `try_submit`, `execute`, `map`, `experiment_log`,
//!   `with_collector`, `elapsed`, shutdown, and `pool()` for a controller's `set_target` and
//!   `worker_stats`. The part the static and adaptive executors share.
//! - [`InstrumentedBuilder`]: name, worker bounds and initial count, stack size, queue bound and
//!   rejection policy, metrics window and history sizes.
//! - [`StaticThreadPoolExecutor`]: an `InstrumentedPool` held at one size, with the seed's
//!   `new(workers)`, `submit`/`spawn`, `try_submit`, `execute`, `map`, `current_thread_count`,
//!   `metrics`, `pool_stats`, `experiment_log`, shutdown.
//! - [`ExecutorBuilder`]: the static executor's builder (one size instead of bounds).
//! - [`DEFAULT_NAME`]: the default pool name and thread-name prefix of both builders.
//! - [`ExecutorMetrics`]: the seed's `get_metrics()` keys as a serialisable snapshot.
//! - [`OrderedMap`]: the iterator `map` returns, in input order with a bounded window.
//! - [`MAP_WINDOW_PER_WORKER`]: the default window of `map`, per worker.
//! - [`BuildError`]: a bad setting, named, or a thread the OS refused.
//! - [`SubmitError`]: a refused task, handed back.
//! - Re-exported from `betapool-core`, as they appear in this crate's signatures:
//!   - [`Pool`]: the engine under an `InstrumentedPool`.
//!   - [`JoinHandle`], [`JoinError`]: a task's result, and why there is none.
//!   - [`RejectionPolicy`]: what a full bounded queue does with a new task.
//!   - [`ShutdownTimeout`]: workers still busy when a timed shutdown gave up.
//! - Re-exported from `betapool-metrics`:
//!   - [`MetricsCollector`]: what `InstrumentedPool::with_collector` lends out.
//!   - [`PoolStats`]: a snapshot for Prometheus.
//!   - [`TaskRecord`]: one row of the experiment log, for `write_csv` and `write_json`.
//!
//! An executor here is the engine plus a timing wrapper around each task; it reads no CPU
//! clocks, so it reports wall-time latency and throughput but no blocking ratio. It adds no
//! threads of its own: sizing (fixed here, a controller's job in `betapool-adaptive`) happens
//! through the engine.
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
mod error;
mod executor;
mod instrument;
mod instrumented;
mod map;
mod metrics;
mod parked;

pub use builder::{DEFAULT_NAME, ExecutorBuilder};
pub use error::{BuildError, SubmitError};
pub use executor::StaticThreadPoolExecutor;
pub use instrumented::{InstrumentedBuilder, InstrumentedPool};
pub use map::{MAP_WINDOW_PER_WORKER, OrderedMap};
pub use metrics::ExecutorMetrics;

pub use betapool_core::{JoinError, JoinHandle, Pool, RejectionPolicy, ShutdownTimeout};
pub use betapool_metrics::{MetricsCollector, PoolStats, TaskRecord};
