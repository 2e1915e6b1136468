//! A thread pool of a fixed size with per-task metrics: the baseline the adaptive pool is
//! measured against, and the seed's `StaticThreadPoolExecutor`.
//!
//! - [`StaticThreadPoolExecutor`]: `new(workers)`, `submit`/`spawn`, `try_submit`, `execute`,
//!   `map`, `current_thread_count`, `metrics`, `pool_stats`, `experiment_log`, shutdown.
//! - [`ExecutorBuilder`]: name, stack size, queue bound and rejection policy, metrics window and
//!   history sizes; [`DEFAULT_NAME`] is the default thread-name prefix.
//! - [`ExecutorMetrics`]: the seed's `get_metrics()` keys as a serialisable snapshot.
//! - [`OrderedMap`]: the iterator `map` returns, in input order with a bounded window;
//!   [`MAP_WINDOW_PER_WORKER`] sets its default size.
//! - Errors: [`BuildError`] (a bad setting, named), [`SubmitError`] (a refused task, handed back).
//! - Re-exported from `betapool-core`, as they appear in this crate's signatures:
//!   [`JoinHandle`], [`JoinError`], [`RejectionPolicy`], [`ShutdownTimeout`].
//! - Re-exported from `betapool-metrics`: [`PoolStats`] (for Prometheus) and [`TaskRecord`] (one
//!   row of the experiment log, for `write_csv` and `write_json`).
//!
//! The executor is the engine held at one size plus a timing wrapper around each task; it reads
//! no CPU clocks, so it reports wall-time latency and throughput but no blocking ratio.
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
mod map;
mod metrics;

pub use builder::{DEFAULT_NAME, ExecutorBuilder};
pub use error::{BuildError, SubmitError};
pub use executor::StaticThreadPoolExecutor;
pub use map::{MAP_WINDOW_PER_WORKER, OrderedMap};
pub use metrics::ExecutorMetrics;

pub use betapool_core::{JoinError, JoinHandle, RejectionPolicy, ShutdownTimeout};
pub use betapool_metrics::{PoolStats, TaskRecord};

/// The README's examples, compiled and run as doc tests so they cannot go stale.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
