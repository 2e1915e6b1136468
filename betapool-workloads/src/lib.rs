//! Seeded, deterministic workloads for measuring thread pools: the seed's task generators
//! (I/O, CPU spin, matrix, mixed, Fibonacci, variable latency, RAG) and arrival processes
//! (Poisson, burst), plus the benchmark's named scenarios.
//!
//! Every random choice comes from [`SplitMix64`] and a seed, so a run can be replayed; CPU
//! work is a calibrated iteration count, never "spin until time passed", so a pool with more
//! threads than cores pays for it.
//!
//! - [`SplitMix64`]: the tiny deterministic generator behind every random draw.
//! - [`spin`]: the busy loop; [`Calibration`]: how many of its iterations make a microsecond.
//! - [`TaskSpec`]: what one task does, as data ([`MAX_MATRIX_SIZE`], [`MAX_FIBONACCI_N`] bound
//!   it); [`RagSpec`]: the RAG request's stages.
//! - [`PreparedTask`]: a task spec with its CPU work converted, ready to run on any thread.
//! - [`TaskOutput`] and [`Stage`]: what a run reports (per-stage timings, a checksum).
//! - [`WorkloadGenerator`]: the seed's factories returning closures.
//! - [`ArrivalProcess`]: the gap-source trait; [`PoissonArrivals`], [`BurstArrivals`] (with
//!   [`BurstSpec`]) implement it; [`ArrivalSpec`] is either as data and text.
//! - [`Phase`] and [`Workload`]: scenarios of phases, each after an optional idle pause (at most
//!   [`MAX_PAUSE`]); [`Workload::named`] gives the benchmark's.
//! - [`WorkloadError`]: the one error type of this crate.
//!
//! ```
//! use std::time::Duration;
//! use betapool_workloads::{Calibration, Workload};
//!
//! let cal = Calibration::fixed(100.0)?; // or Calibration::measure()
//! let workload = Workload::named("mixed")?.with_tasks(10);
//! let task = workload.phases[0].spec.prepare(&cal);
//! for i in 0..workload.total_tasks() as u64 {
//!     let out = task.run(42 ^ i);
//!     assert!(out.stages[0].duration >= Duration::from_micros(100));
//! }
//! # Ok::<(), betapool_workloads::WorkloadError>(())
//! ```

#![forbid(unsafe_code)]

mod arrival;
mod arrival_spec;
mod burst;
mod catalog;
mod error;
mod generator;
mod kernels;
mod output;
mod poisson;
mod prepared;
mod rag;
mod rng;
mod spin;
mod task;
mod workload;

pub use arrival::ArrivalProcess;
pub use arrival_spec::ArrivalSpec;
pub use burst::{BurstArrivals, BurstSpec};
pub use error::WorkloadError;
pub use generator::WorkloadGenerator;
pub use output::{Stage, TaskOutput};
pub use poisson::PoissonArrivals;
pub use prepared::PreparedTask;
pub use rag::RagSpec;
pub use rng::SplitMix64;
pub use spin::{Calibration, spin};
pub use task::{MAX_FIBONACCI_N, MAX_MATRIX_SIZE, TaskSpec};
pub use workload::{MAX_PAUSE, Phase, Workload};
