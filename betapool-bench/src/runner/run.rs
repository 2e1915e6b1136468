//! `betapool-bench run`: one pool on one workload in this process, its `RunReport` printed as
//! one JSON line. One configuration per process keeps pools from inheriting each other's
//! threads, allocator state or warm caches.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use betapool_harness::{COLD_PREFIX, Executor, RunOptions, procfs, split_cold};
use betapool_workloads::{Calibration, Workload};

use super::peers;

/// The options of `betapool-bench run`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct RunArgs {
    /// `static:N`, `adaptive`, `adaptive-seed`, `tokio`, `smol`, `rayon` or `threadpool`;
    /// prefixed with `cold:` (`cold:static:64`), the pool is built inside the measured window.
    #[arg(long)]
    pub(crate) pool: String,
    /// A named workload (`io`, `cpu`, `mixed`, `phases`, `bursty`, `rag`, `io-burst`, …).
    #[arg(long)]
    pub(crate) workload: String,
    /// Override the workload's task count (phases are scaled proportionally).
    #[arg(long, conflicts_with = "scale")]
    pub(crate) tasks: Option<usize>,
    /// Scale the workload's task count by this factor (e.g. 0.25 for a smoke run).
    #[arg(long)]
    pub(crate) scale: Option<f64>,
    /// Seconds after which remaining tasks skip their work, so slow pools end.
    #[arg(long)]
    pub(crate) time_cap_s: Option<f64>,
    /// Iterations of the spin loop per µs (from `calibrate`); measured here if absent.
    #[arg(long)]
    pub(crate) calibration: Option<f64>,
    /// Seed of the workload's random choices.
    #[arg(long, default_value_t = 42)]
    pub(crate) seed: u64,
}

/// Runs the configuration `args` names and prints its report as one JSON line.
pub(crate) fn run(args: &RunArgs) -> Result<()> {
    let calibration = match args.calibration {
        Some(c) => Calibration::fixed(c).context("--calibration")?,
        None => Calibration::measure(),
    };
    let mut workload = Workload::named(&args.workload).context("--workload")?;
    let tasks = match args.scale {
        Some(f) if f.is_finite() && f > 0.0 => {
            Some(((workload.total_tasks() as f64 * f).round() as usize).max(1))
        }
        Some(f) => bail!("--scale must be a positive number, got {f}"),
        None => args.tasks,
    };
    if let Some(n) = tasks {
        if n == 0 {
            bail!("--tasks must be at least 1");
        }
        workload = workload.with_tasks(n);
    }
    let time_cap = match args.time_cap_s {
        Some(s) if s.is_finite() && s >= 0.0 => Some(Duration::from_secs_f64(s)),
        Some(s) => bail!("--time-cap-s must be a non-negative number of seconds, got {s}"),
        None => None,
    };
    let pool = PoolArg::parse(&args.pool)?;
    let baseline = procfs::thread_count();
    let clock = Instant::now();
    let executor = build_pool(pool.spec, &args.pool)?;
    // A cold pool's construction (starting its threads) is part of what is measured; a warm
    // one was ready before the clock started.
    let setup = if pool.cold {
        clock.elapsed()
    } else {
        Duration::ZERO
    };
    let opts = RunOptions {
        seed: args.seed,
        time_cap,
        baseline_threads: baseline,
        setup,
        ..RunOptions::default()
    };
    let report = betapool_harness::run(executor.as_ref(), &workload, &calibration, &opts);
    executor.shutdown();
    let mut report = report?;
    if pool.cold {
        report.pool = format!("{COLD_PREFIX}{}", report.pool);
    }
    println!("{}", serde_json::to_string(&report)?);
    Ok(())
}

/// A `--pool` value: the pool's own spec, and whether it is built inside the measured window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PoolArg<'a> {
    pub(crate) spec: &'a str,
    pub(crate) cold: bool,
}

impl<'a> PoolArg<'a> {
    /// Splits `cold:` off `value`; an empty spec, or one that is still cold, is an error
    /// naming the flag.
    pub(crate) fn parse(value: &'a str) -> Result<PoolArg<'a>> {
        let value = value.trim();
        let (spec, cold) = split_cold(value);
        if spec.is_empty() {
            bail!("--pool `{value}`: name a pool, as in `static:64` or `cold:static:64`");
        }
        if spec.starts_with(COLD_PREFIX) {
            bail!("--pool `{value}`: `{COLD_PREFIX}` may appear once, as in `cold:static:64`");
        }
        Ok(PoolArg { spec, cold })
    }
}

/// A pool by name: a peer, or one of betapool's (`static:N`, …); errors quote `value`, the
/// whole `--pool` value.
pub(crate) fn build_pool(spec: &str, value: &str) -> Result<Box<dyn Executor>> {
    match peers::peer(spec) {
        Some(peer) => peer.with_context(|| format!("--pool `{value}`: building peer `{spec}`")),
        None => betapool_harness::pool_from_spec(spec)
            .with_context(|| format!("--pool `{value}` (peers: {})", peers::PEERS.join(", "))),
    }
}

#[cfg(test)]
mod tests;
