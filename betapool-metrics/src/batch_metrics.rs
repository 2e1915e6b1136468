//! `BatchMetrics`: a plain snapshot of one inference runtime's batching, for Prometheus and JSON.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::Histogram;

/// A point-in-time snapshot of one micro-batching runtime: what it admitted and refused, how
/// its requests ended, how its batches were released and how large they were, how long
/// requests waited, and the batch cost it fitted.
///
/// The snapshot is plain data: a runtime fills it in, and this crate only formats it
/// ([`prometheus::encode_batch`](crate::prometheus::encode_batch)). Counters count since the
/// runtime was built and never go down. In JSON every duration is fractional seconds.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_metrics::{BatchMetrics, Histogram};
///
/// let metrics = BatchMetrics {
///     name: "embed".to_owned(),
///     policy: "adaptive".to_owned(),
///     accepted: 10,
///     completed: 10,
///     batches: 3,
///     releases: vec![("size".to_owned(), 2), ("delay".to_owned(), 1)],
///     batch_sizes: Histogram::from_counts(&[1.0, 2.0, 4.0], &[0, 1, 2], 10.0),
///     queue_wait_p50: Some(Duration::from_millis(2)),
///     ..BatchMetrics::default()
/// };
/// let json = serde_json::to_value(&metrics).unwrap();
/// assert_eq!(json["queue_wait_p50"], 0.002);
/// assert_eq!(json["cost_fixed"], serde_json::Value::Null);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BatchMetrics {
    /// The runtime's name, used as the `runtime` label in Prometheus output.
    pub name: String,
    /// The name of the batching policy the runtime runs.
    pub policy: String,
    /// Requests queued now.
    pub queue_depth: usize,
    /// Requests accepted into the queue.
    pub accepted: u64,
    /// Requests refused because the queue was full.
    pub rejected_full: u64,
    /// Requests refused because they were predicted to miss their deadline.
    pub rejected_deadline: u64,
    /// Accepted requests whose caller gave up before a batch took them.
    pub cancelled: u64,
    /// Accepted requests whose deadline passed while they were queued.
    pub expired: u64,
    /// Accepted requests still queued when the runtime stopped.
    pub stopped: u64,
    /// Requests that got an output.
    pub completed: u64,
    /// Requests in batches on which the model failed.
    pub failed: u64,
    /// Batches run.
    pub batches: u64,
    /// Batches on which the model failed.
    pub failed_batches: u64,
    /// Batches by the reason they were released, in the order to report them.
    pub releases: Vec<(String, u64)>,
    /// Batch sizes in requests: its count is the batches, its sum the requests run.
    pub batch_sizes: Histogram,
    /// Time spent in the model, all batches.
    #[serde(with = "crate::serde_secs")]
    pub model_time: Duration,
    /// Median time from acceptance to being taken by a batch, over recent requests.
    #[serde(with = "crate::serde_secs::option")]
    pub queue_wait_p50: Option<Duration>,
    /// 99th percentile of the same.
    #[serde(with = "crate::serde_secs::option")]
    pub queue_wait_p99: Option<Duration>,
    /// Median time from acceptance to output, over recent requests.
    #[serde(with = "crate::serde_secs::option")]
    pub latency_p50: Option<Duration>,
    /// 99th percentile of the same.
    #[serde(with = "crate::serde_secs::option")]
    pub latency_p99: Option<Duration>,
    /// The fitted cost of a batch that carries nothing; `None` until a cost is fitted.
    #[serde(with = "crate::serde_secs::option")]
    pub cost_fixed: Option<Duration>,
    /// The fitted cost of one more unit of weight in a batch (one request, unless the model
    /// weighs its inputs); `None` until a cost is fitted.
    #[serde(with = "crate::serde_secs::option")]
    pub cost_per_weight: Option<Duration>,
}

#[cfg(test)]
mod tests;
