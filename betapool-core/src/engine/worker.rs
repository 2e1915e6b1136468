//! A worker thread: take a task, run it, count it; park when there is none; end when told to.

use std::cell::Cell;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

use crate::loom::sync::Arc;
use crate::loom::sync::atomic::Ordering;
use crate::loom::thread;

use super::counters::PoolCounters;
use super::shared::{Hook, Park, Shared, WorkerSlot};
use super::spawner::Spawner;
use super::task::{Outcome, Task};

crate::loom::thread_local! {
    /// The id of the pool whose worker this thread is (0 for any other thread).
    static CURRENT_POOL: Cell<usize> = Cell::new(0);
}

/// Whether the calling thread is a worker of the pool `id`.
pub(crate) fn is_worker_of(id: usize) -> bool {
    CURRENT_POOL.with(|c| c.get() == id)
}

/// The thread name of worker `index`: `<prefix>-<index>`, within the kernel's 15 bytes (the
/// builder checks the prefix).
pub(crate) fn thread_name(prefix: &str, index: usize) -> String {
    format!("{prefix}-{index}")
}

/// Starts the thread of `slot`.
pub(crate) fn spawn(
    shared: &Arc<Shared>,
    slot: Arc<WorkerSlot>,
) -> io::Result<thread::JoinHandle<()>> {
    let mut builder = thread::Builder::new().name(thread_name(&shared.config.name, slot.index));
    if let Some(size) = shared.config.stack_size {
        builder = builder.stack_size(size);
    }
    let shared = shared.clone();
    builder.spawn(move || main_loop(&shared, &slot))
}

fn main_loop(shared: &Arc<Shared>, slot: &Arc<WorkerSlot>) {
    slot.counters.os_tid.store(os_tid(), Ordering::Relaxed);
    CURRENT_POOL.with(|c| c.set(shared.id));
    // Help start the rest of a growth before the first task (see `spawner.rs`).
    while Spawner::spawn_one(shared) {}
    run_hook(shared, shared.config.on_start.as_ref());
    loop {
        // BUSY: run queued tasks back to back.
        if let Some(task) = shared.queue.pop() {
            shared.after_pop();
            run_task(shared, slot, task);
            if shared.over_target() && shared.try_retire(slot) {
                break;
            }
            continue;
        }
        // SPIN: tasks often arrive back to back; a short look before parking saves the
        // submitter a lock and a futex wake-up per task.
        if let Some(task) = spin_for_work(shared) {
            shared.after_pop();
            run_task(shared, slot, task);
            continue;
        }
        // IDLE: the queue stayed empty; park until there may be work, or exit.
        if shared.park(slot) == Park::Exit {
            break;
        }
    }
    run_hook(shared, shared.config.on_stop.as_ref());
    CURRENT_POOL.with(|c| c.set(0));
}

/// Rounds of busy-waiting (doubling `spin_loop` hints: 1, 2, 4 … 64) before yielding. Short
/// enough (well under a microsecond in all) not to steal a core from the submitter.
const SPIN_ROUNDS: u32 = 7;

/// Rounds of `yield_now` after spinning and before parking. Yielding lets the submitter run on
/// a busy machine; a dozen rounds cover the gap between two back-to-back submissions (a few
/// hundred nanoseconds to a few microseconds), like rayon's `ROUNDS_UNTIL_SLEEPY`.
const YIELD_ROUNDS: u32 = 10;

/// Looks at the queue a few more times, spinning then yielding, before the worker parks.
/// Spinning workers are not registered as idle, so a submitter that sees none idle skips the
/// wake-up and a spinning worker takes the task instead; the park protocol is unchanged.
fn spin_for_work(shared: &Shared) -> Option<Task> {
    if cfg!(loom) {
        // Under loom each extra look multiplies the interleavings without testing anything new.
        return None;
    }
    for round in 0..SPIN_ROUNDS + YIELD_ROUNDS {
        if round < SPIN_ROUNDS {
            for _ in 0..1u32 << round {
                std::hint::spin_loop();
            }
        } else {
            thread::yield_now();
        }
        if let Some(task) = shared.queue.pop() {
            return Some(task);
        }
        if shared.gate.is_closed() || shared.over_target() {
            // Shutdown or shrink: let `park` decide.
            return None;
        }
    }
    None
}

/// Runs one task, timing it and counting its outcome before its handle resolves (so a caller
/// that saw the handle finish also sees the counters include it).
fn run_task(shared: &Shared, slot: &WorkerSlot, task: Task) {
    let start = Instant::now();
    // Published so a controller can see how long the current task has run (and tell a worker
    // blocked inside a task from an idle one). `max(1)`: 0 means "not in a task".
    let since_epoch = start.saturating_duration_since(shared.epoch).as_nanos();
    let started = u64::try_from(since_epoch).unwrap_or(u64::MAX).max(1);
    slot.counters
        .task_started_ns
        .store(started, Ordering::Relaxed);
    let count = |outcome: Outcome| {
        let busy = start.elapsed().as_nanos().try_into().unwrap_or(u64::MAX);
        slot.counters.task_started_ns.store(0, Ordering::Relaxed);
        let c = &slot.counters;
        c.busy_ns.fetch_add(busy, Ordering::Relaxed);
        c.completions.fetch_add(1, Ordering::Relaxed);
        match outcome {
            Outcome::Completed => PoolCounters::bump(&shared.counters.completed),
            Outcome::Panicked => {
                c.panics.fetch_add(1, Ordering::Relaxed);
                PoolCounters::bump(&shared.counters.panicked);
            }
        }
    };
    // The task catches its closure's panic itself. This outer guard catches what is left: a
    // panic from dropping the output or a panic payload. No panic escapes a worker.
    if catch_unwind(AssertUnwindSafe(|| task.run(&count))).is_err() {
        PoolCounters::bump(&shared.counters.hook_panics);
    }
}

/// Runs a start/stop hook; a panicking hook is counted, never fatal.
fn run_hook(shared: &Shared, hook: Option<&Hook>) {
    if let Some(hook) = hook
        && catch_unwind(AssertUnwindSafe(|| hook())).is_err()
    {
        PoolCounters::bump(&shared.counters.hook_panics);
    }
}

/// The kernel's id of the calling thread, or 0 where it cannot be known.
fn os_tid() -> u64 {
    #[cfg(all(target_os = "linux", not(loom)))]
    {
        // `/proc/thread-self` links to `<pid>/task/<tid>`: the tid without libc or unsafe code.
        if let Ok(link) = std::fs::read_link("/proc/thread-self")
            && let Some(tid) = link
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.parse().ok())
        {
            return tid;
        }
    }
    0
}
