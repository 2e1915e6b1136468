//! Tests of `SeedPolicy`: every branch of the seed's algorithm on hand-built observations,
//! its cadence and stabilization in simulated time, and properties over random runs.

use std::time::Duration;

use proptest::prelude::*;

use super::*;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A pool past its warm-up whose workers are 90 % blocked, with tasks waiting, the CPU
/// at 20 % and room both to grow and to shrink: the seed would grow it.
fn io_bound(now: Duration) -> Observation {
    Observation {
        now,
        current_threads: 8,
        target: 8,
        min_threads: 4,
        max_threads: 64,
        queued: 10,
        completed_total: 100,
        busy_delta: Duration::from_secs(1),
        cpu_delta: Some(ms(100)),
        system_cpu_percent: Some(20.0),
        ..Observation::default()
    }
}

/// `obs` with the workers' CPU time set so that the seed's β is `blocked_ms / busy_ms`.
fn with_beta(obs: Observation, blocked_ms: u64, busy_ms: u64) -> Observation {
    Observation {
        busy_delta: ms(busy_ms),
        cpu_delta: Some(ms(busy_ms - blocked_ms)),
        ..obs
    }
}

/// A CPU-bound pool: β = 0.1, well under the veto threshold.
fn cpu_bound(now: Duration) -> Observation {
    with_beta(io_bound(now), 100, 1_000)
}

#[track_caller]
fn assert_hold(decision: &Decision, reason_contains: &str) {
    assert_eq!(decision.action, Action::Hold, "{decision}");
    assert!(
        decision.reason.contains(reason_contains),
        "{decision} should mention {reason_contains:?}"
    );
}

// ---------------------------------------------------------------------------------------
// Identity
// ---------------------------------------------------------------------------------------

#[test]
fn default_is_the_seeds_algorithm_with_the_seeds_settings() {
    let policy = SeedPolicy::default();
    assert_eq!(policy.name(), "seed");
    assert_eq!(policy.config(), &ControllerConfig::default());
    assert_eq!(policy, SeedPolicy::new(ControllerConfig::default()));
}

#[test]
fn works_as_a_boxed_trait_object() {
    let mut policy: Box<dyn DecisionPolicy> = Box::new(SeedPolicy::default());
    assert_eq!(policy.name(), "seed");
    assert_eq!(policy.decide(&io_bound(ms(0))).action, Action::Grow(2));
}

// ---------------------------------------------------------------------------------------
// 1. Warm-up
// ---------------------------------------------------------------------------------------

#[test]
fn warm_up_holds_until_enough_tasks_have_completed() {
    let mut policy = SeedPolicy::default();
    let early = Observation {
        completed_total: 3,
        ..io_bound(ms(0))
    };
    let decision = policy.decide(&early);
    assert_eq!(decision, Decision::hold("warm-up: 3 of 10 tasks"));

    // Exactly the warm-up count is enough, and the warm-up hold was no evaluation, so
    // the very next tick evaluates.
    let warmed = Observation {
        completed_total: 10,
        ..io_bound(ms(1))
    };
    assert_eq!(policy.decide(&warmed).action, Action::Grow(2));
}

#[test]
fn warm_up_of_zero_evaluates_at_once() {
    let mut policy = SeedPolicy::new(ControllerConfig::default().warmup_task_count(0));
    let first = Observation {
        completed_total: 0,
        ..io_bound(ms(0))
    };
    assert_eq!(policy.decide(&first).action, Action::Grow(2));
}

// ---------------------------------------------------------------------------------------
// 4–8. The branches on β and CPU
// ---------------------------------------------------------------------------------------

#[test]
fn grows_when_blocked_with_work_waiting_and_cpu_free() {
    let mut policy = SeedPolicy::default();
    let decision = policy.decide(&io_bound(ms(0)));
    assert_eq!(decision.action, Action::Grow(2));
    assert_eq!(decision.reason, "β 0.90 > 0.7, 10 queued, CPU 20% < 85%");
}

#[test]
fn grows_by_the_configured_step() {
    let mut policy = SeedPolicy::new(ControllerConfig::default().scale_up_step(4));
    assert_eq!(policy.decide(&io_bound(ms(0))).action, Action::Grow(4));
}

#[test]
fn unknown_cpu_counts_as_below_the_threshold() {
    // The seed without psutil: no CPU reading, and scaling goes on on β alone.
    let mut policy = SeedPolicy::default();
    let blind = Observation {
        system_cpu_percent: None,
        process_cpu_cores: None,
        ..io_bound(ms(0))
    };
    let decision = policy.decide(&blind);
    assert_eq!(decision.action, Action::Grow(2));
    assert!(decision.reason.ends_with("CPU unknown"), "{decision}");
}

