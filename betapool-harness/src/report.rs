//! `RunReport` and its parts: what one run measured, ready for JSON, tables and charts.

use serde::{Deserialize, Serialize};

/// What one [`run`](crate::run) of a workload on a pool measured.
///
/// Times are in seconds as `f64`, so the JSON reads as plain numbers. Tasks that neither
/// completed nor were skipped (`tasks − completed − skipped`) were lost: they panicked, or the
/// executor dropped them unrun.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_harness::{Executor, RunOptions, StaticExecutor, run};
/// use betapool_workloads::{Calibration, Workload};
///
/// let pool = StaticExecutor::new(4)?;
/// let workload = Workload::named("io-burst")?.with_tasks(40);
/// let report = run(&pool, &workload, &Calibration::fixed(100.0)?, &RunOptions::default())?;
/// assert_eq!((report.tasks, report.completed, report.skipped), (40, 40, 0));
/// assert!(!report.capped);
/// let json = serde_json::to_string(&report)?;
/// assert!(json.contains("\"pool\":\"static:4\""));
/// pool.shutdown();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    /// The executor's [`name`](crate::Executor::name).
    pub pool: String,
    /// The workload's name.
    pub workload: String,
    /// Tasks in the workload.
    pub tasks: u64,
    /// Tasks whose work ran to the end.
    pub completed: u64,
    /// Tasks that started after the time cap and skipped their work.
    pub skipped: u64,
    /// Whether the time cap cut the run short (some task was skipped).
    pub capped: bool,
    /// From the first submission to the last task's end, less the idle pauses between phases,
    /// plus [`RunOptions::setup`](crate::RunOptions::setup), in seconds.
    pub elapsed_s: f64,
    /// `completed / elapsed_s`, in tasks per second (0 when nothing took time).
    pub throughput: f64,
    /// Median latency (submission to completion) of the completed tasks, in seconds.
    pub p50_latency_s: f64,
    /// 99th-percentile latency of the completed tasks, in seconds.
    pub p99_latency_s: f64,
    /// The most threads seen in [`timeline`](Self::timeline).
    pub peak_threads: usize,
    /// CPU time the whole process used during the run, in seconds.
    pub cpu_seconds: f64,
    /// The thread count over time.
    pub timeline: Vec<TimelinePoint>,
    /// One entry per workload phase, in order.
    pub phases: Vec<PhaseReport>,
}

/// One reading of the sampler.
///
/// `threads` is the process's thread count less the harness's sampler thread and less
/// [`RunOptions::baseline_threads`](crate::RunOptions::baseline_threads) when given: with a
/// baseline taken just before the pool was built, it is the pool's own threads.
///
/// # Examples
///
/// ```
/// let point = betapool_harness::TimelinePoint { t_s: 0.25, threads: 32 };
/// assert_eq!(serde_json::to_string(&point)?, r#"{"t_s":0.25,"threads":32}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelinePoint {
    /// Seconds since the run started.
    pub t_s: f64,
    /// Threads at that moment (see above for what is subtracted).
    pub threads: usize,
}

/// How one phase of the workload went.
///
/// # Examples
///
/// ```
/// let phase = betapool_harness::PhaseReport { name: "cpu".into(), tasks: 100, elapsed_s: 0.5, throughput: 200.0 };
/// assert_eq!(phase.tasks as f64 / phase.elapsed_s, phase.throughput);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhaseReport {
    /// The phase's name.
    pub name: String,
    /// Tasks in the phase.
    pub tasks: u64,
    /// From the phase's first submission (after its pause) to its last task's end, in seconds;
    /// the first phase's also counts [`RunOptions::setup`](crate::RunOptions::setup).
    pub elapsed_s: f64,
    /// Completed tasks of the phase per second of `elapsed_s`.
    pub throughput: f64,
}
