//! Tests of the /proc readings: field parsing, and this process read by its pid.

use super::*;

#[test]
fn stat_fields_are_counted_from_the_last_parenthesis() {
    // A real line of /proc/<pid>/stat, with a command name made awkward on purpose.
    let stat = "4242 (odd) name (x) S 1 4242 4242 0 -1 4194560 1203 0 0 0 \
                250 37 0 0 20 0 12 0 123456 4567890 1234 18446744073709551615";
    assert_eq!(cpu_ticks(stat), Some(287));
    assert_eq!(
        ticks_to_duration(287),
        Duration::from_millis(2870),
        "USER_HZ is 100"
    );
    assert_eq!(cpu_ticks("4242 (short) S 1 2"), None);
    assert_eq!(cpu_ticks("no parenthesis"), None);
}

#[test]
fn status_fields_are_parsed() {
    let status = "Name:\tserver\nVmRSS:\t  2048 kB\nThreads:\t17\n";
    assert_eq!(status_field(status, "Threads:"), Some(17));
    assert_eq!(status_field(status, "VmRSS:"), Some(2048));
    assert_eq!(status_field(status, "VmHWM:"), None);
}

#[test]
fn this_process_can_be_read_by_pid() {
    let r = read(std::process::id());
    if std::path::Path::new("/proc/self/stat").exists() {
        assert!(r.threads.is_some_and(|n| n >= 1), "{r:?}");
        assert!(r.rss_bytes.is_some_and(|b| b > 0), "{r:?}");
        assert!(r.cpu.is_some(), "{r:?}");
    }
    // A pid that cannot exist (above the kernel's PID_MAX_LIMIT of 2^22).
    assert_eq!(read(u32::MAX), Reading::default());
}
