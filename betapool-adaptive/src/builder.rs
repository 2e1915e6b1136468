//! `AdaptiveBuilder`: the bounds, the controller's settings and policy, and the pool's own
//! settings, checked once.

use std::fmt;
use std::sync::Arc;

use betapool_core::controller::{
    ControllerConfig, DecisionPolicy, DefaultPolicy, SeedPolicy, validate_bounds,
};
use betapool_core::{RejectionPolicy, available_cores};
use betapool_instrumented::InstrumentedPool;

use crate::control_thread::{self, ExecutorState};
use crate::error::BuildError;
use crate::executor::AdaptiveThreadPoolExecutor;

/// The default thread-name prefix: `bpa-511` fits the kernel's 15 bytes, and so does the
/// controller's `bpa-ctl`.
pub const DEFAULT_NAME: &str = "bpa";

/// Configures an [`AdaptiveThreadPoolExecutor`].
///
/// ```
/// use betapool_adaptive::AdaptiveThreadPoolExecutor;
/// use betapool_core::controller::{ControllerConfig, SeedPolicy};
///
/// // The seeds' algorithm, as published, with its own settings:
/// let config = ControllerConfig::default().scale_up_step(4);
/// let executor = AdaptiveThreadPoolExecutor::builder(4, 64)
///     .config(config.clone())
///     .policy(SeedPolicy::new(config))
///     .enable_logging(true)
///     .build()?;
/// assert_eq!(executor.metrics().policy, "seed");
/// # Ok::<(), betapool_adaptive::BuildError>(())
/// ```
#[must_use = "a builder does nothing until `build` is called"]
pub struct AdaptiveBuilder {
    min: usize,
    max: usize,
    name: String,
    config: ControllerConfig,
    policy: PolicyChoice,
    logging: bool,
    trim_memory: bool,
    stack_size: Option<usize>,
    capacity: Option<usize>,
    rejection: RejectionPolicy,
}

impl AdaptiveBuilder {
    pub(crate) fn new(min: usize, max: usize) -> AdaptiveBuilder {
        AdaptiveBuilder {
            min,
            max,
            name: DEFAULT_NAME.into(),
            config: ControllerConfig::default(),
            policy: PolicyChoice::Default,
            logging: false,
            trim_memory: true,
            stack_size: None,
            capacity: None,
            rejection: RejectionPolicy::Reject,
        }
    }

    /// The thread-name prefix (workers `<name>-<i>`, controller `<name>-ctl`).
    pub fn name(mut self, name: impl Into<String>) -> AdaptiveBuilder {
        self.name = name.into();
        self
    }

    /// The seed's controller settings. They are validated at `build`; the default policy uses
    /// none of them (it has no thresholds to tune), `SeedPolicy` uses all nine.
    pub fn config(mut self, config: ControllerConfig) -> AdaptiveBuilder {
        self.config = config;
        self
    }

    /// The decision policy (default: [`DefaultPolicy`]).
    pub fn policy(mut self, policy: impl DecisionPolicy + 'static) -> AdaptiveBuilder {
        self.policy = PolicyChoice::Custom(Box::new(policy));
        self
    }

    /// Runs the seeds' published algorithm ([`SeedPolicy`]) with this builder's `config`, as
    /// it stands when [`build`](Self::build) is called: `.seed_policy().config(c)` and
    /// `.config(c).seed_policy()` run the same.
    ///
    /// ```
    /// use betapool_adaptive::AdaptiveThreadPoolExecutor;
    /// use betapool_adaptive::controller::ControllerConfig;
    ///
    /// let config = ControllerConfig::default().scale_up_step(4);
    /// let executor = AdaptiveThreadPoolExecutor::builder(2, 16)
    ///     .seed_policy()
    ///     .config(config.clone())
    ///     .build()?;
    /// assert_eq!(executor.metrics().policy, "seed");
    /// assert_eq!(executor.config(), &config);
    /// # Ok::<(), betapool_adaptive::BuildError>(())
    /// ```
    pub fn seed_policy(mut self) -> AdaptiveBuilder {
        self.policy = PolicyChoice::Seed;
        self
    }

