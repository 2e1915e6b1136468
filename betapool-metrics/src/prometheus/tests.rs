//! Unit tests for the Prometheus text encoder: exact output, escaping and edge values.

use std::time::Duration;

use super::*;
use crate::Percentiles;

fn io_pool() -> PoolStats {
    let ms = Duration::from_millis;
    PoolStats {
        name: "io".to_owned(),
        current_threads: 16,
        min_threads: 4,
        max_threads: 64,
        idle_threads: 3,
        queued_tasks: 12,
        submitted: 1000,
        completed: 980,
        panicked: 2,
        cancelled: 1,
        rejected: 5,
        scale_up_count: 6,
        scale_down_count: 2,
        avg_blocking_ratio: Some(0.875),
        throughput: 250.5,
        latency: Some(Percentiles {
            p50: ms(5),
            p95: ms(20),
            p99: ms(125),
        }),
    }
}

fn cpu_pool() -> PoolStats {
    PoolStats {
        name: "cpu".to_owned(),
        current_threads: 2,
        min_threads: 2,
        max_threads: 2,
        submitted: 7,
        completed: 7,
        ..PoolStats::default()
    }
}

fn encoded(stats: &[PoolStats]) -> String {
    let mut out = String::new();
    encode(stats, &mut out);
    out
}

