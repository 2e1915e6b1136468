//! Unit tests for `BatchMetrics`.

use std::time::Duration;

use super::*;

#[test]
fn default_is_an_empty_runtime() {
    let m = BatchMetrics::default();
    assert_eq!(m.name, "");
    assert_eq!(m.batches, 0);
    assert!(m.releases.is_empty());
    assert_eq!(m.batch_sizes.count, 0);
    assert_eq!(m.queue_wait_p99, None);
    assert_eq!(m.cost_fixed, None);
}

#[test]
fn json_round_trips_with_durations_in_seconds() {
    let ms = Duration::from_millis;
    let m = BatchMetrics {
        name: "rank \"v2\"".to_owned(),
        policy: "fixed".to_owned(),
        queue_depth: 3,
        accepted: 100,
        rejected_full: 4,
        rejected_deadline: 2,
        cancelled: 1,
        expired: 1,
        stopped: 0,
        completed: 90,
        failed: 5,
        batches: 12,
        failed_batches: 1,
        releases: vec![("size".to_owned(), 10), ("delay".to_owned(), 2)],
        batch_sizes: Histogram::from_counts(&[4.0, 8.0, 16.0], &[2, 6, 4], 95.0),
        model_time: ms(250),
        queue_wait_p50: Some(ms(1)),
        queue_wait_p99: Some(ms(9)),
        latency_p50: Some(ms(20)),
        latency_p99: Some(ms(40)),
        cost_fixed: Some(ms(5)),
        cost_per_weight: Some(Duration::from_micros(1500)),
    };
    let json = serde_json::to_value(&m).unwrap();
    assert_eq!(json["model_time"], 0.25);
    assert_eq!(json["cost_per_weight"], 0.0015);
    assert_eq!(json["releases"][0][0], "size");
    let back: BatchMetrics = serde_json::from_value(json).unwrap();
    assert_eq!(back, m);
}
