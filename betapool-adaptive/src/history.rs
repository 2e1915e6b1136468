//! What the controller did and saw: the decision history and the experiment log, both
//! exportable as CSV and JSON (the seed's `get_decision_history` and `get_experiment_log`).

use std::borrow::Cow;

use betapool_core::controller::{Action, Decision, Observation};
use betapool_metrics::CsvRow;
use serde::{Deserialize, Serialize};

/// The most records each log keeps; the oldest are dropped beyond it (10 000 resizes, or
/// 1 000 s of the experiment log's 100 ms rows). Both logs take their full memory, about 1 MB
/// each, when the pool is built, so a pool that runs for weeks keeps the memory it started
/// with.
pub const LOG_LIMIT: usize = 10_000;

/// One resize the controller made.
///
/// ```
/// let executor = betapool_adaptive::AdaptiveThreadPoolExecutor::new(1, 8)?;
/// for record in executor.decision_history() {
///     println!("{:.3}s {} -> {}: {} ({})", record.timestamp_s, record.threads_before,
///              record.threads_after, record.decision, record.reason);
/// }
/// # Ok::<(), betapool_adaptive::BuildError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionRecord {
    /// Seconds since the executor started.
    pub timestamp_s: f64,
    /// The target before the decision.
    pub threads_before: usize,
    /// The target after it.
    pub threads_after: usize,
    /// The seed's blocking ratio, 1 − cpu/busy, over the sampled workers.
    pub blocking_ratio: Option<f64>,
    /// The blocking ratio corrected by run-queue delay: 1 − (cpu + run delay)/busy.
    pub beta_true: Option<f64>,
    /// Share of busy time spent waiting for a core.
    pub contention: Option<f64>,
    /// CPU utilisation in percent, as `Observation::cpu_percent` reports it.
    pub cpu_percent: Option<f64>,
    /// Tasks waiting when the decision was made.
    pub queued: usize,
    /// `grow +n`, `shrink -n`.
    pub decision: String,
    /// Why, in the policy's words.
    pub reason: String,
}

/// One row of the experiment log, written every `EXPERIMENT_INTERVAL` while the pool runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExperimentRecord {
    /// Seconds since the executor started.
    pub timestamp_s: f64,
    /// Live worker threads.
    pub threads: usize,
    /// The target size.
    pub target: usize,
    /// Workers inside a task.
    pub busy_workers: usize,
    /// Tasks waiting.
    pub queued: usize,
    /// Tasks finished since the start.
    pub completed: u64,
    /// Tasks per second since the previous row.
    pub throughput: f64,
    /// The seed's blocking ratio.
    pub blocking_ratio: Option<f64>,
    /// The corrected blocking ratio.
    pub beta_true: Option<f64>,
    /// Share of busy time spent waiting for a core.
    pub contention: Option<f64>,
    /// Cores the process used.
    pub process_cpu_cores: Option<f64>,
    /// CPU utilisation in percent.
    pub cpu_percent: Option<f64>,
}

fn opt(v: Option<f64>) -> String {
    v.map_or_else(String::new, |x| format!("{x:.6}"))
}

impl CsvRow for DecisionRecord {
    fn header() -> &'static [&'static str] {
        &[
            "timestamp_s",
            "threads_before",
            "threads_after",
            "blocking_ratio",
            "beta_true",
            "contention",
            "cpu_percent",
            "queued",
            "decision",
            "reason",
        ]
    }

    fn fields(&self) -> Vec<String> {
        vec![
            format!("{:.6}", self.timestamp_s),
            self.threads_before.to_string(),
            self.threads_after.to_string(),
            opt(self.blocking_ratio),
            opt(self.beta_true),
            opt(self.contention),
            opt(self.cpu_percent),
            self.queued.to_string(),
            self.decision.clone(),
            self.reason.clone(),
        ]
    }
}

