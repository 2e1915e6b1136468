//! A calibrated busy loop: a fixed amount of CPU work per task, measured once in iterations.
//!
//! The demo spins a fixed number of iterations, never "until 50 µs have passed": with more
//! threads than cores a spinning thread is often descheduled, and a time-based spin would then
//! burn less CPU per task the larger the pool, hiding exactly the cost of oversubscription.

use std::hint::black_box;
use std::time::{Duration, Instant};

/// Calibration times the loop over at least this span, so that the clock's resolution and
/// one-off costs (a page fault, the CPU raising its frequency) are small beside it.
const CALIBRATION_SPAN: Duration = Duration::from_millis(20);

/// Rounds of calibration. The fastest round wins: other processes on a shared machine can only
/// slow a round down, never speed it up, so the fastest is the closest to the loop's true speed.
const CALIBRATION_ROUNDS: usize = 3;

/// The iteration count the first calibration attempt starts from; doubled until it is long
/// enough.
const CALIBRATION_START: u64 = 1 << 10;

/// Runs `iterations` rounds of a small integer mix that the optimiser cannot remove or fold
/// (`black_box` hides each intermediate value), and returns the result.
pub(crate) fn spin(iterations: u64) -> u64 {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..iterations {
        x = black_box(x.rotate_left(5) ^ x.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ i);
    }
    x
}

/// How many iterations of [`spin`] take `work` of CPU time on this machine, measured now on the
/// calling thread. Zero work needs no measurement.
pub(crate) fn iterations_for(work: Duration) -> u64 {
    if work.is_zero() {
        return 0;
    }
    let per_second = (0..CALIBRATION_ROUNDS)
        .map(|_| iterations_per_second())
        .fold(0.0_f64, f64::max);
    // A float-to-int `as` saturates, so an absurd product cannot wrap; the flag bounds keep it
    // far from that anyway.
    (per_second * work.as_secs_f64()).round().max(1.0) as u64
}

/// One calibration round: the loop's speed over at least `CALIBRATION_SPAN`.
fn iterations_per_second() -> f64 {
    let mut n = CALIBRATION_START;
    loop {
        let start = Instant::now();
        black_box(spin(n));
        let took = start.elapsed();
        if took >= CALIBRATION_SPAN || n == u64::MAX {
            return n as f64 / took.as_secs_f64().max(f64::MIN_POSITIVE);
        }
        n = n.saturating_mul(2);
    }
}

#[cfg(test)]
mod tests;
