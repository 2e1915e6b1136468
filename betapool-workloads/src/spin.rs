//! A calibrated busy loop: CPU work of a chosen length, fixed once as an iteration count.
//!
//! A task spins a fixed number of iterations, never "until 100 µs have passed": with more
//! threads than cores a spinning thread is often descheduled, and a time-based spin would then
//! burn less CPU per task the larger the pool, hiding exactly the cost of oversubscription.

use std::hint::black_box;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::WorkloadError;

/// A calibration round times the loop over at least this span, so that the clock's resolution
/// and one-off costs (a page fault, the CPU raising its frequency) are small beside it.
const CALIBRATION_SPAN: Duration = Duration::from_millis(20);

/// Rounds of calibration. The fastest round wins: other processes on a shared machine can only
/// slow a round down, never speed it up, so the fastest is the closest to the loop's true speed.
const CALIBRATION_ROUNDS: usize = 3;

/// The iteration count a calibration round starts from; doubled until the round is long enough.
const CALIBRATION_START: u64 = 1 << 10;

/// Microseconds per second, to turn a measured rate into iterations per microsecond.
const MICROS_PER_SECOND: f64 = 1e6;

/// Runs `iterations` rounds of a small integer mix that the optimiser cannot remove or fold
/// (`black_box` hides each intermediate value), and returns the result.
///
/// The cost per iteration is constant, so a count fixed by a [`Calibration`] is a fixed amount
/// of CPU work however the thread is scheduled.
///
/// # Examples
///
/// ```
/// use betapool_workloads::spin;
///
/// assert_eq!(spin(1000), spin(1000));
/// assert_ne!(spin(1000), spin(1001));
/// ```
pub fn spin(iterations: u64) -> u64 {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..iterations {
        x = black_box(x.rotate_left(5) ^ x.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ i);
    }
    x
}

/// How fast [`spin`] runs on this machine: the bridge from "100 µs of CPU" to an iteration count.
///
/// Measure it once per process ([`Calibration::measure`]) or give a known value
/// ([`Calibration::fixed`]), then let [`TaskSpec::prepare`](crate::TaskSpec::prepare) convert
/// every CPU duration to iterations before the run starts.
///
/// Deserialising checks the value the same way [`Calibration::fixed`] does.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_workloads::Calibration;
///
/// let cal = Calibration::fixed(500.0)?;
/// assert_eq!(cal.iterations_for(Duration::from_micros(100)), 50_000);
/// # Ok::<(), betapool_workloads::WorkloadError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawCalibration")]
pub struct Calibration {
    /// Iterations of [`spin`] per microsecond of CPU time; positive and finite.
    pub iterations_per_us: f64,
}

/// The unchecked form a [`Calibration`] is deserialised through.
#[derive(Deserialize)]
struct RawCalibration {
    iterations_per_us: f64,
}

impl TryFrom<RawCalibration> for Calibration {
    type Error = WorkloadError;

    fn try_from(raw: RawCalibration) -> Result<Calibration, WorkloadError> {
        Calibration::fixed(raw.iterations_per_us)
    }
}

impl Calibration {
    /// Times [`spin`] on the calling thread now: the fastest of a few rounds of about 20 ms
    /// each, so about 60 ms in all. Call it once, before the pools under test start.
    ///
    /// ```
    /// let cal = betapool_workloads::Calibration::measure();
    /// assert!(cal.iterations_per_us > 0.0 && cal.iterations_per_us.is_finite());
    /// ```
    pub fn measure() -> Calibration {
        let per_second = (0..CALIBRATION_ROUNDS)
            .map(|_| iterations_per_second())
            .fold(0.0_f64, f64::max);
        let per_us = per_second / MICROS_PER_SECOND;
        // Each round lasts at least `CALIBRATION_SPAN`, so the rate is finite and positive; the
        // fallback only guards the invariant should a clock ever misbehave.
        let per_us = if per_us.is_finite() && per_us > 0.0 {
            per_us
        } else {
            f64::MIN_POSITIVE
        };
        Calibration {
            iterations_per_us: per_us,
        }
    }

    /// A calibration with a known speed, for tests and for replaying a recorded run.
    /// `iterations_per_us` must be positive and finite.
    ///
    /// ```
    /// use betapool_workloads::Calibration;
    ///
    /// assert!(Calibration::fixed(250.0).is_ok());
    /// assert!(Calibration::fixed(-1.0).is_err());
    /// assert!(Calibration::fixed(f64::NAN).is_err());
    /// ```
    pub fn fixed(iterations_per_us: f64) -> Result<Calibration, WorkloadError> {
        if iterations_per_us.is_finite() && iterations_per_us > 0.0 {
            Ok(Calibration { iterations_per_us })
        } else {
            Err(WorkloadError::out_of_range(
                "iterations_per_us",
                "positive and finite",
                iterations_per_us,
            ))
        }
    }

    /// The iteration count of [`spin`] that takes `cpu` of CPU time. Zero time is zero
    /// iterations; any other time is at least one. It never decreases as `cpu` grows.
    ///
    /// ```
    /// use std::time::Duration;
    /// let cal = betapool_workloads::Calibration::fixed(2.0)?;
    /// assert_eq!(cal.iterations_for(Duration::ZERO), 0);
    /// assert_eq!(cal.iterations_for(Duration::from_nanos(1)), 1);
    /// assert_eq!(cal.iterations_for(Duration::from_millis(1)), 2_000);
    /// # Ok::<(), betapool_workloads::WorkloadError>(())
    /// ```
    pub fn iterations_for(&self, cpu: Duration) -> u64 {
        if cpu.is_zero() {
            return 0;
        }
        let exact = self.iterations_per_us * cpu.as_secs_f64() * MICROS_PER_SECOND;
        // A float-to-int `as` saturates (and maps NaN to 0), so an absurd product cannot wrap.
        (exact.round() as u64).max(1)
    }
}

/// One calibration round: the loop's speed, in iterations per second, over at least
/// `CALIBRATION_SPAN`.
fn iterations_per_second() -> f64 {
    let mut n = CALIBRATION_START;
    loop {
        let start = Instant::now();
        black_box(spin(black_box(n)));
        let took = start.elapsed();
        if took >= CALIBRATION_SPAN || n == u64::MAX {
            return n as f64 / took.as_secs_f64().max(f64::MIN_POSITIVE);
        }
        n = n.saturating_mul(2);
    }
}

#[cfg(test)]
mod tests;
