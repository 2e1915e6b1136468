//! Unit tests of the `PoolStats` translation: no threads, no clocks, samples made by hand.

use std::time::Duration;

use betapool_core::Counters;
use betapool_metrics::{MetricsCollector, TaskSample};

use super::Gauges;

fn gauges(counters: Counters) -> Gauges<'static> {
    Gauges {
        name: "bpi",
        min: 2,
        max: 8,
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
    assert_eq!(stats.name, "bpi");
    assert_eq!(stats.submitted, 10, "accepted tasks only");
    assert_eq!(stats.completed, 9, "returned or panicked");
    assert_eq!((stats.panicked, stats.cancelled, stats.rejected), (1, 1, 2));
    assert_eq!((stats.min_threads, stats.max_threads), (2, 8));
    assert_eq!((stats.current_threads, stats.idle_threads), (4, 3));
    assert_eq!(stats.queued_tasks, 2);
    assert_eq!((stats.scale_up_count, stats.scale_down_count), (0, 0));
    assert_eq!(
        stats.avg_blocking_ratio, None,
        "no CPU time is recorded per task"
    );
    // 99 intervals over 990 ms.
    assert!((stats.throughput - 100.0).abs() < 1e-9);
    let latency = stats.latency.expect("100 samples");
    assert_eq!(latency.p99, Duration::from_millis(99));
}

#[test]
fn an_empty_collector_gives_no_latency_and_zero_throughput() {
    let stats = gauges(Counters::default()).pool_stats(&MetricsCollector::default());
    assert_eq!(stats.latency, None);
    assert_eq!(stats.throughput, 0.0);
    assert_eq!((stats.submitted, stats.completed), (0, 0));
}
