//! The default policy: send a batch as soon as a batch worker is idle, as large as the latency
//! target allows under the batch cost fitted online.

use std::time::Duration;

use super::bend::Bend;
use super::{
    Admission, AdmissionView, BatchPolicy, CostFit, CostModel, Plan, QueueView, ReleaseReason,
    predict_latency, verdict,
};
use crate::ConfigError;

/// The P99 latency the default policy aims at unless told otherwise: the seed's own maximum
/// batch delay, so a user moving from the seed's settings keeps its worst case.
pub const DEFAULT_LATENCY_TARGET: Duration = Duration::from_millis(50);

/// The largest batch the default policy sends while the cost model is still empty: the seed's
/// batch size, which every model the seed serves was sized for.
const WARM_UP_BATCH: u64 = 32;

/// The largest batch the default policy ever sends, however cheap the model: past this a batch
/// only holds requests back from a second worker.
pub const DEFAULT_MAX_BATCH: usize = 1024;

/// How far past the batches it has measured the policy lets a batch grow: the cost model is a
/// straight line fitted to the recent batches, and a model's cost can bend upwards past them
/// (a cache or a memory limit), so a batch may be at most twice the largest recent one. Under
/// a rising load the cap still doubles with every batch: from 32 to 1 024 in five batches.
const GROWTH: u64 = 2;

/// How many recent batches the growth limit looks back over.
const RECENT_BATCHES: usize = 32;

/// Batch as soon as a worker is idle, as large as the latency target allows.
///
/// With a batch cost of `a + c·b` and one worker, sending what is queued whenever the worker
/// becomes idle is what makes batches grow with the load: at 1 000 requests/s and a 5 ms
/// overhead each batch carries what arrived during the previous one. Waiting for more only adds
/// latency unless the worker is busy anyway, so this policy never waits. The size of a batch is
/// capped at the largest batch that itself fits in the target: a larger one misses it for every
/// request it carries, while a smaller cap would only hold requests back when a queue has built
/// up, which is exactly when larger batches drain it faster. The cap also grows only as fast as
/// batches are measured (twice the largest recent one), so the straight-line fit is never
/// trusted far from where it was made. How long a request waits before its batch starts is
/// admission's business, below.
///
/// Requests that the fitted model predicts cannot finish within the target (or their own,
/// tighter deadline) are refused at once with `DeadlineExceeded`, so under overload the
/// requests that are accepted still meet the target instead of all of them missing it.
///
/// ```
/// use std::time::{Duration, Instant};
/// use betapool_batch::policy::{Adaptive, BatchPolicy, Plan, QueueView, ReleaseReason};
///
/// let mut policy = Adaptive::new(Duration::from_millis(50))?;
/// for b in [1u64, 3, 8, 2, 160, 5] {
///     policy.record(b, Duration::from_micros(5_000 + 200 * b));
/// }
/// // (50 ms − 5 ms) / 0.2 ms: the largest batch that fits in the target (and within twice
/// // the largest batch measured, 160).
/// assert_eq!(policy.max_batch_weight(), 225);
/// let view = QueueView {
///     now: Instant::now(),
///     queued: 1,
///     queued_weight: 1,
///     oldest: Some(Instant::now()),
///     idle_workers: 1,
///     workers: 1,
///     draining: false,
/// };
/// assert!(matches!(policy.plan(&view), Plan::Release { max_weight: 225, reason: ReleaseReason::Idle }));
/// # Ok::<(), betapool_batch::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Adaptive {
    target: Duration,
    max_batch: u64,
    cost: CostModel,
    /// The weights of the last `RECENT_BATCHES` batches, oldest first.
    recent: std::collections::VecDeque<u64>,
    bend: Bend,
}

impl Default for Adaptive {
    fn default() -> Self {
        Self {
            target: DEFAULT_LATENCY_TARGET,
            max_batch: DEFAULT_MAX_BATCH as u64,
            cost: CostModel::new(),
            recent: std::collections::VecDeque::with_capacity(RECENT_BATCHES),
            bend: Bend::default(),
        }
    }
}

impl Adaptive {
    /// The default policy with a P99 latency target (more than zero).
    pub fn new(target: Duration) -> Result<Self, ConfigError> {
        if target.is_zero() {
            return Err(ConfigError::setting(
                "latency_target",
                "0 ms",
                "more than zero",
            ));
        }
        Ok(Self {
            target,
            ..Self::default()
        })
    }

    /// Caps every batch at `max` weight (at least 1; default [`DEFAULT_MAX_BATCH`]).
    pub fn with_max_batch(mut self, max: usize) -> Result<Self, ConfigError> {
        if max == 0 {
            return Err(ConfigError::setting("max_batch", max, "at least 1"));
        }
        self.max_batch = max as u64;
        Ok(self)
    }

    /// The latency target.
    pub fn target(&self) -> Duration {
        self.target
    }

    /// The largest batch weight the policy sends now: what fits in the target by the fitted
    /// cost, but no more than twice the largest recent batch (and never less than the warm-up
    /// size, so a light load does not shrink the cap to nothing), and no more than the weight at
    /// which the measured cost bends upwards, when it bends enough that larger batches serve
    /// fewer requests per second (a line whose slope changes once, fitted to the measured
    /// batch times by weight).
    pub fn max_batch_weight(&self) -> u64 {
        let Some(fit) = self.cost.fit() else {
            return WARM_UP_BATCH.min(self.max_batch);
        };
        let measured = self.recent.iter().copied().max().unwrap_or(0);
        let explored = measured.saturating_mul(GROWTH).max(WARM_UP_BATCH);
        let bend = self.bend.cap().unwrap_or(u64::MAX);
        fit.max_weight_within(self.target)
            .unwrap_or(1)
            .min(explored)
            .min(bend)
            .clamp(1, self.max_batch)
    }
}

impl BatchPolicy for Adaptive {
    fn plan(&mut self, view: &QueueView) -> Plan {
        if view.queued == 0 {
            return Plan::Wait {
                until: None,
                wake_weight: 1,
            };
        }
        let max_weight = self.max_batch_weight();
        let reason = if view.queued_weight >= max_weight {
            ReleaseReason::Size
        } else if view.draining {
            ReleaseReason::Drain
        } else {
            ReleaseReason::Idle
        };
        Plan::Release { max_weight, reason }
    }

    fn record(&mut self, weight: u64, took: Duration) {
        self.cost.record(weight, took);
        self.bend.record(weight, took);
        if self.recent.len() == RECENT_BATCHES {
            self.recent.pop_front();
        }
        self.recent.push_back(weight);
    }

    fn admit(&self, view: &AdmissionView) -> Admission {
        match self.cost.fit() {
            Some(fit) => verdict(
                view,
                predict_latency(view, &fit, self.max_batch_weight()),
                Some(self.target),
            ),
            None => Admission::Accept,
        }
    }

    fn cost(&self) -> Option<CostFit> {
        self.cost.fit()
    }

    fn name(&self) -> &'static str {
        "adaptive"
    }
}
