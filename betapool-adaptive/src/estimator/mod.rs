//! The estimator: turns one tick's readings of the workers, the engine and the process into an
//! `Observation`. Pure arithmetic: time and readings are passed in as values, so every formula
//! here is tested on constructed readings (`tests.rs`); the sampler does the reading.
//!
//! # What a tick yields
//!
//! Each worker's readings are kept from one tick to the next ([`worker`]), and a new reading
//! adds the worker's deltas since the last one to the tick's sums: a CPU clock reading adds its
//! busy time and CPU time, a `schedstat` reading (at most one per worker per
//! [`DELAY_WINDOW`](worker::DELAY_WINDOW), because the kernel books run delay in lumps) its
//! busy time, run delay and CPU time. A worker's first reading, or the first of a new thread in
//! a reused slot, is only a baseline: deltas need two readings, so a growth adds nothing until
//! its workers are read again. The `Observation` carries `busy_delta` and `cpu_delta`, the clock
//! sample's busy and CPU time over the newest ticks that together hold
//! [`RATIO_MIN_CPU`](windows::RATIO_MIN_CPU) of CPU (at most
//! [`DELAY_WINDOW`](worker::DELAY_WINDOW) of them), and the `run_delay_delta` of that busy time,
//! from which it computes the seed's β = 1 − cpu / busy, the corrected
//! β_true = 1 − (cpu + run delay) / busy and the contention run delay / busy. Only ratios
//! matter, so a sample of the workers serves as well as all of them, and a few ticks as well
//! as one. One tick alone is not enough: workers that wait for a core inside a task add time
//! in tasks and no CPU, and the kernel books the wait as run delay only once they run again,
//! so a tick the controller takes late, during such waits, reads busy / cpu in the tens of
//! thousands for a flood of no-op tasks (seen in traces of `tiny-noop`, each such tick growing
//! the pool to its maximum); over the window the CPU time the same workers spent just before
//! dilutes it to what the work does.
//!
//! # Contention, fresh every tick
//!
//! A `schedstat` read gives a worker's run-queue delay and its CPU time over the same window, so
//! the delay sample yields the work's own ratio `u = (busy − run_delay) / cpu`: busy time per
//! unit of CPU with the queueing for cores taken out. It is a property of the tasks (a 100 µs
//! sleep before 50 µs of CPU gives about 4 whatever the pool size), so it changes only when the
//! work does, and it is kept as a running average ([`OWN_RATIO_WEIGHT`]). The clock sample's
//! fresh `r = busy / cpu`, taken over the newest ticks that hold
//! [`RATIO_MIN_CPU`](windows::RATIO_MIN_CPU) of CPU, rises at once when workers start waiting
//! for cores, and the two together give this tick's run delay, `busy − cpu × u`, that is a
//! contention of `1 − u / r` (with `u` at least 1, since a task cannot be busy for less than
//! its CPU time, and the contention kept within [0, 1]). Reading the contention from the delay
//! sample alone would lag it by the sample's 10 ms window; a controller that grows on a fresh
//! `r` while vetoing on a stale contention overshoots, then shrinks on a stale contention while
//! `r` has already fallen, and so oscillates (measured on the mixed workload: between 4 and 30
//! threads every 40 ms).
//!
//! # Blocked workers
//!
//! A worker inside a task whose CPU clock advanced by less than
//! [`STILL_CPU_SHARE`](worker::STILL_CPU_SHARE) of the wall time is still. Still for
//! [`BLOCKED_AFTER`](worker::BLOCKED_AFTER) in a task that has run that long, it is either
//! stuck in a call or an oversubscribed CPU-bound worker waiting for its turn; the kernel's
//! task state tells them apart, and only one asleep is counted in `blocked_workers`. A blocked
//! worker's time is left out of the sums: it says nothing about the work the others do.
//!
//! # Lock waits
//!
//! A worker waiting for a lock that serialises the workers (Python's GIL) sleeps in the kernel,
//! so its wait looks like I/O. Tasks can report such waits
//! ([`LockWaitReporter`](crate::LockWaitReporter)); the share of the busy workers waiting for
//! the lock (at the tick, or in waits that ended since the last one) is taken out of the delay sample's busy time before `u` is computed.
//! The lock wait then is busy time that `cpu × u` does not explain, and reads as contention,
//! like a wait for a core: four workers running pure-Python code on two cores spend three
//! quarters of their time waiting for the GIL and read a contention of 0.75, not a β_true of
//! 0.75. The same share of the clock sample's busy time is the tick's `lock_wait_delta`, and
//! the tick's run delay is at least that much, so the contention shows from the first tick,
//! before any delay sample. With nothing reported the share is 0 and nothing changes.
//!
//! The process's CPU use in cores is taken over at least
//! [`PROCESS_WINDOW`](windows::PROCESS_WINDOW), because its clock advances in scheduler ticks.

