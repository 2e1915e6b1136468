//! The bend detector on constructed batch times: straight lines, bends, noise and too few batches.

use super::*;

const A: f64 = 5e-3;
const C: f64 = 2e-4;

fn linear(b: u64) -> f64 {
    A + C * b as f64
}

/// The synthetic model of the benchmark's curved cost: the cost per request doubles past 32.
fn knee(b: u64) -> f64 {
    A + C * b.min(32) as f64 + 2.0 * C * b.saturating_sub(32) as f64
}

fn feed(e: &mut Bend, cost: impl Fn(u64) -> f64, sizes: impl IntoIterator<Item = u64>) {
    for b in sizes {
        for _ in 0..MIN_SAMPLES {
            e.record(b, Duration::from_secs_f64(cost(b)));
        }
    }
}

/// Batch times as a shared machine gives them: ±3 % of jitter on every batch, and one batch in
/// ten preempted for an extra 0–2 ms. A fixed-seed generator keeps the test the same every run.
fn noisy(e: &mut Bend, cost: impl Fn(u64) -> f64, sizes: &[u64], rounds: usize) {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    for _ in 0..rounds {
        for &b in sizes {
            let jitter = 1.0 + 0.06 * (next() - 0.5);
            let preempted = if next() < 0.1 { 2e-3 * next() } else { 0.0 };
            e.record(b, Duration::from_secs_f64(cost(b) * jitter + preempted));
        }
    }
}

#[test]
fn a_straight_line_cost_sets_no_cap() {
    let mut e = Bend::default();
    feed(&mut e, linear, [1, 8, 20, 40, 60, 90]);
    assert_eq!(e.cap(), None);
}

#[test]
fn a_cost_that_bends_at_32_caps_batches_there() {
    let mut e = Bend::default();
    feed(&mut e, knee, [4, 12, 20, 32, 40, 56, 80]);
    assert_eq!(e.cap(), Some(32));
}

#[test]
fn two_bins_past_the_bend_are_enough_to_find_it() {
    // A steady load measures many batches below the bend and a burst only a few above it.
    let mut e = Bend::default();
    feed(&mut e, knee, [10, 14, 18, 22, 26, 30]);
    for _ in 0..20 {
        feed(&mut e, knee, [18, 22, 26]);
    }
    assert_eq!(e.cap(), None, "nothing past the bend measured yet");
    feed(&mut e, knee, [36, 44]);
    assert_eq!(e.cap(), Some(32));
}

#[test]
fn noise_on_a_straight_line_sets_no_cap() {
    let mut e = Bend::default();
    let sizes: Vec<u64> = (2..=30).map(|i| 2 * i).collect();
    noisy(&mut e, linear, &sizes, 20);
    assert_eq!(e.cap(), None);
}

#[test]
fn a_noisy_bend_is_found_within_a_bin() {
    let mut e = Bend::default();
    let sizes: Vec<u64> = (2..=30).map(|i| 2 * i).collect();
    noisy(&mut e, knee, &sizes, 20);
    let cap = e.cap().expect("the bend is found");
    assert!((28..=36).contains(&cap), "cap {cap}");
}

#[test]
fn a_bend_too_mild_to_lose_throughput_sets_no_cap() {
    // Past 32 a request costs 0.25 ms instead of 0.2 ms, but the 5 ms fixed part spread over a
    // larger batch still wins: throughput keeps rising, so there is nothing to stop at.
    let mild = |b: u64| A + C * b.min(32) as f64 + 2.5e-4 * b.saturating_sub(32) as f64;
    let mut e = Bend::default();
    feed(&mut e, mild, [4, 12, 20, 32, 40, 56, 80]);
    assert_eq!(e.cap(), None);
}

#[test]
fn bins_with_one_batch_are_not_trusted() {
    let mut e = Bend::default();
    feed(&mut e, linear, [8, 16, 24]);
    // One slow batch of 40 and one of 48 are not enough to call a bend.
    e.record(40, Duration::from_millis(100));
    e.record(48, Duration::from_millis(120));
    assert_eq!(e.cap(), None);
    assert_eq!(Bend::default().cap(), None);
}

#[test]
fn an_empty_batch_is_ignored() {
    let mut e = Bend::default();
    e.record(0, Duration::from_millis(5));
    assert!(e.bins.is_empty());
}

#[test]
fn the_solver_refuses_a_singular_system() {
    assert_eq!(
        solve3([
            [1.0, 2.0, 3.0, 1.0],
            [2.0, 4.0, 6.0, 2.0],
            [0.0, 0.0, 1.0, 0.0]
        ]),
        None
    );
    let x = solve3([
        [2.0, 0.0, 0.0, 4.0],
        [0.0, 4.0, 0.0, 2.0],
        [1.0, 0.0, 1.0, 3.0],
    ])
    .unwrap();
    assert_eq!(x, [2.0, 0.5, 1.0]);
}
