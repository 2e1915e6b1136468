//! Tests of the estimator on constructed readings: simulated workers whose counters the tests
//! advance by hand, read the way the sampler reads a pool small enough to sample every worker.
//!
//! The expected values are worked out from the simulated counters, so a broken formula fails
//! here whatever the machine does.

use std::time::Duration;

use betapool_core::controller::Observation;

use super::windows::{FreshRatio, PROCESS_WINDOW, ProcessRate, RATIO_MIN_CPU};
use super::worker::{BLOCKED_AFTER, DELAY_WINDOW};
use super::*;
use crate::signal::task_state::TaskState;

/// Tolerance of the ratios (β, contention, the work's own ratio): the readings are exact, so
/// only floating-point rounding separates a result from its expected value.
const TOLERANCE: f64 = 1e-6;

fn ms(ms: f64) -> Duration {
    Duration::from_secs_f64(ms / 1_000.0)
}

fn assert_close(actual: Option<f64>, expected: f64, what: &str) {
    let actual = actual.unwrap_or_else(|| panic!("{what}: no value, expected {expected}"));
    assert!(
        (actual - expected).abs() < TOLERANCE,
        "{what}: {actual}, expected {expected}"
    );
}

/// A simulated worker thread: the cumulative counters the engine and the kernel would report.
#[derive(Debug, Clone, Copy)]
struct Sim {
    index: usize,
    tid: u64,
    busy: Duration,
    cpu: Duration,
    run_delay: Duration,
    in_task_for: Option<Duration>,
    state: TaskState,
}

impl Sim {
    fn new(index: usize) -> Sim {
        Sim {
            index,
            tid: 1_000 + index as u64,
            busy: Duration::ZERO,
            cpu: Duration::ZERO,
            run_delay: Duration::ZERO,
            in_task_for: None,
            state: TaskState::Runnable,
        }
    }

    fn reading(&self) -> WorkerReading {
        WorkerReading {
            index: self.index,
            tid: Some(self.tid),
            busy: self.busy,
            in_task_for: self.in_task_for,
        }
    }
}

/// A simulated pool read by the estimator: every worker's clock each tick (and its task state
/// when asked), every worker's run delay when due.
#[derive(Debug)]
struct Rig {
    estimator: Estimator,
    at: Duration,
    sims: Vec<Sim>,
    /// How many task states the estimator asked for.
    state_reads: usize,
    /// How many simulated tasks are waiting for the shared lock.
    lock_waiting: usize,
    /// The lock waiting the simulated tasks have reported so far.
    lock_waited: Duration,
}

impl Rig {
    fn new(workers: usize) -> Rig {
        Rig {
            estimator: Estimator::new(2),
            at: Duration::ZERO,
            sims: (0..workers).map(Sim::new).collect(),
            state_reads: 0,
            lock_waiting: 0,
            lock_waited: Duration::ZERO,
        }
    }

    /// Reads the pool at the current time.
    fn tick(&mut self) -> Observation {
        let mut tick = self.estimator.begin(self.at);
        for s in &self.sims {
            let mut reading = ClockReading {
                worker: s.reading(),
                cpu: Some(s.cpu),
                task_state: None,
            };
            if tick.wants_task_state(&reading) {
                reading.task_state = Some(s.state);
                self.state_reads += 1;
            }
            tick.clock(reading);
        }
        for s in &self.sims {
            if tick.delay_due(&s.reading()) {
                tick.delay(DelayReading {
                    worker: s.reading(),
                    on_cpu: s.cpu,
                    run_delay: s.run_delay,
                });
            }
        }
        let workers: Vec<WorkerReading> = self.sims.iter().map(Sim::reading).collect();
        tick.finish(
            &workers,
            PoolReading {
                current_threads: self.sims.len(),
                lock_waiting: self.lock_waiting,
                lock_waited: self.lock_waited,
                ..PoolReading::default()
            },
        )
    }

    /// Lets `dt` pass, in which every worker is busy all along: `cpu_share` of it on a CPU,
    /// `delay_share` waiting for one, the rest asleep. Then reads the pool.
    fn busy_for(&mut self, dt: Duration, cpu_share: f64, delay_share: f64) -> Observation {
        self.at += dt;
        for s in &mut self.sims {
            s.busy += dt;
            s.cpu += dt.mul_f64(cpu_share);
            s.run_delay += dt.mul_f64(delay_share);
            s.in_task_for = Some(s.in_task_for.unwrap_or_default() + dt);
        }
        self.tick()
    }
}

