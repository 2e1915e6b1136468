//! Window arithmetic behind the collector's queries: mean and spread of β, rates, mean times.
//!
//! Every function here returns a finite number or `None`/`0.0`: a NaN on a dashboard or in a
//! controller decision is worse than an honest "unknown".

use std::time::Duration;

use crate::TaskSample;

/// The population mean and standard deviation of a set of values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct MeanStd {
    /// The arithmetic mean.
    pub(crate) mean: f64,
    /// The population standard deviation (divided by n, not n − 1), because the window is the
    /// whole population the pool asks about, not a sample of a larger one.
    pub(crate) std: f64,
}

/// Mean and standard deviation of the known, finite β values among `samples`.
///
/// Samples whose β is unknown are skipped rather than counted as zero, and non-finite values
/// (which only a hand-built `TaskSample` can hold) are skipped so they cannot poison the mean.
/// Returns `None` when no sample has a usable β.
pub(crate) fn blocking_ratio_mean_std<'a>(
    samples: impl IntoIterator<Item = &'a TaskSample>,
) -> Option<MeanStd> {
    // Welford's single pass keeps the variance accurate and non-negative up to rounding,
    // without a second walk over the window.
    let mut count = 0u64;
    let mut mean = 0.0f64;
    let mut sum_sq = 0.0f64;
    let betas = samples
        .into_iter()
        .filter_map(|s| s.blocking_ratio)
        .filter(|b| b.is_finite());
    for beta in betas {
        count += 1;
        let delta = beta - mean;
        mean += delta / count as f64;
        sum_sq += delta * (beta - mean);
    }
    if count == 0 {
        return None;
    }
    let variance = (sum_sq / count as f64).max(0.0);
    Some(MeanStd {
        mean,
        std: variance.sqrt(),
    })
}

/// Completions per second between the earliest and latest timestamps in `samples`.
///
/// `n` completions spread over a span mark `n − 1` intervals, so the rate is `(n − 1) / span`:
/// two tasks one second apart are one task per second, not two. Timestamps may arrive in any
/// order (samples come from many threads), so the span runs from the minimum to the maximum.
/// Fewer than two samples, or a zero span, give `0.0` rather than a division by zero.
pub(crate) fn span_throughput<'a>(samples: impl IntoIterator<Item = &'a TaskSample>) -> f64 {
    let Some((count, earliest, latest)) = count_and_bounds(samples) else {
        return 0.0;
    };
    let span = latest - earliest;
    if count < 2 || span.is_zero() {
        return 0.0;
    }
    // The window is far below 2^53 samples, so the count converts exactly.
    (count - 1) as f64 / span.as_secs_f64()
}

/// Completions per second from the earliest timestamp in `samples` until `now`.
///
/// Returns `0.0` when there are no samples or `now` is not after the earliest one, which keeps
/// a caller's slightly stale `now` from producing a negative or infinite rate.
pub(crate) fn throughput_until<'a>(
    samples: impl IntoIterator<Item = &'a TaskSample>,
    now: Duration,
) -> f64 {
    let Some((count, earliest, _)) = count_and_bounds(samples) else {
        return 0.0;
    };
    match now.checked_sub(earliest) {
        Some(span) if !span.is_zero() => count as f64 / span.as_secs_f64(),
        _ => 0.0,
    }
}

/// The number of samples and their earliest and latest timestamps, or `None` when empty.
fn count_and_bounds<'a>(
    samples: impl IntoIterator<Item = &'a TaskSample>,
) -> Option<(usize, Duration, Duration)> {
    samples.into_iter().fold(None, |acc, s| {
        let t = s.timestamp;
        Some(match acc {
            None => (1, t, t),
            Some((n, lo, hi)) => (n + 1, lo.min(t), hi.max(t)),
        })
    })
}

/// The mean of `durations`, or `None` when there are none.
///
/// The sum is kept in `u128` nanoseconds, which cannot overflow for any realistic window even
/// when every duration is `Duration::MAX`, whereas summing `Duration`s would panic.
pub(crate) fn mean_duration(durations: impl IntoIterator<Item = Duration>) -> Option<Duration> {
    let (count, total) = durations.into_iter().fold((0u128, 0u128), |(n, sum), d| {
        (n + 1, sum.saturating_add(d.as_nanos()))
    });
    if count == 0 {
        return None;
    }
    let mean = total / count;
    // The mean is at most the largest duration, so its whole seconds fit in a u64.
    let secs = u64::try_from(mean / NANOS_PER_SEC).unwrap_or(u64::MAX);
    let nanos = u32::try_from(mean % NANOS_PER_SEC).unwrap_or(0);
    Some(Duration::new(secs, nanos))
}

/// Nanoseconds in one second.
const NANOS_PER_SEC: u128 = 1_000_000_000;

#[cfg(test)]
mod tests;
