//! The soak's memory readings: each minute's RSS at rest, read during its pause, and the
//! comparison of the first and last minutes behind the `rss-drift` check.

use serde::Serialize;

use super::window::{Window, WindowSummary};

/// The `rss-drift` check fails when the RSS at the end of the last minute is this many percent
/// or more above the RSS at the end of minute 1.
pub(crate) const RSS_DRIFT_LIMIT_PCT: f64 = 10.0;

/// Runs shorter than this many minutes have no later minute to compare with minute 1, so the
/// `rss-drift` check is skipped.
pub(crate) const DRIFT_MIN_MINUTES: f64 = 2.0;

/// What the monitor read during one minute's pause (its [`PAUSE`](super::arrivals::PAUSE)), at
/// every history poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) struct Rest {
    pub(crate) minute: usize,
    /// The lowest RSS read in the pause: the minute's RSS at rest, which the drift check
    /// compares. The lowest, because a machine shared with other work can delay the pool's
    /// return to its minimum past the first readings.
    pub(crate) rss_bytes: u64,
    /// Polls in the pause.
    pub(crate) polls: usize,
    /// Polls at which the pool was at its minimum.
    pub(crate) polls_at_min: usize,
}

/// Adds one pause reading of `minute` to `rests`, which holds one [`Rest`] per minute in order.
pub(crate) fn add_rest(rests: &mut Vec<Rest>, minute: usize, rss_bytes: u64, at_min: bool) {
    match rests.last_mut() {
        Some(rest) if rest.minute == minute => {
            rest.rss_bytes = rest.rss_bytes.min(rss_bytes);
            rest.polls += 1;
            rest.polls_at_min += usize::from(at_min);
        }
        _ => rests.push(Rest {
            minute,
            rss_bytes,
            polls: 1,
            polls_at_min: usize::from(at_min),
        }),
    }
}

/// The RSS comparison behind the `rss-drift` check.
///
/// "RSS at the end of minute n" is the minute's RSS at rest: the lowest RSS read during the
/// pause ([`PAUSE`](super::arrivals::PAUSE)) that ends the minute, at every
/// [`POLL`](super::monitor::POLL) from `n · 60 − 3` s up to `n · 60` s after the load started
/// (for a last, partial minute, during the last 3 s of the load). The change is
/// `(last − first) / first`, in percent.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub(crate) enum Drift {
    /// The run is shorter than [`DRIFT_MIN_MINUTES`]: no later minute to compare.
    TooShort,
    /// RSS could not be read (no `/proc/self/status`).
    Unmeasured,
    Measured {
        first_end_bytes: u64,
        last_minute: usize,
        last_end_bytes: u64,
        change_pct: f64,
    },
}

/// Compares the RSS at rest at the end of minute 1 with that at the end of the last minute.
pub(crate) fn drift(windows: &[WindowSummary], minutes: f64) -> Drift {
    if minutes < DRIFT_MIN_MINUTES {
        return Drift::TooShort;
    }
    let end_of = |n: usize| {
        windows
            .iter()
            .find(|w| w.window == Window::Minute(n))
            .and_then(|w| w.rest)
            .map(|r| r.rss_bytes)
    };
    let last_minute = windows
        .iter()
        .filter_map(|w| match w.window {
            Window::Minute(n) => Some(n),
            Window::AfterLoad => None,
        })
        .max()
        .unwrap_or(1);
    match (end_of(1), end_of(last_minute)) {
        (Some(first), Some(last)) if first > 0 => Drift::Measured {
            first_end_bytes: first,
            last_minute,
            last_end_bytes: last,
            change_pct: (last as f64 - first as f64) / first as f64 * 100.0,
        },
        _ => Drift::Unmeasured,
    }
}

#[cfg(test)]
mod tests;
