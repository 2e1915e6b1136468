//! What the controller sees on each tick, and the blocking signal computed from it.

use std::time::Duration;

/// One tick's worth of facts about the pool, gathered by the sampler and handed to a
/// [`DecisionPolicy`](super::DecisionPolicy).
///
/// Every `*_delta` field covers the time since the previous tick, so a policy never has
/// to remember the last reading to get a rate. Time is passed in as [`Duration`]s: the
/// controller never reads a clock, which keeps it deterministic and testable.
///
/// The fields are plain and public so that a policy's tests can build any situation with
/// struct-update syntax.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_core::controller::Observation;
///
/// // Four workers spent 2 s busy in total, of which 0.5 s on a CPU and 0.5 s waiting for
/// // one: half of their busy time was real blocking, a quarter was CPU contention.
/// let obs = Observation {
///     current_threads: 4,
///     busy_delta: Duration::from_secs(2),
///     cpu_delta: Some(Duration::from_millis(500)),
///     run_delay_delta: Some(Duration::from_millis(500)),
///     ..Observation::default()
/// };
/// assert_eq!(obs.naive_beta(), Some(0.75));
/// assert_eq!(obs.beta_true(), Some(0.5));
/// assert_eq!(obs.contention(), Some(0.25));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Observation {
    /// Time since the controller started.
    pub now: Duration,
    /// Worker threads alive right now.
    pub current_threads: usize,
    /// The thread count the engine is steering towards; it differs from
    /// `current_threads` while workers are starting or retiring.
    pub target: usize,
    /// The pool's lower bound on threads.
    pub min_threads: usize,
    /// The pool's upper bound on threads.
    pub max_threads: usize,
    /// Workers parked waiting for work.
    pub idle_threads: usize,
    /// Tasks submitted but not yet picked up by a worker.
    pub queued: usize,
    /// Tasks completed since the pool started.
    pub completed_total: u64,
    /// Tasks completed since the previous tick.
    pub completed_delta: u64,
    /// Wall time the workers spent running tasks since the previous tick, summed over
    /// workers (two workers busy for the whole of a 1 s tick give 2 s).
    pub busy_delta: Duration,
    /// CPU time the workers' threads consumed since the previous tick, summed over
    /// workers; `None` when the thread CPU clocks could not be read.
    pub cpu_delta: Option<Duration>,
    /// Time the workers' threads spent runnable but waiting for a core since the previous
    /// tick, summed over workers; `None` where the kernel does not report it.
    pub run_delay_delta: Option<Duration>,
    /// The part of `busy_delta` the workers spent waiting for a lock that serialises them (an
    /// interpreter lock such as Python's GIL), as their tasks report it; zero for pools whose
    /// tasks never report. It is counted in `run_delay_delta` too: waiting for such a lock is
    /// waiting for the one core the lock lets run, and more threads only lengthen the wait.
    #[cfg_attr(feature = "serde", serde(default))]
    pub lock_wait_delta: Duration,
    /// Whole-machine CPU utilisation in percent (0 to 100); `None` when unavailable,
    /// including the first reading, which the system samplers get wrong.
    pub system_cpu_percent: Option<f64>,
    /// Cores this process may run on (respecting affinity and cgroup quotas).
    pub cores: usize,
    /// Workers that are busy but whose CPU clock did not move since the previous tick:
    /// they are blocked in a call, not computing.
    pub blocked_workers: usize,
    /// Workers inside a task right now.
    pub busy_workers: usize,
    /// Cores the whole process kept busy, averaged over the last window of at least a few
    /// milliseconds (the process CPU clock advances in scheduler-tick steps, so shorter
    /// windows are noise); `None` until such a window has passed.
    pub process_cpu_cores: Option<f64>,
    /// The time the `*_delta` fields cover.
    pub window: Duration,
}

impl Observation {
    /// The seed's blocking ratio, β = 1 − cpu / busy, clamped to [0, 1].
    ///
    /// This is what BetaPool reports. It counts time spent waiting for a core as
    /// blocking, so an oversubscribed CPU-bound pool looks I/O-bound and keeps growing;
    /// prefer [`beta_true`](Self::beta_true) for decisions.
    ///
    /// Returns `None` when `cpu_delta` is unknown or no worker was busy this tick
    /// (`busy_delta` is zero), because then there is nothing to measure.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_core::controller::Observation;
    ///
    /// let obs = Observation {
    ///     busy_delta: Duration::from_secs(1),
    ///     cpu_delta: Some(Duration::from_millis(250)),
    ///     ..Observation::default()
    /// };
    /// assert_eq!(obs.naive_beta(), Some(0.75));
    /// assert_eq!(Observation::default().naive_beta(), None);
    /// ```
    #[must_use]
    pub fn naive_beta(&self) -> Option<f64> {
        let cpu = self.cpu_delta?;
        fraction_of_busy(secs(cpu), self.busy_delta).map(|f| 1.0 - f)
    }

