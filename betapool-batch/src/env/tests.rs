//! Unit tests of the environment overrides: every variable, every bad value, the force flags.

use std::time::Duration;

use super::*;

#[test]
fn empty_environment_overrides_nothing() {
    let env = EnvOverrides::from_pairs(Vec::<(&str, &str)>::new()).unwrap();
    assert_eq!(env, EnvOverrides::default());
}

#[test]
fn every_variable_is_read() {
    let env = EnvOverrides::from_pairs([
        ("MASX_FORCE_GPU", "true"),
        ("BATCH_SIZE", "32"),
        ("BATCH_DELAY_MS", "2.5"),
        ("MAX_THREADS", "20"),
        ("MAX_PROCS", "4"),
        ("CUDA_VISIBLE_DEVICES", " 1,0 "),
        ("PATH", "/usr/bin"),
    ])
    .unwrap();
    assert!(env.force_gpu && !env.force_cpu);
    assert_eq!(env.batch_size, Some(32));
    assert_eq!(env.batch_delay, Some(Duration::from_micros(2500)));
    assert_eq!(env.max_threads, Some(20));
    assert_eq!(env.max_procs, Some(4));
    assert_eq!(env.cuda_visible_devices.as_deref(), Some("1,0"));
}

#[test]
fn a_bad_value_names_its_variable() {
    for (var, bad) in [
        ("MASX_FORCE_CPU", "maybe"),
        ("MASX_FORCE_GPU", "2"),
        ("BATCH_SIZE", "0"),
        ("BATCH_SIZE", "-3"),
        ("BATCH_DELAY_MS", "fast"),
        ("BATCH_DELAY_MS", "-1"),
        ("BATCH_DELAY_MS", "NaN"),
        ("MAX_THREADS", ""),
        ("MAX_PROCS", "1.5"),
    ] {
        let err = EnvOverrides::from_pairs([(var, bad)]).unwrap_err();
        assert_eq!(err.key(), Some(var), "{var}={bad}");
        let text = err.to_string();
        assert!(
            text.contains(var) && text.contains(&format!("{bad:?}")),
            "{text}"
        );
    }
}

#[test]
fn both_force_flags_are_an_error() {
    let err =
        EnvOverrides::from_pairs([("MASX_FORCE_CPU", "1"), ("MASX_FORCE_GPU", "yes")]).unwrap_err();
    assert!(err.to_string().contains("both"), "{err}");
    // A flag set to a false value is not set.
    let ok = EnvOverrides::from_pairs([("MASX_FORCE_CPU", "1"), ("MASX_FORCE_GPU", "0")]).unwrap();
    assert!(ok.force_cpu && !ok.force_gpu);
}
