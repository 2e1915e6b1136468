//! The signal sampler: turns the engine's counters and the kernel's clocks into one
//! `Observation` per tick.
//!
//! Cheap readings are taken for every worker on every tick: the engine's per-worker busy time
//! (an atomic load each) and the process CPU clock (one ~400 ns call). The dear ones are spread
//! over ticks: each tick reads the CPU clocks of at most [`CLOCK_SAMPLE`] workers (a few hundred
//! ns each) and the run-queue delay of at most [`DELAY_SAMPLE`] (a `schedstat` read, ~5 µs
//! each), rotating through the pool, so the controller's cost stays bounded whatever the pool
//! size. Ratios (busy per CPU, contention) are what the policies use, and a rotating sample of
//! workers estimates them well because the workers share one queue of the same tasks.
//!
//! # Contention, fresh every tick
//!
//! A `schedstat` read gives a worker's run-queue delay and its CPU time over the same window, so
//! the delay sample yields the work's own ratio `u = (busy − run_delay) / cpu`: busy time per
//! unit of CPU with the queueing for cores taken out. It is a property of the tasks (a 100 µs
//! sleep before 50 µs of CPU gives about 4 whatever the pool size), so it changes only when the
//! work does. The clock sample's fresh `r = busy / cpu` rises at once when workers start waiting
//! for cores, and the two together give this tick's run delay, `busy − cpu × u`, that is a
//! contention of `1 − u / r`. Reading the contention from the delay sample alone would lag it
//! by the sample's 10 ms window; a controller that grows on a fresh `r` while vetoing on a stale
//! contention overshoots, then shrinks on a stale contention while `r` has already fallen, and
//! so oscillates (measured on the mixed workload: between 4 and 30 threads every 40 ms).

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use betapool_core::controller::Observation;
use betapool_core::{Pool, WorkerStats};

use crate::signal::task_state::{self, TaskState};
use crate::signal::{clock, schedstat};

/// Workers whose thread CPU clock is read per tick (≈ 300 ns each).
pub(crate) const CLOCK_SAMPLE: usize = 32;

/// Workers whose run-queue delay is read per tick (≈ 5 µs each: a file read).
pub(crate) const DELAY_SAMPLE: usize = 4;

/// Weight of a new delay sample in the running average of the work's own ratio (see
/// `Sampler::sample`): about the last four samples count.
pub(crate) const OWN_RATIO_WEIGHT: f64 = 0.25;

/// New workers whose first clock and run-delay readings are taken per tick, on top of the
/// rotating samples: a first reading costs one clock read and one `schedstat` read, so a growth
/// of 512 threads is read in under ten ticks at a bounded cost per tick.
pub(crate) const FIRST_READINGS: usize = 64;

/// The shortest window over which the process CPU clock is turned into a rate. The clock
/// advances in scheduler-tick steps: over 1 ms, two spinning threads on two cores read as
/// anything from 1.0 to 2.7 cores; over 10 ms the error is a few per cent.
pub(crate) const PROCESS_WINDOW: Duration = Duration::from_millis(10);

/// The shortest window over which one worker's run-queue delay is read. The kernel adds a
/// thread's wait to its run delay only when the thread gets a core again, so over a single
/// millisecond the delay arrives in lumps; over ten it spans several time slices.
pub(crate) const DELAY_WINDOW: Duration = Duration::from_millis(10);

/// CPU time the fresh ratio `r = busy / cpu` is taken over: the ticks are summed, newest first,
/// until their sampled CPU time reaches this much (or they span [`DELAY_WINDOW`]). One tick of
/// CPU-bound workers has milliseconds of CPU, so `r` stays fresh for them; one tick of sleepers
/// has a few microseconds from a few wake-ups, and `1 − u / r` of a single such tick scatters
/// from 0 to 0.9 (seen: sleeping threads read β_true 0.65 over five ticks where the truth is
/// 0.98), so their `r` is taken over the several ticks it takes to gather this much.
pub(crate) const RATIO_MIN_CPU: Duration = Duration::from_micros(500);

