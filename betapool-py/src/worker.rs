//! What a pool worker does with one Python work item: take the GIL with the worker's kept
//! thread state, timing the wait; run the item; record its metrics; resolve its future.
//!
//! The item is the package's `_WorkItem`: its `_run()` returns `None` when its future was
//! cancelled while queued, or `(ok, value, wall_s, cpu_s)`, the call's outcome and its own
//! wall and thread-CPU time. The metrics are recorded before the future is resolved, so a
//! caller woken by the result already sees the task counted.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use betapool_adaptive::LockWaitReporter;
use betapool_metrics::{MetricsCollector, TaskSample};
use pyo3::prelude::*;

use crate::{exit, thread_state};

/// What every task of one executor shares: its metrics and where to report GIL waits.
#[derive(Debug)]
pub(crate) struct TaskBook {
    pub(crate) started: Instant,
    pub(crate) collector: Mutex<MetricsCollector>,
    /// The adaptive controller's reporter; `None` for a static pool, which sizes nothing.
    pub(crate) reporter: Option<LockWaitReporter>,
}

impl TaskBook {
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, MetricsCollector> {
        self.collector
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// Runs `item` on the calling worker thread.
pub(crate) fn run(item: Py<PyAny>, book: &TaskBook) {
    // The call is a visit to Python that the interpreter's exit waits for (`exit::visit`): a
    // pool that was garbage-collected keeps running what it had, and a worker that took the GIL
    // back from a call after finalization had begun would be killed inside these Rust frames.
    let Some(_visit) = exit::visit() else {
        // The reference cannot be dropped without the GIL; the process is ending anyway.
        std::mem::forget(item);
        return;
    };
    // The wait for the GIL is time this worker spends queued behind other Python threads:
    // contention, not blocking. It counts from here until the GIL is held.
    let waiting = book.reporter.as_ref().map(|r| r.begin_wait());
    let ran = Python::try_attach(|py| {
        drop(waiting);
        thread_state::keep(py);
        let bound = item.bind(py);
        if let Err(e) = run_attached(py, bound, book) {
            // A failure of the package's own plumbing, not of the task (whose exceptions go
            // to its future): report it where Python reports errors nobody can catch.
            e.write_unraisable(py, Some(bound));
        }
    });
    if ran.is_none() {
        std::mem::forget(item);
    }
}

fn run_attached(py: Python<'_>, item: &Bound<'_, PyAny>, book: &TaskBook) -> PyResult<()> {
    let outcome = item.call_method0("_run")?;
    if outcome.is_none() {
        return Ok(());
    }
    let (ok, value, wall_s, cpu_s): (bool, Bound<'_, PyAny>, f64, f64) = outcome.extract()?;
    let wall = Duration::try_from_secs_f64(wall_s).unwrap_or_default();
    let cpu = Duration::try_from_secs_f64(cpu_s).ok();
    {
        let mut collector = book.lock();
        let id = collector.total_recorded() + 1;
        let at = book.started.elapsed();
        let sample = if ok {
            TaskSample::success(id, wall, cpu, at)
        } else {
            let message = value.str().map(|s| s.to_string()).unwrap_or_default();
            TaskSample::failure(id, wall, cpu, at, message)
        };
        collector.record(sample);
    }
    let future = item.getattr("future")?;
    if ok {
        future.call_method1("set_result", (value,))?;
    } else {
        future.call_method1("set_exception", (value,))?;
    }
    // Break the item's references to the call and its result now, under the GIL.
    item.call_method0("_clear")?;
    let _ = py;
    Ok(())
}
