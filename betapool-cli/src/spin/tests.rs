//! Unit tests of the busy loop and its calibration.

use std::time::Duration;

use super::{iterations_for, spin};

#[test]
fn zero_work_is_zero_iterations() {
    assert_eq!(iterations_for(Duration::ZERO), 0);
}

#[test]
fn some_work_is_at_least_one_iteration() {
    assert!(iterations_for(Duration::from_nanos(1)) >= 1);
}

#[test]
fn spin_depends_on_its_count() {
    assert_ne!(spin(10), spin(11));
}
