//! What can go wrong when using a pool group.

use crate::config::ConfigError;

/// An error from [`PoolGroup`](crate::PoolGroup): every variant names the pool at fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GroupError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// No pool has this name.
    #[error("no pool named `{name}`; the pools are: {known}")]
    UnknownPool {
        /// The name asked for.
        name: String,
        /// The group's pools, comma-separated.
        known: String,
    },
    /// A pool could not start (the OS refused a thread).
    #[error("pool `{pool}` could not start: {reason}")]
    Start {
        /// The pool.
        pool: String,
        /// The executor's error.
        reason: String,
    },
    /// The pool refused the task: it is shut down, or its bounded queue is full.
    #[error("pool `{pool}` refused the task: {reason}")]
    Rejected {
        /// The pool.
        pool: String,
        /// The executor's error.
        reason: String,
    },
    /// `batch_in` was asked for zero tasks in flight.
    #[error("max_concurrent must be at least 1, got 0")]
    ZeroConcurrency,
}

impl GroupError {
    pub(crate) fn unknown_pool<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> Self {
        GroupError::UnknownPool {
            name: name.to_owned(),
            known: known.collect::<Vec<_>>().join(", "),
        }
    }
}
