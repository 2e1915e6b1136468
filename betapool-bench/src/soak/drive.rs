//! The load generator: submits the planned tasks on their timetable while the monitor and the
//! reaper run, then waits for the pool to come back to its minimum.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use betapool_harness::{AdaptiveExecutor, procfs};
use betapool_workloads::PreparedTask;
use serde::Serialize;

use super::SoakArgs;
use super::arrivals::Arrivals;
use super::ledger::Ledger;
use super::monitor::{Monitor, Observed, sleep_until};
use super::plan::Plan;
use super::reaper::{Handles, reap};
use super::tasks::{PlannedPanic, kind_of, planned_panic};

/// How long the pool may take to come back to its minimum size after the load stops. The
/// default policy shrinks an idle pool within a few hundred milliseconds, so 10 s only fails a
/// pool that does not shrink at all.
pub(crate) const RETURN_WAIT: Duration = Duration::from_secs(10);

/// How often the thread count is read while waiting for the pool to come back to its minimum.
const RETURN_POLL: Duration = Duration::from_millis(10);

/// How the pool came back to its minimum after the load.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub(crate) enum BackToMin {
    /// Back at the minimum this long after the last arrival.
    Returned { after_s: f64 },
    /// Still above it when the wait ended.
    NotWithin { waited_s: f64, threads: usize },
}

/// Waits up to [`RETURN_WAIT`] after `last_arrival` for the pool to be back at `min` workers.
fn wait_for_min(exec: &AdaptiveExecutor, min: usize, last_arrival: Instant) -> BackToMin {
    loop {
        let threads = exec.executor().current_thread_count();
        let waited = last_arrival.elapsed();
        if threads <= min {
            return BackToMin::Returned {
                after_s: waited.as_secs_f64(),
            };
        }
        if waited >= RETURN_WAIT {
            return BackToMin::NotWithin {
                waited_s: waited.as_secs_f64(),
                threads,
            };
        }
        thread::sleep(RETURN_POLL);
    }
}

/// What the load phase hands back.
pub(crate) struct Ran {
    pub(crate) observed: Observed,
    pub(crate) handles: Handles,
    pub(crate) back: BackToMin,
    pub(crate) submitted: u64,
    /// Process CPU seconds over the load, and the seconds they were counted over.
    pub(crate) cpu: Option<(f64, f64)>,
}

/// Submits the planned tasks on their timetable while the monitor and the reaper run, then
/// waits for the pool to come back to its minimum.
pub(crate) fn drive(
    args: &SoakArgs,
    load: Duration,
    plan: &Plan,
    prepared: &[PreparedTask; 3],
    ledger: &Arc<Ledger>,
    exec: &AdaptiveExecutor,
) -> Result<Ran> {
    let seed = args.seed;
    let min = exec.executor().engine().min_workers();
    // Built before the threads start: once the monitor runs, only its own stop flag ends it.
    let arrivals = Arrivals::new(seed, load).context("building the arrivals")?;
    let submitted = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let cpu_before = procfs::process_cpu_time();
    let start = Instant::now();
    thread::scope(|s| {
        let (tx, rx) = mpsc::channel();
        let reaper = thread::Builder::new()
            .name("soak-reaper".into())
            .spawn_scoped(s, move || reap(rx, seed))
            .context("starting the reaper thread")?;
        let monitor = Monitor {
            exec,
            start,
            load,
            load_s: load.as_secs_f64(),
            stop: &stop,
            submitted: &submitted,
            ledger,
        };
        let monitor = thread::Builder::new()
            .name("soak-monitor".into())
            .spawn_scoped(s, move || monitor.run())
            .context("starting the monitor thread")?;

        for (id, due) in arrivals.take(plan.tasks).enumerate() {
            sleep_until(start + due);
            let task = prepared[kind_of(seed, id).index()].clone();
            let panics = planned_panic(seed, id);
            let ledger = Arc::clone(ledger);
            let handle = exec.executor().submit(move || {
                ledger.record(id);
                if panics {
                    std::panic::panic_any(PlannedPanic(id));
                }
                black_box(task.run(seed ^ id as u64).checksum);
            });
            submitted.fetch_add(1, Ordering::Relaxed);
            // The reaper ends only when this sender is dropped, so a send cannot fail unless
            // the reaper panicked; its join below reports that.
            if tx.send((id, handle)).is_err() {
                break;
            }
        }
        let last_arrival = Instant::now();
        drop(tx);
        let back = wait_for_min(exec, min, last_arrival);
        // The last minute ends with its pause: its end-of-minute sample is due at `load`.
        sleep_until(start + load);
        let cpu = match (cpu_before, procfs::process_cpu_time()) {
            (Some(a), Some(b)) => Some((
                b.saturating_sub(a).as_secs_f64(),
                start.elapsed().as_secs_f64(),
            )),
            _ => None,
        };
        stop.store(true, Ordering::Relaxed);
        let observed = monitor
            .join()
            .map_err(|_| anyhow!("the monitor thread panicked"))?;
        let handles = reaper
            .join()
            .map_err(|_| anyhow!("the reaper thread panicked"))?;
        Ok(Ran {
            observed,
            handles,
            back,
            submitted: submitted.load(Ordering::Relaxed),
            cpu,
        })
    })
}
