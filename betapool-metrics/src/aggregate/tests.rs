//! Unit tests for `AggregatedMetrics`.

use std::time::Duration;

use super::*;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn empty_window_is_all_unknown() {
    let agg = AggregatedMetrics::from_samples(&[]);
    assert_eq!(agg.sample_count, 0);
    assert_eq!(agg.mean_blocking_ratio, None);
    assert_eq!(agg.blocking_ratio_std, None);
    assert_eq!(agg.throughput, 0.0);
    assert_eq!(agg.latency, None);
    assert_eq!(agg.mean_wall_time, None);
    assert_eq!(agg.mean_cpu_time, None);
}

#[test]
fn unknown_cpu_times_are_left_out_of_the_means() {
    let samples = [
        TaskSample::success(1, ms(10), None, ms(0)),
        TaskSample::success(2, ms(20), Some(ms(10)), ms(10)),
    ];
    let agg = AggregatedMetrics::from_samples(&samples);
    assert_eq!(agg.mean_blocking_ratio, Some(0.5));
    assert_eq!(agg.mean_cpu_time, Some(ms(10)));
    assert_eq!(agg.mean_wall_time, Some(ms(15)));
}

#[test]
fn counts_split_by_outcome() {
    let samples = [
        TaskSample::success(1, ms(1), None, ms(0)),
        TaskSample::failure(2, ms(1), None, ms(1), "a"),
        TaskSample::failure(3, ms(1), None, ms(2), "b"),
    ];
    let agg = AggregatedMetrics::from_samples(&samples);
    assert_eq!(
        (agg.sample_count, agg.success_count, agg.failure_count),
        (3, 1, 2)
    );
}

#[test]
fn json_uses_seconds_and_round_trips() {
    let samples = [TaskSample::success(1, ms(250), Some(ms(125)), ms(0))];
    let agg = AggregatedMetrics::from_samples(&samples);
    let json = serde_json::to_value(&agg).unwrap();
    assert_eq!(json["mean_wall_time_s"], 0.25);
    assert_eq!(json["mean_cpu_time_s"], 0.125);
    assert_eq!(json["latency"]["p99_s"], 0.25);
    let back: AggregatedMetrics = serde_json::from_value(json).unwrap();
    assert_eq!(back, agg);
}
