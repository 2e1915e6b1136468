//! Batching policies: when a batch leaves and how large it may be, and whether a request can
//! still make its deadline. Pure code: the dispatcher passes the queue's state and the time in,
//! and applies the answer; nothing here touches a thread or a clock.
//!
//! - [`Fixed`]: the seed's rule, a batch size and a maximum delay counted from the oldest
//!   queued request ([`Fixed::seed`] is the seed's 32 and 50 ms).
//! - [`Adaptive`], the default: fits the batch cost online ([`CostModel`]) and sends a batch as
//!   soon as a batch worker is idle, as large as the latency target allows.

mod adaptive;
mod bend;
mod cost;
mod fixed;

pub use adaptive::{Adaptive, DEFAULT_LATENCY_TARGET, DEFAULT_MAX_BATCH};
pub use cost::{CostFit, CostModel};
pub use fixed::Fixed;

use std::time::{Duration, Instant};

/// What the dispatcher knows when an idle batch worker asks what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueView {
    /// The time of the question.
    pub now: Instant,
    /// Requests queued (cancelled ones excluded).
    pub queued: usize,
    /// Their total weight.
    pub queued_weight: u64,
    /// When the oldest queued request was accepted.
    pub oldest: Option<Instant>,
    /// Batch workers idle, the asking one included.
    pub idle_workers: usize,
    /// All batch workers.
    pub workers: usize,
    /// The runtime is stopping: send everything now.
    pub draining: bool,
}

/// Why a batch left the queue, counted in the runtime's stats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReleaseReason {
    /// The queued weight reached the batch size.
    Size,
    /// The oldest request waited the maximum delay.
    Delay,
    /// A batch worker was idle and waiting for more requests would not pay.
    Idle,
    /// The runtime is stopping and sends what is queued.
    Drain,
}

impl ReleaseReason {
    /// Every reason, in the order stats list them.
    pub const ALL: [ReleaseReason; 4] = [Self::Size, Self::Delay, Self::Idle, Self::Drain];

    /// The reason's name in stats and Prometheus labels.
    ///
    /// ```
    /// assert_eq!(betapool_batch::policy::ReleaseReason::Idle.as_str(), "idle");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Size => "size",
            Self::Delay => "delay",
            Self::Idle => "idle",
            Self::Drain => "drain",
        }
    }

    /// The reason's position in [`ReleaseReason::ALL`].
    pub fn index(self) -> usize {
        match self {
            Self::Size => 0,
            Self::Delay => 1,
            Self::Idle => 2,
            Self::Drain => 3,
        }
    }
}

/// A policy's answer to an idle batch worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Take a batch now, of at most `max_weight` (at least one request, whatever its weight).
    Release {
        /// The most weight the batch may carry.
        max_weight: u64,
        /// Why it leaves.
        reason: ReleaseReason,
    },
    /// Wait until `until` (if given), or until the queued weight reaches `wake_weight`.
    Wait {
        /// When to ask again without being woken.
        until: Option<Instant>,
        /// The queued weight at which an arrival should wake the worker.
        wake_weight: u64,
    },
}

/// What admission knows when a request arrives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdmissionView {
    /// The time of arrival.
    pub now: Instant,
    /// The weight already queued ahead of the request.
    pub ahead_weight: u64,
    /// The request's own weight.
    pub weight: u64,
    /// How long until a batch worker is predicted to be free (zero if one is idle).
    pub worker_free_in: Duration,
    /// Recent arrivals per second (all requests, refused ones included): the requests that
    /// will join the request's batch behind it while it waits.
    pub arrival_rate: f64,
    /// All batch workers.
    pub workers: usize,
    /// When the oldest queued request was accepted, if one is queued.
    pub oldest: Option<Instant>,
    /// The caller's deadline, if it gave one.
    pub deadline: Option<Instant>,
}

/// A policy's verdict on an arriving request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Queue it.
    Accept,
    /// Refuse it now: it is predicted to take `predicted`, and may take only `budget`.
    Refuse {
        /// Predicted time from arrival to output.
        predicted: Duration,
        /// Time allowed.
        budget: Duration,
    },
}

/// A batching policy: pure, so it can be tested without threads by passing views in.
///
/// The dispatcher calls [`plan`](BatchPolicy::plan) whenever a batch worker is idle,
/// [`record`](BatchPolicy::record) after each batch, and [`admit`](BatchPolicy::admit) for every
/// arriving request, all under the queue's lock, so a policy needs no synchronisation of its own.
pub trait BatchPolicy: Send + 'static {
    /// What an idle batch worker should do now.
    fn plan(&mut self, view: &QueueView) -> Plan;

    /// A batch of `weight` took `took` in the model.
    fn record(&mut self, weight: u64, took: Duration);

    /// Whether an arriving request can make its deadline.
    fn admit(&self, view: &AdmissionView) -> Admission;

    /// The fitted batch cost, if the policy keeps one.
    fn cost(&self) -> Option<CostFit>;

    /// The policy's name in stats (`fixed` or `adaptive`).
    fn name(&self) -> &'static str;
}

/// The predicted time from arrival to output of a request with `view.ahead_weight` queued
/// before it, when batches of at most `max_weight` go to `view.workers` workers and each costs
/// `fit`. Every full round of batches ahead costs a whole batch. The request's own batch also
/// carries what arrives behind it before that batch leaves (up to `max_weight`): under load
/// that batch is full, and predicting it from the queue alone would promise too much.
pub(crate) fn predict_latency(view: &AdmissionView, fit: &CostFit, max_weight: u64) -> Duration {
    let max_weight = max_weight.max(1);
    let total = view.ahead_weight + view.weight.max(1);
    let per_round = max_weight.saturating_mul(view.workers.max(1) as u64);
    let rounds = total.div_ceil(per_round);
    let full = fit.predict(max_weight);
    let starts_in = view.worker_free_in + full * (rounds - 1).min(u32::MAX as u64) as u32;
    let behind = (view.arrival_rate.max(0.0) * starts_in.as_secs_f64()) as u64;
    let mine = (total - (rounds - 1) * per_round).div_ceil(view.workers.max(1) as u64);
    starts_in + fit.predict((mine + behind).min(max_weight))
}

/// The share of a request's budget its predicted latency may fill. The prediction is a mean
/// and the target a 99th percentile: batch times on a shared machine spread by about ±10 %
/// around the fit, so a request predicted to finish just inside its budget misses it about half
/// the time.
const HEADROOM: f64 = 0.9;

/// The verdict for a request predicted to take `predicted`, given its deadline and an optional
/// latency target (the tighter one wins).
pub(crate) fn verdict(
    view: &AdmissionView,
    predicted: Duration,
    target: Option<Duration>,
) -> Admission {
    let from_deadline = view.deadline.map(|d| d.saturating_duration_since(view.now));
    let budget = match (from_deadline, target) {
        (Some(d), Some(t)) => d.min(t),
        (Some(d), None) => d,
        (None, Some(t)) => t,
        (None, None) => return Admission::Accept,
    };
    if predicted > budget.mul_f64(HEADROOM) {
        Admission::Refuse { predicted, budget }
    } else {
        Admission::Accept
    }
}

#[cfg(test)]
mod tests;
