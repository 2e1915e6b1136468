//! Axis arithmetic for the charts: data ranges, "nice" tick steps and tick labels. Pure
//! functions, no drawing.

/// The tick count an axis aims for: enough to read values off, few enough that labels of six
/// or seven characters do not collide on a 500-pixel axis.
const TARGET_TICKS: f64 = 6.0;

/// The most log₂ ticks drawn; beyond it every second (third, …) power of two is labelled.
const MAX_LOG_TICKS: i32 = 12;

/// How far a scaled step may be from a whole number of decimals and still count as one, so
/// that `0.1 + 0.2`-style noise does not ask for sixteen decimals.
const DECIMAL_TOLERANCE: f64 = 1e-9;

/// An axis: the data range it shows and where its ticks go.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Axis {
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    /// Tick positions (in the axis's own units: log₂ of the data on a log axis).
    pub(crate) ticks: Vec<f64>,
    /// The labels of `ticks`, in data units.
    pub(crate) labels: Vec<String>,
}

impl Axis {
    /// A linear axis covering `[min, max]`, widened to whole tick steps.
    pub(crate) fn linear(min: f64, max: f64) -> Axis {
        let (min, max) = widen(min, max);
        let step = nice_step((max - min) / TARGET_TICKS);
        let first = (min / step).floor();
        let last = (max / step).ceil();
        // Tick `i` is computed as `i × step`, not by repeated addition, so errors do not pile up.
        let ticks: Vec<f64> = (0..=(last - first) as i64)
            .map(|i| snap((first + i as f64) * step, step))
            .collect();
        let labels = ticks.iter().map(|&t| format_tick(t, step)).collect();
        Axis {
            lo: first * step,
            hi: last * step,
            ticks,
            labels,
        }
    }

    /// A log₂ axis covering `[min, max]` (already in log₂ units), with ticks on whole powers
    /// of two labelled by their value.
    pub(crate) fn log2(min: f64, max: f64) -> Axis {
        let (min, max) = widen(min, max);
        let (first, last) = (min.floor(), max.ceil());
        let count = (last - first) as i32;
        let every = (count + MAX_LOG_TICKS - 1) / MAX_LOG_TICKS;
        let ticks: Vec<f64> = (0..=count)
            .step_by(every.max(1) as usize)
            .map(|i| first + f64::from(i))
            .collect();
        let labels = ticks
            .iter()
            .map(|&e| {
                let value = e.exp2();
                format_tick(value, value.min(1.0))
            })
            .collect();
        Axis {
            lo: first,
            hi: last,
            ticks,
            labels,
        }
    }

    /// Where `value` (in axis units) falls between pixel `from` (at `lo`) and `to` (at `hi`).
    pub(crate) fn map(&self, value: f64, from: f64, to: f64) -> f64 {
        from + (value - self.lo) / (self.hi - self.lo) * (to - from)
    }
}

/// A range with room in it: an empty one is widened by one unit each way.
fn widen(min: f64, max: f64) -> (f64, f64) {
    if max > min {
        (min, max)
    } else {
        (min - 1.0, max + 1.0)
    }
}

/// The smallest of 1, 2 or 5 × 10ᵏ at least `raw`: steps people read at a glance.
pub(crate) fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let fraction = raw / magnitude;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// Rounds a tick that should be zero but is a rounding error away from it.
fn snap(tick: f64, step: f64) -> f64 {
    if tick.abs() < step * DECIMAL_TOLERANCE {
        0.0
    } else {
        tick
    }
}

/// A tick label: thousands as `k` and millions as `M` once values reach five and seven digits,
/// with as many decimals as the step needs and no more.
pub(crate) fn format_tick(value: f64, step: f64) -> String {
    let magnitude = value.abs().max(step.abs());
    let (scale, suffix) = if magnitude >= 1e7 {
        (1e6, "M")
    } else if magnitude >= 1e4 {
        (1e3, "k")
    } else {
        (1.0, "")
    };
    let step = step / scale;
    let decimals = (0..=6)
        .find(|&d| {
            let shifted = step * 10f64.powi(d);
            (shifted - shifted.round()).abs() <= shifted.abs() * DECIMAL_TOLERANCE
        })
        .unwrap_or(6) as usize;
    let text = format!("{:.*}", decimals, value / scale);
    // Zero is plain `0`: not `-0`, `0.0` or `0k`.
    if text
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        "0".to_owned()
    } else {
        format!("{text}{suffix}")
    }
}
