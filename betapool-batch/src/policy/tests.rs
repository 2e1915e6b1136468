//! Unit tests of the policies and the cost model, on constructed views: no threads, no clocks.

use std::time::{Duration, Instant};

use super::*;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn view(t0: Instant, now_ms: u64, queued: usize, oldest_ms: Option<u64>) -> QueueView {
    QueueView {
        now: t0 + ms(now_ms),
        queued,
        queued_weight: queued as u64,
        oldest: oldest_ms.map(|o| t0 + ms(o)),
        idle_workers: 1,
        workers: 1,
        draining: false,
    }
}

fn admission(
    t0: Instant,
    ahead: u64,
    free_in: Duration,
    deadline_ms: Option<u64>,
) -> AdmissionView {
    AdmissionView {
        now: t0,
        ahead_weight: ahead,
        weight: 1,
        worker_free_in: free_in,
        arrival_rate: 0.0,
        workers: 1,
        oldest: Some(t0),
        deadline: deadline_ms.map(|d| t0 + ms(d)),
    }
}

/// Feeds the synthetic cost of the benchmark, 5 ms + 0.2 ms per request, over varied sizes
/// (up to 200, so the growth limit does not bind).
fn trained<P: BatchPolicy>(mut p: P) -> P {
    for b in [1u64, 7, 3, 20, 12, 200, 2, 9] {
        p.record(b, Duration::from_micros(5_000 + 200 * b));
    }
    p
}

#[test]
fn fixed_waits_on_an_empty_queue_for_the_first_arrival() {
    let t0 = Instant::now();
    let mut p = Fixed::new(4, ms(10)).unwrap();
    assert_eq!(
        p.plan(&view(t0, 0, 0, None)),
        Plan::Wait {
            until: None,
            wake_weight: 1
        }
    );
}

#[test]
fn fixed_releases_a_full_batch_at_once() {
    let t0 = Instant::now();
    let mut p = Fixed::new(4, ms(10)).unwrap();
    assert_eq!(
        p.plan(&view(t0, 1, 4, Some(1))),
        Plan::Release {
            max_weight: 4,
            reason: ReleaseReason::Size
        }
    );
}

#[test]
fn fixed_delay_counts_from_the_oldest_request() {
    let t0 = Instant::now();
    let mut p = Fixed::new(4, ms(10)).unwrap();
    // Oldest at 0 ms: not due at 9 ms, and the worker is to be woken at 10 ms or on a full batch.
    assert_eq!(
        p.plan(&view(t0, 9, 2, Some(0))),
        Plan::Wait {
            until: Some(t0 + ms(10)),
            wake_weight: 4
        }
    );
    // At 10 ms the oldest has waited the delay, whenever the worker last looked.
    assert_eq!(
        p.plan(&view(t0, 10, 2, Some(0))),
        Plan::Release {
            max_weight: 4,
            reason: ReleaseReason::Delay
        }
    );
}

#[test]
fn fixed_drains_when_stopping() {
    let t0 = Instant::now();
    let mut p = Fixed::seed();
    let mut v = view(t0, 0, 1, Some(0));
    v.draining = true;
    assert_eq!(
        p.plan(&v),
        Plan::Release {
            max_weight: 32,
            reason: ReleaseReason::Drain
        }
    );
}

