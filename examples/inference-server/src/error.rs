//! `ServiceError`: why the service could not start.

/// The service could not start: the group lacks a pool for some step, the address could not
/// be bound, a thread could not be started, or the model runtime could not start. It displays as one line naming the fault.
///
/// ```
/// use inference_server::Routes;
///
/// let err = Routes::for_pools(["db", "io"]).unwrap_err();
/// assert!(err.to_string().contains("`embedding`"));
/// ```
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ServiceError(ErrorKind);

/// What went wrong, kept private so that variants can change without breaking callers.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ErrorKind {
    #[error(
        "no pool for step(s) {missing}: the group has no pool of that name and more than one \
         pool, so none is shared; its pools are: {known}"
    )]
    MissingPools { missing: String, known: String },
    #[error("could not listen on {addr}: {reason}")]
    Bind { addr: String, reason: String },
    #[error("could not start an HTTP receiver thread: {reason}")]
    Thread { reason: String },
    #[error("http_threads must be at least 1, got 0")]
    NoHttpThreads,
    #[error("could not start the model runtime: {reason}")]
    Model { reason: String },
}

impl From<ErrorKind> for ServiceError {
    fn from(kind: ErrorKind) -> ServiceError {
        ServiceError(kind)
    }
}

impl ServiceError {
    pub(crate) fn bind(addr: impl ToString, reason: impl ToString) -> ServiceError {
        ErrorKind::Bind {
            addr: addr.to_string(),
            reason: reason.to_string(),
        }
        .into()
    }
}
