//! Whole-machine CPU utilisation from sysinfo, read on sysinfo's own cadence: the "CPU %"
//! of the seed's `cpu_upper_threshold` and `cpu_lower_threshold`.

use std::fmt;
use std::time::{Duration, Instant};

use sysinfo::System;

/// The shortest time between two refreshes: sysinfo's `MINIMUM_CPU_UPDATE_INTERVAL` on
/// Linux.
///
/// sysinfo computes utilisation from the difference between two reads of `/proc/stat`,
/// and silently ignores a refresh that comes sooner than this after the previous one; the
/// value read afterwards would then be the old one passed off as new. Refreshing no
/// faster than sysinfo accepts keeps every value this module returns a real measurement.
pub(crate) const MIN_REFRESH: Duration = Duration::from_millis(200);

/// The machine's CPU utilisation, refreshed at most every [`MIN_REFRESH`] and cached in
/// between, so the controller can ask on every tick.
///
/// Two of sysinfo's traps are handled here: its first reading is an average since boot,
/// not a current value, so it is discarded; and refreshes that come too soon are not
/// made at all (see [`MIN_REFRESH`]).
pub(crate) struct SystemCpu {
    /// `None` where sysinfo cannot read this machine's CPU statistics, in which case
    /// every reading is `None` too.
    system: Option<System>,
    cadence: Cadence,
    /// The latest good reading in percent, `None` until the second refresh.
    latest: Option<f64>,
}

impl SystemCpu {
    /// A reader that has not refreshed yet. Creating one is cheap: nothing is read until
    /// the first call to [`percent`](Self::percent).
    pub(crate) fn new() -> SystemCpu {
        SystemCpu {
            // Only the CPU figures are ever refreshed, so start with nothing loaded.
            system: System::new().ok(),
            cadence: Cadence::default(),
            latest: None,
        }
    }

    /// The machine's CPU utilisation in percent (0 to 100), or `None` while it is not
    /// known: before the second refresh, or where sysinfo cannot read it.
    ///
    /// `now` should be the caller's current `Instant::now()` (the controller's tick
    /// time). A refresh is made only when at least [`MIN_REFRESH`] has passed since the
    /// last one; otherwise the latest good value is returned again, so calling this on
    /// every tick costs nothing between refreshes (a refresh reads and parses `/proc/stat`
    /// on Linux).
    pub(crate) fn percent(&mut self, now: Instant) -> Option<f64> {
        let system = self.system.as_mut()?;
        let keep = match self.cadence.step(now) {
            Step::Wait => return self.latest,
            // The first refresh's value is the average since boot, not a current reading.
            Step::First => false,
            Step::Again => true,
        };
        system.refresh_cpu_usage();
        // sysinfo stamps its refresh with its own clock, a little after `now`; recording
        // the later of the two makes sure the next refresh we allow is one it accepts.
        self.cadence.mark(Instant::now().max(now));
        if keep {
            let percent = f64::from(system.global_cpu_usage());
            // A NaN is not a reading; keep the previous one rather than report it.
            if !percent.is_nan() {
                self.latest = Some(percent.clamp(0.0, 100.0));
            }
        } else if system.cpus().is_empty() {
            // A first refresh that found no CPU could not read the statistics (no
            // /proc/stat, say); sysinfo would then report 0 % for ever, so report
            // "unknown" instead, for good.
            self.system = None;
        }
        self.latest
    }
}

impl fmt::Debug for SystemCpu {
    /// Shows the reader's state, not sysinfo's whole `System`, which would list every CPU.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SystemCpu")
            .field("available", &self.system.is_some())
            .field("cadence", &self.cadence)
            .field("latest", &self.latest)
            .finish()
    }
}

/// What to do on a call to [`SystemCpu::percent`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// Too soon after the last refresh: return the cached value.
    Wait,
    /// The first refresh: make it, but its value is wrong, so do not keep it.
    First,
    /// A later refresh: make it and keep its value.
    Again,
}

/// The refresh timetable, kept apart from sysinfo so it can be tested with made-up
/// instants.
#[derive(Clone, Copy, Debug, Default)]
struct Cadence {
    last_refresh: Option<Instant>,
}

impl Cadence {
    /// Decides what a call at `now` should do. An instant before the last refresh (a
    /// caller's clock read early) counts as no time passed, never as a panic.
    fn step(&self, now: Instant) -> Step {
        match self.last_refresh {
            None => Step::First,
            Some(last) if now.saturating_duration_since(last) < MIN_REFRESH => Step::Wait,
            Some(_) => Step::Again,
        }
    }

    /// Records a refresh made at `at`.
    fn mark(&mut self, at: Instant) {
        self.last_refresh = Some(at);
    }
}

#[cfg(test)]
mod tests;
