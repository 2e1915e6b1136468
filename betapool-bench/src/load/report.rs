//! The results of `betapool-bench load` and their forms: `load.json` (everything), the
//! markdown table of `load.md` (also printed), the ratios of the adaptive setup to the others,
//! and `load.svg`, the latency-by-percentile chart.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use betapool_harness::svg::{Chart, Series, line_chart};
use serde::Serialize;

use super::latency::{Endpoint, Summary};

/// The configuration whose row the others are compared with, when there is one.
pub(crate) const REFERENCE: &str = "named-adaptive";

/// The run's parameters, as given or defaulted.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Params {
    pub(crate) server: String,
    pub(crate) configs: Vec<ConfigEntry>,
    pub(crate) seconds: f64,
    pub(crate) warmup_s: f64,
    pub(crate) connections: usize,
    /// Runs per configuration, interleaved.
    pub(crate) repeats: usize,
    pub(crate) seed: u64,
    /// The request mix, in words.
    pub(crate) mix: String,
    pub(crate) io_timeout_s: f64,
    pub(crate) sample_interval_ms: u64,
    /// Cores of this machine, shared by the driver and the server.
    pub(crate) cores: usize,
}

/// A configuration of the server: a name and its TOML file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ConfigEntry {
    pub(crate) name: String,
    pub(crate) path: String,
}

/// What one configuration did under the load.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct ConfigResult {
    pub(crate) name: String,
    /// Which run of the configuration this is, from 0.
    pub(crate) repeat: usize,
    /// In `results`: the medians and min–max over the configuration's runs (this result is
    /// the run of median req/s); `None` in `runs`.
    pub(crate) spread: Option<Spread>,
    pub(crate) config: String,
    /// Where the server listened.
    pub(crate) address: String,
    /// Successful answers to requests sent during the measurement, including those sent just
    /// before its end and answered after it, so the slowest are not cut from the latencies.
    pub(crate) requests: usize,
    /// Of those, the ones answered before the measurement ended: what `req_per_s` counts.
    pub(crate) completed_in_window: usize,
    pub(crate) req_per_s: f64,
    /// Latencies of the successful answers (errors are counted apart, so a fast error cannot
    /// flatter them).
    pub(crate) latency: Summary,
    /// Per endpoint, in the order of [`Endpoint::ALL`].
    pub(crate) endpoints: Vec<EndpointResult>,
    pub(crate) errors: Errors,
    /// Connections the clients opened: the number of clients when the server keeps them all
    /// alive.
    pub(crate) connections_opened: u64,
    /// Requests sent again because a kept-alive connection had been closed by the server.
    pub(crate) retries: u64,
    pub(crate) server: ServerUsage,
    pub(crate) snapshot: Snapshot,
    /// The latency-by-percentile curve: `(nines, ms)`, as drawn in `load.svg`.
    pub(crate) curve: Vec<(f64, f64)>,
    /// The server's process, every sample.
    pub(crate) samples: Vec<ProcSample>,
}

/// A configuration's figures over its runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct Spread {
    pub(crate) runs: usize,
    pub(crate) req_per_s: Range,
    pub(crate) p99_ms: Range,
}

/// The median, smallest and largest of some runs' values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub(crate) struct Range {
    pub(crate) median: f64,
    pub(crate) min: f64,
    pub(crate) max: f64,
}

impl Range {
    /// The range of `values` (the lower middle for an even count), or `None` if there are
    /// none.
    pub(crate) fn of(mut values: Vec<f64>) -> Option<Range> {
        values.retain(|v| v.is_finite());
        values.sort_by(f64::total_cmp);
        Some(Range {
            median: *values.get((values.len().checked_sub(1)?) / 2)?,
            min: *values.first()?,
            max: *values.last()?,
        })
    }
}

