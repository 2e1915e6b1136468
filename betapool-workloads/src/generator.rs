//! `WorkloadGenerator`: the seed's task factories, returning closures ready to hand to a pool.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::output::TaskOutput;
use crate::rag::RagSpec;
use crate::spin::Calibration;
use crate::task::TaskSpec;

/// The calibration given to tasks that spin nothing (sleeps, the matrix product, Fibonacci):
/// [`TaskSpec::prepare`] never reads it for them, so any valid value would do.
const NO_SPIN: Calibration = Calibration {
    iterations_per_us: 1.0,
};

/// The seed's `WorkloadGenerator`: each function returns a closure that runs one task and
/// reports its stages, ready to submit to any pool.
///
/// The closures are `Fn + Send + Sync + Clone + 'static`, so one can be cloned into every
/// submission. Work is prepared when the closure is made (CPU durations turned into iteration
/// counts, matrix inputs generated), never per call. The functions take the seed's parameters
/// as [`Duration`]s; out-of-range values are brought into range as [`TaskSpec::prepare`]
/// describes, so use [`TaskSpec::validate`] first to reject them instead.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_workloads::{Calibration, WorkloadGenerator};
///
/// let cal = Calibration::fixed(100.0)?;
/// let task = WorkloadGenerator::mixed_task(Duration::from_micros(100), Duration::from_micros(20), &cal);
/// let handles: Vec<_> = (0..4)
///     .map(|_| {
///         let task = task.clone();
///         std::thread::spawn(move || task())
///     })
///     .collect();
/// for h in handles {
///     assert_eq!(h.join().unwrap().stages[0].name, "mixed");
/// }
/// # Ok::<(), betapool_workloads::WorkloadError>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct WorkloadGenerator;

