//! The controller thread: sample, decide, apply, record; fast while there is work, slow when
//! there is none.
//!
//! It owns the policy and the sampler and never runs a task. A policy that panics is caught:
//! the controller counts the error, freezes the pool at its current size and keeps recording,
//! so a buggy policy cannot take the pool down with it.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use betapool_core::controller::{Action, DecisionPolicy, Observation};
use betapool_instrumented::InstrumentedPool;

use crate::history::{DecisionEntry, ExperimentEntry, LOG_LIMIT, Ring};
use crate::lock_wait::LockWaitReporter;
use crate::sampler::Sampler;
use crate::trim::{TrimGate, release_free_memory};

/// The tick while there is demand (tasks queued or every worker busy). A 20 000-task burst of
/// 1 ms sleeps is over in about 80 ms at the best size, so the controller must see it within a
/// millisecond or two to matter.
pub const FAST_TICK: Duration = Duration::from_millis(1);

/// The tick while workers are idle: cheap readings only every few milliseconds, so an idle pool
/// costs next to nothing. Load that arrives meanwhile wakes the controller at once: the first
/// task queued with no worker idle cuts the sleep short (`Pool::on_next_saturation`).
pub const IDLE_TICK: Duration = Duration::from_millis(5);

/// How often a row is added to the experiment log.
pub const EXPERIMENT_INTERVAL: Duration = Duration::from_millis(100);

/// State shared by the executor and its controller thread.
#[derive(Debug)]
pub(crate) struct ExecutorState {
    pub(crate) pool: InstrumentedPool,
    pub(crate) history: Mutex<Ring<DecisionEntry>>,
    pub(crate) experiment: Mutex<Ring<ExperimentEntry>>,
    /// The latest observation, for `metrics()`.
    pub(crate) last: Mutex<Option<Observation>>,
    pub(crate) scale_ups: AtomicU64,
    pub(crate) scale_downs: AtomicU64,
    pub(crate) policy_errors: AtomicU64,
    pub(crate) resize_errors: AtomicU64,
    pub(crate) frozen: AtomicBool,
    sleep: Mutex<Sleep>,
    wake: Condvar,
    pub(crate) logging: bool,
    /// Hand free heap memory back to the OS when the pool is back at its minimum.
    pub(crate) trim_memory: bool,
    pub(crate) policy_name: String,
    /// What tasks report of their waits for a lock the workers share (see
    /// [`LockWaitReporter`]).
    pub(crate) lock_wait: LockWaitReporter,
}

impl ExecutorState {
    pub(crate) fn new(
        pool: InstrumentedPool,
        logging: bool,
        trim_memory: bool,
        policy_name: String,
    ) -> ExecutorState {
        ExecutorState {
            pool,
            history: Mutex::new(Ring::new(LOG_LIMIT)),
            experiment: Mutex::new(Ring::new(LOG_LIMIT)),
            last: Mutex::new(None),
            scale_ups: AtomicU64::new(0),
            scale_downs: AtomicU64::new(0),
            policy_errors: AtomicU64::new(0),
            resize_errors: AtomicU64::new(0),
            frozen: AtomicBool::new(false),
            sleep: Mutex::new(Sleep::default()),
            wake: Condvar::new(),
            logging,
            trim_memory,
            policy_name,
            lock_wait: LockWaitReporter::default(),
        }
    }

    /// Asks the controller thread to end.
    pub(crate) fn stop(&self) {
        lock(&self.sleep).stopped = true;
        self.wake.notify_all();
    }

    /// Cuts the controller's current (or next) sleep short.
    fn poke(&self) {
        lock(&self.sleep).poked = true;
        self.wake.notify_all();
    }

