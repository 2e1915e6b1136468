//! The bounded request queue and everything decided under its lock: admission, cancellation,
//! which batch an idle worker takes and when, and the drain at stop. The policy lives inside
//! the lock, so it sees one consistent state and needs no synchronisation of its own.

use std::collections::VecDeque;
use std::sync::PoisonError;
use std::time::{Duration, Instant};

use crate::InferError;
use crate::clock::Clock;
use crate::loom::std_only::Arc;
use crate::loom::sync::{Condvar, Mutex, MutexGuard};
use crate::policy::{Admission, AdmissionView, BatchPolicy, Plan, QueueView, ReleaseReason};
use crate::slot::{CANCELLED, QUEUED, Slot, TAKEN};
use crate::stats::Counters;

/// Cancelled entries stay in the deque until a batch pops them or until there are this many
/// more of them than live ones; then they are swept out. Sweeping costs one pass over the
/// deque, so doing it only when the dead outnumber the live keeps it amortised O(1) per
/// cancellation, and the deque never holds more than twice the capacity plus this.
const SWEEP_SLACK: usize = 64;

/// Where the runtime is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Built, not started: requests are refused with `NotStarted`.
    Idle,
    /// Serving.
    Running,
    /// `stop` was called: no new requests; workers send what is queued, then exit.
    Draining,
    /// Stopped: workers exit after their current batch; anything still queued was failed.
    Stopped,
}

pub(crate) struct Entry<I, O> {
    pub(crate) slot: Arc<Slot<O>>,
    pub(crate) input: I,
    pub(crate) weight: u32,
    pub(crate) accepted: Instant,
    pub(crate) deadline: Option<Instant>,
}

/// A batch taken off the queue by one worker: the requests to run, and those whose deadline
/// passed in the queue (to be failed, never run).
pub(crate) struct Batch<I, O> {
    pub(crate) entries: Vec<Entry<I, O>>,
    pub(crate) expired: Vec<Entry<I, O>>,
    pub(crate) weight: u64,
    pub(crate) reason: ReleaseReason,
    pub(crate) taken: Instant,
}

pub(crate) struct State<I, O> {
    entries: VecDeque<Entry<I, O>>,
    /// Requests queued and not cancelled, and their weight.
    live: usize,
    live_weight: u64,
    /// Cancelled requests still in `entries`.
    dead: usize,
    pub(crate) phase: Phase,
    pub(crate) policy: Box<dyn BatchPolicy>,
    /// Batch workers started, and which of them run a batch (start time and weight).
    busy: Vec<Option<(Instant, u64)>>,
    /// Workers blocked on `work`, notifications sent and not yet consumed, and the queued
    /// weight at which an arrival must wake a blocked worker.
    waiting: usize,
    wakeups: usize,
    wake_weight: u64,
    pub(crate) counters: Counters,
    /// The last arrival and the running mean gap between arrivals, for admission's estimate
    /// of what will join a request's batch behind it.
    last_arrival: Option<Instant>,
    mean_gap: Option<f64>,
}

/// The weight of the newest gap in the running mean of arrival gaps: about the last 30
/// arrivals, which follows a rate change within a few milliseconds at the rates that matter
/// (thousands per second) and is not thrown by one Poisson gap.
const GAP_SMOOTHING: f64 = 1.0 / 32.0;

pub(crate) struct Queue<I, O> {
    state: Mutex<State<I, O>>,
    /// Idle batch workers wait here for work (or for the delay of the oldest request).
    work: Condvar,
    /// `stop` waits here for the queue to drain.
    drained: Condvar,
    capacity: usize,
    pub(crate) clock: Clock,
}

impl<I, O> std::fmt::Debug for Queue<I, O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Queue")
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

/// Cancels a queued request: what a dropped future calls, without knowing the input type.
pub(crate) trait CancelSlot<O>: Send + Sync {
    /// Cancels the request behind `slot` if no batch has taken it yet; true if it did.
    fn cancel_slot(&self, slot: &Slot<O>, weight: u32) -> bool;
}

