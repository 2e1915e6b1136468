//! The process-wide registry of running runtimes, so a stats endpoint can report every
//! runtime of the process (`betapool serve`'s `/metrics`) without being handed them.
//!
//! A runtime registers when [`start`](crate::InferenceRuntime::start) succeeds and
//! unregisters when it stops or is dropped. The registry holds only a weak reference to the
//! runtime's queue, so it never keeps a runtime (or the requests queued in it) alive.
//!
//! ```
//! use std::time::Duration;
//! use betapool_batch::{BatchModel, BoxError, EnvOverrides, InferenceRuntime, registry};
//!
//! struct Echo;
//! impl BatchModel for Echo {
//!     type Input = u8;
//!     type Output = u8;
//!     fn infer_batch(&self, xs: Vec<u8>) -> Result<Vec<u8>, BoxError> {
//!         Ok(xs)
//!     }
//! }
//!
//! let runtime = InferenceRuntime::builder(|_| Ok(Echo))
//!     .name("registry-doc")
//!     .env(EnvOverrides::default())
//!     .build()?;
//! let registered = || registry::registered_metrics().iter().any(|m| m.name == "registry-doc");
//! assert!(!registered());
//! runtime.start()?;
//! assert!(registered());
//! runtime.stop(Duration::from_secs(1));
//! assert!(!registered());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError, Weak};

use betapool_metrics::{BatchMetrics, Histogram};

use crate::loom::std_only::Arc;
use crate::queue::Queue;
use crate::{BATCH_SIZE_BUCKETS, BatchModel, BatchStats, InferenceRuntime};

/// What the registry calls to read one runtime: its metrics, or `None` once the runtime is
/// gone.
type Source = Arc<dyn Fn() -> Option<BatchMetrics> + Send + Sync>;

/// The registered runtimes, in registration order, each under an id no other registration
/// of this process gets.
struct Registry {
    next_id: u64,
    entries: Vec<(u64, Source)>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry {
    next_id: 0,
    entries: Vec::new(),
});

fn registry() -> std::sync::MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A runtime's place in the registry: dropping it unregisters the runtime.
#[derive(Debug)]
pub(crate) struct Registration {
    id: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        registry().entries.retain(|(id, _)| *id != self.id);
    }
}

/// Registers the runtime named `name` whose requests go through `queue`.
pub(crate) fn register<I, O>(name: &str, queue: &Arc<Queue<I, O>>) -> Registration
where
    I: Send + 'static,
    O: Send + 'static,
{
    let name = name.to_owned();
    let queue: Weak<Queue<I, O>> = Arc::downgrade(queue);
    let source: Source = Arc::new(move || {
        let queue = queue.upgrade()?;
        let stats = snapshot(&queue);
        Some(to_metrics(&name, &stats, queue.depth()))
    });
    let mut registry = registry();
    let id = registry.next_id;
    registry.next_id += 1;
    registry.entries.push((id, source));
    Registration { id }
}

/// The batching metrics of every runtime registered in this process, in the order they
/// started.
///
/// Runtime names are the `runtime` label in Prometheus, where two series with the same labels
/// make the whole scrape fail: a name already taken by an earlier runtime gets `#2`, `#3`, …
/// appended here.
///
/// # Examples
///
/// ```
/// // A process that started no runtime has none registered.
/// assert!(betapool_batch::registry::registered_metrics().is_empty());
/// ```
pub fn registered_metrics() -> Vec<BatchMetrics> {
    // The sources are called outside the registry's lock: each takes its runtime's queue lock,
    // and a runtime registers while holding its own start lock, so holding both here would
    // order the locks one way in a scrape and the other way in a start.
    let sources: Vec<Source> = registry()
        .entries
        .iter()
        .map(|(_, source)| Arc::clone(source))
        .collect();
    let mut taken = HashSet::new();
    let mut all = Vec::with_capacity(sources.len());
    for source in sources {
        let Some(mut metrics) = source() else {
            continue;
        };
        if !taken.insert(metrics.name.clone()) {
            let base = std::mem::take(&mut metrics.name);
            metrics.name = (2..)
                .map(|n| format!("{base}#{n}"))
                .find(|name| !taken.contains(name))
                .unwrap_or(base);
            taken.insert(metrics.name.clone());
        }
        all.push(metrics);
    }
    all
}

