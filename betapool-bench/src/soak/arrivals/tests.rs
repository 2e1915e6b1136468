//! Tests of the soak's timetable: seeded, ordered, bounded, and silent in every pause.

use std::time::Duration;

use super::{Arrivals, in_pause};
use crate::soak::plan::plan;

#[test]
fn arrivals_are_seeded_ordered_and_bounded() {
    let end = Duration::from_secs(30);
    let a: Vec<Duration> = Arrivals::new(7, end).unwrap().collect();
    let b: Vec<Duration> = Arrivals::new(7, end).unwrap().collect();
    assert_eq!(a, b);
    assert_ne!(a, Arrivals::new(8, end).unwrap().collect::<Vec<_>>());
    assert!(a.windows(2).all(|w| w[0] <= w[1]));
    assert!(a.iter().all(|&t| t <= end));
    // 27 s at 500/s (the last 3 s are the run's pause), plus bursts at 5–7 s, 15–17 s
    // and 25–27 s at 5 000/s: 43 500 expected.
    assert!((41_000..46_000).contains(&a.len()), "{}", a.len());
    assert!(a.iter().all(|t| t.as_secs_f64() < 27.0));
    let rate = |from: f64, to: f64| {
        a.iter()
            .filter(|t| (from..to).contains(&t.as_secs_f64()))
            .count() as f64
            / (to - from)
    };
    assert!(rate(15.0, 17.0) > 4_500.0, "{}", rate(15.0, 17.0));
    assert!(rate(8.0, 14.0) < 600.0, "{}", rate(8.0, 14.0));
    assert_eq!(plan(7, end).unwrap().tasks, a.len());
}

#[test]
fn pauses_end_every_minute_and_the_load() {
    let s = Duration::from_secs_f64;
    let end = s(150.0);
    assert!(!in_pause(s(56.9), end));
    assert!(in_pause(s(57.0), end));
    assert!(in_pause(s(59.99), end));
    assert!(!in_pause(s(60.0), end));
    assert!(in_pause(s(118.0), end));
    assert!(!in_pause(s(146.9), end));
    assert!(in_pause(s(147.5), end));
    let a: Vec<Duration> = Arrivals::new(1, end).unwrap().collect();
    assert!(!a.iter().any(|&t| in_pause(t, end)));
    assert!(a.iter().any(|t| (56.0..57.0).contains(&t.as_secs_f64())));
    assert!(a.iter().any(|t| (60.0..61.0).contains(&t.as_secs_f64())));
}
