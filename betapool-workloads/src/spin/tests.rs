//! Unit tests of the busy loop and its calibration.

use std::time::Duration;

use super::*;

#[test]
fn spin_depends_on_its_count() {
    assert_ne!(spin(10), spin(11));
    assert_eq!(spin(10), spin(10));
}

#[test]
fn zero_work_is_zero_iterations() {
    let cal = Calibration::fixed(123.0).unwrap();
    assert_eq!(cal.iterations_for(Duration::ZERO), 0);
}

#[test]
fn some_work_is_at_least_one_iteration() {
    let cal = Calibration::fixed(1e-9).unwrap();
    assert_eq!(cal.iterations_for(Duration::from_nanos(1)), 1);
}

#[test]
fn iterations_for_is_monotone() {
    let cal = Calibration::fixed(737.3).unwrap();
    let mut last = 0;
    for ns in (0..2_000_000u64).step_by(997) {
        let n = cal.iterations_for(Duration::from_nanos(ns));
        assert!(n >= last, "{ns} ns gave {n} < {last}");
        last = n;
    }
}

#[test]
fn huge_work_saturates_instead_of_wrapping() {
    let cal = Calibration::fixed(1e300).unwrap();
    assert_eq!(cal.iterations_for(Duration::MAX), u64::MAX);
}

#[test]
fn fixed_rejects_non_positive_and_non_finite() {
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let err = Calibration::fixed(bad).unwrap_err();
        assert_eq!(err.parameter(), Some("iterations_per_us"));
        assert!(err.to_string().contains("iterations_per_us"), "{err}");
    }
}

#[test]
fn measure_gives_a_usable_calibration() {
    let cal = Calibration::measure();
    assert!(Calibration::fixed(cal.iterations_per_us).is_ok());
}

#[test]
fn deserialising_validates() {
    let ok: Calibration = serde_json::from_str(r#"{"iterations_per_us":12.5}"#).unwrap();
    assert_eq!(ok, Calibration::fixed(12.5).unwrap());
    let err = serde_json::from_str::<Calibration>(r#"{"iterations_per_us":0.0}"#).unwrap_err();
    assert!(err.to_string().contains("iterations_per_us"), "{err}");
    let json = serde_json::to_string(&ok).unwrap();
    assert_eq!(json, r#"{"iterations_per_us":12.5}"#);
}
