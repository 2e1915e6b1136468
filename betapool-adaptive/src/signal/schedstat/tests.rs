//! Tests of the schedstat parser everywhere, and of reading real threads' statistics on
//! Linux, including the kernel's run-queue delay under CPU oversubscription.

use std::time::Duration;

use proptest::prelude::*;

use super::*;

#[test]
fn parses_a_kernel_line() {
    assert_eq!(
        parse("123456789 2500 42\n"),
        Some(SchedStat {
            on_cpu: Duration::from_nanos(123_456_789),
            run_delay: Duration::from_nanos(2_500),
            timeslices: 42,
        })
    );
    assert_eq!(parse("0 0 0"), Some(SchedStat::default()));
    assert_eq!(
        parse(" \t1\t2  3 \n"),
        Some(SchedStat {
            on_cpu: Duration::from_nanos(1),
            run_delay: Duration::from_nanos(2),
            timeslices: 3,
        })
    );
    let max = u64::MAX;
    assert_eq!(
        parse(&format!("{max} {max} {max}")),
        Some(SchedStat {
            on_cpu: Duration::from_nanos(max),
            run_delay: Duration::from_nanos(max),
            timeslices: max,
        })
    );
}

#[test]
fn refuses_anything_else() {
    for bad in [
        "",
        "\n",
        "1",
        "1 2",
        "1 2 3 4",
        "a b c",
        "1 2 c",
        "-1 2 3",
        "+1 2 3",
        "1.5 2 3",
        "1,2,3",
        "0x10 2 3",
        "18446744073709551616 0 0",
        "1 2 3\n4",
    ] {
        assert_eq!(parse(bad), None, "{bad:?} should not parse");
    }
}

proptest! {
    #[test]
    fn formatted_triples_round_trip(
        on_cpu: u64,
        run_delay: u64,
        timeslices: u64,
        sep1 in "[ \t]{1,3}",
        sep2 in "[ \t]{1,3}",
        end in "\n?",
    ) {
        let text = format!("{on_cpu}{sep1}{run_delay}{sep2}{timeslices}{end}");
        prop_assert_eq!(
            parse(&text),
            Some(SchedStat {
                on_cpu: Duration::from_nanos(on_cpu),
                run_delay: Duration::from_nanos(run_delay),
                timeslices,
            })
        );
    }

    #[test]
    fn parse_never_panics(text in "\\PC{0,80}") {
        let _ = parse(&text);
    }
}

#[test]
fn builds_the_path_on_the_stack() {
    let mut buf = [0u8; PATH_BUF_LEN];
    assert_eq!(
        schedstat_path(4242, &mut buf),
        Some(Path::new("/proc/self/task/4242/schedstat"))
    );
    let mut buf = [0u8; PATH_BUF_LEN];
    let longest = schedstat_path(u64::MAX, &mut buf).expect("the largest tid fits");
    assert_eq!(
        longest,
        Path::new("/proc/self/task/18446744073709551615/schedstat")
    );
}

#[test]
fn a_missing_thread_reads_as_none() {
    // No task has id 0, and u64::MAX is far above any pid_max.
    assert_eq!(read(0), None);
    assert_eq!(read(u64::MAX), None);
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod linux {
    use std::hint::black_box;
    use std::sync::{Arc, Barrier};
    use std::thread;

    use super::super::*;
    use crate::signal::clock::{current_thread_tid, thread_cpu_time};
    use betapool_core::available_cores as usable_cores;

    /// Multiply-adds each oversubscribing thread performs: a fixed amount of work, so the
    /// test needs no clock. Ten million take a few milliseconds optimised and a few tens
    /// unoptimised, many scheduler time slices either way.
    const WORK_PER_THREAD: u64 = 10_000_000;

    /// Whether this machine exposes per-thread scheduler statistics at all; tests that
    /// need them return early with a message where it does not (no `/proc`, or a kernel
    /// built without `CONFIG_SCHED_INFO`).
    fn schedstat_available() -> bool {
        let available = current_thread_tid().and_then(read).is_some();
        if !available {
            eprintln!("skipped: /proc/self/task/<tid>/schedstat is not readable here");
        }
        available
    }

    #[test]
    fn reads_the_current_thread() {
        if !std::path::Path::new("/proc/self").exists() {
            eprintln!("skipped: /proc is not mounted");
            return;
        }
        let tid = current_thread_tid().expect("gettid works on Linux");
        assert!(
            read(tid).is_some(),
            "schedstat of a live thread is readable"
        );
    }

    #[test]
    fn on_cpu_is_the_same_count_as_the_thread_cpu_clock() {
        if !schedstat_available() {
            return;
        }
        let tid = current_thread_tid().expect("gettid works on Linux");
        let stat = read(tid).expect("checked above");
        let clock = thread_cpu_time(tid).expect("own clock is readable");
        // Both are the kernel's sum_exec_runtime; the clock read second (and brought up to
        // date by the kernel) can only be ahead.
        assert!(stat.on_cpu <= clock, "{:?} > {clock:?}", stat.on_cpu);
        assert!(
            stat.timeslices >= 1,
            "a running thread has run at least once"
        );
    }

    #[test]
    fn an_exited_thread_reads_as_none() {
        if !schedstat_available() {
            return;
        }
        let tid = thread::spawn(current_thread_tid)
            .join()
            .expect("no panic")
            .expect("gettid works on Linux");
        // Once joined, the thread's /proc/self/task entry is gone.
        assert_eq!(read(tid), None);
    }

    #[test]
    fn oversubscribed_threads_wait_for_a_core() {
        if !schedstat_available() {
            return;
        }
        // Twice as many spinning threads as usable cores, started together: at any moment
        // half of them are runnable with no core free, so the kernel must charge run-queue
        // delay to some of them. That is a fact of the scheduler, not a timing.
        let threads = 2 * usable_cores();
        let start = Arc::new(Barrier::new(threads));
        let delays: Vec<Duration> = (0..threads)
            .map(|_| {
                let start = Arc::clone(&start);
                thread::spawn(move || {
                    start.wait();
                    let mut x = 1u64;
                    for _ in 0..WORK_PER_THREAD {
                        x = black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
                    }
                    // Read while still alive: the task's entry disappears once it exits.
                    let tid = current_thread_tid().expect("gettid works on Linux");
                    read(tid).expect("schedstat is available").run_delay
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| h.join().expect("spinner did not panic"))
            .collect();
        assert!(
            delays.iter().any(|d| !d.is_zero()),
            "{threads} spinning threads on {} cores, yet none waited for a core: {delays:?}",
            usable_cores()
        );
    }
}
