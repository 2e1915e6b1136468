//! `betapool demo`: three short workloads on static pools of 2 to 512 threads (plus any
//! `--pools`), a table per workload, one chart, and a line on what they show: the best static
//! size depends on the workload.

use std::fmt::Write as _;
use std::num::NonZeroUsize;
use std::path::Path;

use betapool_harness::RunReport;
use betapool_harness::svg::{Chart, Series, line_chart};
use betapool_workloads::{Calibration, Workload};
use serde::Serialize;

use crate::cli::DemoArgs;
use crate::config;
use crate::error::CliError;
use crate::measure::Bench;
use crate::output::{self, Row};
use crate::progress::Progress;
use crate::settings::{DemoSettings, Origin, Setting};

/// The pools every demo runs, in this order, before any `--pools`. Static sizes from the core
/// count of a small machine up to the hundreds, a factor of four apart: enough to show each
/// workload's best size without a full sweep. The static pools are built before the clock
/// starts (warm); `cold:static:512`, the largest of them built inside the measured window,
/// shows what starting its threads costs, which a pool that sizes itself pays as it grows
/// (the `io` line is read against it). A self-sizing pool joins by adding its spec here;
/// anything that is not `static:N` is drawn as a point at its peak thread count.
pub(crate) const DEMO_POOLS: &[&str] = &[
    "static:2",
    "static:8",
    "static:32",
    "static:128",
    "static:512",
    "cold:static:512",
    "adaptive",
];

/// One of the demo's workloads: a named workload of the workloads crate, scaled down.
#[derive(Debug, Clone, Copy)]
struct DemoWorkload {
    /// The name in `Workload::NAMES`.
    name: &'static str,
    /// Tasks per pool at scale 1.
    tasks: usize,
}

/// The demo's workloads, each scaled so that the whole demo lasts about a minute on two cores
/// (measured: about 45 s on an otherwise idle 2-core machine before the cold row, 73 s with it).
///
/// - `io` (1 ms sleeps): its best size is the largest, and its smallest pool is the demo's
///   slowest run, since 2 threads manage about 1 800 tasks/s. 30 000 tasks keep `static:2` near
///   16 s while `static:512` (about 190 000 tasks/s) still runs for a sixth of a second.
/// - `cpu` (100 µs spins): every size takes about as long, 4 s of CPU spread over 2 cores;
///   40 000 tasks make each run about 2 s.
/// - `mixed` (0.1 ms sleep then 50 µs of CPU): about 6 s at 2 threads and under 2 s once the
///   sleeps are hidden; 50 000 tasks.
const DEMO_WORKLOADS: &[DemoWorkload] = &[
    DemoWorkload {
        name: "io",
        tasks: 30_000,
    },
    DemoWorkload {
        name: "cpu",
        tasks: 40_000,
    },
    DemoWorkload {
        name: "mixed",
        tasks: 50_000,
    },
];

/// Where the chart goes unless `--out` says otherwise (in `compare::OUT_DIR`).
pub(crate) const DEFAULT_OUT: &str = "target/betapool/demo.svg";

/// The time cap when none is given, in seconds: no run of the demo takes more than about 17 s
/// on two idle cores, so 30 s only stops a run that a busy or slow machine has stretched,
/// keeping the demo within a few minutes at worst.
pub(crate) const DEFAULT_TIME_CAP_S: f64 = 30.0;

/// A static size within this share of the best counts as "close to the best" in the summary:
/// run-to-run noise on a shared machine is a few percent.
const CLOSE_TO_BEST_PERCENT: f64 = 95.0;

/// What `demo --json` prints.
#[derive(Debug, Serialize)]
struct DemoReport<'a> {
    /// Cores this process may use.
    cores: usize,
    /// The spin calibration every CPU task was converted with.
    calibration: Calibration,
    /// One entry per workload, in the order run.
    workloads: Vec<WorkloadJson<'a>>,
    /// Where the chart was written.
    chart: &'a Path,
}

/// One workload's runs, for `--json`.
#[derive(Debug, Serialize)]
struct WorkloadJson<'a> {
    /// The workload's name.
    workload: &'a str,
    /// What each task does.
    description: String,
    /// Tasks per run.
    tasks: usize,
    /// The static pool with the highest throughput.
    best_static: Option<&'a str>,
    /// One report per pool, in the order run.
    runs: &'a [RunReport],
}

/// One workload and the reports of every pool on it.
#[derive(Debug)]
struct Results {
    workload: Workload,
    runs: Vec<RunReport>,
}

impl Results {
    /// The runs as table rows, static pools with their size.
    fn rows(&self) -> Vec<Row<'_>> {
        self.runs
            .iter()
            .map(|report| Row {
                size: static_size(&report.pool),
                report,
            })
            .collect()
    }
}