/// Appends the Prometheus text of every registered runtime to `out` (nothing when none is
/// registered): the `betapool_batch_*` families of
/// [`prometheus::encode_batch`](betapool_metrics::prometheus::encode_batch).
///
/// Its signature fits a stats server's source of extra `/metrics` text, such as
/// `betapool_group::StatsServer::start_with_metrics`.
///
/// # Examples
///
/// ```
/// let mut out = String::new();
/// betapool_batch::registry::prometheus_text(&mut out);
/// // No runtime is registered in this process.
/// assert_eq!(out, "");
/// ```
pub fn prometheus_text(out: &mut String) {
    betapool_metrics::prometheus::encode_batch(&registered_metrics(), out);
}

impl<M: BatchModel> InferenceRuntime<M> {
    /// The runtime's batching counters as [`BatchMetrics`], the plain data that
    /// [`prometheus::encode_batch`](betapool_metrics::prometheus::encode_batch) formats:
    /// [`stats`](InferenceRuntime::stats) with the runtime's name and queue depth.
    ///
    /// ```
    /// use betapool_batch::{BatchModel, BoxError, EnvOverrides, InferenceRuntime};
    ///
    /// struct Echo;
    /// impl BatchModel for Echo {
    ///     type Input = u8;
    ///     type Output = u8;
    ///     fn infer_batch(&self, xs: Vec<u8>) -> Result<Vec<u8>, BoxError> {
    ///         Ok(xs)
    ///     }
    /// }
    ///
    /// let runtime = InferenceRuntime::builder(|_| Ok(Echo))
    ///     .name("echo")
    ///     .env(EnvOverrides::default())
    ///     .build()?;
    /// runtime.start()?;
    /// runtime.infer(7).wait()?;
    /// let metrics = runtime.batch_metrics();
    /// assert_eq!((metrics.name.as_str(), metrics.accepted, metrics.completed), ("echo", 1, 1));
    /// assert_eq!(metrics.batch_sizes.count, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn batch_metrics(&self) -> BatchMetrics {
        to_metrics(self.name(), &self.stats(), self.queue_depth())
    }
}

/// The counters of the runtime behind `queue`, as [`InferenceRuntime::stats`] reads them.
fn snapshot<I, O>(queue: &Queue<I, O>) -> BatchStats {
    let st = queue.lock();
    st.counters.snapshot(st.policy.cost(), st.policy.name())
}

/// `stats` as the plain data `betapool-metrics` formats.
fn to_metrics(name: &str, stats: &BatchStats, queue_depth: usize) -> BatchMetrics {
    let bounds = BATCH_SIZE_BUCKETS.map(|b| b as f64);
    BatchMetrics {
        name: name.to_owned(),
        policy: stats.policy.to_owned(),
        queue_depth,
        accepted: stats.accepted,
        rejected_full: stats.rejected_full,
        rejected_deadline: stats.rejected_deadline,
        cancelled: stats.cancelled,
        expired: stats.expired,
        stopped: stats.stopped,
        completed: stats.completed,
        failed: stats.failed_items,
        batches: stats.batches,
        failed_batches: stats.failed_batches,
        releases: stats
            .releases
            .iter()
            .map(|(reason, n)| (reason.as_str().to_owned(), *n))
            .collect(),
        // Every batch counted has at least one request, so the histogram's count is the
        // batches and its sum the requests run.
        batch_sizes: Histogram::from_counts(&bounds, &stats.batch_sizes, stats.items as f64),
        model_time: stats.model_time,
        queue_wait_p50: stats.queue_wait_p50,
        queue_wait_p99: stats.queue_wait_p99,
        latency_p50: stats.latency_p50,
        latency_p99: stats.latency_p99,
        cost_fixed: stats.cost.map(|c| c.fixed),
        cost_per_weight: stats.cost.map(|c| c.per_weight),
    }
}

// The tests drive real runtimes, whose queues take loom's primitives under `cfg(loom)`, where
// only a loom model may touch them.
#[cfg(all(test, not(loom)))]
mod tests;
