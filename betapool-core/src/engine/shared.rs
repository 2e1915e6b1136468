//! The state every worker and every pool handle share: its fields, the state lock, and what runs
//! under that lock on behalf of the whole pool (a worker leaving the books, resize, shutdown).
//!
//! Each side of the engine extends `Shared` with methods in its own file: the submit side in
//! `admission.rs`, the worker loop, the park protocol and `wake_locked` in `worker.rs`, the
//! start of a growth's threads in `spawner.rs`. `Pool` (`pool.rs`) goes through methods only.
//!
//! # Resizing
//!
//! `target` is the size the pool should have. Growing spawns the missing workers at once, the
//! new workers helping (`spawner.rs`).
//! Shrinking marks the surplus and wakes the longest-idle workers; any worker above the target
//! retires the next time it is between tasks. The idle stack is LIFO, so new work goes to the
//! most recently idle worker and surplus threads are the ones left alone. A retiring worker
//! consumes no task; if it was woken for one, it passes the wake-up on (see `exit_locked`), so
//! shrinking never strands a queued task.
//!
//! # Shutdown
//!
//! Shutdown closes the submission gate, records the mode and wakes every idle worker. A worker
//! exits once the gate is drained and the queue is empty; under `ShutdownMode::Now` it first
//! cancels whatever is queued. The last thing a worker does under the lock is lower `live` and
//! signal `exited`, which is what `shutdown` waits on before it joins the threads.

use std::io;
use std::sync::PoisonError;
use std::time::Duration;

use crate::loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use crate::loom::sync::{Arc, Condvar, Mutex, MutexGuard};
use crate::loom::thread;

use super::counters::{Counters, PoolCounters, WorkerCounters, WorkerStats};
use super::queue::{Gate, Queue};
use super::rejection::RejectionPolicy;

/// A thread start or stop hook.
pub(crate) type Hook = crate::loom::std_only::Arc<dyn Fn() + Send + Sync + 'static>;

/// What `Pool::on_next_saturation` asks to be called.
pub(crate) type SaturationFn = Box<dyn FnOnce() + Send + 'static>;

/// Settings fixed when the pool is built.
pub(crate) struct Config {
    pub(crate) name: String,
    pub(crate) min: usize,
    pub(crate) max: usize,
    pub(crate) stack_size: Option<usize>,
    pub(crate) on_start: Option<Hook>,
    pub(crate) on_stop: Option<Hook>,
    pub(crate) rejection: RejectionPolicy,
}

/// How a pool is being shut down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ShutdownMode {
    /// Run everything already accepted, then exit.
    Graceful,
    /// Cancel everything still queued, let running tasks finish, then exit.
    Now,
}

/// A worker's identity and its private wake-up channel.
pub(crate) struct WorkerSlot {
    pub(super) index: usize,
    /// Signalled (under the state lock) to wake this worker.
    pub(super) wake: Condvar,
    pub(super) counters: WorkerCounters,
    /// Set under the state lock when the worker has left the pool's books; its thread is then
    /// about to end (it may still be running the stop hook).
    pub(super) exited: AtomicBool,
}

/// What the state lock protects.
pub(crate) struct State {
    /// Workers the pool should have.
    pub(super) target: usize,
    /// Workers started (or being started) and not yet exited.
    pub(super) live: usize,
    /// Threads whose spawn has been decided but whose `JoinHandle` is not yet stored.
    pub(super) spawning: usize,
    /// Idle workers, most recently idle last.
    pub(super) idle: Vec<Arc<WorkerSlot>>,
    /// Which of `idle`'s workers have been woken: the flag lives here, under the lock, so a
    /// wake-up sent before the worker waits is not lost.
    pub(super) woken: Vec<usize>,
    /// Every live worker, for stats.
    pub(super) workers: Vec<Arc<WorkerSlot>>,
    /// Thread handles with their workers, joined at shutdown (finished ones are reaped on
    /// resize).
    pub(super) threads: Vec<(Arc<WorkerSlot>, thread::JoinHandle<()>)>,
    /// Slot numbers in use, so thread names stay short (`bp-0` … `bp-<max-1>`).
    pub(super) in_use: Vec<bool>,
    pub(super) shutdown: Option<ShutdownMode>,
}

