//! `AdaptiveMetrics`: the seed's `get_metrics()` keys, for the adaptive executor.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A snapshot of the adaptive executor, with the seed's keys (`current_threads`,
/// `avg_blocking_ratio`, `p99_latency`, `scale_up_count`, …) plus what this pool adds.
/// Latencies are task run times (wall time inside the task) over the metrics window.
///
/// ```
/// let executor = betapool_adaptive::AdaptiveThreadPoolExecutor::new(2, 16)?;
/// executor.submit(|| ()).join()?;
/// let m = executor.metrics();
/// assert_eq!((m.min_workers, m.max_workers, m.total_tasks), (2, 16, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AdaptiveMetrics {
    /// Live worker threads.
    pub current_threads: usize,
    /// The size the controller is steering towards.
    pub target_threads: usize,
    /// The lower bound.
    pub min_workers: usize,
    /// The upper bound.
    pub max_workers: usize,
    /// Tasks finished (returned or panicked).
    pub total_tasks: u64,
    /// The seed's blocking ratio (1 − cpu/busy) at the latest tick, over the sampled workers.
    pub avg_blocking_ratio: Option<f64>,
    /// The blocking ratio corrected by run-queue delay, at the latest tick.
    pub beta_true: Option<f64>,
    /// Share of busy time spent waiting for a core, at the latest tick.
    pub contention: Option<f64>,
    /// Tasks per second over the metrics window.
    pub throughput: f64,
    /// Median task run time, seconds.
    #[serde(with = "opt_secs")]
    pub p50_latency: Option<Duration>,
    /// 95th percentile task run time, seconds.
    #[serde(with = "opt_secs")]
    pub p95_latency: Option<Duration>,
    /// 99th percentile task run time, seconds.
    #[serde(with = "opt_secs")]
    pub p99_latency: Option<Duration>,
    /// Resizes up.
    pub scale_up_count: u64,
    /// Resizes down.
    pub scale_down_count: u64,
    /// Tasks waiting.
    pub queued: usize,
    /// Panics of the decision policy (the pool froze its size at the first).
    pub policy_errors: u64,
    /// Resizes the engine refused (a thread the OS would not start).
    pub resize_errors: u64,
    /// The policy's name (`default`, `seed`, or a custom one).
    pub policy: String,
}

mod opt_secs {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&d.as_secs_f64()),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Duration>, D::Error> {
        let v: Option<f64> = Option::deserialize(d)?;
        match v {
            Some(x) if x.is_finite() && x >= 0.0 => Ok(Some(Duration::from_secs_f64(x))),
            Some(x) => Err(serde::de::Error::custom(format!("invalid latency {x}"))),
            None => Ok(None),
        }
    }
}
