//! The controller's knobs: BetaPool's `ControllerConfig`, with the seed's defaults and
//! a check that rejects values that cannot work.

use std::time::Duration;

use super::ConfigError;

/// The settings of BetaPool's published scaling algorithm, kept with the seed's names
/// and defaults so that the algorithm can be run exactly as it was published.
///
/// Build one from [`Default`] and the consuming setters, then call
/// [`validate`](Self::validate); the pool's builder does that for you. The fields are
/// public to read, and the struct is `#[non_exhaustive]` so that later settings can be
/// added without a breaking release.
///
/// With the `serde` feature the config (de)serializes with the seed's field names, the
/// two durations as `monitor_interval_sec` and `stabilization_window_sec` in seconds.
/// Missing fields take their defaults and unknown fields are rejected, so a misspelled
/// key is an error and not a silent default. Deserializing does not validate: call
/// [`validate`](Self::validate) afterwards.
///
/// # Examples
///
/// The seed's "I/O-heavy" preset:
///
/// ```
/// use betapool_core::controller::ControllerConfig;
///
/// let io_heavy = ControllerConfig::default()
///     .beta_high_threshold(0.8)
///     .beta_low_threshold(0.4)
///     .scale_up_step(4)
///     .scale_down_step(1);
/// assert!(io_heavy.validate().is_ok());
/// assert_eq!(io_heavy.scale_up_step, 4);
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(default, deny_unknown_fields)
)]
#[non_exhaustive]
pub struct ControllerConfig {
    /// How often the controller looks at the pool.
    #[cfg_attr(
        feature = "serde",
        serde(rename = "monitor_interval_sec", with = "secs")
    )]
    pub monitor_interval: Duration,
    /// β above which the workers are blocked enough that more threads would help.
    pub beta_high_threshold: f64,
    /// β below which the workers are CPU-bound, so the pool should not grow (the seed's
    /// "GIL safety veto") and may shrink.
    pub beta_low_threshold: f64,
    /// Threads added per scale-up.
    pub scale_up_step: usize,
    /// Threads removed per scale-down.
    pub scale_down_step: usize,
    /// System CPU percent (0 to 100) at or above which the pool must not grow.
    pub cpu_upper_threshold: f64,
    /// System CPU percent (0 to 100) below which the pool may shrink.
    pub cpu_lower_threshold: f64,
    /// Minimum time between two resizing decisions. It must be greater than zero
    /// ([`validate`](Self::validate) rejects a zero window, which would let a noisy signal
    /// flap the pool every tick); a fast-reacting controller sets a small window instead.
    #[cfg_attr(
        feature = "serde",
        serde(rename = "stabilization_window_sec", with = "secs")
    )]
    pub stabilization_window: Duration,
    /// Tasks that must complete before the first resizing decision, so that the first
    /// β is measured over real work. Zero means no warm-up.
    pub warmup_task_count: u64,
}

impl ControllerConfig {
    /// The seed's `monitor_interval_sec = 0.5`: BetaPool's controller ticks twice a
    /// second.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_core::controller::ControllerConfig;
    ///
    /// assert_eq!(ControllerConfig::DEFAULT_MONITOR_INTERVAL, Duration::from_millis(500));
    /// assert_eq!(ControllerConfig::default().monitor_interval, ControllerConfig::DEFAULT_MONITOR_INTERVAL);
    /// ```
    pub const DEFAULT_MONITOR_INTERVAL: Duration = Duration::from_millis(500);

    /// The seed's `beta_high_threshold = 0.7`: workers blocked more than 70 % of their
    /// busy time are treated as I/O-bound, so adding threads is safe.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::ControllerConfig;
    ///
    /// assert_eq!(ControllerConfig::default().beta_high_threshold, ControllerConfig::DEFAULT_BETA_HIGH_THRESHOLD);
    /// ```
    pub const DEFAULT_BETA_HIGH_THRESHOLD: f64 = 0.7;

    /// The seed's `beta_low_threshold = 0.3`: workers blocked less than 30 % of their
    /// busy time are treated as CPU-bound, which triggers the seed's "GIL safety veto".
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::ControllerConfig;
    ///
    /// assert_eq!(ControllerConfig::default().beta_low_threshold, ControllerConfig::DEFAULT_BETA_LOW_THRESHOLD);
    /// ```
    pub const DEFAULT_BETA_LOW_THRESHOLD: f64 = 0.3;

