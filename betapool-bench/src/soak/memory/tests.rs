//! Tests of the memory readings: each pause keeps its lowest RSS.

use super::{Rest, add_rest};

#[test]
fn rest_keeps_the_lowest_rss_of_each_pause() {
    let mut rests = Vec::new();
    add_rest(&mut rests, 1, 300, false);
    add_rest(&mut rests, 1, 200, true);
    add_rest(&mut rests, 1, 250, true);
    add_rest(&mut rests, 2, 400, false);
    let want = |minute, rss_bytes, polls, polls_at_min| Rest {
        minute,
        rss_bytes,
        polls,
        polls_at_min,
    };
    assert_eq!(rests, vec![want(1, 200, 3, 2), want(2, 400, 1, 0)]);
}
