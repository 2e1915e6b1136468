//! Process readings: thread count and resident memory from `/proc/self/status`, CPU time from
//! the process CPU clock. The only module of this crate with `unsafe` code (one `libc` call).
//!
//! Each reader returns `None` where the reading is not available (no `/proc`, a clock error),
//! never a guess.
//!
//! ```
//! use betapool_harness::procfs;
//!
//! if let (Some(threads), Some(cpu)) = (procfs::thread_count(), procfs::process_cpu_time()) {
//!     assert!(threads >= 1);
//!     assert!(cpu.as_nanos() > 0);
//! }
//! ```

use std::fs;
use std::time::Duration;

/// The file the thread count and resident size are read from.
const STATUS_PATH: &str = "/proc/self/status";

/// Bytes per unit of the `kB` values in `/proc/self/status` (the kernel means KiB).
const BYTES_PER_KB: u64 = 1024;

/// The process's current thread count (the `Threads:` line of `/proc/self/status`), or `None`
/// where `/proc` is not available.
///
/// ```
/// if let Some(n) = betapool_harness::procfs::thread_count() {
///     assert!(n >= 1);
/// }
/// ```
pub fn thread_count() -> Option<usize> {
    status_field("Threads:").and_then(|n| usize::try_from(n).ok())
}

/// The process's resident set size in bytes (the `VmRSS:` line of `/proc/self/status`), or
/// `None` where `/proc` is not available.
///
/// ```
/// if let Some(bytes) = betapool_harness::procfs::rss_bytes() {
///     assert!(bytes > 0);
/// }
/// ```
pub fn rss_bytes() -> Option<u64> {
    status_field("VmRSS:").and_then(|kb| kb.checked_mul(BYTES_PER_KB))
}

/// CPU time used so far by all threads of the process, living and ended
/// (`clock_gettime(CLOCK_PROCESS_CPUTIME_ID)`, one call of about 400 ns), or `None` if the
/// clock cannot be read.
///
/// It advances in scheduler-tick steps on some kernels: compare readings over tens of
/// milliseconds or more, not over single tasks.
///
/// ```
/// let before = betapool_harness::procfs::process_cpu_time();
/// let after = betapool_harness::procfs::process_cpu_time();
/// if let (Some(a), Some(b)) = (before, after) {
///     assert!(b >= a);
/// }
/// ```
#[cfg(unix)]
#[allow(unsafe_code)]
pub fn process_cpu_time() -> Option<Duration> {
    let mut ts = std::mem::MaybeUninit::<libc::timespec>::uninit();
    // SAFETY: `ts.as_mut_ptr()` points to writable memory the size and alignment of a
    // `timespec`, alive for the whole call; `clock_gettime` writes only there. `assume_init` is
    // reached only when the call returned 0, which means it filled the whole struct.
    let ts = unsafe {
        if libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, ts.as_mut_ptr()) != 0 {
            return None;
        }
        ts.assume_init()
    };
    let secs = u64::try_from(ts.tv_sec).ok()?;
    let nanos = u32::try_from(ts.tv_nsec).ok()?;
    Some(Duration::new(secs, nanos))
}

/// CPU time used so far by the process: not available on this platform.
///
/// ```
/// let _ = betapool_harness::procfs::process_cpu_time();
/// ```
#[cfg(not(unix))]
pub fn process_cpu_time() -> Option<Duration> {
    None
}

/// The number on the line of `/proc/self/status` starting with `name`.
fn status_field(name: &str) -> Option<u64> {
    let text = fs::read_to_string(STATUS_PATH).ok()?;
    parse_status_field(&text, name)
}

/// The first number after `name` on the line that starts with it (`"Threads:\t5"` → 5,
/// `"VmRSS:\t  1234 kB"` → 1234).
fn parse_status_field(text: &str, name: &str) -> Option<u64> {
    text.lines()
        .find_map(|line| line.strip_prefix(name))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|value| value.parse().ok())
}

#[cfg(test)]
mod tests;