mod readings;
mod windows;
mod worker;

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use betapool_core::controller::Observation;

pub(crate) use readings::{ClockReading, DelayReading, PoolReading, WorkerReading};
use windows::{FreshRatio, ProcessRate};
use worker::Track;

/// Weight of a new delay sample in the running average of the work's own ratio `u`: about the
/// last four samples count. One sample is a few workers over about 10 ms and scatters by
/// ±20 % (4 spinners on 2 cores read 0.65 to 1.2 around a true 1.0); the ratio belongs to the
/// work and changes only when the work does, so it is averaged over several samples.
pub(crate) const OWN_RATIO_WEIGHT: f64 = 0.25;

/// Sums over the sampled workers of one tick.
#[derive(Debug, Default, Clone, Copy)]
struct Sums {
    busy: Duration,
    cpu: Duration,
    delay_busy: Duration,
    delay: Duration,
    delay_cpu: Duration,
    clock_samples: usize,
    delay_samples: usize,
}

/// See the module documentation. Times are since the sampler started.
#[derive(Debug)]
pub(crate) struct Estimator {
    cores: usize,
    last_tick: Option<Duration>,
    last_completed: u64,
    process: ProcessRate,
    tracks: HashMap<usize, Track>,
    /// The running average of `u = (busy − run_delay) / cpu` of the delay sample (see the
    /// module documentation).
    own_ratio: Option<f64>,
    fresh: FreshRatio,
    /// The lock waiting reported up to the previous tick.
    last_lock_waited: Duration,
}

/// One tick in progress: its readings are added with [`Tick::clock`] and [`Tick::delay`], and
/// [`Tick::finish`] turns them into the tick's `Observation`.
#[derive(Debug)]
pub(crate) struct Tick<'e> {
    estimator: &'e mut Estimator,
    at: Duration,
    window: Duration,
    sums: Sums,
}

impl Estimator {
    /// An estimator with no readings yet, for a machine with `cores` usable cores.
    pub(crate) fn new(cores: usize) -> Estimator {
        Estimator {
            cores: cores.max(1),
            last_tick: None,
            last_completed: 0,
            process: ProcessRate::default(),
            tracks: HashMap::new(),
            own_ratio: None,
            fresh: FreshRatio::default(),
            last_lock_waited: Duration::ZERO,
        }
    }

    /// Starts the tick whose readings are all taken at `at`.
    pub(crate) fn begin(&mut self, at: Duration) -> Tick<'_> {
        let window = self
            .last_tick
            .map_or(Duration::ZERO, |t| at.saturating_sub(t));
        self.last_tick = Some(at);
        Tick {
            estimator: self,
            at,
            window,
            sums: Sums::default(),
        }
    }
}

