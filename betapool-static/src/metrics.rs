//! `ExecutorMetrics`: the seed's `get_metrics()` dictionary as a typed snapshot, and the pure
//! arithmetic that fills it (and a `PoolStats`) from the engine's gauges and the collector.

use std::time::Duration;

use betapool_core::Counters;
use betapool_metrics::{MetricsCollector, PoolStats};
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

/// Everything read from the engine at one moment, to be combined with the collector.
#[derive(Debug, Clone)]
pub(crate) struct Gauges<'a> {
    pub(crate) name: &'a str,
    pub(crate) workers: usize,
    pub(crate) live: usize,
    pub(crate) idle: usize,
    pub(crate) queued: usize,
    pub(crate) counters: Counters,
}

impl Gauges<'_> {
    /// The seed-shaped snapshot.
    pub(crate) fn metrics(&self, collector: &MetricsCollector) -> ExecutorMetrics {
        let c = self.counters;
        let latency = collector.latency_percentiles();
        ExecutorMetrics {
            current_threads: self.live,
            min_workers: self.workers,
            max_workers: self.workers,
            total_tasks: c.completed.saturating_add(c.panicked),
            avg_blocking_ratio: collector.recent_blocking_ratio(),
            throughput: collector.throughput(),
            p50_latency: latency.map(|p| p.p50),
            p95_latency: latency.map(|p| p.p95),
            p99_latency: latency.map(|p| p.p99),
            scale_up_count: 0,
            scale_down_count: 0,
            submitted: c.submitted,
            completed: c.completed,
            panicked: c.panicked,
            cancelled: c.cancelled,
            rejected: c.rejected,
            queued: self.queued,
        }
    }

    /// The snapshot the metrics crate formats for Prometheus. Its counters mean slightly
    /// different things from the engine's, so they are translated: `submitted` counts accepted
    /// tasks only, and `completed` counts every task that ran, panicked or not.
    pub(crate) fn pool_stats(&self, collector: &MetricsCollector) -> PoolStats {
        let c = self.counters;
        PoolStats {
            name: self.name.to_owned(),
            current_threads: self.live,
            min_threads: self.workers,
            max_threads: self.workers,
            idle_threads: self.idle,
            queued_tasks: self.queued,
            submitted: c.submitted.saturating_sub(c.rejected),
            completed: c.completed.saturating_add(c.panicked),
            panicked: c.panicked,
            cancelled: c.cancelled,
            rejected: c.rejected,
            scale_up_count: 0,
            scale_down_count: 0,
            avg_blocking_ratio: collector.recent_blocking_ratio(),
            throughput: collector.throughput(),
            latency: collector.latency_percentiles(),
        }
    }
}

#[cfg(test)]
mod tests;