/// One result per configuration (in the order of `configs`, skipping those with no
/// successful run): the run of median req/s, with the spread of all its runs.
pub(crate) fn medians(configs: &[ConfigEntry], runs: &[ConfigResult]) -> Vec<ConfigResult> {
    configs
        .iter()
        .filter_map(|c| {
            let mut mine: Vec<&ConfigResult> = runs.iter().filter(|r| r.name == c.name).collect();
            mine.sort_by(|a, b| a.req_per_s.total_cmp(&b.req_per_s));
            let middle = *mine.get(mine.len().checked_sub(1)? / 2)?;
            let spread = Spread {
                runs: mine.len(),
                req_per_s: Range::of(mine.iter().map(|r| r.req_per_s).collect())?,
                p99_ms: Range::of(mine.iter().filter_map(|r| r.latency.p99_ms).collect())
                    .unwrap_or_default(),
            };
            Some(ConfigResult {
                spread: Some(spread),
                ..middle.clone()
            })
        })
        .collect()
}

/// One endpoint's latencies.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EndpointResult {
    pub(crate) endpoint: Endpoint,
    pub(crate) latency: Summary,
}

/// Requests that got no successful answer: none is dropped silently.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Errors {
    /// Errors during the measurement: non-2xx answers and I/O errors.
    pub(crate) total: u64,
    /// Non-2xx answers by status code.
    pub(crate) by_status: BTreeMap<u16, u64>,
    /// I/O errors by kind (`timeout`, `refused`, `closed`, `protocol`, `other`).
    pub(crate) by_io_kind: BTreeMap<String, u64>,
    /// The first I/O error's message, to say what went wrong.
    pub(crate) first_io_error: Option<String>,
    /// Errors during the warm-up, counted apart.
    pub(crate) warmup: u64,
}

/// The server process during the measurement, from `/proc/<pid>`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct ServerUsage {
    pub(crate) peak_threads: Option<usize>,
    pub(crate) mean_threads: Option<f64>,
    /// CPU time of all its threads over the measurement.
    pub(crate) cpu_s: Option<f64>,
    /// `cpu_s` per answer completed in the window, in ms: the same number as CPU seconds per
    /// 1 000 requests.
    pub(crate) cpu_ms_per_request: Option<f64>,
    pub(crate) peak_rss_mib: Option<f64>,
}

/// One reading of the server's process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub(crate) struct ProcSample {
    /// Seconds since the measurement started.
    pub(crate) at_s: f64,
    pub(crate) threads: Option<usize>,
    pub(crate) rss_mib: Option<f64>,
    /// CPU seconds since the server started.
    pub(crate) cpu_s: Option<f64>,
}

/// The `/stats` and `/metrics` bodies saved in the middle of the measurement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Snapshot {
    pub(crate) stats_file: Option<String>,
    pub(crate) metrics_file: Option<String>,
    /// What went wrong fetching or saving them.
    pub(crate) errors: Vec<String>,
}

/// A configuration that could not be measured.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Failure {
    pub(crate) name: String,
    pub(crate) error: String,
}

/// Everything `load.json` holds.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LoadReport {
    pub(crate) params: Params,
    /// Per configuration, its run of median req/s with the spread over its runs.
    pub(crate) results: Vec<ConfigResult>,
    /// Every run, in the order they ran.
    pub(crate) runs: Vec<ConfigResult>,
    pub(crate) failures: Vec<Failure>,
}

impl ConfigResult {
    /// Median req/s over the runs (the run's own when there is no spread).
    fn median_req_per_s(&self) -> f64 {
        self.spread
            .as_ref()
            .map_or(self.req_per_s, |s| s.req_per_s.median)
    }

    /// Median P99 over the runs (the run's own when there is no spread), in ms.
    fn median_p99_ms(&self) -> Option<f64> {
        match &self.spread {
            Some(s) if s.runs > 0 && s.p99_ms.median > 0.0 => Some(s.p99_ms.median),
            _ => self.latency.p99_ms,
        }
    }

    /// P99 of one endpoint, in ms.
    fn endpoint_p99(&self, endpoint: Endpoint) -> Option<f64> {
        self.endpoints
            .iter()
            .find(|e| e.endpoint == endpoint)
            .and_then(|e| e.latency.p99_ms)
    }
}

