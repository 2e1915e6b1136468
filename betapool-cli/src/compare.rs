//! `betapool compare`: a static-size sweep on one workload plus any other pools, as a table
//! and an SVG chart of throughput against pool size.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use betapool_harness::RunReport;
use betapool_harness::svg::{Chart, HLine, Series, line_chart};
use betapool_workloads::Calibration;
use serde::Serialize;

use crate::cli::CompareArgs;
use crate::config;
use crate::error::CliError;
use crate::measure::Bench;
use crate::output::{self, Row};
use crate::progress::Progress;
use crate::settings::{CompareSettings, Origin, Setting};

/// The sweep when `--sizes` is not given: powers of two from 1 to 512, the benchmark's oracle
/// sweep, wide enough to hold the best size of every named workload on a small machine.
pub(crate) const DEFAULT_SIZES: &[usize] = &[1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

/// The time cap when none is given, in seconds. The named workloads last about a second at
/// their best size; 10 s ends the sweep's smallest pools (which would take minutes on `io`)
/// while their throughput is still measured on thousands of tasks.
pub(crate) const DEFAULT_TIME_CAP_S: f64 = 10.0;

/// Where charts go unless `--out` says otherwise, relative to the current directory: under
/// `target/`, which build tools and version control already treat as disposable output.
pub(crate) const OUT_DIR: &str = "target/betapool";

/// The default chart path for `workload`.
pub(crate) fn default_out(workload: &str) -> PathBuf {
    Path::new(OUT_DIR).join(format!("compare-{workload}.svg"))
}

/// What `compare --json` prints.
#[derive(Debug, Serialize)]
struct Comparison<'a> {
    /// The workload's name.
    workload: String,
    /// Tasks per run.
    tasks: u64,
    /// The static sizes swept, in the order run.
    sizes: Vec<usize>,
    /// The static pool with the highest throughput.
    best_static: Option<String>,
    /// One report per static size, in the order of `sizes`.
    static_runs: &'a [RunReport],
    /// One report per extra pool, in the order given.
    pool_runs: &'a [RunReport],
    /// Where the chart was written.
    chart: &'a Path,
}

/// Runs the sweep and the extra pools, writes the chart, prints the table (or JSON).
pub(crate) fn main(args: CompareArgs) -> Result<(), CliError> {
    let mut settings = config::compare_settings(args)?;
    // Every self-sizing pool the harness knows runs next to the sweep, before any asked for.
    let known = betapool_harness::SELF_SIZING_POOLS.iter().map(|&spec| {
        Setting::new(
            spec.to_owned(),
            Origin::Default("the harness's self-sizing pools"),
        )
    });
    settings.pools = known.chain(settings.pools).collect();
    // Calibrated before any pool starts, so that no pool thread competes with the timing.
    let cal = Calibration::measure();
    let tasks = settings.workload.total_tasks() as u64;
    let runs = (settings.sizes.len() + settings.pools.len()) as u64;
    let progress = Progress::new(tasks.saturating_mul(runs));
    let bench = Bench {
        cal: &cal,
        common: &settings.common,
        progress: &progress,
    };
    let specs: Vec<Setting<String>> = settings
        .sizes
        .iter()
        .map(|size| Setting::new(format!("static:{}", size.value), size.origin.clone()))
        .collect();
    let static_runs = bench.measure_all(&specs, &settings.workload)?;
    let pool_runs = bench.measure_all(&settings.pools, &settings.workload)?;
    drop(progress);

    let sizes: Vec<usize> = settings.sizes.iter().map(|s| s.value).collect();
    let rows: Vec<Row<'_>> = sizes
        .iter()
        .zip(&static_runs)
        .map(|(&size, report)| Row {
            size: Some(size),
            report,
        })
        .chain(pool_runs.iter().map(|report| Row { size: None, report }))
        .collect();
    output::write_chart(&settings.out, &chart(&settings, &rows))?;

    let text = if settings.common.json {
        output::json(&Comparison {
            workload: settings.workload.name.clone(),
            tasks,
            sizes,
            best_static: output::best_static(&rows).map(|r| r.report.pool.clone()),
            static_runs: &static_runs,
            pool_runs: &pool_runs,
            chart: &settings.out,
        })?
    } else {
        render(&settings, &rows)
    };
    output::print(&text)
}

/// The text report: what ran, the table, the best static size and where the chart is.
fn render(settings: &CompareSettings, rows: &[Row<'_>]) -> String {
    let mut out = format!(
        "{}: {}; time cap {} s per run.\n\n",
        settings.workload.name,
        output::describe(&settings.workload),
        settings.common.time_cap.as_secs_f64()
    );
    out.push_str(&output::comparison_table(rows));
    out.push('\n');
    if let Some(best) = output::best_static(rows) {
        let _ = writeln!(
            out,
            "Best static size: {} threads ({:.0} tasks/s).",
            best.size.unwrap_or_default(),
            best.report.throughput
        );
    }
    let _ = writeln!(out, "Chart: {}", settings.out.display());
    out
}

/// Throughput against static size (log₂ axis), with each extra pool as a dashed line.
fn chart(settings: &CompareSettings, rows: &[Row<'_>]) -> String {
    let mut points: Vec<(f64, f64)> = rows
        .iter()
        .filter_map(|r| r.size.map(|n| (n as f64, r.report.throughput)))
        .collect();
    // The sizes may be given in any order; the line is drawn left to right.
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let series = Series {
        name: "static pools".to_owned(),
        points,
    };
    let lines: Vec<HLine> = rows
        .iter()
        .filter(|r| r.size.is_none())
        .map(|r| HLine {
            name: format!("{} (peak {})", r.report.pool, r.report.peak_threads),
            y: r.report.throughput,
        })
        .collect();
    let chart = Chart {
        title: format!(
            "{}: throughput by pool size ({} tasks)",
            settings.workload.name,
            settings.workload.total_tasks()
        ),
        x_label: "static pool size (threads, log2 scale)".to_owned(),
        y_label: "tasks/s".to_owned(),
        x_log2: true,
    };
    line_chart(&chart, &[series], &lines)
}
