//! Where a model's batch cost bends upwards (past a cache or a memory limit): the measured batch
//! times, grouped by batch weight, fitted with a line that may change slope once. When the
//! slope past the bend is steep enough that larger batches serve fewer requests per second, the
//! bend is the largest batch worth sending. No single straight-line fit shows this; comparing
//! slopes shows it long before throughputs differ by more than the noise: past a bend at 32 where
//! the cost per request doubles, a batch of 40 serves only 2 % fewer requests per second than one
//! of 32, but it costs twice as much per added request.

use std::time::Duration;

/// Batches are grouped by weight in bins this wide (1–4, 5–8, …): narrow enough to place a
/// bend within a few requests, wide enough that each bin sees several batches.
const BIN: u64 = 4;

/// The weight of a new batch in its bin's running means: the last ten or so batches of a size.
const SMOOTHING: f64 = 0.2;

/// Batches a bin needs before it takes part in the fit: one batch may have been preempted.
const MIN_SAMPLES: u32 = 2;

/// The most a bin counts for in the fit, however many batches it has seen: the batch size a
/// steady load settles at would otherwise outvote the few larger batches that show a bend.
const MAX_COUNT: u32 = 8;

/// Bins needed on each side of a bend: a slope rests on two points at least.
const SIDE: usize = 2;

/// How much the slope must rise at a bend, as a share of the slope below it, before the bend is
/// believed: noise in a few batch times can tilt the upper segment of a straight-line cost a
/// little, never by half.
const MIN_RISE: f64 = 0.5;

#[derive(Debug, Clone, Copy, Default)]
struct Bin {
    samples: u32,
    weight: f64,
    secs: f64,
}

/// Running means of batch weight and model time per bin of batch weight, and the bend they show.
#[derive(Debug, Clone, Default)]
pub(crate) struct Bend {
    bins: Vec<Bin>,
    cap: Option<u64>,
}

impl Bend {
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
        self.cap = self.bend();
    }

    /// The largest batch weight worth sending: the weight at which the cost bends, if past it
    /// larger batches serve fewer requests per second. `None` while no such bend has been
    /// measured (a straight-line cost, or one that bends too little to lose throughput).
    pub(crate) fn cap(&self) -> Option<u64> {
        self.cap
    }

    /// Fits `secs = a + c·w + d·max(0, w − k)` for every bin edge `k` with enough bins on both
    /// sides, keeps the `k` with the smallest squared error, and reports it when the rise `d`
    /// makes a batch past `k` cost more per request than the average request at `k` costs
    /// (`d > a / k`: from there on, throughput falls) and is a clear share of `c`.
    fn bend(&self) -> Option<u64> {
        let points: Vec<Point> = self
            .bins
            .iter()
            .enumerate()
            .filter(|(_, b)| b.samples >= MIN_SAMPLES)
            .map(|(i, b)| Point {
                edge: (i as u64 + 1) * BIN,
                w: b.weight,
                t: b.secs,
                n: f64::from(b.samples.min(MAX_COUNT)),
            })
            .collect();
        if points.len() < 2 * SIDE {
            return None;
        }
        let best = (SIDE - 1..points.len() - SIDE)
            .filter_map(|i| {
                let k = points[i].edge;
                hinge(&points, k as f64).map(|fit| (k, fit))
            })
            .min_by(|(_, x), (_, y)| x.sse.total_cmp(&y.sse))?;
        let (k, fit) = best;
        let falls = fit.rise * k as f64 > fit.fixed;
        let clear = fit.rise > MIN_RISE * fit.slope.max(0.0);
        (falls && clear).then_some(k)
    }
}

/// One bin in the fit: its upper edge, mean weight and time, and how much it counts.
#[derive(Debug, Clone, Copy)]
struct Point {
    edge: u64,
    w: f64,
    t: f64,
    n: f64,
}

/// A line that changes slope once: `a`, `c`, the rise `d` past the bend, and the weighted
/// squared error of the fit.
#[derive(Debug, Clone, Copy)]
struct Hinge {
    fixed: f64,
    slope: f64,
    rise: f64,
    sse: f64,
}

/// The weighted least-squares hinge fit with its bend at `k`; `None` when the points cannot
/// tell the three terms apart.
fn hinge(points: &[Point], k: f64) -> Option<Hinge> {
    let row = |p: &Point| [1.0, p.w, (p.w - k).max(0.0)];
    let mut m = [[0.0f64; 4]; 3];
    for p in points {
        let x = row(p);
        for (r, xr) in x.iter().enumerate() {
            for (c, xc) in x.iter().enumerate() {
                m[r][c] += p.n * xr * xc;
            }
            m[r][3] += p.n * xr * p.t;
        }
    }
    let [fixed, slope, rise] = solve3(m)?;
    let sse = points
        .iter()
        .map(|p| {
            let x = row(p);
            let e = p.t - (fixed * x[0] + slope * x[1] + rise * x[2]);
            p.n * e * e
        })
        .sum();
    Some(Hinge {
        fixed,
        slope,
        rise,
        sse,
    })
}

/// Solves a 3×3 system given as its augmented matrix, by elimination with partial pivoting;
/// `None` when it is singular.
fn solve3(mut m: [[f64; 4]; 3]) -> Option<[f64; 3]> {
    for col in 0..3 {
        let pivot = (col..3).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        if m[pivot][col].abs() < 1e-12 {
            return None;
        }
        m.swap(col, pivot);
        for r in 0..3 {
            if r != col {
                let f = m[r][col] / m[col][col];
                let pivot_row = m[col];
                for (x, p) in m[r].iter_mut().zip(pivot_row).skip(col) {
                    *x -= f * p;
                }
            }
        }
    }
    Some([m[0][3] / m[0][0], m[1][3] / m[1][1], m[2][3] / m[2][2]])
}

#[cfg(test)]
mod tests;