impl CsvRow for ExperimentRecord {
    fn header() -> &'static [&'static str] {
        &[
            "timestamp_s",
            "threads",
            "target",
            "busy_workers",
            "queued",
            "completed",
            "throughput",
            "blocking_ratio",
            "beta_true",
            "contention",
            "process_cpu_cores",
            "cpu_percent",
        ]
    }

    fn fields(&self) -> Vec<String> {
        vec![
            format!("{:.6}", self.timestamp_s),
            self.threads.to_string(),
            self.target.to_string(),
            self.busy_workers.to_string(),
            self.queued.to_string(),
            self.completed.to_string(),
            format!("{:.3}", self.throughput),
            opt(self.blocking_ratio),
            opt(self.beta_true),
            opt(self.contention),
            opt(self.process_cpu_cores),
            opt(self.cpu_percent),
        ]
    }
}

/// `None` as a number the logs can store in 8 bytes; the ratios they log are never NaN.
fn pack(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

fn unpack(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}

/// A [`DecisionRecord`] as the history keeps it: the action rather than its text, and the
/// policy's reason as the policy gave it (a fixed reason costs no allocation).
#[derive(Debug, Clone)]
pub(crate) struct DecisionEntry {
    timestamp_s: f64,
    threads_before: usize,
    threads_after: usize,
    blocking_ratio: f64,
    beta_true: f64,
    contention: f64,
    cpu_percent: f64,
    queued: usize,
    action: Action,
    reason: Cow<'static, str>,
}

impl Default for DecisionEntry {
    fn default() -> DecisionEntry {
        DecisionEntry {
            timestamp_s: 0.0,
            threads_before: 0,
            threads_after: 0,
            blocking_ratio: f64::NAN,
            beta_true: f64::NAN,
            contention: f64::NAN,
            cpu_percent: f64::NAN,
            queued: 0,
            action: Action::Hold,
            reason: Cow::Borrowed(""),
        }
    }
}

impl DecisionEntry {
    /// The entry for `decision`, taken on `obs`, which moved the target to `threads_after`.
    pub(crate) fn new(obs: &Observation, decision: Decision, threads_after: usize) -> Self {
        DecisionEntry {
            timestamp_s: obs.now.as_secs_f64(),
            threads_before: obs.target,
            threads_after,
            blocking_ratio: pack(obs.naive_beta()),
            beta_true: pack(obs.beta_true()),
            contention: pack(obs.contention()),
            cpu_percent: pack(obs.cpu_percent()),
            queued: obs.queued,
            action: decision.action,
            reason: decision.reason,
        }
    }

    /// Seconds since the executor started, when the decision was made.
    pub(crate) fn timestamp_s(&self) -> f64 {
        self.timestamp_s
    }

    pub(crate) fn record(&self) -> DecisionRecord {
        DecisionRecord {
            timestamp_s: self.timestamp_s,
            threads_before: self.threads_before,
            threads_after: self.threads_after,
            blocking_ratio: unpack(self.blocking_ratio),
            beta_true: unpack(self.beta_true),
            contention: unpack(self.contention),
            cpu_percent: unpack(self.cpu_percent),
            queued: self.queued,
            decision: self.action.to_string(),
            reason: self.reason.to_string(),
        }
    }
}

/// An [`ExperimentRecord`] as the log keeps it.
#[derive(Debug, Clone)]
pub(crate) struct ExperimentEntry {
    timestamp_s: f64,
    threads: usize,
    target: usize,
    busy_workers: usize,
    queued: usize,
    completed: u64,
    throughput: f64,
    blocking_ratio: f64,
    beta_true: f64,
    contention: f64,
    process_cpu_cores: f64,
    cpu_percent: f64,
}

impl Default for ExperimentEntry {
    fn default() -> ExperimentEntry {
        ExperimentEntry::new(&Observation::default(), 0.0)
    }
}

impl ExperimentEntry {
    /// The row for `obs`, with the throughput since the previous row.
    pub(crate) fn new(obs: &Observation, throughput: f64) -> Self {
        ExperimentEntry {
            timestamp_s: obs.now.as_secs_f64(),
            threads: obs.current_threads,
            target: obs.target,
            busy_workers: obs.busy_workers,
            queued: obs.queued,
            completed: obs.completed_total,
            throughput,
            blocking_ratio: pack(obs.naive_beta()),
            beta_true: pack(obs.beta_true()),
            contention: pack(obs.contention()),
            process_cpu_cores: pack(obs.process_cpu_cores),
            cpu_percent: pack(obs.cpu_percent()),
        }
    }

    pub(crate) fn record(&self) -> ExperimentRecord {
        ExperimentRecord {
            timestamp_s: self.timestamp_s,
            threads: self.threads,
            target: self.target,
            busy_workers: self.busy_workers,
            queued: self.queued,
            completed: self.completed,
            throughput: self.throughput,
            blocking_ratio: unpack(self.blocking_ratio),
            beta_true: unpack(self.beta_true),
            contention: unpack(self.contention),
            process_cpu_cores: unpack(self.process_cpu_cores),
            cpu_percent: unpack(self.cpu_percent),
        }
    }
}

/// A log of fixed capacity whose memory is all taken, and written, when it is made: pushes
/// beyond the capacity overwrite the oldest entry, so a pool's memory stays flat however long
/// it runs instead of creeping up while the log fills (which a soak cannot tell from a leak).
#[derive(Debug)]
pub(crate) struct Ring<T> {
    slots: Box<[T]>,
    /// Where the next push goes.
    next: usize,
    /// Entries held, at most `slots.len()`.
    len: usize,
}

impl<T: Default + Clone> Ring<T> {
    /// A ring of `capacity` default entries (each written, so that its pages are resident now
    /// rather than one by one as the log fills).
    pub(crate) fn new(capacity: usize) -> Ring<T> {
        Ring {
            slots: vec![T::default(); capacity].into_boxed_slice(),
            next: 0,
            len: 0,
        }
    }

    pub(crate) fn push(&mut self, entry: T) {
        let cap = self.slots.len();
        if cap == 0 {
            return;
        }
        self.slots[self.next] = entry;
        self.next = (self.next + 1) % cap;
        self.len = (self.len + 1).min(cap);
    }

    /// The entries, oldest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        let cap = self.slots.len();
        let first = (self.next + cap - self.len) % cap.max(1);
        (0..self.len).map(move |i| &self.slots[(first + i) % cap])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contents(ring: &Ring<u32>) -> Vec<u32> {
        ring.iter().copied().collect()
    }

    #[test]
    fn a_ring_keeps_the_newest_entries_oldest_first() {
        let mut ring = Ring::new(3);
        assert!(contents(&ring).is_empty());
        ring.push(1);
        ring.push(2);
        assert_eq!(contents(&ring), [1, 2]);
        ring.push(3);
        ring.push(4);
        ring.push(5);
        assert_eq!(contents(&ring), [3, 4, 5]);
        for i in 6..=100 {
            ring.push(i);
        }
        assert_eq!(contents(&ring), [98, 99, 100]);
    }

    #[test]
    fn a_ring_of_no_capacity_keeps_nothing() {
        let mut ring = Ring::new(0);
        ring.push(1);
        assert!(contents(&ring).is_empty());
    }

    #[test]
    fn entries_give_back_the_records_they_were_made_from() {
        let obs = Observation {
            now: std::time::Duration::from_millis(1_500),
            target: 4,
            queued: 9,
            busy_delta: std::time::Duration::from_millis(4),
            cpu_delta: Some(std::time::Duration::from_millis(1)),
            ..Observation::default()
        };
        let d = DecisionEntry::new(&obs, Decision::grow(2, "queue"), 6).record();
        assert_eq!(
            (d.timestamp_s, d.threads_before, d.threads_after),
            (1.5, 4, 6)
        );
        assert_eq!(
            (d.decision.as_str(), d.reason.as_str(), d.queued),
            ("grow +2", "queue", 9)
        );
        assert_eq!(d.blocking_ratio, Some(0.75));
        assert_eq!((d.contention, d.cpu_percent), (None, obs.cpu_percent()));
        let r = ExperimentEntry::new(&obs, 12.5).record();
        assert_eq!((r.target, r.queued, r.throughput), (4, 9, 12.5));
        assert_eq!((r.blocking_ratio, r.process_cpu_cores), (Some(0.75), None));
    }
}
