//! Unit tests for the CSV writer, read back with a small RFC 4180 parser.

use std::time::Duration;

use super::*;
use crate::{TaskRecord, TaskSample};

/// Parses RFC 4180 text into rows of fields; the writer's output must parse back unchanged.
fn parse(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(!quoted, "unterminated quoted field");
    assert!(field.is_empty() && row.is_empty(), "last line lacks CRLF");
    rows
}

fn to_csv<R: CsvRow>(records: &[R]) -> String {
    let mut out = Vec::new();
    write_csv(&mut out, records).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn header_only_for_no_records() {
    assert_eq!(
        to_csv::<TaskRecord>(&[]),
        "task_id,wall_time_s,cpu_time_s,blocking_ratio,timestamp_s,success,error_message\r\n"
    );
}

#[test]
fn error_message_with_comma_quote_and_newline_round_trips() {
    let message = "failed, said \"no\"\nthen\r\ngave up";
    let sample = TaskSample::failure(1, Duration::from_millis(3), None, Duration::ZERO, message);
    let text = to_csv(&[TaskRecord::from(&sample)]);
    let rows = parse(&text);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0], TaskRecord::header());
    assert_eq!(rows[1][6], message);
    assert_eq!(rows[1][2], "");
}

#[test]
fn plain_fields_are_not_quoted() {
    let sample = TaskSample::failure(
        1,
        Duration::from_secs(1),
        None,
        Duration::ZERO,
        "plain text",
    );
    let text = to_csv(&[TaskRecord::from(&sample)]);
    assert!(text.ends_with(",false,plain text\r\n"), "{text:?}");
}

#[test]
fn every_row_has_every_column() {
    let records: Vec<TaskRecord> = (0..5)
        .map(|id| {
            let sample = TaskSample::success(id, Duration::from_millis(id), None, Duration::ZERO);
            TaskRecord::from(&sample)
        })
        .collect();
    let rows = parse(&to_csv(&records));
    assert_eq!(rows.len(), 6);
    assert!(
        rows.iter()
            .all(|row| row.len() == TaskRecord::header().len())
    );
}

struct Ragged;

impl CsvRow for Ragged {
    fn header() -> &'static [&'static str] {
        &["a", "b"]
    }
    fn fields(&self) -> Vec<String> {
        vec!["only one".to_owned()]
    }
}

#[test]
fn ragged_rows_are_an_error_not_a_shifted_file() {
    let mut out = Vec::new();
    let err = write_csv(&mut out, &[Ragged]).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    assert_eq!(
        err.to_string(),
        "CSV record 0 has 1 fields but the header has 2 columns"
    );
}

#[test]
fn header_fields_are_quoted_too() {
    struct Odd;
    impl CsvRow for Odd {
        fn header() -> &'static [&'static str] {
            &["x,y"]
        }
        fn fields(&self) -> Vec<String> {
            vec![String::new()]
        }
    }
    assert_eq!(to_csv(&[Odd]), "\"x,y\"\r\n\r\n");
}
