//! `RuntimeConfig` (the seed's settings) and `RuntimeBuilder`: how an `InferenceRuntime` is
//! set up, with the environment's overrides applied over what the code says.

use std::fmt;
use std::time::Duration;

use crate::clock::Clock;
use crate::device::{GpuProbe, SystemProbe};
use crate::loom::std_only::Arc;
use crate::policy::{Adaptive, BatchPolicy, Fixed};
use crate::queue::Queue;
use crate::runtime::{InferenceRuntime, Loader, Shared};
use crate::{BatchModel, BoxError, ConfigError, DeviceConfig, EnvOverrides};

/// The queue's capacity unless set: at the default policy's largest batch, a full queue is one
/// batch's worth, and a request behind a full queue would miss any latency target worth having.
pub const DEFAULT_QUEUE_CAPACITY: usize = 1024;

/// The seed's `RuntimeConfig`. Setting `gpu_batch_size` or `gpu_max_delay_ms` (or the
/// `BATCH_SIZE` / `BATCH_DELAY_MS` variables, which win over the code) selects the seed's
/// fixed policy; the other setting then takes the seed's default. Leaving both unset selects
/// the default policy, which needs no tuning.
///
/// ```
/// use betapool_batch::RuntimeConfig;
/// let seed_like = RuntimeConfig { gpu_batch_size: Some(32), gpu_max_delay_ms: Some(50), ..Default::default() };
/// assert_eq!(RuntimeConfig::default().gpu_batch_size, None);
/// # let _ = seed_like;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuntimeConfig {
    /// How many requests a batch carries (the seed's `gpu_batch_size`, default 32 when the
    /// fixed policy is chosen).
    pub gpu_batch_size: Option<usize>,
    /// The longest the oldest request waits for its batch to fill, in ms (the seed's
    /// `gpu_max_delay_ms`, default 50 when the fixed policy is chosen).
    pub gpu_max_delay_ms: Option<u64>,
    /// The most threads of the shared pool for blocking work (the seed's `cpu_max_threads`).
    pub cpu_max_threads: Option<usize>,
}

/// Builds an [`InferenceRuntime`]; see [`InferenceRuntime::builder`].
pub struct RuntimeBuilder<M: BatchModel> {
    loader: Loader<M>,
    name: String,
    config: RuntimeConfig,
    policy: Option<Box<dyn BatchPolicy>>,
    latency_target: Option<Duration>,
    queue_capacity: usize,
    workers: usize,
    env: Option<EnvOverrides>,
    probe: Box<dyn GpuProbe>,
}

impl<M: BatchModel> fmt::Debug for RuntimeBuilder<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuntimeBuilder")
            .field("name", &self.name)
            .field("config", &self.config)
            .field("queue_capacity", &self.queue_capacity)
            .field("workers", &self.workers)
            .field("env", &self.env)
            .finish_non_exhaustive()
    }
}

impl<M: BatchModel> RuntimeBuilder<M> {
    pub(crate) fn new<F>(loader: F) -> Self
    where
        F: FnOnce(&DeviceConfig) -> Result<M, BoxError> + Send + 'static,
    {
        Self {
            loader: Box::new(loader),
            name: "runtime".to_owned(),
            config: RuntimeConfig::default(),
            policy: None,
            latency_target: None,
            queue_capacity: DEFAULT_QUEUE_CAPACITY,
            workers: 1,
            env: None,
            probe: Box::new(SystemProbe),
        }
    }

    /// The runtime's name in stats, Prometheus labels and its worker threads' names.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The seed's settings.
    pub fn config(mut self, config: RuntimeConfig) -> Self {
        self.config = config;
        self
    }

    /// A batching policy of your own (or a [`Fixed`] / [`Adaptive`] built by hand). Wins over
    /// the config, the environment and the latency target.
    pub fn policy(mut self, policy: impl BatchPolicy) -> Self {
        self.policy = Some(Box::new(policy));
        self
    }

    /// The default policy's P99 latency target (default 50 ms).
    pub fn latency_target(mut self, target: Duration) -> Self {
        self.latency_target = Some(target);
        self
    }

    /// How many requests may wait at once (default [`DEFAULT_QUEUE_CAPACITY`]); more are
    /// refused at once with `QueueFull`.
    pub fn queue_capacity(mut self, capacity: usize) -> Self {
        self.queue_capacity = capacity;
        self
    }

    /// How many batches may run at once, each on its own worker thread sharing the one model
    /// (default 1: a GPU, or a model that already uses every core, gains nothing from more).
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = workers;
        self
    }

    /// The environment overrides to apply, instead of the process environment (tests pass a
    /// map here and never touch the real environment).
    pub fn env(mut self, env: EnvOverrides) -> Self {
        self.env = Some(env);
        self
    }

    /// How GPUs are found (default: the machine's, [`SystemProbe`]).
    pub fn probe(mut self, probe: impl GpuProbe + 'static) -> Self {
        self.probe = Box::new(probe);
        self
    }

    /// Checks the settings and builds the runtime (not started: call `start`).
    pub fn build(self) -> Result<InferenceRuntime<M>, ConfigError> {
        if self.queue_capacity == 0 {
            return Err(ConfigError::setting("queue_capacity", 0, "at least 1"));
        }
        if self.workers == 0 {
            return Err(ConfigError::setting("workers", 0, "at least 1"));
        }
        let env = match self.env {
            Some(env) => env,
            None => EnvOverrides::from_process_env()?,
        };
        let policy = match self.policy {
            Some(p) => p,
            None => choose_policy(&self.config, &env, self.latency_target)?,
        };
        let queue = Queue::new(self.queue_capacity, policy, Clock::real());
        Ok(InferenceRuntime::from_parts(Shared {
            queue: Arc::new(queue),
            name: self.name,
            workers: self.workers,
            env,
            config: self.config,
            probe: self.probe,
            loader: std::sync::Mutex::new(Some(self.loader)),
            started: std::sync::Mutex::new(Default::default()),
        }))
    }
}

/// The seed's fixed policy if a batch size or delay is set anywhere (the environment first),
/// else the default policy.
fn choose_policy(
    config: &RuntimeConfig,
    env: &EnvOverrides,
    target: Option<Duration>,
) -> Result<Box<dyn BatchPolicy>, ConfigError> {
    let size = env.batch_size.or(config.gpu_batch_size);
    let delay = env
        .batch_delay
        .or(config.gpu_max_delay_ms.map(Duration::from_millis));
    if size.is_some() || delay.is_some() {
        let fixed = Fixed::new(
            size.unwrap_or(Fixed::SEED_SIZE),
            delay.unwrap_or(Fixed::SEED_DELAY),
        )?;
        return Ok(Box::new(fixed));
    }
    Ok(Box::new(match target {
        Some(t) => Adaptive::new(t)?,
        None => Adaptive::default(),
    }))
}