/// The markdown table: one row per configuration, columns aligned so it also reads as text.
pub(crate) fn table(results: &[ConfigResult]) -> String {
    let mut header = vec!["config", "req/s", "P50 ms", "P99 ms"];
    let spread = results
        .iter()
        .any(|r| r.spread.as_ref().is_some_and(|s| s.runs > 1));
    if spread {
        header = vec!["config", "req/s (min–max)", "P50 ms", "P99 ms (min–max)"];
    }
    let endpoint_headers: Vec<String> = Endpoint::ALL
        .iter()
        .map(|e| format!("P99 {} ms", e.name()))
        .collect();
    header.extend(endpoint_headers.iter().map(String::as_str));
    header.extend(["errors", "peak threads", "CPU ms/req"]);
    let rows: Vec<Vec<String>> = results
        .iter()
        .map(|r| {
            let (req_per_s, p99) = match &r.spread {
                Some(s) if spread => (
                    format!(
                        "{:.0} ({:.0}–{:.0})",
                        s.req_per_s.median, s.req_per_s.min, s.req_per_s.max
                    ),
                    format!(
                        "{} ({}–{})",
                        ms(Some(s.p99_ms.median)),
                        ms(Some(s.p99_ms.min)),
                        ms(Some(s.p99_ms.max))
                    ),
                ),
                _ => (format!("{:.0}", r.req_per_s), ms(r.latency.p99_ms)),
            };
            let mut row = vec![r.name.clone(), req_per_s, ms(r.latency.p50_ms), p99];
            row.extend(Endpoint::ALL.iter().map(|&e| ms(r.endpoint_p99(e))));
            row.push(r.errors.total.to_string());
            row.push(
                r.server
                    .peak_threads
                    .map_or_else(|| "-".into(), |n| n.to_string()),
            );
            row.push(
                r.server
                    .cpu_ms_per_request
                    .map_or_else(|| "-".into(), |c| format!("{c:.3}")),
            );
            row
        })
        .collect();
    markdown(&header, &rows)
}

/// Milliseconds with a precision that suits their size.
fn ms(value: Option<f64>) -> String {
    match value {
        None => "-".into(),
        Some(v) if v < 10.0 => format!("{v:.2}"),
        Some(v) => format!("{v:.1}"),
    }
}

/// A markdown table with padded cells: the first column left-aligned, the others (numbers)
/// right-aligned.
fn markdown(header: &[&str], rows: &[Vec<String>]) -> String {
    let width = |i: usize| {
        rows.iter()
            .filter_map(|r| r.get(i))
            .map(|c| c.chars().count())
            .chain([header[i].chars().count(), 3])
            .max()
            .unwrap_or(3)
    };
    let widths: Vec<usize> = (0..header.len()).map(width).collect();
    let line = |cells: &mut dyn Iterator<Item = String>| {
        let mut out = String::from("|");
        for (i, (cell, &w)) in cells.zip(&widths).enumerate() {
            if i == 0 {
                let _ = write!(out, " {cell:<w$} |");
            } else {
                let _ = write!(out, " {cell:>w$} |");
            }
        }
        out.push('\n');
        out
    };
    let mut out = line(&mut header.iter().map(|h| (*h).to_string()));
    out.push_str(&line(&mut widths.iter().enumerate().map(|(i, &w)| {
        if i == 0 {
            "-".repeat(w)
        } else {
            format!("{}:", "-".repeat(w - 1))
        }
    })));
    for row in rows {
        out.push_str(&line(
            &mut (0..header.len()).map(|i| row.get(i).cloned().unwrap_or_default()),
        ));
    }
    out
}

/// How the [`REFERENCE`] row compares with each other row, one line each, or `None` when no
/// row has that name.
pub(crate) fn ratios(results: &[ConfigResult]) -> Option<String> {
    let reference = results.iter().find(|r| r.name == REFERENCE)?;
    let mut out = String::new();
    for other in results.iter().filter(|r| r.name != REFERENCE) {
        let throughput = ratio(
            Some(reference.median_req_per_s()),
            Some(other.median_req_per_s()),
        );
        let p99 = ratio(reference.median_p99_ms(), other.median_p99_ms());
        let _ = writeln!(
            out,
            "{REFERENCE} vs {}: {throughput} the req/s, {p99} the P99",
            other.name
        );
    }
    Some(out)
}

/// `a / b` as `1.23×`, or `-` where either is missing or `b` is zero.
fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 && a.is_finite() => format!("{:.2}×", a / b),
        _ => "-".into(),
    }
}

