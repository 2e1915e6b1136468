//! `PoolStats`: a plain snapshot of one pool's gauges and counters (the seed's `get_metrics()`).

use serde::{Deserialize, Serialize};

use crate::Percentiles;

/// A point-in-time snapshot of one pool, for dashboards, JSON endpoints and Prometheus.
///
/// The snapshot is plain data: a pool fills it in, and this crate only formats it. Counters
/// count since the pool was built and never go down. In JSON the latency percentiles are
/// fractional seconds (`p50_s`, `p95_s`, `p99_s`), as [`Percentiles`] documents.
///
/// # Examples
///
/// ```
/// use betapool_metrics::PoolStats;
///
/// let stats = PoolStats {
///     name: "io".to_owned(),
///     current_threads: 8,
///     completed: 1_000,
///     avg_blocking_ratio: Some(0.9),
///     ..PoolStats::default()
/// };
/// let json = serde_json::to_value(&stats).unwrap();
/// assert_eq!(json["current_threads"], 8);
/// assert_eq!(json["latency"], serde_json::Value::Null);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PoolStats {
    /// The pool's name, used as the `pool` label in Prometheus output.
    pub name: String,
    /// Worker threads alive now.
    pub current_threads: usize,
    /// The fewest worker threads the pool keeps.
    pub min_threads: usize,
    /// The most worker threads the pool may start.
    pub max_threads: usize,
    /// Worker threads waiting for work now.
    pub idle_threads: usize,
    /// Tasks waiting in the queue now.
    pub queued_tasks: usize,
    /// Tasks accepted by the pool.
    pub submitted: u64,
    /// Tasks that ran to completion, successfully or not.
    pub completed: u64,
    /// Tasks that panicked.
    pub panicked: u64,
    /// Tasks cancelled before they ran, for example by an immediate shutdown.
    pub cancelled: u64,
    /// Tasks refused at submission, for example because the queue was full.
    pub rejected: u64,
    /// Times the pool decided to grow.
    pub scale_up_count: u64,
    /// Times the pool decided to shrink.
    pub scale_down_count: u64,
    /// Mean blocking ratio over the recent window; `None` before any CPU time is known.
    pub avg_blocking_ratio: Option<f64>,
    /// Recent completions per second.
    pub throughput: f64,
    /// Recent task latency percentiles; `None` before any task finished.
    pub latency: Option<Percentiles>,
}

#[cfg(test)]
mod tests;