/// Runs every pool on every workload, writes the chart, prints the tables (or JSON).
pub(crate) fn main(args: DemoArgs) -> Result<(), CliError> {
    let settings = config::demo_settings(args)?;
    let workloads = workloads(settings.scale)?;
    let pools: Vec<Setting<String>> = DEMO_POOLS
        .iter()
        .map(|&spec| Setting::new(spec.to_owned(), Origin::Default("the demo's pool list")))
        .chain(settings.pools.iter().cloned())
        .collect();

    // Calibrated before any pool starts, so that no pool thread competes with the timing.
    let cal = Calibration::measure();
    let total: u64 = workloads
        .iter()
        .map(|w| (w.total_tasks() * pools.len()) as u64)
        .sum();
    let progress = Progress::new(total);
    let bench = Bench {
        cal: &cal,
        common: &settings.common,
        progress: &progress,
    };
    let mut results = Vec::with_capacity(workloads.len());
    for workload in workloads {
        let runs = bench.measure_all(&pools, &workload)?;
        results.push(Results { workload, runs });
    }
    drop(progress);

    output::write_chart(&settings.out, &chart(&results))?;
    let text = if settings.common.json {
        output::json(&DemoReport {
            cores: cores(),
            calibration: cal,
            workloads: results
                .iter()
                .map(|r| WorkloadJson {
                    workload: &r.workload.name,
                    description: output::describe(&r.workload),
                    tasks: r.workload.total_tasks(),
                    best_static: output::best_static(&r.rows()).map(|b| b.report.pool.as_str()),
                    runs: &r.runs,
                })
                .collect(),
            chart: &settings.out,
        })?
    } else {
        render(&settings, &results)
    };
    output::print(&text)
}

/// The demo's workloads at `scale` (at least one task each).
fn workloads(scale: f64) -> Result<Vec<Workload>, CliError> {
    DEMO_WORKLOADS
        .iter()
        .map(|w| {
            let workload = Workload::named(w.name).map_err(|e| {
                CliError::setting(Origin::Default("the demo's workload list"), e.to_string())
            })?;
            // A float-to-int `as` saturates; the scale is bounded far below any overflow.
            let tasks = ((w.tasks as f64 * scale).round() as usize).max(1);
            Ok(workload.with_tasks(tasks))
        })
        .collect()
}

/// The size of a static pool from its report name: the harness names its static pools
/// `static:N` (`StaticExecutor::name`). Any other pool sizes itself.
fn static_size(pool: &str) -> Option<usize> {
    pool.strip_prefix("static:")?.trim().parse().ok()
}

/// Cores this process may use (affinity and cgroup quotas included).
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

/// The text report: a header, a table per workload, the chart's path and the summary.
fn render(settings: &DemoSettings, results: &[Results]) -> String {
    let names: Vec<&str> = results.iter().map(|r| r.workload.name.as_str()).collect();
    let mut out = format!(
        "betapool demo: {} on {} pools, {} core(s).\n",
        names.join(", "),
        results.first().map_or(0, |r| r.runs.len()),
        cores()
    );
    for r in results {
        let _ = writeln!(
            out,
            "\n{}: {}",
            r.workload.name,
            output::describe(&r.workload)
        );
        out.push_str(&output::comparison_table(&r.rows()));
    }
    let _ = writeln!(
        out,
        "\nChart: {} (throughput as % of each workload's best static size)",
        settings.out.display()
    );
    out.push_str(&summary(results));
    out
}

/// Each workload's static throughput by size, as a percentage of its best.
#[derive(Debug, Clone, PartialEq)]
struct Profile {
    workload: String,
    /// The best static size.
    best: usize,
    /// Its throughput, in tasks per second.
    top: f64,
    /// `(size, percent of best)` for each static size, in the order run.
    percent: Vec<(usize, f64)>,
}

impl Profile {
    /// The fewest threads within [`CLOSE_TO_BEST_PERCENT`] of the best: the size this workload
    /// needs. Where every size does about as well (`cpu` on a quiet machine), the top one is
    /// chance, and the smallest size that is close says more.
    fn enough(&self) -> usize {
        self.percent
            .iter()
            .filter(|&&(_, percent)| percent >= CLOSE_TO_BEST_PERCENT)
            .map(|&(size, _)| size)
            .min()
            .unwrap_or(self.best)
    }
}

/// The profile of one workload's runs; `None` when no static pool ran or none completed work.
fn profile(results: &Results) -> Option<Profile> {
    let rows = results.rows();
    let best = output::best_static(&rows)?;
    let top = best.report.throughput;
    if top <= 0.0 {
        return None;
    }
    Some(Profile {
        workload: results.workload.name.clone(),
        best: best.size?,
        top,
        percent: rows
            .iter()
            .filter_map(|r| r.size.map(|n| (n, 100.0 * r.report.throughput / top)))
            .collect(),
    })
}

/// One or two lines on what the tables show: where each workload's best static size is, and
/// how far the best single size falls short somewhere.
fn summary(results: &[Results]) -> String {
    let profiles: Vec<Profile> = results.iter().filter_map(profile).collect();
    let mut out = summarise(&profiles);
    out.push_str(&cold_line(results));
    out
}

