//! A queued unit of work: a boxed closure that either runs once or is cancelled once.
//!
//! The two paths consume the box, so "runs at most once" is a type-level fact. A task that is
//! dropped without either (which the engine never does, but a panic unwinding through the queue
//! might) resolves its handle as cancelled from `Drop`, so no `JoinHandle` is ever left hanging.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::JoinError;

use super::handle::Completion;

/// What running a task came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The closure returned.
    Completed,
    /// The closure panicked; the panic was caught.
    Panicked,
}

/// The object-safe face of a queued closure.
pub(crate) trait Runnable: Send {
    /// Runs the closure on this thread, catching a panic, and reports the outcome to `count`
    /// before the handle (if any) resolves.
    fn run(self: Box<Self>, count: &dyn Fn(Outcome));
    /// Drops the closure without running it; its handle resolves as cancelled.
    fn cancel(self: Box<Self>);
}

/// A boxed task, as it sits in the queue.
pub(crate) type Task = Box<dyn Runnable>;

/// A closure whose result goes to a `JoinHandle`.
pub(crate) struct Job<F, T> {
    f: Option<F>,
    completion: Option<Completion<T>>,
}

impl<F, T> Job<F, T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    pub(crate) fn new(f: F, completion: Completion<T>) -> Job<F, T> {
        Job {
            f: Some(f),
            completion: Some(completion),
        }
    }

    /// Runs the closure here and now (also used by the caller-runs policy).
    pub(crate) fn run_here(mut self, count: &dyn Fn(Outcome)) {
        let Some(f) = self.f.take() else { return };
        let result = catch_unwind(AssertUnwindSafe(f));
        count(if result.is_ok() {
            Outcome::Completed
        } else {
            Outcome::Panicked
        });
        if let Some(c) = self.completion.take() {
            c.complete(result.map_err(JoinError::panic));
        }
    }
}

impl<F, T> Runnable for Job<F, T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    fn run(self: Box<Self>, count: &dyn Fn(Outcome)) {
        (*self).run_here(count);
    }

    fn cancel(mut self: Box<Self>) {
        // Drop the closure first so that its captures are gone before a joiner wakes up.
        drop(self.f.take());
        if let Some(c) = self.completion.take() {
            c.complete(Err(JoinError::cancelled()));
        }
    }
}

impl<F, T> Drop for Job<F, T> {
    fn drop(&mut self) {
        // Only reached with a completion still present if the job was neither run nor
        // cancelled; resolve the handle so that nobody waits forever.
        drop(self.f.take());
        if let Some(c) = self.completion.take() {
            c.complete(Err(JoinError::cancelled()));
        }
    }
}

/// A fire-and-forget closure (`execute`): nobody waits for its result.
pub(crate) struct Detached<F> {
    pub(crate) f: F,
}

impl<F> Runnable for Detached<F>
where
    F: FnOnce() + Send + 'static,
{
    fn run(self: Box<Self>, count: &dyn Fn(Outcome)) {
        let f = self.f;
        match catch_unwind(AssertUnwindSafe(f)) {
            Ok(()) => count(Outcome::Completed),
            Err(payload) => {
                count(Outcome::Panicked);
                // Nobody can receive the payload; drop it here, guarding against a payload whose
                // own destructor panics.
                let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            }
        }
    }

    fn cancel(self: Box<Self>) {}
}
