//! Tests of the bench report: the median and spread of repeated runs.

use super::Stat;

#[test]
fn stat_median_min_max() {
    let s = Stat::of([3.0, 1.0, 2.0]);
    assert_eq!((s.median, s.min, s.max), (2.0, 1.0, 3.0));
    let s = Stat::of([4.0, 1.0, 2.0, 3.0]);
    assert_eq!(s.median, 2.5);
    assert!(Stat::of([]).median.is_nan());
}
