//! The bookkeeping jobs share during a run: a latency slot per task, counters per phase, and
//! the wake-up of the caller when a phase's last task ends. No lock is taken per task.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The value of a latency slot whose task has not completed (a real latency of 584 years is
/// not expected).
const NOT_COMPLETED: u64 = u64::MAX;

/// The deadline of a run without a time cap.
const NO_DEADLINE: u64 = u64::MAX;

/// How a task ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Its work ran to the end.
    Completed,
    /// It started after the time cap and did nothing.
    Skipped,
    /// It panicked, or the executor dropped it unrun. Also the state of a ticket until its job
    /// reports, so a job that never reports still ends its phase.
    Lost,
}

/// Counters of one phase.
#[derive(Debug)]
struct PhaseCounters {
    /// Tasks not yet finished. Set before the phase's first submission; the task that brings
    /// it to zero wakes the caller.
    remaining: AtomicUsize,
    completed: AtomicU64,
    /// The latest task end, in nanoseconds since the run's start.
    last_end_ns: AtomicU64,
}

/// What every job of a run shares.
#[derive(Debug)]
pub(crate) struct Tracker {
    start: Instant,
    /// When the time cap passes, in nanoseconds since `start`, or `NO_DEADLINE`. Idle pauses
    /// between phases push it back (see [`extend_deadline`](Self::extend_deadline)).
    deadline_ns: AtomicU64,
    /// One slot per task, by global index: its latency in nanoseconds, or `NOT_COMPLETED`.
    latencies_ns: Box<[AtomicU64]>,
    phases: Box<[PhaseCounters]>,
    completed: AtomicU64,
    skipped: AtomicU64,
    /// Tasks that ended in any way, for progress.
    finished: AtomicU64,
    /// How many phases have ended, under the lock the caller waits on.
    phases_done: Mutex<usize>,
    phase_done: Condvar,
}

/// Summary of one phase, read after it ended.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct PhaseTally {
    pub(crate) completed: u64,
    /// The latest task end since the run's start (zero if no task ended).
    pub(crate) last_end: Duration,
}

impl Tracker {
    /// Bookkeeping for phases of `phase_sizes` tasks, timed from `start`; jobs starting at or
    /// after `deadline` skip their work.
    pub(crate) fn new(start: Instant, deadline: Option<Instant>, phase_sizes: &[usize]) -> Tracker {
        let total: usize = phase_sizes.iter().sum();
        Tracker {
            start,
            deadline_ns: AtomicU64::new(
                deadline.map_or(NO_DEADLINE, |d| nanos(d.saturating_duration_since(start))),
            ),
            latencies_ns: (0..total).map(|_| AtomicU64::new(NOT_COMPLETED)).collect(),
            phases: phase_sizes
                .iter()
                .map(|&n| PhaseCounters {
                    remaining: AtomicUsize::new(n),
                    completed: AtomicU64::new(0),
                    last_end_ns: AtomicU64::new(0),
                })
                .collect(),
            completed: AtomicU64::new(0),
            skipped: AtomicU64::new(0),
            finished: AtomicU64::new(0),
            phases_done: Mutex::new(0),
            phase_done: Condvar::new(),
        }
    }

    /// The ticket of task `index` of `phase`, submitted now. Whatever happens to the job that
    /// holds it, dropping it records the task's end exactly once.
    pub(crate) fn ticket(self: &Arc<Self>, index: usize, phase: usize) -> Ticket {
        Ticket {
            tracker: Arc::clone(self),
            index,
            phase,
            submitted: Instant::now(),
            outcome: Outcome::Lost,
        }
    }

    /// Whether the time cap has passed.
    pub(crate) fn expired(&self) -> bool {
        // Relaxed: the deadline only moves while no task of the run is in flight (between
        // phases), and the executor's queue orders each submission after that move.
        let deadline = self.deadline_ns.load(Ordering::Relaxed);
        deadline != NO_DEADLINE && nanos(self.start.elapsed()) >= deadline
    }

    /// The moment the time cap passes, if there is one.
    pub(crate) fn deadline(&self) -> Option<Instant> {
        match self.deadline_ns.load(Ordering::Relaxed) {
            NO_DEADLINE => None,
            ns => self.start.checked_add(Duration::from_nanos(ns)),
        }
    }

