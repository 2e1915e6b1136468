//! `PoolConfig`: one named pool of the group, adaptive or static, with everything needed to
//! build it.

use betapool_core::ControllerConfig;

use super::error::ConfigError;
use super::{THREAD_NAME_LIMIT, keys, validate};

/// The suffix of an adaptive pool's controller thread (`<name>-ctl`). It bounds the pool
/// name even when the worker indexes are shorter.
pub(super) const CONTROLLER_SUFFIX: &str = "ctl";

/// One named pool of a group.
///
/// Its name is also the prefix of its thread names: workers are `<name>-<index>` and an
/// adaptive pool's controller is `<name>-ctl`, so the name must be short enough for the
/// longest of them to fit in [`THREAD_NAME_LIMIT`] bytes.
///
/// # Examples
///
/// ```
/// use betapool_core::ControllerConfig;
/// use betapool_group::{PolicyChoice, PoolConfig};
///
/// let io = PoolConfig::adaptive("io", 4, 256)
///     .controller(ControllerConfig::default().scale_up_step(4))
///     .policy(PolicyChoice::Seed);
/// assert_eq!(io.max_workers(), 256);
/// assert_eq!(io.longest_thread_name(), "io-255");
/// assert!(io.validate().is_ok());
///
/// let cpu = PoolConfig::fixed("cpu", 2);
/// assert_eq!((cpu.min_workers(), cpu.max_workers()), (2, 2));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PoolConfig {
    /// The pool's name: non-empty ASCII `[a-z0-9_-]`, the key of its `[pools.<name>]` table.
    pub name: String,
    /// Adaptive or static, with the kind's settings.
    pub kind: PoolKind,
}

/// What kind of pool, with the settings of that kind.
///
/// # Examples
///
/// ```
/// use betapool_group::{PoolConfig, PoolKind};
///
/// let pool = PoolConfig::adaptive("io", 4, 64);
/// match &pool.kind {
///     PoolKind::Adaptive { min_workers, max_workers, .. } => assert_eq!((*min_workers, *max_workers), (4, 64)),
///     PoolKind::Static { .. } => unreachable!(),
///     _ => unreachable!(),
/// }
/// assert_eq!(pool.kind.as_str(), "adaptive");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PoolKind {
    /// A betapool `AdaptiveThreadPoolExecutor`, sized by its controller within the bounds.
    Adaptive {
        /// The fewest workers (at least 1).
        min_workers: usize,
        /// The most workers (at least `min_workers`); counted against the group's cap.
        max_workers: usize,
        /// The controller's settings (the seed's nine, durations in whole milliseconds in
        /// the file).
        controller: ControllerConfig,
        /// The decision policy.
        policy: PolicyChoice,
    },
    /// A betapool `StaticThreadPoolExecutor` of a fixed size.
    Static {
        /// The worker count (at least 1); counted against the group's cap.
        workers: usize,
    },
}

/// Which decision policy an adaptive pool runs (the file's `policy` key).
///
/// # Examples
///
/// ```
/// use betapool_group::PolicyChoice;
///
/// assert_eq!(PolicyChoice::default(), PolicyChoice::Default);
/// assert_eq!(PolicyChoice::from_name("seed"), Some(PolicyChoice::Seed));
/// assert_eq!(PolicyChoice::Seed.as_str(), "seed");
/// assert_eq!(PolicyChoice::from_name("fast"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum PolicyChoice {
    /// betapool's `DefaultPolicy`: jumps to the Little's-law size, vetoes growth under CPU
    /// contention; uses none of the controller's thresholds.
    #[default]
    Default,
    /// `SeedPolicy`: BetaPool's published algorithm, driven by all nine controller settings.
    Seed,
}

impl PolicyChoice {
    /// Every choice, in the order the file format documents them.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::PolicyChoice;
    ///
    /// assert_eq!(PolicyChoice::ALL.len(), 2);
    /// ```
    pub const ALL: [PolicyChoice; 2] = [PolicyChoice::Default, PolicyChoice::Seed];

    /// The name the file uses: `"default"` or `"seed"`.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::PolicyChoice;
    ///
    /// assert_eq!(PolicyChoice::Default.as_str(), "default");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyChoice::Default => "default",
            PolicyChoice::Seed => "seed",
        }
    }

    /// The choice the file names `name`, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::PolicyChoice;
    ///
    /// assert_eq!(PolicyChoice::from_name("default"), Some(PolicyChoice::Default));
    /// assert_eq!(PolicyChoice::from_name("Default"), None);
    /// ```
    #[must_use]
    pub fn from_name(name: &str) -> Option<PolicyChoice> {
        PolicyChoice::ALL.into_iter().find(|p| p.as_str() == name)
    }
}

