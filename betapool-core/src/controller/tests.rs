//! Unit tests of the controller's behaviour: validation, the signal maths, decisions and
//! the policy trait. Nothing here depends on timing.

use std::time::Duration;

use proptest::prelude::*;

use super::*;

// ---------------------------------------------------------------------------------------
// ControllerConfig defaults and validation
// ---------------------------------------------------------------------------------------

/// Asserts that `config` is rejected for `field` with exactly `message`.
#[track_caller]
fn assert_rejects(config: ControllerConfig, field: &str, message: &str) {
    let err = config.validate().expect_err("config should be rejected");
    assert_eq!(err.field(), field);
    assert_eq!(err.to_string(), message);
}

#[test]
fn defaults_are_the_seeds_values() {
    let config = ControllerConfig::default();
    assert_eq!(config.monitor_interval, Duration::from_millis(500));
    assert_eq!(config.beta_high_threshold, 0.7);
    assert_eq!(config.beta_low_threshold, 0.3);
    assert_eq!(config.scale_up_step, 2);
    assert_eq!(config.scale_down_step, 1);
    assert_eq!(config.cpu_upper_threshold, 85.0);
    assert_eq!(config.cpu_lower_threshold, 50.0);
    assert_eq!(config.stabilization_window, Duration::from_secs(2));
    assert_eq!(config.warmup_task_count, 10);
    assert_eq!(config.validate(), Ok(()));
}

#[test]
fn setters_set_each_field() {
    let config = ControllerConfig::default()
        .monitor_interval(Duration::from_millis(200))
        .beta_high_threshold(0.9)
        .beta_low_threshold(0.1)
        .scale_up_step(4)
        .scale_down_step(3)
        .cpu_upper_threshold(95.0)
        .cpu_lower_threshold(20.0)
        .stabilization_window(Duration::from_secs(5))
        .warmup_task_count(7);
    assert_eq!(config.monitor_interval, Duration::from_millis(200));
    assert_eq!(config.beta_high_threshold, 0.9);
    assert_eq!(config.beta_low_threshold, 0.1);
    assert_eq!(config.scale_up_step, 4);
    assert_eq!(config.scale_down_step, 3);
    assert_eq!(config.cpu_upper_threshold, 95.0);
    assert_eq!(config.cpu_lower_threshold, 20.0);
    assert_eq!(config.stabilization_window, Duration::from_secs(5));
    assert_eq!(config.warmup_task_count, 7);
    assert_eq!(config.validate(), Ok(()));
}

#[test]
fn zero_monitor_interval_is_rejected() {
    assert_rejects(
        ControllerConfig::default().monitor_interval(Duration::ZERO),
        "monitor_interval",
        "monitor_interval (0ns) must be greater than zero",
    );
}

#[test]
fn zero_stabilization_window_is_rejected() {
    assert_rejects(
        ControllerConfig::default().stabilization_window(Duration::ZERO),
        "stabilization_window",
        "stabilization_window (0ns) must be greater than zero",
    );
}

#[test]
fn beta_high_threshold_outside_unit_interval_is_rejected() {
    let base = ControllerConfig::default;
    assert_rejects(
        base().beta_high_threshold(1.5),
        "beta_high_threshold",
        "beta_high_threshold (1.5) must be a fraction between 0 and 1",
    );
    assert_rejects(
        base().beta_high_threshold(-0.1),
        "beta_high_threshold",
        "beta_high_threshold (-0.1) must be a fraction between 0 and 1",
    );
    assert_rejects(
        base().beta_high_threshold(f64::NAN),
        "beta_high_threshold",
        "beta_high_threshold (NaN) must be a fraction between 0 and 1",
    );
    assert_rejects(
        base().beta_high_threshold(f64::INFINITY),
        "beta_high_threshold",
        "beta_high_threshold (inf) must be a fraction between 0 and 1",
    );
}

