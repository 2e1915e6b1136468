//! How many cores this process may use: the `cores` of the Little's-law size
//! `cores × busy / cpu`, and the scale of every "share of the machine" reading.

use std::num::NonZeroUsize;

/// The number of cores this process may run on, at least 1.
///
/// This is [`std::thread::available_parallelism`], which on Linux honours the process's
/// CPU affinity mask (`taskset`, `sched_setaffinity`) and cgroup CPU quotas (v1 and v2,
/// as set by `docker run --cpus`), so a container limited to two CPUs on a 64-core host
/// reads 2, not 64. The answer can change while the process runs (both limits can be
/// changed from outside), and each call reads the affinity mask and the cgroup files
/// afresh, which costs microseconds: call it on a slow cadence, not on every tick.
///
/// When the count cannot be determined the answer is 1: an unknown machine is treated as
/// the smallest one, so that a policy sizing the pool from it errs towards too few
/// threads (which it can grow out of) rather than too many.
pub(crate) fn usable_cores() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_least_one_core() {
        assert!(usable_cores() >= 1);
    }

    #[test]
    fn agrees_with_the_standard_library() {
        // Nothing in the test process changes the affinity mask or quota, so two reads
        // agree; this pins the "it is available_parallelism" promise of the docs.
        let std_count = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        assert_eq!(usable_cores(), std_count);
    }
}
