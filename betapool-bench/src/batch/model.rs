//! The benchmark's synthetic model: a batch of b requests spins a + c·b of CPU (optionally with
//! c doubling above a knee), and counts every request it sees.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use betapool_batch::{BatchModel, BoxError};
use betapool_workloads::spin;

/// The cost of a batch, in CPU time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Cost {
    /// `a`: paid once per batch.
    pub(crate) fixed: Duration,
    /// `c`: paid per request.
    pub(crate) per_item: Duration,
    /// Above this batch size each further request costs `knee_factor × c`.
    pub(crate) knee: Option<(u64, f64)>,
}

impl Cost {
    /// The model: a = 5 ms, c = 0.2 ms.
    pub(crate) const LINEAR: Cost = Cost {
        fixed: Duration::from_millis(5),
        per_item: Duration::from_micros(200),
        knee: None,
    };

    /// The same, with c doubling above b = 32.
    pub(crate) const KNEE: Cost = Cost {
        knee: Some((32, 2.0)),
        ..Cost::LINEAR
    };

    /// Nothing at all: what is left is the runtime's own overhead.
    pub(crate) const NOTHING: Cost = Cost {
        fixed: Duration::ZERO,
        per_item: Duration::ZERO,
        knee: None,
    };

    /// The CPU time of a batch of `b`.
    pub(crate) fn of(&self, b: u64) -> Duration {
        let linear = match self.knee {
            None => self.per_item.as_secs_f64() * b as f64,
            Some((k, f)) => {
                let c = self.per_item.as_secs_f64();
                c * b.min(k) as f64 + f * c * b.saturating_sub(k) as f64
            }
        };
        self.fixed + Duration::from_secs_f64(linear)
    }

    /// The most requests per second one worker can serve with batches of at most `b`.
    pub(crate) fn capacity_at(&self, b: u64) -> f64 {
        b as f64 / self.of(b).as_secs_f64()
    }

    /// The largest batch whose time is at most `budget` (at least 1).
    pub(crate) fn largest_within(&self, budget: Duration) -> u64 {
        (1..100_000u64)
            .take_while(|&b| self.of(b) <= budget)
            .last()
            .unwrap_or(1)
    }
}

/// Spins each batch's cost on the batch worker.
#[derive(Debug)]
pub(crate) struct SpinModel {
    cost: Cost,
    iterations_per_us: f64,
    /// Requests seen, all batches.
    pub(crate) seen: Arc<AtomicU64>,
}

impl SpinModel {
    pub(crate) fn new(cost: Cost, iterations_per_us: f64) -> Self {
        Self {
            cost,
            iterations_per_us,
            seen: Arc::new(AtomicU64::new(0)),
        }
    }
}

impl BatchModel for SpinModel {
    type Input = u32;
    type Output = u32;

    fn infer_batch(&self, inputs: Vec<u32>) -> Result<Vec<u32>, BoxError> {
        let b = inputs.len() as u64;
        self.seen.fetch_add(b, Ordering::Relaxed);
        let us = self.cost.of(b).as_secs_f64() * 1e6;
        if us > 0.0 {
            black_box(spin((us * self.iterations_per_us) as u64));
        }
        Ok(inputs)
    }
}
