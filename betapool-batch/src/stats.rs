//! The runtime's counters and their snapshot: requests accepted, refused, cancelled and
//! expired; batches by size and by release reason; queue wait and latency percentiles; the
//! fitted cost. Kept under the queue's lock, where every event that changes them happens.

use std::time::{Duration, Instant};

use betapool_metrics::Percentiles;

use crate::policy::{CostFit, ReleaseReason};
use crate::queue::Finished;

/// The number of recent requests whose queue wait and latency the percentiles are taken over:
/// enough that a P99 rests on 40 requests, small enough to sort at every snapshot.
const RECENT: usize = 4096;

/// Upper bounds of the batch-size histogram's buckets (powers of two); larger batches fall in
/// the last, open bucket.
pub const BATCH_SIZE_BUCKETS: [u64; 11] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

/// The last `RECENT` durations.
#[derive(Debug, Default)]
struct Ring {
    buf: Vec<Duration>,
    next: usize,
}

impl Ring {
    fn push(&mut self, d: Duration) {
        if self.buf.len() < RECENT {
            self.buf.push(d);
        } else {
            self.buf[self.next] = d;
        }
        self.next = (self.next + 1) % RECENT;
    }

    fn percentiles(&self) -> Option<Percentiles> {
        Percentiles::from_unsorted(self.buf.iter().copied())
    }
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) accepted: u64,
    pub(crate) rejected_full: u64,
    pub(crate) rejected_deadline: u64,
    pub(crate) cancelled: u64,
    pub(crate) expired: u64,
    pub(crate) stopped: u64,
    batches: u64,
    items: u64,
    weight: u64,
    completed: u64,
    failed_batches: u64,
    failed_items: u64,
    model_time: Duration,
    reasons: [u64; 4],
    sizes: [u64; BATCH_SIZE_BUCKETS.len() + 1],
    queue_wait: Ring,
    latency: Ring,
}

impl Counters {
    pub(crate) fn record_batch(&mut self, done: &Finished, now: Instant) {
        if done.items > 0 {
            self.batches += 1;
            self.items += done.items as u64;
            self.weight += done.weight;
            self.model_time += done.took;
            self.reasons[done.reason.index()] += 1;
            let bucket = BATCH_SIZE_BUCKETS
                .iter()
                .position(|&b| done.items as u64 <= b)
                .unwrap_or(BATCH_SIZE_BUCKETS.len());
            self.sizes[bucket] += 1;
            if done.failed {
                self.failed_batches += 1;
                self.failed_items += done.items as u64;
            } else {
                self.completed += done.items as u64;
            }
        }
        for &accepted in &done.accepted {
            self.queue_wait
                .push(done.taken.saturating_duration_since(accepted));
            self.latency.push(now.saturating_duration_since(accepted));
        }
    }

    pub(crate) fn snapshot(&self, cost: Option<CostFit>, policy: &'static str) -> BatchStats {
        let waits = self.queue_wait.percentiles();
        let lat = self.latency.percentiles();
        BatchStats {
            policy,
            accepted: self.accepted,
            rejected_full: self.rejected_full,
            rejected_deadline: self.rejected_deadline,
            cancelled: self.cancelled,
            expired: self.expired,
            stopped: self.stopped,
            batches: self.batches,
            items: self.items,
            completed: self.completed,
            failed_batches: self.failed_batches,
            failed_items: self.failed_items,
            model_time: self.model_time,
            releases: ReleaseReason::ALL.map(|r| (r, self.reasons[r.index()])),
            batch_sizes: self.sizes,
            queue_wait_p50: waits.map(|p| p.p50),
            queue_wait_p99: waits.map(|p| p.p99),
            latency_p50: lat.map(|p| p.p50),
            latency_p99: lat.map(|p| p.p99),
            cost,
        }
    }
}

/// A snapshot of a runtime's batching: what [`InferenceRuntime::stats`](crate::InferenceRuntime::stats)
/// returns and what its Prometheus text is made of.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct BatchStats {
    /// The policy's name (`fixed` or `adaptive`).
    pub policy: &'static str,
    /// Requests accepted into the queue.
    pub accepted: u64,
    /// Requests refused because the queue was full.
    pub rejected_full: u64,
    /// Requests refused because they were predicted to miss their deadline or the target.
    pub rejected_deadline: u64,
    /// Queued requests whose future was dropped before a batch took them (each counted once).
    pub cancelled: u64,
    /// Requests whose deadline passed while queued (failed, never run).
    pub expired: u64,
    /// Requests still queued when the runtime stopped (failed with `Stopped`).
    pub stopped: u64,
    /// Batches run.
    pub batches: u64,
    /// Requests run through the model (the seed's `total_inferences`).
    pub items: u64,
    /// Requests that got an output.
    pub completed: u64,
    /// Batches on which the model failed (error, panic or wrong output count).
    pub failed_batches: u64,
    /// Requests in those batches.
    pub failed_items: u64,
    /// Time spent in the model, all batches.
    pub model_time: Duration,
    /// Batches by release reason.
    pub releases: [(ReleaseReason, u64); 4],
    /// Batches by size: bucket i counts batches of at most `BATCH_SIZE_BUCKETS[i]` requests
    /// (and more than the bucket before); the last counts larger ones.
    pub batch_sizes: [u64; BATCH_SIZE_BUCKETS.len() + 1],
    /// Median time from acceptance to being taken by a batch, over recent requests.
    pub queue_wait_p50: Option<Duration>,
    /// 99th percentile of the same.
    pub queue_wait_p99: Option<Duration>,
    /// Median time from acceptance to output, over recent requests.
    pub latency_p50: Option<Duration>,
    /// 99th percentile of the same.
    pub latency_p99: Option<Duration>,
    /// The fitted batch cost, once enough batches have run.
    pub cost: Option<CostFit>,
}

impl BatchStats {
    /// The mean time of one batch in the model (the seed's `avg_batch_time`), zero before any.
    pub fn avg_batch_time(&self) -> Duration {
        if self.batches == 0 {
            Duration::ZERO
        } else {
            self.model_time / self.batches.min(u32::MAX as u64) as u32
        }
    }

    /// The mean number of requests per batch, zero before any.
    pub fn mean_batch_size(&self) -> f64 {
        if self.batches == 0 {
            0.0
        } else {
            self.items as f64 / self.batches as f64
        }
    }
}
