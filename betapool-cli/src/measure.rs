//! One measured run: take the thread baseline, build the pool from its spec, run the workload
//! through the harness with progress, shut the pool down.

use std::time::{Duration, Instant};

use betapool_harness::{COLD_PREFIX, RunOptions, RunReport, pool_from_spec, procfs, split_cold};
use betapool_workloads::{Calibration, Workload};

use crate::error::CliError;
use crate::progress::Progress;
use crate::settings::{Common, Setting};

/// What every run of one subcommand shares: the spin calibration, the seed and time cap, and
/// the progress bar.
#[derive(Debug)]
pub(crate) struct Bench<'a> {
    /// Measured once per process, before any pool starts.
    pub(crate) cal: &'a Calibration,
    /// Seed and time cap.
    pub(crate) common: &'a Common,
    /// The bar every run advances.
    pub(crate) progress: &'a Progress,
}

impl Bench<'_> {
    /// Runs `workload` on a fresh pool built from `pool`, and shuts the pool down before
    /// returning, so that the next run starts from the same thread count. A pool spec with
    /// the `cold:` prefix (`cold:static:512`) is built inside the measured window, as a pool
    /// made for this one burst of work would be; its report is named with the prefix.
    ///
    /// A spec the harness cannot build is reported against the pool's origin (its flag or its
    /// place in the config file).
    pub(crate) fn measure(
        &self,
        pool: &Setting<String>,
        workload: &Workload,
    ) -> Result<RunReport, CliError> {
        let tasks = workload.total_tasks() as u64;
        let progress = self
            .progress
            .start_run(format!("{} on {}", workload.name, pool.value));
        // Read before the pool exists, so that the report's thread counts are the pool's own.
        let baseline = procfs::thread_count();
        let (spec, cold) = split_cold(&pool.value);
        let clock = Instant::now();
        let exec = pool_from_spec(spec).map_err(|e| pool.error(e.to_string()))?;
        let opts = RunOptions {
            seed: self.common.seed,
            time_cap: Some(self.common.time_cap),
            baseline_threads: baseline,
            progress: Some(progress),
            setup: if cold {
                clock.elapsed()
            } else {
                Duration::ZERO
            },
            ..RunOptions::default()
        };
        let result = betapool_harness::run(exec.as_ref(), workload, self.cal, &opts);
        // Shut down whether the run succeeded or not: the next run's baseline must not count
        // this pool's threads.
        exec.shutdown();
        self.progress.end_run(tasks);
        let mut report = result.map_err(|e| CliError::run(&workload.name, &pool.value, e))?;
        if cold {
            report.pool = format!("{COLD_PREFIX}{}", report.pool);
        }
        Ok(report)
    }

    /// Runs `workload` on each pool in turn.
    pub(crate) fn measure_all(
        &self,
        pools: &[Setting<String>],
        workload: &Workload,
    ) -> Result<Vec<RunReport>, CliError> {
        pools
            .iter()
            .map(|pool| self.measure(pool, workload))
            .collect()
    }
}
