//! The A/B table of `cargo xtask bench --baseline`: per workload and pool, the throughput of
//! this build and of the baseline over the repeats, as medians with min–max, and their ratio.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Throughputs (tasks/s) of one configuration, one per repeat, for each build.
#[derive(Debug, Default)]
struct Samples {
    this: Vec<f64>,
    baseline: Vec<f64>,
}

/// Every configuration's samples, in the order the runs first reached them.
#[derive(Debug, Default)]
pub(crate) struct Table {
    rows: Vec<(String, String)>,
    samples: BTreeMap<(String, String), Samples>,
}

impl Table {
    /// Adds one run's report line (JSON with a `throughput` field); a line without one counts
    /// as no sample, never as zero.
    pub(crate) fn add(&mut self, workload: &str, pool: &str, baseline: bool, line: &str) {
        let key = (workload.to_owned(), pool.to_owned());
        if !self.samples.contains_key(&key) {
            self.rows.push(key.clone());
        }
        let entry = self.samples.entry(key).or_default();
        let throughput = serde_json::from_str::<serde_json::Value>(line)
            .ok()
            .and_then(|v| v["throughput"].as_f64());
        if let Some(t) = throughput {
            if baseline {
                entry.baseline.push(t);
            } else {
                entry.this.push(t);
            }
        }
    }

    /// "this 123 tasks/s, baseline 120 tasks/s" for the latest samples of a configuration.
    pub(crate) fn last_line(&self, workload: &str, pool: &str) -> String {
        let key = (workload.to_owned(), pool.to_owned());
        let Some(s) = self.samples.get(&key) else {
            return "no sample".into();
        };
        let show = |v: &[f64]| v.last().map_or("-".into(), |t| format!("{t:.0}"));
        format!(
            "this {} tasks/s, baseline {} tasks/s",
            show(&s.this),
            show(&s.baseline)
        )
    }

    /// The table in Markdown, under a line naming the command that made it.
    pub(crate) fn markdown(&self, command: &str) -> String {
        let mut out = format!(
            "# This build against a baseline\n\n`{command}`: throughput in tasks/s, median \
             (min–max) over the repeats; the ratio is of the medians.\n\n\
             | workload | pool | this build | baseline | ratio |\n|---|---|---|---|---|\n"
        );
        for key in &self.rows {
            let s = &self.samples[key];
            let (this, base) = (median(&s.this), median(&s.baseline));
            let ratio = match (this, base) {
                (Some(a), Some(b)) if b > 0.0 => format!("{:.3}", a / b),
                _ => "-".into(),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {ratio} |",
                key.0,
                key.1,
                spread(&s.this),
                spread(&s.baseline)
            );
        }
        out
    }
}

/// The median of the samples (the mean of the middle two for an even count).
fn median(v: &[f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut sorted = v.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Some(if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    })
}

/// "1234 (1200–1300)", or "-" without samples.
fn spread(v: &[f64]) -> String {
    let Some(m) = median(v) else {
        return "-".into();
    };
    let min = v.iter().copied().fold(f64::INFINITY, f64::min);
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!("{m:.0} ({min:.0}–{max:.0})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_ratios_and_missing_samples() {
        let mut t = Table::default();
        for (v, base) in [
            (100.0, false),
            (300.0, false),
            (200.0, false),
            (100.0, true),
        ] {
            t.add("io", "adaptive", base, &format!("{{\"throughput\": {v}}}"));
        }
        t.add("io", "static:4", false, "not json");
        let md = t.markdown("cargo xtask bench --baseline b");
        assert!(
            md.contains("| io | adaptive | 200 (100–300) | 100 (100–100) | 2.000 |"),
            "{md}"
        );
        assert!(md.contains("| io | static:4 | - | - | - |"), "{md}");
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(
            t.last_line("io", "adaptive"),
            "this 200 tasks/s, baseline 100 tasks/s"
        );
    }
}