/// The slots of a growth waiting for their threads (see `spawner.rs`). It has its own lock so
/// that starting a thread never holds the state lock.
#[derive(Default)]
pub(crate) struct Growth {
    pub(super) pending: Vec<Arc<WorkerSlot>>,
    /// Slots taken from `pending` whose outcome is not yet recorded with `Shared::spawned`.
    pub(super) in_flight: usize,
    /// The first refusal since it was last taken.
    pub(super) failure: Option<Refusal>,
}

/// Starting a growth's threads (implemented in `spawner.rs`). Each new thread keeps a clone of the
/// `Arc`, so these are methods of `Arc<Shared>`, which (loom's `Arc` being no method receiver) a
/// trait provides.
pub(crate) trait Grow {
    /// Starts the thread of one pending slot, if there is one; returns whether there was.
    fn spawn_pending(&self) -> bool;
    /// Starts pending slots until none is left, waits for the spawns other threads have under
    /// way, and returns the first refusal since the last call.
    fn finish_growth(&self) -> Option<Refusal>;
}

/// A thread the OS refused: the slot's index and the error.
pub(crate) type Refusal = (usize, io::Error);

/// Everything the workers and the pool handle share.
///
/// The fields are visible to the engine's files that extend `Shared` (`admission.rs`,
/// `worker.rs`, `spawner.rs`); `Pool` uses methods only.
pub(crate) struct Shared {
    pub(super) config: Config,
    pub(super) queue: Queue,
    pub(super) gate: Gate,
    pub(super) state: Mutex<State>,
    /// Mirrors `state.idle.len()`, readable without the lock by submitters.
    pub(super) idle_count: AtomicUsize,
    /// Mirrors `state.target` / `state.live`, for cheap reads between tasks.
    pub(super) target: AtomicUsize,
    pub(super) live: AtomicUsize,
    /// Submitters waiting for room under `RejectionPolicy::Block`.
    pub(super) blocked_submitters: AtomicUsize,
    /// Signalled (under the state lock) when a slot frees up in a full bounded queue.
    pub(super) space: Condvar,
    /// Signalled when a worker exits or a spawn finishes.
    pub(super) exited: Condvar,
    /// Slots of a growth waiting for their threads (see `spawner.rs`).
    pub(super) growth: Mutex<Growth>,
    /// Signalled when a spawn's outcome has been recorded.
    pub(super) growth_done: Condvar,
    /// Whether `on_saturation` waits to be called (see `Pool::on_next_saturation`).
    pub(super) saturation_armed: AtomicBool,
    pub(super) on_saturation: Mutex<Option<SaturationFn>>,
    pub(super) counters: PoolCounters,
    /// Tells workers apart from other threads, so `shutdown` called from a task does not wait on
    /// its own thread.
    pub(super) id: usize,
    /// The origin of the per-worker `task_started_ns` stamps.
    pub(super) epoch: std::time::Instant,
}

