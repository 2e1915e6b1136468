//! `PreparedTask`: a `TaskSpec` with its CPU work fixed in iterations, ready to run many times.

use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use crate::kernels::{MatrixInputs, fibonacci, mix};
use crate::output::{Stage, TaskOutput};
use crate::rag::RagSpec;
use crate::rng::SplitMix64;
use crate::spin::{Calibration, spin};
use crate::task::{MAX_FIBONACCI_N, MAX_MATRIX_SIZE, TaskSpec};

/// A task ready to run: made once by [`TaskSpec::prepare`], then cloned and run as often as
/// needed, from any thread.
///
/// Cloning is cheap (a few words, or one reference count for a matrix task), and the type is
/// `Send + Sync`, so one prepared task can be shared by every job of a phase.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_workloads::{Calibration, TaskSpec};
///
/// let task = TaskSpec::Io { sleep: Duration::from_micros(50) }.prepare(&Calibration::fixed(1.0)?);
/// let copy = task.clone();
/// let out = std::thread::spawn(move || copy.run(7)).join().unwrap();
/// assert!(out.stages[0].duration >= Duration::from_micros(50));
/// # Ok::<(), betapool_workloads::WorkloadError>(())
/// ```
#[derive(Clone, Debug)]
pub struct PreparedTask {
    plan: Plan,
}

/// What a prepared task does, with every conversion already made.
#[derive(Clone, Debug)]
enum Plan {
    Io {
        sleep: Duration,
    },
    Cpu {
        iterations: u64,
    },
    Matrix {
        inputs: Arc<MatrixInputs>,
    },
    Mixed {
        sleep: Duration,
        iterations: u64,
    },
    Fibonacci {
        n: u32,
    },
    /// The draw happens per run, so the calibration is kept to convert the drawn CPU share.
    Variable {
        min: Duration,
        max: Duration,
        cpu_fraction: f64,
        cal: Calibration,
    },
    Rag {
        network: Duration,
        vector_db: Duration,
        llm: Duration,
        tokenization_iterations: u64,
        reranking_iterations: u64,
    },
}

impl PreparedTask {
    /// See [`TaskSpec::prepare`]: out-of-range values are brought into range here.
    pub(crate) fn new(spec: &TaskSpec, cal: &Calibration) -> PreparedTask {
        let plan = match spec {
            TaskSpec::Io { sleep } => Plan::Io { sleep: *sleep },
            TaskSpec::Cpu { work } => Plan::Cpu {
                iterations: cal.iterations_for(*work),
            },
            TaskSpec::Matrix { size } => Plan::Matrix {
                inputs: Arc::new(MatrixInputs::new((*size).clamp(1, MAX_MATRIX_SIZE))),
            },
            TaskSpec::Mixed { sleep, work } => Plan::Mixed {
                sleep: *sleep,
                iterations: cal.iterations_for(*work),
            },
            TaskSpec::Fibonacci { n } => Plan::Fibonacci {
                n: (*n).min(MAX_FIBONACCI_N),
            },
            TaskSpec::VariableLatency {
                min,
                max,
                cpu_fraction,
            } => {
                // `clamp` keeps NaN as NaN; a NaN fraction is taken as "no CPU".
                let fraction = if cpu_fraction.is_nan() {
                    0.0
                } else {
                    cpu_fraction.clamp(0.0, 1.0)
                };
                Plan::Variable {
                    min: (*min).min(*max),
                    max: (*min).max(*max),
                    cpu_fraction: fraction,
                    cal: *cal,
                }
            }
            TaskSpec::Rag(RagSpec {
                network_latency,
                vector_db_latency,
                llm_latency,
                tokenization_work,
                reranking_work,
            }) => Plan::Rag {
                network: *network_latency,
                vector_db: *vector_db_latency,
                llm: *llm_latency,
                tokenization_iterations: cal.iterations_for(*tokenization_work),
                reranking_iterations: cal.iterations_for(*reranking_work),
            },
        };
        PreparedTask { plan }
    }

