//! Aggregates the runs of one `cargo xtask bench` into `results.json`, `summary.md` and SVGs.
//!
//! Every figure is a median over the repeats of one configuration, shown with its min–max.
//! Self-sizing pools are reported as a fraction of the best static pool size measured in the
//! same run (the oracle), per workload, never as an average across workloads.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use betapool_harness::RunReport;
use betapool_harness::svg::{Chart, HLine, Series, line_chart};
use serde::{Deserialize, Serialize};

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
    /// `Some(N)` for `static:N`.
    pub(crate) static_size: Option<usize>,
    pub(crate) runs: usize,
    pub(crate) throughput: Stat,
    pub(crate) p50_latency_s: Stat,
    pub(crate) p99_latency_s: Stat,
    pub(crate) peak_threads: Stat,
    pub(crate) cpu_seconds: Stat,
    pub(crate) elapsed_s: Stat,
    /// Runs that hit the time cap (their throughput counts only the tasks done by then).
    pub(crate) capped_runs: usize,
    /// Median throughput over the best static pool's, in the same workload.
    pub(crate) fraction_of_best_static: Option<f64>,
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
            Aggregate {
                static_size: key.1.strip_prefix("static:").and_then(|n| n.parse().ok()),
                workload: key.0,
                pool: key.1,
                runs: rs.len(),
                throughput: Stat::of(rs.iter().map(|r| r.throughput)),
                p50_latency_s: Stat::of(rs.iter().map(|r| r.p50_latency_s)),
                p99_latency_s: Stat::of(rs.iter().map(|r| r.p99_latency_s)),
                peak_threads: Stat::of(rs.iter().map(|r| r.peak_threads as f64)),
                cpu_seconds: Stat::of(rs.iter().map(|r| r.cpu_seconds)),
                elapsed_s: Stat::of(rs.iter().map(|r| r.elapsed_s)),
                capped_runs: rs.iter().filter(|r| r.capped).count(),
                fraction_of_best_static: None,
            }
        })
        .collect();
    // The oracle: the best median throughput over the static sizes of each workload.
    let mut best: BTreeMap<String, f64> = BTreeMap::new();
    for a in out.iter().filter(|a| a.static_size.is_some()) {
        let b = best.entry(a.workload.clone()).or_insert(0.0);
        *b = b.max(a.throughput.median);
    }
    for a in &mut out {
        if let Some(b) = best.get(&a.workload).filter(|b| **b > 0.0) {
            a.fraction_of_best_static = Some(a.throughput.median / b);
        }
    }
    out
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
        // Static sizes first, in order of N; then the self-sizing pools in order of appearance.
        rows.sort_by_key(|a| (a.static_size.is_none(), a.static_size.unwrap_or(0)));
    }
    out
}

fn best_static<'a>(rows: &[&'a Aggregate]) -> Option<&'a Aggregate> {
    rows.iter()
        .filter(|a| a.static_size.is_some())
        .max_by(|a, b| a.throughput.median.total_cmp(&b.throughput.median))
        .copied()
}

fn summary(meta: &Meta, aggregates: &[Aggregate]) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Benchmark summary\n");
    let _ = writeln!(
        s,
        "`{}` on {} core(s); spin calibration {:.1} iterations/µs; {} repeat(s) per \
         configuration, each in its own process, interleaved; medians with min–max. Runs \
         still going after {:.0} s stop doing work (marked *capped*; their throughput counts \
         the tasks done by then).\n",
        meta.command, meta.cores, meta.calibration, meta.repeats, meta.time_cap_s
    );
    let workloads = by_workload(aggregates);
    // Overview: one line per workload.
    let peers: Vec<&str> = {
        let mut p: Vec<&str> = aggregates
            .iter()
            .filter(|a| a.static_size.is_none())
            .map(|a| a.pool.as_str())
            .collect();
        p.dedup();
        let mut seen = Vec::new();
        p.retain(|x| {
            let new = !seen.contains(x);
            seen.push(*x);
            new
        });
        p
    };
    let _ = write!(s, "| workload | best static N | its tasks/s |");
    for p in &peers {
        let _ = write!(s, " {p} |");
    }
    let _ = writeln!(s);
    let _ = write!(s, "|---|---:|---:|");
    for _ in &peers {
        let _ = write!(s, "---:|");
    }
    let _ = writeln!(s);
    for (workload, rows) in &workloads {
        let Some(best) = best_static(rows) else {
            continue;
        };
        let _ = write!(
            s,
            "| {workload} | {} | {:.0} |",
            best.static_size.unwrap_or(0),
            best.throughput.median
        );
        for p in &peers {
            match rows
                .iter()
                .find(|a| a.pool == *p)
                .and_then(|a| a.fraction_of_best_static)
            {
                Some(f) => {
                    let _ = write!(s, " {:.0} % |", f * 100.0);
                }
                None => {
                    let _ = write!(s, " – |");
                }
            }
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(
        s,
        "\nPeer columns: median throughput as a fraction of the best static size.\n"
    );
    for (workload, rows) in &workloads {
        let _ = writeln!(s, "## {workload}\n");
        if let Some(best) = best_static(rows) {
            let _ = writeln!(
                s,
                "Best static size: N = {} at {:.0} tasks/s. Chart: `{workload}.svg`.\n",
                best.static_size.unwrap_or(0),
                best.throughput.median
            );
        }
        let _ = writeln!(
            s,
            "| pool | tasks/s (median) | min–max | × best static | P50 ms | P99 ms | peak threads | CPU s | runs |"
        );
        let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---|");
        for a in rows {
            let frac = a
                .fraction_of_best_static
                .map_or("–".into(), |f| format!("{:.0} %", f * 100.0));
            let capped = if a.capped_runs > 0 {
                format!("{} ({} capped)", a.runs, a.capped_runs)
            } else {
                a.runs.to_string()
            };
            let _ = writeln!(
                s,
                "| {} | {:.0} | {:.0}–{:.0} | {frac} | {:.2} | {:.2} | {:.0} | {:.2} | {capped} |",
                a.pool,
                a.throughput.median,
                a.throughput.min,
                a.throughput.max,
                a.p50_latency_s.median * 1e3,
                a.p99_latency_s.median * 1e3,
                a.peak_threads.max,
                a.cpu_seconds.median,
            );
        }
        let _ = writeln!(s);
    }
    s
}

fn chart(workload: &str, rows: &[&Aggregate]) -> String {
    let sweep = Series {
        name: "static pool (median)".into(),
        points: rows
            .iter()
            .filter_map(|a| a.static_size.map(|n| (n as f64, a.throughput.median)))
            .collect(),
    };
    let lines: Vec<HLine> = rows
        .iter()
        .filter(|a| a.static_size.is_none())
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
    line_chart(&chart, &[sweep], &lines)
}

#[cfg(test)]
mod tests;
