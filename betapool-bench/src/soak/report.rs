//! What `soak.json` holds: the run's settings, the plan, the headline figures, the checks,
//! each window's figures and every sample.

use serde::Serialize;

use super::arrivals::{BURST, BURST_OFFSET, PAUSE, POISSON_RATE};
use super::checks::Check;
use super::drive::BackToMin;
use super::ledger::Audit;
use super::memory::Drift;
use super::monitor::Sample;
use super::plan::Plan;
use super::reaper::Handles;
use super::tasks::{CPU_WORK, IO_SLEEP, MIX, MIXED_SLEEP, MIXED_WORK, PANIC_ONE_IN};
use super::window::WindowSummary;

/// The load, as the report describes it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LoadDescription {
    pub(crate) poisson_rate: f64,
    pub(crate) burst_rate: f64,
    pub(crate) burst_s: f64,
    pub(crate) quiet_s: f64,
    pub(crate) burst_offset_s: f64,
    pub(crate) pause_s: f64,
    pub(crate) cpu_work_us: f64,
    pub(crate) mixed_sleep_ms: f64,
    pub(crate) mixed_work_us: f64,
    pub(crate) io_sleep_ms: f64,
    pub(crate) mix_cpu_mixed_io: [u64; 3],
    pub(crate) panic_one_in: u64,
}

impl LoadDescription {
    pub(crate) fn current() -> LoadDescription {
        LoadDescription {
            poisson_rate: POISSON_RATE,
            burst_rate: BURST.burst_rate,
            burst_s: BURST.burst_duration.as_secs_f64(),
            quiet_s: BURST.quiet_duration.as_secs_f64(),
            burst_offset_s: BURST_OFFSET.as_secs_f64(),
            pause_s: PAUSE.as_secs_f64(),
            cpu_work_us: CPU_WORK.as_secs_f64() * 1e6,
            mixed_sleep_ms: MIXED_SLEEP.as_secs_f64() * 1e3,
            mixed_work_us: MIXED_WORK.as_secs_f64() * 1e6,
            io_sleep_ms: IO_SLEEP.as_secs_f64() * 1e3,
            mix_cpu_mixed_io: MIX.map(|(_, w)| w),
            panic_one_in: PANIC_ONE_IN,
        }
    }
}

/// The run's settings.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Config {
    pub(crate) minutes: f64,
    pub(crate) seed: u64,
    pub(crate) pool: &'static str,
    pub(crate) min_threads: usize,
    pub(crate) max_threads: usize,
    pub(crate) cores: usize,
    pub(crate) calibration_iterations_per_us: f64,
    pub(crate) load: LoadDescription,
}

/// The headline figures.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Summary {
    /// From the start of the command to the end of the checks.
    pub(crate) wall_s: f64,
    /// The load, as planned.
    pub(crate) load_s: f64,
    pub(crate) submitted: u64,
    pub(crate) audit: Audit,
    pub(crate) handles: Handles,
    pub(crate) drift: Drift,
    pub(crate) back_to_min: BackToMin,
    pub(crate) resizes: usize,
    pub(crate) direction_changes: usize,
    pub(crate) history_gaps: usize,
    /// Process CPU time over the load, and that over the time it was counted over.
    pub(crate) cpu_s: Option<f64>,
    pub(crate) mean_cores: Option<f64>,
    pub(crate) peak_pool_threads: Option<usize>,
    pub(crate) peak_process_threads: Option<usize>,
}

/// Everything `soak.json` holds.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Report {
    pub(crate) config: Config,
    pub(crate) plan: Plan,
    pub(crate) summary: Summary,
    pub(crate) checks: Vec<Check>,
    pub(crate) windows: Vec<WindowSummary>,
    pub(crate) samples: Vec<Sample>,
}