impl Tick<'_> {
    /// Whether the estimator has no readings of the worker in slot `index` yet (a growth just
    /// started it): its first readings are worth taking now.
    pub(crate) fn is_new(&self, index: usize) -> bool {
        !self.estimator.tracks.contains_key(&index)
    }

    /// Whether `reading` needs the kernel's task state: the worker has been still for long
    /// enough that only the kernel can say whether it is blocked. The state is read only then
    /// because it costs a file read.
    pub(crate) fn wants_task_state(&self, reading: &ClockReading) -> bool {
        self.estimator
            .tracks
            .get(&reading.worker.index)
            .is_some_and(|track| track.long_still(self.at, reading))
    }

    /// Adds a CPU clock reading.
    pub(crate) fn clock(&mut self, reading: ClockReading) {
        let Some(tid) = reading.worker.tid else {
            return;
        };
        let fresh = Track::first(tid, self.at, &reading.worker, reading.cpu);
        let track = self
            .estimator
            .tracks
            .entry(reading.worker.index)
            .or_insert(fresh);
        if !track.is_of(tid) {
            // The slot was reused by a new thread: start over.
            *track = fresh;
            return;
        }
        track.clock(self.at, &reading, &mut self.sums);
    }

    /// Whether a `schedstat` reading of `worker` is due: it has been read by the clock, and
    /// its run delay never or not within [`DELAY_WINDOW`](worker::DELAY_WINDOW).
    pub(crate) fn delay_due(&self, worker: &WorkerReading) -> bool {
        let Some(tid) = worker.tid else {
            return false;
        };
        self.estimator
            .tracks
            .get(&worker.index)
            .is_some_and(|track| track.is_of(tid) && track.delay_due(self.at))
    }

    /// Adds a `schedstat` reading; one that is not due (see [`Tick::delay_due`]) is ignored.
    pub(crate) fn delay(&mut self, reading: DelayReading) {
        if !self.delay_due(&reading.worker) {
            return;
        }
        if let Some(track) = self.estimator.tracks.get_mut(&reading.worker.index) {
            track.delay(self.at, &reading, &mut self.sums);
        }
    }

    /// Ends the tick: `workers` are all the pool's workers at this tick, `pool` the engine's
    /// and the process's readings.
    pub(crate) fn finish(self, workers: &[WorkerReading], pool: PoolReading) -> Observation {
        let Tick {
            estimator,
            at,
            window,
            sums,
        } = self;
        let completed_delta = pool
            .completed_total
            .saturating_sub(estimator.last_completed);
        estimator.last_completed = pool.completed_total;

        let busy_workers = workers.iter().filter(|w| w.in_task_for.is_some()).count();
        let waited = pool.lock_waited.saturating_sub(estimator.last_lock_waited);
        estimator.last_lock_waited = pool.lock_waited;
        let lock_share = lock_share(pool.lock_waiting, waited, window, busy_workers);
        if sums.delay_samples > 0 && !sums.delay_cpu.is_zero() {
            // Reported lock waiting is not the work's own: it is taken out of the busy time
            // like the run delay, so it reappears as contention (see "Lock waits" above).
            let own_busy = sums.delay_busy.mul_f64(1.0 - lock_share);
            let own =
                own_busy.saturating_sub(sums.delay).as_secs_f64() / sums.delay_cpu.as_secs_f64();
            // Not clamped to its floor of 1 here: clamping each sample would bias the mean.
            estimator.own_ratio = Some(match estimator.own_ratio {
                Some(old) => old + OWN_RATIO_WEIGHT * (own - old),
                None => own,
            });
        }
        estimator.forget_gone_workers(workers);
        let blocked_workers = workers
            .iter()
            .filter(|w| estimator.tracks.get(&w.index).is_some_and(|t| t.blocked))
            .count();

        let (busy_delta, cpu_delta, run_delay_delta) =
            if sums.clock_samples == 0 || sums.busy.is_zero() {
                (sums.busy, None, None)
            } else {
                // The clock sample of the newest ticks that hold enough CPU time to mean
                // something (see "What a tick yields" above), not of this tick alone.
                let (busy, cpu) = estimator.fresh.add(at, sums.busy, sums.cpu);
                // The run delay: the share of the busy time that the CPU time does not account
                // for at the work's own ratio (see the module documentation).
                let delay = estimator.own_ratio.map(|u| {
                    let unexplained = 1.0 - u.max(1.0) * cpu.as_secs_f64() / busy.as_secs_f64();
                    busy.mul_f64(unexplained.clamp(0.0, 1.0))
                });
                (busy, Some(cpu), delay)
            };
        let lock_wait = busy_delta.mul_f64(lock_share);
        // The workers waiting for the shared lock now were not running their own work: at
        // least that share of the busy time is contention, read fresh from the gauge, before a
        // delay sample has measured `u` and while the running average of `u` still lags. With
        // nothing reported, `lock_wait` is zero and changes nothing.
        let run_delay_delta = match run_delay_delta {
            Some(delay) => Some(delay.max(lock_wait)),
            None if cpu_delta.is_some() => Some(lock_wait).filter(|wait| !wait.is_zero()),
            None => None,
        };

        Observation {
            now: at,
            window,
            current_threads: pool.current_threads,
            target: pool.target,
            min_threads: pool.min_threads,
            max_threads: pool.max_threads,
            idle_threads: pool.idle_threads,
            queued: pool.queued,
            completed_total: pool.completed_total,
            completed_delta,
            busy_delta,
            cpu_delta,
            run_delay_delta,
            lock_wait_delta: lock_wait,
            system_cpu_percent: pool.system_cpu_percent,
            cores: estimator.cores,
            blocked_workers,
            busy_workers,
            process_cpu_cores: pool
                .process_cpu
                .and_then(|cpu| estimator.process.add(at, cpu)),
        }
    }
}

/// The share of the busy workers' time spent waiting for the shared lock: the larger of the
/// share waiting now (`waiting` tasks, a gauge, so a long wait counts while it lasts) and the
/// waits that ended since the previous tick (`waited` over `window`), which catches the short
/// ones no tick happens to fall in. At most 1; 0 when nothing is reported.
fn lock_share(waiting: usize, waited: Duration, window: Duration, busy_workers: usize) -> f64 {
    if busy_workers == 0 {
        return 0.0;
    }
    let now = waiting as f64 / busy_workers as f64;
    let ended = if window.is_zero() {
        0.0
    } else {
        waited.as_secs_f64() / (window.as_secs_f64() * busy_workers as f64)
    };
    now.max(ended).min(1.0)
}

impl Estimator {
    fn forget_gone_workers(&mut self, workers: &[WorkerReading]) {
        if self.tracks.len() > workers.len() {
            let live: HashSet<usize> = workers.iter().map(|w| w.index).collect();
            self.tracks.retain(|index, _| live.contains(index));
        }
    }
}

#[cfg(test)]
mod tests;
