//! Unit tests of Poisson arrivals.

use std::time::Duration;

use super::*;

fn gaps(rate: f64, seed: u64, n: usize) -> Vec<Duration> {
    let mut p = PoissonArrivals::new(rate, seed).unwrap();
    (0..n)
        .map(|_| p.inter_arrival_time(Duration::ZERO))
        .collect()
}

#[test]
fn same_seed_same_gaps() {
    assert_eq!(gaps(100.0, 5, 1000), gaps(100.0, 5, 1000));
    assert_ne!(gaps(100.0, 5, 10), gaps(100.0, 6, 10));
}

#[test]
fn mean_gap_is_about_one_over_rate() {
    let rate = 200.0;
    let n = 100_000;
    let total: Duration = gaps(rate, 11, n).into_iter().sum();
    let mean = total.as_secs_f64() / n as f64;
    // Ten standard errors of the mean (0.3 % each): generous, yet a wrong rate fails it.
    assert!((mean * rate - 1.0).abs() < 0.03, "mean gap {mean} s");
}

#[test]
fn bad_rates_are_refused_by_name() {
    for bad in [0.0, -5.0, f64::INFINITY, f64::NAN] {
        let err = PoissonArrivals::new(bad, 0).unwrap_err();
        assert_eq!(err.parameter(), Some("rate"));
    }
}

#[test]
fn waiting_follows_the_schedule() {
    // Only the bookkeeping is checked, never how long the sleeps took.
    let mut p = PoissonArrivals::new(100_000.0, 1).unwrap();
    let expected: Duration = gaps(100_000.0, 1, 5).into_iter().sum();
    for _ in 0..5 {
        p.wait_for_next_arrival();
    }
    assert_eq!(p.schedule.due(), expected);
}
