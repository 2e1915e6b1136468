//! The inference runtime of seed 003: requests micro-batched onto a model, the device chosen by
//! itself (with the seed's environment overrides), and shared executors that async code awaits.
//!
//! No async runtime is a dependency: every future here is a plain `std::future::Future` that
//! tokio, smol, async-std or a hand-written `block_on` can drive, and every call has a blocking
//! form.
//!
//! - [`BatchModel`]: the trait a model implements (a batch of inputs in, one output per input out).
//! - [`EnvOverrides`]: `MASX_FORCE_CPU`, `MASX_FORCE_GPU`, `BATCH_SIZE`, `BATCH_DELAY_MS`,
//!   `MAX_THREADS`, `MAX_PROCS`, read from a map passed in.
//! - [`InferError`], [`TryInferError`], [`ConfigError`], [`StartError`]: what can fail, naming
//!   what was wrong.

mod block_on;
mod builder;
mod clock;
mod device;
mod dispatcher;
mod env;
mod error;
mod executors;
mod infer;
mod loom;
mod metrics;
mod model;
pub mod policy;
mod queue;
mod runtime;
mod slot;
mod stats;
#[cfg(all(test, loom))]
mod tests;

pub use builder::{DEFAULT_QUEUE_CAPACITY, RuntimeBuilder, RuntimeConfig};
pub use device::{DeviceConfig, DeviceType, GpuDevice, GpuProbe, SystemProbe, select_device};
pub use env::{EnvOverrides, VARIABLES};
pub use error::{ConfigError, InferError, StartError, TryInferError};
pub use infer::{Infer, InferMany};
pub use metrics::{BatchWorkerMetrics, CpuExecutorMetrics, Health, RuntimeMetrics};
pub use model::{BatchModel, BoxError};
pub use runtime::{InferenceRuntime, StopReport};
pub use stats::{BATCH_SIZE_BUCKETS, BatchStats};
