//! Admission: how a submitted task gets into the queue, or why it does not.
//!
//! A submission passes the gate (refused once shutdown has closed it), reserves a slot in the
//! queue, and is pushed; the submitter then wakes an idle worker if there is one and leaves the
//! gate. When a bounded queue is full the pool's `RejectionPolicy` decides: refuse the task, run
//! it on the caller, or block the caller until a worker takes a task (`take`) and makes room.
//!
//! Two store-buffering pairs of `SeqCst` fences keep wake-ups from being lost: `push` against a
//! parking worker (`park`, in `worker.rs`, whose module documentation tells the whole protocol),
//! and `take` against a submitter blocking for room (`wait_for_space`). The last submitter out of
//! a closed gate wakes everyone, so a worker waiting for the gate to drain always gets to exit.

use std::sync::PoisonError;

use crate::error::SpawnErrorKind;
use crate::loom::sync::atomic::{Ordering, fence};

use super::counters::PoolCounters;
use super::queue::{Inside, Left, Reserve};
use super::rejection::RejectionPolicy;
use super::shared::{Idle, SaturationFn, Shared};
use super::task::{Outcome, Task};

/// How a submission is admitted.
pub(crate) enum Admission {
    /// Push it (`Shared::push`); the submitter is inside the gate with a queue slot reserved.
    Queue(Inside),
    /// Run it on the caller (`RejectionPolicy::CallerRuns`, or `Block` from a worker of this
    /// pool, which would otherwise wait on itself).
    RunHere,
    /// Refuse it; it has been counted as rejected.
    Rejected(SpawnErrorKind),
}

impl Shared {
    /// Counts a submission and decides how it is admitted.
    pub(crate) fn admit(&self) -> Admission {
        PoolCounters::bump(&self.counters.submitted);
        let admission = self.admit_uncounted();
        if let Admission::Rejected(_) = admission {
            PoolCounters::bump(&self.counters.rejected);
        }
        admission
    }

    fn admit_uncounted(&self) -> Admission {
        loop {
            let inside = match self.gate.enter() {
                Ok(inside) => inside,
                Err(left) => {
                    if left == Left::LastOut {
                        self.wake_all();
                    }
                    return Admission::Rejected(self.shut_down());
                }
            };
            if self.queue.reserve() == Reserve::Reserved {
                return Admission::Queue(inside);
            }
            self.leave_gate(inside);
            match self.config.rejection {
                RejectionPolicy::Reject => {
                    return Admission::Rejected(SpawnErrorKind::Full {
                        pool: self.config.name.clone(),
                        capacity: self.queue.capacity().unwrap_or(usize::MAX),
                    });
                }
                RejectionPolicy::CallerRuns => return Admission::RunHere,
                // A worker that blocked on its own pool's full queue could wait for itself.
                RejectionPolicy::Block if self.on_own_worker() => return Admission::RunHere,
                RejectionPolicy::Block => {
                    if !self.wait_for_space() {
                        return Admission::Rejected(self.shut_down());
                    }
                }
            }
        }
    }

    fn shut_down(&self) -> SpawnErrorKind {
        SpawnErrorKind::Shutdown {
            pool: self.config.name.clone(),
        }
    }

    /// Pushes an admitted task and wakes a worker if one is idle. `inside` proves the gate was
    /// passed and is left after the push.
    pub(crate) fn push(&self, task: Task, inside: Inside) {
        self.queue.push(task);
        // SeqCst fence: pairs with the one in `park` (see `worker.rs`).
        fence(Ordering::SeqCst);
        if self.idle_count.load(Ordering::SeqCst) > 0 {
            let mut st = self.lock();
            self.wake_locked(&mut st, Idle::Newest);
        } else if self.saturation_armed.load(Ordering::Relaxed) {
            self.saturated();
        }
        self.leave_gate(inside);
    }

    /// Counts a task that ran on the submitting thread.
    pub(crate) fn count_caller_run(&self, outcome: Outcome) {
        let c = &self.counters;
        PoolCounters::bump(match outcome {
            Outcome::Completed => &c.completed,
            Outcome::Panicked => &c.panicked,
        });
    }

    /// The last submitter out of a closed gate wakes the workers waiting for it to drain.
    fn leave_gate(&self, inside: Inside) {
        if self.gate.leave(inside) == Left::LastOut {
            self.wake_all();
        }
    }

    /// Takes the oldest queued task, if any, and lets a submitter blocked on a full bounded
    /// queue in.
    pub(crate) fn take(&self) -> Option<Task> {
        let task = self.queue.pop()?;
        if self.queue.capacity().is_some() {
            // SeqCst fence: pairs with the one in `wait_for_space`.
            fence(Ordering::SeqCst);
            if self.blocked_submitters.load(Ordering::SeqCst) > 0 {
                let _st = self.lock();
                self.space.notify_one();
            }
        }
        Some(task)
    }

    /// Waits until the bounded queue may have room or the pool is shutting down.
    /// Returns `false` if the pool is shutting down.
    fn wait_for_space(&self) -> bool {
        let mut st = self.lock();
        self.blocked_submitters.fetch_add(1, Ordering::SeqCst);
        // SeqCst fence: pairs with the one in `take`. Either the worker's read sees this
        // submitter registered (and notifies under the lock, which this submitter holds until it
        // waits), or this submitter's read of the queue length sees the slot that worker freed.
        fence(Ordering::SeqCst);
        let capacity = self.queue.capacity().unwrap_or(usize::MAX);
        if st.shutdown.is_none() && !self.gate.is_closed() && self.queue.len() >= capacity {
            st = self.space.wait(st).unwrap_or_else(PoisonError::into_inner);
        }
        self.blocked_submitters.fetch_sub(1, Ordering::SeqCst);
        st.shutdown.is_none() && !self.gate.is_closed()
    }

    /// Leaves `f` to be called by the next submitter that finds no idle worker.
    pub(crate) fn on_next_saturation(&self, f: SaturationFn) {
        *self
            .on_saturation
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(f);
        self.saturation_armed.store(true, Ordering::Release);
    }

    /// A task was queued with no worker idle: call the waiting `on_saturation`, once.
    #[cold]
    fn saturated(&self) {
        if !self.saturation_armed.swap(false, Ordering::Acquire) {
            return;
        }
        let f = self
            .on_saturation
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(f) = f {
            f();
        }
    }
}