#[test]
fn beta_low_threshold_outside_unit_interval_is_rejected() {
    let base = ControllerConfig::default;
    assert_rejects(
        base().beta_low_threshold(-0.5),
        "beta_low_threshold",
        "beta_low_threshold (-0.5) must be a fraction between 0 and 1",
    );
    assert_rejects(
        base().beta_low_threshold(2.0),
        "beta_low_threshold",
        "beta_low_threshold (2) must be a fraction between 0 and 1",
    );
    assert_rejects(
        base().beta_low_threshold(f64::NAN),
        "beta_low_threshold",
        "beta_low_threshold (NaN) must be a fraction between 0 and 1",
    );
}

#[test]
fn beta_low_must_be_below_beta_high() {
    assert_rejects(
        ControllerConfig::default().beta_low_threshold(0.8),
        "beta_low_threshold",
        "beta_low_threshold (0.8) must be less than beta_high_threshold (0.7)",
    );
    // Equal thresholds leave no band between growing and shrinking.
    assert_rejects(
        ControllerConfig::default().beta_low_threshold(0.7),
        "beta_low_threshold",
        "beta_low_threshold (0.7) must be less than beta_high_threshold (0.7)",
    );
}

#[test]
fn zero_scale_steps_are_rejected() {
    assert_rejects(
        ControllerConfig::default().scale_up_step(0),
        "scale_up_step",
        "scale_up_step (0) must be at least 1",
    );
    assert_rejects(
        ControllerConfig::default().scale_down_step(0),
        "scale_down_step",
        "scale_down_step (0) must be at least 1",
    );
}

#[test]
fn cpu_upper_threshold_outside_percent_range_is_rejected() {
    let base = ControllerConfig::default;
    assert_rejects(
        base().cpu_upper_threshold(120.0),
        "cpu_upper_threshold",
        "cpu_upper_threshold (120) must be a percentage between 0 and 100",
    );
    assert_rejects(
        base().cpu_upper_threshold(-1.0),
        "cpu_upper_threshold",
        "cpu_upper_threshold (-1) must be a percentage between 0 and 100",
    );
    assert_rejects(
        base().cpu_upper_threshold(f64::NAN),
        "cpu_upper_threshold",
        "cpu_upper_threshold (NaN) must be a percentage between 0 and 100",
    );
}

#[test]
fn cpu_lower_threshold_outside_percent_range_is_rejected() {
    let base = ControllerConfig::default;
    assert_rejects(
        base().cpu_lower_threshold(-10.0),
        "cpu_lower_threshold",
        "cpu_lower_threshold (-10) must be a percentage between 0 and 100",
    );
    assert_rejects(
        base().cpu_lower_threshold(100.5),
        "cpu_lower_threshold",
        "cpu_lower_threshold (100.5) must be a percentage between 0 and 100",
    );
    assert_rejects(
        base().cpu_lower_threshold(f64::NAN),
        "cpu_lower_threshold",
        "cpu_lower_threshold (NaN) must be a percentage between 0 and 100",
    );
}

#[test]
fn cpu_lower_must_be_below_cpu_upper() {
    assert_rejects(
        ControllerConfig::default().cpu_lower_threshold(90.0),
        "cpu_lower_threshold",
        "cpu_lower_threshold (90) must be less than cpu_upper_threshold (85)",
    );
    assert_rejects(
        ControllerConfig::default().cpu_lower_threshold(85.0),
        "cpu_lower_threshold",
        "cpu_lower_threshold (85) must be less than cpu_upper_threshold (85)",
    );
}

#[test]
fn inclusive_range_ends_and_tiny_windows_are_accepted() {
    let config = ControllerConfig::default()
        .beta_low_threshold(0.0)
        .beta_high_threshold(1.0)
        .cpu_lower_threshold(0.0)
        .cpu_upper_threshold(100.0)
        .stabilization_window(Duration::from_nanos(1))
        .warmup_task_count(0)
        .monitor_interval(Duration::from_nanos(1));
    assert_eq!(config.validate(), Ok(()));
}

