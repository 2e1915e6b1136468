//! Every error `betapool-core` returns, one opaque public type per operation over a private kind.

use std::any::Any;
use std::fmt;
use std::io;

/// Why a pool could not be built.
///
/// ```
/// let err = betapool_core::Builder::new().min_workers(8).max_workers(2).build().unwrap_err();
/// assert_eq!(err.to_string(), "invalid pool `bp`: min_workers (8) is greater than max_workers (2)");
/// ```
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct BuildError {
    kind: BuildErrorKind,
}

#[derive(Debug, thiserror::Error)]
enum BuildErrorKind {
    #[error("invalid pool `{pool}`: {key} ({value}) {problem}")]
    Invalid {
        pool: String,
        key: &'static str,
        value: String,
        problem: String,
    },
    #[error("pool `{pool}`: could not spawn worker thread `{thread}`: {source}")]
    Spawn {
        pool: String,
        thread: String,
        source: io::Error,
    },
}

impl BuildError {
    pub(crate) fn invalid(
        pool: &str,
        key: &'static str,
        value: impl fmt::Display,
        problem: impl Into<String>,
    ) -> BuildError {
        BuildError {
            kind: BuildErrorKind::Invalid {
                pool: pool.to_owned(),
                key,
                value: value.to_string(),
                problem: problem.into(),
            },
        }
    }

    pub(crate) fn spawn(pool: &str, thread: &str, source: io::Error) -> BuildError {
        BuildError {
            kind: BuildErrorKind::Spawn {
                pool: pool.to_owned(),
                thread: thread.to_owned(),
                source,
            },
        }
    }

    /// The builder setting at fault, when the error is a bad setting (`None` for a spawn failure).
    pub fn key(&self) -> Option<&'static str> {
        match &self.kind {
            BuildErrorKind::Invalid { key, .. } => Some(key),
            BuildErrorKind::Spawn { .. } => None,
        }
    }

    /// Whether the operating system refused to start a worker thread.
    pub fn is_spawn_failure(&self) -> bool {
        matches!(self.kind, BuildErrorKind::Spawn { .. })
    }
}

/// Why a pool could not be resized.
///
/// ```
/// let pool = betapool_core::Builder::new().max_workers(4).build()?;
/// pool.shutdown();
/// let err = pool.set_target(2).unwrap_err();
/// assert!(err.is_shutdown());
/// assert_eq!(err.to_string(), "pool `bp` is shut down");
/// # Ok::<(), betapool_core::BuildError>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ResizeError {
    kind: ResizeErrorKind,
}

#[derive(Debug, thiserror::Error)]
enum ResizeErrorKind {
    #[error("pool `{pool}` is shut down")]
    Shutdown { pool: String },
    #[error(
        "pool `{pool}`: could not spawn worker thread `{thread}` ({live} of {target} running): {source}"
    )]
    Spawn {
        pool: String,
        thread: String,
        live: usize,
        target: usize,
        source: io::Error,
    },
}

impl ResizeError {
    pub(crate) fn shutdown(pool: &str) -> ResizeError {
        ResizeError {
            kind: ResizeErrorKind::Shutdown {
                pool: pool.to_owned(),
            },
        }
    }

    pub(crate) fn spawn(
        pool: &str,
        thread: &str,
        live: usize,
        target: usize,
        source: io::Error,
    ) -> ResizeError {
        ResizeError {
            kind: ResizeErrorKind::Spawn {
                pool: pool.to_owned(),
                thread: thread.to_owned(),
                live,
                target,
                source,
            },
        }
    }

    /// Whether the pool had been shut down.
    pub fn is_shutdown(&self) -> bool {
        matches!(self.kind, ResizeErrorKind::Shutdown { .. })
    }

    /// Whether the operating system refused to start a worker thread.
    pub fn is_spawn_failure(&self) -> bool {
        matches!(self.kind, ResizeErrorKind::Spawn { .. })
    }

    pub(crate) fn into_build_error(self) -> BuildError {
        match self.kind {
            ResizeErrorKind::Spawn {
                pool,
                thread,
                source,
                ..
            } => BuildError::spawn(&pool, &thread, source),
            ResizeErrorKind::Shutdown { pool } => {
                BuildError::invalid(&pool, "state", "shut down", "was shut down while building")
            }
        }
    }
}

/// Why a task was not accepted; the closure is handed back unrun.
///
/// ```
/// let pool = betapool_core::Builder::new().build()?;
/// pool.shutdown();
/// let err = pool.try_spawn(|| 1).unwrap_err();
/// assert!(err.is_shutdown());
/// let f = err.into_inner();
/// assert_eq!(f(), 1);
/// # Ok::<(), betapool_core::BuildError>(())
/// ```
pub struct SpawnError<F> {
    kind: SpawnErrorKind,
    task: F,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SpawnErrorKind {
    Shutdown { pool: String },
    Full { pool: String, capacity: usize },
}

impl<F> SpawnError<F> {
    pub(crate) fn new(kind: SpawnErrorKind, task: F) -> SpawnError<F> {
        SpawnError { kind, task }
    }

