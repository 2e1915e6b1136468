//! Unit tests of the value checks and of how an origin is written in an error.

use std::time::Duration;

use super::*;

#[test]
fn origins_read_as_flag_or_file_place() {
    assert_eq!(Origin::Flag("--tasks").to_string(), "--tasks");
    let place = Place {
        path: "run.toml".into(),
        line: 3,
        column: 9,
        key: Some("tasks".into()),
    };
    assert_eq!(
        Origin::File(place.clone()).to_string(),
        "run.toml:3:9: tasks"
    );
    let keyless = Place { key: None, ..place };
    assert_eq!(Origin::File(keyless).to_string(), "run.toml:3:9");
    assert_eq!(Origin::Default("--sizes").to_string(), "--sizes (default)");
}

#[test]
fn a_failed_check_names_the_origin() {
    let err = Setting::new(0, Origin::Flag("--tasks"))
        .check(check_tasks)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("--tasks: must be from 1 to {MAX_TASKS}, got 0")
    );
    assert!(err.is_usage());
}

#[test]
fn tasks_are_bounded() {
    assert_eq!(check_tasks(1), Ok(1));
    assert_eq!(check_tasks(MAX_TASKS), Ok(MAX_TASKS));
    assert!(check_tasks(0).is_err());
    assert!(check_tasks(MAX_TASKS + 1).is_err());
}

#[test]
fn time_caps_are_positive_and_finite() {
    assert_eq!(check_time_cap(1.5), Ok(Duration::from_millis(1500)));
    for bad in [0.0, -5.0, f64::NAN, f64::INFINITY, MAX_TIME_CAP_S * 2.0] {
        assert!(check_time_cap(bad).is_err(), "{bad}");
    }
}

#[test]
fn sizes_and_their_count_are_bounded() {
    assert_eq!(check_size(1), Ok(1));
    assert!(check_size(0).is_err());
    assert!(check_size(MAX_STATIC_WORKERS + 1).is_err());
    assert!(check_size_count(0).is_err());
    assert!(check_size_count(MAX_SIZES).is_ok());
    assert!(check_size_count(MAX_SIZES + 1).is_err());
}

#[test]
fn scale_is_positive_and_bounded() {
    assert_eq!(check_scale(0.01), Ok(0.01));
    for bad in [0.0, -1.0, f64::NAN, MAX_SCALE + 1.0] {
        assert!(check_scale(bad).is_err(), "{bad}");
    }
}

#[test]
fn names_and_specs_are_checked_by_their_crates() {
    assert_eq!(workload("io".into()).map(|w| w.name), Ok("io".to_owned()));
    assert!(workload("disk".into()).unwrap_err().contains("valid names"));
    assert!(arrival("poisson:200".into()).is_ok());
    assert!(arrival("poisson".into()).is_err());
    assert_eq!(check_pool("static:2".into()), Ok("static:2".to_owned()));
    assert!(check_pool("static:0".into()).is_err());
    assert!(
        check_pool("elastic:4".into())
            .unwrap_err()
            .contains("known kinds")
    );
}