#[test]
fn a_nan_cpu_reading_counts_as_unknown() {
    let mut policy = SeedPolicy::default();
    let garbled = Observation {
        system_cpu_percent: Some(f64::NAN),
        ..io_bound(ms(0))
    };
    assert_eq!(policy.decide(&garbled).action, Action::Grow(2));
}

#[test]
fn cpu_saturation_holds() {
    for percent in [85.0, 90.0, 100.0] {
        let mut policy = SeedPolicy::default();
        let saturated = Observation {
            system_cpu_percent: Some(percent),
            ..io_bound(ms(0))
        };
        assert_hold(&policy.decide(&saturated), "CPU saturated");
    }
}

#[test]
fn cpu_saturation_is_also_read_from_the_process_share_of_its_cores() {
    // Without a system reading, `cpu_percent` falls back to the process's own use of its
    // usable cores: 1.9 of 2 cores is 95 %.
    let mut policy = SeedPolicy::default();
    let saturated = Observation {
        system_cpu_percent: None,
        cores: 2,
        process_cpu_cores: Some(1.9),
        ..io_bound(ms(0))
    };
    let decision = policy.decide(&saturated);
    assert_hold(&decision, "CPU saturated");
    assert!(decision.reason.contains("CPU 95%"), "{decision}");
}

#[test]
fn blocked_without_work_waiting_holds() {
    // The seed's condition is the queue, not "every worker busy".
    let mut policy = SeedPolicy::default();
    let no_queue = Observation {
        queued: 0,
        idle_threads: 0,
        ..io_bound(ms(0))
    };
    assert!(no_queue.has_demand(), "all workers are busy");
    assert_hold(&policy.decide(&no_queue), "no work waiting");
}

#[test]
fn gil_safety_veto_shrinks_whatever_the_queue_and_cpu() {
    let mut policy = SeedPolicy::default();
    let cpu_bound_busy = Observation {
        queued: 1_000,
        system_cpu_percent: Some(10.0),
        ..cpu_bound(ms(0))
    };
    let decision = policy.decide(&cpu_bound_busy);
    assert_eq!(decision.action, Action::Shrink(1));
    assert_eq!(decision.reason, "GIL safety veto: β 0.10 < 0.3");
}

#[test]
fn veto_shrinks_by_the_configured_step() {
    let mut policy = SeedPolicy::new(ControllerConfig::default().scale_down_step(3));
    assert_eq!(policy.decide(&cpu_bound(ms(0))).action, Action::Shrink(3));
}

#[test]
fn beta_between_the_thresholds_holds() {
    let mut policy = SeedPolicy::default();
    let mixed = with_beta(io_bound(ms(0)), 500, 1_000);
    assert_eq!(
        policy.decide(&mixed),
        Decision::hold("β 0.50 between 0.3 and 0.7")
    );
}

#[test]
fn thresholds_are_strict_inequalities() {
    // Thresholds and β values that are exact in binary, so equality really is equality.
    let config = ControllerConfig::default()
        .beta_low_threshold(0.25)
        .beta_high_threshold(0.75);
    let at_low = with_beta(io_bound(ms(0)), 1_000, 4_000);
    let at_high = with_beta(io_bound(ms(0)), 3_000, 4_000);
    assert_eq!(at_low.naive_beta(), Some(0.25));
    assert_eq!(at_high.naive_beta(), Some(0.75));
    assert_hold(&SeedPolicy::new(config.clone()).decide(&at_low), "between");
    assert_hold(&SeedPolicy::new(config).decide(&at_high), "between");
}

#[test]
fn unknown_beta_holds_and_counts_as_an_evaluation() {
    let mut policy = SeedPolicy::default();
    let no_clock = Observation {
        cpu_delta: None,
        ..io_bound(ms(0))
    };
    assert_hold(&policy.decide(&no_clock), "β unknown");
    // It was an evaluation: the next one is a monitor interval away.
    assert_hold(&policy.decide(&io_bound(ms(100))), "between evaluations");
    assert_eq!(policy.decide(&io_bound(ms(500))).action, Action::Grow(2));

    let mut policy = SeedPolicy::default();
    let nobody_busy = Observation {
        busy_delta: Duration::ZERO,
        ..io_bound(ms(0))
    };
    assert_hold(&policy.decide(&nobody_busy), "β unknown");
}