#[test]
fn spinners_on_too_few_cores_read_as_contention_not_blocking() {
    // Four spinning workers on two cores: each computes half the time and waits for a core the
    // other half. The seed's β calls that half blocked; it is all contention.
    let mut rig = Rig::new(4);
    rig.tick();
    let mut obs = Observation::default();
    for _ in 0..30 {
        obs = rig.busy_for(ms(1.0), 0.5, 0.5);
    }
    assert_eq!(obs.busy_delta, ms(4.0));
    assert_eq!(obs.cpu_delta, Some(ms(2.0)));
    assert_close(rig.estimator.own_ratio, 1.0, "own ratio u");
    assert_close(obs.naive_beta(), 0.5, "naive β");
    assert_close(obs.beta_true(), 0.0, "β_true");
    assert_close(obs.contention(), 0.5, "contention");
    assert_eq!(obs.blocked_workers, 0);
    assert_eq!(obs.busy_workers, 4);
}

#[test]
fn contention_follows_the_fresh_ratio_before_the_delay_sample_does() {
    // The same spinners, alone on their cores at first, then with half their time queued for
    // one: the very next tick shows the contention, from `r` alone, since the work's own
    // ratio has not changed.
    let mut rig = Rig::new(4);
    rig.tick();
    for _ in 0..20 {
        rig.busy_for(ms(1.0), 1.0, 0.0);
    }
    assert_close(rig.estimator.own_ratio, 1.0, "own ratio u");
    let obs = rig.busy_for(ms(1.0), 0.5, 0.5);
    assert_close(
        obs.contention(),
        0.5,
        "contention one tick after the change",
    );
    assert_close(obs.beta_true(), 0.0, "β_true one tick after the change");
}

#[test]
fn sleepers_read_as_blocked_without_contention() {
    // Four workers running short tasks that sleep 99.5 % of the time and never queue for a
    // core. Their CPU per tick is far below RATIO_MIN_CPU, so `r` is summed over ticks.
    let mut rig = Rig::new(4);
    rig.tick();
    let mut obs = Observation::default();
    for _ in 0..100 {
        obs = rig.busy_for(ms(1.0), 0.005, 0.0);
        for s in &mut rig.sims {
            s.in_task_for = Some(ms(0.3));
        }
    }
    assert_close(rig.estimator.own_ratio, 200.0, "own ratio u");
    assert_close(obs.naive_beta(), 0.995, "naive β");
    assert_close(obs.beta_true(), 0.995, "β_true");
    assert_close(obs.contention(), 0.0, "contention");
    assert_eq!(obs.blocked_workers, 0, "short tasks are not stuck");
    assert_eq!(rig.state_reads, 0, "no task state read for short tasks");
}

/// Two workers, one spinning and one entering a task that sleeps without end at time zero;
/// returns the observations every 5 ms up to 100 ms.
fn stuck_worker(
    state: TaskState,
    task_restarts_every: Option<Duration>,
) -> (Rig, Vec<Observation>) {
    let mut rig = Rig::new(2);
    rig.sims[1].state = state;
    rig.sims[0].in_task_for = Some(Duration::ZERO);
    rig.sims[1].in_task_for = Some(Duration::ZERO);
    rig.tick();
    let mut seen = Vec::new();
    for _ in 0..20 {
        let dt = ms(5.0);
        rig.at += dt;
        let spinner = &mut rig.sims[0];
        spinner.busy += dt;
        spinner.cpu += dt;
        spinner.in_task_for = spinner.in_task_for.map(|t| t + dt);
        let stuck = &mut rig.sims[1];
        stuck.busy += dt;
        stuck.in_task_for = stuck.in_task_for.map(|t| {
            let t = t + dt;
            match task_restarts_every {
                Some(every) if t >= every => t - every,
                _ => t,
            }
        });
        seen.push(rig.tick());
    }
    (rig, seen)
}

#[test]
fn a_worker_still_and_asleep_for_long_is_blocked() {
    let (_, seen) = stuck_worker(TaskState::Asleep, None);
    for (k, obs) in seen.iter().enumerate() {
        let at = ms(5.0 * (k + 1) as f64);
        if at < BLOCKED_AFTER {
            assert_eq!(
                obs.blocked_workers, 0,
                "at {at:?}: still for too short a time"
            );
            assert_eq!(obs.busy_delta, ms(10.0), "at {at:?}: both workers count");
        } else {
            assert_eq!(obs.blocked_workers, 1, "at {at:?}");
            // The blocked worker's time is left out of the ratios: only the spinner counts.
            assert_eq!(obs.busy_delta, ms(5.0), "at {at:?}");
            assert_close(obs.naive_beta(), 0.0, "naive β without the blocked worker");
        }
    }
}

