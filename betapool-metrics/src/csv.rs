//! RFC 4180 CSV output for any row type that can name its columns and format its fields.

use std::io;

/// A row type that [`write_csv`] can write: a fixed header and one string per column.
///
/// Fields are given unquoted; [`write_csv`] adds the quoting, so an implementation only decides
/// how each value reads (by convention an empty string for a missing value).
///
/// # Examples
///
/// ```
/// use betapool_metrics::{CsvRow, write_csv};
///
/// struct Decision {
///     threads: usize,
///     reason: &'static str,
/// }
///
/// impl CsvRow for Decision {
///     fn header() -> &'static [&'static str] {
///         &["threads", "reason"]
///     }
///     fn fields(&self) -> Vec<String> {
///         vec![self.threads.to_string(), self.reason.to_string()]
///     }
/// }
///
/// let mut out = Vec::new();
/// write_csv(&mut out, &[Decision { threads: 8, reason: "beta high, cpu low" }])?;
/// assert_eq!(String::from_utf8(out).unwrap(), "threads,reason\r\n8,\"beta high, cpu low\"\r\n");
/// # Ok::<(), std::io::Error>(())
/// ```
pub trait CsvRow {
    /// The column names, in the order [`fields`](Self::fields) returns values.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_metrics::{CsvRow, TaskRecord};
    ///
    /// assert!(TaskRecord::header().contains(&"blocking_ratio"));
    /// ```
    fn header() -> &'static [&'static str];

    /// This row's values, one per column, unquoted.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_metrics::{CsvRow, TaskRecord, TaskSample};
    ///
    /// let sample = TaskSample::success(1, Duration::from_secs(1), None, Duration::ZERO);
    /// assert_eq!(TaskRecord::from(&sample).fields().len(), TaskRecord::header().len());
    /// ```
    fn fields(&self) -> Vec<String>;
}

/// The line terminator RFC 4180 prescribes, which spreadsheet programs expect.
const LINE_END: &[u8] = b"\r\n";

/// Writes a header line and one line per record, as RFC 4180 CSV.
///
/// A field containing a comma, a double quote, a carriage return or a line feed is enclosed in
/// double quotes, with each inner double quote doubled; other fields are written as they are.
/// Lines end in CRLF, as the RFC says.
///
/// # Errors
///
/// Returns the writer's error if a write fails, and an [`io::ErrorKind::InvalidData`] error if
/// a record has a different number of fields than the header, since such a file would
/// silently shift columns for every reader.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_metrics::{TaskRecord, TaskSample, write_csv};
///
/// let sample = TaskSample::failure(7, Duration::from_millis(1500), None, Duration::from_secs(2),
///     "said \"no\"");
/// let mut out = Vec::new();
/// write_csv(&mut out, &[TaskRecord::from(&sample)])?;
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     "task_id,wall_time_s,cpu_time_s,blocking_ratio,timestamp_s,success,error_message\r\n\
///      7,1.5,,,2,false,\"said \"\"no\"\"\"\r\n",
/// );
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_csv<W: io::Write, R: CsvRow>(mut writer: W, records: &[R]) -> io::Result<()> {
    let header = R::header();
    write_line(&mut writer, header.iter().copied())?;
    for (index, record) in records.iter().enumerate() {
        let fields = record.fields();
        if fields.len() != header.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "CSV record {index} has {} fields but the header has {} columns",
                    fields.len(),
                    header.len()
                ),
            ));
        }
        write_line(&mut writer, fields.iter().map(String::as_str))?;
    }
    writer.flush()
}

/// Writes one line of fields separated by commas, quoting as needed.
fn write_line<'a, W: io::Write>(
    writer: &mut W,
    fields: impl Iterator<Item = &'a str>,
) -> io::Result<()> {
    for (index, field) in fields.enumerate() {
        if index > 0 {
            writer.write_all(b",")?;
        }
        write_field(writer, field)?;
    }
    writer.write_all(LINE_END)
}

/// Writes one field, enclosed in double quotes only when its content requires it.
fn write_field<W: io::Write>(writer: &mut W, field: &str) -> io::Result<()> {
    if !field.contains([',', '"', '\r', '\n']) {
        return writer.write_all(field.as_bytes());
    }
    writer.write_all(b"\"")?;
    writer.write_all(field.replace('"', "\"\"").as_bytes())?;
    writer.write_all(b"\"")
}

#[cfg(test)]
mod tests;
