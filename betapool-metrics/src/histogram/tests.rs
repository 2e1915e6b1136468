//! Unit tests for `Histogram::from_counts`.

use super::*;

#[test]
fn buckets_are_cumulative_and_the_count_includes_the_overflow() {
    let h = Histogram::from_counts(&[1.0, 2.0, 4.0, 8.0], &[2, 0, 5, 1, 3], 50.0);
    assert_eq!(h.buckets, vec![(1.0, 2), (2.0, 2), (4.0, 7), (8.0, 8)]);
    assert_eq!(h.count, 11);
    assert_eq!(h.sum, 50.0);
}

#[test]
fn missing_counts_are_zero_and_extra_ones_overflow() {
    let short = Histogram::from_counts(&[1.0, 2.0, 4.0], &[1], 1.0);
    assert_eq!(short.buckets, vec![(1.0, 1), (2.0, 1), (4.0, 1)]);
    assert_eq!(short.count, 1);

    let long = Histogram::from_counts(&[1.0], &[1, 2, 3], 0.0);
    assert_eq!(long.buckets, vec![(1.0, 1)]);
    assert_eq!(long.count, 6);
}

#[test]
fn no_bounds_leaves_only_the_total() {
    let h = Histogram::from_counts(&[], &[4, 5], 9.0);
    assert!(h.buckets.is_empty());
    assert_eq!(h.count, 9);
}

#[test]
fn huge_counts_saturate_instead_of_overflowing() {
    let h = Histogram::from_counts(&[1.0], &[u64::MAX, 1], 0.0);
    assert_eq!(h.buckets, vec![(1.0, u64::MAX)]);
    assert_eq!(h.count, u64::MAX);
}

#[test]
fn json_round_trips() {
    let h = Histogram::from_counts(&[1.0, 2.0], &[1, 1, 1], 6.0);
    let json = serde_json::to_string(&h).unwrap();
    assert_eq!(serde_json::from_str::<Histogram>(&json).unwrap(), h);
}
