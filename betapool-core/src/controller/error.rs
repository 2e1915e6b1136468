//! The one error type of the controller: a configuration value that cannot work.

use std::time::Duration;

/// A controller setting, or a pool's thread bounds, that cannot work.
///
/// The error is opaque, like rayon's `ThreadPoolBuildError`, so that new checks can be
/// added without breaking callers. [`field`](ConfigError::field) names the setting at
/// fault, and the `Display` message names it together with the offending value, so a
/// command-line tool can print the message as its one error line.
///
/// # Examples
///
/// ```
/// use betapool_core::controller::ControllerConfig;
///
/// let err = ControllerConfig::default()
///     .beta_low_threshold(0.8)
///     .validate()
///     .unwrap_err();
/// assert_eq!(err.field(), "beta_low_threshold");
/// assert_eq!(
///     err.to_string(),
///     "beta_low_threshold (0.8) must be less than beta_high_threshold (0.7)",
/// );
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{kind}")]
pub struct ConfigError {
    kind: ErrorKind,
}

/// What exactly is wrong; private so that variants can change without a breaking release.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
enum ErrorKind {
    /// A β threshold is NaN or outside [0, 1].
    #[error("{field} ({value}) must be a fraction between 0 and 1")]
    NotAFraction { field: &'static str, value: f64 },

    /// A CPU threshold is NaN or outside [0, 100].
    #[error("{field} ({value}) must be a percentage between 0 and 100")]
    NotAPercent { field: &'static str, value: f64 },

    /// A lower threshold is not strictly below its upper partner.
    #[error("{field} ({value}) must be less than {upper_field} ({upper})")]
    NotBelow {
        field: &'static str,
        value: f64,
        upper_field: &'static str,
        upper: f64,
    },

    /// A scaling step is zero, so the decision it belongs to could never change anything.
    #[error("{field} (0) must be at least 1")]
    ZeroStep { field: &'static str },

    /// An interval is zero, so the controller would spin instead of ticking.
    #[error("{field} ({value:?}) must be greater than zero")]
    ZeroInterval {
        field: &'static str,
        value: Duration,
    },

    /// A pool with no threads at all could never run a task.
    #[error("min_workers (0) must be at least 1")]
    ZeroMinWorkers,

    /// The thread bounds are the wrong way round.
    #[error("min_workers ({min}) must not exceed max_workers ({max})")]
    MinAboveMax { min: usize, max: usize },
}

impl ConfigError {
    /// The name of the setting at fault, as it is spelled in [`ControllerConfig`]
    /// (or `min_workers` for bad thread bounds).
    ///
    /// When two settings disagree (a lower threshold not below its upper partner, or
    /// `min_workers` above `max_workers`) this names the first of the pair, the one the
    /// message starts with.
    ///
    /// [`ControllerConfig`]: super::ControllerConfig
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::{ControllerConfig, validate_bounds};
    ///
    /// let err = ControllerConfig::default().scale_up_step(0).validate().unwrap_err();
    /// assert_eq!(err.field(), "scale_up_step");
    ///
    /// let err = validate_bounds(8, 4).unwrap_err();
    /// assert_eq!(err.field(), "min_workers");
    /// ```
    #[must_use]
    pub fn field(&self) -> &'static str {
        match self.kind {
            ErrorKind::NotAFraction { field, .. }
            | ErrorKind::NotAPercent { field, .. }
            | ErrorKind::NotBelow { field, .. }
            | ErrorKind::ZeroStep { field }
            | ErrorKind::ZeroInterval { field, .. } => field,
            ErrorKind::ZeroMinWorkers | ErrorKind::MinAboveMax { .. } => "min_workers",
        }
    }

    fn new(kind: ErrorKind) -> Self {
        Self { kind }
    }

    // The constructors below are the only way to build an error, so every check in
    // `config.rs` reads as one line and the private `ErrorKind` never leaks.

    pub(super) fn not_a_fraction(field: &'static str, value: f64) -> Self {
        Self::new(ErrorKind::NotAFraction { field, value })
    }

    pub(super) fn not_a_percent(field: &'static str, value: f64) -> Self {
        Self::new(ErrorKind::NotAPercent { field, value })
    }

    pub(super) fn not_below(
        field: &'static str,
        value: f64,
        upper_field: &'static str,
        upper: f64,
    ) -> Self {
        Self::new(ErrorKind::NotBelow {
            field,
            value,
            upper_field,
            upper,
        })
    }

    pub(super) fn zero_step(field: &'static str) -> Self {
        Self::new(ErrorKind::ZeroStep { field })
    }

    pub(super) fn zero_interval(field: &'static str, value: Duration) -> Self {
        Self::new(ErrorKind::ZeroInterval { field, value })
    }

    pub(super) fn zero_min_workers() -> Self {
        Self::new(ErrorKind::ZeroMinWorkers)
    }

    pub(super) fn min_above_max(min: usize, max: usize) -> Self {
        Self::new(ErrorKind::MinAboveMax { min, max })
    }
}
