//! Rates taken over windows of recent ticks rather than one tick: the fresh ratio
//! `r = busy / cpu` of the clock sample, and the process's CPU use in cores.

use std::collections::VecDeque;
use std::time::Duration;

use super::worker::DELAY_WINDOW;

/// CPU time the fresh ratio `r = busy / cpu` is taken over: the ticks are summed, newest first,
/// until their sampled CPU time reaches this much (or they span [`DELAY_WINDOW`]). One tick of
/// CPU-bound workers has milliseconds of CPU, so `r` stays fresh for them; one tick of sleepers
/// has a few microseconds from a few wake-ups, and `1 − u / r` of a single such tick scatters
/// from 0 to 0.9 (seen: sleeping threads read β_true 0.65 over five ticks where the truth is
/// 0.98), so their `r` is taken over the several ticks it takes to gather this much.
pub(crate) const RATIO_MIN_CPU: Duration = Duration::from_micros(500);

/// The shortest window over which the process CPU clock is turned into a rate. The clock
/// advances in scheduler-tick steps: over 1 ms, two spinning threads on two cores read as
/// anything from 1.0 to 2.7 cores; over 10 ms the error is a few per cent.
pub(crate) const PROCESS_WINDOW: Duration = Duration::from_millis(10);

/// The clock sample's busy and CPU time of the latest ticks, newest last, for `r`.
#[derive(Debug, Default)]
pub(super) struct FreshRatio {
    recent: VecDeque<(Duration, Duration, Duration)>,
}

impl FreshRatio {
    /// Adds the clock sample of the tick at `at` to the recent ones and returns the busy and
    /// CPU time of the newest ticks that together have at least [`RATIO_MIN_CPU`] of CPU
    /// time, or all those within [`DELAY_WINDOW`].
    pub(super) fn add(
        &mut self,
        at: Duration,
        busy: Duration,
        cpu: Duration,
    ) -> (Duration, Duration) {
        self.recent.push_back((at, busy, cpu));
        while self
            .recent
            .front()
            .is_some_and(|&(then, _, _)| at.saturating_sub(then) > DELAY_WINDOW)
        {
            self.recent.pop_front();
        }
        let (mut busy, mut cpu) = (Duration::ZERO, Duration::ZERO);
        for &(_, b, c) in self.recent.iter().rev() {
            busy += b;
            cpu += c;
            if cpu >= RATIO_MIN_CPU {
                break;
            }
        }
        (busy, cpu)
    }
}

/// The process CPU clock's recent readings, oldest first, for its rate in cores.
#[derive(Debug, Default)]
pub(super) struct ProcessRate {
    readings: VecDeque<(Duration, Duration)>,
}

impl ProcessRate {
    /// Adds the process CPU clock read at `at` and returns the cores the process used over
    /// the last window of at least [`PROCESS_WINDOW`], or `None` until that much has passed.
    pub(super) fn add(&mut self, at: Duration, cpu: Duration) -> Option<f64> {
        self.readings.push_back((at, cpu));
        // Keep one reading older than the window, and nothing older than two windows.
        while self.readings.len() > 2
            && self
                .readings
                .get(1)
                .is_some_and(|&(then, _)| at.saturating_sub(then) >= PROCESS_WINDOW)
        {
            self.readings.pop_front();
        }
        let (t0, c0) = *self.readings.front()?;
        let wall = at.saturating_sub(t0);
        if wall < PROCESS_WINDOW {
            return None;
        }
        Some(cpu.saturating_sub(c0).as_secs_f64() / wall.as_secs_f64())
    }
}
