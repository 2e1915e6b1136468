//! The errors of `betapool-adaptive`.

use betapool_core::ConfigError;

/// Why an adaptive executor could not be built: a bad setting (named), or a thread the OS
/// refused.
///
/// ```
/// let err = betapool_adaptive::AdaptiveThreadPoolExecutor::new(8, 2).unwrap_err();
/// assert!(err.to_string().contains("min_workers (8)"), "{err}");
/// ```
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct BuildError {
    kind: ErrorKind,
}

#[derive(Debug, thiserror::Error)]
enum ErrorKind {
    #[error("invalid adaptive pool: {0}")]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Pool(#[from] betapool_instrumented::BuildError),
    #[error("could not start the controller thread `{thread}`: {source}")]
    Controller {
        thread: String,
        source: std::io::Error,
    },
}

impl BuildError {
    pub(crate) fn controller(thread: &str, source: std::io::Error) -> BuildError {
        BuildError {
            kind: ErrorKind::Controller {
                thread: thread.to_owned(),
                source,
            },
        }
    }

    /// The setting at fault, if the error is a bad setting.
    pub fn key(&self) -> Option<&str> {
        match &self.kind {
            ErrorKind::Config(e) => Some(e.field()),
            ErrorKind::Pool(e) => e.key(),
            ErrorKind::Controller { .. } => None,
        }
    }
}

impl From<ConfigError> for BuildError {
    fn from(e: ConfigError) -> BuildError {
        BuildError {
            kind: ErrorKind::Config(e),
        }
    }
}

impl From<betapool_instrumented::BuildError> for BuildError {
    fn from(e: betapool_instrumented::BuildError) -> BuildError {
        BuildError {
            kind: ErrorKind::Pool(e),
        }
    }
}