// ---------------------------------------------------------------------------------------
// 2–3. Cadence and stabilization, in simulated time
// ---------------------------------------------------------------------------------------

#[test]
fn evaluates_at_most_once_per_monitor_interval() {
    let mut policy = SeedPolicy::default();
    let mixed = |now| with_beta(io_bound(now), 500, 1_000);
    assert_hold(&policy.decide(&mixed(ms(0))), "between 0.3 and 0.7");
    // 100 ms later the pool's controller ticks again; the seed would not have looked yet.
    assert_eq!(
        policy.decide(&io_bound(ms(100))),
        Decision::hold("between evaluations")
    );
    assert_hold(&policy.decide(&io_bound(ms(499))), "between evaluations");
    assert_eq!(policy.decide(&io_bound(ms(500))).action, Action::Grow(2));
}

#[test]
fn a_resize_starts_the_stabilization_window() {
    let mut policy = SeedPolicy::default();
    assert_eq!(policy.decide(&io_bound(ms(0))).action, Action::Grow(2));
    assert_eq!(
        policy.decide(&io_bound(ms(500))),
        Decision::hold("stabilizing")
    );
    assert_hold(&policy.decide(&io_bound(ms(1_999))), "stabilizing");
    assert_eq!(policy.decide(&io_bound(ms(2_000))).action, Action::Grow(2));

    // A shrink starts it too.
    assert_eq!(
        policy.decide(&cpu_bound(ms(4_000))).action,
        Action::Shrink(1)
    );
    assert_hold(&policy.decide(&cpu_bound(ms(5_000))), "stabilizing");
    assert_eq!(
        policy.decide(&cpu_bound(ms(6_000))).action,
        Action::Shrink(1)
    );
}

#[test]
fn a_hold_does_not_start_the_stabilization_window() {
    let mut policy = SeedPolicy::default();
    let saturated = Observation {
        system_cpu_percent: Some(95.0),
        ..io_bound(ms(0))
    };
    assert_hold(&policy.decide(&saturated), "CPU saturated");
    // One monitor interval later, with the CPU free again, it grows at once.
    assert_eq!(policy.decide(&io_bound(ms(500))).action, Action::Grow(2));
}

#[test]
fn a_clock_going_backwards_holds_instead_of_panicking() {
    let mut policy = SeedPolicy::default();
    assert_eq!(policy.decide(&io_bound(ms(10_000))).action, Action::Grow(2));
    assert_hold(&policy.decide(&io_bound(ms(5_000))), "between evaluations");
}

// ---------------------------------------------------------------------------------------
// Bounds
// ---------------------------------------------------------------------------------------

#[test]
fn never_grows_at_or_above_max_threads() {
    for current in [64, 70] {
        let mut policy = SeedPolicy::default();
        let full = Observation {
            current_threads: current,
            ..io_bound(ms(0))
        };
        assert_eq!(
            policy.decide(&full),
            Decision::hold("β 0.90 > 0.7, but already at max_threads (64)")
        );
    }
}

#[test]
fn never_shrinks_at_or_below_min_threads() {
    for current in [4, 2] {
        let mut policy = SeedPolicy::default();
        let floor = Observation {
            current_threads: current,
            ..cpu_bound(ms(0))
        };
        assert_eq!(
            policy.decide(&floor),
            Decision::hold("GIL safety veto: β 0.10 < 0.3, but already at min_threads (4)")
        );
    }
}

#[test]
fn a_hold_at_a_bound_does_not_start_the_stabilization_window() {
    let mut policy = SeedPolicy::default();
    let full = Observation {
        current_threads: 64,
        ..io_bound(ms(0))
    };
    assert_hold(&policy.decide(&full), "max_threads");
    // The bound was raised: one monitor interval later it grows.
    let raised = Observation {
        max_threads: 128,
        current_threads: 64,
        ..io_bound(ms(500))
    };
    assert_eq!(policy.decide(&raised).action, Action::Grow(2));
}

// ---------------------------------------------------------------------------------------
// As published
// ---------------------------------------------------------------------------------------