    /// Whether the pool was shut down.
    pub fn is_shutdown(&self) -> bool {
        matches!(self.kind, SpawnErrorKind::Shutdown { .. })
    }

    /// Whether the bounded queue was full (rejection policy `Reject`).
    pub fn is_full(&self) -> bool {
        matches!(self.kind, SpawnErrorKind::Full { .. })
    }

    /// Gives the closure back.
    pub fn into_inner(self) -> F {
        self.task
    }
}

impl<F> fmt::Debug for SpawnError<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpawnError")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

impl<F> fmt::Display for SpawnError<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            SpawnErrorKind::Shutdown { pool } => {
                write!(f, "pool `{pool}` is shut down; the task was not accepted")
            }
            SpawnErrorKind::Full { pool, capacity } => {
                write!(
                    f,
                    "the queue of pool `{pool}` is full ({capacity} tasks); the task was rejected"
                )
            }
        }
    }
}

impl<F> std::error::Error for SpawnError<F> {}

/// Why a joined task has no output: it panicked, or it was cancelled before it ran.
///
/// ```
/// let pool = betapool_core::Builder::new().build()?;
/// let err = pool.spawn(|| -> u32 { panic!("bad input") }).join().unwrap_err();
/// assert!(err.is_panic());
/// assert_eq!(err.panic_message(), Some("bad input"));
/// # Ok::<(), betapool_core::BuildError>(())
/// ```
pub struct JoinError {
    repr: JoinRepr,
}

enum JoinRepr {
    Cancelled,
    /// The payload sits in a mutex only so that `JoinError` is `Sync` (and so fits in
    /// `anyhow::Error` and friends); the message is copied out once, so reading it needs no lock.
    Panic {
        message: Option<String>,
        payload: std::sync::Mutex<Box<dyn Any + Send + 'static>>,
    },
}

impl JoinError {
    pub(crate) fn cancelled() -> JoinError {
        JoinError {
            repr: JoinRepr::Cancelled,
        }
    }

    pub(crate) fn panic(payload: Box<dyn Any + Send + 'static>) -> JoinError {
        let message = payload
            .downcast_ref::<&'static str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned());
        JoinError {
            repr: JoinRepr::Panic {
                message,
                payload: std::sync::Mutex::new(payload),
            },
        }
    }

    /// Whether the task panicked.
    pub fn is_panic(&self) -> bool {
        matches!(self.repr, JoinRepr::Panic { .. })
    }

    /// Whether the task was cancelled (by `shutdown_now`, or rejected by a shut-down or full pool)
    /// without running.
    pub fn is_cancelled(&self) -> bool {
        matches!(self.repr, JoinRepr::Cancelled)
    }

    /// The panic message, when the payload is a string (as `panic!("...")` makes it).
    pub fn panic_message(&self) -> Option<&str> {
        match &self.repr {
            JoinRepr::Panic { message, .. } => message.as_deref(),
            JoinRepr::Cancelled => None,
        }
    }

    /// The panic payload, to resume the panic with `std::panic::resume_unwind`.
    /// A cancellation is handed back as `Err(self)`.
    pub fn try_into_panic(self) -> Result<Box<dyn Any + Send + 'static>, JoinError> {
        match self.repr {
            JoinRepr::Panic { payload, .. } => Ok(payload
                .into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner)),
            JoinRepr::Cancelled => Err(self),
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            JoinRepr::Cancelled => f.write_str("JoinError::Cancelled"),
            JoinRepr::Panic { .. } => {
                write!(
                    f,
                    "JoinError::Panic({:?})",
                    self.panic_message().unwrap_or("<non-string payload>")
                )
            }
        }
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            JoinRepr::Cancelled => f.write_str("the task was cancelled before it ran"),
            JoinRepr::Panic { .. } => match self.panic_message() {
                Some(m) => write!(f, "the task panicked: {m}"),
                None => f.write_str("the task panicked"),
            },
        }
    }
}

impl std::error::Error for JoinError {}

/// `shutdown_timeout` gave up: some workers were still running tasks.
///
/// ```
/// # use std::time::Duration;
/// let pool = betapool_core::Builder::new().workers(1).build()?;
/// let (tx, rx) = std::sync::mpsc::channel::<()>();
/// let _h = pool.spawn(move || { let _ = rx.recv(); });
/// let err = pool.shutdown_timeout(Duration::from_millis(20)).unwrap_err();
/// assert!(err.to_string().contains("1 worker(s) still running"));
/// drop(tx);
/// # Ok::<(), betapool_core::BuildError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "pool `{pool}` did not shut down in time: {still_running} worker(s) still running, {queued} task(s) queued"
)]
pub struct ShutdownTimeout {
    pool: String,
    still_running: usize,
    queued: usize,
}

impl ShutdownTimeout {
    pub(crate) fn new(pool: &str, still_running: usize, queued: usize) -> ShutdownTimeout {
        ShutdownTimeout {
            pool: pool.to_owned(),
            still_running,
            queued,
        }
    }

    /// Workers still inside a task when the timeout expired.
    pub fn still_running(&self) -> usize {
        self.still_running
    }

    /// Tasks still queued behind them.
    pub fn queued(&self) -> usize {
        self.queued
    }
}
