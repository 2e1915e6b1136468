//! `BurstArrivals`: arrivals alternating between a burst rate and a quiet rate on a fixed
//! cycle (the seed's `BurstArrivalGenerator`).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::arrival::{ArrivalProcess, Schedule, exponential_gap};
use crate::error::WorkloadError;
use crate::poisson::check_rate;
use crate::rng::SplitMix64;

/// Nanoseconds per second, to split a nanosecond count back into a [`Duration`].
const NANOS_PER_SECOND: u128 = 1_000_000_000;

/// A burst cycle: `burst_duration` at `burst_rate` arrivals per second, then `quiet_duration`
/// at `quiet_rate`, repeated from the start of the process.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_workloads::BurstSpec;
///
/// let spec = BurstSpec {
///     burst_rate: 20_000.0,
///     quiet_rate: 500.0,
///     burst_duration: Duration::from_millis(200),
///     quiet_duration: Duration::from_millis(300),
/// };
/// spec.validate()?;
/// # Ok::<(), betapool_workloads::WorkloadError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BurstSpec {
    /// Mean arrivals per second during a burst; positive and finite.
    pub burst_rate: f64,
    /// Mean arrivals per second between bursts; zero (silence) or positive, finite.
    pub quiet_rate: f64,
    /// How long each burst lasts; positive.
    pub burst_duration: Duration,
    /// How long each quiet spell lasts; zero means one endless burst.
    pub quiet_duration: Duration,
}

impl BurstSpec {
    /// Checks the rates and the burst length; the error names the field and its value.
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_workloads::BurstSpec;
    ///
    /// let spec = BurstSpec {
    ///     burst_rate: 100.0,
    ///     quiet_rate: -1.0,
    ///     burst_duration: Duration::from_secs(1),
    ///     quiet_duration: Duration::from_secs(1),
    /// };
    /// let err = spec.validate().unwrap_err();
    /// assert_eq!(err.to_string(), "quiet_rate must be zero or positive, and finite, got -1");
    /// ```
    pub fn validate(&self) -> Result<(), WorkloadError> {
        check_rate("burst_rate", self.burst_rate)?;
        if !(self.quiet_rate.is_finite() && self.quiet_rate >= 0.0) {
            return Err(WorkloadError::out_of_range(
                "quiet_rate",
                "zero or positive, and finite",
                self.quiet_rate,
            ));
        }
        if self.burst_duration.is_zero() {
            return Err(WorkloadError::out_of_range(
                "burst_duration",
                "positive",
                format!("{:?}", self.burst_duration),
            ));
        }
        Ok(())
    }

    /// Whether `elapsed` (since the process started) falls in a burst; the cycle starts with
    /// one.
    fn is_burst(&self, elapsed: Duration) -> bool {
        self.position(elapsed) < self.burst_duration.as_nanos()
    }

    /// How far into its cycle `elapsed` is, in nanoseconds.
    fn position(&self, elapsed: Duration) -> u128 {
        // Validation makes the burst, hence the period, positive; `max(1)` keeps an unvalidated
        // spec from dividing by zero.
        elapsed.as_nanos() % self.period_nanos().max(1)
    }

    fn period_nanos(&self) -> u128 {
        self.burst_duration.as_nanos() + self.quiet_duration.as_nanos()
    }

    /// The rate in force at `t` and when that phase ends.
    fn phase_at(&self, t: Duration) -> (f64, Duration) {
        let cycle_start = t.as_nanos() - self.position(t);
        if self.is_burst(t) {
            let end = cycle_start + self.burst_duration.as_nanos();
            (self.burst_rate, duration_from_nanos(end))
        } else {
            let end = cycle_start + self.period_nanos();
            (self.quiet_rate, duration_from_nanos(end))
        }
    }
}

/// A bursty arrival process: Poisson at [`BurstSpec::burst_rate`] during bursts and at
/// [`BurstSpec::quiet_rate`] between them, seeded.
///
/// A gap that would cross into the next phase is cut at the boundary and drawn again at the
/// new rate. Exponential gaps are memoryless, so this is exactly a Poisson process whose rate
/// changes at the boundaries, and a slow quiet rate cannot swallow the next burst.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_workloads::{BurstArrivals, BurstSpec};
///
/// let ms = Duration::from_millis;
/// let spec = BurstSpec { burst_rate: 50_000.0, quiet_rate: 100.0, burst_duration: ms(5), quiet_duration: ms(5) };
/// let mut arrivals = BurstArrivals::new(spec, 1)?;
/// assert!(arrivals.is_burst_phase(ms(2)));
/// assert!(!arrivals.is_burst_phase(ms(7)));
/// for _ in 0..20 {
///     arrivals.wait_for_next_arrival();
/// }
/// # Ok::<(), betapool_workloads::WorkloadError>(())
/// ```
#[derive(Clone, Debug)]
pub struct BurstArrivals {
    spec: BurstSpec,
    rng: SplitMix64,
    schedule: Schedule,
}

