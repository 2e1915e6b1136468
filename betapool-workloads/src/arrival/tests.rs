//! Unit tests of exponential gaps.

use std::time::Duration;

use super::*;

#[test]
fn exponential_gaps_have_mean_one_over_rate() {
    let mut rng = SplitMix64::new(1);
    let rate = 250.0;
    let samples = 200_000;
    let total: f64 = (0..samples)
        .map(|_| exponential_gap(&mut rng, rate).as_secs_f64())
        .sum();
    let mean = total / f64::from(samples);
    // The standard error of the mean is (1/rate)/sqrt(n) ≈ 0.2 % of the mean; 3 % is over ten
    // standard errors, so this fails only if the distribution is wrong.
    assert!((mean * rate - 1.0).abs() < 0.03, "mean gap {mean}");
}

#[test]
fn tiny_rates_saturate_instead_of_panicking() {
    let mut rng = SplitMix64::new(3);
    for _ in 0..100 {
        let _ = exponential_gap(&mut rng, f64::MIN_POSITIVE);
    }
}

#[test]
fn schedule_advances_by_the_gaps() {
    let mut schedule = Schedule::start_now();
    schedule.advance_and_wait(Duration::from_micros(10));
    schedule.advance_and_wait(Duration::from_micros(20));
    assert_eq!(schedule.due(), Duration::from_micros(30));
}
