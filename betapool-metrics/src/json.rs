//! JSON array output for any serialisable rows, such as task records or pool snapshots.

use std::io;

use serde::Serialize;

/// Writes `records` as one JSON array followed by a newline.
///
/// The array is compact rather than pretty-printed because histories run to thousands of rows
/// and are read by programs; the final newline keeps the file friendly to line-based tools.
///
/// # Errors
///
/// Returns the writer's error if a write fails, or serialisation's error converted to
/// [`io::Error`].
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_metrics::{TaskRecord, TaskSample, write_json};
///
/// let sample = TaskSample::success(1, Duration::from_millis(500), None, Duration::from_secs(2));
/// let mut out = Vec::new();
/// write_json(&mut out, &[TaskRecord::from(&sample)])?;
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     "[{\"task_id\":1,\"wall_time_s\":0.5,\"cpu_time_s\":null,\"blocking_ratio\":null,\
///      \"timestamp_s\":2.0,\"success\":true,\"error_message\":null}]\n",
/// );
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_json<W: io::Write, T: Serialize>(mut writer: W, records: &[T]) -> io::Result<()> {
    serde_json::to_writer(&mut writer, records)?;
    writer.write_all(b"\n")?;
    writer.flush()
}

#[cfg(test)]
mod tests;