impl WorkloadGenerator {
    /// Sleeps for `duration`: pure I/O (the seed's `io_task(duration_ms)`).
    ///
    /// ```
    /// use std::time::Duration;
    /// let task = betapool_workloads::WorkloadGenerator::io_task(Duration::from_micros(100));
    /// assert!(task().stages[0].duration >= Duration::from_micros(100));
    /// ```
    pub fn io_task(duration: Duration) -> impl Fn() -> TaskOutput + Send + Sync + Clone + 'static {
        Self::from_spec(&TaskSpec::Io { sleep: duration }, &NO_SPIN)
    }

    /// Spins for `work` of CPU time (the seed's `cpu_task_python(iterations)`, expressed as
    /// time and converted with `cal`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_workloads::{Calibration, WorkloadGenerator};
    /// let task = WorkloadGenerator::cpu_task(Duration::from_micros(50), &Calibration::fixed(10.0)?);
    /// assert_eq!(task().checksum, task().checksum);
    /// # Ok::<(), betapool_workloads::WorkloadError>(())
    /// ```
    pub fn cpu_task(
        work: Duration,
        cal: &Calibration,
    ) -> impl Fn() -> TaskOutput + Send + Sync + Clone + 'static {
        Self::from_spec(&TaskSpec::Cpu { work }, cal)
    }

    /// Multiplies two seeded `matrix_size × matrix_size` matrices (the seed's
    /// `cpu_task_numpy(matrix_size)`).
    ///
    /// ```
    /// let task = betapool_workloads::WorkloadGenerator::cpu_task_matrix(16);
    /// assert_eq!(task().stages[0].name, "matrix");
    /// ```
    pub fn cpu_task_matrix(
        matrix_size: usize,
    ) -> impl Fn() -> TaskOutput + Send + Sync + Clone + 'static {
        Self::from_spec(&TaskSpec::Matrix { size: matrix_size }, &NO_SPIN)
    }

    /// Sleeps for `io_duration`, then spins for `cpu_work` (the seed's `mixed_task`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_workloads::{Calibration, WorkloadGenerator};
    /// let cal = Calibration::fixed(10.0)?;
    /// let task = WorkloadGenerator::mixed_task(Duration::from_micros(100), Duration::from_micros(10), &cal);
    /// assert!(task().total() >= Duration::from_micros(100));
    /// # Ok::<(), betapool_workloads::WorkloadError>(())
    /// ```
    pub fn mixed_task(
        io_duration: Duration,
        cpu_work: Duration,
        cal: &Calibration,
    ) -> impl Fn() -> TaskOutput + Send + Sync + Clone + 'static {
        let spec = TaskSpec::Mixed {
            sleep: io_duration,
            work: cpu_work,
        };
        Self::from_spec(&spec, cal)
    }

    /// Computes `fib(n)` by naive recursion (the seed's `fibonacci_task(n)`).
    ///
    /// ```
    /// let task = betapool_workloads::WorkloadGenerator::fibonacci_task(20);
    /// assert_eq!(task().checksum, 6765);
    /// ```
    pub fn fibonacci_task(n: u32) -> impl Fn() -> TaskOutput + Send + Sync + Clone + 'static {
        Self::from_spec(&TaskSpec::Fibonacci { n }, &NO_SPIN)
    }

    /// A task whose total time is drawn uniformly from `[min, max]` on every call,
    /// `cpu_fraction` of it spun and the rest slept (the seed's `variable_latency_task`).
    ///
    /// Call `k` (counting from 0, across every clone) draws with seed `seed ^ k`, so the
    /// sequence of draws is fixed by `seed`; which thread gets which draw is up to the pool.
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_workloads::{Calibration, WorkloadGenerator};
    /// let us = Duration::from_micros;
    /// let cal = Calibration::fixed(10.0)?;
    /// let a = WorkloadGenerator::variable_latency_task(us(10), us(50), 0.2, 42, &cal);
    /// let b = WorkloadGenerator::variable_latency_task(us(10), us(50), 0.2, 42, &cal);
    /// let first: Vec<u64> = (0..3).map(|_| a().checksum).collect();
    /// let second: Vec<u64> = (0..3).map(|_| b().checksum).collect();
    /// assert_eq!(first, second);
    /// # Ok::<(), betapool_workloads::WorkloadError>(())
    /// ```
    pub fn variable_latency_task(
        min: Duration,
        max: Duration,
        cpu_fraction: f64,
        seed: u64,
        cal: &Calibration,
    ) -> impl Fn() -> TaskOutput + Send + Sync + Clone + 'static {
        let task = TaskSpec::VariableLatency {
            min,
            max,
            cpu_fraction,
        }
        .prepare(cal);
        let calls = Arc::new(AtomicU64::new(0));
        move || {
            // Relaxed is enough: the counter only has to hand out distinct numbers.
            let k = calls.fetch_add(1, Ordering::Relaxed);
            task.run(seed ^ k)
        }
    }

    /// One simulated RAG request with the stages of `spec` (the seed's `rag_pipeline_task`);
    /// `RagSpec::default()` is the seed's request.
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_workloads::{Calibration, RagSpec, WorkloadGenerator};
    /// let us = Duration::from_micros;
    /// let spec = RagSpec {
    ///     network_latency: us(10),
    ///     vector_db_latency: us(10),
    ///     llm_latency: us(10),
    ///     tokenization_work: us(5),
    ///     reranking_work: us(5),
    /// };
    /// let task = WorkloadGenerator::rag_pipeline_task(spec, &Calibration::fixed(10.0)?);
    /// let names: Vec<_> = task().stages.iter().map(|s| s.name).collect();
    /// assert_eq!(names, RagSpec::STAGES);
    /// # Ok::<(), betapool_workloads::WorkloadError>(())
    /// ```
    pub fn rag_pipeline_task(
        spec: RagSpec,
        cal: &Calibration,
    ) -> impl Fn() -> TaskOutput + Send + Sync + Clone + 'static {
        Self::from_spec(&TaskSpec::Rag(spec), cal)
    }

    /// A closure running the prepared `spec`; the seed is 0, as only variable latency uses it.
    fn from_spec(
        spec: &TaskSpec,
        cal: &Calibration,
    ) -> impl Fn() -> TaskOutput + Send + Sync + Clone + 'static + use<> {
        let task = spec.prepare(cal);
        move || task.run(0)
    }
}

#[cfg(test)]
mod tests;
