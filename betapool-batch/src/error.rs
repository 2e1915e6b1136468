//! The crate's errors: what one request can fail with, and what starting the runtime or reading
//! its settings (builder values, environment variables, the device) can fail with.

use std::time::Duration;

/// Why one request got no output. Every accepted request resolves exactly once: to its output or
/// to one of these.
///
/// ```
/// use betapool_batch::InferError;
/// let e = InferError::QueueFull { capacity: 64 };
/// assert_eq!(e.to_string(), "the request queue is full (64 requests queued)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InferError {
    /// The queue held its capacity of requests; nothing was queued (returned at once).
    #[error("the request queue is full ({capacity} requests queued)")]
    QueueFull {
        /// The queue's capacity, in requests.
        capacity: usize,
    },
    /// The request could not finish within its deadline (or the policy's latency target): refused
    /// when the fitted cost model predicted so at submission, or failed when its deadline passed
    /// in the queue. The model never saw it.
    #[error(
        "the request cannot finish in time: {:.1} ms predicted, {:.1} ms allowed",
        predicted.as_secs_f64() * 1e3,
        budget.as_secs_f64() * 1e3
    )]
    DeadlineExceeded {
        /// The predicted time from submission to output.
        predicted: Duration,
        /// The time the request allowed (its deadline minus its submission time).
        budget: Duration,
    },
    /// `infer` was called before `start`.
    #[error("the runtime is not started: call start() before infer()")]
    NotStarted,
    /// The runtime was stopped before the request could be run.
    #[error("the runtime stopped before the request was run")]
    Stopped,
    /// The model returned an error for the batch this request was in.
    #[error("the model failed on a batch of {batch}: {message}")]
    Model {
        /// The number of requests in the batch (each of them gets this error).
        batch: usize,
        /// The model's error, as text.
        message: String,
    },
    /// The model panicked on the batch this request was in; the runtime keeps serving.
    #[error("the model panicked on a batch of {batch}: {message}")]
    Panicked {
        /// The number of requests in the batch (each of them gets this error).
        batch: usize,
        /// The panic payload, if it was a string.
        message: String,
    },
    /// The model returned a different number of outputs than it was given inputs.
    #[error("the model returned {got} outputs for a batch of {expected} inputs")]
    OutputCount {
        /// The batch's number of inputs.
        expected: usize,
        /// The number of outputs the model returned.
        got: usize,
    },
}

/// A request refused at once by `try_infer`, with its input handed back.
///
/// ```
/// use betapool_batch::{InferError, TryInferError};
/// let e = TryInferError::new("hello", InferError::QueueFull { capacity: 1 });
/// assert_eq!(e.error(), &InferError::QueueFull { capacity: 1 });
/// assert_eq!(e.into_input(), "hello");
/// ```
#[derive(thiserror::Error)]
#[error("{error}")]
pub struct TryInferError<I> {
    input: I,
    error: InferError,
}

impl<I> TryInferError<I> {
    pub(crate) fn into_parts(self) -> (I, InferError) {
        (self.input, self.error)
    }

    /// Pairs an input with the reason it was refused.
    pub fn new(input: I, error: InferError) -> Self {
        Self { input, error }
    }

    /// Why the request was refused.
    pub fn error(&self) -> &InferError {
        &self.error
    }

    /// The input, back to the caller.
    pub fn into_input(self) -> I {
        self.input
    }
}

impl<I> std::fmt::Debug for TryInferError<I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TryInferError")
            .field("error", &self.error)
            .finish_non_exhaustive()
    }
}

/// A setting that cannot be used: a builder value, an environment variable, or a device the
/// environment asks for. The message names the key or variable and the value at fault.
///
/// ```
/// use betapool_batch::EnvOverrides;
/// let err = EnvOverrides::from_pairs([("BATCH_SIZE", "many")]).unwrap_err();
/// assert!(err.to_string().contains("BATCH_SIZE"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct ConfigError {
    kind: ConfigErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ConfigErrorKind {
    #[error("environment variable {var}={value:?}: expected {expected}")]
    Variable {
        var: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error("MASX_FORCE_CPU and MASX_FORCE_GPU are both set: choose one")]
    BothForced,
    #[error("{key} = {value}: expected {expected}")]
    Setting {
        key: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error("MASX_FORCE_GPU is set but no GPU can be used: {reason}")]
    NoGpu { reason: String },
    #[error("could not start the shared {pool} pool: {message}")]
    Executors { pool: &'static str, message: String },
}

impl ConfigError {
    pub(crate) fn variable(var: &'static str, value: &str, expected: &'static str) -> Self {
        Self {
            kind: ConfigErrorKind::Variable {
                var,
                value: value.to_owned(),
                expected,
            },
        }
    }

    pub(crate) fn both_forced() -> Self {
        Self {
            kind: ConfigErrorKind::BothForced,
        }
    }

    pub(crate) fn setting(key: &'static str, value: impl ToString, expected: &'static str) -> Self {
        Self {
            kind: ConfigErrorKind::Setting {
                key,
                value: value.to_string(),
                expected,
            },
        }
    }

    pub(crate) fn no_gpu(reason: impl Into<String>) -> Self {
        Self {
            kind: ConfigErrorKind::NoGpu {
                reason: reason.into(),
            },
        }
    }

    /// A shared pool that could not be built for a reason other than a bad value (the OS
    /// refused its threads).
    pub(crate) fn executors(pool: &'static str, message: impl ToString) -> Self {
        Self {
            kind: ConfigErrorKind::Executors {
                pool,
                message: message.to_string(),
            },
        }
    }

    /// The environment variable or builder key at fault, if one is.
    pub fn key(&self) -> Option<&'static str> {
        match &self.kind {
            ConfigErrorKind::Variable { var, .. } => Some(var),
            ConfigErrorKind::Setting { key, .. } => Some(key),
            ConfigErrorKind::NoGpu { .. } => Some("MASX_FORCE_GPU"),
            ConfigErrorKind::BothForced => None,
            ConfigErrorKind::Executors { .. } => None,
        }
    }
}

