//! A pool-agnostic harness: runs a workload on any executor and reports throughput, latency,
//! threads and CPU time, plus the text tables and SVG charts that present the results.
//!
//! - [`Executor`] and [`Job`]: what the harness drives; peers implement it in the bench runner.
//! - [`StaticExecutor`]: our fixed-size pool behind the trait.
//! - [`pool_from_spec`]: a pool from text such as `static:32` ([`MAX_STATIC_WORKERS`] bounds it).
//! - [`run`]: one workload on one executor; [`RunOptions`] (with [`DEFAULT_SEED`],
//!   [`DEFAULT_SAMPLE_INTERVAL`], [`ProgressFn`]) configures it; [`MAX_TASKS`] bounds it.
//! - [`RunReport`], [`TimelinePoint`], [`PhaseReport`]: what a run measured, serialisable.
//! - [`procfs`]: thread count, CPU time and resident size of this process.
//! - [`svg`]: hand-written line charts; [`table`]: aligned text tables.
//! - [`HarnessError`]: the one error type of this crate.
//!
//! ```
//! use betapool_harness::{RunOptions, pool_from_spec, run};
//! use betapool_workloads::{Calibration, Workload};
//!
//! let pool = pool_from_spec("static:8")?;
//! let workload = Workload::named("io")?.with_tasks(80);
//! let report = run(pool.as_ref(), &workload, &Calibration::fixed(100.0)?, &RunOptions::default())?;
//! pool.shutdown();
//! assert_eq!(report.completed, 80);
//! println!("{} on {}: {:.0} tasks/s", report.workload, report.pool, report.throughput);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]

mod adaptive;
mod error;
mod executor;
mod options;
pub mod procfs;
mod report;
mod run;
mod sampler;
mod spec;
pub mod svg;
pub mod table;
mod tracker;

pub use adaptive::{ADAPTIVE_DEFAULT_BOUNDS, AdaptiveExecutor, AdaptivePolicy};
pub use error::HarnessError;
pub use executor::{Executor, Job, StaticExecutor};
pub use options::{DEFAULT_SAMPLE_INTERVAL, DEFAULT_SEED, ProgressFn, RunOptions};
pub use report::{PhaseReport, RunReport, TimelinePoint};
pub use run::{MAX_TASKS, run};
pub use spec::{COLD_PREFIX, MAX_STATIC_WORKERS, SELF_SIZING_POOLS, pool_from_spec, split_cold};
