//! Unit tests for `TaskSample` and `blocking_ratio`.

use std::time::Duration;

use super::*;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn blocking_ratio_is_one_minus_cpu_over_wall() {
    assert_eq!(blocking_ratio(ms(1), ms(4)), Some(0.75));
    assert_eq!(blocking_ratio(ms(2), ms(4)), Some(0.5));
    assert_eq!(blocking_ratio(ms(4), ms(4)), Some(0.0));
}

#[test]
fn blocking_ratio_clamps_cpu_above_wall_to_zero() {
    assert_eq!(blocking_ratio(ms(9), ms(4)), Some(0.0));
    assert_eq!(
        blocking_ratio(Duration::MAX, Duration::from_nanos(1)),
        Some(0.0)
    );
}

#[test]
fn blocking_ratio_of_zero_wall_is_unknown() {
    assert_eq!(blocking_ratio(ms(0), Duration::ZERO), None);
    assert_eq!(blocking_ratio(ms(3), Duration::ZERO), None);
}

#[test]
fn blocking_ratio_never_leaves_unit_interval() {
    let spans = [
        Duration::ZERO,
        Duration::from_nanos(1),
        ms(1),
        Duration::from_secs(1),
        Duration::MAX,
    ];
    for cpu in spans {
        for wall in spans {
            if let Some(beta) = blocking_ratio(cpu, wall) {
                assert!(
                    (0.0..=1.0).contains(&beta),
                    "cpu {cpu:?} wall {wall:?} gave {beta}"
                );
            }
        }
    }
}

#[test]
fn success_fills_every_field() {
    let sample = TaskSample::success(5, ms(8), Some(ms(2)), ms(100));
    assert_eq!(
        sample,
        TaskSample {
            task_id: 5,
            wall_time: ms(8),
            cpu_time: Some(ms(2)),
            blocking_ratio: Some(0.75),
            timestamp: ms(100),
            success: true,
            error_message: None,
        }
    );
}

#[test]
fn failure_keeps_beta_and_message() {
    let sample = TaskSample::failure(6, ms(8), Some(ms(8)), ms(100), "boom");
    assert!(!sample.success);
    assert_eq!(sample.blocking_ratio, Some(0.0));
    assert_eq!(sample.error_message.as_deref(), Some("boom"));
}

#[test]
fn unknown_cpu_or_zero_wall_gives_no_beta() {
    assert_eq!(
        TaskSample::success(1, ms(8), None, ms(1)).blocking_ratio,
        None
    );
    assert_eq!(
        TaskSample::failure(2, Duration::ZERO, Some(ms(1)), ms(1), "x").blocking_ratio,
        None
    );
}

#[test]
fn sample_round_trips_through_json() {
    let sample = TaskSample::failure(9, ms(8), None, ms(100), "a \"quoted\" message");
    let json = serde_json::to_string(&sample).unwrap();
    let back: TaskSample = serde_json::from_str(&json).unwrap();
    assert_eq!(back, sample);
}