/// Why `InferenceRuntime::start` failed. The runtime is left unstarted (and can be dropped).
#[derive(Debug, thiserror::Error)]
#[error("{kind}")]
pub struct StartError {
    kind: StartErrorKind,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum StartErrorKind {
    #[error("the runtime is already started")]
    AlreadyStarted,
    #[error("the runtime was stopped; build a new one")]
    Stopped,
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("the model loader failed on {device}: {message}")]
    Loader { device: String, message: String },
    #[error("the model loader panicked on {device}: {message}")]
    LoaderPanicked { device: String, message: String },
    #[error("could not start batch worker thread {name}: {source}")]
    Spawn {
        name: String,
        source: std::io::Error,
    },
}

impl StartError {
    pub(crate) fn new(kind: StartErrorKind) -> Self {
        Self { kind }
    }

    /// The configuration error behind this failure, if it was one (for example `MASX_FORCE_GPU`
    /// on a machine with no GPU).
    pub fn config_error(&self) -> Option<&ConfigError> {
        match &self.kind {
            StartErrorKind::Config(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ConfigError> for StartError {
    fn from(e: ConfigError) -> Self {
        Self::new(StartErrorKind::Config(e))
    }
}

/// Why a task of the shared executors ([`run_in_thread`](crate::run_in_thread),
/// [`map_threads`](crate::map_threads), [`run_cpu`](crate::run_cpu),
/// [`map_cpu`](crate::map_cpu)) gave no result.
///
/// ```
/// use betapool_batch::{CpuExecutors, EnvOverrides, TaskError};
/// let executors = CpuExecutors::from_env(&EnvOverrides::default())?;
/// let err = executors.run_in_thread(|| -> u8 { panic!("bad row") }).wait().unwrap_err();
/// assert_eq!(err.to_string(), "a task on the blocking pool panicked: bad row");
/// assert!(matches!(err, TaskError::Panicked { .. }));
/// # Ok::<(), betapool_batch::ConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TaskError {
    /// The task panicked; the pool caught the panic and goes on.
    #[error(
        "{} on the {pool} pool panicked{}",
        item.map_or_else(|| "a task".to_owned(), |i| format!("the task for item {i}")),
        message.as_deref().map(|m| format!(": {m}")).unwrap_or_default()
    )]
    Panicked {
        /// The pool the task ran on: `"blocking"` or `"CPU"`.
        pool: &'static str,
        /// For `map_threads` and `map_cpu`: the position of the first item (in input order)
        /// whose task panicked.
        item: Option<usize>,
        /// The panic message, when the payload was a string (as `panic!("...")` makes it).
        message: Option<String>,
    },
    /// The task never ran: its pool was shut down.
    #[error("the task was cancelled before it ran: the {pool} pool is shut down")]
    Cancelled {
        /// The pool that refused the task: `"blocking"` or `"CPU"`.
        pool: &'static str,
    },
    /// The shared executors could not be built, so the task never ran (a bad `MAX_THREADS`
    /// or `MAX_PROCS`, named in the error).
    #[error("the shared executors are unavailable: {0}")]
    Config(#[from] ConfigError),
}

/// [`install`](crate::install) came too late: the shared executors were already in use. The
/// pair it was given is handed back, unused.
///
/// ```
/// use betapool_batch::{CpuExecutors, EnvOverrides};
/// let _shared = betapool_batch::cpu_executors()?; // the shared pair is now in use
/// let late = CpuExecutors::from_env(&EnvOverrides::default())?;
/// let err = betapool_batch::install(late).unwrap_err();
/// assert_eq!(err.to_string(), "the shared executors are already in use: call install() before their first use");
/// let _late = err.into_inner(); // dropping it shuts its pools down
/// # Ok::<(), betapool_batch::ConfigError>(())
/// ```
#[derive(Debug, thiserror::Error)]
#[error("the shared executors are already in use: call install() before their first use")]
pub struct InstallError {
    executors: Box<crate::CpuExecutors>,
}

impl InstallError {
    pub(crate) fn new(executors: crate::CpuExecutors) -> Self {
        Self {
            executors: Box::new(executors),
        }
    }

    /// The pair that was not installed.
    pub fn into_inner(self) -> crate::CpuExecutors {
        *self.executors
    }
}
