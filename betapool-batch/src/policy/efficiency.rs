//! Measured throughput by batch size: which batch size has served the most requests per second
//! of model time. Where a model's cost bends upwards (past a cache or a memory limit), batches
//! beyond the bend serve fewer requests per second than batches at it, and no straight-line fit
//! shows that; the measurements do.

use std::time::Duration;

/// Batches are grouped by weight in bins this wide (1–4, 5–8, …): narrow enough to place a
/// bend within a few requests, wide enough that each bin sees several batches.
const BIN: u64 = 4;

/// The weight of a new batch in its bin's running means: the last ten or so batches of a size.
const SMOOTHING: f64 = 0.2;

/// Batches a bin needs before its throughput is trusted.
const MIN_SAMPLES: u32 = 3;

/// Bins whose throughput is within this share of the best count as equally good, and the
/// smallest of them wins: the same requests per second with smaller batches answer sooner,
/// and differences this small are within the spread of batch times on a shared machine.
const TOLERANCE: f64 = 0.03;

#[derive(Debug, Clone, Copy, Default)]
struct Bin {
    samples: u32,
    weight: f64,
    secs: f64,
}

/// Running means of batch weight and model time, per bin of batch weight.
#[derive(Debug, Clone, Default)]
pub(crate) struct Efficiency {
    bins: Vec<Bin>,
}

impl Efficiency {
    pub(crate) fn record(&mut self, weight: u64, took: Duration) {
        if weight == 0 {
            return;
        }
        let i = ((weight - 1) / BIN) as usize;
        if self.bins.len() <= i {
            self.bins.resize(i + 1, Bin::default());
        }
        let b = &mut self.bins[i];
        let (w, t) = (weight as f64, took.as_secs_f64());
        if b.samples == 0 {
            (b.weight, b.secs) = (w, t);
        } else {
            b.weight += SMOOTHING * (w - b.weight);
            b.secs += SMOOTHING * (t - b.secs);
        }
        b.samples = b.samples.saturating_add(1);
    }

    /// The largest batch weight worth sending: the mean weight of the smallest bin whose measured
    /// throughput is within `TOLERANCE` of the best, if some larger bin has been measured (the
    /// cost flattens or bends there). `None` while the largest measured batches are clearly
    /// the most efficient (as on a straight-line cost with a large fixed part): then there is
    /// no bend to stop at.
    pub(crate) fn cap(&self) -> Option<u64> {
        let rate = |b: &Bin| b.weight / b.secs.max(1e-9);
        let trusted = || {
            self.bins
                .iter()
                .enumerate()
                .filter(|(_, b)| b.samples >= MIN_SAMPLES)
        };
        let top = trusted().map(|(_, b)| rate(b)).fold(0.0, f64::max);
        let (good, _) = trusted().find(|(_, b)| rate(b) >= (1.0 - TOLERANCE) * top)?;
        let (largest, _) = trusted().next_back()?;
        // The bin's mean weight, not its top: a bin that straddles a bend owes its throughput
        // to its batches below the bend.
        (good < largest).then(|| self.bins[good].weight.ceil() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(e: &mut Efficiency, cost: impl Fn(u64) -> f64, sizes: impl IntoIterator<Item = u64>) {
        for b in sizes {
            for _ in 0..MIN_SAMPLES {
                e.record(b, Duration::from_secs_f64(cost(b)));
            }
        }
    }

    #[test]
    fn a_straight_line_cost_sets_no_cap() {
        let mut e = Efficiency::default();
        feed(&mut e, |b| 5e-3 + 2e-4 * b as f64, [1, 8, 20, 40, 60, 90]);
        assert_eq!(e.cap(), None);
    }

    #[test]
    fn a_cost_that_bends_at_32_caps_batches_there() {
        let knee = |b: u64| 5e-3 + 2e-4 * b.min(32) as f64 + 4e-4 * b.saturating_sub(32) as f64;
        let mut e = Efficiency::default();
        feed(&mut e, knee, [4, 12, 20, 32, 40, 56, 80]);
        assert_eq!(e.cap(), Some(32));
    }

    #[test]
    fn of_bins_about_as_good_the_smallest_wins() {
        // 40 requests in 14.2 ms and 32 in 11.4 ms: 2.82 and 2.81 per ms, one within 3 % of the
        // other, so the smaller batch is the cap.
        let mut e = Efficiency::default();
        feed(
            &mut e,
            |b| {
                if b == 40 {
                    14.2e-3
                } else {
                    5e-3 + 2e-4 * b as f64
                }
            },
            [4, 32, 40],
        );
        assert_eq!(e.cap(), Some(32));
    }

    #[test]
    fn bins_with_few_batches_are_not_trusted() {
        let mut e = Efficiency::default();
        feed(&mut e, |b| 5e-3 + 2e-4 * b as f64, [8, 16]);
        // One slow batch of 40 is not enough to call a bend.
        e.record(40, Duration::from_millis(100));
        assert_eq!(e.cap(), None);
        assert_eq!(Efficiency::default().cap(), None);
    }
}
