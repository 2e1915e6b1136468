//! Unit tests for `MetricsCollector`.

use std::time::Duration;

use super::*;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn sample_at(id: u64, t: u64) -> TaskSample {
    TaskSample::success(id, ms(1), None, ms(t))
}

#[test]
fn zero_window_size_is_rejected_by_name() {
    let err = MetricsCollector::new(0, 10).unwrap_err();
    assert_eq!(err.to_string(), "window_size must be at least 1, got 0");
}

#[test]
fn zero_max_history_is_rejected_by_name() {
    let err = MetricsCollector::new(1, 0).unwrap_err();
    assert_eq!(err.to_string(), "max_history must be at least 1, got 0");
}

#[test]
fn history_shorter_than_window_is_rejected_with_both_values() {
    let err = MetricsCollector::new(100, 99).unwrap_err();
    assert_eq!(
        err.to_string(),
        "max_history must be at least window_size (100), got 99"
    );
}

#[test]
fn equal_sizes_are_accepted() {
    let collector = MetricsCollector::new(5, 5).unwrap();
    assert_eq!((collector.window_size(), collector.max_history()), (5, 5));
}

#[test]
fn history_is_a_ring() {
    let mut collector = MetricsCollector::new(2, 3).unwrap();
    for id in 0..7 {
        collector.record(sample_at(id, id));
    }
    let ids: Vec<u64> = collector.export().iter().map(|r| r.task_id).collect();
    assert_eq!(ids, [4, 5, 6]);
    assert_eq!(collector.total_recorded(), 7);
}

#[test]
fn window_is_the_most_recent_samples() {
    let mut collector = MetricsCollector::new(3, 10).unwrap();
    for id in 0..5 {
        collector.record(sample_at(id, id));
    }
    let ids: Vec<u64> = collector.window().map(|s| s.task_id).collect();
    assert_eq!(ids, [2, 3, 4]);
}

#[test]
fn window_shorter_than_size_holds_everything() {
    let mut collector = MetricsCollector::new(10, 10).unwrap();
    collector.record(sample_at(0, 0));
    assert_eq!(collector.window().len(), 1);
}

#[test]
fn empty_collector_answers_unknown_or_zero() {
    let collector = MetricsCollector::default();
    assert!(collector.is_empty());
    assert_eq!(collector.len(), 0);
    assert_eq!(collector.total_recorded(), 0);
    assert_eq!(collector.recent_blocking_ratio(), None);
    assert_eq!(collector.blocking_ratio_std(), None);
    assert_eq!(collector.throughput(), 0.0);
    assert_eq!(collector.throughput_at(ms(1000)), 0.0);
    assert_eq!(collector.latency_percentiles(), None);
    assert_eq!(collector.aggregated(), AggregatedMetrics::default());
    assert!(collector.export().is_empty());
}

#[test]
fn statistics_ignore_samples_outside_the_window() {
    let mut collector = MetricsCollector::new(2, 10).unwrap();
    // An old CPU-bound sample followed by two fully blocked ones.
    collector.record(TaskSample::success(0, ms(10), Some(ms(10)), ms(0)));
    collector.record(TaskSample::success(1, ms(10), Some(ms(0)), ms(1000)));
    collector.record(TaskSample::success(2, ms(10), Some(ms(0)), ms(2000)));
    assert_eq!(collector.recent_blocking_ratio(), Some(1.0));
    assert_eq!(collector.blocking_ratio_std(), Some(0.0));
    assert_eq!(collector.throughput(), 1.0);
    assert_eq!(collector.aggregated().sample_count, 2);
    assert_eq!(collector.len(), 3);
}

#[test]
fn out_of_order_timestamps_use_the_window_span() {
    let mut collector = MetricsCollector::new(4, 10).unwrap();
    for (id, t) in [(0, 3000), (1, 1000), (2, 4000), (3, 2000)] {
        collector.record(sample_at(id, t));
    }
    // The span is 1 s to 4 s whatever the order: three intervals over three seconds.
    assert_eq!(collector.throughput(), 1.0);
    // The oldest timestamp is 1 s, not the first recorded (3 s).
    assert_eq!(collector.throughput_at(ms(5000)), 1.0);
}

#[test]
fn throughput_at_before_the_window_is_zero() {
    let mut collector = MetricsCollector::default();
    collector.record(sample_at(0, 5000));
    assert_eq!(collector.throughput_at(ms(4000)), 0.0);
    assert_eq!(collector.throughput_at(ms(5000)), 0.0);
    assert_eq!(collector.throughput_at(ms(6000)), 1.0);
}

#[test]
fn reset_clears_samples_and_count_but_keeps_sizes() {
    let mut collector = MetricsCollector::new(3, 4).unwrap();
    for id in 0..10 {
        collector.record(sample_at(id, id));
    }
    collector.reset();
    assert!(collector.is_empty());
    assert_eq!(collector.total_recorded(), 0);
    assert_eq!((collector.window_size(), collector.max_history()), (3, 4));
    collector.record(sample_at(99, 0));
    assert_eq!(collector.len(), 1);
}

#[test]
fn export_keeps_recording_order() {
    let mut collector = MetricsCollector::default();
    for (id, t) in [(0, 300), (1, 100), (2, 200)] {
        collector.record(sample_at(id, t));
    }
    let ids: Vec<u64> = collector.export().iter().map(|r| r.task_id).collect();
    assert_eq!(ids, [0, 1, 2]);
}

#[test]
fn aggregated_agrees_with_the_single_queries() {
    let mut collector = MetricsCollector::new(50, 100).unwrap();
    for id in 0..120u64 {
        let cpu = (id % 3 != 0).then(|| ms(id % 7));
        let sample = if id % 5 == 0 {
            TaskSample::failure(id, ms(1 + id % 11), cpu, ms(id * 13 % 97), "fail")
        } else {
            TaskSample::success(id, ms(1 + id % 11), cpu, ms(id * 13 % 97))
        };
        collector.record(sample);
    }
    let agg = collector.aggregated();
    assert_eq!(agg.sample_count, 50);
    assert_eq!(agg.success_count + agg.failure_count, 50);
    assert_eq!(agg.mean_blocking_ratio, collector.recent_blocking_ratio());
    assert_eq!(agg.blocking_ratio_std, collector.blocking_ratio_std());
    assert_eq!(agg.throughput, collector.throughput());
    assert_eq!(agg.latency, collector.latency_percentiles());
}