/// One line on what building a pool inside the run costs: each cold pool's throughput as a
/// percentage of the same pool built before the clock started, per workload. Empty when no
/// cold pool ran beside its warm twin.
fn cold_line(results: &[Results]) -> String {
    let mut pool = None;
    let mut parts = Vec::new();
    for r in results {
        for cold in &r.runs {
            let (spec, true) = betapool_harness::split_cold(&cold.pool) else {
                continue;
            };
            let Some(warm) = r.runs.iter().find(|w| w.pool == spec) else {
                continue;
            };
            if warm.throughput > 0.0 {
                pool.get_or_insert(spec);
                parts.push(format!(
                    "{:.0}% on {}",
                    100.0 * cold.throughput / warm.throughput,
                    r.workload.name
                ));
            }
        }
    }
    match pool {
        Some(spec) => format!(
            "Built inside the run (cold), {spec} reached {} of its throughput when built \
             before (warm): starting threads is part of what a pool made for a burst pays.\n",
            parts.join(", ")
        ),
        None => String::new(),
    }
}

/// The summary of `profiles` (split from [`summary`] so it can be tested on made-up numbers).
fn summarise(profiles: &[Profile]) -> String {
    let Some(first) = profiles.first() else {
        return String::new();
    };
    let close = 100.0 - CLOSE_TO_BEST_PERCENT;
    if profiles.iter().all(|p| p.enough() == first.enough()) {
        // One size is close to the best everywhere: that is the whole story.
        return format!(
            "Here {} threads were enough for every workload (within {close:.0}% of its best \
             static size).\n",
            first.enough()
        );
    }
    let sizes: Vec<String> = profiles
        .iter()
        .enumerate()
        // "512 threads for io, 2 for cpu": the unit once, on the first.
        .map(|(i, p)| {
            let unit = if i == 0 { " threads" } else { "" };
            format!("{}{unit} for {}", p.enough(), p.workload)
        })
        .collect();
    let mut out = format!(
        "The best static size differs per workload: {} (the fewest threads within {close:.0}% \
         of each one's best).\n",
        sizes.join(", ")
    );
    // The size whose worst showing over the workloads is the best: the one a user would pick
    // if they had to choose a single size for all of them.
    let all_round = first
        .percent
        .iter()
        .map(|&(size, _)| {
            let worst = profiles
                .iter()
                .map(|p| {
                    let percent = p.percent.iter().find(|(n, _)| *n == size).map(|q| q.1);
                    (percent.unwrap_or(0.0), p.workload.as_str())
                })
                .min_by(|a, b| a.0.total_cmp(&b.0));
            (size, worst)
        })
        .filter_map(|(size, worst)| worst.map(|(percent, w)| (size, percent, w)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    if let Some((size, percent, workload)) = all_round {
        if percent >= CLOSE_TO_BEST_PERCENT {
            let _ = writeln!(
                out,
                "{size} threads reached at least {percent:.0}% of the best on every workload."
            );
        } else {
            let _ = writeln!(
                out,
                "No one size fits all: the best all-round choice, {size} threads, reaches only \
                 {percent:.0}% of the best on {workload}."
            );
        }
    }
    out
}

/// One line per workload: throughput as a percentage of its best static size, against size on
/// a log₂ axis; every other pool is a point at its peak thread count.
fn chart(results: &[Results]) -> String {
    let mut series = Vec::new();
    let mut points = Vec::new();
    for r in results {
        let Some(profile) = profile(r) else {
            continue;
        };
        let mut line: Vec<(f64, f64)> = profile
            .percent
            .iter()
            .map(|&(n, percent)| (n as f64, percent))
            .collect();
        line.sort_by(|a, b| a.0.total_cmp(&b.0));
        series.push(Series {
            // Its best size is where the line reaches 100%; the summary's sizes come from the
            // tables, so the legend does not repeat (or contradict) them.
            name: r.workload.name.clone(),
            points: line,
        });
        for run in r.runs.iter().filter(|run| static_size(&run.pool).is_none()) {
            // A pool that sizes itself has no fixed size: it is placed at the most threads it
            // used (at least one, since the axis is logarithmic).
            let x = run.peak_threads.max(1) as f64;
            points.push(Series {
                name: format!("{} on {}", run.pool, r.workload.name),
                points: vec![(x, 100.0 * run.throughput / profile.top)],
            });
        }
    }
    series.extend(points);
    let chart = Chart {
        title: "betapool demo: throughput by static pool size, per workload".to_owned(),
        x_label: "static pool size in threads (log2 scale); other pools at their peak".to_owned(),
        y_label: "% of the workload's best static size".to_owned(),
        x_log2: true,
    };
    line_chart(&chart, &series, &[])
}

#[cfg(test)]
mod tests;
