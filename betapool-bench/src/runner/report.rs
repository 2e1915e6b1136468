//! Aggregates the runs of one `cargo xtask bench` into `results.json`, `summary.md` and SVGs.
//!
//! Every figure is a median over the repeats of one configuration, shown with its min–max.
//! Self-sizing pools are reported as a fraction of the best static pool size measured in the
//! same run (the oracle), per workload, never as an average across workloads; where the run has
//! cold static rows (`cold:static:N`, the pool built inside the measured window), also as a
//! fraction of the best of those. Workloads whose phases come after idle pauses get a table
//! per burst (`bursts.rs`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use betapool_harness::RunReport;
use betapool_harness::svg::{Chart, HLine, Series, line_chart};
use serde::{Deserialize, Serialize};

use betapool_harness::COLD_PREFIX;

mod bursts;

/// The options of `betapool-bench report`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ReportArgs {
    /// The runs, one JSON object per line (as `cargo xtask bench` collects them).
    #[arg(long)]
    pub(crate) runs: PathBuf,
    /// Where to write the files.
    #[arg(long)]
    pub(crate) out: PathBuf,
}

/// Runs `betapool-bench report`: aggregates the runs into `results.json`, `summary.md` and
/// one SVG chart per workload.
pub(crate) fn run(args: &ReportArgs) -> Result<()> {
    write(&args.runs, &args.out)
}

/// What `cargo xtask bench` records about the run as a whole (`meta.json` beside the runs).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Meta {
    /// The command that produced the runs.
    pub(crate) command: String,
    /// Cores the processes could use.
    pub(crate) cores: usize,
    /// Spin iterations per µs shared by every process.
    pub(crate) calibration: f64,
    /// Repeats of each configuration.
    pub(crate) repeats: usize,
    /// Seconds after which a run's remaining tasks skipped their work.
    pub(crate) time_cap_s: f64,
}

/// One configuration's repeats, summarised.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Aggregate {
    pub(crate) workload: String,
    pub(crate) pool: String,
    /// `Some(N)` for `static:N` (built before the clock started: warm).
    pub(crate) static_size: Option<usize>,
    /// `Some(N)` for `cold:static:N` (built inside the measured window).
    #[serde(default)]
    pub(crate) cold_static_size: Option<usize>,
    pub(crate) runs: usize,
    pub(crate) throughput: Stat,
    /// Nanoseconds per task (1e9 / tasks/s) over the repeats: the pool's cost per task when
    /// the tasks themselves are tiny.
    pub(crate) ns_per_task: Stat,
    pub(crate) p50_latency_s: Stat,
    pub(crate) p99_latency_s: Stat,
    pub(crate) peak_threads: Stat,
    pub(crate) cpu_seconds: Stat,
    pub(crate) elapsed_s: Stat,
    /// Runs that hit the time cap (their throughput counts only the tasks done by then).
    pub(crate) capped_runs: usize,
    /// Median throughput over the best static pool's, in the same workload.
    pub(crate) fraction_of_best_static: Option<f64>,
    /// Median throughput over the best cold static pool's, in the same workload (when it has
    /// cold rows).
    pub(crate) fraction_of_best_cold: Option<f64>,
    /// Each phase's throughput over the repeats, in order.
    pub(crate) phases: Vec<PhaseAggregate>,
}

/// One phase of one configuration, over its repeats.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PhaseAggregate {
    pub(crate) name: String,
    /// The phase's completed tasks per second of its own elapsed time.
    pub(crate) throughput: Stat,
}

impl Aggregate {
    /// Whether the pool is a static one, warm or cold (the oracles, not a pool under test).
    pub(crate) fn is_static(&self) -> bool {
        self.static_size.is_some() || self.cold_static_size.is_some()
    }
}

/// Median, min and max of one figure over the repeats.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub(crate) struct Stat {
    pub(crate) median: f64,
    pub(crate) min: f64,
    pub(crate) max: f64,
}

impl Stat {
    pub(crate) fn of(values: impl IntoIterator<Item = f64>) -> Stat {
        let mut v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return Stat {
                median: f64::NAN,
                min: f64::NAN,
                max: f64::NAN,
            };
        }
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        Stat {
            median,
            min: v[0],
            max: v[n - 1],
        }
    }
}