    /// Sleeps for `tick` unless stopped or poked first; returns whether to go on.
    fn sleep(&self, tick: Duration) -> bool {
        let mut state = lock(&self.sleep);
        if !state.stopped && !state.poked {
            state = self
                .wake
                .wait_timeout(state, tick)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        state.poked = false;
        !state.stopped
    }
}

/// What the controller's sleep can be interrupted by.
#[derive(Debug, Default)]
struct Sleep {
    stopped: bool,
    /// Load arrived while the controller slept its idle tick.
    poked: bool,
}

/// The controller thread's body.
pub(crate) fn run(shared: &Arc<ExecutorState>, mut policy: Box<dyn DecisionPolicy>, cores: usize) {
    let mut sampler = Sampler::new(cores);
    let started = Instant::now();
    let mut next_row = started;
    let mut row_completed = 0u64;
    let mut row_at = started;
    let mut trim = TrimGate::default();
    loop {
        let pool = shared.pool.engine();
        if pool.is_shutdown() {
            break;
        }
        let obs = sampler.sample(pool, &shared.lock_wait);
        if !shared.frozen.load(Ordering::Relaxed) {
            decide(shared, policy.as_mut(), &obs);
        }
        let now = Instant::now();
        if now >= next_row {
            let dt = now.saturating_duration_since(row_at).as_secs_f64();
            let throughput = if dt > 0.0 {
                obs.completed_total.saturating_sub(row_completed) as f64 / dt
            } else {
                0.0
            };
            row_completed = obs.completed_total;
            row_at = now;
            next_row = now + EXPERIMENT_INTERVAL;
            lock(&shared.experiment).push(ExperimentEntry::new(&obs, throughput));
        }
        if shared.trim_memory
            && trim.due(
                obs.now,
                obs.current_threads,
                obs.min_threads,
                obs.has_demand(),
            )
        {
            let released = release_free_memory();
            if shared.logging {
                tracing::debug!(released, "back at the minimum: free heap memory trimmed");
            }
        }
        let tick = if obs.has_demand() {
            FAST_TICK
        } else {
            // Sleep long while idle, but wake at once when a task finds no idle worker.
            let weak = Arc::downgrade(shared);
            pool.on_next_saturation(move || {
                if let Some(shared) = weak.upgrade() {
                    shared.poke();
                }
            });
            IDLE_TICK
        };
        *lock(&shared.last) = Some(obs);
        if !shared.sleep(tick) {
            break;
        }
    }
}

fn decide(shared: &ExecutorState, policy: &mut dyn DecisionPolicy, obs: &Observation) {
    let decision = match catch_unwind(AssertUnwindSafe(|| policy.decide(obs))) {
        Ok(d) => d,
        Err(_) => {
            shared.policy_errors.fetch_add(1, Ordering::Relaxed);
            shared.frozen.store(true, Ordering::Relaxed);
            tracing::error!(
                policy = %shared.policy_name,
                "the decision policy panicked; the pool stays at {} threads",
                obs.target
            );
            return;
        }
    };
    if decision.action == Action::Hold {
        return;
    }
    let pool = shared.pool.engine();
    let wanted = decision.apply(obs.target, obs.min_threads, obs.max_threads);
    if wanted == obs.target {
        return;
    }
    // Growth goes on in the background (the new workers start each other), so the controller
    // keeps measuring while hundreds of threads start.
    let after = match pool.request_target(wanted) {
        Ok(t) => t,
        Err(e) => {
            shared.resize_errors.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(error = %e, "resize failed");
            if e.is_shutdown() {
                return;
            }
            pool.target()
        }
    };
    let grew = after > obs.target;
    if shared.logging {
        tracing::debug!(
            before = obs.target,
            after,
            beta = ?obs.naive_beta(),
            beta_true = ?obs.beta_true(),
            contention = ?obs.contention(),
            "{}: {}",
            decision.action,
            decision.reason
        );
    }
    lock(&shared.history).push(DecisionEntry::new(obs, decision, after));
    // Counted after the record is in the history, with Release (read with Acquire by
    // `metrics`): whoever sees a count can find its record (`decision_history_since`).
    if grew {
        shared.scale_ups.fetch_add(1, Ordering::Release);
    } else {
        shared.scale_downs.fetch_add(1, Ordering::Release);
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
