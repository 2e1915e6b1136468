//! Unit tests for the nearest-rank percentile.

use std::time::Duration;

use super::*;

#[test]
fn nearest_rank_of_one_to_hundred() {
    let sorted: Vec<u32> = (1..=100).collect();
    for p in 1..=100u32 {
        let q = f64::from(p) / 100.0;
        assert_eq!(percentile(&sorted, q), Some(p), "q = {q}");
    }
}

#[test]
fn float_error_in_q_times_n_does_not_bump_the_rank() {
    // 0.07 × 100 evaluates to 7.000000000000001 in binary floating point.
    assert!(std::hint::black_box(0.07) * 100.0 > 7.0);
    let sorted: Vec<u32> = (1..=100).collect();
    assert_eq!(percentile(&sorted, 0.07), Some(7));
}

#[test]
fn fractional_rank_rounds_up() {
    let sorted = [10, 20, 30];
    assert_eq!(percentile(&sorted, 0.34), Some(20));
    assert_eq!(percentile(&sorted, 0.5), Some(20));
    assert_eq!(percentile(&sorted, 0.67), Some(30));
    assert_eq!(percentile(&sorted, 0.99), Some(30));
}

#[test]
fn single_element_is_every_percentile() {
    for q in [1e-300, 0.01, 0.5, 0.99, 1.0] {
        assert_eq!(percentile(&[42], q), Some(42));
    }
}

#[test]
fn tiny_q_is_rank_one() {
    let sorted: Vec<u32> = (1..=1000).collect();
    assert_eq!(percentile(&sorted, f64::MIN_POSITIVE), Some(1));
}

#[test]
fn q_outside_unit_interval_is_none() {
    let sorted = [1, 2, 3];
    for q in [
        0.0,
        -0.5,
        1.000_001,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ] {
        assert_eq!(percentile(&sorted, q), None, "q = {q}");
    }
}

#[test]
fn empty_is_none() {
    assert_eq!(percentile::<u8>(&[], 0.5), None);
    assert_eq!(Percentiles::from_sorted(&[]), None);
    assert_eq!(Percentiles::from_unsorted(Vec::new()), None);
}

#[test]
fn percentiles_of_unsorted_input() {
    let ms = Duration::from_millis;
    let p = Percentiles::from_unsorted((1..=200).rev().map(ms)).unwrap();
    assert_eq!(p.p50, ms(100));
    assert_eq!(p.p95, ms(190));
    assert_eq!(p.p99, ms(198));
}

#[test]
fn percentiles_json_uses_seconds_and_round_trips() {
    let ms = Duration::from_millis;
    let p = Percentiles {
        p50: ms(5),
        p95: ms(250),
        p99: Duration::from_secs(2),
    };
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(json, r#"{"p50_s":0.005,"p95_s":0.25,"p99_s":2.0}"#);
    let back: Percentiles = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p);
}

#[test]
fn percentiles_json_rejects_negative_seconds() {
    let result = serde_json::from_str::<Percentiles>(r#"{"p50_s":-1.0,"p95_s":0.0,"p99_s":0.0}"#);
    assert!(result.is_err());
}
