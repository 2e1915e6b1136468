//! Unit tests for the JSON writer.

use std::time::Duration;

use super::*;
use crate::{TaskRecord, TaskSample};

#[test]
fn empty_slice_is_an_empty_array() {
    let mut out = Vec::new();
    write_json::<_, TaskRecord>(&mut out, &[]).unwrap();
    assert_eq!(out, b"[]\n");
}

#[test]
fn records_round_trip_including_awkward_messages() {
    let ms = Duration::from_millis;
    let records = vec![
        TaskRecord::from(&TaskSample::success(1, ms(5), Some(ms(1)), ms(10))),
        TaskRecord::from(&TaskSample::failure(2, ms(5), None, ms(20), "a,\"b\"\nc")),
    ];
    let mut out = Vec::new();
    write_json(&mut out, &records).unwrap();
    let back: Vec<TaskRecord> = serde_json::from_slice(&out).unwrap();
    assert_eq!(back, records);
}