impl PoolKind {
    /// The name the file uses for the kind: `"adaptive"` or `"static"`.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::PoolKind;
    ///
    /// assert_eq!(PoolKind::Static { workers: 2 }.as_str(), "static");
    /// ```
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        match self {
            PoolKind::Adaptive { .. } => keys::ADAPTIVE,
            PoolKind::Static { .. } => keys::STATIC,
        }
    }

    /// The fewest workers the pool runs: `min_workers`, or a static pool's `workers`.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::PoolKind;
    ///
    /// assert_eq!(PoolKind::Static { workers: 3 }.min_workers(), 3);
    /// ```
    #[must_use]
    pub fn min_workers(&self) -> usize {
        match self {
            PoolKind::Adaptive { min_workers, .. } => *min_workers,
            PoolKind::Static { workers } => *workers,
        }
    }

    /// The most workers the pool may run, the number counted against the group's cap:
    /// `max_workers`, or a static pool's `workers`.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::PoolKind;
    ///
    /// assert_eq!(PoolKind::Static { workers: 3 }.max_workers(), 3);
    /// ```
    #[must_use]
    pub fn max_workers(&self) -> usize {
        match self {
            PoolKind::Adaptive { max_workers, .. } => *max_workers,
            PoolKind::Static { workers } => *workers,
        }
    }

    /// The key of the file that holds [`max_workers`](Self::max_workers).
    pub(super) fn max_key(&self) -> &'static str {
        match self {
            PoolKind::Adaptive { .. } => keys::MAX_WORKERS,
            PoolKind::Static { .. } => keys::WORKERS,
        }
    }

    /// The longest suffix (after `<name>-`) of this kind's thread names: the highest worker
    /// index, or `ctl` for an adaptive pool's controller if that is longer.
    fn longest_suffix(&self) -> String {
        let index = self.max_workers().saturating_sub(1).to_string();
        match self {
            PoolKind::Adaptive { .. } if index.len() < CONTROLLER_SUFFIX.len() => {
                CONTROLLER_SUFFIX.to_owned()
            }
            _ => index,
        }
    }

    /// The longest pool name, in bytes, whose thread names all fit in
    /// [`THREAD_NAME_LIMIT`]: 15 bytes less the `-` and the longest suffix.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::PoolKind;
    ///
    /// // `<name>-511`: 15 - 1 - 3.
    /// assert_eq!(PoolKind::Static { workers: 512 }.max_name_len(), 11);
    /// // `<name>-ctl` is the longest name of a small adaptive pool.
    /// let small = betapool_group::PoolConfig::adaptive("x", 1, 4);
    /// assert_eq!(small.kind.max_name_len(), 11);
    /// assert_eq!(PoolKind::Static { workers: 4 }.max_name_len(), 13);
    /// ```
    #[must_use]
    pub fn max_name_len(&self) -> usize {
        THREAD_NAME_LIMIT.saturating_sub(1 + self.longest_suffix().len())
    }
}

impl PoolConfig {
    /// A pool `name` of `kind`.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::{PoolConfig, PoolKind};
    ///
    /// let pool = PoolConfig::new("db", PoolKind::Static { workers: 8 });
    /// assert_eq!(pool, PoolConfig::fixed("db", 8));
    /// ```
    pub fn new(name: impl Into<String>, kind: PoolKind) -> PoolConfig {
        PoolConfig {
            name: name.into(),
            kind,
        }
    }

    /// An adaptive pool of `min_workers` to `max_workers` threads, with the seed's controller
    /// defaults and the default policy.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::ControllerConfig;
    /// use betapool_group::{PolicyChoice, PoolConfig, PoolKind};
    ///
    /// let pool = PoolConfig::adaptive("io", 4, 256);
    /// assert_eq!(
    ///     pool.kind,
    ///     PoolKind::Adaptive {
    ///         min_workers: 4,
    ///         max_workers: 256,
    ///         controller: ControllerConfig::default(),
    ///         policy: PolicyChoice::Default,
    ///     },
    /// );
    /// ```
    pub fn adaptive(name: impl Into<String>, min_workers: usize, max_workers: usize) -> PoolConfig {
        PoolConfig::new(
            name,
            PoolKind::Adaptive {
                min_workers,
                max_workers,
                controller: ControllerConfig::default(),
                policy: PolicyChoice::Default,
            },
        )
    }

    /// A static pool (`kind = "static"`) of exactly `workers` threads.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::{PoolConfig, PoolKind};
    ///
    /// assert_eq!(PoolConfig::fixed("cpu", 2).kind, PoolKind::Static { workers: 2 });
    /// ```
    pub fn fixed(name: impl Into<String>, workers: usize) -> PoolConfig {
        PoolConfig::new(name, PoolKind::Static { workers })
    }