/// A worker whose CPU clock has not moved for this long while inside a task, and which the
/// kernel reports asleep, is counted as blocked (stuck in a call) rather than as a normal
/// blocking task. Longer than any ordinary I/O wait of the workloads the pool is measured on,
/// and short enough that a stuck worker is compensated well within 100 ms.
pub(crate) const BLOCKED_AFTER: Duration = Duration::from_millis(50);

/// A worker whose CPU clock advanced by less than this share of the wall time between two
/// readings did not compute in between.
pub(crate) const STILL_CPU_SHARE: f64 = 0.01;

/// The last readings of one worker.
#[derive(Debug, Clone, Copy)]
struct Reading {
    tid: u64,
    at: Instant,
    busy: Duration,
    cpu: Option<Duration>,
    /// Time, busy time, run delay and CPU time at the last `schedstat` read.
    delay_at: Instant,
    delay_busy: Duration,
    run_delay: Option<Duration>,
    delay_cpu: Duration,
    /// Since when the worker's CPU clock has not moved while it was inside a task.
    still_since: Option<Instant>,
    blocked: bool,
}

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

/// See the module documentation.
#[derive(Debug)]
pub(crate) struct Sampler {
    start: Instant,
    cores: usize,
    last_tick: Option<Instant>,
    last_completed: u64,
    process: VecDeque<(Instant, Duration)>,
    readings: HashMap<usize, Reading>,
    /// The latest `u = (busy − run_delay) / cpu` of the delay sample (see the module
    /// documentation).
    own_ratio: Option<f64>,
    /// The clock sample's busy and CPU time of the latest ticks, newest last, for `r`.
    recent: VecDeque<(Instant, Duration, Duration)>,
    clock_cursor: usize,
    delay_cursor: usize,
    #[cfg(feature = "system-cpu")]
    system: crate::signal::SystemCpu,
}

impl Sampler {
    pub(crate) fn new(cores: usize) -> Sampler {
        Sampler {
            start: Instant::now(),
            cores: cores.max(1),
            last_tick: None,
            last_completed: 0,
            process: VecDeque::new(),
            readings: HashMap::new(),
            own_ratio: None,
            recent: VecDeque::new(),
            clock_cursor: 0,
            delay_cursor: 0,
            #[cfg(feature = "system-cpu")]
            system: crate::signal::SystemCpu::new(),
        }
    }

    /// Reads everything for one tick.
    pub(crate) fn sample(&mut self, pool: &Pool) -> Observation {
        let now = Instant::now();
        let window = self
            .last_tick
            .map_or(Duration::ZERO, |t| now.saturating_duration_since(t));
        self.last_tick = Some(now);

        let stats = pool.worker_stats();
        let counters = pool.counters();
        let completed_total = counters.completed + counters.panicked;
        let completed_delta = completed_total.saturating_sub(self.last_completed);
        self.last_completed = completed_total;
        let busy_workers = stats.iter().filter(|w| w.in_task_for.is_some()).count();

        let sums = self.sample_workers(&stats, now);
        if sums.delay_samples > 0 && !sums.delay_cpu.is_zero() {
            let own = sums.delay_busy.saturating_sub(sums.delay).as_secs_f64()
                / sums.delay_cpu.as_secs_f64();
            // One sample is a few workers over about 10 ms and scatters by ±20 % (4 spinners
            // on 2 cores read 0.65 to 1.2 around a true 1.0); the ratio belongs to the work
            // and changes only when the work does, so it is averaged over several samples.
            // Not clamped to its floor of 1 here: clamping each sample would bias the mean.
            self.own_ratio = Some(match self.own_ratio {
                Some(old) => old + OWN_RATIO_WEIGHT * (own - old),
                None => own,
            });
        }
        self.forget_gone_workers(&stats);
        let blocked_workers = stats
            .iter()
            .filter(|w| self.readings.get(&w.index).is_some_and(|r| r.blocked))
            .count();

        let (cpu_delta, run_delay_delta) = if sums.clock_samples == 0 || sums.busy.is_zero() {
            (None, None)
        } else {
            // This tick's run delay: the share of its busy time that the CPU time does not
            // account for at the work's own ratio (see the module documentation), with the
            // fresh ratio taken over enough CPU time to mean something.
            let (busy, cpu) = self.fresh_ratio(now, sums.busy, sums.cpu);
            let delay = self.own_ratio.map(|u| {
                let unexplained = 1.0 - u.max(1.0) * cpu.as_secs_f64() / busy.as_secs_f64();
                sums.busy.mul_f64(unexplained.clamp(0.0, 1.0))
            });
            (Some(sums.cpu), delay)
        };

        #[cfg(feature = "system-cpu")]
        let system_cpu_percent = self.system.percent(now);
        #[cfg(not(feature = "system-cpu"))]
        let system_cpu_percent = None;

        Observation {
            now: now.saturating_duration_since(self.start),
            window,
            current_threads: pool.live_workers(),
            target: pool.target(),
            min_threads: pool.min_workers(),
            max_threads: pool.max_workers(),
            idle_threads: pool.idle_workers(),
            queued: pool.queued(),
            completed_total,
            completed_delta,
            busy_delta: sums.busy,
            cpu_delta,
            run_delay_delta,
            system_cpu_percent,
            cores: self.cores,
            blocked_workers,
            busy_workers,
            process_cpu_cores: self.process_cores(now),
        }
    }