#[test]
fn the_first_bad_field_is_reported() {
    let config = ControllerConfig::default()
        .scale_up_step(0)
        .cpu_upper_threshold(500.0);
    assert_eq!(config.validate().unwrap_err().field(), "scale_up_step");
}

#[test]
fn thread_bounds_are_validated() {
    assert_eq!(validate_bounds(1, 1), Ok(()));
    assert_eq!(validate_bounds(4, 64), Ok(()));

    let err = validate_bounds(0, 4).unwrap_err();
    assert_eq!(err.field(), "min_workers");
    assert_eq!(err.to_string(), "min_workers (0) must be at least 1");

    // Zero is reported even when the bounds are also inverted, since it is the more
    // fundamental mistake.
    assert_eq!(
        validate_bounds(0, 0).unwrap_err().to_string(),
        "min_workers (0) must be at least 1"
    );

    let err = validate_bounds(8, 4).unwrap_err();
    assert_eq!(err.field(), "min_workers");
    assert_eq!(
        err.to_string(),
        "min_workers (8) must not exceed max_workers (4)"
    );
}

#[test]
fn config_error_is_a_std_error_and_comparable() {
    let err = validate_bounds(8, 4).unwrap_err();
    let as_std: &dyn std::error::Error = &err;
    assert!(as_std.source().is_none());
    assert_eq!(err.clone(), err);
    assert_ne!(err, validate_bounds(0, 4).unwrap_err());
}

// ---------------------------------------------------------------------------------------
// The signal
// ---------------------------------------------------------------------------------------

fn obs(busy_ms: u64, cpu_ms: Option<u64>, run_delay_ms: Option<u64>) -> Observation {
    Observation {
        busy_delta: Duration::from_millis(busy_ms),
        cpu_delta: cpu_ms.map(Duration::from_millis),
        run_delay_delta: run_delay_ms.map(Duration::from_millis),
        ..Observation::default()
    }
}

#[test]
fn signal_matches_the_architecture_example() {
    // ARCHITECTURE.md, "The signal": oversubscribed CPU-bound threads look half-blocked to the naive β, but
    // all of that "blocking" was waiting for a core.
    let o = obs(1_000, Some(500), Some(500));
    assert_eq!(o.naive_beta(), Some(0.5));
    assert_eq!(o.beta_true(), Some(0.0));
    assert_eq!(o.contention(), Some(0.5));
}

#[test]
fn signal_of_pure_io_and_pure_cpu() {
    let io = obs(1_000, Some(0), Some(0));
    assert_eq!(io.naive_beta(), Some(1.0));
    assert_eq!(io.beta_true(), Some(1.0));
    assert_eq!(io.contention(), Some(0.0));

    let cpu = obs(1_000, Some(1_000), Some(0));
    assert_eq!(cpu.naive_beta(), Some(0.0));
    assert_eq!(cpu.beta_true(), Some(0.0));
    assert_eq!(cpu.contention(), Some(0.0));
}

#[test]
fn missing_inputs_give_none() {
    let no_cpu = obs(1_000, None, Some(100));
    assert_eq!(no_cpu.naive_beta(), None);
    assert_eq!(no_cpu.beta_true(), None);
    assert_eq!(no_cpu.contention(), Some(0.1));

    let no_run_delay = obs(1_000, Some(250), None);
    assert_eq!(no_run_delay.naive_beta(), Some(0.75));
    assert_eq!(no_run_delay.beta_true(), None);
    assert_eq!(no_run_delay.contention(), None);
}

