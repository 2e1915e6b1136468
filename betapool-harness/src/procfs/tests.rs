//! Unit tests of the process readers.

use super::*;

const SAMPLE: &str = "Name:\tbetapool\nState:\tR (running)\nVmRSS:\t   20480 kB\nThreads:\t7\n";

#[test]
fn parses_status_fields() {
    assert_eq!(parse_status_field(SAMPLE, "Threads:"), Some(7));
    assert_eq!(parse_status_field(SAMPLE, "VmRSS:"), Some(20_480));
    assert_eq!(parse_status_field(SAMPLE, "VmSwap:"), None);
    assert_eq!(parse_status_field("Threads:\tmany\n", "Threads:"), None);
}

#[cfg(target_os = "linux")]
#[test]
fn readers_return_some_on_linux() {
    assert!(thread_count().is_some_and(|n| n >= 1));
    assert!(rss_bytes().is_some_and(|b| b > 0));
    assert!(process_cpu_time().is_some());
}

#[cfg(target_os = "linux")]
#[test]
fn thread_count_sees_a_new_thread() {
    let (ready_tx, ready) = std::sync::mpsc::channel();
    let (release, released) = std::sync::mpsc::channel::<()>();
    let before = thread_count().unwrap();
    let extra = std::thread::spawn(move || {
        ready_tx.send(()).unwrap();
        let _ = released.recv();
    });
    ready.recv().unwrap();
    // Other tests run threads too, so only "at least one more than zero" is certain; the new
    // thread is alive now, so the count includes it.
    assert!(thread_count().unwrap() >= 2, "before: {before}");
    drop(release);
    extra.join().unwrap();
}

#[cfg(target_os = "linux")]
#[test]
fn process_cpu_time_never_goes_back() {
    let a = process_cpu_time().unwrap();
    let _ = betapool_workloads::spin(100_000);
    let b = process_cpu_time().unwrap();
    assert!(b >= a);
}