    /// The seed's `scale_up_step = 2`: BetaPool grows two threads at a time.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::ControllerConfig;
    ///
    /// assert_eq!(ControllerConfig::default().scale_up_step, ControllerConfig::DEFAULT_SCALE_UP_STEP);
    /// ```
    pub const DEFAULT_SCALE_UP_STEP: usize = 2;

    /// The seed's `scale_down_step = 1`: BetaPool shrinks more cautiously than it grows.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::ControllerConfig;
    ///
    /// assert_eq!(ControllerConfig::default().scale_down_step, ControllerConfig::DEFAULT_SCALE_DOWN_STEP);
    /// ```
    pub const DEFAULT_SCALE_DOWN_STEP: usize = 1;

    /// The seed's `cpu_upper_threshold = 85.0` percent: above it the machine is treated
    /// as saturated and the pool does not grow.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::ControllerConfig;
    ///
    /// assert_eq!(ControllerConfig::default().cpu_upper_threshold, ControllerConfig::DEFAULT_CPU_UPPER_THRESHOLD);
    /// ```
    pub const DEFAULT_CPU_UPPER_THRESHOLD: f64 = 85.0;

    /// The seed's `cpu_lower_threshold = 50.0` percent: below it the machine has room
    /// and the pool may shrink.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::ControllerConfig;
    ///
    /// assert_eq!(ControllerConfig::default().cpu_lower_threshold, ControllerConfig::DEFAULT_CPU_LOWER_THRESHOLD);
    /// ```
    pub const DEFAULT_CPU_LOWER_THRESHOLD: f64 = 50.0;

    /// The seed's `stabilization_window_sec = 2.0`: at most one resize every two
    /// seconds, which is why BetaPool needs a minute to go from 4 to 64 threads.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_core::controller::ControllerConfig;
    ///
    /// assert_eq!(ControllerConfig::DEFAULT_STABILIZATION_WINDOW, Duration::from_secs(2));
    /// ```
    pub const DEFAULT_STABILIZATION_WINDOW: Duration = Duration::from_secs(2);

    /// The seed's `warmup_task_count = 10`: ten completed tasks before the first
    /// decision.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::ControllerConfig;
    ///
    /// assert_eq!(ControllerConfig::default().warmup_task_count, ControllerConfig::DEFAULT_WARMUP_TASK_COUNT);
    /// ```
    pub const DEFAULT_WARMUP_TASK_COUNT: u64 = 10;

    /// Sets [`monitor_interval`](Self::monitor_interval); it must be greater than zero.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_core::controller::ControllerConfig;
    ///
    /// let config = ControllerConfig::default().monitor_interval(Duration::from_millis(200));
    /// assert_eq!(config.monitor_interval, Duration::from_millis(200));
    /// ```
    #[must_use]
    pub fn monitor_interval(mut self, interval: Duration) -> Self {
        self.monitor_interval = interval;
        self
    }

    /// Sets [`beta_high_threshold`](Self::beta_high_threshold); it must lie in [0, 1]
    /// and above `beta_low_threshold`.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::ControllerConfig;
    ///
    /// let config = ControllerConfig::default().beta_high_threshold(0.8);
    /// assert_eq!(config.beta_high_threshold, 0.8);
    /// ```
    #[must_use]
    pub fn beta_high_threshold(mut self, beta: f64) -> Self {
        self.beta_high_threshold = beta;
        self
    }

    /// Sets [`beta_low_threshold`](Self::beta_low_threshold); it must lie in [0, 1] and
    /// below `beta_high_threshold`.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::ControllerConfig;
    ///
    /// let config = ControllerConfig::default().beta_low_threshold(0.2);
    /// assert_eq!(config.beta_low_threshold, 0.2);
    /// ```
    #[must_use]
    pub fn beta_low_threshold(mut self, beta: f64) -> Self {
        self.beta_low_threshold = beta;
        self
    }

    /// Sets [`scale_up_step`](Self::scale_up_step); it must be at least 1.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::ControllerConfig;
    ///
    /// let config = ControllerConfig::default().scale_up_step(4);
    /// assert_eq!(config.scale_up_step, 4);
    /// ```
    #[must_use]
    pub fn scale_up_step(mut self, threads: usize) -> Self {
        self.scale_up_step = threads;
        self
    }

    /// Sets [`scale_down_step`](Self::scale_down_step); it must be at least 1.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::ControllerConfig;
    ///
    /// let config = ControllerConfig::default().scale_down_step(2);
    /// assert_eq!(config.scale_down_step, 2);
    /// ```
    #[must_use]
    pub fn scale_down_step(mut self, threads: usize) -> Self {
        self.scale_down_step = threads;
        self
    }