#[test]
fn zero_busy_time_gives_none() {
    let idle = obs(0, Some(0), Some(0));
    assert_eq!(idle.naive_beta(), None);
    assert_eq!(idle.beta_true(), None);
    assert_eq!(idle.contention(), None);

    // Even CPU time with no busy time (clock skew between readings) is not a signal.
    let skewed = obs(0, Some(5), Some(5));
    assert_eq!(skewed.naive_beta(), None);
    assert_eq!(skewed.beta_true(), None);
    assert_eq!(skewed.contention(), None);
}

#[test]
fn signal_is_clamped_when_clocks_disagree() {
    // CPU time read a scheduler tick later than busy time can exceed it.
    let o = obs(1_000, Some(1_200), Some(300));
    assert_eq!(o.naive_beta(), Some(0.0));
    assert_eq!(o.beta_true(), Some(0.0));
    assert_eq!(o.contention(), Some(0.3));

    let o = obs(1_000, Some(0), Some(1_500));
    assert_eq!(o.contention(), Some(1.0));
    assert_eq!(o.beta_true(), Some(0.0));
}

#[test]
fn signal_survives_extreme_durations() {
    let o = Observation {
        busy_delta: Duration::from_nanos(1),
        cpu_delta: Some(Duration::MAX),
        run_delay_delta: Some(Duration::MAX),
        ..Observation::default()
    };
    assert_eq!(o.naive_beta(), Some(0.0));
    assert_eq!(o.beta_true(), Some(0.0));
    assert_eq!(o.contention(), Some(1.0));
}

#[test]
fn demand_means_queued_work_or_no_idle_worker() {
    let base = Observation::default;
    assert!(!base().has_demand());
    assert!(
        Observation {
            queued: 1,
            ..base()
        }
        .has_demand()
    );
    // Queued work counts even when some workers are idle (they may be waking up).
    assert!(
        Observation {
            queued: 1,
            current_threads: 4,
            idle_threads: 2,
            ..base()
        }
        .has_demand()
    );
    assert!(
        Observation {
            current_threads: 4,
            target: 4,
            idle_threads: 0,
            ..base()
        }
        .has_demand()
    );
    // Workers retiring after a shrink are neither idle nor busy: not demand.
    assert!(
        !Observation {
            current_threads: 4,
            target: 2,
            idle_threads: 0,
            ..base()
        }
        .has_demand()
    );
    assert!(
        !Observation {
            current_threads: 4,
            idle_threads: 1,
            ..base()
        }
        .has_demand()
    );
}

// ---------------------------------------------------------------------------------------
// Decisions
// ---------------------------------------------------------------------------------------

#[test]
fn action_display() {
    assert_eq!(Action::Hold.to_string(), "hold");
    assert_eq!(Action::Grow(2).to_string(), "grow +2");
    assert_eq!(Action::Shrink(1).to_string(), "shrink -1");
}

#[test]
fn decision_constructors_and_display() {
    let d = Decision::hold("warming up");
    assert_eq!(d.action, Action::Hold);
    assert_eq!(d.reason, "warming up");
    assert_eq!(d.to_string(), "hold (warming up)");

    let d = Decision::grow(3, String::from("owned reason"));
    assert_eq!(d.action, Action::Grow(3));
    assert_eq!(d.to_string(), "grow +3 (owned reason)");

    let d = Decision::shrink(1, "cpu-bound");
    assert_eq!(d.action, Action::Shrink(1));
    assert_eq!(d.to_string(), "shrink -1 (cpu-bound)");
}

#[test]
fn apply_moves_the_target_within_bounds() {
    assert_eq!(Decision::hold("").apply(10, 4, 64), 10);
    assert_eq!(Decision::grow(2, "").apply(10, 4, 64), 12);
    assert_eq!(Decision::shrink(1, "").apply(10, 4, 64), 9);
    assert_eq!(Decision::grow(0, "").apply(10, 4, 64), 10);
}