    /// Sets an adaptive pool's controller settings. A static pool has no controller, so
    /// on one this changes nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_core::ControllerConfig;
    /// use betapool_group::{PoolConfig, PoolKind};
    ///
    /// let config = ControllerConfig::default().monitor_interval(Duration::from_millis(100));
    /// let pool = PoolConfig::adaptive("io", 1, 8).controller(config.clone());
    /// assert!(matches!(pool.kind, PoolKind::Adaptive { controller, .. } if controller == config));
    /// ```
    #[must_use]
    pub fn controller(mut self, config: ControllerConfig) -> PoolConfig {
        if let PoolKind::Adaptive { controller, .. } = &mut self.kind {
            *controller = config;
        }
        self
    }

    /// Sets an adaptive pool's decision policy. A static pool has no policy, so on one this
    /// changes nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::{PolicyChoice, PoolConfig};
    ///
    /// let pool = PoolConfig::adaptive("io", 1, 8).policy(PolicyChoice::Seed);
    /// assert_eq!(pool.policy_choice(), Some(PolicyChoice::Seed));
    /// assert_eq!(PoolConfig::fixed("cpu", 2).policy(PolicyChoice::Seed).policy_choice(), None);
    /// ```
    #[must_use]
    pub fn policy(mut self, choice: PolicyChoice) -> PoolConfig {
        if let PoolKind::Adaptive { policy, .. } = &mut self.kind {
            *policy = choice;
        }
        self
    }

    /// Whether this is an adaptive pool.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::PoolConfig;
    ///
    /// assert!(PoolConfig::adaptive("io", 1, 8).is_adaptive());
    /// assert!(!PoolConfig::fixed("cpu", 2).is_adaptive());
    /// ```
    #[must_use]
    pub fn is_adaptive(&self) -> bool {
        matches!(self.kind, PoolKind::Adaptive { .. })
    }

    /// The fewest workers the pool runs (see [`PoolKind::min_workers`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::PoolConfig;
    ///
    /// assert_eq!(PoolConfig::adaptive("io", 4, 8).min_workers(), 4);
    /// ```
    #[must_use]
    pub fn min_workers(&self) -> usize {
        self.kind.min_workers()
    }

    /// The most workers the pool may run, counted against the group's cap (see
    /// [`PoolKind::max_workers`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::PoolConfig;
    ///
    /// assert_eq!(PoolConfig::adaptive("io", 4, 8).max_workers(), 8);
    /// ```
    #[must_use]
    pub fn max_workers(&self) -> usize {
        self.kind.max_workers()
    }

    /// An adaptive pool's controller settings; `None` for a static pool.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::ControllerConfig;
    /// use betapool_group::PoolConfig;
    ///
    /// assert_eq!(PoolConfig::adaptive("io", 4, 8).controller_config(), Some(&ControllerConfig::default()));
    /// assert_eq!(PoolConfig::fixed("cpu", 2).controller_config(), None);
    /// ```
    #[must_use]
    pub fn controller_config(&self) -> Option<&ControllerConfig> {
        match &self.kind {
            PoolKind::Adaptive { controller, .. } => Some(controller),
            PoolKind::Static { .. } => None,
        }
    }

    /// An adaptive pool's policy choice; `None` for a static pool. (It is set with
    /// [`policy`](Self::policy).)
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::{PolicyChoice, PoolConfig};
    ///
    /// assert_eq!(PoolConfig::adaptive("io", 4, 8).policy_choice(), Some(PolicyChoice::Default));
    /// ```
    #[must_use]
    pub fn policy_choice(&self) -> Option<PolicyChoice> {
        match &self.kind {
            PoolKind::Adaptive { policy, .. } => Some(*policy),
            PoolKind::Static { .. } => None,
        }
    }

    /// The longest thread name the pool will use: `<name>-<max_workers - 1>`, or an
    /// adaptive pool's `<name>-ctl` if that is longer.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::PoolConfig;
    ///
    /// assert_eq!(PoolConfig::adaptive("io", 1, 512).longest_thread_name(), "io-511");
    /// assert_eq!(PoolConfig::adaptive("io", 1, 8).longest_thread_name(), "io-ctl");
    /// ```
    #[must_use]
    pub fn longest_thread_name(&self) -> String {
        format!("{}-{}", self.name, self.kind.longest_suffix())
    }

    /// Checks this pool on its own: its name, its worker counts and, for an adaptive pool,
    /// its controller settings (the group's checks, such as the cap and duplicate names,
    /// are [`GroupConfig::validate`](crate::GroupConfig::validate)'s). Errors name the key
    /// path (`pools.<name>.<key>`) and have no file position.
    ///
    /// # Errors
    ///
    /// The first fault found, as a [`ConfigError`].
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_group::{ConfigErrorKind, PoolConfig};
    ///
    /// let err = PoolConfig::adaptive("io", 8, 4).validate().unwrap_err();
    /// assert_eq!(err.kind(), ConfigErrorKind::MinAboveMax);
    /// assert_eq!(err.to_string(), "pools.io.max_workers: min_workers 8 is above max_workers 4");
    /// ```
    pub fn validate(&self) -> Result<(), ConfigError> {
        validate::pool(self)
    }
}
