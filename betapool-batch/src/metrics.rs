//! The seed's metrics and health shapes, with the seed's keys, serialisable as JSON.

use serde::Serialize;

/// What [`InferenceRuntime::metrics`](crate::InferenceRuntime::metrics) returns, with the seed's
/// keys (`metrics["total_requests"]`, `metrics["gpu_worker"]["avg_batch_time"]`, …) when
/// serialised.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RuntimeMetrics {
    /// Requests accepted since the runtime was built.
    pub total_requests: u64,
    /// Requests answered per second since start.
    pub requests_per_second: f64,
    /// `"gpu"`, `"cpu"`, or `"none"` before start.
    pub device_type: String,
    /// Requests queued now.
    pub queue_depth: usize,
    /// The batch worker (the seed's name for it; it serves the CPU path too).
    pub gpu_worker: BatchWorkerMetrics,
    /// The shared executors' sizes.
    pub cpu_executors: CpuExecutorMetrics,
}

/// The batch worker's share of [`RuntimeMetrics`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct BatchWorkerMetrics {
    /// Requests run through the model.
    pub total_inferences: u64,
    /// Batches run.
    pub total_batches: u64,
    /// Mean model time of one batch, in seconds.
    pub avg_batch_time: f64,
}

/// The shared executors' share of [`RuntimeMetrics`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CpuExecutorMetrics {
    /// The most threads of the shared pool for blocking work.
    pub max_threads: usize,
    /// The size of the shared pool for CPU-bound work (the seed's process pool).
    pub max_processes: usize,
}

/// The seed's health check shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Health {
    /// `"healthy"` while serving, else `"unhealthy"`.
    pub status: &'static str,
    /// `"gpu"` or `"cpu"` (`"none"` before start).
    pub execution_path: String,
    /// Requests answered per second since start.
    pub throughput: f64,
    /// Why the runtime is unhealthy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}
