//! The handles the shared executors return: futures any async runtime can `.await`, which can
//! also be waited on by blocking, and which resolve to the task's output or a [`TaskError`].

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use betapool_instrumented::{JoinError, JoinHandle};

use crate::TaskError;

/// One task's result, to come: `.await` it in any async runtime, or [`wait`](Self::wait) for it.
///
/// Dropping the handle detaches the task: it still runs, and its output is dropped.
///
/// ```
/// use betapool_batch::{CpuExecutors, EnvOverrides};
/// let executors = CpuExecutors::from_env(&EnvOverrides::default())?;
/// let handle = executors.run_in_thread(|| "done");
/// // In async code: `let out = handle.await?;`
/// assert_eq!(handle.wait()?, "done");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use = "a task's handle does nothing unless awaited or waited on; drop it to detach the task"]
pub struct TaskHandle<T> {
    state: State<T>,
}

enum State<T> {
    Running {
        handle: JoinHandle<T>,
        pool: &'static str,
    },
    /// Resolved before it ran; kept (not taken) so that polling again never panics.
    Failed(TaskError),
}

impl<T> TaskHandle<T> {
    pub(crate) fn running(handle: JoinHandle<T>, pool: &'static str) -> Self {
        Self {
            state: State::Running { handle, pool },
        }
    }

    pub(crate) fn failed(error: TaskError) -> Self {
        Self {
            state: State::Failed(error),
        }
    }

    /// Blocks this thread until the task is done, and returns its output or why there is none.
    ///
    /// Do not call it from a task of the same pool that waits for a full pool of such tasks:
    /// nothing would be left to run the awaited one.
    ///
    /// ```
    /// # use betapool_batch::{CpuExecutors, EnvOverrides};
    /// let executors = CpuExecutors::from_env(&EnvOverrides::default())?;
    /// assert_eq!(executors.run_cpu(|| 6 * 7).wait()?, 42);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait(self) -> Result<T, TaskError> {
        match self.state {
            State::Running { handle, pool } => handle.join().map_err(|e| task_error(pool, None, e)),
            State::Failed(error) => Err(error),
        }
    }

    /// Whether the task has finished (or never ran), so that [`wait`](Self::wait) would not
    /// block.
    ///
    /// ```
    /// # use betapool_batch::{CpuExecutors, EnvOverrides};
    /// let executors = CpuExecutors::from_env(&EnvOverrides::default())?;
    /// let (tx, rx) = std::sync::mpsc::channel::<()>();
    /// let handle = executors.run_in_thread(move || rx.recv().is_ok());
    /// assert!(!handle.is_finished());
    /// tx.send(()).unwrap();
    /// assert!(handle.wait()?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_finished(&self) -> bool {
        match &self.state {
            State::Running { handle, .. } => handle.is_finished(),
            State::Failed(_) => true,
        }
    }
}

impl<T> Future for TaskHandle<T> {
    type Output = Result<T, TaskError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Every field is `Unpin` (the join handle is a pointer), so the handle is too.
        match &mut self.get_mut().state {
            State::Running { handle, pool } => {
                let pool = *pool;
                Pin::new(handle)
                    .poll(cx)
                    .map(|r| r.map_err(|e| task_error(pool, None, e)))
            }
            State::Failed(error) => Poll::Ready(Err(error.clone())),
        }
    }
}

impl<T> fmt::Debug for TaskHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.state {
            State::Running { handle, pool } => f
                .debug_struct("TaskHandle")
                .field("pool", pool)
                .field("finished", &handle.is_finished())
                .finish(),
            State::Failed(error) => f.debug_tuple("TaskHandle").field(error).finish(),
        }
    }
}

/// The results of a map, to come, in input order: `.await` it in any async runtime, or
/// [`wait`](Self::wait) for it.
///
/// It resolves to every output, or to the error of the first item (in input order) whose task
/// failed. The tasks after that one still run, and their outputs are dropped; so do all of them
/// if the handle is dropped.
///
/// ```
/// use betapool_batch::{CpuExecutors, EnvOverrides};
/// let executors = CpuExecutors::from_env(&EnvOverrides::default())?;
/// let lengths = executors.map_threads(|s: String| s.len(), ["one".to_owned(), "three".to_owned()]);
/// assert_eq!(lengths.wait()?, [3, 5]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use = "a map's handle does nothing unless awaited or waited on; drop it to detach the tasks"]
pub struct MapHandle<T> {
    /// The tasks not yet collected, front first.
    pending: VecDeque<JoinHandle<T>>,
    /// The outputs collected so far, in input order; the next item's index is its length.
    done: Vec<T>,
    pool: &'static str,
    /// Set when the map failed (or could not start); kept so that polling again never panics.
    failed: Option<TaskError>,
}

