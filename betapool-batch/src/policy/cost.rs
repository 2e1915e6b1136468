//! The batch cost model: time = a + c·weight, fitted online by least squares that forgets old
//! batches, so it follows a model whose cost drifts (warm-up, a busier machine, a cost that is
//! not linear and a batch size that moves).

use std::time::Duration;

/// How much each new batch counts against the old ones: a sample's weight falls by this factor
/// per later batch, so about the last 1 / (1 − 0.97) ≈ 33 batches make the fit. Short enough to
/// follow a load that moves the batch size along a curved cost; long enough that one slow batch
/// (a preempted worker) moves it little.
const FORGET: f64 = 0.97;

/// Batches needed before the fit is used at all.
const MIN_SAMPLES: u32 = 4;

/// The fitted cost of one batch, `fixed + per_weight × weight`.
///
/// ```
/// use std::time::Duration;
/// use betapool_batch::policy::CostModel;
///
/// let mut m = CostModel::new();
/// for b in [1u64, 4, 8, 16, 32, 8, 2, 24] {
///     m.record(b, Duration::from_micros(5_000 + 200 * b));
/// }
/// let fit = m.fit().unwrap();
/// assert!((fit.fixed.as_secs_f64() - 0.005).abs() < 1e-4);
/// assert!((fit.per_weight.as_secs_f64() - 0.0002).abs() < 1e-5);
/// assert_eq!(fit.predict(10), Duration::from_micros(7_000));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostFit {
    /// The cost of a batch that carries nothing: `a`.
    pub fixed: Duration,
    /// The cost of one more unit of weight: `c`.
    pub per_weight: Duration,
}

impl CostFit {
    /// The predicted time of a batch of `weight`.
    pub fn predict(&self, weight: u64) -> Duration {
        let secs = self.fixed.as_secs_f64() + self.per_weight.as_secs_f64() * weight as f64;
        Duration::from_secs_f64(secs.max(0.0))
    }

    /// The largest weight whose batch is predicted to take at most `budget`, if any is.
    pub fn max_weight_within(&self, budget: Duration) -> Option<u64> {
        let room = budget.as_secs_f64() - self.fixed.as_secs_f64();
        if room < 0.0 {
            return None;
        }
        let c = self.per_weight.as_secs_f64();
        if c <= 0.0 {
            return Some(u64::MAX);
        }
        Some((room / c).floor().min(u64::MAX as f64) as u64)
    }
}

/// An online least-squares fit of batch time against batch weight, with forgetting.
#[derive(Debug, Clone, Default)]
pub struct CostModel {
    samples: u32,
    s0: f64,
    sx: f64,
    sy: f64,
    sxx: f64,
    sxy: f64,
}

impl CostModel {
    /// An empty model: no fit until a few batches are recorded.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one batch: its total weight and how long the model took.
    pub fn record(&mut self, weight: u64, took: Duration) {
        let (x, y) = (weight as f64, took.as_secs_f64());
        self.samples = self.samples.saturating_add(1);
        self.s0 = FORGET * self.s0 + 1.0;
        self.sx = FORGET * self.sx + x;
        self.sy = FORGET * self.sy + y;
        self.sxx = FORGET * self.sxx + x * x;
        self.sxy = FORGET * self.sxy + x * y;
    }

    /// The number of batches recorded.
    pub fn samples(&self) -> u32 {
        self.samples
    }

    /// The current fit, once a few batches are in. While every batch had the same weight the
    /// two terms cannot be told apart: the whole cost is then charged to the weight (`a` = 0),
    /// which over-predicts smaller batches and never under-predicts larger ones.
    pub fn fit(&self) -> Option<CostFit> {
        if self.samples < MIN_SAMPLES || self.s0 <= 0.0 {
            return None;
        }
        let mean_x = self.sx / self.s0;
        let mean_y = self.sy / self.s0;
        let var_x = self.sxx / self.s0 - mean_x * mean_x;
        // Weights spread by less than a tenth of a unit are one weight, as far as a slope goes.
        let (a, c) = if var_x > 0.01 {
            let c = (self.sxy / self.s0 - mean_x * mean_y) / var_x;
            (mean_y - c * mean_x, c)
        } else {
            (0.0, mean_y / mean_x.max(1.0))
        };
        // A negative term is noise (or a cost that falls with size, which no batch has): clamp,
        // and give what was taken from one term to the other so the mean is still predicted.
        let (a, c) = match (a < 0.0, c < 0.0) {
            (false, false) => (a, c),
            (true, _) => (0.0, mean_y / mean_x.max(1.0)),
            (false, true) => (mean_y, 0.0),
        };
        Some(CostFit {
            fixed: Duration::from_secs_f64(a.max(0.0)),
            per_weight: Duration::from_secs_f64(c.max(0.0)),
        })
    }
}
