//! The forms of the load's results: the markdown table of `load.md` (also printed), the ratios
//! of the adaptive setup to the others and of batching on to batching off, and `load.svg`, the
//! latency-by-percentile chart.

use std::fmt::Write as _;

use betapool_harness::svg::{Chart, Series, line_chart};

use super::latency::Endpoint;
use super::results::{ConfigResult, Params};

/// The configuration whose row the other pool set-ups are compared with, when there is one.
pub(crate) const REFERENCE: &str = "named-adaptive";

/// The batching comparison's row with the model runtime's default batching; it is compared
/// with [`BATCHING_OFF`] only, since its requests run more rows than the other rows'.
pub(crate) const BATCHING_ON: &str = "batching-adaptive";

/// The batching comparison's row with every row of the model run alone.
pub(crate) const BATCHING_OFF: &str = "batching-off";

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

/// How the [`REFERENCE`] row compares with each other row but the batching comparison's, and
/// [`BATCHING_ON`] with [`BATCHING_OFF`], one line each; `None` when there is nothing to
/// compare.
pub(crate) fn ratios(results: &[ConfigResult]) -> Option<String> {
    let find = |name: &str| results.iter().find(|r| r.name == name);
    let batching = [BATCHING_ON, BATCHING_OFF];
    let mut out = String::new();
    if let Some(reference) = find(REFERENCE) {
        let others = results
            .iter()
            .filter(|r| r.name != REFERENCE && !batching.contains(&r.name.as_str()));
        for other in others {
            out.push_str(&ratio_line(reference, other));
        }
    }
    if let (Some(on), Some(off)) = (find(BATCHING_ON), find(BATCHING_OFF)) {
        out.push_str(&ratio_line(on, off));
    }
    (!out.is_empty()).then_some(out)
}

/// `A vs B: 1.23× the req/s, 0.45× the P99`.
fn ratio_line(a: &ConfigResult, b: &ConfigResult) -> String {
    let throughput = ratio(Some(a.median_req_per_s()), Some(b.median_req_per_s()));
    let p99 = ratio(a.median_p99_ms(), b.median_p99_ms());
    format!(
        "{} vs {}: {throughput} the req/s, {p99} the P99\n",
        a.name, b.name
    )
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
         `load.json` has every endpoint's own percentiles. Every generate request runs the \
         example network through the server's model runtime: one row in the pool rows, \
         several in `{BATCHING_ON}` and `{BATCHING_OFF}` (their server flags are in \
         `load.json`), which differ only in the runtime's batching.\n",
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
mod tests;
