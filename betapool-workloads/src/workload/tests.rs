//! Unit tests of workloads: the catalog, rescaling and validation.

use std::time::Duration;

use proptest::prelude::*;

use super::*;

#[test]
fn every_name_builds_validates_and_is_named_so() {
    for name in Workload::NAMES {
        let w = Workload::named(name).unwrap();
        assert_eq!(w.name, *name);
        assert_eq!(w.validate(), Ok(()), "{name}");
        assert!(w.total_tasks() > 0);
    }
}

#[test]
fn catalog_matches_the_benchmark_definitions() {
    let tasks = |name| Workload::named(name).unwrap().total_tasks();
    let expected = [
        ("io", 300_000),
        ("cpu", 30_000),
        ("mixed", 50_000),
        ("phases", 150_000),
        ("bursty", 60_000),
        ("rag", 20_000),
        ("io-burst", 20_000),
        ("mixed-burst", 20_000),
        ("recurring", 100_000),
        ("tiny-noop", 1_000_000),
        ("tiny-1us", 1_500_000),
        ("tiny-10us", 250_000),
        ("matrix", 5_000),
        ("fibonacci", 5_000),
        ("variable", 20_000),
    ];
    assert_eq!(expected.len(), Workload::NAMES.len());
    for (name, n) in expected {
        assert_eq!(tasks(name), n, "{name}");
    }
    let phases = Workload::named("phases").unwrap();
    let kinds: Vec<_> = phases.phases.iter().map(|p| p.spec.kind()).collect();
    assert_eq!(kinds, ["io", "cpu", "io"]);
    assert!(Workload::named("bursty").unwrap().arrival.is_some());
    assert!(Workload::named("io").unwrap().arrival.is_none());
    let recurring = Workload::named("recurring").unwrap();
    let pauses: Vec<_> = recurring
        .phases
        .iter()
        .map(|p| p.pause.as_millis())
        .collect();
    assert_eq!(pauses, [0, 200, 1000, 3000, 200]);
    assert!(recurring.phases.iter().all(|p| p.tasks == 20_000));
    assert!(recurring.arrival.is_none());
}

#[test]
fn pauses_are_kept_by_with_tasks_and_default_to_zero_in_json() {
    let w = Workload::named("recurring").unwrap().with_tasks(50);
    assert_eq!(w.phases[2].pause, Duration::from_secs(1));
    let mut json = serde_json::to_value(&w.phases[2]).unwrap();
    json.as_object_mut().unwrap().remove("pause");
    let phase: Phase = serde_json::from_value(json).unwrap();
    assert_eq!(phase.pause, Duration::ZERO);
}

#[test]
fn a_pause_longer_than_the_maximum_is_an_error_naming_it() {
    let mut w = Workload::named("recurring").unwrap();
    w.phases[1].pause = MAX_PAUSE;
    assert_eq!(w.validate(), Ok(()));
    w.phases[1].pause = MAX_PAUSE + Duration::from_secs(1);
    let err = w.validate().unwrap_err();
    assert_eq!(err.parameter(), Some("pause"));
    assert_eq!(
        err.to_string(),
        "workload `recurring`, phase `burst 2`: pause must be at most 600s, got 601s"
    );
}

#[test]
fn unknown_names_list_the_valid_ones() {
    let err = Workload::named("nope").unwrap_err().to_string();
    assert!(err.contains("`nope`"), "{err}");
    for name in Workload::NAMES {
        assert!(err.contains(name), "{err} lacks {name}");
    }
}

#[test]
fn with_tasks_keeps_proportions() {
    let w = Workload::named("phases").unwrap().with_tasks(3000);
    let counts: Vec<_> = w.phases.iter().map(|p| p.tasks).collect();
    assert_eq!(counts, [1000, 1000, 1000]);
    assert_eq!(w.name, "phases");
}

#[test]
fn with_tasks_below_the_phase_count_gives_one_each() {
    let w = Workload::named("phases").unwrap().with_tasks(0);
    assert!(w.phases.iter().all(|p| p.tasks == 1));
}

#[test]
fn rescale_of_uneven_weights() {
    assert_eq!(rescale(&[1, 1000], 100), [1, 99]);
    assert_eq!(rescale(&[3, 1], 9), [7, 2]);
    assert_eq!(rescale(&[0, 0], 5), [3, 2]);
    assert_eq!(rescale(&[], 5), Vec::<usize>::new());
}

proptest! {
    #[test]
    fn with_tasks_sums_to_the_total(
        weights in proptest::collection::vec(0usize..100_000, 1..8),
        total in 0usize..1_000_000,
    ) {
        let counts = rescale(&weights, total);
        prop_assert_eq!(counts.len(), weights.len());
        prop_assert!(counts.iter().all(|&c| c >= 1));
        prop_assert_eq!(counts.iter().sum::<usize>(), total.max(weights.len()));
    }
}

#[test]
fn validation_errors_name_workload_phase_and_parameter() {
    let empty = Workload {
        name: "empty".into(),
        phases: vec![],
        arrival: None,
    };
    assert_eq!(
        empty.validate().unwrap_err().to_string(),
        "workload `empty` has no phases"
    );

    let mut zero = Workload::named("cpu").unwrap();
    zero.phases[0].tasks = 0;
    let err = zero.validate().unwrap_err();
    assert_eq!(err.parameter(), Some("tasks"));
    assert_eq!(
        err.to_string(),
        "workload `cpu`, phase `cpu`: tasks must be at least 1, got 0"
    );

    let mut bad_arrival = Workload::named("bursty").unwrap();
    bad_arrival.arrival = Some(ArrivalSpec::Poisson { rate: 0.0 });
    assert_eq!(
        bad_arrival.validate().unwrap_err().to_string(),
        "workload `bursty`, arrivals: rate must be positive and finite, got 0"
    );

    let mut bad_spec = Workload::named("variable").unwrap();
    bad_spec.phases[0].spec = TaskSpec::VariableLatency {
        min: Duration::from_millis(1),
        max: Duration::from_millis(2),
        cpu_fraction: 2.0,
    };
    assert_eq!(
        bad_spec.validate().unwrap_err().parameter(),
        Some("cpu_fraction")
    );
}

#[test]
fn serde_round_trip() {
    for name in Workload::NAMES {
        let w = Workload::named(name).unwrap();
        let json = serde_json::to_string(&w).unwrap();
        assert_eq!(serde_json::from_str::<Workload>(&json).unwrap(), w);
    }
}