    /// Sets [`cpu_upper_threshold`](Self::cpu_upper_threshold) in percent; it must lie
    /// in [0, 100] and above `cpu_lower_threshold`.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::ControllerConfig;
    ///
    /// let config = ControllerConfig::default().cpu_upper_threshold(90.0);
    /// assert_eq!(config.cpu_upper_threshold, 90.0);
    /// ```
    #[must_use]
    pub fn cpu_upper_threshold(mut self, percent: f64) -> Self {
        self.cpu_upper_threshold = percent;
        self
    }

    /// Sets [`cpu_lower_threshold`](Self::cpu_lower_threshold) in percent; it must lie
    /// in [0, 100] and below `cpu_upper_threshold`.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::ControllerConfig;
    ///
    /// let config = ControllerConfig::default().cpu_lower_threshold(40.0);
    /// assert_eq!(config.cpu_lower_threshold, 40.0);
    /// ```
    #[must_use]
    pub fn cpu_lower_threshold(mut self, percent: f64) -> Self {
        self.cpu_lower_threshold = percent;
        self
    }

    /// Sets [`stabilization_window`](Self::stabilization_window); it must be positive (use a
    /// small window, not zero, for a fast-reacting controller).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_core::controller::ControllerConfig;
    ///
    /// let config = ControllerConfig::default().stabilization_window(Duration::from_secs(5));
    /// assert_eq!(config.stabilization_window, Duration::from_secs(5));
    /// ```
    #[must_use]
    pub fn stabilization_window(mut self, window: Duration) -> Self {
        self.stabilization_window = window;
        self
    }

    /// Sets [`warmup_task_count`](Self::warmup_task_count); zero disables the warm-up.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::ControllerConfig;
    ///
    /// let config = ControllerConfig::default().warmup_task_count(5);
    /// assert_eq!(config.warmup_task_count, 5);
    /// ```
    #[must_use]
    pub fn warmup_task_count(mut self, tasks: u64) -> Self {
        self.warmup_task_count = tasks;
        self
    }

    /// Checks that every setting can work, and returns the first one that cannot.
    ///
    /// It rejects: a zero `monitor_interval`; β thresholds that are NaN or outside
    /// [0, 1]; `beta_low_threshold >= beta_high_threshold`; zero scaling steps; CPU
    /// thresholds that are NaN or outside [0, 100]; `cpu_lower_threshold >=
    /// cpu_upper_threshold`; and a zero `stabilization_window`. Fields are checked in declaration
    /// order, and each range before the ordering of its pair, so a NaN is reported as
    /// out of range.
    ///
    /// # Errors
    ///
    /// A [`ConfigError`] naming the first bad field and its value.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::ControllerConfig;
    ///
    /// assert!(ControllerConfig::default().validate().is_ok());
    ///
    /// let err = ControllerConfig::default().cpu_upper_threshold(120.0).validate().unwrap_err();
    /// assert_eq!(err.field(), "cpu_upper_threshold");
    /// assert_eq!(err.to_string(), "cpu_upper_threshold (120) must be a percentage between 0 and 100");
    /// ```
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.monitor_interval.is_zero() {
            return Err(ConfigError::zero_interval(
                "monitor_interval",
                self.monitor_interval,
            ));
        }
        check_fraction("beta_high_threshold", self.beta_high_threshold)?;
        check_fraction("beta_low_threshold", self.beta_low_threshold)?;
        check_below(
            ("beta_low_threshold", self.beta_low_threshold),
            ("beta_high_threshold", self.beta_high_threshold),
        )?;
        check_step("scale_up_step", self.scale_up_step)?;
        check_step("scale_down_step", self.scale_down_step)?;
        check_percent("cpu_upper_threshold", self.cpu_upper_threshold)?;
        check_percent("cpu_lower_threshold", self.cpu_lower_threshold)?;
        check_below(
            ("cpu_lower_threshold", self.cpu_lower_threshold),
            ("cpu_upper_threshold", self.cpu_upper_threshold),
        )?;
        // Both intervals must be positive (the seed's intervals are periods of time, and a
        // zero window would let a noisy signal flap the pool every tick); a fast policy sets a
        // small window instead. `warmup_task_count` has no bad values: 0 means "no warm-up".
        if self.stabilization_window.is_zero() {
            return Err(ConfigError::zero_interval(
                "stabilization_window",
                self.stabilization_window,
            ));
        }
        Ok(())
    }
}