    /// Logs every resize through `tracing` at debug level (the seed's `enable_logging`).
    pub fn enable_logging(mut self, on: bool) -> AdaptiveBuilder {
        self.logging = on;
        self
    }

    /// Whether the controller hands free heap memory back to the OS (glibc's `malloc_trim`)
    /// when the pool is back at its minimum after growing, at most once per
    /// [`TRIM_INTERVAL`](crate::TRIM_INTERVAL). On by default: the workers a burst brings
    /// spread allocations over many malloc arenas, whose free memory otherwise stays
    /// resident. Turn it off if the process manages its allocator's memory itself. A no-op
    /// without glibc.
    pub fn trim_memory(mut self, on: bool) -> AdaptiveBuilder {
        self.trim_memory = on;
        self
    }

    /// Stack size of each worker thread, in bytes.
    pub fn stack_size(mut self, bytes: usize) -> AdaptiveBuilder {
        self.stack_size = Some(bytes);
        self
    }

    /// Bounds the queue; see [`RejectionPolicy`].
    pub fn queue_capacity(mut self, n: usize) -> AdaptiveBuilder {
        self.capacity = Some(n);
        self
    }

    /// What a full bounded queue does with a new task.
    pub fn rejection_policy(mut self, policy: RejectionPolicy) -> AdaptiveBuilder {
        self.rejection = policy;
        self
    }

    /// Checks every setting, starts `min` workers and the controller thread.
    pub fn build(self) -> Result<AdaptiveThreadPoolExecutor, BuildError> {
        validate_bounds(self.min, self.max)?;
        self.config.validate()?;
        let mut pool = InstrumentedPool::builder()
            .name(self.name.clone())
            .min_workers(self.min)
            .max_workers(self.max)
            .workers(self.min)
            .rejection_policy(self.rejection);
        if let Some(s) = self.stack_size {
            pool = pool.stack_size(s);
        }
        if let Some(c) = self.capacity {
            pool = pool.queue_capacity(c);
        }
        let pool = pool.build()?;
        let policy = self.policy.make(&self.config);
        let shared = Arc::new(ExecutorState::new(
            pool,
            self.logging,
            self.trim_memory,
            policy.name().to_owned(),
        ));
        let thread = format!("{}-ctl", self.name);
        let cores = available_cores();
        let handle = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name(thread.clone())
                .spawn(move || control_thread::run(&shared, policy, cores))
        };
        match handle {
            Ok(h) => Ok(AdaptiveThreadPoolExecutor::from_parts(
                shared,
                h,
                self.config,
            )),
            Err(e) => {
                shared.pool.shutdown_now();
                Err(BuildError::controller(&thread, e))
            }
        }
    }
}

/// Which policy `build` makes. The seed's is made at `build`, from the configuration as it is
/// then, so the order of `seed_policy()` and `config(..)` does not matter.
#[derive(Debug)]
enum PolicyChoice {
    Default,
    Seed,
    Custom(Box<dyn DecisionPolicy>),
}

impl PolicyChoice {
    fn make(self, config: &ControllerConfig) -> Box<dyn DecisionPolicy> {
        match self {
            PolicyChoice::Default => Box::new(DefaultPolicy::new()),
            PolicyChoice::Seed => Box::new(SeedPolicy::new(config.clone())),
            PolicyChoice::Custom(policy) => policy,
        }
    }
}

impl fmt::Debug for AdaptiveBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdaptiveBuilder")
            .field("min", &self.min)
            .field("max", &self.max)
            .field("name", &self.name)
            .field("config", &self.config)
            .field("policy", &self.policy)
            .field("logging", &self.logging)
            .field("trim_memory", &self.trim_memory)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
