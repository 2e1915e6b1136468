//! The peer pools, each behind the harness's `Executor` trait, with their default settings.
//!
//! Peers are dependencies of this bench runner only. Each is used the way its documentation
//! recommends for blocking work, with no tuning, because "no tuning" is what the adaptive pool
//! promises too.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use betapool_harness::{Executor, Job};

/// How long `shutdown` waits for a tokio runtime's blocking threads.
const TOKIO_SHUTDOWN: Duration = Duration::from_secs(30);

/// The names `peer` accepts.
pub(crate) const PEERS: &[&str] = &["tokio", "smol", "rayon", "threadpool"];

/// Builds the peer called `name`, or `None` if there is no such peer.
pub(crate) fn peer(name: &str) -> Option<anyhow::Result<Box<dyn Executor>>> {
    Some(match name {
        "tokio" => Tokio::new().map(|p| Box::new(p) as Box<dyn Executor>),
        "smol" => Ok(Box::new(Smol)),
        "rayon" => Rayon::new().map(|p| Box::new(p) as Box<dyn Executor>),
        "threadpool" => Ok(Box::new(ThreadPool(Mutex::new(
            threadpool::Builder::new().build(),
        )))),
        _ => return None,
    })
}

/// tokio's `spawn_blocking` on a default multi-threaded runtime (up to 512 blocking threads, kept
/// alive 10 s when idle).
struct Tokio(Mutex<Option<tokio::runtime::Runtime>>);

impl Tokio {
    fn new() -> anyhow::Result<Tokio> {
        let rt = tokio::runtime::Builder::new_multi_thread().build()?;
        Ok(Tokio(Mutex::new(Some(rt))))
    }
}

impl Executor for Tokio {
    fn name(&self) -> String {
        "tokio".into()
    }

    fn execute(&self, job: Job) {
        let guard = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match guard.as_ref() {
            // The join handle is dropped: the task runs detached, like every other pool's job.
            Some(rt) => drop(rt.spawn_blocking(job)),
            None => job(),
        }
    }

    fn shutdown(&self) {
        if let Some(rt) = self.0.lock().unwrap_or_else(PoisonError::into_inner).take() {
            rt.shutdown_timeout(TOKIO_SHUTDOWN);
        }
    }
}

/// smol's `blocking` crate: `unblock` on its global pool (up to 500 threads by default, idle ones
/// exit after 500 ms). It has no shutdown; its threads age out on their own.
struct Smol;

impl Executor for Smol {
    fn name(&self) -> String {
        "smol".into()
    }

    fn execute(&self, job: Job) {
        blocking::unblock(job).detach();
    }

    fn shutdown(&self) {}
}

/// rayon's default pool (one thread per core): the CPU-bound reference.
struct Rayon(Mutex<Option<rayon::ThreadPool>>);

impl Rayon {
    fn new() -> anyhow::Result<Rayon> {
        Ok(Rayon(Mutex::new(Some(
            rayon::ThreadPoolBuilder::new().build()?,
        ))))
    }
}

impl Executor for Rayon {
    fn name(&self) -> String {
        "rayon".into()
    }

    fn execute(&self, job: Job) {
        match self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
        {
            Some(pool) => pool.spawn(job),
            None => job(),
        }
    }

    fn shutdown(&self) {
        // Dropping a rayon pool ends its threads once their work is done.
        drop(self.0.lock().unwrap_or_else(PoisonError::into_inner).take());
    }
}

/// The `threadpool` crate with its default size (one thread per core).
struct ThreadPool(Mutex<threadpool::ThreadPool>);

impl Executor for ThreadPool {
    fn name(&self) -> String {
        "threadpool".into()
    }

    fn execute(&self, job: Job) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .execute(job);
    }

    fn shutdown(&self) {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).join();
    }
}
