//! The one error type of this crate: a bad pool spec, workload, calibration or option.

use betapool_workloads::WorkloadError;
use thiserror::Error;

/// An error from [`pool_from_spec`](crate::pool_from_spec), [`StaticExecutor::new`] or
/// [`run`](crate::run). Nothing in this crate panics on bad input; it returns one of these.
///
/// The type is opaque, as rayon's `ThreadPoolBuildError` is, so that new causes can be added
/// without breaking callers. Its message names the spec, workload or option at fault and the
/// value it had.
///
/// [`StaticExecutor::new`]: crate::StaticExecutor::new
///
/// # Examples
///
/// ```
/// let err = betapool_harness::pool_from_spec("static:0").unwrap_err();
/// assert_eq!(err.to_string(), "pool spec `static:0`: N must be an integer in 1..=4096, got `0`");
/// ```
#[derive(Debug, Error)]
#[error(transparent)]
pub struct HarnessError {
    kind: ErrorKind,
}

/// The private causes behind [`HarnessError`].
#[derive(Debug, Error)]
enum ErrorKind {
    /// The spec's kind (before the colon) is not one the harness knows.
    #[error("unknown pool spec `{spec}`; known kinds: {known}")]
    UnknownPool { spec: String, known: String },
    /// The kind is known but its argument is not acceptable.
    #[error("pool spec `{spec}`: {problem}")]
    BadPoolArgument { spec: String, problem: String },
    /// The pool itself refused to start; its message names the setting or the OS error.
    #[error("pool spec `{spec}`: {error}")]
    PoolBuild {
        spec: String,
        error: betapool_static::BuildError,
    },
    /// The workload failed validation; its message names the workload, phase and parameter.
    #[error(transparent)]
    Workload(WorkloadError),
    /// The workload has nothing to run.
    #[error("workload `{workload}` has no tasks")]
    EmptyWorkload { workload: String },
    /// The calibration's rate is unusable.
    #[error("invalid calibration: {0}")]
    Calibration(WorkloadError),
    /// A run option is out of range.
    #[error("{option} must be {expected}, got {value}")]
    Option {
        option: &'static str,
        expected: String,
        value: String,
    },
    /// The operating system refused to start the sampler thread.
    #[error("could not start the harness's sampler thread: {0}")]
    Sampler(std::io::Error),
}

impl HarnessError {
    pub(crate) fn unknown_pool(spec: &str, known: String) -> HarnessError {
        ErrorKind::UnknownPool {
            spec: spec.to_owned(),
            known,
        }
        .into()
    }

    pub(crate) fn bad_pool_argument(spec: &str, problem: impl Into<String>) -> HarnessError {
        ErrorKind::BadPoolArgument {
            spec: spec.to_owned(),
            problem: problem.into(),
        }
        .into()
    }

    pub(crate) fn pool_build(spec: &str, error: betapool_static::BuildError) -> HarnessError {
        ErrorKind::PoolBuild {
            spec: spec.to_owned(),
            error,
        }
        .into()
    }

    pub(crate) fn workload(error: WorkloadError) -> HarnessError {
        ErrorKind::Workload(error).into()
    }

    pub(crate) fn empty_workload(workload: &str) -> HarnessError {
        ErrorKind::EmptyWorkload {
            workload: workload.to_owned(),
        }
        .into()
    }

    pub(crate) fn calibration(error: WorkloadError) -> HarnessError {
        ErrorKind::Calibration(error).into()
    }

    pub(crate) fn option(
        option: &'static str,
        expected: impl Into<String>,
        value: impl ToString,
    ) -> HarnessError {
        ErrorKind::Option {
            option,
            expected: expected.into(),
            value: value.to_string(),
        }
        .into()
    }

    pub(crate) fn sampler(error: std::io::Error) -> HarnessError {
        ErrorKind::Sampler(error).into()
    }

    /// Whether the error is about a pool spec (unknown kind, bad argument, or a pool that
    /// refused to start), as opposed to the workload or the run options.
    ///
    /// ```
    /// assert!(betapool_harness::pool_from_spec("fifo:3").unwrap_err().is_pool_spec());
    /// ```
    pub fn is_pool_spec(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::UnknownPool { .. }
                | ErrorKind::BadPoolArgument { .. }
                | ErrorKind::PoolBuild { .. }
        )
    }
}

impl From<ErrorKind> for HarnessError {
    fn from(kind: ErrorKind) -> HarnessError {
        HarnessError { kind }
    }
}
