//! What the subcommands print and write: one run's metrics in the seed's `Label: value` style,
//! comparison tables (through the harness's table renderer), JSON, and chart files.

use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::time::Duration;

use betapool_harness::{RunReport, table};
use betapool_workloads::{TaskSpec, Workload};
use serde::Serialize;

use crate::error::CliError;

/// Milliseconds per second, for latencies shown in ms.
const MS_PER_S: f64 = 1e3;

/// Writes `text` to stdout and flushes, so that a closed pipe is seen here as an error.
pub(crate) fn print(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(CliError::stdout)
}

/// `value` as pretty JSON, ending in a newline.
pub(crate) fn json<T: Serialize>(value: &T) -> Result<String, CliError> {
    let mut text = serde_json::to_string_pretty(value).map_err(CliError::json)?;
    text.push('\n');
    Ok(text)
}

/// Writes `svg` to `path`, creating its directory first.
pub(crate) fn write_chart(path: &Path, svg: &str) -> Result<(), CliError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(|e| CliError::write_chart(path.to_owned(), e))?;
    }
    fs::write(path, svg).map_err(|e| CliError::write_chart(path.to_owned(), e))
}

/// One run's metrics, one `Label: value` line each as the seed prints them, then one line per
/// phase when there are several.
pub(crate) fn run_summary(workload: &Workload, report: &RunReport) -> String {
    let mut out = String::new();
    // `write!` into a `String` cannot fail.
    let _ = writeln!(out, "Pool: {}", report.pool);
    let _ = writeln!(
        out,
        "Workload: {} ({})",
        report.workload,
        describe(workload)
    );
    let _ = writeln!(out, "Tasks: {}", report.tasks);
    let _ = writeln!(out, "Completed: {}", report.completed);
    let _ = writeln!(out, "Skipped: {}", report.skipped);
    let _ = writeln!(out, "Elapsed: {:.3} s", report.elapsed_s);
    let _ = writeln!(out, "Throughput: {:.1} tasks/sec", report.throughput);
    let _ = writeln!(out, "P50 latency: {} ms", ms(report.p50_latency_s));
    let _ = writeln!(out, "P99 latency: {} ms", ms(report.p99_latency_s));
    let _ = writeln!(out, "Peak threads: {}", report.peak_threads);
    let _ = writeln!(out, "CPU seconds: {:.2}", report.cpu_seconds);
    if report.phases.len() > 1 {
        for (i, phase) in report.phases.iter().enumerate() {
            let _ = writeln!(
                out,
                "Phase {} ({}): {} tasks in {:.3} s, {:.1} tasks/sec",
                i + 1,
                phase.name,
                phase.tasks,
                phase.elapsed_s,
                phase.throughput
            );
        }
    }
    out.push_str(&capped_notes(std::slice::from_ref(report)));
    out
}

/// One run in a comparison: its report, and its static size if it is a static pool.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row<'a> {
    /// The pool's size when fixed; `None` for a pool that sizes itself.
    pub(crate) size: Option<usize>,
    /// What the run measured.
    pub(crate) report: &'a RunReport,
}

/// The highest throughput among the static rows, if any ran.
pub(crate) fn best_static<'a>(rows: &[Row<'a>]) -> Option<Row<'a>> {
    rows.iter()
        .filter(|r| r.size.is_some())
        .max_by(|a, b| a.report.throughput.total_cmp(&b.report.throughput))
        .copied()
}

/// The comparison table: one line per run, with its throughput over the best static one's.
pub(crate) fn comparison_table(rows: &[Row<'_>]) -> String {
    let best = best_static(rows)
        .map(|r| r.report.throughput)
        .filter(|&t| t > 0.0);
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let r = row.report;
            vec![
                r.pool.clone(),
                row.size.map_or_else(|| "-".to_owned(), |n| n.to_string()),
                format!("{:.0}", r.throughput),
                best.map_or_else(|| "-".to_owned(), |b| format!("{:.2}×", r.throughput / b)),
                ms(r.p50_latency_s),
                ms(r.p99_latency_s),
                r.peak_threads.to_string(),
                format!("{:.2}", r.cpu_seconds),
            ]
        })
        .collect();
    let mut out = table::render(
        &[
            "pool",
            "threads",
            "tasks/s",
            "× best static",
            "P50 ms",
            "P99 ms",
            "peak threads",
            "CPU s",
        ],
        &cells,
    );
    let reports: Vec<RunReport> = rows.iter().map(|r| r.report.clone()).collect();
    out.push_str(&capped_notes(&reports));
    out
}

/// One line per run that the time cap cut short, saying how much it skipped.
pub(crate) fn capped_notes(reports: &[RunReport]) -> String {
    let mut out = String::new();
    for r in reports.iter().filter(|r| r.capped) {
        let _ = writeln!(
            out,
            "{} hit the time cap: {} of {} tasks skipped their work; its tasks/s counts the {} completed.",
            r.pool, r.skipped, r.tasks, r.completed
        );
    }
    out
}

/// The workload in a few words: its task count and what each task does, its phases if it has
/// several, and its arrival process if any.
pub(crate) fn describe(workload: &Workload) -> String {
    let mut out = match workload.phases.as_slice() {
        [phase] => format!("{} tasks, each {}", phase.tasks, task(&phase.spec)),
        phases => {
            let parts: Vec<String> = phases
                .iter()
                .map(|p| format!("{} × {}", p.tasks, task(&p.spec)))
                .collect();
            format!("phases: {}", parts.join(", then "))
        }
    };
    if let Some(arrival) = &workload.arrival {
        let _ = write!(out, ", arriving {arrival}");
    }
    out
}

/// What one task does, in words.
fn task(spec: &TaskSpec) -> String {
    match spec {
        TaskSpec::Io { sleep } => format!("a {} sleep", duration(*sleep)),
        TaskSpec::Cpu { work } => format!("{} of CPU", duration(*work)),
        TaskSpec::Mixed { sleep, work } => {
            format!(
                "a {} sleep then {} of CPU",
                duration(*sleep),
                duration(*work)
            )
        }
        other => format!("a {} task", other.kind()),
    }
}

/// A short duration in the unit that reads best (`1 ms`, `100 µs`).
fn duration(d: Duration) -> String {
    let micros = d.as_secs_f64() * 1e6;
    if micros >= 1e3 {
        format!("{} ms", micros / 1e3)
    } else {
        format!("{micros} µs")
    }
}

/// Seconds as milliseconds with two decimals.
pub(crate) fn ms(seconds: f64) -> String {
    format!("{:.2}", seconds * MS_PER_S)
}

/// The tests, and a made-up report the demo's tests share.
#[cfg(test)]
pub(crate) mod tests;