#[test]
fn apply_clamps_to_the_bounds() {
    assert_eq!(Decision::grow(10, "").apply(60, 4, 64), 64);
    assert_eq!(Decision::shrink(10, "").apply(6, 4, 64), 4);
    // A target already outside the bounds is pulled back in, even on hold.
    assert_eq!(Decision::hold("").apply(100, 4, 64), 64);
    assert_eq!(Decision::hold("").apply(0, 4, 64), 4);
    assert_eq!(Decision::grow(1, "").apply(0, 4, 64), 4);
}

#[test]
fn apply_saturates_instead_of_overflowing() {
    assert_eq!(
        Decision::grow(usize::MAX, "").apply(usize::MAX - 1, 1, usize::MAX),
        usize::MAX
    );
    assert_eq!(Decision::shrink(usize::MAX, "").apply(3, 0, 64), 0);
    assert_eq!(Decision::shrink(5, "").apply(3, 1, 64), 1);
}

#[test]
fn apply_with_inverted_bounds_returns_max() {
    // Invalid bounds never panic: the upper bound, the resource cap, wins.
    assert_eq!(Decision::hold("").apply(5, 8, 2), 2);
    assert_eq!(Decision::grow(10, "").apply(5, 8, 2), 2);
    assert_eq!(Decision::shrink(10, "").apply(5, 8, 2), 2);
    assert_eq!(Decision::hold("").apply(0, 1, 0), 0);
}

// ---------------------------------------------------------------------------------------
// Policies
// ---------------------------------------------------------------------------------------

/// A stateful custom policy, to check that `&mut self` state survives boxing.
#[derive(Debug, Default)]
struct CountingPolicy {
    ticks: u32,
}

impl DecisionPolicy for CountingPolicy {
    fn decide(&mut self, obs: &Observation) -> Decision {
        self.ticks += 1;
        if obs.has_demand() {
            Decision::grow(1, format!("tick {}: demand", self.ticks))
        } else {
            Decision::hold("no demand")
        }
    }
}

/// Compile-time proof of object safety: this only type-checks if `dyn DecisionPolicy`
/// exists, and the bound proves a boxed policy can move to the controller thread.
fn assert_send<T: Send>() {}

/// Generic code over policies, to check that `Box<dyn DecisionPolicy>` is one.
fn decide_twice<P: DecisionPolicy>(mut policy: P, obs: &Observation) -> (Decision, Decision) {
    (policy.decide(obs), policy.decide(obs))
}

#[test]
fn decision_policy_is_object_safe_and_send() {
    assert_send::<Box<dyn DecisionPolicy>>();

    let mut policies: Vec<Box<dyn DecisionPolicy>> =
        vec![Box::new(FixedPolicy), Box::new(CountingPolicy::default())];
    let busy = Observation {
        queued: 3,
        ..Observation::default()
    };

    let names: Vec<&str> = policies.iter().map(|p| p.name()).collect();
    assert_eq!(names, ["fixed", "custom"]);

    let actions: Vec<Action> = policies
        .iter_mut()
        .map(|p| p.decide(&busy).action)
        .collect();
    assert_eq!(actions, [Action::Hold, Action::Grow(1)]);

    // The policy can be moved to another thread and keeps its state there.
    let mut counting: Box<dyn DecisionPolicy> = policies.pop().unwrap();
    let reason = std::thread::spawn(move || counting.decide(&busy).reason)
        .join()
        .unwrap();
    assert_eq!(reason, "tick 2: demand");
}

#[test]
fn boxed_policy_is_a_policy() {
    let boxed: Box<dyn DecisionPolicy> = Box::new(CountingPolicy::default());
    assert_eq!(boxed.name(), "custom");
    let busy = Observation {
        queued: 1,
        ..Observation::default()
    };
    let (first, second) = decide_twice(boxed, &busy);
    assert_eq!(first.reason, "tick 1: demand");
    assert_eq!(second.reason, "tick 2: demand");

    // A box of a concrete policy also forwards `name`.
    assert_eq!(Box::new(FixedPolicy).name(), "fixed");
}

