//! Nearest-rank percentiles, and the P50/P95/P99 latency triple the pools report.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How far `q·n` may sit from a whole number and still count as that number, relative to `q·n`.
///
/// `q` is usually a decimal such as `0.07` that has no exact binary form, so `0.07 × 100`
/// evaluates to `7.000000000000001`, and a bare `ceil` would pick rank 8 instead of 7. The
/// product's rounding error is a few parts in 10¹⁶, so 10⁻¹² absorbs it with room to spare while
/// staying far below any real fractional part for the sample counts a window holds.
const RANK_RELATIVE_TOLERANCE: f64 = 1e-12;

/// The quantile reported as P50.
pub(crate) const Q50: f64 = 0.50;
/// The quantile reported as P95.
pub(crate) const Q95: f64 = 0.95;
/// The quantile reported as P99.
pub(crate) const Q99: f64 = 0.99;

/// The `q`-quantile of `sorted` by the nearest-rank definition.
///
/// The result is the element of 1-based rank `⌈q·n⌉` in `sorted`, which must be in ascending
/// order. The nearest-rank definition was chosen because its result is always one of the
/// observed values: a latency percentile then names a task that really took that long, and it
/// needs no arithmetic on the element type, so it works for [`Duration`] as well as numbers.
///
/// `q` must lie in `(0, 1]`. Any other `q` (zero, negative, above one or NaN) returns `None`
/// rather than being clamped, because such a `q` is a bug in the caller, and an empty slice
/// returns `None` because it has no percentiles.
///
/// # Examples
///
/// ```
/// use betapool_metrics::percentile;
///
/// let sorted: Vec<u32> = (1..=100).collect();
/// assert_eq!(percentile(&sorted, 0.5), Some(50));
/// assert_eq!(percentile(&sorted, 0.95), Some(95));
/// assert_eq!(percentile(&sorted, 1.0), Some(100));
/// assert_eq!(percentile(&[3, 9], 0.01), Some(3));
///
/// assert_eq!(percentile::<u32>(&[], 0.5), None);
/// assert_eq!(percentile(&sorted, 0.0), None);
/// assert_eq!(percentile(&sorted, 1.5), None);
/// ```
pub fn percentile<T: Copy>(sorted: &[T], q: f64) -> Option<T> {
    if sorted.is_empty() || !(q > 0.0 && q <= 1.0) {
        return None;
    }
    let rank = nearest_rank(sorted.len(), q);
    sorted.get(rank - 1).copied()
}

/// The 1-based nearest rank `⌈q·n⌉`, kept within `[1, n]`; `q` is in `(0, 1]` and `n >= 1`.
fn nearest_rank(n: usize, q: f64) -> usize {
    // `n as f64` is exact up to 2^53 samples, far beyond any window.
    let exact = q * n as f64;
    let whole = exact.round();
    let rank = if (exact - whole).abs() <= exact * RANK_RELATIVE_TOLERANCE {
        whole
    } else {
        exact.ceil()
    };
    // A float-to-integer `as` saturates, and the clamp keeps tiny `q` at rank 1.
    (rank as usize).clamp(1, n)
}

/// P50, P95 and P99 of a set of latencies, each one of the observed values.
///
/// In JSON the fields are written as fractional seconds named `p50_s`, `p95_s` and `p99_s`,
/// because dashboards and scripts read plain numbers more easily than serde's default
/// `{"secs", "nanos"}` form of a [`Duration`].
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_metrics::Percentiles;
///
/// let sorted: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
/// let p = Percentiles::from_sorted(&sorted).unwrap();
/// assert_eq!(p.p50, Duration::from_millis(50));
/// assert_eq!(p.p95, Duration::from_millis(95));
/// assert_eq!(p.p99, Duration::from_millis(99));
///
/// let json = serde_json::to_string(&Percentiles::from_sorted(&[Duration::from_millis(5)]).unwrap())
///     .unwrap();
/// assert_eq!(json, r#"{"p50_s":0.005,"p95_s":0.005,"p99_s":0.005}"#);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Percentiles {
    /// The median.
    #[serde(rename = "p50_s", with = "crate::serde_secs")]
    pub p50: Duration,
    /// The 95th percentile.
    #[serde(rename = "p95_s", with = "crate::serde_secs")]
    pub p95: Duration,
    /// The 99th percentile.
    #[serde(rename = "p99_s", with = "crate::serde_secs")]
    pub p99: Duration,
}

impl Percentiles {
    /// The nearest-rank P50, P95 and P99 of `sorted`, which must be in ascending order.
    ///
    /// Returns `None` for an empty slice.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_metrics::Percentiles;
    ///
    /// let ms = Duration::from_millis;
    /// let p = Percentiles::from_sorted(&[ms(1), ms(2), ms(3)]).unwrap();
    /// assert_eq!((p.p50, p.p95, p.p99), (ms(2), ms(3), ms(3)));
    /// assert_eq!(Percentiles::from_sorted(&[]), None);
    /// ```
    pub fn from_sorted(sorted: &[Duration]) -> Option<Self> {
        Some(Self {
            p50: percentile(sorted, Q50)?,
            p95: percentile(sorted, Q95)?,
            p99: percentile(sorted, Q99)?,
        })
    }

    /// The nearest-rank P50, P95 and P99 of latencies in any order.
    ///
    /// Returns `None` when `latencies` is empty.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_metrics::Percentiles;
    ///
    /// let ms = Duration::from_millis;
    /// let p = Percentiles::from_unsorted([ms(30), ms(10), ms(20)]).unwrap();
    /// assert_eq!(p.p50, ms(20));
    /// assert_eq!(Percentiles::from_unsorted([]), None);
    /// ```
    pub fn from_unsorted(latencies: impl IntoIterator<Item = Duration>) -> Option<Self> {
        let mut sorted: Vec<Duration> = latencies.into_iter().collect();
        sorted.sort_unstable();
        Self::from_sorted(&sorted)
    }
}

#[cfg(test)]
mod tests;
