//! The one translation from the engine's gauges and the collector to a `PoolStats` snapshot,
//! which every executor reports (and the Prometheus encoder formats).

use betapool_core::Counters;
use betapool_metrics::{MetricsCollector, PoolStats};

/// Everything read from the engine at one moment, to be combined with the collector.
#[derive(Debug, Clone)]
pub(crate) struct Gauges<'a> {
    pub(crate) name: &'a str,
    pub(crate) min: usize,
    pub(crate) max: usize,
    pub(crate) live: usize,
    pub(crate) idle: usize,
    pub(crate) queued: usize,
    pub(crate) counters: Counters,
}

impl Gauges<'_> {
    /// The snapshot the metrics crate formats for Prometheus. Its counters mean slightly
    /// different things from the engine's, so they are translated: `submitted` counts accepted
    /// tasks only, and `completed` counts every task that ran, panicked or not. The scale
    /// counts are 0: only a controller knows them, and it fills them in.
    pub(crate) fn pool_stats(&self, collector: &MetricsCollector) -> PoolStats {
        let c = self.counters;
        PoolStats {
            name: self.name.to_owned(),
            current_threads: self.live,
            min_threads: self.min,
            max_threads: self.max,
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
