//! A queued unit of work: a boxed closure that either runs once or is cancelled once.
//!
//! The two paths consume the box, so "runs at most once" is a type-level fact. A task with a
//! result is a `Job`, kept in `handle.rs` next to the `JoinHandle` it resolves; a fire-and-forget
//! task is a `Detached`, here.

use std::panic::{AssertUnwindSafe, catch_unwind};

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
