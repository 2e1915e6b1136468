//! A task: a boxed closure in the queue that either runs once or is cancelled once, and, for a
//! spawned task, the `JoinHandle<T>` the caller joins its result through, by blocking or by
//! `.await`. Both halves live here because each is the other's proof: the queue's `Job` is the
//! only writer of the result its handle reads.
//!
//! Running and cancelling both consume the box, so "runs at most once" is a type-level fact. A
//! fire-and-forget task (`execute`) is a `Detached`; a task with a result is a `Job`.
//!
//! The task (`Job`) and its handle share one cell. The task's side, `Completion`, writes the
//! result exactly once; the handle takes it out exactly once. Ownership makes "the output is
//! dropped exactly once" hold by construction: the output lives in the cell until the handle
//! takes it, or until the last of the two sides lets go of the cell. A job dropped without
//! running or being cancelled (which the engine never does, but a panic unwinding through the
//! queue might) resolves its handle as cancelled from `Drop`, so no handle is left hanging.

use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::sync::PoisonError;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use crate::error::JoinError;
use crate::loom::sync::atomic::{AtomicBool, Ordering};
use crate::loom::sync::{Arc, Condvar, Mutex, MutexGuard};

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

/// The state behind one task's result.
struct Cell<T> {
    slot: Mutex<Slot<T>>,
    /// Signalled when the result is written, for blocking joiners.
    ready: Condvar,
    /// Set (Release) after the result is written, so `is_finished` needs no lock.
    done: AtomicBool,
}

struct Slot<T> {
    result: Option<Result<T, JoinError>>,
    /// The waker of the last `poll` that returned `Pending`.
    waker: Option<Waker>,
    /// How many threads are blocked in `join`/`join_timeout`; avoids a needless notify.
    blocked: usize,
    /// The result has been handed to the caller.
    taken: bool,
}

impl<T> Cell<T> {
    fn lock(&self) -> MutexGuard<'_, Slot<T>> {
        // A panic cannot happen while the slot is locked (no user code runs under it), but
        // ignoring poison keeps that true even if it one day could.
        self.slot.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Creates the two sides of a task's result.
fn pair<T>() -> (Completion<T>, JoinHandle<T>) {
    let cell = Arc::new(Cell {
        slot: Mutex::new(Slot {
            result: None,
            waker: None,
            blocked: 0,
            taken: false,
        }),
        ready: Condvar::new(),
        done: AtomicBool::new(false),
    });
    (Completion { cell: cell.clone() }, JoinHandle { cell })
}

/// The task's side: writes the result once.
struct Completion<T> {
    cell: Arc<Cell<T>>,
}

impl<T> Completion<T> {
    /// Stores the result and wakes whoever waits for it.
    fn complete(self, result: Result<T, JoinError>) {
        let waker = {
            let mut slot = self.cell.lock();
            slot.result = Some(result);
            // Release pairs with the Acquire in `is_finished`: a caller that sees `true` and then
            // locks the slot finds the result there.
            self.cell.done.store(true, Ordering::Release);
            if slot.blocked > 0 {
                self.cell.ready.notify_all();
            }
            slot.waker.take()
        };
        // Wake outside the lock: the waker may run user code (an executor's schedule hook).
        if let Some(w) = waker {
            w.wake();
        }
    }
}

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
    /// The task that runs `f`, and the handle to its result.
    pub(crate) fn new(f: F) -> (Job<F, T>, JoinHandle<T>) {
        let (completion, handle) = pair();
        let job = Job {
            f: Some(f),
            completion: Some(completion),
        };
        (job, handle)
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

/// A handle to a task spawned on a pool.
///
/// `join` blocks until the task is done, `join_timeout` gives up after a while and hands the
/// handle back, `is_finished` asks without blocking, and the handle is a [`Future`], so any
/// async runtime can `.await` it. Dropping the handle detaches the task: it still runs, and its
/// output is dropped when it finishes.
///
/// ```
/// let pool = betapool_core::Builder::new().max_workers(2).build()?;
/// let handle = pool.spawn(|| 6 * 7);
/// assert_eq!(handle.join()?, 42);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct JoinHandle<T> {
    cell: Arc<Cell<T>>,
}

impl<T> JoinHandle<T> {
    /// A handle that is already resolved as cancelled, for a task the pool refused.
    pub(crate) fn cancelled() -> JoinHandle<T> {
        let (completion, handle) = pair();
        completion.complete(Err(JoinError::cancelled()));
        handle
    }

    /// Whether the task has finished (returned, panicked or been cancelled).
    ///
    /// ```
    /// let pool = betapool_core::Builder::new().build()?;
    /// let (tx, rx) = std::sync::mpsc::channel::<()>();
    /// let handle = pool.spawn(move || rx.recv().is_ok());
    /// assert!(!handle.is_finished()); // waiting on the channel
    /// tx.send(()).unwrap();
    /// assert!(handle.join()?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_finished(&self) -> bool {
        self.cell.done.load(Ordering::Acquire)
    }