    /// The true blocking ratio, β = 1 − (cpu + run_delay) / busy, clamped to [0, 1]: the
    /// share of busy time spent blocked, neither computing nor waiting for a core.
    ///
    /// Returns `None` when `cpu_delta` or `run_delay_delta` is unknown, or when
    /// `busy_delta` is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_core::controller::Observation;
    ///
    /// // CPU-bound work on too many threads: the naive β says "half blocked", but all
    /// // of that time was spent waiting for a core.
    /// let obs = Observation {
    ///     busy_delta: Duration::from_secs(1),
    ///     cpu_delta: Some(Duration::from_millis(500)),
    ///     run_delay_delta: Some(Duration::from_millis(500)),
    ///     ..Observation::default()
    /// };
    /// assert_eq!(obs.naive_beta(), Some(0.5));
    /// assert_eq!(obs.beta_true(), Some(0.0));
    /// ```
    #[must_use]
    pub fn beta_true(&self) -> Option<f64> {
        let cpu = self.cpu_delta?;
        let run_delay = self.run_delay_delta?;
        // Adding in f64 rather than `Duration` cannot overflow, even for absurd inputs.
        fraction_of_busy(secs(cpu) + secs(run_delay), self.busy_delta).map(|f| 1.0 - f)
    }

    /// CPU contention, run_delay / busy, clamped to [0, 1]: the share of busy time the
    /// workers spent runnable but waiting for a core. High contention means more threads
    /// would only queue for the same cores.
    ///
    /// Returns `None` when `run_delay_delta` is unknown or `busy_delta` is zero.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_core::controller::Observation;
    ///
    /// let obs = Observation {
    ///     busy_delta: Duration::from_secs(1),
    ///     run_delay_delta: Some(Duration::from_millis(500)),
    ///     ..Observation::default()
    /// };
    /// assert_eq!(obs.contention(), Some(0.5));
    /// ```
    #[must_use]
    pub fn contention(&self) -> Option<f64> {
        let run_delay = self.run_delay_delta?;
        fraction_of_busy(secs(run_delay), self.busy_delta)
    }

    /// CPU utilisation in percent (0 to 100) as the seed's controller saw it: the
    /// machine's when known, otherwise this process's share of its usable cores.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::Observation;
    ///
    /// let obs = Observation { cores: 2, process_cpu_cores: Some(1.0), ..Observation::default() };
    /// assert_eq!(obs.cpu_percent(), Some(50.0));
    /// assert_eq!(Observation::default().cpu_percent(), None);
    /// ```
    #[must_use]
    pub fn cpu_percent(&self) -> Option<f64> {
        self.system_cpu_percent.or_else(|| {
            let cores = self.cores.max(1) as f64;
            self.process_cpu_cores
                .map(|c| (c / cores * 100.0).clamp(0.0, 100.0))
        })
    }

    /// Whether more threads could be put to work right now: tasks are waiting in the
    /// queue, or every live worker is busy so the next submission would have to wait.
    /// While the pool is shrinking (more live workers than the target) the second reason does
    /// not count: workers on their way out are neither idle nor busy.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::Observation;
    ///
    /// let waiting = Observation { queued: 3, ..Observation::default() };
    /// assert!(waiting.has_demand());
    ///
    /// let all_busy = Observation { current_threads: 4, target: 4, ..Observation::default() };
    /// assert!(all_busy.has_demand());
    ///
    /// let retiring = Observation { current_threads: 4, target: 2, ..Observation::default() };
    /// assert!(!retiring.has_demand());
    ///
    /// let some_idle = Observation { current_threads: 4, idle_threads: 1, ..Observation::default() };
    /// assert!(!some_idle.has_demand());
    ///
    /// // A pool with no workers and an empty queue has nothing to do.
    /// assert!(!Observation::default().has_demand());
    /// ```
    #[must_use]
    pub fn has_demand(&self) -> bool {
        self.queued > 0
            || (self.idle_threads == 0
                && self.current_threads > 0
                && self.current_threads <= self.target)
    }
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// `part / busy`, clamped to [0, 1], or `None` when there was no busy time to divide by.
///
/// Clamping is needed because the inputs come from different clocks read at slightly
/// different moments: CPU time can exceed the measured busy time by a scheduler tick.
fn fraction_of_busy(part: f64, busy: Duration) -> Option<f64> {
    if busy.is_zero() {
        return None;
    }
    let ratio = part / secs(busy);
    // `busy` is positive and both operands are finite, so the ratio is never NaN; the
    // filter keeps the "never NaN" promise true even if a caller's `part` somehow were.
    Some(ratio.clamp(0.0, 1.0)).filter(|r| !r.is_nan())
}
