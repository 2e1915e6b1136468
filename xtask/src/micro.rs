//! The criterion half of `cargo xtask bench`: per-task overhead and submit contention.
//!
//! Criterion writes each benchmark's estimates to `target/criterion/<group>/<id>/new/`; this
//! module reads the medians back so that the numbers quoted in the README come from one command
//! and one run. Quick mode shortens every benchmark (criterion's `--quick`).

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

use crate::cmd;

/// Benchmarks compared in the summary: (group, id, label).
const ROWS: &[(&str, &str, &str)] = &[
    (
        "no_op_task",
        "betapool_execute/2",
        "betapool execute, 2 workers",
    ),
    (
        "no_op_task",
        "betapool_spawn/2",
        "betapool spawn (handle dropped), 2 workers",
    ),
    (
        "no_op_task",
        "threadpool_execute/2",
        "threadpool crate execute, 2 workers",
    ),
    (
        "submitters",
        "threads/1",
        "betapool execute, 1 submitting thread",
    ),
    (
        "submitters",
        "threads/16",
        "betapool execute, 16 submitting threads",
    ),
    (
        "controller_cost",
        "static/4",
        "InstrumentedPool held at 4 workers (the static executor) execute",
    ),
    (
        "controller_cost",
        "adaptive/4",
        "AdaptiveThreadPoolExecutor execute, 4 workers (controller running)",
    ),
];

/// Tasks per criterion iteration in `benches/overhead.rs` and `benches/controller_cost.rs`.
const BATCH: f64 = 10_000.0;

/// Runs the criterion benches and returns the summary table (also written to
/// `target/bench/overhead.md`).
pub(crate) fn run(quick: bool) -> Result<String> {
    let mut bench = cmd::cargo(&[
        "bench",
        "--package",
        "betapool-core",
        "--bench",
        "overhead",
        "--",
    ]);
    if quick {
        bench.arg("--quick");
    }
    cmd::run(bench)?;
    let mut bench = cmd::cargo(&[
        "bench",
        "--package",
        "betapool-adaptive",
        "--bench",
        "controller_cost",
        "--",
    ]);
    if quick {
        bench.arg("--quick");
    }
    cmd::run(bench)?;
    let summary = summary(&cmd::root().join("target/criterion"))?;
    let out = cmd::root().join("target/bench");
    fs::create_dir_all(&out)?;
    fs::write(out.join("overhead.md"), &summary)?;
    Ok(summary)
}

/// One benchmark's median, its confidence interval and the fastest and slowest sample, per
/// task, in nanoseconds.
struct Estimate {
    median: f64,
    low: f64,
    high: f64,
    min: f64,
    max: f64,
}

fn read_estimate(dir: &Path) -> Result<Estimate> {
    let path = dir.join("new/estimates.json");
    let text = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let median = &json["median"];
    let get = |v: &serde_json::Value, what: &str| {
        v.as_f64()
            .with_context(|| format!("{}: no {what}", path.display()))
    };
    // Each sample is `times[i]` nanoseconds for `iters[i]` batches.
    let path = dir.join("new/sample.json");
    let text = fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let sample: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let column = |key: &str| -> Result<Vec<f64>> {
        sample[key]
            .as_array()
            .with_context(|| format!("{}: no {key}", path.display()))?
            .iter()
            .map(|v| {
                v.as_f64()
                    .with_context(|| format!("{}: bad {key}", path.display()))
            })
            .collect()
    };
    let per_task: Vec<f64> = column("times")?
        .iter()
        .zip(column("iters")?)
        .map(|(t, i)| t / i / BATCH)
        .collect();
    let min = per_task.iter().copied().fold(f64::INFINITY, f64::min);
    let max = per_task.iter().copied().fold(0.0, f64::max);
    Ok(Estimate {
        min,
        max,
        median: get(&median["point_estimate"], "median")? / BATCH,
        low: get(&median["confidence_interval"]["lower_bound"], "lower bound")? / BATCH,
        high: get(&median["confidence_interval"]["upper_bound"], "upper bound")? / BATCH,
    })
}

fn summary(criterion: &Path) -> Result<String> {
    let mut s = String::new();
    writeln!(
        s,
        "| benchmark | ns per task (median) | 95 % CI of the median | min–max of samples |"
    )?;
    writeln!(s, "|---|---:|---:|---:|")?;
    let mut medians = Vec::new();
    for (group, id, label) in ROWS {
        let e = read_estimate(&criterion.join(group).join(id))?;
        writeln!(
            s,
            "| {label} | {:.0} | {:.0}–{:.0} | {:.0}–{:.0} |",
            e.median, e.low, e.high, e.min, e.max
        )?;
        medians.push(e.median);
    }
    writeln!(s)?;
    writeln!(
        s,
        "betapool execute / threadpool execute = {:.2}× (target ≤ 1.5×)",
        medians[0] / medians[2]
    )?;
    writeln!(
        s,
        "controller cost: adaptive − static = {:+.0} ns per task (target ≤ 50 ns)",
        medians[6] - medians[5]
    )?;
    Ok(s)
}
