//! Integration tests of `MetricsCollector` through the public API: a smoke run, property tests
//! of the percentiles against an independent reference, and the export round trips.

use std::time::Duration;

use betapool_metrics::{
    CsvRow, MetricsCollector, Percentiles, PoolStats, TaskRecord, TaskSample, prometheus,
    write_csv, write_json,
};
use proptest::prelude::*;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// The nearest-rank percentile in integer arithmetic, `p` in whole percent: the element of
/// 1-based rank ⌈p·n/100⌉. It shares no code or float arithmetic with the crate's version.
fn reference_percentile(sorted: &[Duration], p: usize) -> Duration {
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

#[test]
fn smoke() {
    let mut collector = MetricsCollector::new(10, 100).unwrap();
    for id in 0..50u64 {
        // Every fifth task fails; CPU time is unknown for every seventh.
        let cpu = (id % 7 != 0).then(|| ms(id % 4));
        let sample = if id % 5 == 0 {
            TaskSample::failure(id, ms(4), cpu, ms(100 * id), "boom")
        } else {
            TaskSample::success(id, ms(4), cpu, ms(100 * id))
        };
        collector.record(sample);
    }
    let agg = collector.aggregated();
    assert_eq!(agg.sample_count, 10);
    assert_eq!(agg.failure_count, 2);
    assert_eq!(collector.total_recorded(), 50);
    assert_eq!(collector.len(), 50);
    // Ten samples 100 ms apart: nine intervals over 0.9 s.
    assert!((collector.throughput() - 10.0).abs() < 1e-9);
    let beta = collector.recent_blocking_ratio().unwrap();
    assert!((0.0..=1.0).contains(&beta));
    assert_eq!(collector.latency_percentiles().unwrap().p99, ms(4));
}

#[test]
fn out_of_order_recording_gives_the_same_statistics_as_in_order() {
    let samples: Vec<TaskSample> = (0..20u64)
        .map(|id| TaskSample::success(id, ms(1 + id), Some(ms(id / 2)), ms(50 * id)))
        .collect();
    let mut in_order = MetricsCollector::new(20, 20).unwrap();
    let mut shuffled = MetricsCollector::new(20, 20).unwrap();
    for sample in &samples {
        in_order.record(sample.clone());
    }
    // A fixed interleaving such as many worker threads would produce.
    for index in (0..20).map(|i| (i * 7) % 20) {
        shuffled.record(samples[index].clone());
    }
    assert_eq!(shuffled.throughput(), in_order.throughput());
    assert_eq!(
        shuffled.throughput_at(ms(2000)),
        in_order.throughput_at(ms(2000))
    );
    assert_eq!(
        shuffled.latency_percentiles(),
        in_order.latency_percentiles()
    );
    assert_eq!(
        shuffled.aggregated().throughput,
        in_order.aggregated().throughput
    );
    let (a, b) = (
        shuffled.recent_blocking_ratio().unwrap(),
        in_order.recent_blocking_ratio().unwrap(),
    );
    assert!((a - b).abs() < 1e-12);
}

#[test]
fn bad_sizes_are_errors_not_panics() {
    assert!(MetricsCollector::new(0, 0).is_err());
    assert!(MetricsCollector::new(0, 10).is_err());
    assert!(MetricsCollector::new(10, 0).is_err());
    assert!(MetricsCollector::new(11, 10).is_err());
    let err = MetricsCollector::new(11, 10).unwrap_err();
    assert!(err.to_string().contains("max_history"));
    assert!(err.to_string().contains("11") && err.to_string().contains("10"));
}

#[test]
fn csv_export_round_trips_an_awkward_error_message() {
    let message = "parse error at 3,4: expected \"}\"\nsecond line";
    let mut collector = MetricsCollector::default();
    collector.record(TaskSample::failure(1, ms(2), None, ms(10), message));
    let mut out = Vec::new();
    write_csv(&mut out, &collector.export()).unwrap();
    let text = String::from_utf8(out).unwrap();
    let expected_field = "\"parse error at 3,4: expected \"\"}\"\"\nsecond line\"";
    assert!(
        text.ends_with(&format!(",false,{expected_field}\r\n")),
        "{text:?}"
    );
    assert!(text.starts_with(&TaskRecord::header().join(",")));
}

#[test]
fn json_export_round_trips() {
    let mut collector = MetricsCollector::default();
    collector.record(TaskSample::success(1, ms(250), Some(ms(50)), ms(0)));
    collector.record(TaskSample::failure(2, ms(500), None, ms(1000), "x\ny"));
    let rows = collector.export();
    let mut out = Vec::new();
    write_json(&mut out, &rows).unwrap();
    let back: Vec<TaskRecord> = serde_json::from_slice(&out).unwrap();
    assert_eq!(back, rows);
}

#[test]
fn pool_stats_from_a_collector_encode_for_prometheus() {
    let mut collector = MetricsCollector::default();
    for id in 1..=4 {
        collector.record(TaskSample::success(
            id,
            ms(10 * id),
            Some(ms(id)),
            ms(250 * id),
        ));
    }
    let agg = collector.aggregated();
    let stats = PoolStats {
        name: "io".to_owned(),
        completed: collector.total_recorded(),
        avg_blocking_ratio: agg.mean_blocking_ratio,
        throughput: agg.throughput,
        latency: agg.latency,
        ..PoolStats::default()
    };
    let mut out = String::new();
    prometheus::encode(&[stats], &mut out);
    assert!(out.contains("betapool_tasks_completed_total{pool=\"io\"} 4\n"));
    assert!(
        out.contains("betapool_blocking_ratio{pool=\"io\"} 0.9\n"),
        "{out}"
    );
    assert!(out.contains("betapool_throughput_tasks_per_second{pool=\"io\"} 4\n"));
    assert!(out.contains("betapool_task_latency_seconds{pool=\"io\",quantile=\"0.5\"} 0.02\n"));
}

/// Arbitrary samples: wall times up to a minute, with or without CPU time, in any order.
fn arbitrary_samples() -> impl Strategy<Value = Vec<TaskSample>> {
    prop::collection::vec(
        (
            0u64..60_000_000,
            prop::option::of(0u64..60_000_000),
            0u64..1_000_000,
            any::<bool>(),
        ),
        0..300,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(id, (wall_us, cpu_us, at_ms, ok))| {
                let wall = Duration::from_micros(wall_us);
                let cpu = cpu_us.map(Duration::from_micros);
                if ok {
                    TaskSample::success(id as u64, wall, cpu, ms(at_ms))
                } else {
                    TaskSample::failure(id as u64, wall, cpu, ms(at_ms), "failed")
                }
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn percentiles_match_an_independent_reference(
        samples in arbitrary_samples(),
        window in 1usize..150,
    ) {
        let mut collector = MetricsCollector::new(window, window * 2).unwrap();
        for sample in &samples {
            collector.record(sample.clone());
        }
        let start = samples.len().saturating_sub(window);
        let mut reference: Vec<Duration> = samples[start..].iter().map(|s| s.wall_time).collect();
        reference.sort();

        match collector.latency_percentiles() {
            None => prop_assert!(reference.is_empty()),
            Some(p) => {
                prop_assert_eq!(p.p50, reference_percentile(&reference, 50));
                prop_assert_eq!(p.p95, reference_percentile(&reference, 95));
                prop_assert_eq!(p.p99, reference_percentile(&reference, 99));
                prop_assert!(p.p50 <= p.p95 && p.p95 <= p.p99);
                prop_assert!(reference.contains(&p.p50));
                prop_assert!(reference.contains(&p.p95));
                prop_assert!(reference.contains(&p.p99));
                prop_assert_eq!(collector.aggregated().latency, Some(p));
            }
        }
    }

    #[test]
    fn any_percentile_is_a_member_of_the_input(
        mut values in prop::collection::vec(any::<u32>(), 1..200),
        whole_percent in 1usize..=100,
    ) {
        values.sort_unstable();
        let q = whole_percent as f64 / 100.0;
        let got = betapool_metrics::percentile(&values, q).unwrap();
        prop_assert!(values.binary_search(&got).is_ok());
        let rank = (whole_percent * values.len()).div_ceil(100).max(1);
        prop_assert_eq!(got, values[rank - 1]);
    }

    #[test]
    fn statistics_are_never_nan_or_infinite(samples in arbitrary_samples(), now_ms in 0u64..2_000_000) {
        let mut collector = MetricsCollector::new(64, 128).unwrap();
        for sample in samples {
            collector.record(sample);
        }
        prop_assert!(collector.throughput().is_finite() && collector.throughput() >= 0.0);
        let at = collector.throughput_at(ms(now_ms));
        prop_assert!(at.is_finite() && at >= 0.0);
        if let Some(beta) = collector.recent_blocking_ratio() {
            prop_assert!((0.0..=1.0).contains(&beta));
        }
        if let Some(std) = collector.blocking_ratio_std() {
            prop_assert!(std.is_finite() && (0.0..=0.5).contains(&std));
        }
        let agg = collector.aggregated();
        prop_assert_eq!(agg.sample_count, collector.window().len());
        prop_assert_eq!(agg.success_count + agg.failure_count, agg.sample_count);
    }

    #[test]
    fn history_is_bounded_and_total_counts_everything(
        count in 0usize..500,
        window in 1usize..50,
        extra in 0usize..100,
    ) {
        let mut collector = MetricsCollector::new(window, window + extra).unwrap();
        for id in 0..count as u64 {
            collector.record(TaskSample::success(id, ms(1), None, ms(id)));
        }
        prop_assert_eq!(collector.len(), count.min(window + extra));
        prop_assert_eq!(collector.total_recorded(), count as u64);
        prop_assert_eq!(collector.window().len(), count.min(window));
        let exported = collector.export();
        prop_assert!(exported.windows(2).all(|w| w[0].task_id + 1 == w[1].task_id));
        if let Some(last) = exported.last() {
            prop_assert_eq!(last.task_id + 1, count as u64);
        }
    }

    #[test]
    fn percentiles_from_unsorted_ignore_order(
        mut latencies in prop::collection::vec(0u64..10_000, 1..100),
    ) {
        let forward = Percentiles::from_unsorted(latencies.iter().copied().map(ms));
        latencies.reverse();
        let backward = Percentiles::from_unsorted(latencies.iter().copied().map(ms));
        prop_assert_eq!(forward, backward);
    }
}