#[test]
fn a_still_worker_the_kernel_says_is_runnable_is_not_blocked() {
    // An oversubscribed CPU-bound worker can wait for a core this long: the kernel says so.
    let (rig, seen) = stuck_worker(TaskState::Runnable, None);
    assert!(seen.iter().all(|obs| obs.blocked_workers == 0));
    assert!(rig.state_reads > 0, "the kernel was asked");
}

#[test]
fn a_still_worker_in_short_tasks_is_not_blocked_and_costs_no_state_read() {
    // Still and asleep for the whole 100 ms, but each task ends within 40 ms: sleeping tasks,
    // not a stuck one. The task state is not even read.
    let (rig, seen) = stuck_worker(TaskState::Asleep, Some(ms(40.0)));
    assert!(seen.iter().all(|obs| obs.blocked_workers == 0));
    assert_eq!(rig.state_reads, 0);
}

#[test]
fn the_task_state_is_asked_for_only_once_still_for_long_enough() {
    let (rig, _) = stuck_worker(TaskState::Asleep, None);
    // Still from 0 ms, so asked at 50, 55, …, 100 ms: 11 ticks.
    let asked = (ms(100.0) - BLOCKED_AFTER).as_millis() / 5 + 1;
    assert_eq!(rig.state_reads, asked as usize);
}

#[test]
fn new_workers_give_first_readings_and_no_ratios() {
    let mut rig = Rig::new(4);
    let mut tick = rig.estimator.begin(Duration::ZERO);
    assert!((0..4).all(|i| tick.is_new(i)));
    for s in &rig.sims {
        tick.clock(ClockReading {
            worker: s.reading(),
            cpu: Some(s.cpu),
            task_state: None,
        });
    }
    assert!((0..4).all(|i| !tick.is_new(i)));
    assert!(rig.sims.iter().all(|s| tick.delay_due(&s.reading())));
    let workers: Vec<WorkerReading> = rig.sims.iter().map(Sim::reading).collect();
    let obs = tick.finish(&workers, PoolReading::default());
    assert_eq!(obs.busy_delta, Duration::ZERO);
    assert_eq!(obs.cpu_delta, None);
    assert_eq!(obs.run_delay_delta, None);
    assert_eq!(obs.naive_beta(), None);
    assert_eq!(obs.contention(), None);

    // One tick later the clocks have a baseline, but the run delay has none over a full
    // window yet: β, but no contention.
    rig.tick();
    let obs = rig.busy_for(ms(1.0), 0.5, 0.5);
    assert_close(obs.naive_beta(), 0.5, "naive β after the first readings");
    assert_eq!(obs.run_delay_delta, None);
    assert_eq!(rig.estimator.own_ratio, None);
}

#[test]
fn a_growth_in_progress_adds_no_ratio_from_a_missing_baseline() {
    // Four spinners with full cores, then four new workers appear with counters that are not
    // deltas (a worker's busy time since it started; here made absurd to show it is unused).
    let mut rig = Rig::new(4);
    rig.tick();
    for _ in 0..20 {
        rig.busy_for(ms(1.0), 1.0, 0.0);
    }
    let own = rig.estimator.own_ratio;
    for index in 4..8 {
        let mut s = Sim::new(index);
        s.busy = ms(1_000.0);
        s.cpu = ms(1.0);
        s.run_delay = ms(900.0);
        s.in_task_for = Some(ms(1.0));
        rig.sims.push(s);
    }
    let obs = rig.busy_for(ms(1.0), 1.0, 0.0);
    assert_eq!(obs.busy_delta, ms(4.0), "only the old workers' deltas");
    assert_eq!(obs.cpu_delta, Some(ms(4.0)));
    assert_close(obs.contention(), 0.0, "contention");
    assert_eq!(
        rig.estimator.own_ratio, own,
        "no delay sample from a first reading"
    );
    assert_eq!(obs.busy_workers, 8);

    // A slot reused by a new thread starts over too, instead of a delta between two threads
    // (here one that would read 50 ms busy with no CPU).
    let reused = &mut rig.sims[0];
    reused.tid = 9_999;
    reused.busy += ms(50.0);
    reused.cpu = Duration::ZERO;
    let obs = rig.busy_for(ms(1.0), 1.0, 0.0);
    assert_eq!(obs.busy_delta, ms(7.0), "the seven other workers");
    assert_eq!(obs.cpu_delta, Some(ms(7.0)));
}

