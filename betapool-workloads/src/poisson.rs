//! `PoissonArrivals`: a steady stream of independent arrivals at a mean rate (the seed's
//! `PoissonArrivalGenerator`).

use std::time::Duration;

use crate::arrival::{ArrivalProcess, Schedule, exponential_gap};
use crate::error::WorkloadError;
use crate::rng::SplitMix64;

/// A Poisson arrival process: gaps drawn independently from an exponential distribution of
/// mean `1 / rate_per_second`, seeded.
///
/// # Examples
///
/// ```
/// use betapool_workloads::PoissonArrivals;
///
/// let mut arrivals = PoissonArrivals::new(5000.0, 42)?;
/// for _ in 0..10 {
///     arrivals.wait_for_next_arrival(); // about 2 ms in all
/// }
/// assert!(PoissonArrivals::new(0.0, 42).is_err());
/// # Ok::<(), betapool_workloads::WorkloadError>(())
/// ```
#[derive(Clone, Debug)]
pub struct PoissonArrivals {
    rate: f64,
    rng: SplitMix64,
    schedule: Schedule,
}

impl PoissonArrivals {
    /// A process of mean rate `rate_per_second` (positive and finite) whose gaps are fixed by
    /// `seed`. The clock of [`wait_for_next_arrival`](Self::wait_for_next_arrival) starts now.
    ///
    /// ```
    /// let err = betapool_workloads::PoissonArrivals::new(f64::NAN, 1).unwrap_err();
    /// assert_eq!(err.to_string(), "rate must be positive and finite, got NaN");
    /// ```
    pub fn new(rate_per_second: f64, seed: u64) -> Result<PoissonArrivals, WorkloadError> {
        check_rate("rate", rate_per_second)?;
        Ok(PoissonArrivals {
            rate: rate_per_second,
            rng: SplitMix64::new(seed),
            schedule: Schedule::start_now(),
        })
    }

    /// Sleeps until the next arrival is due (the seed's name). Arrivals follow an absolute
    /// schedule measured from [`new`](Self::new), so a late wake-up is made up for by a shorter
    /// next sleep, not carried forward.
    ///
    /// ```
    /// let mut arrivals = betapool_workloads::PoissonArrivals::new(10_000.0, 3)?;
    /// arrivals.wait_for_next_arrival();
    /// # Ok::<(), betapool_workloads::WorkloadError>(())
    /// ```
    pub fn wait_for_next_arrival(&mut self) {
        let gap = self.inter_arrival_time(self.schedule.due());
        self.schedule.advance_and_wait(gap);
    }
}

impl ArrivalProcess for PoissonArrivals {
    /// An exponential gap; a Poisson process has no phases, so `elapsed` is not used.
    fn inter_arrival_time(&mut self, _elapsed: Duration) -> Duration {
        exponential_gap(&mut self.rng, self.rate)
    }
}

/// Checks that an arrival rate is positive and finite.
pub(crate) fn check_rate(param: &'static str, rate: f64) -> Result<(), WorkloadError> {
    if rate.is_finite() && rate > 0.0 {
        Ok(())
    } else {
        Err(WorkloadError::out_of_range(
            param,
            "positive and finite",
            rate,
        ))
    }
}

#[cfg(test)]
mod tests;
