//! Unit tests of the snapshot arithmetic: no threads, no clocks, a `PoolStats` made by hand.

use std::time::Duration;

use betapool_instrumented::PoolStats;
use betapool_metrics::Percentiles;

use super::ExecutorMetrics;

fn stats() -> PoolStats {
    let ms = Duration::from_millis;
    PoolStats {
        name: "bps".into(),
        current_threads: 4,
        min_threads: 4,
        max_threads: 4,
        idle_threads: 3,
        queued_tasks: 2,
        // Accepted tasks (110 submitted, 7 rejected) and every task that ran (95 + 5).
        submitted: 103,
        completed: 100,
        panicked: 5,
        cancelled: 3,
        rejected: 7,
        scale_up_count: 0,
        scale_down_count: 0,
        avg_blocking_ratio: None,
        throughput: 100.0,
        latency: Some(Percentiles {
            p50: ms(50),
            p95: ms(95),
            p99: ms(99),
        }),
    }
}

#[test]
fn smoke_metrics_has_the_seed_keys() {
    let m = ExecutorMetrics::from_stats(&stats());
    assert_eq!((m.current_threads, m.min_workers, m.max_workers), (4, 4, 4));
    assert_eq!(m.total_tasks, 100);
    assert_eq!(m.avg_blocking_ratio, None);
    assert_eq!(m.p50_latency, Some(Duration::from_millis(50)));
    assert_eq!(m.p95_latency, Some(Duration::from_millis(95)));
    assert_eq!(m.p99_latency, Some(Duration::from_millis(99)));
    assert!((m.throughput - 100.0).abs() < 1e-9);
    assert_eq!((m.scale_up_count, m.scale_down_count), (0, 0));
    assert_eq!((m.cancelled, m.rejected, m.queued), (3, 7, 2));

    let json = serde_json::to_value(&m).unwrap();
    for key in [
        "current_threads",
        "min_workers",
        "max_workers",
        "total_tasks",
        "avg_blocking_ratio",
        "throughput",
        "p50_latency",
        "p95_latency",
        "p99_latency",
        "scale_up_count",
        "scale_down_count",
    ] {
        assert!(json.get(key).is_some(), "missing key {key}");
    }
    assert_eq!(json["p50_latency"], 0.05);
    assert_eq!(json["avg_blocking_ratio"], serde_json::Value::Null);
}

#[test]
fn the_seed_counts_every_submission_and_only_returned_tasks_as_completed() {
    let m = ExecutorMetrics::from_stats(&stats());
    assert_eq!(m.submitted, 110, "accepted + rejected");
    assert_eq!(m.completed, 95, "ran and returned");
    assert_eq!(m.panicked, 5);
}

#[test]
fn no_samples_give_no_latency_and_zero_throughput() {
    let m = ExecutorMetrics::from_stats(&PoolStats::default());
    assert_eq!(m.p50_latency, None);
    assert_eq!(m.throughput, 0.0);
    let json = serde_json::to_value(&m).unwrap();
    assert_eq!(json["p99_latency"], serde_json::Value::Null);
}
