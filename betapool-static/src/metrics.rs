//! `ExecutorMetrics`: the seed's `get_metrics()` dictionary as a typed snapshot, and the pure
//! arithmetic that fills it from a `PoolStats`.

use std::time::Duration;

use betapool_instrumented::PoolStats;
use serde::{Serialize, Serializer};

/// A point-in-time snapshot of a static executor, with the seed's `get_metrics()` keys as fields.
///
/// Latency and throughput cover the collector's rolling window (the last
/// [`window_size`](crate::ExecutorBuilder::window_size) tasks, 100 by default); the counters
/// cover the executor's whole life. A static pool never resizes, so `min_workers`,
/// `max_workers` and `current_threads` are all the fixed size, and the scale counts stay 0. It
/// does not read thread CPU clocks, so `avg_blocking_ratio` is `None`.
///
/// In JSON, latencies are fractional seconds under the seed's key names (`p99_latency`), so a
/// script written for the seed reads them unchanged.
///
/// ```
/// use betapool_static::StaticThreadPoolExecutor;
///
/// let executor = StaticThreadPoolExecutor::new(2)?;
/// for i in 0..10 {
///     executor.submit(move || i).join().unwrap();
/// }
/// let m = executor.metrics();
/// assert_eq!((m.current_threads, m.min_workers, m.max_workers), (2, 2, 2));
/// assert_eq!(m.total_tasks, 10);
/// assert_eq!(m.avg_blocking_ratio, None);
/// assert!(m.p50_latency <= m.p99_latency);
///
/// let json = serde_json::to_value(&m).unwrap();
/// assert_eq!(json["total_tasks"], 10);
/// assert!(json["p99_latency"].is_f64()); // seconds
/// # Ok::<(), betapool_static::BuildError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ExecutorMetrics {
    /// Worker threads alive now.
    pub current_threads: usize,
    /// The fixed size (the seed reports it as `min_workers`).
    pub min_workers: usize,
    /// The fixed size (the seed reports it as `max_workers`).
    pub max_workers: usize,
    /// Tasks that ran, successfully or not: `completed + panicked`.
    pub total_tasks: u64,
    /// Mean blocking ratio over the window; always `None` here, since the static pool does not
    /// measure CPU time.
    pub avg_blocking_ratio: Option<f64>,
    /// Completions per second across the window's timestamps.
    pub throughput: f64,
    /// Median task wall time over the window; `None` before any task finished.
    #[serde(serialize_with = "seconds")]
    pub p50_latency: Option<Duration>,
    /// 95th percentile of task wall time over the window.
    #[serde(serialize_with = "seconds")]
    pub p95_latency: Option<Duration>,
    /// 99th percentile of task wall time over the window.
    #[serde(serialize_with = "seconds")]
    pub p99_latency: Option<Duration>,
    /// Times the pool grew: always 0 for a static pool.
    pub scale_up_count: u64,
    /// Times the pool shrank: always 0 for a static pool.
    pub scale_down_count: u64,
    /// Tasks handed to the executor, accepted or not.
    pub submitted: u64,
    /// Tasks that ran and returned.
    pub completed: u64,
    /// Tasks that ran and panicked.
    pub panicked: u64,
    /// Accepted tasks dropped unrun by `shutdown_now`.
    pub cancelled: u64,
    /// Tasks refused: the executor was shut down or its bounded queue was full.
    pub rejected: u64,
    /// Tasks accepted and not yet taken by a worker.
    pub queued: usize,
}

/// Writes an optional duration as fractional seconds, `None` as `null`.
fn seconds<S: Serializer>(value: &Option<Duration>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(d) => serializer.serialize_some(&d.as_secs_f64()),
        None => serializer.serialize_none(),
    }
}

impl ExecutorMetrics {
    /// The seed-shaped snapshot of a pool held at one size, from its `PoolStats`
    /// (`InstrumentedPool::pool_stats`, the one place the engine's counters are translated).
    /// `PoolStats` counts accepted tasks as `submitted` and every task that ran as `completed`;
    /// the seed's keys count every submission and the tasks that returned, so those two are
    /// turned back here.
    pub(crate) fn from_stats(stats: &PoolStats) -> ExecutorMetrics {
        let latency = stats.latency;
        ExecutorMetrics {
            current_threads: stats.current_threads,
            min_workers: stats.min_threads,
            max_workers: stats.max_threads,
            total_tasks: stats.completed,
            avg_blocking_ratio: stats.avg_blocking_ratio,
            throughput: stats.throughput,
            p50_latency: latency.map(|p| p.p50),
            p95_latency: latency.map(|p| p.p95),
            p99_latency: latency.map(|p| p.p99),
            scale_up_count: stats.scale_up_count,
            scale_down_count: stats.scale_down_count,
            submitted: stats.submitted.saturating_add(stats.rejected),
            completed: stats.completed.saturating_sub(stats.panicked),
            panicked: stats.panicked,
            cancelled: stats.cancelled,
            rejected: stats.rejected,
            queued: stats.queued_tasks,
        }
    }
}

#[cfg(test)]
mod tests;
