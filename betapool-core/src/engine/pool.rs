//! `Pool`: the handle users hold. Submission, resizing, introspection and shutdown.

use std::fmt;
use std::time::Duration;

use crate::error::{BuildError, ResizeError, ShutdownTimeout, SpawnError};
use crate::loom::sync::Arc;

use super::admission::Admission;
use super::builder::Builder;
use super::counters::{Counters, WorkerStats};
use super::shared::{Config, Grow, Shared, ShutdownMode};
use super::task::{Detached, Job, JoinHandle, Runnable};

/// A pool of worker threads whose size can change at any moment.
///
/// The pool never decides its own size: [`set_target`](Pool::set_target) does, called by a
/// controller (the adaptive executor) or by you. Growing starts threads at once; shrinking
/// retires idle workers first and never strands a queued task.
///
/// Dropping the pool begins a graceful shutdown without waiting for it (queued tasks still
/// run, then the threads end), which is safe even from inside one of its own tasks. Call
/// [`shutdown`](Pool::shutdown) to wait.
///
/// ```
/// let pool = betapool_core::Builder::new().workers(4).build()?;
/// let handles: Vec<_> = (0..100u64).map(|i| pool.spawn(move || i * i)).collect();
/// let sum: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
/// assert_eq!(sum, 328_350);
/// pool.shutdown();
/// # Ok::<(), betapool_core::BuildError>(())
/// ```
pub struct Pool {
    shared: Arc<Shared>,
}

impl Pool {
    /// A [`Builder`] with the defaults.
    pub fn builder() -> Builder {
        Builder::new()
    }

    pub(crate) fn start(
        config: Config,
        capacity: Option<usize>,
        id: usize,
        initial: usize,
    ) -> Result<Pool, BuildError> {
        let pool = Pool {
            shared: Arc::new(Shared::new(config, capacity, id)),
        };
        if let Err(e) = pool.set_target(initial) {
            pool.shutdown_now();
            return Err(e.into_build_error());
        }
        Ok(pool)
    }