    /// Adds this tick's clock sample to the recent ones and returns the busy and CPU time of
    /// the newest ticks that together have at least [`RATIO_MIN_CPU`] of CPU time, or all
    /// those within [`DELAY_WINDOW`].
    fn fresh_ratio(&mut self, now: Instant, busy: Duration, cpu: Duration) -> (Duration, Duration) {
        self.recent.push_back((now, busy, cpu));
        while self
            .recent
            .front()
            .is_some_and(|&(at, _, _)| now.saturating_duration_since(at) > DELAY_WINDOW)
        {
            self.recent.pop_front();
        }
        let (mut busy, mut cpu) = (Duration::ZERO, Duration::ZERO);
        for &(_, b, c) in self.recent.iter().rev() {
            busy += b;
            cpu += c;
            if cpu >= RATIO_MIN_CPU {
                break;
            }
        }
        (busy, cpu)
    }

    /// Reads the CPU clocks and run delays of this tick's share of the workers.
    fn sample_workers(&mut self, stats: &[WorkerStats], now: Instant) -> Sums {
        let mut sums = Sums::default();
        let n = stats.len();
        if n == 0 {
            return sums;
        }
        let clock_count = CLOCK_SAMPLE.min(n);
        for k in 0..clock_count {
            let w = &stats[(self.clock_cursor + k) % n];
            self.read_clock(w, now, &mut sums);
        }
        self.clock_cursor = (self.clock_cursor + clock_count) % n;
        // Workers the sampler has never read (a growth just started them) get their first
        // readings now, so that the rotation yields ratios from them as soon as it reaches
        // them. Otherwise, after a growth of hundreds of threads, every worker the rotation
        // met for a while would be a first reading, and the controller would go blind for as
        // many ticks as it takes to go round the pool.
        let mut first = 0;
        for w in stats {
            if first == FIRST_READINGS {
                break;
            }
            if w.os_tid.is_some() && !self.readings.contains_key(&w.index) {
                self.read_clock(w, now, &mut sums);
                self.read_delay(w, now, &mut sums);
                first += 1;
            }
        }
        let delay_count = DELAY_SAMPLE.min(n);
        for k in 0..delay_count {
            let w = &stats[(self.delay_cursor + k) % n];
            self.read_delay(w, now, &mut sums);
        }
        self.delay_cursor = (self.delay_cursor + delay_count) % n;
        sums
    }