    /// Pushes the time cap back by `by` (no effect without one), so that an idle pause does
    /// not count against a run's working time.
    pub(crate) fn extend_deadline(&self, by: Duration) {
        let by = nanos(by);
        // The closure always returns `Some`, so the update cannot fail.
        let _ = self
            .deadline_ns
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |d| {
                Some(if d == NO_DEADLINE {
                    d
                } else {
                    d.saturating_add(by).min(NO_DEADLINE - 1)
                })
            });
    }

    /// Blocks until every task of `phase` (and of every phase before it) has ended.
    pub(crate) fn wait_phase(&self, phase: usize) {
        let mut done = self
            .phases_done
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        while *done <= phase {
            done = self
                .phase_done
                .wait(done)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Tasks ended so far, in any way.
    pub(crate) fn finished(&self) -> u64 {
        self.finished.load(Ordering::Relaxed)
    }

    pub(crate) fn completed(&self) -> u64 {
        self.completed.load(Ordering::Relaxed)
    }

    pub(crate) fn skipped(&self) -> u64 {
        self.skipped.load(Ordering::Relaxed)
    }

    /// The latencies of the completed tasks, sorted. Read after the run has ended.
    pub(crate) fn sorted_latencies(&self) -> Vec<Duration> {
        let mut latencies: Vec<Duration> = self
            .latencies_ns
            .iter()
            .map(|slot| slot.load(Ordering::Relaxed))
            .filter(|&ns| ns != NOT_COMPLETED)
            .map(Duration::from_nanos)
            .collect();
        latencies.sort_unstable();
        latencies
    }

    /// How phase `phase` went. Read after it has ended.
    pub(crate) fn phase_tally(&self, phase: usize) -> PhaseTally {
        let counters = &self.phases[phase];
        PhaseTally {
            completed: counters.completed.load(Ordering::Relaxed),
            last_end: Duration::from_nanos(counters.last_end_ns.load(Ordering::Relaxed)),
        }
    }

    /// Records the end of a task, and wakes the caller if it was its phase's last.
    fn end(&self, ticket: &Ticket) {
        let now = Instant::now();
        match ticket.outcome {
            Outcome::Completed => {
                let latency = nanos(now.saturating_duration_since(ticket.submitted));
                if let Some(slot) = self.latencies_ns.get(ticket.index) {
                    // Each slot has one writer, its own task; the read comes after the phase
                    // ends, which the `AcqRel` countdown below orders after this store.
                    slot.store(latency.min(NOT_COMPLETED - 1), Ordering::Relaxed);
                }
                self.completed.fetch_add(1, Ordering::Relaxed);
                self.phases[ticket.phase]
                    .completed
                    .fetch_add(1, Ordering::Relaxed);
            }
            Outcome::Skipped => {
                self.skipped.fetch_add(1, Ordering::Relaxed);
            }
            Outcome::Lost => {}
        }
        let counters = &self.phases[ticket.phase];
        counters.last_end_ns.fetch_max(
            nanos(now.saturating_duration_since(self.start)),
            Ordering::Relaxed,
        );
        self.finished.fetch_add(1, Ordering::Relaxed);
        // AcqRel: the release half publishes this task's slot and counters; the decrements form
        // one release sequence, so the task that reaches zero (acquire half) has seen every
        // other task's writes, and passes them to the caller through the mutex below.
        if counters.remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
            let mut done = self
                .phases_done
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            *done += 1;
            // The count is changed under the lock the caller checks it under, so the caller
            // either sees the new count or is already waiting when this notify comes: no lost
            // wake-up.
            self.phase_done.notify_all();
        }
    }
}

/// A task's claim on the tracker. Dropping it records how the task ended; a job that is
/// dropped unrun, or panics, drops its ticket as [`Outcome::Lost`], so its phase still ends.
#[derive(Debug)]
pub(crate) struct Ticket {
    tracker: Arc<Tracker>,
    index: usize,
    phase: usize,
    submitted: Instant,
    outcome: Outcome,
}

impl Ticket {
    /// Whether the time cap has passed, so the task should skip its work.
    pub(crate) fn expired(&self) -> bool {
        self.tracker.expired()
    }

    /// Ends the task with `outcome`.
    pub(crate) fn finish(mut self, outcome: Outcome) {
        self.outcome = outcome;
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.tracker.end(self);
    }
}

/// A duration in whole nanoseconds, saturating.
fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests;