#[test]
fn fixed_refuses_a_deadline_shorter_than_its_delay_once_the_cost_is_known() {
    let t0 = Instant::now();
    let p = Fixed::new(32, ms(50)).unwrap();
    // No cost model yet: nothing can be predicted, everything is accepted.
    assert_eq!(
        p.admit(&admission(t0, 0, Duration::ZERO, Some(10))),
        Admission::Accept
    );
    let p = trained(p);
    // A lone request waits the 50 ms delay, then 5.2 ms of model: a 10 ms deadline cannot hold.
    match p.admit(&admission(t0, 0, Duration::ZERO, Some(10))) {
        Admission::Refuse { predicted, budget } => {
            assert_eq!(budget, ms(10));
            assert!(predicted >= ms(55) && predicted < ms(56), "{predicted:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        p.admit(&admission(t0, 0, Duration::ZERO, Some(70))),
        Admission::Accept
    );
    assert_eq!(
        p.admit(&admission(t0, 0, Duration::ZERO, None)),
        Admission::Accept
    );
}

#[test]
fn adaptive_sends_what_is_queued_as_soon_as_a_worker_is_idle() {
    let t0 = Instant::now();
    let mut p = Adaptive::default();
    assert_eq!(
        p.plan(&view(t0, 0, 0, None)),
        Plan::Wait {
            until: None,
            wake_weight: 1
        }
    );
    // Before any batch is measured the cap is the seed's batch size.
    assert_eq!(
        p.plan(&view(t0, 0, 3, Some(0))),
        Plan::Release {
            max_weight: 32,
            reason: ReleaseReason::Idle
        }
    );
    assert_eq!(
        p.plan(&view(t0, 0, 50, Some(0))),
        Plan::Release {
            max_weight: 32,
            reason: ReleaseReason::Size
        }
    );
}

#[test]
fn adaptive_caps_a_batch_at_what_fits_in_the_target() {
    let p = trained(Adaptive::new(ms(50)).unwrap());
    assert_eq!(p.max_batch_weight(), 225);
    let p = trained(Adaptive::new(ms(20)).unwrap());
    assert_eq!(p.max_batch_weight(), 75);
    // A target shorter than one batch's overhead still sends one request at a time.
    let p = trained(Adaptive::new(ms(4)).unwrap());
    assert_eq!(p.max_batch_weight(), 1);
    // A model that costs nothing per request is capped by the configured maximum.
    let mut p = Adaptive::default().with_max_batch(256).unwrap();
    for b in [1u64, 50, 200, 7, 150] {
        p.record(b, ms(1));
    }
    assert_eq!(p.max_batch_weight(), 256);
}

#[test]
fn adaptive_refuses_what_cannot_meet_the_target_and_accepts_the_rest() {
    let t0 = Instant::now();
    let p = trained(Adaptive::new(ms(50)).unwrap());
    // An idle worker and an empty queue: 5.2 ms.
    assert_eq!(
        p.admit(&admission(t0, 0, Duration::ZERO, None)),
        Admission::Accept
    );
    // 350 queued ahead in batches of 225: a full batch of 50 ms, then 126 more, 80 ms in all.
    match p.admit(&admission(t0, 350, Duration::ZERO, None)) {
        Admission::Refuse { predicted, budget } => {
            assert_eq!(budget, ms(50));
            assert_eq!(predicted, Duration::from_micros(50_000 + 5_000 + 126 * 200));
        }
        other => panic!("{other:?}"),
    }
    // A caller's own deadline tighter than the target wins.
    assert!(matches!(
        p.admit(&admission(t0, 0, ms(4), Some(8))),
        Admission::Refuse { budget, .. } if budget == ms(8)
    ));
}

#[test]
fn adaptive_grows_batches_only_as_far_as_it_has_measured() {
    let mut p = Adaptive::new(ms(50)).unwrap();
    // Small batches only: the fit allows 225, but nothing past 32 (the warm-up floor) was seen.
    for b in [1u64, 3, 2, 5, 4, 6] {
        p.record(b, Duration::from_micros(5_000 + 200 * b));
    }
    assert_eq!(p.max_batch_weight(), 32);
    // A batch of 30 is measured: the cap doubles from it.
    p.record(30, Duration::from_micros(5_000 + 200 * 30));
    assert_eq!(p.max_batch_weight(), 60);
    p.record(60, Duration::from_micros(5_000 + 200 * 60));
    assert_eq!(p.max_batch_weight(), 120);
}

#[test]
fn policy_settings_are_checked() {
    assert_eq!(Fixed::new(0, ms(1)).unwrap_err().key(), Some("batch_size"));
    assert_eq!(
        Adaptive::new(Duration::ZERO).unwrap_err().key(),
        Some("latency_target")
    );
    assert_eq!(
        Adaptive::default().with_max_batch(0).unwrap_err().key(),
        Some("max_batch")
    );
}

#[test]
fn latency_prediction_counts_rounds_of_batches() {
    let t0 = Instant::now();
    let fit = CostFit {
        fixed: ms(5),
        per_weight: Duration::from_micros(200),
    };
    // 9 ahead + 1 in batches of 4 on one worker: 4, 4, then 2: 5.8 + 5.8 + 5.4 ms, after 3 ms.
    let v = admission(t0, 9, ms(3), None);
    assert_eq!(
        predict_latency(&v, &fit, 4),
        Duration::from_micros(3_000 + 5_800 * 2 + 5_400)
    );
    // Two workers take two batches a round: 8 of the 10 in round one, then one each.
    let v = AdmissionView { workers: 2, ..v };
    assert_eq!(
        predict_latency(&v, &fit, 4),
        Duration::from_micros(3_000 + 5_800 + 5_200)
    );
}

#[test]
fn latency_prediction_counts_arrivals_that_join_the_batch_behind() {
    let t0 = Instant::now();
    let fit = CostFit {
        fixed: ms(5),
        per_weight: Duration::from_micros(200),
    };
    // Alone in the queue, but the worker frees in 10 ms and 1 000 requests/s arrive: the batch
    // leaves with 11 requests, not 1.
    let v = AdmissionView {
        arrival_rate: 1_000.0,
        ..admission(t0, 0, ms(10), None)
    };
    assert_eq!(
        predict_latency(&v, &fit, 64),
        Duration::from_micros(10_000 + 5_000 + 11 * 200)
    );
    // Never more than a full batch.
    let v = AdmissionView {
        arrival_rate: 1e6,
        ..v
    };
    assert_eq!(
        predict_latency(&v, &fit, 64),
        Duration::from_micros(10_000 + 5_000 + 64 * 200)
    );
}

#[test]
fn cost_model_fits_a_line_and_follows_a_change() {
    let mut m = CostModel::new();
    assert!(m.fit().is_none());
    for b in [1u64, 8, 4, 16, 2, 32, 8, 24] {
        m.record(b, Duration::from_micros(5_000 + 200 * b));
    }
    let fit = m.fit().unwrap();
    assert!((fit.fixed.as_secs_f64() - 5e-3).abs() < 1e-6, "{fit:?}");
    assert!(
        (fit.per_weight.as_secs_f64() - 2e-4).abs() < 1e-8,
        "{fit:?}"
    );
    // The model doubles its per-request cost; after a few dozen batches the fit has followed.
    for i in 0..200u64 {
        let b = 1 + i % 40;
        m.record(b, Duration::from_micros(5_000 + 400 * b));
    }
    let fit = m.fit().unwrap();
    assert!(
        (fit.per_weight.as_secs_f64() - 4e-4).abs() < 1e-6,
        "{fit:?}"
    );
}

#[test]
fn cost_model_with_one_batch_size_charges_the_weight() {
    let mut m = CostModel::new();
    for _ in 0..10 {
        m.record(8, ms(8));
    }
    let fit = m.fit().unwrap();
    assert_eq!(fit.fixed, Duration::ZERO);
    assert!((fit.per_weight.as_secs_f64() - 1e-3).abs() < 1e-9);
}

#[test]
fn cost_model_never_goes_negative() {
    let mut m = CostModel::new();
    // Bigger batches that happened to run faster (a preempted small batch): no negative slope.
    for (b, t) in [(1u64, 9u64), (2, 8), (4, 7), (8, 6), (16, 5)] {
        m.record(b, ms(t));
    }
    let fit = m.fit().unwrap();
    assert_eq!(fit.per_weight, Duration::ZERO);
    assert!(fit.fixed > ms(6) && fit.fixed < ms(8));
}

#[test]
fn admission_keeps_headroom_for_the_spread_of_batch_times() {
    let t0 = Instant::now();
    let p = trained(Adaptive::new(ms(50)).unwrap());
    // 39 ms until the worker is free, then 5.2 ms: 44.2 ms, inside 90 % of the 50 ms target.
    assert_eq!(p.admit(&admission(t0, 0, ms(39), None)), Admission::Accept);
    // 45.2 ms is inside the target, but not inside its 90 %: refused.
    assert!(matches!(
        p.admit(&admission(t0, 0, ms(40), None)),
        Admission::Refuse { .. }
    ));
}
