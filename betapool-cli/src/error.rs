//! The one error type of the command: a bad setting (named by its flag or by its place in the
//! config file), or a run, a file or the terminal that failed.

use std::io;
use std::path::PathBuf;

use betapool_harness::HarnessError;
use thiserror::Error;

use crate::settings::Origin;

/// What went wrong, as one line: `main` prints it after `betapool: `.
///
/// The type is opaque over a private [`ErrorKind`], as rayon's `ThreadPoolBuildError` is;
/// [`is_usage`](Self::is_usage) tells a bad invocation (exit code 2) from a failed run (1).
/// The kind is boxed so that every `Result` carrying the error stays one pointer wide.
#[derive(Debug, Error)]
#[error(transparent)]
pub(crate) struct CliError {
    kind: Box<ErrorKind>,
}

/// The private causes behind [`CliError`].
#[derive(Debug, Error)]
enum ErrorKind {
    /// A setting is missing, malformed or out of range; `origin` names the flag, or the config
    /// file's path, line, column and key.
    #[error("{origin}: {message}")]
    Setting { origin: Origin, message: String },
    /// The config file could not be read.
    #[error("{}: cannot read the config file: {error}", path.display())]
    ReadConfig { path: PathBuf, error: io::Error },
    /// The pool-group file of `betapool serve` is unreadable or invalid; the error names the
    /// file, line, column and key. Its message already ends with any I/O cause, so the cause
    /// is not chained again.
    #[error("{0}")]
    GroupConfig(betapool_group::ConfigError),
    /// The pools or the stats server of `betapool serve` could not start.
    #[error("serve: {0}")]
    Serve(String),
    /// A run failed after its settings were accepted.
    #[error("running `{workload}` on {pool}: {error}")]
    Run {
        workload: String,
        pool: String,
        error: HarnessError,
    },
    /// A chart (or its directory) could not be written.
    #[error("writing the chart to {}: {error}", path.display())]
    WriteChart { path: PathBuf, error: io::Error },
    /// A report could not be encoded as JSON.
    #[error("encoding the JSON report: {0}")]
    Json(serde_json::Error),
    /// The report could not be written to standard output. Kept as the error's source so that
    /// `main` can recognise a reader that went away (`betapool demo | head`).
    #[error("writing to standard output")]
    Stdout(#[source] io::Error),
}

impl CliError {
    /// A setting from `origin` is not acceptable; `message` says why, naming the value.
    pub(crate) fn setting(origin: Origin, message: impl Into<String>) -> CliError {
        ErrorKind::Setting {
            origin,
            message: message.into(),
        }
        .into()
    }

    pub(crate) fn read_config(path: PathBuf, error: io::Error) -> CliError {
        ErrorKind::ReadConfig { path, error }.into()
    }

    pub(crate) fn run(workload: &str, pool: &str, error: HarnessError) -> CliError {
        ErrorKind::Run {
            workload: workload.to_owned(),
            pool: pool.to_owned(),
            error,
        }
        .into()
    }

    pub(crate) fn write_chart(path: PathBuf, error: io::Error) -> CliError {
        ErrorKind::WriteChart { path, error }.into()
    }

    pub(crate) fn json(error: serde_json::Error) -> CliError {
        ErrorKind::Json(error).into()
    }

    pub(crate) fn group_config(error: betapool_group::ConfigError) -> CliError {
        ErrorKind::GroupConfig(error).into()
    }

    pub(crate) fn serve(error: impl std::fmt::Display) -> CliError {
        ErrorKind::Serve(error.to_string()).into()
    }

    pub(crate) fn stdout(error: io::Error) -> CliError {
        ErrorKind::Stdout(error).into()
    }

    /// Whether the command was called wrongly (a bad flag, config file or value), as opposed
    /// to a run or an output that failed.
    pub(crate) fn is_usage(&self) -> bool {
        matches!(
            *self.kind,
            ErrorKind::Setting { .. } | ErrorKind::ReadConfig { .. } | ErrorKind::GroupConfig(_)
        )
    }
}

impl From<ErrorKind> for CliError {
    fn from(kind: ErrorKind) -> CliError {
        CliError {
            kind: Box::new(kind),
        }
    }
}
