//! `RunOptions`: the knobs of one run (seed, time cap, sampling, progress, setup time).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The seed of a run when none is given: any fixed value makes runs replayable; 42 is the
/// customary one.
pub const DEFAULT_SEED: u64 = 42;

/// How often the sampler reads the process's thread count when none is given. 5 ms catches a
/// pool that grows for a 20 000-task burst (about 80 ms at best) several times over, while one
/// read of `/proc/self/status` every 5 ms (about 10 µs each) costs the run well under 1 % of
/// one core.
pub const DEFAULT_SAMPLE_INTERVAL: Duration = Duration::from_millis(5);

/// A progress callback: `(finished, total)` tasks, called from the sampler thread.
pub type ProgressFn = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// How to run a workload: see [`run`](crate::run).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_harness::RunOptions;
///
/// let opts = RunOptions {
///     time_cap: Some(Duration::from_secs(30)),
///     progress: Some(std::sync::Arc::new(|done, total| eprint!("\r{done}/{total}"))),
///     ..RunOptions::default()
/// };
/// assert_eq!(opts.seed, 42);
/// assert_eq!(opts.sample_interval, Duration::from_millis(5));
/// ```
#[derive(Clone)]
pub struct RunOptions {
    /// The run's seed; task `i` runs with seed `seed ^ i`. Default [`DEFAULT_SEED`].
    pub seed: u64,
    /// After this long, the remaining jobs skip their work (counted in `skipped`) so that slow
    /// configurations end. Idle pauses between phases do not count. Default: none.
    pub time_cap: Option<Duration>,
    /// The thread-count sampler's period; positive. Default [`DEFAULT_SAMPLE_INTERVAL`].
    pub sample_interval: Duration,
    /// Process threads before the pool was built; the timeline and `peak_threads` subtract it.
    /// Default: none (only the sampler's own thread is subtracted).
    pub baseline_threads: Option<usize>,
    /// Called with `(finished, total)` from the sampler thread at every sample and once at the
    /// end. Default: none.
    pub progress: Option<ProgressFn>,
    /// Time the caller spent before the run that belongs to what is measured, such as
    /// building a pool meant for this one burst of work (a cold pool): added to the run's
    /// elapsed time and to its first phase's. Default zero (the pool was built before the
    /// clock started).
    pub setup: Duration,
}

impl Default for RunOptions {
    /// Seed 42, no time cap, 5 ms sampling, no baseline, no progress, no setup time.
    fn default() -> RunOptions {
        RunOptions {
            seed: DEFAULT_SEED,
            time_cap: None,
            sample_interval: DEFAULT_SAMPLE_INTERVAL,
            baseline_threads: None,
            progress: None,
            setup: Duration::ZERO,
        }
    }
}

impl fmt::Debug for RunOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunOptions")
            .field("seed", &self.seed)
            .field("time_cap", &self.time_cap)
            .field("sample_interval", &self.sample_interval)
            .field("baseline_threads", &self.baseline_threads)
            .field("progress", &self.progress.as_ref().map(|_| "Fn(u64, u64)"))
            .field("setup", &self.setup)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_names_the_callback_without_calling_it() {
        let opts = RunOptions {
            progress: Some(Arc::new(|_, _| panic!("must not be called"))),
            ..RunOptions::default()
        };
        let text = format!("{opts:?}");
        assert!(text.contains("seed: 42"), "{text}");
        assert!(text.contains("Some(\"Fn(u64, u64)\")"), "{text}");
    }
}