#[test]
fn fixed_policy_always_holds() {
    let mut policy = FixedPolicy;
    let situations = [
        Observation::default(),
        Observation {
            queued: 10_000,
            current_threads: 4,
            ..Observation::default()
        },
        obs(1_000, Some(0), Some(0)),
        obs(1_000, Some(1_000), Some(0)),
    ];
    for o in &situations {
        let d = policy.decide(o);
        assert_eq!(d.action, Action::Hold);
        assert_eq!(d.reason, "fixed-size pool");
    }
}

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

fn any_duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        // Realistic tick-sized durations, where most interesting ratios are.
        (0u64..10_000_000_000).prop_map(Duration::from_nanos),
        // Anything at all, up to `Duration::MAX`.
        (any::<u64>(), 0u32..1_000_000_000).prop_map(|(s, n)| Duration::new(s, n)),
        Just(Duration::ZERO),
    ]
}

fn any_observation() -> impl Strategy<Value = Observation> {
    (
        any_duration(),
        proptest::option::of(any_duration()),
        proptest::option::of(any_duration()),
        any::<usize>(),
        any::<usize>(),
        any::<usize>(),
    )
        .prop_map(
            |(busy, cpu, run_delay, queued, current_threads, idle_threads)| Observation {
                busy_delta: busy,
                cpu_delta: cpu,
                run_delay_delta: run_delay,
                queued,
                current_threads,
                idle_threads,
                ..Observation::default()
            },
        )
}

fn any_action() -> impl Strategy<Value = Action> {
    prop_oneof![
        Just(Action::Hold),
        any::<usize>().prop_map(Action::Grow),
        any::<usize>().prop_map(Action::Shrink),
        (0usize..8).prop_map(Action::Grow),
        (0usize..8).prop_map(Action::Shrink),
    ]
}

#[track_caller]
fn assert_unit_or_none(value: Option<f64>) {
    if let Some(v) = value {
        assert!(!v.is_nan(), "signal is NaN");
        assert!((0.0..=1.0).contains(&v), "signal {v} is outside [0, 1]");
    }
}

proptest! {
    #[test]
    fn signals_are_fractions_or_none(o in any_observation()) {
        assert_unit_or_none(o.naive_beta());
        assert_unit_or_none(o.beta_true());
        assert_unit_or_none(o.contention());
    }

    #[test]
    fn signals_are_none_exactly_when_inputs_are_missing(o in any_observation()) {
        let busy = !o.busy_delta.is_zero();
        prop_assert_eq!(o.naive_beta().is_some(), busy && o.cpu_delta.is_some());
        prop_assert_eq!(
            o.beta_true().is_some(),
            busy && o.cpu_delta.is_some() && o.run_delay_delta.is_some()
        );
        prop_assert_eq!(o.contention().is_some(), busy && o.run_delay_delta.is_some());
    }

    #[test]
    fn true_beta_never_exceeds_naive_beta(o in any_observation()) {
        // Subtracting run-queue delay can only reveal less blocking, never more.
        if let (Some(naive), Some(true_beta)) = (o.naive_beta(), o.beta_true()) {
            prop_assert!(true_beta <= naive);
        }
    }

    #[test]
    fn apply_stays_within_valid_bounds(
        action in any_action(),
        current in any::<usize>(),
        a in any::<usize>(),
        b in any::<usize>(),
    ) {
        let (min, max) = (a.min(b), a.max(b));
        let target = Decision { action, reason: "prop".into() }.apply(current, min, max);
        prop_assert!(min <= target && target <= max);
    }

    #[test]
    fn apply_moves_in_the_direction_of_the_action(
        action in any_action(),
        current in 1usize..1_000,
    ) {
        // With bounds that cannot interfere, the target moves exactly as asked.
        let target = Decision { action, reason: "prop".into() }.apply(current, 0, usize::MAX);
        let expected = match action {
            Action::Hold => current,
            Action::Grow(n) => current.saturating_add(n),
            Action::Shrink(n) => current.saturating_sub(n),
        };
        prop_assert_eq!(target, expected);
    }

    #[test]
    fn apply_never_panics_on_inverted_bounds(
        action in any_action(),
        current in any::<usize>(),
        a in any::<usize>(),
        b in any::<usize>(),
    ) {
        prop_assume!(a != b);
        let (min, max) = (a.max(b), a.min(b));
        let target = Decision { action, reason: "prop".into() }.apply(current, min, max);
        prop_assert_eq!(target, max);
    }

    #[test]
    fn validation_accepts_exactly_the_documented_ranges(
        high in prop_oneof![-1.0f64..2.0, Just(f64::NAN)],
        low in prop_oneof![-1.0f64..2.0, Just(f64::NAN)],
    ) {
        let result = ControllerConfig::default()
            .beta_high_threshold(high)
            .beta_low_threshold(low)
            .validate();
        let valid = (0.0..=1.0).contains(&high) && (0.0..=1.0).contains(&low) && low < high;
        prop_assert_eq!(result.is_ok(), valid);
    }
}