impl BurstArrivals {
    /// A process with the cycle of `spec` (checked by [`BurstSpec::validate`]) and gaps fixed by
    /// `seed`. The cycle and the clock of
    /// [`wait_for_next_arrival`](Self::wait_for_next_arrival) start now, with a burst.
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_workloads::{BurstArrivals, BurstSpec};
    /// let spec = BurstSpec { burst_rate: 0.0, quiet_rate: 1.0, burst_duration: Duration::from_secs(1), quiet_duration: Duration::ZERO };
    /// assert_eq!(BurstArrivals::new(spec, 0).unwrap_err().parameter(), Some("burst_rate"));
    /// ```
    pub fn new(spec: BurstSpec, seed: u64) -> Result<BurstArrivals, WorkloadError> {
        spec.validate()?;
        Ok(BurstArrivals {
            spec,
            rng: SplitMix64::new(seed),
            schedule: Schedule::start_now(),
        })
    }

    /// Whether `elapsed` (since the process started) falls in a burst (the seed's
    /// `is_burst_phase`, with the time passed in so that it can be checked without a clock).
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_workloads::{BurstArrivals, BurstSpec};
    /// let s = Duration::from_secs;
    /// let spec = BurstSpec { burst_rate: 10.0, quiet_rate: 1.0, burst_duration: s(5), quiet_duration: s(10) };
    /// let arrivals = BurstArrivals::new(spec, 0)?;
    /// assert!(arrivals.is_burst_phase(s(0)));
    /// assert!(!arrivals.is_burst_phase(s(5)));
    /// assert!(arrivals.is_burst_phase(s(15)));
    /// # Ok::<(), betapool_workloads::WorkloadError>(())
    /// ```
    pub fn is_burst_phase(&self, elapsed: Duration) -> bool {
        self.spec.is_burst(elapsed)
    }

    /// Sleeps until the next arrival is due (the seed's name), on an absolute schedule measured
    /// from [`new`](Self::new). The phase of each gap is judged at the scheduled time of the
    /// previous arrival, so the gaps do not depend on how late the caller woke.
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_workloads::{BurstArrivals, BurstSpec};
    /// let ms = Duration::from_millis;
    /// let spec = BurstSpec { burst_rate: 10_000.0, quiet_rate: 10.0, burst_duration: ms(10), quiet_duration: ms(10) };
    /// BurstArrivals::new(spec, 0)?.wait_for_next_arrival();
    /// # Ok::<(), betapool_workloads::WorkloadError>(())
    /// ```
    pub fn wait_for_next_arrival(&mut self) {
        let gap = self.inter_arrival_time(self.schedule.due());
        self.schedule.advance_and_wait(gap);
    }
}

impl ArrivalProcess for BurstArrivals {
    fn inter_arrival_time(&mut self, elapsed: Duration) -> Duration {
        let mut t = elapsed;
        // Each pass either returns or moves `t` to the end of the current phase. A burst has a
        // positive rate and comes round every cycle, so the loop ends with probability one.
        loop {
            let (rate, phase_end) = self.spec.phase_at(t);
            if rate > 0.0 {
                let arrival = t.saturating_add(exponential_gap(&mut self.rng, rate));
                if arrival <= phase_end {
                    return arrival - elapsed;
                }
            }
            t = phase_end;
        }
    }
}

/// A nanosecond count as a [`Duration`], saturating at [`Duration::MAX`].
fn duration_from_nanos(nanos: u128) -> Duration {
    match u64::try_from(nanos / NANOS_PER_SECOND) {
        // The remainder is below 10⁹, so it fits in a `u32`.
        Ok(secs) => Duration::new(secs, (nanos % NANOS_PER_SECOND) as u32),
        Err(_) => Duration::MAX,
    }
}

#[cfg(test)]
mod tests;
