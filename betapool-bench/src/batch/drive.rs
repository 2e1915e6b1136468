//! The open-loop driver: submits requests on a Poisson schedule whatever the runtime does, and
//! records when each one's result arrives through its waker, without a thread per request.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use betapool_batch::{Infer, InferError, InferenceRuntime};
use betapool_workloads::{ArrivalProcess, PoissonArrivals};

use super::model::SpinModel;

/// Time waited for the last results after the last submission before giving up on them (they
/// are then counted as lost, which the report shows).
const DRAIN_WAIT: Duration = Duration::from_secs(30);

/// The share of a run's requests, from its start, left out of its figures: the default policy
/// fits its cost model over the first batches, and every configuration gets the same warm-up.
const WARM_UP_SHARE: f64 = 0.1;

/// Wakes into a slot of the shared completion table.
struct Record {
    index: usize,
    start: Instant,
    done_at: Arc<Vec<AtomicU64>>,
}

impl Wake for Record {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let ns = self.start.elapsed().as_nanos() as u64;
        // A result is delivered once; 0 means "not yet", so the first real time is at least 1.
        let _ = self.done_at[self.index].compare_exchange(
            0,
            ns.max(1),
            Ordering::AcqRel,
            Ordering::Relaxed,
        );
    }
}

/// What one open-loop run measured.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub(crate) struct Outcome {
    pub(crate) offered_per_s: f64,
    pub(crate) submitted: usize,
    /// Requests counted (after the warm-up).
    pub(crate) measured: usize,
    pub(crate) completed: usize,
    pub(crate) refused_full: usize,
    pub(crate) refused_deadline: usize,
    pub(crate) failed: usize,
    /// Accepted but no result within the drain wait.
    pub(crate) lost: usize,
    pub(crate) throughput_per_s: f64,
    pub(crate) p50_ms: f64,
    pub(crate) p99_ms: f64,
    pub(crate) max_ms: f64,
    /// The 99th percentile of how long a refused `infer` call took to return.
    pub(crate) refusal_p99_us: f64,
    /// Of the dropped futures: requests cancelled before a batch took them, and the model's
    /// count of requests it ran.
    pub(crate) dropped: usize,
    /// Requests accepted over the whole run (warm-up included).
    pub(crate) accepted_all: u64,
    pub(crate) model_saw: u64,
    pub(crate) cancelled: u64,
    pub(crate) mean_batch: f64,
}

