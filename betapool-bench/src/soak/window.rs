//! The stretches of the run the summary reports on (each minute of the load, then the time
//! after it) and their figures.

use serde::Serialize;

use super::arrivals::SECONDS_PER_MINUTE;
use super::memory::Rest;
use super::monitor::{Observed, Sample};

/// A stretch of the run that the summary reports on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Window {
    /// Minute `n` of the load, from 1: the moments in `((n − 1) · 60 s, n · 60 s]` (minute 1
    /// also holds 0 s). The last minute ends with the load, so it may be shorter.
    Minute(usize),
    /// From the end of the load until the pool is back at its minimum (or the wait is over).
    AfterLoad,
}

impl Window {
    pub(crate) fn of(t_s: f64, load_s: f64) -> Window {
        if t_s > load_s {
            Window::AfterLoad
        } else {
            Window::Minute(((t_s / SECONDS_PER_MINUTE).ceil() as usize).max(1))
        }
    }

    /// When the window starts, in seconds since the load started.
    pub(crate) fn start_s(self, load_s: f64) -> f64 {
        match self {
            Window::Minute(n) => n.saturating_sub(1) as f64 * SECONDS_PER_MINUTE,
            Window::AfterLoad => load_s,
        }
    }

    pub(crate) fn label(self) -> String {
        match self {
            Window::Minute(n) => n.to_string(),
            Window::AfterLoad => "after load".into(),
        }
    }
}

/// The figures of one window.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct WindowSummary {
    pub(crate) window: Window,
    pub(crate) samples: usize,
    /// RSS at the window's last sample: at its last whole second, or for the window after the
    /// load, once the pool is back at its minimum.
    pub(crate) rss_end_bytes: Option<u64>,
    pub(crate) rss_min_bytes: Option<u64>,
    pub(crate) rss_max_bytes: Option<u64>,
    /// Fewest and most live workers over the history polls in the window.
    pub(crate) threads_min: Option<usize>,
    pub(crate) threads_max: Option<usize>,
    /// Live workers at the window's last sample (after the pause, for a minute).
    pub(crate) threads_end: Option<usize>,
    /// The readings of the minute's pause.
    pub(crate) rest: Option<Rest>,
    pub(crate) process_threads_max: Option<usize>,
    pub(crate) grows: usize,
    pub(crate) shrinks: usize,
    pub(crate) direction_changes: usize,
    /// Tasks submitted during the window.
    pub(crate) tasks: u64,
}

/// Summarises `window` from what the monitor saw.
pub(crate) fn summarize(seen: &Observed, window: Window, load_s: f64) -> WindowSummary {
    let samples = &seen.samples;
    let inside: Vec<&Sample> = samples
        .iter()
        .filter(|s| Window::of(s.at_s, load_s) == window)
        .collect();
    let rss = || inside.iter().filter_map(|s| s.rss_bytes);
    let moves = seen.tally.moves(window);
    let start_s = window.start_s(load_s);
    let submitted_before = samples
        .iter()
        .filter(|s| s.at_s <= start_s)
        .map(|s| s.submitted)
        .next_back()
        .unwrap_or(0);
    let submitted_after = inside.last().map_or(submitted_before, |s| s.submitted);
    WindowSummary {
        window,
        samples: inside.len(),
        rss_end_bytes: inside.last().and_then(|s| s.rss_bytes),
        rss_min_bytes: rss().min(),
        rss_max_bytes: rss().max(),
        threads_min: inside.iter().map(|s| s.pool_threads_min).min(),
        threads_end: inside.last().map(|s| s.pool_threads),
        rest: seen
            .rests
            .iter()
            .find(|r| Window::Minute(r.minute) == window)
            .copied(),
        threads_max: inside.iter().map(|s| s.pool_threads_max).max(),
        process_threads_max: inside.iter().filter_map(|s| s.process_threads).max(),
        grows: moves.grows,
        shrinks: moves.shrinks,
        direction_changes: moves.direction_changes,
        tasks: submitted_after.saturating_sub(submitted_before),
    }
}

#[cfg(test)]
mod tests;