impl<I, O> Queue<I, O> {
    pub(crate) fn new(capacity: usize, policy: Box<dyn BatchPolicy>, clock: Clock) -> Self {
        Self {
            state: Mutex::new(State {
                entries: VecDeque::new(),
                live: 0,
                live_weight: 0,
                dead: 0,
                phase: Phase::Idle,
                policy,
                busy: Vec::new(),
                waiting: 0,
                wakeups: 0,
                wake_weight: 1,
                counters: Counters::default(),
                last_arrival: None,
                mean_gap: None,
            }),
            work: Condvar::new(),
            drained: Condvar::new(),
            capacity,
            clock,
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State<I, O>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Opens the queue for `workers` batch workers.
    pub(crate) fn open(&self, workers: usize) {
        let mut st = self.lock();
        st.busy = vec![None; workers];
        st.phase = Phase::Running;
    }

    /// Queues one request, or refuses it at once: not started or stopping, full, or predicted
    /// to miss its deadline. The input comes back with the refusal.
    pub(crate) fn submit(
        &self,
        input: I,
        weight: u32,
        deadline: Option<Instant>,
    ) -> Result<Arc<Slot<O>>, (I, InferError)> {
        let weight = weight.max(1);
        let mut st = self.lock();
        let now = self.clock.now();
        match st.phase {
            Phase::Running => {}
            Phase::Idle => return Err((input, InferError::NotStarted)),
            Phase::Draining | Phase::Stopped => return Err((input, InferError::Stopped)),
        }
        st.note_arrival(now);
        if st.live >= self.capacity {
            st.counters.rejected_full += 1;
            return Err((
                input,
                InferError::QueueFull {
                    capacity: self.capacity,
                },
            ));
        }
        let view = AdmissionView {
            now,
            ahead_weight: st.live_weight,
            weight: u64::from(weight),
            worker_free_in: st.worker_free_in(now),
            arrival_rate: st.arrival_rate(),
            workers: st.busy.len(),
            oldest: st.oldest_live(),
            deadline,
        };
        if let Admission::Refuse { predicted, budget } = st.policy.admit(&view) {
            st.counters.rejected_deadline += 1;
            return Err((input, InferError::DeadlineExceeded { predicted, budget }));
        }
        let slot = Arc::new(Slot::new());
        st.entries.push_back(Entry {
            slot: slot.clone(),
            input,
            weight,
            accepted: now,
            deadline,
        });
        st.live += 1;
        st.live_weight += u64::from(weight);
        st.counters.accepted += 1;
        // Wake a blocked worker only when the arrival changes its answer (the first request, or
        // a full batch under a delay), and only if no wake-up is already on its way to every
        // blocked worker: at high load workers are busy and arrivals make no system call.
        if st.waiting > st.wakeups && st.live_weight >= st.wake_weight {
            st.wakeups += 1;
            self.work.notify_one();
        }
        Ok(slot)
    }

    /// Blocks an idle worker until the policy releases a batch for it; `None` when the worker
    /// should exit (the runtime stopped, or it is draining and nothing is left).
    pub(crate) fn next_batch(&self, worker: usize) -> Option<Batch<I, O>> {
        let mut st = self.lock();
        loop {
            st.pop_dead_front();
            match st.phase {
                Phase::Stopped => return None,
                Phase::Draining if st.live == 0 => return None,
                _ => {}
            }
            let now = self.clock.now();
            let view = QueueView {
                now,
                queued: st.live,
                queued_weight: st.live_weight,
                oldest: st.oldest_live(),
                idle_workers: st.busy.iter().filter(|b| b.is_none()).count(),
                workers: st.busy.len(),
                draining: st.phase == Phase::Draining,
            };
            match st.policy.plan(&view) {
                Plan::Release { max_weight, reason } if st.live > 0 => {
                    let batch = st.take(max_weight, reason, now);
                    st.busy[worker] = Some((now, batch.weight));
                    return Some(batch);
                }
                Plan::Release { .. } => {
                    st = self.block(st, None, 1);
                }
                Plan::Wait { until, wake_weight } => {
                    st = self.block(
                        st,
                        until.map(|u| u.saturating_duration_since(now)),
                        wake_weight,
                    );
                }
            }
        }
    }

    fn block<'a>(
        &'a self,
        mut st: MutexGuard<'a, State<I, O>>,
        timeout: Option<Duration>,
        wake_weight: u64,
    ) -> MutexGuard<'a, State<I, O>> {
        st.waiting += 1;
        st.wake_weight = wake_weight.max(1);
        let mut st = match timeout {
            None => self.work.wait(st).unwrap_or_else(PoisonError::into_inner),
            Some(t) => {
                self.work
                    .wait_timeout(st, t)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0
            }
        };
        st.waiting -= 1;
        // Whether this worker was notified or timed out, one wake-up on its way is consumed:
        // if the notification went to nobody, this worker is awake and re-plans anyway.
        st.wakeups = st.wakeups.saturating_sub(1);
        st
    }

