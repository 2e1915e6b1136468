//! `Histogram`: cumulative buckets, a count and a sum, the shape a Prometheus histogram has.

use serde::{Deserialize, Serialize};

/// A histogram in Prometheus's cumulative form: bucket `i` counts every observation at most
/// `buckets[i].0`, so counts never go down from one bucket to the next, and the implicit last
/// bucket (`le="+Inf"`) is [`count`](Histogram::count).
///
/// # Examples
///
/// ```
/// use betapool_metrics::Histogram;
///
/// // Three observations of 1, one of 3 and one of 100, in buckets up to 1, 2 and 4.
/// let h = Histogram::from_counts(&[1.0, 2.0, 4.0], &[3, 0, 1, 1], 106.0);
/// assert_eq!(h.buckets, vec![(1.0, 3), (2.0, 3), (4.0, 4)]);
/// assert_eq!((h.count, h.sum), (5, 106.0));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Histogram {
    /// Upper bounds, ascending, each with how many observations are at most that bound.
    pub buckets: Vec<(f64, u64)>,
    /// Every observation, including those above the last bound.
    pub count: u64,
    /// The sum of the observations.
    pub sum: f64,
}

impl Histogram {
    /// Builds the cumulative form from per-bucket counts.
    ///
    /// `counts[i]` is the number of observations in bucket `i` alone (above `bounds[i - 1]`,
    /// at most `bounds[i]`); counts past the last bound are observations above it, which only
    /// the total includes. A count missing for a bound is zero. `bounds` should ascend; they
    /// are kept as given.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_metrics::Histogram;
    ///
    /// let h = Histogram::from_counts(&[10.0], &[], 0.0);
    /// assert_eq!(h.buckets, vec![(10.0, 0)]);
    /// assert_eq!(h.count, 0);
    /// ```
    pub fn from_counts(bounds: &[f64], counts: &[u64], sum: f64) -> Histogram {
        let mut running = 0u64;
        let buckets = bounds
            .iter()
            .enumerate()
            .map(|(i, &bound)| {
                running = running.saturating_add(counts.get(i).copied().unwrap_or(0));
                (bound, running)
            })
            .collect();
        let above: u64 = counts
            .iter()
            .skip(bounds.len())
            .fold(0, |acc, &n| acc.saturating_add(n));
        Histogram {
            buckets,
            count: running.saturating_add(above),
            sum,
        }
    }
}

#[cfg(test)]
mod tests;
