//! Readings of another process from `/proc/<pid>`: its thread count and resident memory
//! (`status`) and the CPU time of all its threads, living and ended (`stat`). The per-pid
//! counterpart of `betapool_harness::procfs`, which reads only its own process.
//!
//! Each reading is `None` where it is not available (no `/proc`, the process is gone), never
//! a guess.

use std::fs;
use std::time::Duration;

/// Bytes per unit of the `kB` values in `/proc/<pid>/status` (the kernel means KiB).
const BYTES_PER_KB: u64 = 1024;

/// Clock ticks per second of `utime` and `stime` in `/proc/<pid>/stat`: the kernel reports
/// them in `USER_HZ`, which is part of its ABI and is 100 on every architecture Rust targets
/// on Linux (what `sysconf(_SC_CLK_TCK)` returns; a constant here spares a `libc` call).
const USER_HZ: u64 = 100;

/// Fields of `/proc/<pid>/stat` after the command name: `state` is the first (field 3 of
/// proc(5)); `utime` and `stime` are fields 14 and 15.
const UTIME_AFTER_COMM: usize = 11;

/// What one look at a process found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Reading {
    /// `Threads:` of `/proc/<pid>/status`.
    pub(crate) threads: Option<usize>,
    /// `VmRSS:` of `/proc/<pid>/status`, in bytes.
    pub(crate) rss_bytes: Option<u64>,
    /// `utime + stime` of `/proc/<pid>/stat`: the CPU time of every thread of the process,
    /// those that have ended included, in steps of 10 ms.
    pub(crate) cpu: Option<Duration>,
}

/// Reads process `pid` now.
pub(crate) fn read(pid: u32) -> Reading {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok();
    let field = |name| status.as_deref().and_then(|s| status_field(s, name));
    let cpu = fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| cpu_ticks(&s))
        .map(ticks_to_duration);
    Reading {
        threads: field("Threads:").and_then(|n| usize::try_from(n).ok()),
        rss_bytes: field("VmRSS:").and_then(|kb| kb.checked_mul(BYTES_PER_KB)),
        cpu,
    }
}

/// The first number after `name` on the line of `status` that starts with it
/// (`"Threads:\t5"` → 5, `"VmRSS:\t  1234 kB"` → 1234).
fn status_field(status: &str, name: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix(name))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|value| value.parse().ok())
}

/// `utime + stime`, in clock ticks, from the text of `/proc/<pid>/stat`. The command name (the
/// second field) is in parentheses and may itself hold spaces and parentheses, so the fields
/// are counted from the last `)`.
fn cpu_ticks(stat: &str) -> Option<u64> {
    let (_, after_comm) = stat.rsplit_once(')')?;
    let mut fields = after_comm.split_whitespace().skip(UTIME_AFTER_COMM);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    utime.checked_add(stime)
}

fn ticks_to_duration(ticks: u64) -> Duration {
    Duration::from_millis(ticks.saturating_mul(1000 / USER_HZ))
}

#[cfg(test)]
mod tests;