#[test]
fn as_published_it_takes_the_better_part_of_a_minute_to_go_from_4_to_64() {
    // A pool ticking every 10 ms on a workload that stays I/O-bound: the seed grows by 2
    // once per 2 s stabilization window, so 30 steps take 58 s after the first.
    let mut policy = SeedPolicy::default();
    let (mut current, min, max) = (4, 4, 64);
    let mut grows = Vec::new();
    for tick in 0..=6_000u64 {
        let now = ms(tick * 10);
        let obs = Observation {
            current_threads: current,
            target: current,
            min_threads: min,
            max_threads: max,
            ..io_bound(now)
        };
        let decision = policy.decide(&obs);
        if decision.action != Action::Hold {
            assert_eq!(decision.action, Action::Grow(2));
            grows.push(now);
        }
        current = decision.apply(current, min, max);
    }
    assert_eq!(current, 64);
    assert_eq!(grows.len(), 30);
    assert_eq!(grows.first(), Some(&ms(0)));
    assert_eq!(grows.last(), Some(&Duration::from_secs(58)));
    assert!(
        grows
            .windows(2)
            .all(|w| w[1] - w[0] == Duration::from_secs(2))
    );
}

// ---------------------------------------------------------------------------------------
// Properties over random runs
// ---------------------------------------------------------------------------------------

/// A valid config with random settings.
fn any_config() -> impl Strategy<Value = ControllerConfig> {
    (
        0.0..0.5f64,
        0.01..0.5f64,
        1..5usize,
        1..5usize,
        50.0..=100.0f64,
        1..1_000u64,
        1..5_000u64,
        0..20u64,
    )
        .prop_map(|(low, gap, up, down, cpu_upper, monitor, stab, warmup)| {
            let config = ControllerConfig::default()
                .beta_low_threshold(low)
                .beta_high_threshold(low + gap)
                .scale_up_step(up)
                .scale_down_step(down)
                .cpu_upper_threshold(cpu_upper)
                .cpu_lower_threshold(cpu_upper / 2.0)
                .monitor_interval(ms(monitor))
                .stabilization_window(ms(stab))
                .warmup_task_count(warmup);
            config
                .validate()
                .expect("the strategy builds valid configs");
            config
        })
}

/// One tick's observation, with `now` as an offset from the previous tick.
fn any_tick() -> impl Strategy<Value = (u64, Observation)> {
    (
        0..3_000u64,
        0..2_000u64,
        prop::option::of(0..2_400u64),
        0..5usize,
        0..70usize,
        1..8usize,
        8..=64usize,
        0..30u64,
        prop::option::of(0.0..=100.0f64),
    )
        .prop_map(
            |(step, busy, cpu, queued, current, min, max, completed, system_cpu)| {
                let obs = Observation {
                    current_threads: current,
                    target: current,
                    min_threads: min,
                    max_threads: max,
                    queued,
                    completed_total: completed,
                    busy_delta: ms(busy),
                    cpu_delta: cpu.map(ms),
                    system_cpu_percent: system_cpu,
                    ..Observation::default()
                };
                (step, obs)
            },
        )
}

proptest! {
    /// The seed's two promises, the veto and the scale-up condition, plus the bounds: it
    /// never grows CPU-bound work, never shrinks blocked work, never steps past a bound,
    /// and never resizes twice within a stabilization window.
    #[test]
    fn never_grows_cpu_bound_nor_shrinks_blocked_work(
        config in any_config(),
        ticks in prop::collection::vec(any_tick(), 1..60),
    ) {
        let mut policy = SeedPolicy::new(config.clone());
        let mut now = Duration::ZERO;
        let mut last_resize: Option<Duration> = None;
        for (step, obs) in ticks {
            now += ms(step);
            let obs = Observation { now, ..obs };
            let decision = policy.decide(&obs);
            let beta = obs.naive_beta();
            match decision.action {
                Action::Hold => {}
                Action::Grow(n) => {
                    prop_assert_eq!(n, config.scale_up_step);
                    let beta = beta.expect("grows only on a known β");
                    prop_assert!(beta > config.beta_high_threshold, "grew at β {}", beta);
                    prop_assert!(obs.queued > 0);
                    prop_assert!(obs.current_threads < obs.max_threads);
                }
                Action::Shrink(n) => {
                    prop_assert_eq!(n, config.scale_down_step);
                    let beta = beta.expect("shrinks only on a known β");
                    prop_assert!(beta < config.beta_low_threshold, "shrank at β {}", beta);
                    prop_assert!(obs.current_threads > obs.min_threads);
                }
            }
            if decision.action != Action::Hold {
                prop_assert!(obs.completed_total >= config.warmup_task_count);
                if let Some(last) = last_resize {
                    prop_assert!(now - last >= config.stabilization_window);
                }
                last_resize = Some(now);
            }
        }
    }
}
