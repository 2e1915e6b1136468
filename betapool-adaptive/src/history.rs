//! What the controller did and saw: the decision history and the experiment log, both
//! exportable as CSV and JSON (the seed's `get_decision_history` and `get_experiment_log`).

use std::collections::VecDeque;

use betapool_metrics::CsvRow;
use serde::{Deserialize, Serialize};

/// The most records each log keeps; the oldest are dropped beyond it, so a pool that runs for
/// weeks keeps bounded memory (10 000 resizes or 1 000 s of the experiment log's 100 ms rows).
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

/// A bounded log: pushes drop the oldest record beyond `LOG_LIMIT`.
#[derive(Debug)]
pub(crate) struct Bounded<T> {
    records: VecDeque<T>,
}

impl<T> Default for Bounded<T> {
    fn default() -> Bounded<T> {
        Bounded {
            records: VecDeque::new(),
        }
    }
}

impl<T: Clone> Bounded<T> {
    pub(crate) fn push(&mut self, record: T) {
        if self.records.len() == LOG_LIMIT {
            self.records.pop_front();
        }
        self.records.push_back(record);
    }

    pub(crate) fn to_vec(&self) -> Vec<T> {
        self.records.iter().cloned().collect()
    }
}