    /// A worker finished its batch: record its cost and the requests' latencies, mark the
    /// worker idle, and tell `stop` if the queue has drained.
    pub(crate) fn finish(&self, worker: usize, done: Finished) {
        let mut st = self.lock();
        let now = self.clock.now();
        st.busy[worker] = None;
        if done.model_ran {
            st.policy.record(done.weight, done.took);
        }
        st.counters.record_batch(&done, now);
        if st.live == 0 && st.busy.iter().all(Option::is_none) {
            self.drained.notify_all();
        }
    }

    /// Stops taking requests; workers send what is queued and exit.
    pub(crate) fn begin_drain(&self) {
        let mut st = self.lock();
        if st.phase == Phase::Running || st.phase == Phase::Idle {
            st.phase = Phase::Draining;
        }
        self.work.notify_all();
    }

    /// Waits until nothing is queued or running, or until `deadline`; true if drained.
    pub(crate) fn wait_drained(&self, deadline: Instant) -> bool {
        let mut st = self.lock();
        loop {
            if st.live == 0 && st.busy.iter().all(Option::is_none) {
                return true;
            }
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            st = self
                .drained
                .wait_timeout(st, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Ends the runtime: workers exit after their current batch, and every request still
    /// queued is failed with `Stopped`, so every accepted request resolves. Returns how many
    /// were failed and how many batches are still running.
    pub(crate) fn close(&self) -> (usize, usize) {
        let (left, running) = {
            let mut st = self.lock();
            st.phase = Phase::Stopped;
            let mut left = Vec::with_capacity(st.live);
            while let Some(e) = st.entries.pop_front() {
                if e.slot.state() == QUEUED {
                    e.slot.set_state(TAKEN);
                    left.push(e);
                }
            }
            st.counters.stopped += left.len() as u64;
            st.live = 0;
            st.live_weight = 0;
            st.dead = 0;
            let running = st.busy.iter().filter(|b| b.is_some()).count();
            self.work.notify_all();
            self.drained.notify_all();
            (left, running)
        };
        // Completed outside the lock: a waker may run code of the caller's.
        for e in &left {
            e.slot.complete(Err(InferError::Stopped));
        }
        (left.len(), running)
    }

    /// Wakes every waiting worker to re-plan (a loom model calls it after moving the clock,
    /// as a timed wait's expiry would).
    #[cfg(loom)]
    pub(crate) fn nudge(&self) {
        let _st = self.lock();
        self.work.notify_all();
    }

    /// Queued requests, cancelled ones excluded (the seed's `queue_depth`).
    pub(crate) fn depth(&self) -> usize {
        self.lock().live
    }
}

impl<I: Send, O: Send> CancelSlot<O> for Queue<I, O> {
    /// The check and the change are made under the lock that `take` holds, so a request is
    /// taken or cancelled, never both.
    fn cancel_slot(&self, slot: &Slot<O>, weight: u32) -> bool {
        let mut st = self.lock();
        if slot.state() != QUEUED {
            return false;
        }
        slot.set_state(CANCELLED);
        st.live -= 1;
        st.live_weight -= u64::from(weight.max(1));
        st.dead += 1;
        st.counters.cancelled += 1;
        if st.dead > st.live + SWEEP_SLACK {
            st.entries.retain(|e| e.slot.state() == QUEUED);
            st.dead = 0;
        }
        if st.live == 0 && st.busy.iter().all(Option::is_none) {
            self.drained.notify_all();
        }
        true
    }
}

/// What a worker reports after a batch.
#[derive(Debug, Clone)]
pub(crate) struct Finished {
    pub(crate) weight: u64,
    pub(crate) items: usize,
    pub(crate) took: Duration,
    pub(crate) model_ran: bool,
    pub(crate) failed: bool,
    pub(crate) reason: ReleaseReason,
    /// When each request of the batch was accepted and when the batch took it.
    pub(crate) accepted: Vec<Instant>,
    pub(crate) taken: Instant,
}

impl<I, O> State<I, O> {
    fn note_arrival(&mut self, now: Instant) {
        if let Some(last) = self.last_arrival {
            let gap = now.saturating_duration_since(last).as_secs_f64();
            self.mean_gap = Some(match self.mean_gap {
                None => gap,
                Some(m) => m + GAP_SMOOTHING * (gap - m),
            });
        }
        self.last_arrival = Some(now);
    }

    /// Arrivals per second lately; zero before two arrivals (or if they came at once).
    fn arrival_rate(&self) -> f64 {
        match self.mean_gap {
            Some(g) if g > 0.0 => 1.0 / g,
            _ => 0.0,
        }
    }

    fn pop_dead_front(&mut self) {
        while self
            .entries
            .front()
            .is_some_and(|e| e.slot.state() == CANCELLED)
        {
            self.entries.pop_front();
            self.dead -= 1;
        }
    }

    fn oldest_live(&self) -> Option<Instant> {
        self.entries
            .iter()
            .find(|e| e.slot.state() == QUEUED)
            .map(|e| e.accepted)
    }

    /// How long until some batch worker is predicted to be free: zero if one is idle, else the
    /// earliest predicted end of a running batch (per the fitted cost; zero without a fit).
    fn worker_free_in(&self, now: Instant) -> Duration {
        let Some(fit) = self.policy.cost() else {
            return Duration::ZERO;
        };
        self.busy
            .iter()
            .map(|b| match b {
                None => Duration::ZERO,
                Some((start, weight)) => {
                    (*start + fit.predict(*weight)).saturating_duration_since(now)
                }
            })
            .min()
            .unwrap_or(Duration::ZERO)
    }

    /// Takes requests from the front, oldest first, up to `max_weight` (always at least one).
    /// Requests whose deadline has passed are taken too, to be failed, not run. This is the
    /// only place a batch is closed.
    fn take(&mut self, max_weight: u64, reason: ReleaseReason, now: Instant) -> Batch<I, O> {
        let mut batch = Batch {
            entries: Vec::new(),
            expired: Vec::new(),
            weight: 0,
            reason,
            taken: now,
        };
        while let Some(front) = self.entries.front() {
            let state = front.slot.state();
            if state != QUEUED {
                self.entries.pop_front();
                self.dead -= 1;
                continue;
            }
            let w = u64::from(front.weight);
            let expired = front.deadline.is_some_and(|d| d <= now);
            if !expired && !batch.entries.is_empty() && batch.weight + w > max_weight {
                break;
            }
            let entry = self.entries.pop_front().expect("front exists");
            entry.slot.set_state(TAKEN);
            self.live -= 1;
            self.live_weight -= w;
            if expired {
                batch.expired.push(entry);
            } else {
                batch.weight += w;
                batch.entries.push(entry);
            }
        }
        self.counters.expired += batch.expired.len() as u64;
        batch
    }
}
