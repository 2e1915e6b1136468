//! Everything a collector knows about its window, gathered into one value (the seed's
//! `AggregatedMetrics`).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{Percentiles, TaskSample, stats};

/// Statistics over one window of task samples.
///
/// Unknown quantities are `None` rather than zero, so that "no CPU-time readings" cannot be
/// mistaken for "no CPU used". In JSON, durations are written as fractional seconds in fields
/// ending in `_s`, the same convention as [`Percentiles`].
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_metrics::{MetricsCollector, TaskSample};
///
/// let ms = Duration::from_millis;
/// let mut collector = MetricsCollector::default();
/// collector.record(TaskSample::success(1, ms(10), Some(ms(5)), ms(0)));
/// collector.record(TaskSample::failure(2, ms(30), None, ms(500), "timeout"));
///
/// let agg = collector.aggregated();
/// assert_eq!(agg.sample_count, 2);
/// assert_eq!((agg.success_count, agg.failure_count), (1, 1));
/// assert_eq!(agg.mean_blocking_ratio, Some(0.5));
/// assert_eq!(agg.throughput, 2.0);
/// assert_eq!(agg.mean_wall_time, Some(ms(20)));
/// assert_eq!(agg.mean_cpu_time, Some(ms(5)));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AggregatedMetrics {
    /// Samples in the window.
    pub sample_count: usize,
    /// Samples in the window whose task succeeded.
    pub success_count: usize,
    /// Samples in the window whose task failed.
    pub failure_count: usize,
    /// Mean β over the samples whose β is known; `None` when none is.
    pub mean_blocking_ratio: Option<f64>,
    /// Population standard deviation of those β values; `None` when none is known.
    pub blocking_ratio_std: Option<f64>,
    /// Completions per second across the window; see [`MetricsCollector::throughput`].
    ///
    /// [`MetricsCollector::throughput`]: crate::MetricsCollector::throughput
    pub throughput: f64,
    /// Nearest-rank P50/P95/P99 of wall time; `None` for an empty window.
    pub latency: Option<Percentiles>,
    /// Mean wall time; `None` for an empty window.
    #[serde(
        rename = "mean_wall_time_s",
        with = "crate::serde_secs::option",
        default
    )]
    pub mean_wall_time: Option<Duration>,
    /// Mean CPU time over the samples whose CPU time is known; `None` when none is.
    #[serde(
        rename = "mean_cpu_time_s",
        with = "crate::serde_secs::option",
        default
    )]
    pub mean_cpu_time: Option<Duration>,
}

impl AggregatedMetrics {
    /// Computes the statistics of `samples`, taken as one window in any timestamp order.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_metrics::{AggregatedMetrics, TaskSample};
    ///
    /// let ms = Duration::from_millis;
    /// let samples = [
    ///     TaskSample::success(1, ms(4), Some(ms(1)), ms(1000)),
    ///     TaskSample::success(2, ms(4), Some(ms(1)), ms(0)),
    /// ];
    /// let agg = AggregatedMetrics::from_samples(&samples);
    /// assert_eq!(agg.mean_blocking_ratio, Some(0.75));
    /// assert_eq!(agg.blocking_ratio_std, Some(0.0));
    /// assert_eq!(agg.throughput, 1.0);
    ///
    /// assert_eq!(AggregatedMetrics::from_samples(&[]), AggregatedMetrics::default());
    /// ```
    pub fn from_samples<'a, I>(samples: I) -> Self
    where
        I: IntoIterator<Item = &'a TaskSample>,
        I::IntoIter: Clone,
    {
        let samples = samples.into_iter();
        let sample_count = samples.clone().count();
        let success_count = samples.clone().filter(|s| s.success).count();
        let beta = stats::blocking_ratio_mean_std(samples.clone());
        Self {
            sample_count,
            success_count,
            failure_count: sample_count - success_count,
            mean_blocking_ratio: beta.map(|b| b.mean),
            blocking_ratio_std: beta.map(|b| b.std),
            throughput: stats::span_throughput(samples.clone()),
            latency: Percentiles::from_unsorted(samples.clone().map(|s| s.wall_time)),
            mean_wall_time: stats::mean_duration(samples.clone().map(|s| s.wall_time)),
            mean_cpu_time: stats::mean_duration(samples.filter_map(|s| s.cpu_time)),
        }
    }
}

#[cfg(test)]
mod tests;
