//! The one error type of this crate: bad collector sizes.

use thiserror::Error;

/// An error from building a [`MetricsCollector`](crate::MetricsCollector).
///
/// The type is opaque, as rayon's `ThreadPoolBuildError` is, so that new causes can be added
/// without breaking callers; its message names the parameter and the value at fault.
///
/// # Examples
///
/// ```
/// use betapool_metrics::MetricsCollector;
///
/// let err = MetricsCollector::new(0, 10).unwrap_err();
/// assert_eq!(err.to_string(), "window_size must be at least 1, got 0");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{kind}")]
pub struct MetricsError {
    kind: ErrorKind,
}

/// The private causes behind [`MetricsError`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub(crate) enum ErrorKind {
    /// A window of no samples has no mean, no percentile and no rate.
    #[error("window_size must be at least 1, got 0")]
    ZeroWindowSize,
    /// A history of no samples could never hold the window.
    #[error("max_history must be at least 1, got 0")]
    ZeroMaxHistory,
    /// The window is a suffix of the history, so the history must be at least as long.
    #[error("max_history must be at least window_size ({window_size}), got {max_history}")]
    HistoryShorterThanWindow {
        /// The requested window size.
        window_size: usize,
        /// The requested history size.
        max_history: usize,
    },
}

impl From<ErrorKind> for MetricsError {
    fn from(kind: ErrorKind) -> Self {
        Self { kind }
    }
}