    /// Blocks until the task is done and returns its output, or why there is none.
    ///
    /// ```
    /// let pool = betapool_core::Builder::new().build()?;
    /// let err = pool.spawn(|| panic!("boom")).join().unwrap_err();
    /// assert!(err.is_panic());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn join(self) -> Result<T, JoinError> {
        let mut slot = self.cell.lock();
        slot.blocked += 1;
        while slot.result.is_none() {
            slot = self
                .cell
                .ready
                .wait(slot)
                .unwrap_or_else(PoisonError::into_inner);
        }
        slot.blocked -= 1;
        take(&mut slot)
    }

    /// Waits at most `timeout` for the task. On time-out the handle is handed back inside
    /// [`JoinTimeoutError::Timeout`], so the caller can wait again, poll it, or drop it.
    ///
    /// It is also how to notice a pool deadlocked on itself. A task that waits for another task
    /// of the same pool holds its worker while it waits; when every worker is held that way
    /// and the awaited tasks are still queued behind them (a pool of one worker, or any pool at
    /// its `max_workers`), nothing can start and a plain [`join`](JoinHandle::join) blocks
    /// forever. With `join_timeout` the waiting task gets `Timeout` and can give up (return an
    /// error, or hand the handle back to its caller), which frees its worker for the queued
    /// task. Seen from outside the pool, the signs are a [`Pool::queued`](crate::Pool::queued)
    /// that stays above zero while every worker stays inside its task
    /// ([`WorkerStats::in_task_for`](crate::WorkerStats::in_task_for) keeps growing) and no
    /// task completes. Growing the pool with [`Pool::set_target`](crate::Pool::set_target)
    /// also breaks the cycle while it is below `max_workers`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_core::JoinTimeoutError;
    ///
    /// let pool = betapool_core::Builder::new().build()?;
    /// let (tx, rx) = std::sync::mpsc::channel::<()>();
    /// let handle = pool.spawn(move || rx.recv().is_ok());
    /// let handle = match handle.join_timeout(Duration::from_millis(10)) {
    ///     Err(JoinTimeoutError::Timeout(h)) => h, // still blocked on the channel
    ///     other => panic!("unexpected: {other:?}"),
    /// };
    /// tx.send(()).unwrap();
    /// assert!(handle.join()?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn join_timeout(self, timeout: Duration) -> Result<T, JoinTimeoutError<T>> {
        let deadline = Instant::now().checked_add(timeout);
        {
            let mut slot = self.cell.lock();
            slot.blocked += 1;
            while slot.result.is_none() {
                let now = Instant::now();
                let left = match deadline {
                    Some(d) if d > now => d - now,
                    Some(_) => break,
                    // A timeout so long it overflows `Instant` means "forever".
                    None => Duration::from_secs(3600),
                };
                slot = self
                    .cell
                    .ready
                    .wait_timeout(slot, left)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
            slot.blocked -= 1;
            if slot.result.is_some() {
                return take(&mut slot).map_err(JoinTimeoutError::Join);
            }
        }
        Err(JoinTimeoutError::Timeout(self))
    }
}

fn take<T>(slot: &mut Slot<T>) -> Result<T, JoinError> {
    match slot.result.take() {
        Some(r) => {
            slot.taken = true;
            r
        }
        // Unreachable through the public API: `join` consumes the handle and `poll` after
        // `Ready` is a contract violation of `Future`.
        None => panic!("JoinHandle polled after it returned Ready"),
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut slot = self.cell.lock();
        if slot.result.is_some() || slot.taken {
            return Poll::Ready(take(&mut slot));
        }
        // Keep the newest waker; skip the clone when the task is polled by the same one.
        match &slot.waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => slot.waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("finished", &self.is_finished())
            .finish()
    }
}

/// Why `join_timeout` returned without an output.
pub enum JoinTimeoutError<T> {
    /// The task did not finish in time; here is its handle back.
    Timeout(JoinHandle<T>),
    /// The task finished without an output (panicked or was cancelled).
    Join(JoinError),
}

impl<T> JoinTimeoutError<T> {
    /// Whether the wait timed out (as opposed to the task failing).
    pub fn is_timeout(&self) -> bool {
        matches!(self, JoinTimeoutError::Timeout(_))
    }
}

impl<T> fmt::Debug for JoinTimeoutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JoinTimeoutError::Timeout(_) => f.write_str("Timeout(..)"),
            JoinTimeoutError::Join(e) => f.debug_tuple("Join").field(e).finish(),
        }
    }
}

impl<T> fmt::Display for JoinTimeoutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JoinTimeoutError::Timeout(_) => f.write_str("the task did not finish in time"),
            JoinTimeoutError::Join(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl<T> std::error::Error for JoinTimeoutError<T> {}
