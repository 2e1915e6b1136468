//! The tasks a pool is running now, with their names and start times, for the stats snapshot.
//!
//! Each task submitted through the group is wrapped: it registers itself when a worker starts
//! it and removes itself when it ends, however it ends (a guard, so a panic unregisters too).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde::Serialize;

/// One task running now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunningTask {
    /// The name given at submission (`spawn_named_in`), or `task-<id>`.
    pub name: String,
    /// How long it has been running, in seconds.
    pub running_s: f64,
}

/// The running tasks of one pool.
#[derive(Debug, Default)]
pub(crate) struct Running {
    next_id: AtomicU64,
    tasks: Mutex<HashMap<u64, (Arc<str>, Instant)>>,
}

impl Running {
    /// A fresh id for a task about to be submitted.
    pub(crate) fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Registers task `id` as started; the guard unregisters it when dropped.
    pub(crate) fn start(self: &Arc<Self>, id: u64, name: Arc<str>) -> RunningGuard {
        self.lock().insert(id, (name, Instant::now()));
        RunningGuard {
            running: Arc::clone(self),
            id,
        }
    }

    /// The tasks running now, longest-running first.
    pub(crate) fn snapshot(&self) -> Vec<RunningTask> {
        let now = Instant::now();
        let mut tasks: Vec<(Duration, RunningTask)> = self
            .lock()
            .values()
            .map(|(name, since)| {
                let d = now.saturating_duration_since(*since);
                (
                    d,
                    RunningTask {
                        name: name.to_string(),
                        running_s: d.as_secs_f64(),
                    },
                )
            })
            .collect();
        tasks.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.name.cmp(&b.1.name)));
        tasks.into_iter().map(|(_, t)| t).collect()
    }

    /// How many tasks are running now.
    pub(crate) fn count(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, (Arc<str>, Instant)>> {
        self.tasks.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Unregisters a running task when the task ends, by return or by panic.
#[derive(Debug)]
pub(crate) struct RunningGuard {
    running: Arc<Running>,
    id: u64,
}

impl Drop for RunningGuard {
    fn drop(&mut self) {
        self.running.lock().remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_is_listed_while_it_runs_and_gone_after_even_if_it_panics() {
        let running = Arc::new(Running::default());
        let a = running.start(running.next_id(), "embed".into());
        let b = running.start(running.next_id(), "rerank".into());
        let names: Vec<String> = running.snapshot().into_iter().map(|t| t.name).collect();
        assert_eq!(names, ["embed", "rerank"], "longest-running first");
        drop(a);
        assert_eq!(running.count(), 1);
        let r = Arc::clone(&running);
        let panicked = std::panic::catch_unwind(move || {
            let _g = b;
            let _keep = &r;
            panic!("task failed");
        });
        assert!(panicked.is_err());
        assert_eq!(running.count(), 0);
        assert!(running.snapshot().is_empty());
    }
}
