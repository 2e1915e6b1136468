//! `TaskSpec`: what one task does, as plain data that can be validated, saved and prepared.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::WorkloadError;
use crate::prepared::PreparedTask;
use crate::rag::RagSpec;
use crate::spin::Calibration;

/// The largest matrix a [`TaskSpec::Matrix`] may multiply. A 1024 × 1024 product is about a
/// billion multiply-adds, around a second per task on one core; anything larger is a typo, and
/// its inputs (16 MiB per side and growing as the square) would dwarf the pool being measured.
pub const MAX_MATRIX_SIZE: usize = 1024;

/// The largest `n` of a [`TaskSpec::Fibonacci`]. Naive `fib(40)` makes about 330 million calls,
/// around a second per task; each step beyond multiplies that by 1.6, so larger values are
/// mistakes rather than workloads.
pub const MAX_FIBONACCI_N: u32 = 40;

/// What one task does: the seed's task kinds as data.
///
/// Durations of CPU work are turned into fixed iteration counts by [`prepare`](Self::prepare),
/// once, so a task burns the same CPU however many threads compete for the cores.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_workloads::{Calibration, TaskSpec};
///
/// let spec = TaskSpec::Mixed { sleep: Duration::from_micros(100), work: Duration::from_micros(50) };
/// spec.validate()?;
/// let task = spec.prepare(&Calibration::fixed(100.0)?);
/// assert_eq!(task.run(1).stages[0].name, "mixed");
/// # Ok::<(), betapool_workloads::WorkloadError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TaskSpec {
    /// Blocks in `thread::sleep` for `sleep`: the stand-in for I/O (the seed's `io_task`).
    Io {
        /// How long to sleep.
        sleep: Duration,
    },
    /// Spins the calibrated loop for `work` of CPU time (the seed's `cpu_task_python`).
    Cpu {
        /// CPU time to burn.
        work: Duration,
    },
    /// Multiplies two seeded dense `size × size` matrices of `f64` (the seed's NumPy task).
    Matrix {
        /// The matrices' side, in `1..=`[`MAX_MATRIX_SIZE`].
        size: usize,
    },
    /// Sleeps for `sleep`, then spins for `work`: I/O followed by CPU (the seed's `mixed_task`).
    Mixed {
        /// How long to sleep first.
        sleep: Duration,
        /// CPU time to burn after.
        work: Duration,
    },
    /// Computes `fib(n)` by naive recursion (the seed's `fibonacci_task`).
    Fibonacci {
        /// Which Fibonacci number, at most [`MAX_FIBONACCI_N`].
        n: u32,
    },
    /// Each task's total time is drawn uniformly from `[min, max]` (by its seed);
    /// `cpu_fraction` of it is spun and the rest slept first (the seed's `variable_latency_task`).
    VariableLatency {
        /// Shortest total time.
        min: Duration,
        /// Longest total time; at least `min`.
        max: Duration,
        /// The share of the total spent on CPU, in `[0, 1]`.
        cpu_fraction: f64,
    },
    /// A simulated RAG request: five timed stages (the seed's `rag_pipeline_task`).
    Rag(RagSpec),
}

impl TaskSpec {
    /// Checks every parameter: matrix size in `1..=1024`, `n <= 40`, `min <= max` and
    /// `cpu_fraction` in `[0, 1]`. The error names the parameter and its value.
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_workloads::TaskSpec;
    ///
    /// assert!(TaskSpec::Fibonacci { n: 25 }.validate().is_ok());
    /// let err = TaskSpec::Fibonacci { n: 41 }.validate().unwrap_err();
    /// assert_eq!(err.to_string(), "fibonacci n must be at most 40, got 41");
    ///
    /// let ms = Duration::from_millis;
    /// let err = TaskSpec::VariableLatency { min: ms(5), max: ms(1), cpu_fraction: 0.2 }
    ///     .validate()
    ///     .unwrap_err();
    /// assert_eq!(err.to_string(), "variable latency min must be at most max (1ms), got 5ms");
    /// ```
    pub fn validate(&self) -> Result<(), WorkloadError> {
        match self {
            TaskSpec::Io { .. }
            | TaskSpec::Cpu { .. }
            | TaskSpec::Mixed { .. }
            | TaskSpec::Rag(_) => Ok(()),
            TaskSpec::Matrix { size } => {
                if (1..=MAX_MATRIX_SIZE).contains(size) {
                    Ok(())
                } else {
                    Err(WorkloadError::out_of_range(
                        "matrix size",
                        format!("in 1..={MAX_MATRIX_SIZE}"),
                        size,
                    ))
                }
            }
            TaskSpec::Fibonacci { n } => {
                if *n <= MAX_FIBONACCI_N {
                    Ok(())
                } else {
                    Err(WorkloadError::out_of_range(
                        "fibonacci n",
                        format!("at most {MAX_FIBONACCI_N}"),
                        n,
                    ))
                }
            }
            TaskSpec::VariableLatency {
                min,
                max,
                cpu_fraction,
            } => {
                if min > max {
                    return Err(WorkloadError::out_of_range(
                        "variable latency min",
                        format!("at most max ({max:?})"),
                        format!("{min:?}"),
                    ));
                }
                if !(0.0..=1.0).contains(cpu_fraction) {
                    return Err(WorkloadError::out_of_range(
                        "cpu_fraction",
                        "in [0, 1]",
                        cpu_fraction,
                    ));
                }
                Ok(())
            }
        }
    }

    /// The task's kind, which is also the stage name of every non-RAG task: `"io"`, `"cpu"`,
    /// `"matrix"`, `"mixed"`, `"fibonacci"`, `"variable"` or `"rag"`.
    ///
    /// ```
    /// assert_eq!(betapool_workloads::TaskSpec::Fibonacci { n: 3 }.kind(), "fibonacci");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            TaskSpec::Io { .. } => "io",
            TaskSpec::Cpu { .. } => "cpu",
            TaskSpec::Matrix { .. } => "matrix",
            TaskSpec::Mixed { .. } => "mixed",
            TaskSpec::Fibonacci { .. } => "fibonacci",
            TaskSpec::VariableLatency { .. } => "variable",
            TaskSpec::Rag(_) => "rag",
        }
    }

    /// The task ready to run: CPU durations converted to iterations with `cal`, matrix inputs
    /// generated. Do this once per spec, not per task.
    ///
    /// It does not validate; call [`validate`](Self::validate) first. A value out of range is
    /// brought into range (matrix size and `n` clamped, `min`/`max` swapped, `cpu_fraction`
    /// clamped, NaN taken as 0) so that running a task never panics.
    ///
    /// ```
    /// use betapool_workloads::{Calibration, TaskSpec};
    ///
    /// let task = TaskSpec::Matrix { size: 8 }.prepare(&Calibration::fixed(100.0)?);
    /// assert_eq!(task.run(0).checksum, task.run(99).checksum); // inputs do not depend on the seed
    /// # Ok::<(), betapool_workloads::WorkloadError>(())
    /// ```
    pub fn prepare(&self, cal: &Calibration) -> PreparedTask {
        PreparedTask::new(self, cal)
    }
}

#[cfg(test)]
mod tests;