/// `load.svg`: latency against percentile, one line per configuration. The x axis counts
/// nines (−log10(1 − p)), so P50, P90, P99 and P99.9 are evenly spaced.
pub(crate) fn chart(params: &Params, results: &[ConfigResult]) -> String {
    let series: Vec<Series> = results
        .iter()
        .map(|r| Series {
            name: r.name.clone(),
            points: r.curve.clone(),
        })
        .collect();
    line_chart(
        &Chart {
            title: format!(
                "latency by percentile ({} connections, {} s)",
                params.connections, params.seconds
            ),
            x_label: "percentile in nines: 0.3 = P50, 1 = P90, 2 = P99, 3 = P99.9".into(),
            y_label: "latency (ms)".into(),
            x_log2: false,
        },
        &series,
        &[],
    )
}

/// The text of `load.md`: a heading, the run's parameters, the table and the ratios.
pub(crate) fn markdown_report(params: &Params, results: &[ConfigResult]) -> String {
    let mut out = String::from("# Load over loopback\n\n");
    let _ = writeln!(
        out,
        "{} closed-loop connections for {} s after a {} s warm-up, {} run(s) of each \
         configuration, interleaved, seed {}, on {} core(s); mix: {}. Each row is the run of \
         median req/s, with the median and min–max of req/s and P99 over the runs. Latencies \
         in ms over the successful answers; CPU is the server's, per request answered. Half the requests are generate, so the overall P50 sits at the \
         edge between generate and the short endpoints and can land on either side; \
         `load.json` has every endpoint's own percentiles.\n",
        params.connections,
        params.seconds,
        params.warmup_s,
        params.repeats,
        params.seed,
        params.cores,
        params.mix
    );
    out.push_str(&table(results));
    if let Some(r) = ratios(results) {
        out.push('\n');
        out.push_str(&r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::latency::curve;

    fn params() -> Params {
        Params {
            server: "target/release/inference-server".into(),
            configs: Vec::new(),
            seconds: 10.0,
            warmup_s: 2.0,
            connections: 64,
            repeats: 1,
            seed: 42,
            mix: "50 % generate".into(),
            io_timeout_s: 10.0,
            sample_interval_ms: 100,
            cores: 2,
        }
    }

    /// A result whose latencies are `1..=n` times `scale` ms.
    fn result(name: &str, req_per_s: f64, scale: u64) -> ConfigResult {
        let us: Vec<u64> = (1..=1000).map(|i| i * scale * 1000).collect();
        ConfigResult {
            name: name.into(),
            req_per_s,
            latency: Summary::of(&us),
            endpoints: Endpoint::ALL
                .iter()
                .map(|&endpoint| EndpointResult {
                    endpoint,
                    latency: Summary::of(&us),
                })
                .collect(),
            errors: Errors {
                total: 3,
                ..Errors::default()
            },
            server: ServerUsage {
                peak_threads: Some(140),
                cpu_ms_per_request: Some(0.25),
                ..ServerUsage::default()
            },
            curve: curve(&us),
            ..ConfigResult::default()
        }
    }

    fn results() -> Vec<ConfigResult> {
        vec![
            result("shared-static", 300.0, 4),
            result("named-static", 1800.0, 1),
            result(REFERENCE, 2000.0, 1),
        ]
    }

    #[test]
    fn table_has_a_row_per_config_and_every_column() {
        let t = table(&results());
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 5, "{t}");
        for column in [
            "config",
            "req/s",
            "P50 ms",
            "P99 ms",
            "P99 generate ms",
            "P99 embed ms",
            "P99 documents ms",
            "errors",
            "peak threads",
            "CPU ms/req",
        ] {
            assert!(lines[0].contains(column), "{column}: {t}");
        }
        assert!(
            lines[1].starts_with("| ---") && lines[1].contains("-: |"),
            "{t}"
        );
        // shared-static: P50 = 500 · 4 ms, P99 = 990 · 4 ms.
        assert!(lines[2].starts_with("| shared-static "), "{t}");
        assert!(
            lines[2].contains(" 300 |") && lines[2].contains(" 2000.0 |"),
            "{t}"
        );
        assert!(
            lines[2].contains(" 3960.0 |") && lines[2].contains(" 0.250 |"),
            "{t}"
        );
        assert!(
            lines
                .iter()
                .all(|l| l.chars().count() == lines[0].chars().count())
        );
    }

    #[test]
    fn missing_values_show_as_dashes() {
        let t = table(&[ConfigResult {
            name: "empty".into(),
            ..ConfigResult::default()
        }]);
        let row = t.lines().nth(2).unwrap();
        // P50, P99, the three endpoints' P99, peak threads and CPU.
        assert_eq!(row.split('|').filter(|c| c.trim() == "-").count(), 7, "{t}");
    }

    #[test]
    fn ratios_compare_the_reference_with_each_other_row() {
        let r = ratios(&results()).unwrap();
        assert_eq!(
            r,
            "named-adaptive vs shared-static: 6.67× the req/s, 0.25× the P99\n\
             named-adaptive vs named-static: 1.11× the req/s, 1.00× the P99\n"
        );
        assert_eq!(ratios(&results()[..2]), None);
    }

    #[test]
    fn chart_draws_one_line_per_config() {
        let svg = chart(&params(), &results());
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(svg.ends_with("</svg>"));
        for name in ["shared-static", "named-static", REFERENCE] {
            assert!(svg.contains(name), "{name}");
        }
        assert_eq!(svg.matches("<polyline").count(), 3);
    }

    #[test]
    fn report_and_json_hold_everything() {
        let md = markdown_report(&params(), &results());
        assert!(md.starts_with("# Load over loopback"));
        assert!(md.contains("64 closed-loop connections for 10 s"));
        assert!(md.contains("| named-adaptive "));
        assert!(md.contains("named-adaptive vs shared-static"));
        let report = LoadReport {
            params: params(),
            results: results(),
            runs: results(),
            failures: vec![Failure {
                name: "broken".into(),
                error: "exited".into(),
            }],
        };
        let json: serde_json::Value = serde_json::to_value(&report).unwrap();
        assert_eq!(json["results"].as_array().unwrap().len(), 3);
        assert_eq!(json["results"][0]["endpoints"][0]["endpoint"], "generate");
        assert_eq!(json["results"][0]["latency"]["p99_ms"], 3960.0);
        assert_eq!(json["params"]["connections"], 64);
        assert_eq!(json["failures"][0]["name"], "broken");
    }

    #[test]
    fn ranges_are_exact_and_medians_pick_the_middle_run() {
        assert_eq!(Range::of(vec![]), None);
        assert_eq!(
            Range::of(vec![3.0, f64::NAN, 1.0, 2.0]),
            Some(Range {
                median: 2.0,
                min: 1.0,
                max: 3.0
            })
        );
        // An even count takes the lower middle.
        assert_eq!(Range::of(vec![4.0, 1.0, 3.0, 2.0]).unwrap().median, 2.0);

        let entry = |name: &str| ConfigEntry {
            name: name.into(),
            path: format!("{name}.toml"),
        };
        let mut runs = Vec::new();
        for (i, rps) in [300.0, 100.0, 200.0].into_iter().enumerate() {
            let mut r = result("a", rps, 1);
            r.repeat = i;
            r.latency.p99_ms = Some(rps / 10.0);
            runs.push(r);
        }
        runs.push(result("b", 50.0, 1));
        let medians = medians(&[entry("b"), entry("a"), entry("gone")], &runs);
        assert_eq!(medians.len(), 2, "a configuration with no run has no row");
        assert_eq!(medians[0].name, "b");
        let a = &medians[1];
        assert_eq!(
            (a.req_per_s, a.repeat),
            (200.0, 2),
            "the run of median req/s"
        );
        let spread = a.spread.as_ref().unwrap();
        assert_eq!(spread.runs, 3);
        assert_eq!(
            spread.req_per_s,
            Range {
                median: 200.0,
                min: 100.0,
                max: 300.0
            }
        );
        assert_eq!(
            spread.p99_ms,
            Range {
                median: 20.0,
                min: 10.0,
                max: 30.0
            }
        );
        let t = table(&medians);
        assert!(t.contains("req/s (min–max)"), "{t}");
        assert!(t.contains("200 (100–300)"), "{t}");
        assert!(t.contains("20.0 (10.0–30.0)"), "{t}");
    }
}