#[test]
fn one_pool_exact_output() {
    let expected = "\
# HELP betapool_threads Worker threads alive.
# TYPE betapool_threads gauge
betapool_threads{pool=\"io\"} 16
# HELP betapool_threads_min Fewest worker threads the pool keeps.
# TYPE betapool_threads_min gauge
betapool_threads_min{pool=\"io\"} 4
# HELP betapool_threads_max Most worker threads the pool may start.
# TYPE betapool_threads_max gauge
betapool_threads_max{pool=\"io\"} 64
# HELP betapool_threads_idle Worker threads waiting for work.
# TYPE betapool_threads_idle gauge
betapool_threads_idle{pool=\"io\"} 3
# HELP betapool_tasks_queued Tasks waiting in the queue.
# TYPE betapool_tasks_queued gauge
betapool_tasks_queued{pool=\"io\"} 12
# HELP betapool_tasks_submitted_total Tasks accepted by the pool.
# TYPE betapool_tasks_submitted_total counter
betapool_tasks_submitted_total{pool=\"io\"} 1000
# HELP betapool_tasks_completed_total Tasks that ran to completion, successfully or not.
# TYPE betapool_tasks_completed_total counter
betapool_tasks_completed_total{pool=\"io\"} 980
# HELP betapool_tasks_panicked_total Tasks that panicked.
# TYPE betapool_tasks_panicked_total counter
betapool_tasks_panicked_total{pool=\"io\"} 2
# HELP betapool_tasks_cancelled_total Tasks cancelled before they ran.
# TYPE betapool_tasks_cancelled_total counter
betapool_tasks_cancelled_total{pool=\"io\"} 1
# HELP betapool_tasks_rejected_total Tasks refused at submission.
# TYPE betapool_tasks_rejected_total counter
betapool_tasks_rejected_total{pool=\"io\"} 5
# HELP betapool_scale_up_total Times the pool decided to grow.
# TYPE betapool_scale_up_total counter
betapool_scale_up_total{pool=\"io\"} 6
# HELP betapool_scale_down_total Times the pool decided to shrink.
# TYPE betapool_scale_down_total counter
betapool_scale_down_total{pool=\"io\"} 2
# HELP betapool_blocking_ratio Mean blocking ratio (1 - cpu/wall) over the recent window.
# TYPE betapool_blocking_ratio gauge
betapool_blocking_ratio{pool=\"io\"} 0.875
# HELP betapool_throughput_tasks_per_second Task completions per second over the recent window.
# TYPE betapool_throughput_tasks_per_second gauge
betapool_throughput_tasks_per_second{pool=\"io\"} 250.5
# HELP betapool_task_latency_seconds Task wall time over the recent window, by nearest-rank quantile.
# TYPE betapool_task_latency_seconds summary
betapool_task_latency_seconds{pool=\"io\",quantile=\"0.5\"} 0.005
betapool_task_latency_seconds{pool=\"io\",quantile=\"0.95\"} 0.02
betapool_task_latency_seconds{pool=\"io\",quantile=\"0.99\"} 0.125
";
    assert_eq!(encoded(&[io_pool()]), expected);
}

#[test]
fn two_pools_share_each_family_header() {
    // The cpu pool has no β and no latency, so it is missing from exactly those families.
    let expected = "\
# HELP betapool_threads Worker threads alive.
# TYPE betapool_threads gauge
betapool_threads{pool=\"io\"} 16
betapool_threads{pool=\"cpu\"} 2
# HELP betapool_threads_min Fewest worker threads the pool keeps.
# TYPE betapool_threads_min gauge
betapool_threads_min{pool=\"io\"} 4
betapool_threads_min{pool=\"cpu\"} 2
# HELP betapool_threads_max Most worker threads the pool may start.
# TYPE betapool_threads_max gauge
betapool_threads_max{pool=\"io\"} 64
betapool_threads_max{pool=\"cpu\"} 2
# HELP betapool_threads_idle Worker threads waiting for work.
# TYPE betapool_threads_idle gauge
betapool_threads_idle{pool=\"io\"} 3
betapool_threads_idle{pool=\"cpu\"} 0
# HELP betapool_tasks_queued Tasks waiting in the queue.
# TYPE betapool_tasks_queued gauge
betapool_tasks_queued{pool=\"io\"} 12
betapool_tasks_queued{pool=\"cpu\"} 0
# HELP betapool_tasks_submitted_total Tasks accepted by the pool.
# TYPE betapool_tasks_submitted_total counter
betapool_tasks_submitted_total{pool=\"io\"} 1000
betapool_tasks_submitted_total{pool=\"cpu\"} 7
# HELP betapool_tasks_completed_total Tasks that ran to completion, successfully or not.
# TYPE betapool_tasks_completed_total counter
betapool_tasks_completed_total{pool=\"io\"} 980
betapool_tasks_completed_total{pool=\"cpu\"} 7
# HELP betapool_tasks_panicked_total Tasks that panicked.
# TYPE betapool_tasks_panicked_total counter
betapool_tasks_panicked_total{pool=\"io\"} 2
betapool_tasks_panicked_total{pool=\"cpu\"} 0
# HELP betapool_tasks_cancelled_total Tasks cancelled before they ran.
# TYPE betapool_tasks_cancelled_total counter
betapool_tasks_cancelled_total{pool=\"io\"} 1
betapool_tasks_cancelled_total{pool=\"cpu\"} 0
# HELP betapool_tasks_rejected_total Tasks refused at submission.
# TYPE betapool_tasks_rejected_total counter
betapool_tasks_rejected_total{pool=\"io\"} 5
betapool_tasks_rejected_total{pool=\"cpu\"} 0
# HELP betapool_scale_up_total Times the pool decided to grow.
# TYPE betapool_scale_up_total counter
betapool_scale_up_total{pool=\"io\"} 6
betapool_scale_up_total{pool=\"cpu\"} 0
# HELP betapool_scale_down_total Times the pool decided to shrink.
# TYPE betapool_scale_down_total counter
betapool_scale_down_total{pool=\"io\"} 2
betapool_scale_down_total{pool=\"cpu\"} 0
# HELP betapool_blocking_ratio Mean blocking ratio (1 - cpu/wall) over the recent window.
# TYPE betapool_blocking_ratio gauge
betapool_blocking_ratio{pool=\"io\"} 0.875
# HELP betapool_throughput_tasks_per_second Task completions per second over the recent window.
# TYPE betapool_throughput_tasks_per_second gauge
betapool_throughput_tasks_per_second{pool=\"io\"} 250.5
betapool_throughput_tasks_per_second{pool=\"cpu\"} 0
# HELP betapool_task_latency_seconds Task wall time over the recent window, by nearest-rank quantile.
# TYPE betapool_task_latency_seconds summary
betapool_task_latency_seconds{pool=\"io\",quantile=\"0.5\"} 0.005
betapool_task_latency_seconds{pool=\"io\",quantile=\"0.95\"} 0.02
betapool_task_latency_seconds{pool=\"io\",quantile=\"0.99\"} 0.125
";
    let out = encoded(&[io_pool(), cpu_pool()]);
    assert_eq!(out, expected);
    // Each family is introduced exactly once.
    assert_eq!(out.matches("# TYPE betapool_threads gauge\n").count(), 1);
}

#[test]
fn label_values_escape_backslash_quote_and_newline() {
    let pool = PoolStats {
        name: "a\\b\"c\nd".to_owned(),
        ..PoolStats::default()
    };
    let out = encoded(&[pool]);
    assert!(
        out.contains("betapool_threads{pool=\"a\\\\b\\\"c\\nd\"} 0\n"),
        "{out}"
    );
    // No raw newline leaks into a sample line: every line is a comment or a whole sample.
    for line in out.lines() {
        assert!(
            line.starts_with('#') || line.starts_with("betapool_"),
            "{line:?}"
        );
    }
}

#[test]
fn other_characters_pass_through_unescaped() {
    let pool = PoolStats {
        name: "pool-é/1 {x}".to_owned(),
        ..PoolStats::default()
    };
    assert!(encoded(&[pool]).contains("betapool_threads{pool=\"pool-é/1 {x}\"} 0\n"));
}

#[test]
fn no_pools_write_nothing() {
    assert_eq!(encoded(&[]), "");
}

#[test]
fn encode_appends_to_existing_text() {
    let mut out = String::from("# existing\n");
    encode(&[cpu_pool()], &mut out);
    assert!(out.starts_with("# existing\n# HELP betapool_threads "));
}

#[test]
fn non_finite_floats_use_exposition_spelling() {
    assert_eq!(Value::Float(f64::INFINITY).to_string(), "+Inf");
    assert_eq!(Value::Float(f64::NEG_INFINITY).to_string(), "-Inf");
    assert_eq!(Value::Float(f64::NAN).to_string(), "NaN");
    assert_eq!(Value::Float(1e-7).to_string(), "0.0000001");
    assert_eq!(Value::Int(u64::MAX).to_string(), "18446744073709551615");
}

#[test]
fn family_names_and_help_are_well_formed() {
    let valid_name = |name: &str| {
        name.starts_with("betapool_")
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    };
    for family in FAMILIES {
        assert!(valid_name(family.name), "{}", family.name);
        assert!(!family.help.contains(['\\', '\n']), "{}", family.name);
        assert_eq!(
            family.kind == "counter",
            family.name.ends_with("_total"),
            "{}",
            family.name
        );
    }
    assert!(valid_name(LATENCY_FAMILY));
    assert!(!LATENCY_HELP.contains(['\\', '\n']));
}

#[test]
fn content_type_names_the_format_version() {
    assert_eq!(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
}
