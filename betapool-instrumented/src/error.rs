//! Every error `betapool-static` returns: one opaque public type per operation over a private kind.

use std::fmt;

use betapool_core::SpawnError;
use betapool_metrics::MetricsError;

/// Why an [`InstrumentedPool`](crate::InstrumentedPool), or an executor built on one, could not
/// be built.
///
/// The message names the pool, the setting at fault and its value. The type is opaque, as
/// rayon's `ThreadPoolBuildError` is, so that new causes can be added without breaking callers;
/// [`key`](BuildError::key) tells a program which setting was wrong.
///
/// ```
/// use betapool_instrumented::InstrumentedPool;
///
/// let err = InstrumentedPool::builder().fixed_size(0).build().unwrap_err();
/// assert_eq!(err.to_string(), "invalid pool `bpi`: workers (0) must be at least 1");
/// assert_eq!(err.key(), Some("workers"));
/// ```
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct BuildError {
    kind: ErrorKind,
}

/// The private causes behind [`BuildError`].
#[derive(Debug, thiserror::Error)]
enum ErrorKind {
    /// The fixed size itself is out of range; checked here so the message says `workers`
    /// rather than the engine's `min_workers`, which the user never set.
    #[error("invalid pool `{pool}`: workers ({value}) {problem}")]
    Workers {
        pool: String,
        value: usize,
        problem: String,
    },
    /// The engine refused a setting or the OS refused a thread; its message already names the
    /// pool and the setting.
    #[error(transparent)]
    Engine(betapool_core::BuildError),
    /// The metrics window or history size is invalid. The metrics crate's message names the
    /// setting and value; it is included in this message rather than chained as a source, so
    /// that the one-line rendering does not repeat it.
    #[error("invalid pool `{pool}`: {error}")]
    Metrics {
        pool: String,
        key: &'static str,
        error: MetricsError,
    },
}

impl BuildError {
    pub(crate) fn workers(pool: &str, value: usize, problem: impl Into<String>) -> BuildError {
        BuildError {
            kind: ErrorKind::Workers {
                pool: pool.to_owned(),
                value,
                problem: problem.into(),
            },
        }
    }

    pub(crate) fn metrics(pool: &str, key: &'static str, error: MetricsError) -> BuildError {
        BuildError {
            kind: ErrorKind::Metrics {
                pool: pool.to_owned(),
                key,
                error,
            },
        }
    }

    /// The builder setting at fault, or `None` when the OS refused to start a worker thread.
    ///
    /// ```
    /// use betapool_instrumented::InstrumentedPool;
    ///
    /// let err = InstrumentedPool::builder().fixed_size(4).window_size(0).build().unwrap_err();
    /// assert_eq!(err.key(), Some("window_size"));
    /// let err = InstrumentedPool::builder().fixed_size(4).name("").build().unwrap_err();
    /// assert_eq!(err.key(), Some("name"));
    /// ```
    pub fn key(&self) -> Option<&'static str> {
        match &self.kind {
            ErrorKind::Workers { .. } => Some("workers"),
            ErrorKind::Engine(e) => e.key(),
            ErrorKind::Metrics { key, .. } => Some(key),
        }
    }

    /// Whether the operating system refused to start a worker thread (as opposed to a bad
    /// setting).
    ///
    /// ```
    /// use betapool_instrumented::InstrumentedPool;
    ///
    /// let err = InstrumentedPool::builder().fixed_size(0).build().unwrap_err();
    /// assert!(!err.is_spawn_failure());
    /// ```
    pub fn is_spawn_failure(&self) -> bool {
        matches!(&self.kind, ErrorKind::Engine(e) if e.is_spawn_failure())
    }
}

impl From<betapool_core::BuildError> for BuildError {
    fn from(error: betapool_core::BuildError) -> BuildError {
        BuildError {
            kind: ErrorKind::Engine(error),
        }
    }
}

