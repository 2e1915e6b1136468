//! `TaskRecord`: one task sample as a flat row of plain numbers, for CSV and JSON exports.

use serde::{Deserialize, Serialize};

use crate::{CsvRow, TaskSample};

/// One task sample flattened for export: times in fractional seconds, unknowns as `None`.
///
/// A [`TaskSample`] keeps exact [`Duration`](std::time::Duration)s; a record trades that
/// exactness for columns that spreadsheets, pandas and `jq` read without help.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_metrics::{TaskRecord, TaskSample};
///
/// let ms = Duration::from_millis;
/// let record = TaskRecord::from(&TaskSample::success(4, ms(500), Some(ms(125)), ms(2500)));
/// assert_eq!(record.wall_time_s, 0.5);
/// assert_eq!(record.cpu_time_s, Some(0.125));
/// assert_eq!(record.blocking_ratio, Some(0.75));
/// assert_eq!(record.timestamp_s, 2.5);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskRecord {
    /// The pool's identifier for the task.
    pub task_id: u64,
    /// Wall time in seconds.
    pub wall_time_s: f64,
    /// CPU time in seconds, when known.
    pub cpu_time_s: Option<f64>,
    /// β = 1 − cpu/wall, when known.
    pub blocking_ratio: Option<f64>,
    /// Completion time in seconds since the caller's epoch.
    pub timestamp_s: f64,
    /// Whether the task returned normally.
    pub success: bool,
    /// Why the task failed, when it did.
    pub error_message: Option<String>,
}

impl From<&TaskSample> for TaskRecord {
    /// Flattens a sample, converting each duration to fractional seconds.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_metrics::{TaskRecord, TaskSample};
    ///
    /// let sample = TaskSample::failure(1, Duration::from_secs(2), None, Duration::ZERO, "oops");
    /// let record = TaskRecord::from(&sample);
    /// assert_eq!(record.cpu_time_s, None);
    /// assert_eq!(record.error_message.as_deref(), Some("oops"));
    /// ```
    fn from(sample: &TaskSample) -> Self {
        Self {
            task_id: sample.task_id,
            wall_time_s: sample.wall_time.as_secs_f64(),
            cpu_time_s: sample.cpu_time.map(|cpu| cpu.as_secs_f64()),
            blocking_ratio: sample.blocking_ratio,
            timestamp_s: sample.timestamp.as_secs_f64(),
            success: sample.success,
            error_message: sample.error_message.clone(),
        }
    }
}

impl CsvRow for TaskRecord {
    /// The column names, which are the field names, so CSV and JSON exports read alike.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_metrics::{CsvRow, TaskRecord};
    ///
    /// assert_eq!(TaskRecord::header()[0], "task_id");
    /// assert_eq!(TaskRecord::header().len(), 7);
    /// ```
    fn header() -> &'static [&'static str] {
        &[
            "task_id",
            "wall_time_s",
            "cpu_time_s",
            "blocking_ratio",
            "timestamp_s",
            "success",
            "error_message",
        ]
    }

    /// The field values, with an empty string for each `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_metrics::{CsvRow, TaskRecord, TaskSample};
    ///
    /// let sample = TaskSample::success(3, Duration::from_millis(500), None, Duration::from_secs(1));
    /// let fields = TaskRecord::from(&sample).fields();
    /// assert_eq!(fields, ["3", "0.5", "", "", "1", "true", ""]);
    /// ```
    fn fields(&self) -> Vec<String> {
        vec![
            self.task_id.to_string(),
            self.wall_time_s.to_string(),
            optional(self.cpu_time_s),
            optional(self.blocking_ratio),
            self.timestamp_s.to_string(),
            self.success.to_string(),
            self.error_message.clone().unwrap_or_default(),
        ]
    }
}

/// An optional number as a CSV field: its shortest exact decimal form, or empty when unknown.
fn optional(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests;