#[test]
fn the_own_ratio_is_a_running_average_of_unclamped_samples() {
    // One worker read over two delay windows. The first reads u = (busy − delay) / cpu =
    // (10 − 2) / 10 = 0.8, a sample scattered below the floor of 1; the second (10 − 2) / 5 =
    // 1.6. The average moves by OWN_RATIO_WEIGHT of the difference from 0.8, not from a
    // clamped 1: 0.8 + 0.25 × 0.8 = 1.0.
    let mut rig = Rig::new(1);
    rig.tick();
    rig.busy_for(DELAY_WINDOW, 1.0, 0.2);
    assert_close(rig.estimator.own_ratio, 0.8, "the first sample as it is");
    rig.busy_for(DELAY_WINDOW, 0.5, 0.2);
    assert_close(
        rig.estimator.own_ratio,
        0.8 + OWN_RATIO_WEIGHT * (1.6 - 0.8),
        "the running average",
    );
    assert_close(rig.estimator.own_ratio, 1.0, "the running average");
}

#[test]
fn the_fresh_ratio_sums_the_newest_ticks_until_enough_cpu() {
    let mut fresh = FreshRatio::default();
    let fifth = RATIO_MIN_CPU / 5;
    // Ticks of 1 ms busy with a fifth of RATIO_MIN_CPU each: summed until five of them.
    for k in 1..=4 {
        let (busy, cpu) = fresh.add(ms(k as f64), ms(1.0), fifth);
        assert_eq!((busy, cpu), (ms(k as f64), fifth * k));
    }
    assert_eq!(fresh.add(ms(5.0), ms(1.0), fifth), (ms(5.0), RATIO_MIN_CPU));
    assert_eq!(fresh.add(ms(6.0), ms(1.0), fifth), (ms(5.0), RATIO_MIN_CPU));
    // A tick with enough CPU of its own stands alone.
    assert_eq!(
        fresh.add(ms(7.0), ms(2.0), RATIO_MIN_CPU),
        (ms(2.0), RATIO_MIN_CPU)
    );
}

#[test]
fn the_fresh_ratio_forgets_ticks_older_than_the_delay_window() {
    let mut fresh = FreshRatio::default();
    let little = RATIO_MIN_CPU / 10;
    fresh.add(Duration::ZERO, ms(1.0), little);
    // Exactly one window later the first tick still counts; a moment later it is gone.
    assert_eq!(
        fresh.add(DELAY_WINDOW, ms(1.0), little),
        (ms(2.0), little * 2)
    );
    let later = DELAY_WINDOW + ms(0.5);
    assert_eq!(fresh.add(later, ms(1.0), little), (ms(2.0), little * 2));
}

#[test]
fn process_cores_are_read_over_at_least_the_window() {
    let mut process = ProcessRate::default();
    assert_eq!(process.add(Duration::ZERO, Duration::ZERO), None);
    assert_eq!(process.add(PROCESS_WINDOW / 2, PROCESS_WINDOW), None);
    // Two cores' worth of CPU over one window.
    assert_close(
        process.add(PROCESS_WINDOW, PROCESS_WINDOW * 2),
        2.0,
        "cores over one window",
    );
    // Later readings are taken against the newest reading at least a window old.
    assert_close(
        process.add(PROCESS_WINDOW * 2, PROCESS_WINDOW * 3),
        1.0,
        "cores over the last window",
    );
}

#[test]
fn the_window_and_completions_are_deltas_between_ticks() {
    let mut estimator = Estimator::new(0);
    let first = estimator.begin(ms(3.0)).finish(
        &[],
        PoolReading {
            completed_total: 10,
            ..PoolReading::default()
        },
    );
    assert_eq!((first.window, first.completed_delta), (Duration::ZERO, 10));
    assert_eq!(first.cores, 1, "at least one core");
    let second = estimator.begin(ms(4.5)).finish(
        &[],
        PoolReading {
            completed_total: 13,
            ..PoolReading::default()
        },
    );
    assert_eq!(second.now, ms(4.5));
    assert_eq!((second.window, second.completed_delta), (ms(1.5), 3));
}

