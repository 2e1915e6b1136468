//! The seed's policy: a batch leaves when it reaches its size or when its oldest request has
//! waited the maximum delay, whichever comes first.

use std::time::Duration;

use super::{
    Admission, AdmissionView, BatchPolicy, CostFit, CostModel, Plan, QueueView, ReleaseReason,
    predict_latency, verdict,
};
use crate::ConfigError;

/// A fixed batch size and maximum delay (what `BATCH_SIZE` and `BATCH_DELAY_MS` set).
///
/// The delay counts from the oldest queued request, not from when a worker last looked, so no
/// request waits longer than `delay` for its batch to close. A full batch leaves at once.
///
/// ```
/// use std::time::{Duration, Instant};
/// use betapool_batch::policy::{BatchPolicy, Fixed, Plan, QueueView, ReleaseReason};
///
/// let mut seed = Fixed::seed();
/// assert_eq!((seed.size(), seed.delay()), (32, Duration::from_millis(50)));
///
/// let t0 = Instant::now();
/// let view = QueueView {
///     now: t0 + Duration::from_millis(50),
///     queued: 3,
///     queued_weight: 3,
///     oldest: Some(t0),
///     idle_workers: 1,
///     workers: 1,
///     draining: false,
/// };
/// assert!(matches!(seed.plan(&view), Plan::Release { max_weight: 32, reason: ReleaseReason::Delay }));
/// ```
#[derive(Debug, Clone)]
pub struct Fixed {
    size: u64,
    delay: Duration,
    cost: CostModel,
}

impl Fixed {
    /// The seed's batch size (`gpu_batch_size`, `BATCH_SIZE`).
    pub const SEED_SIZE: usize = 32;
    /// The seed's maximum delay (`gpu_max_delay_ms`, `BATCH_DELAY_MS`).
    pub const SEED_DELAY: Duration = Duration::from_millis(50);

    /// A batch size (at least 1) and a maximum delay.
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_batch::policy::Fixed;
    /// assert!(Fixed::new(0, Duration::ZERO).is_err());
    /// assert_eq!(Fixed::new(8, Duration::from_millis(2))?.size(), 8);
    /// # Ok::<(), betapool_batch::ConfigError>(())
    /// ```
    pub fn new(size: usize, delay: Duration) -> Result<Self, ConfigError> {
        if size == 0 {
            return Err(ConfigError::setting("batch_size", size, "at least 1"));
        }
        Ok(Self {
            size: size as u64,
            delay,
            cost: CostModel::new(),
        })
    }

    /// The seed's defaults: 32 requests, 50 ms.
    pub fn seed() -> Self {
        Self {
            size: Self::SEED_SIZE as u64,
            delay: Self::SEED_DELAY,
            cost: CostModel::new(),
        }
    }

    /// The batch size, in weight.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The maximum delay, from the oldest queued request.
    pub fn delay(&self) -> Duration {
        self.delay
    }
}

impl BatchPolicy for Fixed {
    fn plan(&mut self, view: &QueueView) -> Plan {
        let release = |reason| Plan::Release {
            max_weight: self.size,
            reason,
        };
        let Some(oldest) = view.oldest.filter(|_| view.queued > 0) else {
            return Plan::Wait {
                until: None,
                wake_weight: 1,
            };
        };
        if view.queued_weight >= self.size {
            return release(ReleaseReason::Size);
        }
        if view.draining {
            return release(ReleaseReason::Drain);
        }
        let due = oldest + self.delay;
        if due <= view.now {
            return release(ReleaseReason::Delay);
        }
        Plan::Wait {
            until: Some(due),
            wake_weight: self.size,
        }
    }

    fn record(&mut self, weight: u64, took: Duration) {
        self.cost.record(weight, took);
    }

    fn admit(&self, view: &AdmissionView) -> Admission {
        let Some(fit) = self.cost.fit() else {
            return Admission::Accept;
        };
        // A batch that will not fill leaves when its oldest request has waited the delay.
        let until_release = if view.ahead_weight + view.weight >= self.size {
            Duration::ZERO
        } else {
            (view.oldest.unwrap_or(view.now) + self.delay).saturating_duration_since(view.now)
        };
        let waited = AdmissionView {
            worker_free_in: view.worker_free_in.max(until_release),
            ..*view
        };
        verdict(view, predict_latency(&waited, &fit, self.size), None)
    }

    fn cost(&self) -> Option<CostFit> {
        self.cost.fit()
    }

    fn name(&self) -> &'static str {
        "fixed"
    }
}
