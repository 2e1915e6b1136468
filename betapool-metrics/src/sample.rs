//! One finished task, and the blocking ratio β = 1 − cpu/wall that the pool sizes itself from.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The measurements of one finished task (the seed's `TaskMetrics`).
///
/// Times are [`Duration`]s: `wall_time` and `cpu_time` are spans, and `timestamp` is the moment
/// the task completed, measured from an epoch the caller chooses (for example the moment the
/// pool started). This crate never reads a clock, so the caller is free to pick any epoch as long
/// as it uses the same one for every sample given to one collector.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_metrics::TaskSample;
///
/// let sample = TaskSample::success(7, Duration::from_millis(10), Some(Duration::from_millis(1)),
///     Duration::from_secs(3));
/// assert_eq!(sample.task_id, 7);
/// assert!(sample.success);
/// assert!((sample.blocking_ratio.unwrap() - 0.9).abs() < 1e-9);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskSample {
    /// The pool's identifier for the task, unique within one pool.
    pub task_id: u64,
    /// Time from the task starting to run until it finished.
    pub wall_time: Duration,
    /// CPU time the task's thread used while running it; `None` when the platform cannot say.
    pub cpu_time: Option<Duration>,
    /// β = 1 − cpu/wall in `[0, 1]`; `None` when the CPU time is unknown or the wall time is zero.
    pub blocking_ratio: Option<f64>,
    /// When the task completed, since the caller's epoch.
    pub timestamp: Duration,
    /// Whether the task returned normally.
    pub success: bool,
    /// Why the task failed, when it did and the pool could say.
    pub error_message: Option<String>,
}

impl TaskSample {
    /// A sample for a task that returned normally; β is computed from `cpu` and `wall`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_metrics::TaskSample;
    ///
    /// let ms = Duration::from_millis;
    /// let sample = TaskSample::success(1, ms(4), Some(ms(1)), ms(50));
    /// assert_eq!(sample.blocking_ratio, Some(0.75));
    /// assert_eq!(sample.error_message, None);
    ///
    /// // Without a CPU time there is no β.
    /// assert_eq!(TaskSample::success(2, ms(4), None, ms(60)).blocking_ratio, None);
    /// ```
    pub fn success(
        task_id: u64,
        wall: Duration,
        cpu: Option<Duration>,
        timestamp: Duration,
    ) -> Self {
        Self {
            task_id,
            wall_time: wall,
            cpu_time: cpu,
            blocking_ratio: cpu.and_then(|cpu| blocking_ratio(cpu, wall)),
            timestamp,
            success: true,
            error_message: None,
        }
    }

    /// A sample for a task that failed (panicked or returned an error) with `message`.
    ///
    /// β is computed as for [`TaskSample::success`], because a failed task still occupied a
    /// thread and its blocking tells the pool as much as a successful one does.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_metrics::TaskSample;
    ///
    /// let ms = Duration::from_millis;
    /// let sample = TaskSample::failure(3, ms(2), Some(ms(2)), ms(70), "index out of bounds");
    /// assert!(!sample.success);
    /// assert_eq!(sample.blocking_ratio, Some(0.0));
    /// assert_eq!(sample.error_message.as_deref(), Some("index out of bounds"));
    /// ```
    pub fn failure(
        task_id: u64,
        wall: Duration,
        cpu: Option<Duration>,
        timestamp: Duration,
        message: impl Into<String>,
    ) -> Self {
        Self {
            success: false,
            error_message: Some(message.into()),
            ..Self::success(task_id, wall, cpu, timestamp)
        }
    }
}

/// The blocking ratio β = 1 − cpu/wall, clamped to `[0, 1]`.
///
/// Returns `None` when `wall` is zero, because a task that took no time tells nothing about how
/// it spends time. The clamp matters: CPU clocks tick in coarser steps than wall clocks, so a
/// CPU-bound task can read slightly more CPU than wall time, and that must mean β = 0, not a
/// negative ratio.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_metrics::blocking_ratio;
///
/// let ms = Duration::from_millis;
/// assert_eq!(blocking_ratio(ms(1), ms(4)), Some(0.75));
/// assert_eq!(blocking_ratio(ms(5), ms(4)), Some(0.0));
/// assert_eq!(blocking_ratio(ms(0), ms(4)), Some(1.0));
/// assert_eq!(blocking_ratio(ms(1), Duration::ZERO), None);
/// ```
pub fn blocking_ratio(cpu: Duration, wall: Duration) -> Option<f64> {
    if wall.is_zero() {
        return None;
    }
    let ratio = 1.0 - cpu.as_secs_f64() / wall.as_secs_f64();
    Some(ratio.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests;
