//! Named, specialised pools (the seeds' `ThreadPoolManager`: `io`, `cpu`, `inference`, …),
//! each adaptive or static, set up from one TOML file under a global thread cap.
//!
//! - [`GroupConfig`]: the whole file: `max_total_threads`, `verbose` and the pools in file
//!   order; `from_toml_str`, `load`, `to_toml_string`, `validate`, and a builder for code.
//! - [`PoolConfig`]: one named pool and its [`PoolKind`].
//! - [`PoolKind`]: `Adaptive` (bounds, [`ControllerConfig`](betapool_core::ControllerConfig)
//!   and [`PolicyChoice`]) or `Static` (a fixed worker count).
//! - [`PolicyChoice`]: which decision policy an adaptive pool runs.
//! - [`ConfigError`]: a bad file or setting, with its [`ConfigErrorKind`], file, line, column
//!   and key path.
//! - [`THREAD_NAME_LIMIT`]: the kernel's limit on thread names, which bounds pool names.
//! - [`PoolGroup`]: the running pools: `spawn_in`, `spawn_named_in`, `execute_in`,
//!   `batch_in` (at most `k` tasks in flight, results in order), `stats`, `log_status`,
//!   `shutdown` with one [`ShutdownReport`].
//! - [`GroupStats`]: totals and per-pool state, with the tasks running now and for how long.
//! - [`GroupError`]: an unknown pool, a pool that could not start or refused a task.
//! - [`StatsServer`] (feature `http`, on by default): `GET /stats`, `GET /metrics`,
//!   `POST /log-status` on 127.0.0.1, `/metrics` optionally followed by the text of an
//!   [`http::MetricsSource`] (`start_with_metrics`); [`http::route`] and
//!   [`http::route_with_metrics`] are its routing without the network.
#![deny(unsafe_code)]

pub mod config;
mod error;
mod group;
#[cfg(feature = "http")]
pub mod http;
mod running;
mod stats;

pub use config::{
    ConfigError, ConfigErrorKind, GroupConfig, PolicyChoice, PoolConfig, PoolKind,
    THREAD_NAME_LIMIT,
};
pub use error::GroupError;
pub use group::{GroupExecutor, PoolGroup};
#[cfg(feature = "http")]
pub use http::{ServeError, StatsServer};
pub use stats::{GroupStats, PoolSnapshot, RunningTask, ShutdownReport, Totals};
