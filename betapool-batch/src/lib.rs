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
//! - [`InferError`], [`TryInferError`], [`ConfigError`], [`StartError`]: what can fail, naming
//!   what was wrong.

mod device;
mod env;
mod error;
mod model;

pub use device::{
    DeviceConfig, DeviceType, FailingProbe, FixedProbe, GpuDevice, GpuProbe, SystemProbe,
    get_device_config, select_device, use_gpu,
};
pub use env::{EnvOverrides, VARIABLES};
pub use error::{ConfigError, InferError, StartError, TryInferError};
pub use model::{BatchModel, BoxError};
