//! The `ArrivalProcess` trait, and what its implementations share: exponential gaps and an
//! absolute schedule that does not accumulate lateness.

use std::fmt;
use std::thread;
use std::time::{Duration, Instant};

use crate::rng::SplitMix64;

/// When tasks arrive: a source of gaps between consecutive arrivals.
///
/// A driver keeps an absolute schedule: arrival `k + 1` is due at arrival `k`'s due time plus
/// the next gap, measured from when the process started, so a late wake-up does not push every
/// later arrival back. Implementations are seeded, so the same seed gives the same gaps.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_workloads::{ArrivalProcess, ArrivalSpec};
///
/// let mut arrivals = ArrivalSpec::Poisson { rate: 1000.0 }.build(7)?;
/// let mut due = Duration::ZERO;
/// for _ in 0..100 {
///     due += arrivals.inter_arrival_time(due);
/// }
/// assert!(due > Duration::ZERO);
/// # Ok::<(), betapool_workloads::WorkloadError>(())
/// ```
pub trait ArrivalProcess: Send + fmt::Debug {
    /// Gap before the next arrival, given the time since the process started (burst phases depend on it).
    fn inter_arrival_time(&mut self, elapsed: Duration) -> Duration;
}

/// An exponentially distributed gap of mean `1 / rate` seconds: the gap between arrivals of a
/// Poisson process. `rate` is positive; a gap too long for a `Duration` saturates.
pub(crate) fn exponential_gap(rng: &mut SplitMix64, rate: f64) -> Duration {
    let u = rng.next_f64();
    // `u` is in [0, 1), so `1 − u` is in (0, 1] and its logarithm is finite and at most 0;
    // `ln_1p(−u)` computes `ln(1 − u)` without losing the digits of a small `u`.
    let seconds = -(-u).ln_1p() / rate;
    Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX)
}

/// An absolute timetable of arrivals, measured from the moment it was created.
#[derive(Clone, Debug)]
pub(crate) struct Schedule {
    start: Instant,
    /// When the next (or last returned) arrival is due, since `start`.
    due: Duration,
}

impl Schedule {
    /// A timetable starting now, with the first arrival due after the first gap.
    pub(crate) fn start_now() -> Schedule {
        Schedule {
            start: Instant::now(),
            due: Duration::ZERO,
        }
    }

    /// When the last arrival was due, since the start: the `elapsed` to draw the next gap at.
    /// It is the scheduled time, not the clock, so the gaps drawn do not depend on how late
    /// the caller woke.
    pub(crate) fn due(&self) -> Duration {
        self.due
    }

    /// Moves the next arrival `gap` later and sleeps until it is due (not at all if it is
    /// already past).
    pub(crate) fn advance_and_wait(&mut self, gap: Duration) {
        self.due = self.due.saturating_add(gap);
        let wait = self.due.saturating_sub(self.start.elapsed());
        if !wait.is_zero() {
            thread::sleep(wait);
        }
    }
}

#[cfg(test)]
mod tests;
