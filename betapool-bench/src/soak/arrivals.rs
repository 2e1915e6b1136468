//! The soak's timetable: a Poisson stream plus a burst stream ([`POISSON_RATE`], [`BURST`]),
//! merged into one sequence of arrival times fixed by the seed.
//!
//! The last [`PAUSE`] of every minute is a pause without arrivals, so that the end-of-minute
//! RSS is read with the pool at rest; the load stops with the last arrival, when the last
//! pause starts.

use std::time::Duration;

use betapool_workloads::{
    ArrivalProcess, BurstArrivals, BurstSpec, PoissonArrivals, SplitMix64, WorkloadError,
};

use super::draws::{BURST_SALT, POISSON_SALT};

/// Seconds per minute, for the per-minute windows.
pub(crate) const SECONDS_PER_MINUTE: f64 = 60.0;

/// Mean rate of the steady Poisson stream, tasks per second: enough that the pool is never
/// idle for long, few enough that the minimum size serves it between bursts.
pub(crate) const POISSON_RATE: f64 = 500.0;

/// The burst stream: 5 000 tasks/s for 2 s in every 10 s, silent in between. A burst needs
/// about 35 workers busy at once (most of them asleep), so the pool grows and shrinks again in
/// every cycle. The 10 s period divides a minute, so every minute ends at the same point of the
/// cycle and the end-of-minute RSS readings compare like with like.
pub(crate) const BURST: BurstSpec = BurstSpec {
    burst_rate: 5_000.0,
    quiet_rate: 0.0,
    burst_duration: Duration::from_secs(2),
    quiet_duration: Duration::from_secs(8),
};

/// How far into its cycle the burst stream starts. 5 s puts the bursts at 5–7 s, 15–17 s, …,
/// so each minute ends 3 s after a burst, when the pool should be back at its minimum, rather
/// than on a burst's first arrivals.
pub(crate) const BURST_OFFSET: Duration = Duration::from_secs(5);

/// The pause: no task arrives in the last 3 s of each minute, nor in the last 3 s of the load.
/// The pool is then back at its minimum while the end-of-minute RSS is read, so the readings of
/// different minutes compare like with like: the default policy swings between 4 and 512
/// threads within a second under this load, and read mid-load, RSS depends on how many threads
/// happen to be alive (9–14 MiB within one minute in a trial run). Bursts end 3 s before each
/// minute does (see [`BURST_OFFSET`]), so the pause only silences the Poisson stream.
pub(crate) const PAUSE: Duration = Duration::from_secs(3);

/// The run's arrival times, in order: the Poisson stream and the burst stream merged, up to
/// the end of the load, with none in a [`PAUSE`]. The same seed gives the same times.
#[derive(Debug)]
pub(crate) struct Arrivals {
    poisson: PoissonArrivals,
    burst: BurstArrivals,
    /// The next Poisson arrival, since the start of the load.
    next_poisson: Duration,
    /// The next burst arrival on the burst stream's own clock, which runs [`BURST_OFFSET`]
    /// ahead of the load's.
    next_burst: Duration,
    end: Duration,
}

impl Arrivals {
    pub(crate) fn new(seed: u64, end: Duration) -> Result<Arrivals, WorkloadError> {
        let mut poisson = PoissonArrivals::new(
            POISSON_RATE,
            SplitMix64::new(seed ^ POISSON_SALT).next_u64(),
        )?;
        let mut burst = BurstArrivals::new(BURST, SplitMix64::new(seed ^ BURST_SALT).next_u64())?;
        let next_poisson = poisson.inter_arrival_time(Duration::ZERO);
        let next_burst = BURST_OFFSET.saturating_add(burst.inter_arrival_time(BURST_OFFSET));
        Ok(Arrivals {
            poisson,
            burst,
            next_poisson,
            next_burst,
            end,
        })
    }
}

impl Iterator for Arrivals {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        loop {
            let due = self.draw();
            if due > self.end {
                return None;
            }
            if !in_pause(due, self.end) {
                return Some(due);
            }
        }
    }
}

impl Arrivals {
    /// The next arrival of either stream, pauses not considered.
    fn draw(&mut self) -> Duration {
        let burst_due = self.next_burst.saturating_sub(BURST_OFFSET);
        // Each stream draws its next gap at its own scheduled time, so neither depends on when
        // the other arrives or on how late the submitting thread wakes.
        if self.next_poisson <= burst_due {
            let due = self.next_poisson;
            self.next_poisson = due.saturating_add(self.poisson.inter_arrival_time(due));
            due
        } else {
            let clock = self.next_burst;
            self.next_burst = clock.saturating_add(self.burst.inter_arrival_time(clock));
            burst_due
        }
    }
}

/// Whether `t` falls in a pause: `[n · 60 s − PAUSE, n · 60 s)` for a whole minute `n`,
/// or the last `PAUSE` of a load that ends at `end`.
pub(crate) fn in_pause(t: Duration, end: Duration) -> bool {
    let into_minute = t.as_secs_f64() % SECONDS_PER_MINUTE;
    SECONDS_PER_MINUTE - into_minute <= PAUSE.as_secs_f64() || end.saturating_sub(t) < PAUSE
}

#[cfg(test)]
mod tests;
