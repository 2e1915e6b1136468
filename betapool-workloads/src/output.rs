//! What one run of a task returns: its stage timings and a checksum of its work.

use std::time::Duration;

/// The result of one [`PreparedTask::run`](crate::PreparedTask::run): how long each stage took
/// (the seed's `result['stages']`) and a checksum of the computed values.
///
/// The checksum depends only on the task and its seed, never on timings, so two runs with the
/// same seed return the same checksum; returning it keeps the optimiser from removing the work.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_workloads::{Calibration, TaskSpec};
///
/// let cal = Calibration::fixed(100.0)?;
/// let out = TaskSpec::Cpu { work: Duration::from_micros(10) }.prepare(&cal).run(0);
/// assert_eq!(out.stages.len(), 1);
/// assert_eq!(out.stages[0].name, "cpu");
/// assert_eq!(out.total(), out.stages[0].duration);
/// # Ok::<(), betapool_workloads::WorkloadError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TaskOutput {
    /// Each stage in the order it ran. A RAG task has five; every other task has one.
    pub stages: Vec<Stage>,
    /// A checksum of the values the task computed (0 for pure sleeps).
    pub checksum: u64,
}

impl TaskOutput {
    /// The sum of the stage durations.
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_workloads::{Stage, TaskOutput};
    ///
    /// let out = TaskOutput {
    ///     stages: vec![
    ///         Stage { name: "a", duration: Duration::from_millis(1) },
    ///         Stage { name: "b", duration: Duration::from_millis(2) },
    ///     ],
    ///     checksum: 0,
    /// };
    /// assert_eq!(out.total(), Duration::from_millis(3));
    /// ```
    pub fn total(&self) -> Duration {
        self.stages.iter().map(|s| s.duration).sum()
    }
}

/// One timed stage of a task run: its name and its wall time.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_workloads::Stage;
///
/// let stage = Stage { name: "network", duration: Duration::from_millis(10) };
/// assert_eq!(stage.name, "network");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Stage {
    /// The stage's name: `"network"`, `"vector_db"`, `"tokenization"`, `"reranking"`, `"llm"`
    /// for a RAG task, otherwise the task's [`kind`](crate::TaskSpec::kind).
    pub name: &'static str,
    /// How long the stage took, wall clock.
    pub duration: Duration,
}
