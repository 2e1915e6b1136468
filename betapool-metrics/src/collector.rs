//! A bounded history of task samples with a rolling window over the most recent ones (the
//! seed's `MetricsCollector`).

use std::collections::VecDeque;
use std::collections::vec_deque;
use std::time::Duration;

use crate::error::ErrorKind;
use crate::{AggregatedMetrics, MetricsError, Percentiles, TaskRecord, TaskSample, stats};

/// The default number of most recent samples the window statistics are computed over.
///
/// It is the seed's value. A hundred samples is the smallest count at which the nearest-rank
/// P99 is not simply the maximum, and small enough that the window follows a change of
/// workload within a hundred completions.
///
/// # Examples
///
/// ```
/// use betapool_metrics::{DEFAULT_WINDOW_SIZE, MetricsCollector};
///
/// assert_eq!(MetricsCollector::default().window_size(), DEFAULT_WINDOW_SIZE);
/// ```
pub const DEFAULT_WINDOW_SIZE: usize = 100;

/// The default number of samples kept for export before the oldest are dropped.
///
/// It is the seed's value: enough for an experiment log of a typical benchmark run, while
/// bounding memory to about a megabyte (a sample is roughly a hundred bytes).
///
/// # Examples
///
/// ```
/// use betapool_metrics::{DEFAULT_MAX_HISTORY, MetricsCollector};
///
/// assert_eq!(MetricsCollector::default().max_history(), DEFAULT_MAX_HISTORY);
/// ```
pub const DEFAULT_MAX_HISTORY: usize = 10_000;

// `Default` skips the checks in `new`, so the defaults must pass them at compile time.
const _: () = assert!(0 < DEFAULT_WINDOW_SIZE && DEFAULT_WINDOW_SIZE <= DEFAULT_MAX_HISTORY);

/// Keeps the last `max_history` task samples and answers questions about the last
/// `window_size` of them.
///
/// The collector is plain data with `&mut self` updates; a pool that records from many threads
/// wraps it in its own lock. The window is the `window_size` samples *recorded* most recently,
/// which under concurrency need not be the ones with the latest timestamps: samples may arrive
/// out of timestamp order, so rates use the earliest and latest timestamps in the window rather
/// than its first and last entries.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_metrics::{MetricsCollector, TaskSample};
///
/// let ms = Duration::from_millis;
/// let mut collector = MetricsCollector::new(2, 3)?;
/// for id in 0..5 {
///     collector.record(TaskSample::success(id, ms(10), None, ms(100 * id)));
/// }
/// assert_eq!(collector.len(), 3);
/// assert_eq!(collector.total_recorded(), 5);
/// let window: Vec<u64> = collector.window().map(|s| s.task_id).collect();
/// assert_eq!(window, [3, 4]);
/// # Ok::<(), betapool_metrics::MetricsError>(())
/// ```
#[derive(Clone, Debug)]
pub struct MetricsCollector {
    /// How many of the most recent samples the statistics cover; at least 1.
    window_size: usize,
    /// How many samples the history holds; at least `window_size`.
    max_history: usize,
    /// Samples in the order they were recorded, oldest at the front.
    history: VecDeque<TaskSample>,
    /// Samples recorded since construction or the last reset, including dropped ones.
    total_recorded: u64,
}

impl MetricsCollector {
    /// A collector whose statistics cover the last `window_size` samples and whose history keeps
    /// the last `max_history`.
    ///
    /// # Errors
    ///
    /// Fails when either size is zero, or when `max_history < window_size`, because the window
    /// is taken from the history. The message names the parameter and value at fault.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_metrics::MetricsCollector;
    ///
    /// assert!(MetricsCollector::new(10, 1_000).is_ok());
    /// assert_eq!(
    ///     MetricsCollector::new(10, 5).unwrap_err().to_string(),
    ///     "max_history must be at least window_size (10), got 5",
    /// );
    /// ```
    pub fn new(window_size: usize, max_history: usize) -> Result<Self, MetricsError> {
        if window_size == 0 {
            return Err(ErrorKind::ZeroWindowSize.into());
        }
        if max_history == 0 {
            return Err(ErrorKind::ZeroMaxHistory.into());
        }
        if max_history < window_size {
            return Err(ErrorKind::HistoryShorterThanWindow {
                window_size,
                max_history,
            }
            .into());
        }
        Ok(Self {
            window_size,
            max_history,
            history: VecDeque::new(),
            total_recorded: 0,
        })
    }

    /// The number of most recent samples the statistics cover.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_metrics::MetricsCollector;
    ///
    /// assert_eq!(MetricsCollector::new(8, 64)?.window_size(), 8);
    /// # Ok::<(), betapool_metrics::MetricsError>(())
    /// ```
    pub fn window_size(&self) -> usize {
        self.window_size
    }

    /// The number of samples the history keeps before dropping the oldest.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_metrics::MetricsCollector;
    ///
    /// assert_eq!(MetricsCollector::new(8, 64)?.max_history(), 64);
    /// # Ok::<(), betapool_metrics::MetricsError>(())
    /// ```
    pub fn max_history(&self) -> usize {
        self.max_history
    }

