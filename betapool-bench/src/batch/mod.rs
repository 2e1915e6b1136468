//! `betapool-bench batch`: the batching section of `cargo xtask bench` (the runtime of
//! `betapool-batch` on a synthetic model whose batch of b costs a + c·b). Writes `batch.json`,
//! `batch.md` and `batch.svg`.
//!
//! - `model.rs`: the spinning model.
//! - `drive.rs`: the open-loop Poisson driver, which records each result's arrival through its
//!   waker.
//! - `scenarios.rs`: the rate sweep with the oracle, overload, dropped futures, a curved cost,
//!   the no-op overhead.
//! - `report.rs`: the tables, the verdicts and the chart.

mod drive;
mod model;
mod report;
mod scenarios;

use std::fs;
use std::path::PathBuf;

use anyhow::{Context, Result};
use betapool_workloads::Calibration;

use model::Cost;
use scenarios::{KNEE_RATES, RATES};

/// Requests in one no-op overhead measurement.
const OVERHEAD_REQUESTS: usize = 200_000;

/// Options of `betapool-bench batch`.
#[derive(Debug, clap::Args)]
pub(crate) struct BatchArgs {
    /// Repeats of every configuration.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u64).range(1..))]
    repeats: u64,
    /// Half-length runs (a smoke test of the section).
    #[arg(long)]
    quick: bool,
    /// Where batch.json, batch.md and batch.svg go.
    #[arg(long, default_value = "target/bench")]
    out: PathBuf,
    /// Only these scenarios (comma-separated: sweep, knee, overload, dropped, overhead).
    #[arg(long, value_delimiter = ',', value_parser = ["sweep", "knee", "overload", "dropped", "overhead"])]
    only: Vec<String>,
    /// Only these arrival rates of the sweeps (requests/s, comma-separated; default: all).
    #[arg(long, value_delimiter = ',')]
    rates: Vec<f64>,
}

/// The rates of `all` that `only` names, or all of them when it names none.
fn pick(all: &[f64], only: &[f64]) -> Vec<f64> {
    all.iter()
        .copied()
        .filter(|r| only.is_empty() || only.contains(r))
        .collect()
}

pub(crate) fn run(args: &BatchArgs) -> Result<()> {
    let cal = Calibration::measure().iterations_per_us;
    let repeats = args.repeats as usize;
    let mut rows = Vec::new();
    let mut overhead = Vec::new();
    let mut progress = |r: &scenarios::Row| {
        eprintln!(
            "batch: {} {:>6.0}/s {:<18} P99 {:>8.1} ms, served {:.3}",
            r.scenario,
            r.rate,
            r.setting,
            r.outcome.p99_ms,
            r.outcome.throughput_per_s / r.outcome.offered_per_s
        );
    };
    let wanted = |name: &str| args.only.is_empty() || args.only.iter().any(|o| o == name);
    for repeat in 0..repeats {
        if wanted("sweep") {
            let linear = Cost::LINEAR;
            rows.extend(scenarios::sweep(
                "sweep",
                linear,
                &pick(&RATES, &args.rates),
                repeat,
                cal,
                args.quick,
                &mut progress,
            ));
        }
        if wanted("knee") {
            let knee = Cost::KNEE;
            rows.extend(scenarios::sweep(
                "knee",
                knee,
                &pick(&KNEE_RATES, &args.rates),
                repeat,
                cal,
                args.quick,
                &mut progress,
            ));
        }
        if wanted("overload") {
            let row = scenarios::overload(repeat, cal, args.quick);
            progress(&row);
            rows.push(row);
        }
        if wanted("dropped") {
            let row = scenarios::dropped(repeat, cal, args.quick);
            progress(&row);
            rows.push(row);
        }
        if wanted("overhead") {
            let n = if args.quick {
                OVERHEAD_REQUESTS / 4
            } else {
                OVERHEAD_REQUESTS
            };
            let us = scenarios::overhead(n, cal);
            eprintln!("batch: overhead {us:.2} µs per request");
            overhead.push(us);
        }
    }
    let (md, svg) = report::render(&rows, &overhead, repeats);
    fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    let json = serde_json::json!({ "calibration": cal, "rows": rows, "overhead_us": overhead });
    fs::write(
        args.out.join("batch.json"),
        serde_json::to_string_pretty(&json)?,
    )?;
    fs::write(args.out.join("batch.md"), &md)?;
    fs::write(args.out.join("batch.svg"), svg)?;
    println!("{md}");
    Ok(())
}