impl Shared {
    pub(crate) fn new(config: Config, capacity: Option<usize>, id: usize) -> Shared {
        let max = config.max;
        Shared {
            config,
            queue: Queue::new(capacity),
            gate: Gate::new(),
            state: Mutex::new(State {
                target: 0,
                live: 0,
                spawning: 0,
                idle: Vec::new(),
                woken: Vec::new(),
                workers: Vec::new(),
                threads: Vec::new(),
                in_use: vec![false; max],
                shutdown: None,
            }),
            idle_count: AtomicUsize::new(0),
            target: AtomicUsize::new(0),
            live: AtomicUsize::new(0),
            blocked_submitters: AtomicUsize::new(0),
            space: Condvar::new(),
            exited: Condvar::new(),
            growth: Mutex::new(Growth::default()),
            growth_done: Condvar::new(),
            saturation_armed: AtomicBool::new(false),
            on_saturation: Mutex::new(None),
            counters: PoolCounters::default(),
            id,
            epoch: std::time::Instant::now(),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // No user code runs under this lock, so poison can only come from a bug in the engine;
        // ignoring it keeps the other workers and the shutdown path alive regardless.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    // ---- reads for the pool handle -----------------------------------------------------------

    pub(crate) fn name(&self) -> &str {
        &self.config.name
    }

    pub(crate) fn min_workers(&self) -> usize {
        self.config.min
    }

    pub(crate) fn max_workers(&self) -> usize {
        self.config.max
    }

    /// `n` within the pool's bounds.
    pub(crate) fn clamp_target(&self, n: usize) -> usize {
        n.clamp(self.config.min, self.config.max)
    }

    pub(crate) fn target(&self) -> usize {
        self.target.load(Ordering::Relaxed)
    }

    pub(crate) fn live(&self) -> usize {
        self.live.load(Ordering::Relaxed)
    }

    pub(crate) fn idle(&self) -> usize {
        self.idle_count.load(Ordering::Relaxed)
    }

    pub(crate) fn queued(&self) -> usize {
        self.queue.len()
    }

    pub(crate) fn queue_capacity(&self) -> Option<usize> {
        self.queue.capacity()
    }

    pub(crate) fn counters(&self) -> Counters {
        self.counters.snapshot()
    }

    /// Whether shutdown has begun: the gate is closed to new tasks.
    pub(crate) fn is_shutdown(&self) -> bool {
        self.gate.is_closed()
    }

    /// A snapshot of every live worker's counters.
    pub(crate) fn worker_stats(&self) -> Vec<WorkerStats> {
        let now = std::time::Instant::now().saturating_duration_since(self.epoch);
        let st = self.lock();
        st.workers
            .iter()
            .map(|w| w.counters.snapshot(w.index, now))
            .collect()
    }

    // ---- the books ---------------------------------------------------------------------------

    /// Removes `slot` from the pool's books. The caller's thread ends right after.
    pub(super) fn exit_locked(&self, st: &mut State, slot: &Arc<WorkerSlot>) {
        st.live -= 1;
        self.live.store(st.live, Ordering::Relaxed);
        if let Some(pos) = st.workers.iter().position(|w| Arc::ptr_eq(w, slot)) {
            st.workers.swap_remove(pos);
        }
        st.in_use[slot.index] = false;
        slot.exited.store(true, Ordering::Relaxed);
        // A retiring worker may have been woken for a task it will not run. `retarget` wakes
        // as many idle workers as there are surplus ones, so another woken worker normally
        // takes it; passing the wake-up on anyway keeps "no stranded task" true without relying
        // on that count (belt and braces: the loom model passes with or without it).
        if !self.queue.is_empty() {
            self.wake_locked(st, Idle::Newest);
        }
        self.exited.notify_all();
    }

    // ---- resize ------------------------------------------------------------------------------

    /// Sets the target and reserves the slots of the workers to start. Returns the slots; the
    /// caller spawns their threads (outside the lock) and reports each with `spawned`.
    pub(crate) fn retarget(&self, target: usize) -> Result<Vec<Arc<WorkerSlot>>, ShutdownMode> {
        let mut st = self.lock();
        if let Some(mode) = st.shutdown {
            return Err(mode);
        }
        st.target = target;
        self.target.store(target, Ordering::Relaxed);
        // Reap threads that have already ended so the handle list stays small under churn.
        let mut i = 0;
        while i < st.threads.len() {
            if crate::loom::is_finished(&st.threads[i].1) {
                let (_, t) = st.threads.swap_remove(i);
                let _ = t.join();
            } else {
                i += 1;
            }
        }
        let mut new = Vec::new();
        while st.live < target {
            let Some(index) = st.in_use.iter().position(|u| !u) else {
                break;
            };
            st.in_use[index] = true;
            let slot = Arc::new(WorkerSlot {
                index,
                wake: Condvar::new(),
                counters: WorkerCounters::default(),
                exited: AtomicBool::new(false),
            });
            st.workers.push(slot.clone());
            st.live += 1;
            st.spawning += 1;
            new.push(slot);
        }
        self.live.store(st.live, Ordering::Relaxed);
        // Shrink: wake the longest-idle surplus workers so they retire now rather than at the
        // next task.
        let surplus = st.live.saturating_sub(target);
        for _ in 0..surplus {
            if !self.wake_locked(&mut st, Idle::Oldest) {
                break;
            }
        }
        Ok(new)
    }

    /// Records the outcome of spawning the thread of `slot`.
    pub(super) fn spawned(&self, slot: &Arc<WorkerSlot>, handle: Option<thread::JoinHandle<()>>) {
        let mut st = self.lock();
        st.spawning -= 1;
        match handle {
            Some(h) => st.threads.push((slot.clone(), h)),
            None => self.exit_locked(&mut st, slot),
        }
        self.exited.notify_all();
    }

    // ---- shutdown ----------------------------------------------------------------------------

    /// Wakes every idle worker and every blocked submitter so that each re-reads the state
    /// (the pool may be shutting down).
    pub(super) fn wake_all(&self) {
        let mut st = self.lock();
        self.wake_all_locked(&mut st);
    }

    fn wake_all_locked(&self, st: &mut State) {
        while self.wake_locked(st, Idle::Newest) {}
        self.space.notify_all();
    }

    /// Closes the pool and wakes everyone. Returns `false` if it was already shut down, in which
    /// case a `Now` request still upgrades a graceful shutdown.
    pub(crate) fn begin_shutdown(&self, mode: ShutdownMode) -> bool {
        self.gate.close();
        let mut st = self.lock();
        let first = st.shutdown.is_none();
        if first || mode == ShutdownMode::Now {
            st.shutdown = Some(mode);
        }
        self.wake_all_locked(&mut st);
        first
    }

    /// Drops every queued task unrun, resolving their handles as cancelled. Must be called
    /// without the state lock: a task's destructor may run user code.
    pub(crate) fn cancel_queued(&self) -> u64 {
        let mut n = 0;
        while let Some(task) = self.take() {
            task.cancel();
            PoolCounters::bump(&self.counters.cancelled);
            n += 1;
        }
        n
    }

    /// Waits until at most `keep` workers are live and no spawn is pending, or until `deadline`.
    /// Returns the live count when it stopped waiting.
    pub(crate) fn wait_exited(&self, keep: usize, timeout: Option<Duration>) -> usize {
        let deadline = timeout.and_then(|t| std::time::Instant::now().checked_add(t));
        let mut st = self.lock();
        while st.live > keep || st.spawning > 0 {
            match deadline {
                None => st = self.exited.wait(st).unwrap_or_else(PoisonError::into_inner),
                Some(d) => {
                    let now = std::time::Instant::now();
                    if now >= d {
                        break;
                    }
                    st = self
                        .exited
                        .wait_timeout(st, d - now)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                }
            }
        }
        st.live
    }

    /// Takes the handles of threads whose workers have left the pool, except the calling
    /// thread's own (a task may shut its own pool down). Joining them waits at most for their
    /// stop hooks.
    pub(crate) fn take_exited_threads(&self) -> Vec<thread::JoinHandle<()>> {
        let me = thread::current().id();
        let mut st = self.lock();
        let mut out = Vec::new();
        let mut i = 0;
        while i < st.threads.len() {
            let (slot, h) = &st.threads[i];
            if slot.exited.load(Ordering::Relaxed) && h.thread().id() != me {
                out.push(st.threads.swap_remove(i).1);
            } else {
                i += 1;
            }
        }
        out
    }
}

/// Which idle worker `wake_locked` wakes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Idle {
    /// The most recently idle: its cache is warmest, so new work goes to it.
    Newest,
    /// The longest idle: the one a shrink retires, leaving the warm ones alone.
    Oldest,
}

#[cfg(all(test, loom))]
impl Shared {
    /// Threads whose spawn is decided but not yet recorded, for the loom models.
    pub(crate) fn spawns_in_progress(&self) -> usize {
        self.lock().spawning
    }

    /// Worker slots reserved and not yet given back, for the loom models.
    pub(crate) fn slots_in_use(&self) -> usize {
        self.lock().in_use.iter().filter(|&&u| u).count()
    }

    /// Thread handles stored and not yet joined, for the loom models.
    pub(crate) fn unjoined_threads(&self) -> usize {
        self.lock().threads.len()
    }
}