impl<T> MapHandle<T> {
    pub(crate) fn running(handles: VecDeque<JoinHandle<T>>, pool: &'static str) -> Self {
        Self {
            pending: handles,
            done: Vec::new(),
            pool,
            failed: None,
        }
    }

    pub(crate) fn failed(error: TaskError) -> Self {
        Self {
            pending: VecDeque::new(),
            done: Vec::new(),
            pool: "",
            failed: Some(error),
        }
    }

    /// Blocks this thread until every task is done, and returns the outputs in input order, or
    /// the error of the first item that failed.
    ///
    /// ```
    /// # use betapool_batch::{CpuExecutors, EnvOverrides};
    /// let executors = CpuExecutors::from_env(&EnvOverrides::default())?;
    /// assert_eq!(executors.map_cpu(|x: u8| x * 3, [1, 2]).wait()?, [3, 6]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wait(mut self) -> Result<Vec<T>, TaskError> {
        if let Some(error) = self.failed {
            return Err(error);
        }
        while let Some(handle) = self.pending.pop_front() {
            match handle.join() {
                Ok(output) => self.done.push(output),
                Err(e) => return Err(task_error(self.pool, Some(self.done.len()), e)),
            }
        }
        Ok(self.done)
    }

    /// How many items the map has (collected and still to come).
    ///
    /// ```
    /// # use betapool_batch::{CpuExecutors, EnvOverrides};
    /// let executors = CpuExecutors::from_env(&EnvOverrides::default())?;
    /// assert_eq!(executors.map_threads(|x: u8| x, 0..7).len(), 7);
    /// # Ok::<(), betapool_batch::ConfigError>(())
    /// ```
    pub fn len(&self) -> usize {
        self.done.len() + self.pending.len()
    }

    /// Whether the map has no item.
    ///
    /// ```
    /// # use betapool_batch::{CpuExecutors, EnvOverrides};
    /// let executors = CpuExecutors::from_env(&EnvOverrides::default())?;
    /// let empty = executors.map_threads(|x: u8| x, []);
    /// assert!(empty.is_empty());
    /// assert_eq!(empty.wait()?, Vec::<u8>::new());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

// The outputs are only ever moved, never pinned in place, so the handle may move whatever `T` is
// (a `Vec<T>` alone would be `Unpin` only for an `Unpin` `T`).
impl<T> Unpin for MapHandle<T> {}

impl<T> Future for MapHandle<T> {
    type Output = Result<Vec<T>, TaskError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Some(error) = &this.failed {
            return Poll::Ready(Err(error.clone()));
        }
        // Collect in input order: a later task that finished first waits in its handle.
        while let Some(front) = this.pending.front_mut() {
            match Pin::new(front).poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(output)) => {
                    this.done.push(output);
                    this.pending.pop_front();
                }
                Poll::Ready(Err(e)) => {
                    let error = task_error(this.pool, Some(this.done.len()), e);
                    // The remaining tasks are detached: they run, and their outputs are dropped.
                    this.pending.clear();
                    this.done.clear();
                    this.failed = Some(error.clone());
                    return Poll::Ready(Err(error));
                }
            }
        }
        Poll::Ready(Ok(std::mem::take(&mut this.done)))
    }
}

impl<T> fmt::Debug for MapHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MapHandle")
            .field("pool", &self.pool)
            .field("collected", &self.done.len())
            .field("pending", &self.pending.len())
            .field("failed", &self.failed)
            .finish()
    }
}

/// A task's `JoinError`, named for the pool (and the map item) it came from.
fn task_error(pool: &'static str, item: Option<usize>, error: JoinError) -> TaskError {
    if error.is_panic() {
        TaskError::Panicked {
            pool,
            item,
            message: error.panic_message().map(str::to_owned),
        }
    } else {
        TaskError::Cancelled { pool }
    }
}
