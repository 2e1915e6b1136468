//! Unit tests for the window arithmetic.

use std::time::Duration;

use super::*;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn with_beta(beta: Option<f64>) -> TaskSample {
    TaskSample {
        blocking_ratio: beta,
        ..TaskSample::success(0, ms(1), None, ms(0))
    }
}

fn at(timestamp: Duration) -> TaskSample {
    TaskSample::success(0, ms(1), None, timestamp)
}

#[test]
fn mean_std_of_nothing_is_none() {
    assert_eq!(blocking_ratio_mean_std(&[]), None);
    assert_eq!(blocking_ratio_mean_std(&[with_beta(None)]), None);
}

#[test]
fn mean_std_skips_unknown_and_non_finite_values() {
    let samples = [
        with_beta(Some(0.2)),
        with_beta(None),
        with_beta(Some(f64::NAN)),
        with_beta(Some(f64::INFINITY)),
        with_beta(Some(0.6)),
    ];
    let stats = blocking_ratio_mean_std(&samples).unwrap();
    assert!((stats.mean - 0.4).abs() < 1e-12);
    assert!((stats.std - 0.2).abs() < 1e-12);
}

#[test]
fn std_of_one_value_or_constant_values_is_zero() {
    assert_eq!(
        blocking_ratio_mean_std(&[with_beta(Some(0.3))])
            .unwrap()
            .std,
        0.0
    );
    let same = vec![with_beta(Some(0.7)); 1000];
    let stats = blocking_ratio_mean_std(&same).unwrap();
    assert_eq!(stats.mean, 0.7);
    assert_eq!(stats.std, 0.0);
}

#[test]
fn std_is_population_std() {
    // Values 0, 0, 1, 1: mean 0.5, population variance 0.25.
    let samples: Vec<_> = [0.0, 0.0, 1.0, 1.0].map(|b| with_beta(Some(b))).into();
    let stats = blocking_ratio_mean_std(&samples).unwrap();
    assert_eq!(stats.mean, 0.5);
    assert_eq!(stats.std, 0.5);
}

#[test]
fn span_throughput_counts_intervals() {
    assert_eq!(span_throughput(&[]), 0.0);
    assert_eq!(span_throughput(&[at(ms(5))]), 0.0);
    assert_eq!(span_throughput(&[at(ms(0)), at(ms(1000))]), 1.0);
    let ten: Vec<_> = (0..11).map(|i| at(ms(100 * i))).collect();
    assert_eq!(span_throughput(&ten), 10.0);
}

#[test]
fn span_throughput_uses_min_and_max_whatever_the_order() {
    let shuffled = [at(ms(500)), at(ms(1000)), at(ms(0))];
    assert_eq!(span_throughput(&shuffled), 2.0);
}

#[test]
fn span_throughput_of_simultaneous_completions_is_zero() {
    assert_eq!(span_throughput(&[at(ms(7)), at(ms(7)), at(ms(7))]), 0.0);
}

#[test]
fn span_throughput_of_extreme_spans_is_finite() {
    let tiny = [at(Duration::ZERO), at(Duration::from_nanos(1))];
    assert!(span_throughput(&tiny).is_finite());
    let huge = [at(Duration::ZERO), at(Duration::MAX)];
    let rate = span_throughput(&huge);
    assert!(rate.is_finite() && rate > 0.0);
}

#[test]
fn throughput_until_counts_every_sample() {
    let samples = [at(ms(1000)), at(ms(1500))];
    assert_eq!(throughput_until(&samples, ms(2000)), 2.0);
}

#[test]
fn throughput_until_before_or_at_the_oldest_is_zero() {
    let samples = [at(ms(1000))];
    assert_eq!(throughput_until(&samples, ms(1000)), 0.0);
    assert_eq!(throughput_until(&samples, ms(10)), 0.0);
    assert_eq!(throughput_until(&[], ms(10)), 0.0);
}

#[test]
fn mean_duration_is_exact_for_whole_nanoseconds() {
    assert_eq!(mean_duration([]), None);
    assert_eq!(mean_duration([ms(1), ms(2), ms(6)]), Some(ms(3)));
    assert_eq!(
        mean_duration([Duration::new(1, 999_999_999)]),
        Some(Duration::new(1, 999_999_999))
    );
}

#[test]
fn mean_duration_does_not_overflow() {
    assert_eq!(
        mean_duration([Duration::MAX, Duration::MAX]),
        Some(Duration::MAX)
    );
}
