//! Unit tests of the snapshot arithmetic: no threads, no clocks, samples made by hand.

use std::time::Duration;

use betapool_core::Counters;
use betapool_metrics::{MetricsCollector, TaskSample};

use super::Gauges;

fn gauges(counters: Counters) -> Gauges<'static> {
    Gauges {
        name: "bps",
        workers: 4,
        live: 4,
        idle: 3,
        queued: 2,
        counters,
    }
}

fn collector() -> MetricsCollector {
    let ms = Duration::from_millis;
    let mut collector = MetricsCollector::default();
    for id in 1..=100 {
        collector.record(TaskSample::success(id, ms(id), None, ms(10 * id)));
    }
    collector
}

#[test]
fn smoke_metrics_has_the_seed_keys() {
    let counters = Counters {
        submitted: 110,
        completed: 95,
        panicked: 5,
        cancelled: 3,
        rejected: 7,
        hook_panics: 0,
    };
    let m = gauges(counters).metrics(&collector());
    assert_eq!((m.current_threads, m.min_workers, m.max_workers), (4, 4, 4));
    assert_eq!(m.total_tasks, 100);
    assert_eq!(m.avg_blocking_ratio, None);
    assert_eq!(m.p50_latency, Some(Duration::from_millis(50)));
    assert_eq!(m.p95_latency, Some(Duration::from_millis(95)));
    assert_eq!(m.p99_latency, Some(Duration::from_millis(99)));
    // 99 intervals over 990 ms.
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
fn empty_collector_gives_no_latency_and_zero_throughput() {
    let m = gauges(Counters::default()).metrics(&MetricsCollector::default());
    assert_eq!(m.p50_latency, None);
    assert_eq!(m.throughput, 0.0);
    let json = serde_json::to_value(&m).unwrap();
    assert_eq!(json["p99_latency"], serde_json::Value::Null);
}

#[test]
fn pool_stats_translates_the_engine_counters() {
    let counters = Counters {
        submitted: 12,
        completed: 8,
        panicked: 1,
        cancelled: 1,
        rejected: 2,
        hook_panics: 0,
    };
    let stats = gauges(counters).pool_stats(&collector());
    assert_eq!(stats.name, "bps");
    assert_eq!(stats.submitted, 10, "accepted tasks only");
    assert_eq!(stats.completed, 9, "returned or panicked");
    assert_eq!((stats.panicked, stats.cancelled, stats.rejected), (1, 1, 2));
    assert_eq!((stats.idle_threads, stats.queued_tasks), (3, 2));
    assert!(stats.latency.is_some());
}
