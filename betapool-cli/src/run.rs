//! `betapool run`: one pool on one workload, its metrics printed as text or JSON.

use betapool_workloads::Calibration;

use crate::cli::RunArgs;
use crate::config;
use crate::error::CliError;
use crate::measure::Bench;
use crate::output;
use crate::progress::Progress;

/// The time cap when none is given, in seconds. A minute lets every named workload finish on
/// any sensible pool (they last about a second at their best size on two cores), yet ends a
/// badly undersized pool, such as `static:1` on `io` (five minutes), in reasonable time.
pub(crate) const DEFAULT_TIME_CAP_S: f64 = 60.0;

/// Runs the subcommand and prints its report.
pub(crate) fn main(args: RunArgs) -> Result<(), CliError> {
    let settings = config::run_settings(args)?;
    // Calibrated before the pool starts, so that no pool thread competes with the timing.
    let cal = Calibration::measure();
    let progress = Progress::new(settings.workload.total_tasks() as u64);
    let bench = Bench {
        cal: &cal,
        common: &settings.common,
        progress: &progress,
    };
    let report = bench.measure(&settings.pool, &settings.workload)?;
    drop(progress);
    let text = if settings.common.json {
        output::json(&report)?
    } else {
        output::run_summary(&settings.workload, &report)
    };
    output::print(&text)
}