/// Why a task was not accepted; the closure is handed back unrun.
///
/// It mirrors the engine's [`SpawnError`]. The pool cannot hand that type back as it is: the
/// engine received the recorder's timing wrapper, not your closure, and only the engine can
/// build a `SpawnError`. This type carries your own closure and the engine's message.
///
/// ```
/// use betapool_instrumented::InstrumentedPool;
///
/// let pool = InstrumentedPool::builder().fixed_size(2).build()?;
/// pool.shutdown();
/// let err = pool.try_submit(|| 21 * 2).unwrap_err();
/// assert!(err.is_shutdown());
/// assert_eq!(err.to_string(), "pool `bpi` is shut down; the task was not accepted");
/// let f = err.into_inner();
/// assert_eq!(f(), 42);
/// # Ok::<(), betapool_instrumented::BuildError>(())
/// ```
pub struct SubmitError<F> {
    kind: SubmitErrorKind,
    /// The engine's message, which names the pool (and the capacity when full).
    message: String,
    task: F,
}

/// Why the engine refused a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SubmitErrorKind {
    Shutdown,
    Full,
}

impl<F> SubmitError<F> {
    /// Takes the engine's verdict on the wrapper and pairs it with the user's own closure.
    pub(crate) fn from_spawn<G>(error: &SpawnError<G>, task: F) -> SubmitError<F> {
        // The engine refuses a task for exactly these two reasons; `is_full` is the fallback so
        // that a refusal is never misreported as a shutdown.
        let kind = if error.is_shutdown() {
            SubmitErrorKind::Shutdown
        } else {
            SubmitErrorKind::Full
        };
        SubmitError {
            kind,
            message: error.to_string(),
            task,
        }
    }

    /// Whether the pool was shut down.
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder().fixed_size(1).build()?;
    /// pool.shutdown();
    /// assert!(pool.try_submit(|| ()).unwrap_err().is_shutdown());
    /// # Ok::<(), betapool_instrumented::BuildError>(())
    /// ```
    pub fn is_shutdown(&self) -> bool {
        self.kind == SubmitErrorKind::Shutdown
    }

    /// Whether the bounded queue was full (rejection policy `Reject`).
    ///
    /// ```
    /// use std::sync::mpsc;
    /// use betapool_instrumented::{InstrumentedPool, RejectionPolicy};
    ///
    /// let pool = InstrumentedPool::builder().fixed_size(1)
    ///     .queue_capacity(1)
    ///     .rejection_policy(RejectionPolicy::Reject)
    ///     .build()?;
    /// let (started_tx, started) = mpsc::channel();
    /// let (release, release_rx) = mpsc::channel::<()>();
    /// let busy = pool.submit(move || {
    ///     started_tx.send(()).unwrap();
    ///     let _ = release_rx.recv();
    /// });
    /// started.recv().unwrap(); // the only worker is busy now
    /// let queued = pool.submit(|| ()); // takes the one queue slot
    /// let err = pool.try_submit(|| ()).unwrap_err();
    /// assert!(err.is_full());
    /// drop(release);
    /// busy.join().unwrap();
    /// queued.join().unwrap();
    /// # Ok::<(), betapool_instrumented::BuildError>(())
    /// ```
    pub fn is_full(&self) -> bool {
        self.kind == SubmitErrorKind::Full
    }

    /// Gives the closure back.
    ///
    /// ```
    /// let pool = betapool_instrumented::InstrumentedPool::builder().fixed_size(1).build()?;
    /// pool.shutdown();
    /// let f = pool.try_submit(|| "unrun").unwrap_err().into_inner();
    /// assert_eq!(f(), "unrun");
    /// # Ok::<(), betapool_instrumented::BuildError>(())
    /// ```
    pub fn into_inner(self) -> F {
        self.task
    }
}

impl<F> fmt::Debug for SubmitError<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SubmitError")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .finish_non_exhaustive()
    }
}

impl<F> fmt::Display for SubmitError<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl<F> std::error::Error for SubmitError<F> {}
