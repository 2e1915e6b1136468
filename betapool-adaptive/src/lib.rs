//! A thread pool that sizes itself: it grows while its tasks are blocked and refuses to grow
//! when they are CPU-bound, so nobody has to hand-tune thread counts.
//!
//! - [`AdaptiveThreadPoolExecutor`]: the engine, a controller thread and task metrics;
//!   `new(min, max)`, `submit`/`spawn`, `try_submit`, `execute`, `map`, `metrics`,
//!   `decision_history`, `experiment_log` (the controller's rows), `task_log` (one row per
//!   task), `pool_stats`, `engine`, shutdown.
//! - [`AdaptiveBuilder`]: bounds, `ControllerConfig`, a `DecisionPolicy` (the default, the
//!   seeds' [`SeedPolicy`](controller::SeedPolicy), or your own), logging.
//! - [`AdaptiveMetrics`]: the seed's `get_metrics()` keys.
//! - [`DecisionRecord`], [`ExperimentRecord`]: rows of the decision history and the
//!   experiment log, exportable with `betapool_metrics::write_csv` / `write_json`.
//! - [`BuildError`]: a bad setting (named) or a thread the OS refused.
//! - [`LockWaitReporter`], [`LockWait`]: how tasks report time spent waiting for a lock that serialises the
//!   workers (an interpreter lock), so the controller counts it as contention, not blocking.
//! - Tick constants: [`FAST_TICK`], [`IDLE_TICK`], [`EXPERIMENT_INTERVAL`]; [`LOG_LIMIT`];
//!   [`TRIM_INTERVAL`] (how often free heap memory may be handed back after the pool shrinks).
//! - [`process_cpu_time`]: the whole process's CPU clock, as the controller reads it.
//! - Re-exported, as they appear in this crate's signatures, so a user of this crate alone can
//!   name them:
//!   - [`controller`]: `betapool-core`'s pure controller: `ControllerConfig`,
//!     `DecisionPolicy`, `Observation`, `Decision`, `DefaultPolicy`, `SeedPolicy`.
//!   - [`SubmitError`]: a refused task, handed back.
//!   - [`OrderedMap`]: what `map` returns.
//!   - [`Pool`]: the engine, as [`AdaptiveThreadPoolExecutor::engine`] lends it out.
//!   - [`JoinHandle`], [`JoinError`]: a task's result, and why there is none.
//!   - [`RejectionPolicy`]: what a full bounded queue does with a new task.
//!   - [`ShutdownTimeout`]: workers still busy when a timed shutdown gave up.
//!   - [`PoolStats`], [`TaskRecord`]: the Prometheus snapshot and a row of the task log.
//!
//! The signal: each tick the controller reads per-worker busy time from the engine, the CPU
//! clocks of a rotating sample of workers (read cross-thread), their run-queue delay
//! (`/proc/self/task/<tid>/schedstat`), and the process CPU clock over ≥ 10 ms windows. From
//! these it computes the seed's β = 1 − cpu/busy, the corrected β_true = 1 − (cpu + run
//! delay)/busy and the contention = run delay/busy, and hands them to the policy. Time that tasks
//! report through a [`LockWaitReporter`] counts as run delay too.
#![deny(unsafe_code)]

mod builder;
mod control_thread;
mod error;
mod estimator;
mod executor;
mod history;
mod lock_wait;
mod metrics;
mod sampler;
mod signal;
mod trim;

pub use builder::{AdaptiveBuilder, DEFAULT_NAME};
pub use control_thread::{EXPERIMENT_INTERVAL, FAST_TICK, IDLE_TICK};
pub use error::BuildError;
pub use executor::AdaptiveThreadPoolExecutor;
pub use history::{DecisionRecord, ExperimentRecord, LOG_LIMIT};
pub use lock_wait::{LockWait, LockWaitReporter};
pub use metrics::AdaptiveMetrics;
pub use signal::clock::process_cpu_time;
pub use trim::TRIM_INTERVAL;

pub use betapool_core::controller;
pub use betapool_instrumented::{
    JoinError, JoinHandle, OrderedMap, Pool, PoolStats, RejectionPolicy, ShutdownTimeout,
    SubmitError, TaskRecord,
};
