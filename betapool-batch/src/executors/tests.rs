//! Unit tests of the executors' sizing: the limits, the error text, and the pools' names.

use super::*;

#[test]
fn size_expected_names_the_engine_limit() {
    assert!(SIZE_EXPECTED.contains(&format!("to {MAX_WORKERS_LIMIT} ")));
}

#[test]
fn sizes_beyond_the_engine_limit_name_their_variable() {
    let err = checked_size("MAX_THREADS", Some(MAX_WORKERS_LIMIT + 1)).unwrap_err();
    assert_eq!(err.key(), Some("MAX_THREADS"));
    assert_eq!(
        err.to_string(),
        "environment variable MAX_THREADS=\"32769\": expected a whole number from 1 to 32768 (the engine's limit)"
    );
    assert_eq!(
        checked_size("MAX_PROCS", Some(MAX_WORKERS_LIMIT)),
        Ok(Some(MAX_WORKERS_LIMIT))
    );
    assert_eq!(checked_size("MAX_PROCS", None), Ok(None));
    assert!(checked_size("MAX_PROCS", Some(0)).is_err());
}

#[test]
fn max_threads_below_min_threads_lowers_the_minimum() {
    let env = EnvOverrides::from_pairs([("MAX_THREADS", "1"), ("MAX_PROCS", "1")]).unwrap();
    let executors = CpuExecutors::from_env(&env).unwrap();
    assert_eq!(executors.thread_pool().engine().min_workers(), 1);
    assert_eq!(executors.max_threads(), 1);
    assert_eq!(executors.run_in_thread(|| 1).wait(), Ok(1));
}

#[test]
fn the_blocking_pool_keeps_min_threads() {
    let executors = CpuExecutors::from_env(&EnvOverrides::default()).unwrap();
    assert_eq!(executors.thread_pool().engine().min_workers(), MIN_THREADS);
}

#[test]
fn thread_names_fit_the_kernel_limit() {
    // The kernel keeps 15 bytes of a thread's name; the widest is the highest worker index.
    let widest = MAX_WORKERS_LIMIT - 1;
    assert!(format!("{THREADS_NAME}-{widest}").len() <= 15);
    assert!(format!("{CPU_NAME}-{widest}").len() <= 15);
    assert!(format!("{THREADS_NAME}-ctl").len() <= 15);
}

#[test]
fn tasks_run_on_the_named_pools() {
    let executors = CpuExecutors::from_env(&EnvOverrides::default()).unwrap();
    let name = || std::thread::current().name().unwrap_or_default().to_owned();
    assert!(
        executors
            .run_in_thread(name)
            .wait()
            .unwrap()
            .starts_with("bpb-io-")
    );
    assert!(
        executors
            .run_cpu(name)
            .wait()
            .unwrap()
            .starts_with("bpb-cpu-")
    );
}