    /// Runs the task once on the calling thread and reports its stages.
    ///
    /// `seed` matters only to variable-latency tasks, whose total time it draws; give each task
    /// of a run its own seed (the harness uses `run_seed ^ task_index`). The checksum depends
    /// only on the task and the seed.
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_workloads::{Calibration, TaskSpec};
    ///
    /// let us = Duration::from_micros;
    /// let spec = TaskSpec::VariableLatency { min: us(10), max: us(100), cpu_fraction: 0.5 };
    /// let task = spec.prepare(&Calibration::fixed(50.0)?);
    /// assert_eq!(task.run(3).checksum, task.run(3).checksum);
    /// assert_ne!(task.run(3).checksum, task.run(4).checksum);
    /// # Ok::<(), betapool_workloads::WorkloadError>(())
    /// ```
    pub fn run(&self, seed: u64) -> TaskOutput {
        match &self.plan {
            Plan::Io { sleep } => {
                let (stage, ()) = timed("io", || thread::sleep(*sleep));
                single(stage, 0)
            }
            Plan::Cpu { iterations } => {
                let (stage, sum) = timed("cpu", || spin(*iterations));
                single(stage, sum)
            }
            Plan::Matrix { inputs } => {
                let (stage, sum) = timed("matrix", || inputs.multiply());
                single(stage, sum)
            }
            Plan::Mixed { sleep, iterations } => {
                let (stage, sum) = timed("mixed", || {
                    thread::sleep(*sleep);
                    spin(*iterations)
                });
                single(stage, sum)
            }
            Plan::Fibonacci { n } => {
                let (stage, value) = timed("fibonacci", || fibonacci(*n));
                single(stage, value)
            }
            Plan::Variable {
                min,
                max,
                cpu_fraction,
                cal,
            } => {
                let draw = SplitMix64::new(seed).next_f64();
                let total = *min + (*max - *min).mul_f64(draw);
                let cpu = total.mul_f64(*cpu_fraction);
                let iterations = cal.iterations_for(cpu);
                let (stage, sum) = timed("variable", || {
                    thread::sleep(total.saturating_sub(cpu));
                    spin(iterations)
                });
                // The drawn total joins the checksum, so two seeds that drew differently differ
                // even when neither spins.
                single(stage, mix(sum, duration_nanos(total)))
            }
            Plan::Rag {
                network,
                vector_db,
                llm,
                tokenization_iterations,
                reranking_iterations,
            } => {
                let [n_network, n_vector_db, n_tokenization, n_reranking, n_llm] = RagSpec::STAGES;
                let (network, ()) = timed(n_network, || thread::sleep(*network));
                let (vector_db, ()) = timed(n_vector_db, || thread::sleep(*vector_db));
                let (tokenization, tokens) =
                    timed(n_tokenization, || spin(*tokenization_iterations));
                let (reranking, ranks) = timed(n_reranking, || spin(*reranking_iterations));
                let (llm, ()) = timed(n_llm, || thread::sleep(*llm));
                TaskOutput {
                    stages: vec![network, vector_db, tokenization, reranking, llm],
                    checksum: mix(tokens, ranks),
                }
            }
        }
    }
}

/// Runs `f` and times it as the stage `name`.
fn timed<T>(name: &'static str, f: impl FnOnce() -> T) -> (Stage, T) {
    let start = Instant::now();
    let value = f();
    let stage = Stage {
        name,
        duration: start.elapsed(),
    };
    (stage, value)
}

/// The output of a one-stage task.
fn single(stage: Stage, checksum: u64) -> TaskOutput {
    TaskOutput {
        stages: vec![stage],
        checksum,
    }
}

/// A duration in whole nanoseconds, saturating (a `u64` holds 584 years of them).
fn duration_nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests;
