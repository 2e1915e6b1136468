//! Unit tests for `TaskRecord`.

use std::time::Duration;

use super::*;

#[test]
fn record_copies_every_field() {
    let ms = Duration::from_millis;
    let sample = TaskSample::failure(11, ms(250), Some(ms(50)), ms(1500), "bad");
    assert_eq!(
        TaskRecord::from(&sample),
        TaskRecord {
            task_id: 11,
            wall_time_s: 0.25,
            cpu_time_s: Some(0.05),
            blocking_ratio: sample.blocking_ratio,
            timestamp_s: 1.5,
            success: false,
            error_message: Some("bad".to_owned()),
        }
    );
}

#[test]
fn fields_match_header_and_leave_unknowns_empty() {
    let sample = TaskSample::success(2, Duration::from_nanos(1), None, Duration::ZERO);
    let fields = TaskRecord::from(&sample).fields();
    assert_eq!(fields.len(), TaskRecord::header().len());
    assert_eq!(fields, ["2", "0.000000001", "", "", "0", "true", ""]);
}

#[test]
fn numbers_in_fields_parse_back_exactly() {
    let record = TaskRecord {
        task_id: u64::MAX,
        wall_time_s: 0.1 + 0.2,
        cpu_time_s: Some(1e-9),
        blocking_ratio: Some(1.0 / 3.0),
        timestamp_s: 123_456.789,
        success: true,
        error_message: None,
    };
    let fields = record.fields();
    assert_eq!(fields[0].parse::<u64>().unwrap(), u64::MAX);
    assert_eq!(fields[1].parse::<f64>().unwrap(), record.wall_time_s);
    assert_eq!(fields[2].parse::<f64>().ok(), record.cpu_time_s);
    assert_eq!(fields[3].parse::<f64>().ok(), record.blocking_ratio);
    assert_eq!(fields[4].parse::<f64>().unwrap(), record.timestamp_s);
}
