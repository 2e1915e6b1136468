//! Task samples, rolling windows, percentiles, exports and Prometheus text for betapool pools.
//!
//! This crate is pure data and arithmetic. It knows nothing of threads or clocks: it never reads
//! the time itself, so every timestamp is a [`Duration`](std::time::Duration) since an epoch the
//! caller chooses, and every result can be checked in a test without sleeping.
//!
//! - [`TaskSample`]: one finished task (wall time, CPU time, blocking ratio, outcome).
//! - [`blocking_ratio`]: β = 1 − cpu/wall, clamped to `[0, 1]`.
//! - [`MetricsCollector`]: bounded history plus a rolling window of the most recent samples.
//! - [`DEFAULT_WINDOW_SIZE`] and [`DEFAULT_MAX_HISTORY`]: the collector's default sizes.
//! - [`AggregatedMetrics`]: everything the collector knows about its window, in one value.
//! - [`percentile`]: nearest-rank percentile of a sorted slice.
//! - [`Percentiles`]: P50, P95 and P99 latency.
//! - [`TaskRecord`]: a flat, serialisable row for one sample.
//! - [`CsvRow`]: a row type that [`write_csv`] can write.
//! - [`write_csv`]: RFC 4180 CSV for any [`CsvRow`].
//! - [`write_json`]: a JSON array for any serialisable rows.
//! - [`PoolStats`]: a snapshot of one pool's gauges and counters.
//! - [`BatchMetrics`]: a snapshot of one inference runtime's batching counters.
//! - [`Histogram`]: cumulative buckets, count and sum, as Prometheus histograms have them.
//! - [`prometheus`]: Prometheus text exposition of [`PoolStats`] ([`prometheus::encode`]) and
//!   of [`BatchMetrics`] ([`prometheus::encode_batch`]); [`prometheus::CONTENT_TYPE`].
//! - [`MetricsError`]: the one error type of this crate.
//!
//! ```
//! use std::time::Duration;
//! use betapool_metrics::{MetricsCollector, TaskSample};
//!
//! let mut collector = MetricsCollector::default();
//! let ms = Duration::from_millis;
//! collector.record(TaskSample::success(1, ms(10), Some(ms(2)), ms(100)));
//! collector.record(TaskSample::success(2, ms(10), Some(ms(2)), ms(200)));
//!
//! let beta = collector.recent_blocking_ratio().unwrap();
//! assert!((beta - 0.8).abs() < 1e-9);
//! assert_eq!(collector.throughput(), 10.0);
//! ```

#![forbid(unsafe_code)]

mod aggregate;
mod batch_metrics;
mod collector;
mod csv;
mod error;
mod export;
mod histogram;
mod json;
mod percentile;
mod pool_stats;
pub mod prometheus;
mod sample;
mod serde_secs;
mod stats;

pub use aggregate::AggregatedMetrics;
pub use batch_metrics::BatchMetrics;
pub use collector::{DEFAULT_MAX_HISTORY, DEFAULT_WINDOW_SIZE, MetricsCollector};
pub use csv::{CsvRow, write_csv};
pub use error::MetricsError;
pub use export::TaskRecord;
pub use histogram::Histogram;
pub use json::write_json;
pub use percentile::{Percentiles, percentile};
pub use pool_stats::PoolStats;
pub use sample::{TaskSample, blocking_ratio};
