//! The layer every betapool executor stands on: [`InstrumentedPool`], the engine
//! (`betapool_core::Pool`) at any size with every task timed into a metrics collector.
//! `betapool-static` holds one at a fixed size; `betapool-adaptive` adds a controller thread
//! that resizes it. Nothing here decides a size.
//!
//! - [`InstrumentedPool`]: `submit`/`spawn`, `try_submit`, `execute`, `map`, `task_log`,
//!   `with_collector`, `pool_stats`, `elapsed`, shutdown, and `engine()` for a controller's
//!   `request_target` and `worker_stats`.
//! - [`InstrumentedBuilder`]: name, worker bounds (or one `fixed_size`) and initial count,
//!   stack size, queue bound and rejection policy, metrics window and history sizes.
//! - [`DEFAULT_NAME`]: the default pool name and thread-name prefix.
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
//!   - [`TaskRecord`]: one row of the task log, for `write_csv` and `write_json`.
//!
//! The pool reads no CPU clocks per task (a syscall of several hundred nanoseconds), so it
//! reports wall-time latency and throughput; a controller that needs CPU time reads it once
//! per worker per tick.
//!
//! ```
//! use betapool_instrumented::InstrumentedPool;
//!
//! let pool = InstrumentedPool::builder().min_workers(1).max_workers(8).workers(2).build()?;
//! let handles: Vec<_> = (0..100u64).map(|i| pool.submit(move || i * i)).collect();
//! let sum: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
//! assert_eq!(sum, 328_350);
//! pool.engine().set_target(4)?; // what a controller does
//! assert_eq!(pool.pool_stats().completed, 100);
//! pool.shutdown();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod builder;
mod error;
mod map;
mod parked;
mod pool;
mod recorder;
mod stats;

pub use builder::{DEFAULT_NAME, InstrumentedBuilder};
pub use error::{BuildError, SubmitError};
pub use map::{MAP_WINDOW_PER_WORKER, OrderedMap};
pub use pool::InstrumentedPool;

pub use betapool_core::{JoinError, JoinHandle, Pool, RejectionPolicy, ShutdownTimeout};
pub use betapool_metrics::{MetricsCollector, PoolStats, TaskRecord};
