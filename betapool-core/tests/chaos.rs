//! Chaos: four producers, a resizer that changes the pool's size every millisecond (or as soon
//! as the previous change is done), and tasks that sleep, spin or panic. Every task must run
//! exactly once, every handle must resolve with its own task's outcome, the counters must
//! balance and every thread must be gone after shutdown. One test in this binary, so the
//! thread count and the panic hook are its own.
//!
//! `BETAPOOL_CHAOS_TASKS` sets the number of tasks; `cargo xtask stress` runs a million in
//! release. The summary line is printed with `eprintln!`, so `--nocapture` shows it.

use std::hint::spin_loop;
use std::panic;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use betapool_core::{Builder, JoinError, JoinHandle, Pool};

/// Tasks when `BETAPOOL_CHAOS_TASKS` is unset: a debug `cargo test` of this file takes 1–2 s
/// on 2 cores, during which one to two hundred resizes land mid-flight (measured).
const DEFAULT_TASKS: usize = 200_000;

/// Threads submitting at once, so submissions race each other as well as the resizer.
const PRODUCERS: usize = 4;

/// Tasks a producer submits before it joins the batch before: it bounds the handles and queued
/// tasks alive at a million tasks, and keeps submissions arriving for the whole run (racing the
/// resizer) instead of all in the first second.
const BATCH: usize = 1_024;

/// The resizer picks each target in `1..=MAX_WORKERS`.
const MAX_WORKERS: usize = 64;

/// How often the resizer changes the target. It alternates `request_target` (returns at
/// once; the new workers start each other in the background) with `set_target` (returns once
/// every new thread has started, which on 2 busy cores can take longer than the period).
const RESIZE_EVERY: Duration = Duration::from_millis(1);

/// The payload of a chosen panic: the id of the task that raised it, so that a panic can be
/// traced to its task.
struct ChaosPanic(usize);

/// What task `id` does after it marks itself seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// Panics with `ChaosPanic(id)` (1 % of tasks).
    Panic,
    /// Sleeps 0–2 ms: a worker blocked, as in I/O (5 %).
    Sleep(Duration),
    /// Spins 0–200 µs: a worker busy on a core (5 %).
    Spin(Duration),
    /// Returns at once (the rest): the submit and resize paths at full speed.
    Nothing,
}

/// A deterministic xorshift64 stream seeded by the task id, so every run makes the same choices
/// and the checker knows them without shared state.
fn mix(id: usize) -> u64 {
    // Multiplying a non-zero value by an odd constant keeps it non-zero, as xorshift needs.
    let mut x = (id as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x
}

fn plan(id: usize) -> Plan {
    let r = mix(id);
    if r.is_multiple_of(100) {
        return Plan::Panic;
    }
    let micros = r >> 16;
    match (r >> 8) % 100 {
        0..5 => Plan::Sleep(Duration::from_micros(micros % 2_001)),
        5..10 => Plan::Spin(Duration::from_micros(micros % 201)),
        _ => Plan::Nothing,
    }
}

/// The body of task `id`. Returns `id`, so the joiner can check it got its own task's output.
fn task(id: usize, seen: &[AtomicU8]) -> usize {
    // Relaxed is enough: the flags are read after every handle is joined, and a join
    // synchronises with the task's completion.
    seen[id].fetch_add(1, Ordering::Relaxed);
    match plan(id) {
        Plan::Panic => panic::panic_any(ChaosPanic(id)),
        Plan::Sleep(d) => thread::sleep(d),
        Plan::Spin(d) => {
            let until = Instant::now() + d;
            while Instant::now() < until {
                spin_loop();
            }
        }
        Plan::Nothing => {}
    }
    id
}

/// What one producer's handles resolved to.
#[derive(Default)]
struct Tally {
    ok: usize,
    panics: usize,
    /// Handles that resolved to anything but their task's own outcome.
    wrong: Vec<String>,
}

impl Tally {
    fn check(&mut self, id: usize, result: Result<usize, JoinError>) {
        match (plan(id), result) {
            (Plan::Panic, Err(e)) if e.is_panic() => match e.try_into_panic() {
                Ok(p) if p.downcast_ref::<ChaosPanic>().is_some_and(|c| c.0 == id) => {
                    self.panics += 1;
                }
                _ => self.wrong.push(format!("task {id}: a panic not its own")),
            },
            (Plan::Panic, other) => self
                .wrong
                .push(format!("task {id}: chosen to panic, got {other:?}")),
            (_, Ok(out)) if out == id => self.ok += 1,
            (_, other) => self.wrong.push(format!("task {id}: got {other:?}")),
        }
    }

    fn join(&mut self, batch: Vec<(usize, JoinHandle<usize>)>) {
        for (id, handle) in batch {
            self.check(id, handle.join());
        }
    }
}

/// Submits every `PRODUCERS`-th task from `first` on, joining batch by batch.
fn produce(pool: &Pool, seen: &Arc<Vec<AtomicU8>>, first: usize, tasks: usize) -> Tally {
    let mut tally = Tally::default();
    let mut previous = Vec::new();
    let mut current = Vec::with_capacity(BATCH);
    for id in (first..tasks).step_by(PRODUCERS) {
        let seen = seen.clone();
        current.push((id, pool.spawn(move || task(id, &seen))));
        if current.len() == BATCH {
            let done = std::mem::replace(&mut previous, std::mem::take(&mut current));
            tally.join(done);
        }
    }
    tally.join(previous);
    tally.join(current);
    tally
}

/// Threads of this process, from `/proc/self/task` (None where there is no procfs).
fn thread_count() -> Option<usize> {
    std::fs::read_dir("/proc/self/task").ok().map(|d| d.count())
}

fn tasks_from_env() -> usize {
    match std::env::var("BETAPOOL_CHAOS_TASKS") {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("BETAPOOL_CHAOS_TASKS={v:?} is not a number of tasks")),
        Err(_) => DEFAULT_TASKS,
    }
}