    /// Runs `f` on the pool and returns a handle to its result.
    ///
    /// If the pool is shut down, or its bounded queue is full under
    /// [`RejectionPolicy::Reject`](crate::RejectionPolicy::Reject), `f` is dropped and the
    /// handle resolves as cancelled; use [`try_spawn`](Pool::try_spawn) to get `f` back instead.
    ///
    /// ```
    /// let pool = betapool_core::Builder::new().build()?;
    /// assert_eq!(pool.spawn(|| "done").join()?, "done");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn spawn<F, T>(&self, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        match self.try_spawn(f) {
            Ok(handle) => handle,
            Err(rejected) => {
                drop(rejected.into_inner());
                JoinHandle::cancelled()
            }
        }
    }

    /// Runs `f` on the pool, or hands it back inside the error if the pool is shut down or its
    /// bounded queue is full.
    ///
    /// ```
    /// let pool = betapool_core::Builder::new().build()?;
    /// let handle = pool.try_spawn(|| 1 + 1).map_err(|e| e.to_string())?;
    /// assert_eq!(handle.join()?, 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn try_spawn<F, T>(&self, f: F) -> Result<JoinHandle<T>, SpawnError<F>>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        match self.shared.admit() {
            Admission::Queue(inside) => {
                let (job, handle) = Job::new(f);
                self.shared.push(Box::new(job), inside);
                Ok(handle)
            }
            Admission::RunHere => {
                let (job, handle) = Job::new(f);
                job.run_here(&|o| self.shared.count_caller_run(o));
                Ok(handle)
            }
            Admission::Rejected(kind) => Err(SpawnError::new(kind, f)),
        }
    }

    /// Runs `f` on the pool without a handle (fire and forget). A panic in `f` is caught and
    /// counted. If the task is refused, `f` is handed back.
    ///
    /// ```
    /// let pool = betapool_core::Builder::new().build()?;
    /// let (tx, rx) = std::sync::mpsc::channel();
    /// pool.execute(move || tx.send(7).unwrap()).map_err(|e| e.to_string())?;
    /// assert_eq!(rx.recv()?, 7);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn execute<F>(&self, f: F) -> Result<(), SpawnError<F>>
    where
        F: FnOnce() + Send + 'static,
    {
        match self.shared.admit() {
            Admission::Queue(inside) => {
                self.shared.push(Box::new(Detached { f }), inside);
                Ok(())
            }
            Admission::RunHere => {
                Box::new(Detached { f }).run(&|o| self.shared.count_caller_run(o));
                Ok(())
            }
            Admission::Rejected(kind) => Err(SpawnError::new(kind, f)),
        }
    }

    /// Sets the number of workers the pool should have, clamped to `[min_workers, max_workers]`,
    /// and returns the target it set. Growing starts the new threads before returning;
    /// shrinking retires surplus workers as soon as they are between tasks.
    ///
    /// ```
    /// let pool = betapool_core::Builder::new().min_workers(1).max_workers(8).workers(2).build()?;
    /// assert_eq!(pool.set_target(100)?, 8); // clamped
    /// assert_eq!(pool.live_workers(), 8);
    /// pool.set_target(1)?;
    /// assert_eq!(pool.target(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn set_target(&self, n: usize) -> Result<usize, ResizeError> {
        let shared = &self.shared;
        let target = shared.clamp_target(n);
        let slots = shared
            .retarget(target)
            .map_err(|_| ResizeError::shutdown(shared.name()))?;
        if slots.is_empty() {
            return Ok(target);
        }
        shared.add_pending(slots);
        match shared.finish_growth() {
            None => Ok(target),
            Some(refusal) => Err(shared.resize_error(refusal, target)),
        }
    }

    /// Asks the pool to call `f` once, on the next submitting thread that queues a task while
    /// no worker is idle: the first sign of more load than the workers can take. A new request
    /// replaces one not yet called. A controller that looks at an idle pool only every few
    /// milliseconds uses it to wake at once when load arrives. It costs the submit path one
    /// relaxed load, and only when no worker is idle.
    ///
    /// `f` runs on the submitting thread, inside `spawn` or `execute`: keep it short (a
    /// notification), and never submit to this pool from it.
    ///
    /// ```
    /// use std::sync::mpsc;
    /// let pool = betapool_core::Builder::new().workers(1).build()?;
    /// let (tx, rx) = mpsc::channel();
    /// pool.on_next_saturation(move || tx.send("saturated").unwrap());
    /// let (hold, release) = mpsc::channel::<()>();
    /// let busy = pool.spawn(move || release.recv().ok()); // the only worker is taken...
    /// while pool.idle_workers() > 0 { std::thread::yield_now(); }
    /// let queued = pool.spawn(|| ());                    // ...so this one waits in the queue
    /// assert_eq!(rx.recv()?, "saturated");
    /// drop(hold);
    /// busy.join()?;
    /// queued.join()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn on_next_saturation(&self, f: impl FnOnce() + Send + 'static) {
        self.shared.on_next_saturation(Box::new(f));
    }

    /// Like [`set_target`](Self::set_target), but returns as soon as a growth is under way
    /// instead of once every new thread has started: the caller starts the first new thread,
    /// and each new worker starts more before its first task until all are started. For a
    /// controller, which must keep measuring while hundreds of threads start (each start takes
    /// tens to hundreds of microseconds while the cores are busy).
    ///
    /// A thread the OS refuses while starting in the background is reported by the next call
    /// of this method or of `set_target`; the slots of a refused growth are released, so
    /// `live_workers` never counts a thread that does not exist once the growth has settled.
    ///
    /// ```
    /// let pool = betapool_core::Builder::new().min_workers(1).max_workers(8).workers(1).build()?;
    /// assert_eq!(pool.request_target(6)?, 6);
    /// assert_eq!(pool.target(), 6);
    /// pool.shutdown(); // waits for every thread, started in the background or not
    /// assert_eq!(pool.live_workers(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn request_target(&self, n: usize) -> Result<usize, ResizeError> {
        let shared = &self.shared;
        let target = shared.clamp_target(n);
        let slots = shared
            .retarget(target)
            .map_err(|_| ResizeError::shutdown(shared.name()))?;
        if !slots.is_empty() {
            shared.add_pending(slots);
            shared.spawn_pending();
        }
        match shared.take_spawn_failure() {
            None => Ok(target),
            Some(refusal) => Err(shared.resize_error(refusal, target)),
        }
    }

    /// The pool's name (its thread-name prefix).
    pub fn name(&self) -> &str {
        self.shared.name()
    }

    /// The number of workers the pool is steering towards.
    pub fn target(&self) -> usize {
        self.shared.target()
    }

    /// Workers alive now (may differ from the target while growing or shrinking).
    pub fn live_workers(&self) -> usize {
        self.shared.live()
    }

    /// Threads whose spawn is decided but not yet recorded, for the loom models.
    #[cfg(all(test, loom))]
    pub(crate) fn spawns_in_progress(&self) -> usize {
        self.shared.spawns_in_progress()
    }

    /// Worker slots reserved and not yet given back, for the loom models.
    #[cfg(all(test, loom))]
    pub(crate) fn slots_in_use(&self) -> usize {
        self.shared.slots_in_use()
    }

    /// Worker threads started and not yet joined, for the loom models.
    #[cfg(all(test, loom))]
    pub(crate) fn unjoined_threads(&self) -> usize {
        self.shared.unjoined_threads()
    }

    /// Workers parked with nothing to do.
    pub fn idle_workers(&self) -> usize {
        self.shared.idle()
    }

    /// Tasks accepted and not yet taken by a worker.
    pub fn queued(&self) -> usize {
        self.shared.queued()
    }

    /// The lower bound of `set_target`.
    pub fn min_workers(&self) -> usize {
        self.shared.min_workers()
    }

    /// The upper bound of `set_target`.
    pub fn max_workers(&self) -> usize {
        self.shared.max_workers()
    }

    /// The bound of the queue, if it has one.
    pub fn queue_capacity(&self) -> Option<usize> {
        self.shared.queue_capacity()
    }

    /// A snapshot of the task counters.
    pub fn counters(&self) -> Counters {
        self.shared.counters()
    }

    /// A snapshot of every live worker's counters (busy time, completions, panics, OS thread
    /// id), for a controller to difference between ticks.
    pub fn worker_stats(&self) -> Vec<WorkerStats> {
        self.shared.worker_stats()
    }

    /// Whether shutdown has begun (new tasks are refused).
    pub fn is_shutdown(&self) -> bool {
        self.shared.is_shutdown()
    }

    /// Refuses new tasks, runs every task already accepted, and waits for the worker threads to
    /// end. Idempotent. Called from one of the pool's own tasks, it waits for every other worker
    /// and leaves its own thread to end after the task returns.
    pub fn shutdown(&self) {
        self.shared.begin_shutdown(ShutdownMode::Graceful);
        self.wait_and_join(None);
    }

    /// Refuses new tasks, cancels every queued one (their handles resolve as cancelled), lets
    /// running tasks finish, and waits for the worker threads to end.
    pub fn shutdown_now(&self) {
        self.shared.begin_shutdown(ShutdownMode::Now);
        self.shared.cancel_queued();
        self.wait_and_join(None);
    }

    /// Like [`shutdown`](Pool::shutdown) but waits at most `timeout`. If workers are still busy
    /// then (a task that never returns, say), the error reports how many; they are left to end
    /// on their own.
    ///
    /// ```
    /// use std::time::Duration;
    /// let pool = betapool_core::Builder::new().workers(1).build()?;
    /// let (tx, rx) = std::sync::mpsc::channel::<()>();
    /// let _h = pool.spawn(move || { let _ = rx.recv(); });
    /// let err = pool.shutdown_timeout(Duration::from_millis(50)).unwrap_err();
    /// assert_eq!(err.still_running(), 1);
    /// drop(tx); // lets the stuck task end
    /// # Ok::<(), betapool_core::BuildError>(())
    /// ```
    pub fn shutdown_timeout(&self, timeout: Duration) -> Result<(), ShutdownTimeout> {
        self.shared.begin_shutdown(ShutdownMode::Graceful);
        let live = self.wait_and_join(Some(timeout));
        if live == 0 {
            Ok(())
        } else {
            Err(ShutdownTimeout::new(self.name(), live, self.queued()))
        }
    }

    fn wait_and_join(&self, timeout: Option<Duration>) -> usize {
        let keep = usize::from(self.shared.on_own_worker());
        let live = self.shared.wait_exited(keep, timeout);
        for handle in self.shared.take_exited_threads() {
            // A worker thread cannot panic (tasks and hooks are caught), so there is nothing
            // to report from `join`.
            let _ = handle.join();
        }
        live.saturating_sub(keep)
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        // Signal only: waiting here could deadlock when the last reference is dropped inside
        // one of the pool's own tasks, and would surprise a caller dropping a busy pool.
        self.shared.begin_shutdown(ShutdownMode::Graceful);
    }
}

impl fmt::Debug for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("name", &self.name())
            .field("target", &self.target())
            .field("live", &self.live_workers())
            .field("idle", &self.idle_workers())
            .field("queued", &self.queued())
            .field("shutdown", &self.is_shutdown())
            .finish()
    }
}
