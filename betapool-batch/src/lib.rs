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
//! - [`select_device`], [`get_device_config`], [`use_gpu`]: the device, from the environment
//!   and the GPUs a [`GpuProbe`] lists ([`SystemProbe`] without linking CUDA, [`FixedProbe`] and
//!   [`FailingProbe`] for tests), as a [`DeviceConfig`] ([`DeviceType`], [`GpuDevice`]).
//! - [`run_in_thread`], [`map_threads`], [`run_cpu`], [`map_cpu`]: the seed's shared executors,
//!   returning a [`TaskHandle`] or [`MapHandle`] to `.await` or `wait()` on; [`cpu_executors`]
//!   and [`install`] reach the process-wide [`CpuExecutors`] (its [`CpuExecutorsMetrics`],
//!   [`MIN_THREADS`], [`DEFAULT_MAX_THREADS`]); a task that gives no result is a
//!   [`TaskError`], a late `install` an [`InstallError`].
//! - [`registry`]: the runtimes running in this process, for stats endpoints:
//!   [`registry::registered_metrics`] (each as a `betapool_metrics::BatchMetrics`, also
//!   [`InferenceRuntime::batch_metrics`]) and [`registry::prometheus_text`].
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
pub mod registry;
mod runtime;
mod slot;
mod stats;
#[cfg(all(test, loom))]
mod tests;

pub use builder::{DEFAULT_QUEUE_CAPACITY, RuntimeBuilder, RuntimeConfig};
pub use device::{
    DeviceConfig, DeviceType, FailingProbe, FixedProbe, GpuDevice, GpuProbe, SystemProbe,
    get_device_config, select_device, use_gpu,
};
pub use env::{EnvOverrides, VARIABLES};
pub use error::{ConfigError, InferError, InstallError, StartError, TaskError, TryInferError};
pub use executors::{
    CpuExecutors, CpuExecutorsMetrics, DEFAULT_MAX_THREADS, MIN_THREADS, MapHandle, TaskHandle,
    cpu_executors, install, map_cpu, map_threads, run_cpu, run_in_thread,
};
pub use infer::{Infer, InferMany};
pub use metrics::{BatchWorkerMetrics, CpuExecutorMetrics, Health, RuntimeMetrics};
pub use model::{BatchModel, BoxError};
pub use runtime::{InferenceRuntime, StopReport};
pub use stats::{BATCH_SIZE_BUCKETS, BatchStats};
