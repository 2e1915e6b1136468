//! The signal sampler: reads the engine's counters and the kernel's clocks for one tick and
//! hands them to the [`Estimator`], which turns them into the tick's `Observation`.
//!
//! Cheap readings are taken for every worker on every tick: the engine's per-worker busy time
//! (an atomic load each) and the process CPU clock (one ~400 ns call). The dear ones are spread
//! over ticks: each tick reads the CPU clocks of at most [`CLOCK_SAMPLE`] workers (a few hundred
//! ns each) and the run-queue delay of at most [`DELAY_SAMPLE`] (a `schedstat` read, ~5 µs
//! each), rotating through the pool, so the controller's cost stays bounded whatever the pool
//! size. Ratios (busy per CPU, contention) are what the policies use, and a rotating sample of
//! workers estimates them well because the workers share one queue of the same tasks. A
//! worker's task state (a `stat` read) is read only when the estimator asks for it.

use std::time::Instant;

use betapool_core::controller::Observation;
use betapool_core::{Pool, WorkerStats};

use crate::estimator::{ClockReading, DelayReading, Estimator, PoolReading, Tick, WorkerReading};
use crate::lock_wait::LockWaitReporter;
use crate::signal::{clock, schedstat, task_state};

/// Workers whose thread CPU clock is read per tick (≈ 300 ns each).
pub(crate) const CLOCK_SAMPLE: usize = 32;

/// Workers whose run-queue delay is read per tick (≈ 5 µs each: a file read).
pub(crate) const DELAY_SAMPLE: usize = 4;

/// New workers whose first clock and run-delay readings are taken per tick, on top of the
/// rotating samples: a first reading costs one clock read and one `schedstat` read, so a growth
/// of 512 threads is read in under ten ticks at a bounded cost per tick.
pub(crate) const FIRST_READINGS: usize = 64;

/// See the module documentation.
#[derive(Debug)]
pub(crate) struct Sampler {
    start: Instant,
    estimator: Estimator,
    /// The engine's readings of every worker this tick, kept to reuse the allocation.
    workers: Vec<WorkerReading>,
    clock_cursor: usize,
    delay_cursor: usize,
    #[cfg(feature = "system-cpu")]
    system: crate::signal::SystemCpu,
}

impl Sampler {
    pub(crate) fn new(cores: usize) -> Sampler {
        Sampler {
            start: Instant::now(),
            estimator: Estimator::new(cores),
            workers: Vec::new(),
            clock_cursor: 0,
            delay_cursor: 0,
            #[cfg(feature = "system-cpu")]
            system: crate::signal::SystemCpu::new(),
        }
    }

    /// Reads everything for one tick; `lock` is what the pool's tasks report of their waits
    /// for a shared lock.
    pub(crate) fn sample(&mut self, pool: &Pool, lock: &LockWaitReporter) -> Observation {
        let now = Instant::now();
        let mut tick = self
            .estimator
            .begin(now.saturating_duration_since(self.start));

        self.workers.clear();
        self.workers
            .extend(pool.worker_stats().iter().map(worker_reading));
        let counters = pool.counters();
        let workers = &self.workers;
        let n = workers.len();
        if n > 0 {
            let clock_count = CLOCK_SAMPLE.min(n);
            for k in 0..clock_count {
                read_clock(&mut tick, &workers[(self.clock_cursor + k) % n]);
            }
            self.clock_cursor = (self.clock_cursor + clock_count) % n;
            // Workers the estimator has never seen (a growth just started them) get their first
            // readings now, so that the rotation yields ratios from them as soon as it reaches
            // them. Otherwise, after a growth of hundreds of threads, every worker the rotation
            // met for a while would be a first reading, and the controller would go blind for as
            // many ticks as it takes to go round the pool.
            let mut first = 0;
            for w in workers {
                if first == FIRST_READINGS {
                    break;
                }
                if w.tid.is_some() && tick.is_new(w.index) {
                    read_clock(&mut tick, w);
                    read_delay(&mut tick, w);
                    first += 1;
                }
            }
            let delay_count = DELAY_SAMPLE.min(n);
            for k in 0..delay_count {
                read_delay(&mut tick, &workers[(self.delay_cursor + k) % n]);
            }
            self.delay_cursor = (self.delay_cursor + delay_count) % n;
        }

        #[cfg(feature = "system-cpu")]
        let system_cpu_percent = self.system.percent(now);
        #[cfg(not(feature = "system-cpu"))]
        let system_cpu_percent = None;

        tick.finish(
            workers,
            PoolReading {
                current_threads: pool.live_workers(),
                target: pool.target(),
                min_threads: pool.min_workers(),
                max_threads: pool.max_workers(),
                idle_threads: pool.idle_workers(),
                queued: pool.queued(),
                completed_total: counters.completed + counters.panicked,
                process_cpu: clock::process_cpu_time(),
                system_cpu_percent,
                lock_waiting: lock.waiting(),
                lock_waited: lock.total(),
            },
        )
    }
}

/// The engine's snapshot of one worker, as the estimator reads it.
fn worker_reading(w: &WorkerStats) -> WorkerReading {
    WorkerReading {
        index: w.index,
        tid: w.os_tid,
        busy: w.busy_now(),
        in_task_for: w.in_task_for,
    }
}

/// Reads one worker's CPU clock, and its task state if the estimator needs it.
fn read_clock(tick: &mut Tick<'_>, w: &WorkerReading) {
    let Some(tid) = w.tid else { return };
    let mut reading = ClockReading {
        worker: *w,
        cpu: clock::thread_cpu_time(tid),
        task_state: None,
    };
    if tick.wants_task_state(&reading) {
        reading.task_state = task_state::read(tid);
    }
    tick.clock(reading);
}

/// Reads one worker's run delay, if one is due.
fn read_delay(tick: &mut Tick<'_>, w: &WorkerReading) {
    let Some(tid) = w.tid else { return };
    if !tick.delay_due(w) {
        return;
    }
    let Some(stat) = schedstat::read(tid) else {
        return;
    };
    tick.delay(DelayReading {
        worker: *w,
        on_cpu: stat.on_cpu,
        run_delay: stat.run_delay,
    });
}