/// The whole result file.
#[derive(Debug, Serialize)]
struct Results<'a> {
    meta: &'a Meta,
    aggregates: &'a [Aggregate],
    runs: &'a [RunReport],
}

/// Reads `runs` (one `RunReport` per line) and `meta.json` beside it, writes the reports to `out`.
fn write(runs_path: &Path, out: &Path) -> Result<()> {
    let text = fs::read_to_string(runs_path)
        .with_context(|| format!("reading {}", runs_path.display()))?;
    let mut runs = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let run: RunReport = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a run report", runs_path.display(), i + 1))?;
        runs.push(run);
    }
    let meta_path = runs_path.with_file_name("meta.json");
    let meta: Meta = match fs::read_to_string(&meta_path) {
        Ok(t) => {
            serde_json::from_str(&t).with_context(|| format!("parsing {}", meta_path.display()))?
        }
        Err(_) => Meta::default(),
    };
    let aggregates = aggregate(&runs);
    fs::create_dir_all(out)?;
    let results = Results {
        meta: &meta,
        aggregates: &aggregates,
        runs: &runs,
    };
    fs::write(
        out.join("results.json"),
        serde_json::to_string_pretty(&results)?,
    )?;
    fs::write(out.join("summary.md"), summary(&meta, &aggregates))?;
    for (workload, rows) in by_workload(&aggregates) {
        let svg = chart(workload, &rows);
        fs::write(out.join(format!("{workload}.svg")), svg)?;
    }
    Ok(())
}

/// Groups runs by (workload, pool), keeping the order in which configurations first appear.
fn aggregate(runs: &[RunReport]) -> Vec<Aggregate> {
    let mut order: Vec<(String, String)> = Vec::new();
    let mut groups: BTreeMap<(String, String), Vec<&RunReport>> = BTreeMap::new();
    for r in runs {
        let key = (r.workload.clone(), r.pool.clone());
        if !groups.contains_key(&key) {
            order.push(key.clone());
        }
        groups.entry(key).or_default().push(r);
    }
    let mut out: Vec<Aggregate> = order
        .into_iter()
        .map(|key| {
            let rs = &groups[&key];
            let phase_count = rs.iter().map(|r| r.phases.len()).max().unwrap_or(0);
            let phases = (0..phase_count)
                .map(|i| PhaseAggregate {
                    name: rs
                        .iter()
                        .find_map(|r| r.phases.get(i))
                        .map_or_else(String::new, |p| p.name.clone()),
                    throughput: Stat::of(
                        rs.iter()
                            .filter_map(|r| r.phases.get(i))
                            .map(|p| p.throughput),
                    ),
                })
                .collect();
            let cold_static_size = key.1.strip_prefix(COLD_PREFIX).and_then(static_size);
            Aggregate {
                static_size: static_size(&key.1),
                cold_static_size,
                workload: key.0,
                pool: key.1,
                runs: rs.len(),
                throughput: Stat::of(rs.iter().map(|r| r.throughput)),
                ns_per_task: Stat::of(
                    rs.iter()
                        .filter(|r| r.throughput > 0.0)
                        .map(|r| 1e9 / r.throughput),
                ),
                p50_latency_s: Stat::of(rs.iter().map(|r| r.p50_latency_s)),
                p99_latency_s: Stat::of(rs.iter().map(|r| r.p99_latency_s)),
                peak_threads: Stat::of(rs.iter().map(|r| r.peak_threads as f64)),
                cpu_seconds: Stat::of(rs.iter().map(|r| r.cpu_seconds)),
                elapsed_s: Stat::of(rs.iter().map(|r| r.elapsed_s)),
                capped_runs: rs.iter().filter(|r| r.capped).count(),
                fraction_of_best_static: None,
                fraction_of_best_cold: None,
                phases,
            }
        })
        .collect();
    // The oracles: the best median throughput over the static sizes of each workload, warm
    // and cold apart.
    let mut best: BTreeMap<String, f64> = BTreeMap::new();
    let mut best_cold: BTreeMap<String, f64> = BTreeMap::new();
    for a in &out {
        let table = match (a.static_size, a.cold_static_size) {
            (Some(_), _) => &mut best,
            (None, Some(_)) => &mut best_cold,
            (None, None) => continue,
        };
        let b = table.entry(a.workload.clone()).or_insert(0.0);
        *b = b.max(a.throughput.median);
    }
    for a in &mut out {
        if let Some(b) = best.get(&a.workload).filter(|b| **b > 0.0) {
            a.fraction_of_best_static = Some(a.throughput.median / b);
        }
        if let Some(b) = best_cold.get(&a.workload).filter(|b| **b > 0.0) {
            a.fraction_of_best_cold = Some(a.throughput.median / b);
        }
    }
    out
}