// ---------------------------------------------------------------------------------------
// serde
// ---------------------------------------------------------------------------------------

#[cfg(feature = "serde")]
mod serde_format {
    use super::*;

    #[test]
    fn config_uses_the_seeds_names_and_units() {
        let json = serde_json::to_value(ControllerConfig::default()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "monitor_interval_sec": 0.5,
                "beta_high_threshold": 0.7,
                "beta_low_threshold": 0.3,
                "scale_up_step": 2,
                "scale_down_step": 1,
                "cpu_upper_threshold": 85.0,
                "cpu_lower_threshold": 50.0,
                "stabilization_window_sec": 2.0,
                "warmup_task_count": 10,
            })
        );
    }

    #[test]
    fn config_round_trips() {
        let config = ControllerConfig::default()
            .monitor_interval(Duration::from_nanos(8_000_001))
            .stabilization_window(Duration::from_millis(1))
            .beta_high_threshold(0.85);
        let text = serde_json::to_string(&config).unwrap();
        let back: ControllerConfig = serde_json::from_str(&text).unwrap();
        assert_eq!(back, config);
    }

    #[test]
    fn missing_fields_take_defaults_and_integers_are_seconds() {
        let config: ControllerConfig =
            serde_json::from_str(r#"{"scale_up_step": 4, "stabilization_window_sec": 5}"#).unwrap();
        assert_eq!(
            config,
            ControllerConfig::default()
                .scale_up_step(4)
                .stabilization_window(Duration::from_secs(5))
        );
    }

    #[test]
    fn unknown_fields_and_negative_durations_are_rejected() {
        let err = serde_json::from_str::<ControllerConfig>(r#"{"scale_up_stpe": 4}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field `scale_up_stpe`"), "{err}");

        let err = serde_json::from_str::<ControllerConfig>(r#"{"monitor_interval_sec": -0.5}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("a non-negative number of seconds"), "{err}");

        let err = serde_json::from_str::<ControllerConfig>(r#"{"monitor_interval_sec": -1}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("a non-negative number of seconds"), "{err}");
    }

    #[test]
    fn observation_and_decision_round_trip() {
        let o = Observation {
            now: Duration::from_millis(1_234),
            current_threads: 4,
            busy_delta: Duration::from_millis(900),
            cpu_delta: Some(Duration::from_millis(300)),
            system_cpu_percent: Some(42.5),
            ..Observation::default()
        };
        let back: Observation = serde_json::from_str(&serde_json::to_string(&o).unwrap()).unwrap();
        assert_eq!(back, o);

        let d = Decision::grow(2, "blocked on I/O");
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "action": { "grow": 2 }, "reason": "blocked on I/O" })
        );
        let back: Decision = serde_json::from_value(json).unwrap();
        assert_eq!(back, d);
    }
}
