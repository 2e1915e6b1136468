//! Unit tests for `PoolStats`.

use std::time::Duration;

use super::*;

#[test]
fn default_is_an_empty_pool() {
    let stats = PoolStats::default();
    assert_eq!(stats.name, "");
    assert_eq!(stats.current_threads, 0);
    assert_eq!(stats.avg_blocking_ratio, None);
    assert_eq!(stats.throughput, 0.0);
    assert_eq!(stats.latency, None);
}

#[test]
fn json_round_trips_with_latency_in_seconds() {
    let ms = Duration::from_millis;
    let stats = PoolStats {
        name: "cpu \"main\"".to_owned(),
        current_threads: 4,
        min_threads: 2,
        max_threads: 16,
        idle_threads: 1,
        queued_tasks: 7,
        submitted: 100,
        completed: 90,
        panicked: 2,
        cancelled: 1,
        rejected: 3,
        scale_up_count: 5,
        scale_down_count: 4,
        avg_blocking_ratio: Some(0.25),
        throughput: 123.5,
        latency: Some(Percentiles {
            p50: ms(10),
            p95: ms(40),
            p99: ms(125),
        }),
    };
    let json = serde_json::to_value(&stats).unwrap();
    assert_eq!(json["latency"]["p50_s"], 0.01);
    assert_eq!(json["latency"]["p99_s"], 0.125);
    assert_eq!(json["scale_down_count"], 4);
    let back: PoolStats = serde_json::from_value(json).unwrap();
    assert_eq!(back, stats);
}