/// `Some(N)` for `static:N`.
fn static_size(pool: &str) -> Option<usize> {
    pool.strip_prefix("static:").and_then(|n| n.parse().ok())
}

fn by_workload(aggregates: &[Aggregate]) -> Vec<(&str, Vec<&Aggregate>)> {
    let mut out: Vec<(&str, Vec<&Aggregate>)> = Vec::new();
    for a in aggregates {
        match out.iter_mut().find(|(w, _)| *w == a.workload) {
            Some((_, rows)) => rows.push(a),
            None => out.push((&a.workload, vec![a])),
        }
    }
    for (_, rows) in &mut out {
        // Warm static sizes first, in order of N; then the cold ones; then the self-sizing
        // pools in order of appearance (the sort is stable).
        rows.sort_by_key(|a| match (a.static_size, a.cold_static_size) {
            (Some(n), _) => (0, n),
            (None, Some(n)) => (1, n),
            (None, None) => (2, 0),
        });
    }
    out
}

fn best_static<'a>(rows: &[&'a Aggregate]) -> Option<&'a Aggregate> {
    rows.iter()
        .filter(|a| a.static_size.is_some())
        .max_by(|a, b| a.throughput.median.total_cmp(&b.throughput.median))
        .copied()
}

fn best_cold_static<'a>(rows: &[&'a Aggregate]) -> Option<&'a Aggregate> {
    rows.iter()
        .filter(|a| a.cold_static_size.is_some())
        .max_by(|a, b| a.throughput.median.total_cmp(&b.throughput.median))
        .copied()
}

/// A fraction as a whole percentage, or a dash.
fn percent(fraction: Option<f64>) -> String {
    fraction.map_or("–".into(), |f| format!("{:.0} %", f * 100.0))
}

