//! The betapool engine and the pure controller state machine.
//!
//! - [`Builder`] → [`Pool`]: worker threads fed through one crossbeam queue; `set_target` resizes
//!   the pool at any moment; `spawn`, `try_spawn`, `execute`; graceful, immediate and timed
//!   shutdown.
//! - [`JoinHandle`]: `join`, `join_timeout`, `is_finished`, and `.await` from any runtime.
//! - [`RejectionPolicy`]: what a bounded queue does when full.
//! - [`Counters`], [`WorkerStats`]: what the engine counts, for metrics and controllers.
//! - Errors: [`BuildError`], [`SpawnError`], [`JoinError`], [`JoinTimeoutError`],
//!   [`ResizeError`], [`ShutdownTimeout`].
//!
//! - [`controller`]: the pure state machine `Observation -> Decision`, the [`DecisionPolicy`]
//!   trait and [`ControllerConfig`] (the seed's nine settings, validated).
//!
//! The engine applies sizes and never decides them; a controller decides and never touches
//! threads (see `ARCHITECTURE.md`).
#![forbid(unsafe_code)]

pub mod controller;
mod engine;
mod error;
pub(crate) mod loom;
#[cfg(all(test, loom))]
mod tests;

pub use controller::{ConfigError, ControllerConfig, Decision, DecisionPolicy, Observation};
pub use engine::{
    Builder, Counters, DEFAULT_MAX_WORKERS, DEFAULT_NAME, JoinHandle, JoinTimeoutError,
    MAX_WORKERS_LIMIT, Pool, RejectionPolicy, WorkerStats, available_cores,
};
pub use error::{BuildError, JoinError, ResizeError, ShutdownTimeout, SpawnError};
