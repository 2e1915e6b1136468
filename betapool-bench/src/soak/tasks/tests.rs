//! Tests of the task kinds and planned panics: each follows its share of the ids.

use super::{MIX, MIX_TOTAL, kind_of, planned_panic};

#[test]
fn kinds_and_panics_follow_their_shares() {
    let n = 100_000;
    let mut kinds = [0usize; 3];
    for id in 0..n {
        kinds[kind_of(3, id).index()] += 1;
    }
    for ((_, weight), got) in MIX.iter().zip(kinds) {
        let want = n as f64 * *weight as f64 / MIX_TOTAL as f64;
        assert!((got as f64 - want).abs() < want * 0.05, "{kinds:?}");
    }
    let panics = (0..n).filter(|&id| planned_panic(3, id)).count();
    assert!((60..140).contains(&panics), "{panics}");
    assert_eq!(planned_panic(3, 17), planned_panic(3, 17));
}