fn summary(meta: &Meta, aggregates: &[Aggregate]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Benchmark summary\n");
    let _ = writeln!(
        s,
        "`{}` on {} core(s); spin calibration {:.1} iterations/µs; {} repeat(s) per \
         configuration, each in its own process, interleaved; medians with min–max. Runs \
         still going after {:.0} s of work stop doing work (marked *capped*; their throughput \
         counts the tasks done by then).\n",
        meta.command, meta.cores, meta.calibration, meta.repeats, meta.time_cap_s
    );
    let workloads = by_workload(aggregates);
    // Overview: one line per workload; a column per pool under test, in order of appearance.
    let mut peers: Vec<&str> = Vec::new();
    for a in aggregates.iter().filter(|a| !a.is_static()) {
        if !peers.contains(&a.pool.as_str()) {
            peers.push(&a.pool);
        }
    }
    let _ = write!(
        s,
        "| workload | best static N | its tasks/s | best cold static N | its tasks/s |"
    );
    for p in &peers {
        let _ = write!(s, " {p} |");
    }
    let _ = writeln!(s);
    let _ = write!(s, "|---|---:|---:|---:|---:|");
    for _ in &peers {
        let _ = write!(s, "---:|");
    }
    let _ = writeln!(s);
    for (workload, rows) in &workloads {
        let Some(best) = best_static(rows) else {
            continue;
        };
        let cold = best_cold_static(rows).map_or("– | –".into(), |c| {
            format!(
                "{} | {:.0}",
                c.cold_static_size.unwrap_or(0),
                c.throughput.median
            )
        });
        let _ = write!(
            s,
            "| {workload} | {} | {:.0} | {cold} |",
            best.static_size.unwrap_or(0),
            best.throughput.median
        );
        for p in &peers {
            let cell = match rows.iter().find(|a| a.pool == *p) {
                Some(a) if a.fraction_of_best_cold.is_some() => format!(
                    "{} / {}",
                    percent(a.fraction_of_best_static),
                    percent(a.fraction_of_best_cold)
                ),
                Some(a) => percent(a.fraction_of_best_static),
                None => "–".into(),
            };
            let _ = write!(s, " {cell} |");
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(
        s,
        "\nPool columns: median throughput as a fraction of the best static size (built before \
         the clock started: warm); where the workload has cold rows, then of the best cold \
         static size (built inside the measured window, so its thread starts count).\n"
    );
    for (workload, rows) in &workloads {
        section(&mut s, workload, rows, aggregates);
    }
    s
}

/// One workload's section: its oracles, its table and, for workloads with idle pauses, the
/// table per burst.
fn section(s: &mut String, workload: &str, rows: &[&Aggregate], all: &[Aggregate]) {
    let _ = writeln!(s, "## {workload}\n");
    let best = best_static(rows);
    let cold = best_cold_static(rows);
    if let Some(best) = best {
        let _ = writeln!(
            s,
            "Best static size: N = {} at {:.0} tasks/s. Chart: `{workload}.svg`.\n",
            best.static_size.unwrap_or(0),
            best.throughput.median
        );
    }
    if let Some(cold) = cold {
        let _ = writeln!(
            s,
            "Best cold static size (the pool built inside the measured window): N = {} at \
             {:.0} tasks/s, {} of the best warm one: the difference is what starting threads \
             costs here.\n",
            cold.cold_static_size.unwrap_or(0),
            cold.throughput.median,
            percent(cold.fraction_of_best_static)
        );
    }
    let with_cold = cold.is_some();
    let _ = write!(
        s,
        "| pool | tasks/s (median) | min–max | ns/task (min–max) | × best static |"
    );
    if with_cold {
        let _ = write!(s, " × best cold |");
    }
    let _ = writeln!(s, " P50 ms | P99 ms | peak threads | CPU s | runs |");
    let _ = write!(s, "|---|---:|---:|---:|---:|");
    if with_cold {
        let _ = write!(s, "---:|");
    }
    let _ = writeln!(s, "---:|---:|---:|---:|---|");
    for a in rows {
        let capped = if a.capped_runs > 0 {
            format!("{} ({} capped)", a.runs, a.capped_runs)
        } else {
            a.runs.to_string()
        };
        let _ = write!(
            s,
            "| {} | {:.0} | {:.0}–{:.0} | {:.0} ({:.0}–{:.0}) | {} |",
            a.pool,
            a.throughput.median,
            a.throughput.min,
            a.throughput.max,
            a.ns_per_task.median,
            a.ns_per_task.min,
            a.ns_per_task.max,
            percent(a.fraction_of_best_static),
        );
        if with_cold {
            let _ = write!(s, " {} |", percent(a.fraction_of_best_cold));
        }
        let _ = writeln!(
            s,
            " {:.2} | {:.2} | {:.0} | {:.2} | {capped} |",
            a.p50_latency_s.median * 1e3,
            a.p99_latency_s.median * 1e3,
            a.peak_threads.max,
            a.cpu_seconds.median,
        );
    }
    let _ = writeln!(s);
    if let Some(table) = bursts::section(workload, rows, all) {
        s.push_str(&table);
    }
}

fn chart(workload: &str, rows: &[&Aggregate]) -> String {
    let sweep = Series {
        name: "static pool (median)".into(),
        points: rows
            .iter()
            .filter_map(|a| a.static_size.map(|n| (n as f64, a.throughput.median)))
            .collect(),
    };
    let cold = Series {
        name: "cold static pool (median)".into(),
        points: rows
            .iter()
            .filter_map(|a| a.cold_static_size.map(|n| (n as f64, a.throughput.median)))
            .collect(),
    };
    let lines: Vec<HLine> = rows
        .iter()
        .filter(|a| !a.is_static())
        .map(|a| HLine {
            name: a.pool.clone(),
            y: a.throughput.median,
        })
        .collect();
    let chart = Chart {
        title: format!("{workload}: throughput against static pool size"),
        x_label: "static pool size N (threads)".into(),
        y_label: "tasks/s".into(),
        x_log2: true,
    };
    if cold.points.is_empty() {
        line_chart(&chart, &[sweep], &lines)
    } else {
        line_chart(&chart, &[sweep, cold], &lines)
    }
}

#[cfg(test)]
mod tests;
