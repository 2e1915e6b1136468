//! `betapool-bench`: the benchmark runner behind `cargo xtask bench`.
//!
//! - `betapool-bench calibrate`: prints the spin calibration (iterations per µs) as JSON, so one
//!   value serves every process of a run.
//! - `betapool-bench run --pool P --workload W [...]`: runs one pool on one workload in this
//!   process and prints the `RunReport` as one JSON line. One configuration per process keeps
//!   pools from inheriting each other's threads, allocator state or warm caches.
//! - `betapool-bench report --runs FILE --out DIR`: turns the collected runs into
//!   `results.json`, `summary.md` and one SVG chart per workload.
//! - `betapool-bench soak [--minutes N] [--out DIR] [--seed S]`: the adaptive pool under
//!   minutes of mixed, bursty load; checks that no task is lost or run twice, that RSS does not
//!   drift and that the pool shrinks back to its minimum; writes `soak.json` and `soak.svg`.
//! - `betapool-bench load --server BIN [--configs DIR | --config NAME=PATH ...] [--seconds N]
//!   [--warmup-s S] [--connections C] [--seed S] [--out DIR]`: drives an HTTP service (the
//!   inference server) over loopback in a closed loop, one server process per pool
//!   configuration, and writes `load.json`, `load.md` and `load.svg` comparing them.
//!
//! Pools: `static:N`, and the peers `tokio`, `smol`, `rayon`, `threadpool` (their defaults).

mod load;
mod peers;
mod report;
mod soak;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use betapool_harness::{Executor, RunOptions, procfs};
use betapool_workloads::{Calibration, Workload};
use clap::{Parser, Subcommand};

/// The benchmark runner behind `cargo xtask bench`.
#[derive(Debug, Parser)]
#[command(name = "betapool-bench")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Measure the spin calibration and print it as JSON.
    Calibrate,
    /// Run one pool on one workload and print the report as one JSON line.
    Run {
        /// `static:N`, `tokio`, `smol`, `rayon` or `threadpool`.
        #[arg(long)]
        pool: String,
        /// A named workload (`io`, `cpu`, `mixed`, `phases`, `bursty`, `rag`, `io-burst`, …).
        #[arg(long)]
        workload: String,
        /// Override the workload's task count (phases are scaled proportionally).
        #[arg(long, conflicts_with = "scale")]
        tasks: Option<usize>,
        /// Scale the workload's task count by this factor (e.g. 0.25 for a smoke run).
        #[arg(long)]
        scale: Option<f64>,
        /// Seconds after which remaining tasks skip their work, so slow pools end.
        #[arg(long)]
        time_cap_s: Option<f64>,
        /// Iterations of the spin loop per µs (from `calibrate`); measured here if absent.
        #[arg(long)]
        calibration: Option<f64>,
        /// Seed of the workload's random choices.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Aggregate collected runs into results.json, summary.md and SVG charts.
    Report {
        /// The runs, one JSON object per line (as `cargo xtask bench` collects them).
        #[arg(long)]
        runs: PathBuf,
        /// Where to write the files.
        #[arg(long)]
        out: PathBuf,
    },
    /// Run the adaptive pool under minutes of mixed, bursty load and check that it loses no
    /// task, does not grow in memory and shrinks back to its minimum.
    Soak(soak::SoakArgs),
    /// Drive an HTTP service over loopback with each pool configuration in turn and compare
    /// their throughput, latency percentiles, threads and CPU.
    Load(load::LoadArgs),
}

fn main() {
    if let Err(e) = run(Cli::parse()) {
        eprintln!("betapool-bench: {e:#}");
        std::process::exit(1);
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Calibrate => {
            println!("{}", serde_json::to_string(&Calibration::measure())?);
            Ok(())
        }
        Command::Run {
            pool,
            workload,
            tasks,
            scale,
            time_cap_s,
            calibration,
            seed,
        } => {
            let calibration = match calibration {
                Some(c) => Calibration::fixed(c).context("--calibration")?,
                None => Calibration::measure(),
            };
            let mut workload = Workload::named(&workload).context("--workload")?;
            let tasks = match scale {
                Some(f) if f.is_finite() && f > 0.0 => {
                    Some(((workload.total_tasks() as f64 * f).round() as usize).max(1))
                }
                Some(f) => bail!("--scale must be a positive number, got {f}"),
                None => tasks,
            };
            if let Some(n) = tasks {
                if n == 0 {
                    bail!("--tasks must be at least 1");
                }
                workload = workload.with_tasks(n);
            }
            let time_cap = match time_cap_s {
                Some(s) if s.is_finite() && s >= 0.0 => Some(Duration::from_secs_f64(s)),
                Some(s) => bail!("--time-cap-s must be a non-negative number of seconds, got {s}"),
                None => None,
            };
            let baseline = procfs::thread_count();
            let executor = build_pool(&pool)?;
            let opts = RunOptions {
                seed,
                time_cap,
                baseline_threads: baseline,
                ..RunOptions::default()
            };
            let report = betapool_harness::run(executor.as_ref(), &workload, &calibration, &opts);
            executor.shutdown();
            println!("{}", serde_json::to_string(&report?)?);
            Ok(())
        }
        Command::Report { runs, out } => report::write(&runs, &out),
        Command::Soak(args) => soak::run(&args),
        Command::Load(args) => load::run(&args),
    }
}

/// A pool by name: a peer, or one of betapool's (`static:N`, …).
fn build_pool(spec: &str) -> Result<Box<dyn Executor>> {
    match peers::peer(spec) {
        Some(peer) => peer.with_context(|| format!("building peer `{spec}`")),
        None => betapool_harness::pool_from_spec(spec)
            .with_context(|| format!("--pool `{spec}` (peers: {})", peers::PEERS.join(", "))),
    }
}
