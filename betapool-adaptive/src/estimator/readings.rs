//! The plain readings the sampler hands to the estimator: what the engine and the kernel said
//! at one tick, as values, so the estimator can be driven by constructed or recorded readings.
//!
//! Every reading of a tick is taken at the tick's one instant, given to
//! [`Estimator::begin`](super::Estimator::begin) as the time since the sampler started; the
//! readings themselves carry no time.

use std::time::Duration;

use crate::signal::task_state::TaskState;

/// What the engine says of one worker at this tick (its `WorkerStats`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WorkerReading {
    /// The worker's slot number; a slot is reused by a new thread after a shrink and a growth.
    pub(crate) index: usize,
    /// The worker's kernel thread id, where known: readings are kept per thread, so a new
    /// thread in an old slot starts over.
    pub(crate) tid: Option<u64>,
    /// Wall time the worker has spent running tasks up to this tick, the running task included.
    pub(crate) busy: Duration,
    /// How long the task the worker is running now has run, or `None` between tasks.
    pub(crate) in_task_for: Option<Duration>,
}

/// One reading of a worker's thread CPU clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ClockReading {
    /// The engine's counters of the worker, read at the same tick.
    pub(crate) worker: WorkerReading,
    /// The thread's CPU clock, `None` where it could not be read.
    pub(crate) cpu: Option<Duration>,
    /// The kernel's scheduler state of the thread. It costs a file read, so it is read only
    /// when [`Tick::wants_task_state`](super::Tick::wants_task_state) asks for it, and is
    /// `None` otherwise (or where unknown).
    pub(crate) task_state: Option<TaskState>,
}

/// One reading of a worker's `schedstat`: its CPU time and run-queue delay, both from the
/// kernel's scheduler and so over the same window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DelayReading {
    /// The engine's counters of the worker, read at the same tick.
    pub(crate) worker: WorkerReading,
    /// Time the thread has spent on a CPU.
    pub(crate) on_cpu: Duration,
    /// Time the thread has spent runnable, waiting for a CPU.
    pub(crate) run_delay: Duration,
}

/// What the engine and the process say at the end of a tick, passed through to the
/// `Observation` or turned into rates there.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct PoolReading {
    /// Live worker threads.
    pub(crate) current_threads: usize,
    /// The size the pool is heading for.
    pub(crate) target: usize,
    /// The pool's lower bound.
    pub(crate) min_threads: usize,
    /// The pool's upper bound.
    pub(crate) max_threads: usize,
    /// Workers parked with nothing to do.
    pub(crate) idle_threads: usize,
    /// Tasks waiting in the queue.
    pub(crate) queued: usize,
    /// Tasks finished since the pool started, panicked ones included.
    pub(crate) completed_total: u64,
    /// The process CPU clock, `None` where it could not be read.
    pub(crate) process_cpu: Option<Duration>,
    /// The machine's CPU utilisation in percent, where read (feature `system-cpu`).
    pub(crate) system_cpu_percent: Option<f64>,
    /// Tasks waiting for a lock the workers share, as reported (see `LockWaitReporter`).
    pub(crate) lock_waiting: usize,
    /// All the lock waiting tasks have reported so far (see `LockWaitReporter::total`).
    pub(crate) lock_waited: Duration,
}
