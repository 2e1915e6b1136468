//! `betapool-bench`: the measurement programs behind `cargo xtask bench`, `soak` and `load`.
//! This file only parses the subcommand and hands it to its program.
//!
//! - `betapool-bench calibrate`: prints the spin calibration (iterations per µs) as JSON, so one
//!   value serves every process of a run ([`runner`]).
//! - `betapool-bench run --pool P --workload W [...]`: runs one pool on one workload in this
//!   process and prints the `RunReport` as one JSON line. One configuration per process keeps
//!   pools from inheriting each other's threads, allocator state or warm caches ([`runner`]).
//! - `betapool-bench report --runs FILE --out DIR`: turns the collected runs into
//!   `results.json`, `summary.md` and one SVG chart per workload ([`runner`]).
//! - `betapool-bench soak [--minutes N] [--out DIR] [--seed S]`: the adaptive pool under
//!   minutes of mixed, bursty load; checks that no task is lost or run twice, that RSS does not
//!   drift and that the pool shrinks back to its minimum; writes `soak.json` and `soak.svg`
//!   ([`soak`]).
//! - `betapool-bench load --server BIN [--configs DIR | --config NAME=PATH ...] [--seconds N]
//!   [--warmup-s S] [--connections C] [--seed S] [--out DIR]`: drives an HTTP service (the
//!   inference server) over loopback in a closed loop, one server process per pool
//!   configuration, and writes `load.json`, `load.md` and `load.svg` comparing them ([`load`]).
//!
//! - `betapool-bench batch [--repeats N] [--quick] [--out DIR]`: the batching runtime on a
//!   synthetic model (a batch of b costs a + c·b) at rates from 50 to 6 000 requests/s, against
//!   the seed's setting and an oracle sweep of fixed settings; writes `batch.json`, `batch.md`
//!   and `batch.svg` ([`batch`]).
//!
//! Pools: `static:N`, and the peers `tokio`, `smol`, `rayon`, `threadpool` (their defaults).

mod batch;
mod load;
mod runner;
mod soak;
mod units;

use anyhow::Result;
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
    Run(runner::run::RunArgs),
    /// Aggregate collected runs into results.json, summary.md and SVG charts.
    Report(runner::report::ReportArgs),
    /// Run the adaptive pool under minutes of mixed, bursty load and check that it loses no
    /// task, does not grow in memory and shrinks back to its minimum.
    Soak(soak::SoakArgs),
    /// Run the batching runtime on a synthetic model against the seed's setting and an oracle
    /// sweep of fixed settings; write batch.json, batch.md and batch.svg.
    Batch(batch::BatchArgs),
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
        Command::Calibrate => runner::calibrate::run(),
        Command::Run(args) => runner::run::run(&args),
        Command::Report(args) => runner::report::run(&args),
        Command::Soak(args) => soak::run(&args),
        Command::Load(args) => load::run(&args),
        Command::Batch(args) => batch::run(&args),
    }
}
