//! Unit tests of burst arrivals: phases by elapsed time, gaps per phase, determinism.

use std::time::Duration;

use super::*;

const MS: Duration = Duration::from_millis(1);

fn spec() -> BurstSpec {
    BurstSpec {
        burst_rate: 20_000.0,
        quiet_rate: 500.0,
        burst_duration: 200 * MS,
        quiet_duration: 300 * MS,
    }
}

#[test]
fn phase_switches_by_elapsed_time() {
    let arrivals = BurstArrivals::new(spec(), 0).unwrap();
    let cases = [
        (0, true),
        (199, true),
        (200, false),
        (499, false),
        (500, true),
        (699, true),
        (700, false),
        (10_100, true),
    ];
    for (ms, burst) in cases {
        assert_eq!(arrivals.is_burst_phase(ms * MS), burst, "at {ms} ms");
    }
}

#[test]
fn gaps_replay_with_the_same_seed() {
    let run = |seed| {
        let mut a = BurstArrivals::new(spec(), seed).unwrap();
        let mut t = Duration::ZERO;
        (0..2000)
            .map(|_| {
                t += a.inter_arrival_time(t);
                t
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(run(4), run(4));
    assert_ne!(run(4), run(5));
}

#[test]
fn arrivals_are_denser_in_bursts() {
    let mut a = BurstArrivals::new(spec(), 9).unwrap();
    let (mut in_burst, mut in_quiet) = (0u32, 0u32);
    let mut t = Duration::ZERO;
    while t < Duration::from_secs(10) {
        t += a.inter_arrival_time(t);
        if a.is_burst_phase(t) {
            in_burst += 1;
        } else {
            in_quiet += 1;
        }
    }
    // Expected: 4 s of bursts at 20 000/s = 80 000, and 6 s of quiet at 500/s = 3 000.
    assert!(in_burst > 70_000 && in_burst < 90_000, "{in_burst}");
    assert!(in_quiet > 2_000 && in_quiet < 4_000, "{in_quiet}");
}

#[test]
fn silent_quiet_phases_have_no_arrivals() {
    let silent = BurstSpec {
        quiet_rate: 0.0,
        ..spec()
    };
    let mut a = BurstArrivals::new(silent, 2).unwrap();
    let mut t = Duration::ZERO;
    for _ in 0..10_000 {
        t += a.inter_arrival_time(t);
        assert!(a.is_burst_phase(t), "arrival at {t:?} in a quiet phase");
    }
}

#[test]
fn zero_quiet_duration_is_one_endless_burst() {
    let endless = BurstSpec {
        quiet_duration: Duration::ZERO,
        ..spec()
    };
    let a = BurstArrivals::new(endless, 0).unwrap();
    assert!(a.is_burst_phase(Duration::from_secs(1234)));
}

#[test]
fn validation_names_the_field() {
    let cases = [
        (
            BurstSpec {
                burst_rate: 0.0,
                ..spec()
            },
            "burst_rate",
        ),
        (
            BurstSpec {
                quiet_rate: f64::NAN,
                ..spec()
            },
            "quiet_rate",
        ),
        (
            BurstSpec {
                burst_duration: Duration::ZERO,
                ..spec()
            },
            "burst_duration",
        ),
    ];
    for (bad, param) in cases {
        let err = BurstArrivals::new(bad, 0).unwrap_err();
        assert_eq!(err.parameter(), Some(param));
        assert!(err.to_string().starts_with(param), "{err}");
    }
}

#[test]
fn nanos_convert_back_exactly() {
    let d = Duration::new(12, 345_678_901);
    assert_eq!(duration_from_nanos(d.as_nanos()), d);
    assert_eq!(duration_from_nanos(u128::MAX), Duration::MAX);
}
