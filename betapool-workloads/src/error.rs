//! The one error type of this crate: a bad parameter, an unknown workload name or an arrival
//! spec that does not parse.

use thiserror::Error;

/// An error from validating a task, an arrival process or a workload, from parsing an
/// [`ArrivalSpec`](crate::ArrivalSpec), or from looking up a named [`Workload`](crate::Workload).
///
/// The type is opaque, as rayon's `ThreadPoolBuildError` is, so that new causes can be added
/// without breaking callers. Its message names the parameter and the value at fault.
///
/// # Examples
///
/// ```
/// use betapool_workloads::{Calibration, TaskSpec};
///
/// let err = Calibration::fixed(0.0).unwrap_err();
/// assert_eq!(err.to_string(), "iterations_per_us must be positive and finite, got 0");
/// assert_eq!(err.parameter(), Some("iterations_per_us"));
///
/// let err = TaskSpec::Matrix { size: 0 }.validate().unwrap_err();
/// assert_eq!(err.to_string(), "matrix size must be in 1..=1024, got 0");
/// ```
#[derive(Debug, Clone, PartialEq, Error)]
#[error(transparent)]
pub struct WorkloadError {
    kind: ErrorKind,
}

/// The private causes behind [`WorkloadError`].
#[derive(Debug, Clone, PartialEq, Error)]
enum ErrorKind {
    /// A numeric parameter lies outside the range it must be in.
    #[error("{param} must be {expected}, got {value}")]
    OutOfRange {
        param: &'static str,
        expected: String,
        value: String,
    },
    /// `Workload::named` was given a name it does not know.
    #[error("unknown workload `{name}`; valid names: {valid}")]
    UnknownWorkload { name: String, valid: String },
    /// An arrival spec string did not parse; `problem` names the part at fault.
    #[error("invalid arrival spec `{spec}`: {problem}")]
    ArrivalSyntax { spec: String, problem: String },
    /// A workload with no phases has nothing to run.
    #[error("workload `{workload}` has no phases")]
    NoPhases { workload: String },
    /// One phase of a workload is invalid; the inner error says how.
    #[error("workload `{workload}`, phase `{phase}`: {error}")]
    InPhase {
        workload: String,
        phase: String,
        error: Box<WorkloadError>,
    },
    /// The arrival process of a workload is invalid; the inner error says how.
    #[error("workload `{workload}`, arrivals: {error}")]
    InArrivals {
        workload: String,
        error: Box<WorkloadError>,
    },
}

impl WorkloadError {
    /// `param` is not in the range `expected` describes (`"in 1..=1024"`, `"positive"`).
    pub(crate) fn out_of_range(
        param: &'static str,
        expected: impl Into<String>,
        value: impl ToString,
    ) -> WorkloadError {
        ErrorKind::OutOfRange {
            param,
            expected: expected.into(),
            value: value.to_string(),
        }
        .into()
    }

    pub(crate) fn unknown_workload(name: &str, valid: &[&str]) -> WorkloadError {
        ErrorKind::UnknownWorkload {
            name: name.to_owned(),
            valid: valid.join(", "),
        }
        .into()
    }

    pub(crate) fn arrival_syntax(spec: &str, problem: impl Into<String>) -> WorkloadError {
        ErrorKind::ArrivalSyntax {
            spec: spec.to_owned(),
            problem: problem.into(),
        }
        .into()
    }

    pub(crate) fn no_phases(workload: &str) -> WorkloadError {
        ErrorKind::NoPhases {
            workload: workload.to_owned(),
        }
        .into()
    }

    pub(crate) fn in_phase(self, workload: &str, phase: &str) -> WorkloadError {
        ErrorKind::InPhase {
            workload: workload.to_owned(),
            phase: phase.to_owned(),
            error: Box::new(self),
        }
        .into()
    }

    pub(crate) fn in_arrivals(self, workload: &str) -> WorkloadError {
        ErrorKind::InArrivals {
            workload: workload.to_owned(),
            error: Box::new(self),
        }
        .into()
    }

    /// The parameter at fault, when the error is a value out of range (looking through the
    /// phase or arrival process it was found in).
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_workloads::TaskSpec;
    ///
    /// let spec = TaskSpec::VariableLatency {
    ///     min: Duration::from_millis(1),
    ///     max: Duration::from_millis(5),
    ///     cpu_fraction: 1.5,
    /// };
    /// assert_eq!(spec.validate().unwrap_err().parameter(), Some("cpu_fraction"));
    /// assert_eq!("poisson".parse::<betapool_workloads::ArrivalSpec>().unwrap_err().parameter(), None);
    /// ```
    pub fn parameter(&self) -> Option<&'static str> {
        match &self.kind {
            ErrorKind::OutOfRange { param, .. } => Some(param),
            ErrorKind::InPhase { error, .. } | ErrorKind::InArrivals { error, .. } => {
                error.parameter()
            }
            ErrorKind::UnknownWorkload { .. }
            | ErrorKind::ArrivalSyntax { .. }
            | ErrorKind::NoPhases { .. } => None,
        }
    }
}

impl From<ErrorKind> for WorkloadError {
    fn from(kind: ErrorKind) -> WorkloadError {
        WorkloadError { kind }
    }
}
