//! Process readings: thread count and resident memory from `/proc/self/status`, and CPU time
//! from the process CPU clock (the one `betapool-adaptive` reads).
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

/// CPU time used so far by all threads of the process, living and ended, or `None` if the
/// clock cannot be read: the clock the adaptive pool's controller reads
/// (`CLOCK_PROCESS_CPUTIME_ID`), re-exported so every reading of this module is in one place.
///
/// ```
/// let before = betapool_harness::procfs::process_cpu_time();
/// let after = betapool_harness::procfs::process_cpu_time();
/// if let (Some(a), Some(b)) = (before, after) {
///     assert!(b >= a);
/// }
/// ```
pub use betapool_adaptive::process_cpu_time;

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
