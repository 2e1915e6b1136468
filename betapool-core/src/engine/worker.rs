//! A worker thread: take a task, run it, count it; park when there is none; end when told to.
//! Also the other half of parking: `wake_locked`, the one place a parked worker is woken.
//!
//! # Sleep and wake without lost wake-ups
//!
//! A worker that finds the queue empty takes the state lock, pushes itself on the idle stack,
//! raises `idle_count`, issues a `SeqCst` fence and looks at the queue once more before it waits
//! on its own condition variable (`park`). A submitter pushes its task, issues a `SeqCst` fence
//! and reads `idle_count`; only if it is non-zero does it take the lock and wake the top of the
//! idle stack (`Shared::push`, in `admission.rs`). The two fences make this a store-buffering
//! pair: either the worker's second look sees the task, or the submitter sees the worker
//! registered (and then waits for the lock, which the worker holds until it is really waiting).
//! A wake-up is a flag set under the lock (`wake_locked`), so one delivered before the worker
//! waits is not lost either.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::PoisonError;
use std::time::Instant;

use crate::loom::sync::Arc;
use crate::loom::sync::atomic::{Ordering, fence};
use crate::loom::thread;

use super::counters::PoolCounters;
use super::shared::{Grow, Hook, Idle, Shared, ShutdownMode, State, WorkerSlot};
use super::task::{Outcome, Task};

crate::loom::thread_local! {
    /// The id of the pool whose worker this thread is (0 for any other thread).
    static CURRENT_POOL: Cell<usize> = Cell::new(0);
}

/// The thread name of worker `index`: `<prefix>-<index>`, within the kernel's 15 bytes (the
/// builder checks the prefix).
pub(crate) fn thread_name(prefix: &str, index: usize) -> String {
    format!("{prefix}-{index}")
}

/// The body of the thread of `slot` (started by `spawner.rs`).
pub(crate) fn main_loop(shared: &Arc<Shared>, slot: &Arc<WorkerSlot>) {
    slot.counters.os_tid.store(os_tid(), Ordering::Relaxed);
    CURRENT_POOL.with(|c| c.set(shared.id));
    // Help start the rest of a growth before the first task (see `spawner.rs`).
    while shared.spawn_pending() {}
    run_hook(shared, shared.config.on_start.as_ref());
    loop {
        // BUSY: run queued tasks back to back.
        if let Some(task) = shared.take() {
            run_task(shared, slot, task);
            if shared.over_target() && shared.try_retire(slot) {
                break;
            }
            continue;
        }
        // SPIN: tasks often arrive back to back; a short look before parking saves the
        // submitter a lock and a futex wake-up per task.
        if let Some(task) = spin_for_work(shared) {
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
        if let Some(task) = shared.take() {
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

/// What a worker should do after parking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Park {
    /// There may be work: look at the queue.
    Work,
    /// The worker has been retired or the pool is shut down: its thread must end.
    Exit,
}

impl Shared {
    /// Whether the calling thread is one of this pool's workers.
    pub(crate) fn on_own_worker(&self) -> bool {
        CURRENT_POOL.with(|c| c.get() == self.id)
    }

    /// Whether this worker is surplus; cheap enough to ask between every two tasks.
    fn over_target(&self) -> bool {
        self.live.load(Ordering::Relaxed) > self.target.load(Ordering::Relaxed)
    }

    /// Retires `slot` if the pool is above its target. Returns `true` if it did.
    fn try_retire(&self, slot: &Arc<WorkerSlot>) -> bool {
        let mut st = self.lock();
        if st.shutdown.is_none() && st.live > st.target {
            self.exit_locked(&mut st, slot);
            return true;
        }
        false
    }

    /// Parks an idle worker until there may be work, or tells it to exit.
    fn park(&self, slot: &Arc<WorkerSlot>) -> Park {
        let mut st = self.lock();
        loop {
            if let Some(mode) = st.shutdown {
                if mode == ShutdownMode::Now && !self.queue.is_empty() {
                    drop(st);
                    self.cancel_queued();
                    st = self.lock();
                    continue;
                }
                if !self.queue.is_empty() {
                    return Park::Work;
                }
                if self.gate.is_drained() {
                    self.exit_locked(&mut st, slot);
                    return Park::Exit;
                }
                // A submitter that passed the gate before it closed is still pushing: wait for
                // its wake-up (it wakes everyone when it is the last out).
            } else if st.live > st.target {
                self.exit_locked(&mut st, slot);
                return Park::Exit;
            }

            // IDLE: register, then look at the queue once more.
            st.idle.push(slot.clone());
            self.idle_count.fetch_add(1, Ordering::SeqCst);
            // SeqCst fence: pairs with the one in `Shared::push` (see the module documentation).
            fence(Ordering::SeqCst);
            if !self.queue.is_empty() {
                // Nobody else can have touched the idle stack while we held the lock.
                st.idle.pop();
                self.idle_count.fetch_sub(1, Ordering::SeqCst);
                return Park::Work;
            }
            // SLEEP: until a waker moves our index into `woken`.
            loop {
                st = slot.wake.wait(st).unwrap_or_else(PoisonError::into_inner);
                if let Some(pos) = st.woken.iter().position(|&i| i == slot.index) {
                    st.woken.swap_remove(pos);
                    break;
                }
            }
            // Re-evaluate from the top: shutdown and shrink take precedence over work.
        }
    }

    /// Wakes one parked worker (`which` end of the idle stack), under the state lock. Returns
    /// `false` if none is idle.
    ///
    /// Taking the worker off the idle stack and lowering `idle_count` together, under the lock,
    /// keeps the count a true mirror of the stack, which is what a submitter's fenced read of
    /// `idle_count` relies on. The wake-up itself is the index in `woken`, also set under the
    /// lock: the worker waits until it finds its index there, so a spurious return from `wait`
    /// is not taken for a wake-up, and a `notify_one` sent while the worker is between two
    /// waits is not lost.
    pub(super) fn wake_locked(&self, st: &mut State, which: Idle) -> bool {
        let w = match which {
            Idle::Newest => st.idle.pop(),
            Idle::Oldest if !st.idle.is_empty() => Some(st.idle.remove(0)),
            Idle::Oldest => None,
        };
        let Some(w) = w else { return false };
        self.idle_count.fetch_sub(1, Ordering::SeqCst);
        st.woken.push(w.index);
        w.wake.notify_one();
        true
    }
}
