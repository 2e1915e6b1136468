//! The bench runner behind `cargo xtask bench`: one pool on one workload per process, the
//! spin calibration those processes share, and the report over their collected runs.
//!
//! - [`calibrate`]: `betapool-bench calibrate`, the spin calibration as JSON;
//! - [`run`]: `betapool-bench run`, one configuration in this process, its report as one JSON
//!   line (a `cold:` pool is built inside the measured window);
//! - [`peers`]: the peer pools (tokio, smol, rayon, threadpool) behind the harness's
//!   `Executor` trait;
//! - [`report`]: `betapool-bench report`, the runs aggregated into `results.json`,
//!   `summary.md` (with warm and cold oracles, cost per task, and a table per burst for
//!   workloads with idle pauses) and one SVG chart per workload.

pub(crate) mod calibrate;
mod peers;
pub(crate) mod report;
pub(crate) mod run;
