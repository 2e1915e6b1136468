//! Handing freed heap memory back to the OS once the pool is back at its minimum.
//!
//! glibc gives threads that allocate arenas of their own, up to eight per core. The hundreds
//! of workers a burst of blocked work brings spread the tasks' allocations over all of them,
//! and free memory inside an arena stays resident after the workers retire. Over many bursts
//! the process's resident size creeps up although nothing is leaked: in the 3-minute soak
//! (`cargo xtask soak`) the RSS at rest grew 12 to 32 % between minute 1 and minute 3 with
//! glibc's defaults, and 1 % with `MALLOC_ARENA_MAX=1`. So when the pool has come back to its
//! minimum after growing, the controller asks glibc to return the free pages of every arena
//! (`malloc_trim(0)`), at most once per [`TRIM_INTERVAL`]. It runs on the controller thread
//! while no task is waiting, never on a worker or the submit path.
//!
//! Elsewhere than on Linux with glibc there is nothing to do, and [`release_free_memory`] is
//! a no-op.

use std::time::Duration;

/// The least time between two trims. A trim walks every arena under its lock (tens to hundreds
/// of microseconds with a few megabytes in sixteen arenas); once a second bounds that cost
/// while load comes and goes every few hundred milliseconds.
pub const TRIM_INTERVAL: Duration = Duration::from_secs(1);

/// Decides when the pool's memory is handed back: after the pool grew, once it is back at its
/// minimum with no demand, and not more often than [`TRIM_INTERVAL`].
#[derive(Debug, Default)]
pub(crate) struct TrimGate {
    /// The pool had more than its minimum of workers since the last trim.
    grown: bool,
    /// When the last trim ran, on the controller's clock.
    last: Option<Duration>,
}

impl TrimGate {
    /// Whether to trim now, given the controller's clock, the live workers, the minimum and
    /// whether tasks are waiting or every worker is busy.
    pub(crate) fn due(&mut self, now: Duration, live: usize, min: usize, demand: bool) -> bool {
        if live > min {
            self.grown = true;
            return false;
        }
        let rested = self
            .last
            .is_none_or(|t| now.saturating_sub(t) >= TRIM_INTERVAL);
        if self.grown && !demand && rested {
            self.grown = false;
            self.last = Some(now);
            return true;
        }
        false
    }
}

/// Returns free heap pages of every malloc arena to the OS; whether any memory was released.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
pub(crate) fn release_free_memory() -> bool {
    // SAFETY: `malloc_trim` takes no pointers and may be called from any thread at any time;
    // it only takes the arenas' own locks.
    unsafe { libc::malloc_trim(0) == 1 }
}

/// Returns free heap pages to the OS; nothing to do without glibc.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn release_free_memory() -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn a_pool_that_never_grew_is_not_trimmed() {
        let mut gate = TrimGate::default();
        for t in 0..5_000 {
            assert!(!gate.due(MS * t, 4, 4, false));
        }
    }

    #[test]
    fn trims_once_when_back_at_min_without_demand() {
        let mut gate = TrimGate::default();
        assert!(!gate.due(MS * 10, 200, 4, true));
        // Back at the minimum but tasks still waiting: not yet.
        assert!(!gate.due(MS * 20, 4, 4, true));
        assert!(gate.due(MS * 30, 4, 4, false));
        // Once per growth, not every tick at rest.
        assert!(!gate.due(MS * 40, 4, 4, false));
        assert!(!gate.due(MS * 5_000, 4, 4, false));
    }

    #[test]
    fn trims_at_most_once_per_interval() {
        let mut gate = TrimGate::default();
        assert!(!gate.due(MS * 10, 64, 4, true));
        assert!(gate.due(MS * 100, 4, 4, false));
        // Grows and comes back within the interval: the trim waits for the interval.
        assert!(!gate.due(MS * 200, 64, 4, true));
        assert!(!gate.due(MS * 300, 4, 4, false));
        assert!(!gate.due(TRIM_INTERVAL + MS * 99, 4, 4, false));
        assert!(gate.due(TRIM_INTERVAL + MS * 100, 4, 4, false));
    }

    /// Resident KiB of this process, from `/proc/self/status`.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn resident_kib() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS in /proc/self/status")
    }

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn free_memory_held_by_a_thread_arena_is_released() {
        const CHUNKS: usize = 16_384; // 64 MiB in 4 KiB chunks
        // A thread of its own gets an arena of its own, as a pool's workers do. It frees every
        // chunk but the last, which pins the top of the arena's heap so that free() alone
        // cannot shrink it: 64 MiB free but resident.
        let (kept, before) = std::thread::spawn(|| {
            let mut chunks: Vec<Vec<u8>> = (0..CHUNKS).map(|i| vec![i as u8; 4_096]).collect();
            let kept = chunks.pop().expect("a chunk");
            drop(chunks);
            (kept, resident_kib())
        })
        .join()
        .expect("allocating thread");
        assert!(release_free_memory(), "malloc_trim released nothing");
        let after = resident_kib();
        // At least half of the 64 MiB must be gone.
        assert!(
            before.saturating_sub(after) >= 32 * 1_024,
            "RSS {before} KiB before the trim, {after} KiB after"
        );
        assert!(kept.iter().all(|&b| b == (CHUNKS - 1) as u8));
    }
}