#[test]
fn chaos_resizes_panics_and_mixed_service_times_lose_nothing() {
    let tasks = tasks_from_env();
    // The chosen panics would print thousands of messages; silence them and only them.
    let default_hook = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if info.payload().downcast_ref::<ChaosPanic>().is_none() {
            default_hook(info);
        }
    }));
    let chosen_panics = (0..tasks).filter(|&id| plan(id) == Plan::Panic).count();

    let threads_before = thread_count();
    let started = Instant::now();
    let pool = Arc::new(
        Builder::new()
            .name("chaos")
            .min_workers(1)
            .max_workers(MAX_WORKERS)
            .workers(8)
            .build()
            .unwrap(),
    );
    let seen: Arc<Vec<AtomicU8>> = Arc::new((0..tasks).map(|_| AtomicU8::new(0)).collect());
    let stop = Arc::new(AtomicBool::new(false));

    let resizer = {
        let (pool, stop) = (pool.clone(), stop.clone());
        thread::spawn(move || {
            let mut rng = 0x2545_F491_4F6C_DD1Du64;
            let mut resizes = 0u64;
            let mut next = Instant::now();
            while !stop.load(Ordering::Relaxed) {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                let target = 1 + (rng % MAX_WORKERS as u64) as usize;
                if resizes.is_multiple_of(2) {
                    pool.request_target(target).unwrap();
                } else {
                    pool.set_target(target).unwrap();
                }
                resizes += 1;
                // Sleep only what is left of the millisecond: a growth waits for its threads,
                // which on 2 busy cores can take longer than the period itself.
                next += RESIZE_EVERY;
                let now = Instant::now();
                match next.checked_duration_since(now) {
                    Some(left) => thread::sleep(left),
                    None => next = now,
                }
            }
            resizes
        })
    };
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let (pool, seen) = (pool.clone(), seen.clone());
            thread::spawn(move || produce(&pool, &seen, p, tasks))
        })
        .collect();
    let mut tally = Tally::default();
    for p in producers {
        let t = p.join().unwrap();
        tally.ok += t.ok;
        tally.panics += t.panics;
        tally.wrong.extend(t.wrong);
    }
    stop.store(true, Ordering::Relaxed);
    let resizes = resizer.join().unwrap();
    pool.shutdown();
    let elapsed = started.elapsed();
    let threads_after = thread_count();

    let count = |pred: fn(u8) -> bool| {
        seen.iter()
            .filter(|s| pred(s.load(Ordering::Relaxed)))
            .count()
    };
    let lost = count(|n| n == 0);
    let duplicated = count(|n| n > 1);
    let show = |n: Option<usize>| n.map_or_else(|| "n/a".to_owned(), |n| n.to_string());
    eprintln!(
        "chaos: tasks {tasks}, lost {lost}, duplicated {duplicated}, panics {} \
         (chosen {chosen_panics}), resizes {resizes} (one per {:.2?}), elapsed {elapsed:.2?}, \
         threads before {} after {}",
        tally.panics,
        elapsed / resizes.max(1) as u32,
        show(threads_before),
        show(threads_after),
    );

    assert_eq!((lost, duplicated), (0, 0), "after {resizes} resizes");
    assert!(
        tally.wrong.is_empty(),
        "{} handles resolved wrongly, first: {:?}",
        tally.wrong.len(),
        &tally.wrong[..tally.wrong.len().min(5)]
    );
    assert_eq!(
        (tally.ok, tally.panics),
        (tasks - chosen_panics, chosen_panics),
        "every handle resolved"
    );
    let c = pool.counters();
    assert_eq!(c.submitted, tasks as u64);
    assert_eq!(c.completed + c.panicked, tasks as u64);
    assert_eq!(c.panicked, chosen_panics as u64);
    assert_eq!((c.cancelled, c.rejected, c.hook_panics), (0, 0, 0));
    assert_eq!(pool.live_workers(), 0);
    assert!(pool.worker_stats().is_empty());
    assert!(resizes > 0);
    assert_eq!(
        threads_after, threads_before,
        "shutdown joined every worker"
    );
}
