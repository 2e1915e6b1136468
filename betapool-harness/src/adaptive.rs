//! `AdaptiveExecutor`: the adaptive pool behind the harness's `Executor` trait, with the default
//! policy (`adaptive`) or the seeds' published algorithm (`adaptive-seed`).

use std::sync::atomic::{AtomicU64, Ordering};

use betapool_adaptive::AdaptiveThreadPoolExecutor;

use crate::error::HarnessError;
use crate::executor::{Executor, Job};

/// The bounds the benchmark runs the adaptive pool with when the spec gives none: no tuning,
/// a floor of a few threads and the top of the static oracle sweep as the ceiling.
pub const ADAPTIVE_DEFAULT_BOUNDS: (usize, usize) = (4, 512);

/// Which decision policy an [`AdaptiveExecutor`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdaptivePolicy {
    /// The default policy (Little's law with a contention veto).
    Default,
    /// The seeds' algorithm as published (`SeedPolicy` with the seed's settings).
    Seed,
}

/// The adaptive pool as an [`Executor`].
///
/// ```
/// use betapool_harness::{AdaptiveExecutor, AdaptivePolicy, Executor};
///
/// let pool = AdaptiveExecutor::new(AdaptivePolicy::Default, 2, 16)?;
/// assert_eq!(pool.name(), "adaptive");
/// let (tx, rx) = std::sync::mpsc::channel();
/// pool.execute(Box::new(move || tx.send(1).unwrap()));
/// assert_eq!(rx.recv()?, 1);
/// pool.shutdown();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct AdaptiveExecutor {
    pool: AdaptiveThreadPoolExecutor,
    label: &'static str,
    inline_runs: AtomicU64,
}

impl AdaptiveExecutor {
    /// An adaptive pool between `min` and `max` threads running `policy`.
    pub fn new(
        policy: AdaptivePolicy,
        min: usize,
        max: usize,
    ) -> Result<AdaptiveExecutor, HarnessError> {
        let (builder, label) = match policy {
            AdaptivePolicy::Default => (AdaptiveThreadPoolExecutor::builder(min, max), "adaptive"),
            AdaptivePolicy::Seed => (
                AdaptiveThreadPoolExecutor::builder(min, max).seed_policy(),
                "adaptive-seed",
            ),
        };
        let pool = builder.build().map_err(|e| {
            HarnessError::bad_pool_argument(&format!("{label}:{min}-{max}"), e.to_string())
        })?;
        Ok(AdaptiveExecutor {
            pool,
            label,
            inline_runs: AtomicU64::new(0),
        })
    }

    /// The executor itself, for its decision history and metrics.
    pub fn executor(&self) -> &AdaptiveThreadPoolExecutor {
        &self.pool
    }

    /// Jobs the pool refused (after shutdown) that the caller ran itself.
    pub fn inline_runs(&self) -> u64 {
        self.inline_runs.load(Ordering::Relaxed)
    }
}

impl Executor for AdaptiveExecutor {
    fn name(&self) -> String {
        self.label.to_owned()
    }

    fn execute(&self, job: Job) {
        if let Err(refused) = self.pool.execute(job) {
            self.inline_runs.fetch_add(1, Ordering::Relaxed);
            (refused.into_inner())();
        }
    }

    fn shutdown(&self) {
        self.pool.shutdown();
    }
}

/// Parses the optional `MIN-MAX` argument of an adaptive spec.
pub(crate) fn bounds(spec: &str, argument: Option<&str>) -> Result<(usize, usize), HarnessError> {
    let Some(argument) = argument else {
        return Ok(ADAPTIVE_DEFAULT_BOUNDS);
    };
    let parsed = argument
        .split_once('-')
        .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)));
    match parsed {
        Some((min, max)) if 1 <= min && min <= max && max <= crate::spec::MAX_STATIC_WORKERS => {
            Ok((min, max))
        }
        _ => Err(HarnessError::bad_pool_argument(
            spec,
            format!(
                "expected MIN-MAX with 1 <= MIN <= MAX <= {}, as in `adaptive:4-512`",
                crate::spec::MAX_STATIC_WORKERS
            ),
        )),
    }
}