    /// Adds a finished task's sample, dropping the oldest sample once the history is full.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_metrics::{MetricsCollector, TaskSample};
    ///
    /// let mut collector = MetricsCollector::default();
    /// collector.record(TaskSample::success(1, Duration::from_millis(3), None, Duration::ZERO));
    /// assert_eq!(collector.len(), 1);
    /// ```
    pub fn record(&mut self, sample: TaskSample) {
        if self.history.len() == self.max_history {
            self.history.pop_front();
        }
        self.history.push_back(sample);
        self.total_recorded = self.total_recorded.saturating_add(1);
    }

    /// The number of samples held in the history (at most `max_history`).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_metrics::{MetricsCollector, TaskSample};
    ///
    /// let mut collector = MetricsCollector::new(1, 2)?;
    /// for id in 0..3 {
    ///     collector.record(TaskSample::success(id, Duration::ZERO, None, Duration::ZERO));
    /// }
    /// assert_eq!(collector.len(), 2);
    /// # Ok::<(), betapool_metrics::MetricsError>(())
    /// ```
    pub fn len(&self) -> usize {
        self.history.len()
    }

    /// Whether no sample has been recorded since construction or the last reset.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_metrics::MetricsCollector;
    ///
    /// assert!(MetricsCollector::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.history.is_empty()
    }

    /// The number of samples recorded since construction or the last reset, including those
    /// already dropped from the history.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_metrics::{MetricsCollector, TaskSample};
    ///
    /// let mut collector = MetricsCollector::new(1, 1)?;
    /// for id in 0..5 {
    ///     collector.record(TaskSample::success(id, Duration::ZERO, None, Duration::ZERO));
    /// }
    /// assert_eq!((collector.len(), collector.total_recorded()), (1, 5));
    /// # Ok::<(), betapool_metrics::MetricsError>(())
    /// ```
    pub fn total_recorded(&self) -> u64 {
        self.total_recorded
    }

    /// The samples in the window, in the order they were recorded.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_metrics::{MetricsCollector, TaskSample};
    ///
    /// let mut collector = MetricsCollector::new(2, 10)?;
    /// for id in 0..3 {
    ///     collector.record(TaskSample::success(id, Duration::ZERO, None, Duration::ZERO));
    /// }
    /// assert_eq!(collector.window().len(), 2);
    /// assert_eq!(collector.window().next().unwrap().task_id, 1);
    /// # Ok::<(), betapool_metrics::MetricsError>(())
    /// ```
    pub fn window(&self) -> vec_deque::Iter<'_, TaskSample> {
        let start = self.history.len().saturating_sub(self.window_size);
        self.history.range(start..)
    }

    /// The mean β over the window's samples whose β is known; `None` when none is.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_metrics::{MetricsCollector, TaskSample};
    ///
    /// let ms = Duration::from_millis;
    /// let mut collector = MetricsCollector::default();
    /// assert_eq!(collector.recent_blocking_ratio(), None);
    /// collector.record(TaskSample::success(1, ms(4), Some(ms(1)), ms(0)));
    /// collector.record(TaskSample::success(2, ms(4), None, ms(0)));
    /// assert_eq!(collector.recent_blocking_ratio(), Some(0.75));
    /// ```
    pub fn recent_blocking_ratio(&self) -> Option<f64> {
        stats::blocking_ratio_mean_std(self.window()).map(|b| b.mean)
    }

    /// The population standard deviation of the known β values in the window; `None` when none
    /// is known.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_metrics::{MetricsCollector, TaskSample};
    ///
    /// let ms = Duration::from_millis;
    /// let mut collector = MetricsCollector::default();
    /// collector.record(TaskSample::success(1, ms(4), Some(ms(4)), ms(0))); // β = 0
    /// collector.record(TaskSample::success(2, ms(4), Some(ms(0)), ms(0))); // β = 1
    /// assert_eq!(collector.blocking_ratio_std(), Some(0.5));
    /// ```
    pub fn blocking_ratio_std(&self) -> Option<f64> {
        stats::blocking_ratio_mean_std(self.window()).map(|b| b.std)
    }

    /// Completions per second across the window, from its own timestamps.
    ///
    /// With `n >= 2` samples the rate is `(n − 1) / (latest − earliest)`: `n` completions mark
    /// `n − 1` intervals, so two tasks a second apart are one task per second. The seed divided
    /// `n` by the span, which overstates short windows (two samples a millisecond apart would
    /// read as 2000 tasks per second). Earliest and latest are the minimum and maximum
    /// timestamps, not the first and last recorded, since samples may arrive out of order.
    /// Fewer than two samples, or all at the same instant, give `0.0`; the result is never NaN
    /// or infinite. Use [`throughput_at`](Self::throughput_at) to see the rate fall when
    /// completions stop.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_metrics::{MetricsCollector, TaskSample};
    ///
    /// let ms = Duration::from_millis;
    /// let mut collector = MetricsCollector::default();
    /// assert_eq!(collector.throughput(), 0.0);
    /// for (id, t) in [(1, 250), (2, 0), (3, 500)] {
    ///     collector.record(TaskSample::success(id, ms(1), None, ms(t)));
    /// }
    /// assert_eq!(collector.throughput(), 4.0);
    /// ```
    pub fn throughput(&self) -> f64 {
        stats::span_throughput(self.window())
    }

    /// Completions per second from the window's earliest timestamp until `now`.
    ///
    /// This counts every sample in the window over the time since the earliest of them, so
    /// unlike [`throughput`](Self::throughput) it falls when completions stop. `now` is a
    /// timestamp from the same epoch as the samples. When the window is empty or `now` is not
    /// after its earliest timestamp, the result is `0.0`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_metrics::{MetricsCollector, TaskSample};
    ///
    /// let ms = Duration::from_millis;
    /// let mut collector = MetricsCollector::default();
    /// collector.record(TaskSample::success(1, ms(1), None, ms(1000)));
    /// collector.record(TaskSample::success(2, ms(1), None, ms(1500)));
    /// assert_eq!(collector.throughput_at(ms(2000)), 2.0);
    /// assert_eq!(collector.throughput_at(ms(5000)), 0.5);
    /// assert_eq!(collector.throughput_at(ms(1000)), 0.0);
    /// ```
    pub fn throughput_at(&self, now: Duration) -> f64 {
        stats::throughput_until(self.window(), now)
    }

    /// Nearest-rank P50/P95/P99 of wall time over the window; `None` when it is empty.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_metrics::{MetricsCollector, TaskSample};
    ///
    /// let ms = Duration::from_millis;
    /// let mut collector = MetricsCollector::default();
    /// assert_eq!(collector.latency_percentiles(), None);
    /// for id in 1..=100 {
    ///     collector.record(TaskSample::success(id, ms(id), None, ms(id)));
    /// }
    /// let p = collector.latency_percentiles().unwrap();
    /// assert_eq!((p.p50, p.p95, p.p99), (ms(50), ms(95), ms(99)));
    /// ```
    pub fn latency_percentiles(&self) -> Option<Percentiles> {
        Percentiles::from_unsorted(self.window().map(|s| s.wall_time))
    }

    /// All the window statistics at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_metrics::{MetricsCollector, TaskSample};
    ///
    /// let ms = Duration::from_millis;
    /// let mut collector = MetricsCollector::default();
    /// collector.record(TaskSample::success(1, ms(8), Some(ms(2)), ms(0)));
    /// let agg = collector.aggregated();
    /// assert_eq!(agg.sample_count, 1);
    /// assert_eq!(agg.mean_blocking_ratio, collector.recent_blocking_ratio());
    /// assert_eq!(agg.latency, collector.latency_percentiles());
    /// ```
    pub fn aggregated(&self) -> AggregatedMetrics {
        AggregatedMetrics::from_samples(self.window())
    }

    /// Forgets every sample and sets [`total_recorded`](Self::total_recorded) back to zero; the
    /// sizes are kept.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_metrics::{MetricsCollector, TaskSample};
    ///
    /// let mut collector = MetricsCollector::default();
    /// collector.record(TaskSample::success(1, Duration::ZERO, None, Duration::ZERO));
    /// collector.reset();
    /// assert!(collector.is_empty());
    /// assert_eq!(collector.total_recorded(), 0);
    /// ```
    pub fn reset(&mut self) {
        self.history.clear();
        self.total_recorded = 0;
    }

    /// The whole history as flat rows, oldest recorded first (the seed's `export_to_list`).
    ///
    /// Rows come in recording order, not sorted by timestamp, so that an export shows what the
    /// pool saw and when.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_metrics::{MetricsCollector, TaskSample};
    ///
    /// let mut collector = MetricsCollector::default();
    /// collector.record(TaskSample::success(1, Duration::from_millis(250), None, Duration::ZERO));
    /// let rows = collector.export();
    /// assert_eq!(rows.len(), 1);
    /// assert_eq!(rows[0].wall_time_s, 0.25);
    /// ```
    pub fn export(&self) -> Vec<TaskRecord> {
        self.history.iter().map(TaskRecord::from).collect()
    }
}

impl Default for MetricsCollector {
    /// A collector with [`DEFAULT_WINDOW_SIZE`] and [`DEFAULT_MAX_HISTORY`].
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_metrics::MetricsCollector;
    ///
    /// let collector = MetricsCollector::default();
    /// assert_eq!((collector.window_size(), collector.max_history()), (100, 10_000));
    /// ```
    fn default() -> Self {
        Self {
            window_size: DEFAULT_WINDOW_SIZE,
            max_history: DEFAULT_MAX_HISTORY,
            history: VecDeque::new(),
            total_recorded: 0,
        }
    }
}

#[cfg(test)]
mod tests;