impl Default for ControllerConfig {
    /// The seed's defaults, one named constant per field.
    fn default() -> Self {
        Self {
            monitor_interval: Self::DEFAULT_MONITOR_INTERVAL,
            beta_high_threshold: Self::DEFAULT_BETA_HIGH_THRESHOLD,
            beta_low_threshold: Self::DEFAULT_BETA_LOW_THRESHOLD,
            scale_up_step: Self::DEFAULT_SCALE_UP_STEP,
            scale_down_step: Self::DEFAULT_SCALE_DOWN_STEP,
            cpu_upper_threshold: Self::DEFAULT_CPU_UPPER_THRESHOLD,
            cpu_lower_threshold: Self::DEFAULT_CPU_LOWER_THRESHOLD,
            stabilization_window: Self::DEFAULT_STABILIZATION_WINDOW,
            warmup_task_count: Self::DEFAULT_WARMUP_TASK_COUNT,
        }
    }
}

/// Checks a pool's thread bounds: `min` must be at least 1 and at most `max`.
///
/// The bounds live on the pool's builder (as `min_workers` and `max_workers`, the seed's
/// names), not in [`ControllerConfig`], but they are checked here so that every
/// configuration error has the same type.
///
/// # Errors
///
/// A [`ConfigError`] whose [`field`](ConfigError::field) is `"min_workers"` when `min`
/// is zero or greater than `max`.
///
/// # Examples
///
/// ```
/// use betapool_core::controller::validate_bounds;
///
/// assert!(validate_bounds(4, 64).is_ok());
/// assert!(validate_bounds(4, 4).is_ok());
/// assert_eq!(
///     validate_bounds(0, 4).unwrap_err().to_string(),
///     "min_workers (0) must be at least 1",
/// );
/// assert_eq!(
///     validate_bounds(8, 4).unwrap_err().to_string(),
///     "min_workers (8) must not exceed max_workers (4)",
/// );
/// ```
pub fn validate_bounds(min: usize, max: usize) -> Result<(), ConfigError> {
    if min == 0 {
        Err(ConfigError::zero_min_workers())
    } else if min > max {
        Err(ConfigError::min_above_max(min, max))
    } else {
        Ok(())
    }
}

fn check_fraction(field: &'static str, value: f64) -> Result<(), ConfigError> {
    // `contains` is false for NaN, so NaN is rejected here too.
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(ConfigError::not_a_fraction(field, value))
    }
}

fn check_percent(field: &'static str, value: f64) -> Result<(), ConfigError> {
    if (0.0..=100.0).contains(&value) {
        Ok(())
    } else {
        Err(ConfigError::not_a_percent(field, value))
    }
}

fn check_below(
    (low_field, low): (&'static str, f64),
    (high_field, high): (&'static str, f64),
) -> Result<(), ConfigError> {
    // Equal thresholds are rejected: with no band between them the seed's algorithm would
    // flip between growing and shrinking on the smallest change in β or CPU.
    if low < high {
        Ok(())
    } else {
        Err(ConfigError::not_below(low_field, low, high_field, high))
    }
}

fn check_step(field: &'static str, threads: usize) -> Result<(), ConfigError> {
    if threads == 0 {
        Err(ConfigError::zero_step(field))
    } else {
        Ok(())
    }
}

/// Serde support for `Duration`s as fractional seconds, matching the seed's `*_sec`
/// fields (`monitor_interval_sec = 0.5`).
///
/// Seconds as `f64` round-trip to the nanosecond for any interval shorter than a week
/// (far beyond any sensible setting), and one numeric type keeps the format readable in
/// TOML and JSON and the same in self-describing and binary formats.
#[cfg(feature = "serde")]
mod secs {
    use std::fmt;
    use std::time::Duration;

    use serde::de::{self, Unexpected, Visitor};
    use serde::{Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        d.deserialize_f64(SecsVisitor)
    }

    struct SecsVisitor;

    impl Visitor<'_> for SecsVisitor {
        type Value = Duration;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a non-negative number of seconds")
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Duration, E> {
            // `try_from_secs_f64` rejects NaN, negative and overflowing values.
            Duration::try_from_secs_f64(v)
                .map_err(|_| E::invalid_value(Unexpected::Float(v), &self))
        }

        // Integers are accepted too, so that `stabilization_window_sec = 2` in a TOML file
        // works without writing `2.0`.
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Duration, E> {
            Ok(Duration::from_secs(v))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Duration, E> {
            u64::try_from(v)
                .map(Duration::from_secs)
                .map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
        }
    }
}