/// Runs `rate × duration` requests on a Poisson schedule; every `drop_every`-th future (if any)
/// is dropped right after submission, cancelling its request if no batch has taken it yet.
pub(crate) fn open_loop(
    rt: &InferenceRuntime<SpinModel>,
    model_seen: &AtomicU64,
    rate: f64,
    duration: Duration,
    seed: u64,
    drop_every: Option<usize>,
) -> Outcome {
    let n = ((rate * duration.as_secs_f64()).round() as usize).max(1);
    let warm = ((n as f64) * WARM_UP_SHARE) as usize;
    let done_at: Arc<Vec<AtomicU64>> = Arc::new((0..n).map(|_| AtomicU64::new(0)).collect());
    let mut submitted_at = vec![0u64; n];
    let mut refusal_us = Vec::new();
    let mut refused = vec![None::<InferError>; n];
    let mut pending: Vec<(usize, Infer<u32>)> = Vec::with_capacity(n);
    let mut arrivals = PoissonArrivals::new(rate, seed).expect("positive rate");
    let seen_before = model_seen.load(Ordering::Relaxed);
    let cancelled_before = rt.stats().cancelled;
    let batches_before = rt.stats().batches;
    let start = Instant::now();
    let mut due = Duration::ZERO;
    let mut dropped = 0;
    let mut accepted_all = 0u64;
    for i in 0..n {
        due += arrivals.inter_arrival_time(due);
        wait_until(start + due);
        let t = start.elapsed();
        submitted_at[i] = t.as_nanos() as u64;
        let mut fut = rt.infer(i as u32);
        let waker = Waker::from(Arc::new(Record {
            index: i,
            start,
            done_at: done_at.clone(),
        }));
        match Pin::new(&mut fut).poll(&mut Context::from_waker(&waker)) {
            Poll::Ready(Ok(_)) => {
                accepted_all += 1;
                done_at[i].store(
                    (start.elapsed().as_nanos() as u64).max(1),
                    Ordering::Release,
                );
            }
            Poll::Ready(Err(e)) => {
                refusal_us.push((start.elapsed() - t).as_secs_f64() * 1e6);
                refused[i] = Some(e);
            }
            Poll::Pending => {
                accepted_all += 1;
                if drop_every.is_some_and(|k| i % k == 0) {
                    dropped += 1;
                    drop(fut);
                } else {
                    pending.push((i, fut));
                }
            }
        }
    }
    // Wait for every kept request: each ends with a wake-up (dropped ones may never wake).
    let expected = pending.len();
    let give_up = Instant::now() + DRAIN_WAIT;
    loop {
        let woken = pending
            .iter()
            .filter(|(i, _)| done_at[*i].load(Ordering::Acquire) != 0)
            .count();
        if woken >= expected || Instant::now() >= give_up {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let mut lost = vec![false; n];
    let noop = Waker::noop();
    for (i, mut fut) in pending {
        match Pin::new(&mut fut).poll(&mut Context::from_waker(noop)) {
            Poll::Ready(Ok(_)) => {}
            Poll::Ready(Err(e)) => refused[i] = Some(e),
            Poll::Pending => lost[i] = true,
        }
    }
    let stats = rt.stats();
    let mut lat: Vec<f64> = Vec::new();
    let mut out = Outcome {
        offered_per_s: rate,
        submitted: n,
        dropped,
        accepted_all,
        ..Outcome::default()
    };
    let mut first_ns = u64::MAX;
    let mut last_ns = 0u64;
    for i in warm..n {
        out.measured += 1;
        match &refused[i] {
            Some(InferError::QueueFull { .. }) => out.refused_full += 1,
            Some(InferError::DeadlineExceeded { .. }) => out.refused_deadline += 1,
            Some(_) => out.failed += 1,
            None if lost[i] => out.lost += 1,
            None => {
                let d = done_at[i].load(Ordering::Acquire);
                if d == 0 {
                    continue; // a dropped future
                }
                out.completed += 1;
                lat.push((d - submitted_at[i]) as f64 / 1e6);
                first_ns = first_ns.min(submitted_at[i]);
                last_ns = last_ns.max(d);
            }
        }
    }
    if last_ns > first_ns {
        out.throughput_per_s = out.completed as f64 / ((last_ns - first_ns) as f64 / 1e9);
    }
    lat.sort_by(f64::total_cmp);
    out.p50_ms = quantile(&lat, 0.50);
    out.p99_ms = quantile(&lat, 0.99);
    out.max_ms = lat.last().copied().unwrap_or(f64::NAN);
    refusal_us.sort_by(f64::total_cmp);
    out.refusal_p99_us = quantile(&refusal_us, 0.99);
    out.model_saw = model_seen.load(Ordering::Relaxed) - seen_before;
    out.cancelled = stats.cancelled - cancelled_before;
    let batches = stats.batches - batches_before;
    out.mean_batch = if batches == 0 {
        0.0
    } else {
        out.model_saw as f64 / batches as f64
    };
    out
}

/// The q-quantile of sorted values (nearest rank), NaN when there are none.
pub(crate) fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Sleeps most of the way to `t`, then yields until it: a sleep alone overshoots by tens of
/// microseconds, which at 3 500 requests/s is a fifth of a gap.
fn wait_until(t: Instant) {
    const SPIN_WINDOW: Duration = Duration::from_micros(200);
    loop {
        let now = Instant::now();
        if now >= t {
            return;
        }
        let left = t - now;
        if left > SPIN_WINDOW {
            std::thread::sleep(left - SPIN_WINDOW);
        } else {
            std::thread::yield_now();
        }
    }
}