    fn read_clock(&mut self, w: &WorkerStats, now: Instant, sums: &mut Sums) {
        let Some(tid) = w.os_tid else { return };
        let busy = w.busy_now();
        let cpu = clock::thread_cpu_time(tid);
        let fresh = Reading {
            tid,
            at: now,
            busy,
            cpu,
            delay_at: now,
            delay_busy: busy,
            run_delay: None,
            delay_cpu: Duration::ZERO,
            still_since: None,
            blocked: false,
        };
        let entry = self.readings.entry(w.index).or_insert(fresh);
        if entry.tid != tid {
            // The slot was reused by a new thread: start over.
            *entry = fresh;
            return;
        }
        let (Some(cpu), Some(prev_cpu)) = (cpu, entry.cpu) else {
            entry.cpu = cpu;
            return;
        };
        let dbusy = busy.saturating_sub(entry.busy);
        let dcpu = cpu.saturating_sub(prev_cpu);
        let dwall = now.saturating_duration_since(entry.at);
        let still = dcpu.as_secs_f64() < dwall.as_secs_f64() * STILL_CPU_SHARE;
        entry.still_since = match (still && w.in_task_for.is_some(), entry.still_since) {
            (false, _) => None,
            (true, Some(since)) => Some(since),
            (true, None) => Some(entry.at),
        };
        // Still for long enough: ask the kernel whether it sleeps (blocked) or waits for a core
        // (an oversubscribed CPU-bound worker can go without a turn for a long time).
        entry.blocked = entry.still_since.is_some_and(|since| {
            now.saturating_duration_since(since) >= BLOCKED_AFTER
                && w.in_task_for.is_some_and(|t| t >= BLOCKED_AFTER)
                && task_state::read(tid) == Some(TaskState::Asleep)
        });
        if !entry.blocked && !dbusy.is_zero() {
            sums.busy += dbusy;
            sums.cpu += dcpu.min(dbusy);
            sums.clock_samples += 1;
        }
        entry.at = now;
        entry.busy = busy;
        entry.cpu = Some(cpu);
    }

    fn read_delay(&mut self, w: &WorkerStats, now: Instant, sums: &mut Sums) {
        let Some(tid) = w.os_tid else { return };
        let Some(entry) = self.readings.get_mut(&w.index).filter(|r| r.tid == tid) else {
            return;
        };
        if entry.run_delay.is_some() && now.saturating_duration_since(entry.delay_at) < DELAY_WINDOW
        {
            return;
        }
        let Some(stat) = schedstat::read(tid) else {
            return;
        };
        let busy = w.busy_now();
        if let Some(prev) = entry.run_delay {
            let dbusy = busy.saturating_sub(entry.delay_busy);
            if !dbusy.is_zero() && !entry.blocked {
                sums.delay_busy += dbusy;
                sums.delay += stat.run_delay.saturating_sub(prev).min(dbusy);
                sums.delay_cpu += stat.on_cpu.saturating_sub(entry.delay_cpu).min(dbusy);
                sums.delay_samples += 1;
            }
        }
        entry.run_delay = Some(stat.run_delay);
        entry.delay_cpu = stat.on_cpu;
        entry.delay_busy = busy;
        entry.delay_at = now;
    }

    fn forget_gone_workers(&mut self, stats: &[WorkerStats]) {
        if self.readings.len() > stats.len() {
            let live: std::collections::HashSet<usize> = stats.iter().map(|w| w.index).collect();
            self.readings.retain(|index, _| live.contains(index));
        }
    }

    /// Cores the process used over the last window of at least `PROCESS_WINDOW`.
    fn process_cores(&mut self, now: Instant) -> Option<f64> {
        let cpu = clock::process_cpu_time()?;
        self.process.push_back((now, cpu));
        // Keep one reading older than the window, and nothing older than two windows.
        while self.process.len() > 2
            && self
                .process
                .get(1)
                .is_some_and(|(t, _)| now.saturating_duration_since(*t) >= PROCESS_WINDOW)
        {
            self.process.pop_front();
        }
        let (t0, c0) = *self.process.front()?;
        let wall = now.saturating_duration_since(t0);
        if wall < PROCESS_WINDOW {
            return None;
        }
        Some(cpu.saturating_sub(c0).as_secs_f64() / wall.as_secs_f64())
    }
}