#[test]
fn reported_lock_waits_read_as_contention_not_blocking() {
    // Four workers running pure-Python code on two cores: one holds the interpreter lock while
    // three sleep waiting for it, so each computes a quarter of the time, never queues for a
    // core, and reports the other three quarters as lock waiting.
    let mut rig = Rig::new(4);
    rig.tick();
    let mut obs = Observation::default();
    // At any instant three of the four wait.
    rig.lock_waiting = 3;
    for _ in 0..60 {
        obs = rig.busy_for(ms(1.0), 0.25, 0.0);
    }
    assert_close(rig.estimator.own_ratio, 1.0, "own ratio u");
    assert_close(obs.naive_beta(), 0.75, "naive β");
    assert_close(obs.beta_true(), 0.0, "β_true");
    assert_close(obs.contention(), 0.75, "contention");
}

#[test]
fn unreported_lock_waits_read_as_blocking() {
    // The same workers without reports: the kernel sees them asleep, as if waiting for I/O.
    let mut rig = Rig::new(4);
    rig.tick();
    let mut obs = Observation::default();
    for _ in 0..60 {
        obs = rig.busy_for(ms(1.0), 0.25, 0.0);
    }
    assert_close(rig.estimator.own_ratio, 4.0, "own ratio u");
    assert_close(obs.beta_true(), 0.75, "β_true");
    assert_close(obs.contention(), 0.0, "contention");
}

#[test]
fn lock_waits_read_as_contention_before_any_delay_sample() {
    // The first ticks of a Python pool: three of four workers wait for the GIL behind the
    // thread submitting to them. No run delay has been read yet, so `u` is unknown, yet the
    // waiting share already counts as contention and as the tick's lock wait.
    let mut rig = Rig::new(4);
    rig.tick();
    rig.lock_waiting = 3;
    let obs = rig.busy_for(ms(1.0), 0.25, 0.0);
    assert_eq!(rig.estimator.own_ratio, None);
    assert_eq!(obs.busy_delta, ms(4.0));
    assert_eq!(obs.lock_wait_delta, ms(3.0));
    assert_close(obs.contention(), 0.75, "contention");
    assert_close(obs.beta_true(), 0.0, "β_true");
}

#[test]
fn without_lock_waits_nothing_is_added() {
    // Blocked work whose tasks report nothing: no lock wait, and no contention before the
    // run delay is known.
    let mut rig = Rig::new(4);
    rig.tick();
    let obs = rig.busy_for(ms(1.0), 0.25, 0.0);
    assert_eq!(obs.lock_wait_delta, Duration::ZERO);
    assert_eq!(obs.run_delay_delta, None);
}

#[test]
fn lock_waits_that_ended_between_ticks_count_too() {
    // No tick falls inside the waits (each task waits briefly as its call starts), but the
    // reports add up to half of the four workers' millisecond: a share of 0.5.
    let mut rig = Rig::new(4);
    rig.tick();
    rig.lock_waited = ms(2.0);
    let obs = rig.busy_for(ms(1.0), 0.5, 0.0);
    assert_eq!(obs.lock_wait_delta, ms(2.0));
    assert_close(obs.contention(), 0.5, "contention");
    // Only what was reported since the previous tick counts.
    let obs = rig.busy_for(ms(1.0), 0.5, 0.0);
    assert_eq!(obs.lock_wait_delta, Duration::ZERO);
}

#[test]
fn a_tick_of_workers_preempted_inside_tasks_does_not_read_as_blocking() {
    // A flood of no-op tasks: four workers share two cores with the thread submitting them,
    // each in a task for half of what it runs. Then the controller is late by 1.4 ms, in which
    // two workers wait for a core inside a task (their time in it grows, their CPU clock does
    // not, and the kernel has not yet booked the wait as run delay) and the other two wait
    // between tasks. That tick alone reads busy / cpu = ∞, as if the tasks slept; the ticks
    // before it say the work computes. Seen in traces of `tiny-noop` as single ticks of 10⁵
    // busy per CPU, each of which grew the pool to its maximum.
    let mut rig = Rig::new(4);
    rig.tick();
    for _ in 0..20 {
        rig.at += ms(1.0);
        for s in &mut rig.sims {
            s.busy += ms(0.25);
            s.cpu += ms(0.25);
            s.in_task_for = Some(ms(0.001));
        }
        rig.tick();
    }
    rig.at += ms(1.4);
    for s in &mut rig.sims[..2] {
        s.busy += ms(1.4);
        s.in_task_for = Some(ms(1.4));
    }
    let obs = rig.tick();
    let beta = obs.naive_beta().expect("the clock sample has CPU time");
    // Taken with the newest tick that has CPU time: (2.8 + 1) ms busy over 1 ms of CPU.
    assert_close(Some(beta), 1.0 - 1.0 / 3.8, "naive β over the fresh window");
    assert!(beta < 0.9, "β {beta}: preempted tasks read as blocked");
}
