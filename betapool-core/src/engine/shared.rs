//! The state every worker and every pool handle shares, and the sleep/wake protocol over it.
//!
//! # Sleep and wake without lost wake-ups
//!
//! A worker that finds the queue empty takes the state lock, pushes itself on the idle stack,
//! raises `idle_count`, issues a `SeqCst` fence and looks at the queue once more before it waits
//! on its own condition variable. A submitter pushes its task, issues a `SeqCst` fence and reads
//! `idle_count`; only if it is non-zero does it take the lock and wake the top of the idle stack.
//! The two fences make this a store-buffering pair: either the worker's second look sees the task,
//! or the submitter sees the worker registered (and then waits for the lock, which the worker
//! holds until it is really waiting). A wake-up is a flag set under the lock, so one delivered
//! before the worker waits is not lost either.
//!
//! # Resizing
//!
//! `target` is the size the pool should have. Growing spawns the missing workers at once, the
//! new workers helping (`spawner.rs`).
//! Shrinking marks the surplus and wakes the longest-idle workers; any worker above the target
//! retires the next time it is between tasks. The idle stack is LIFO, so new work goes to the
//! most recently idle worker and surplus threads are the ones left alone. A retiring worker
//! consumes no task; if it was woken for one, it passes the wake-up on (see `retire_locked`), so
//! shrinking never strands a queued task.
//!
//! # Shutdown
//!
//! Shutdown closes the submission gate, records the mode and wakes every idle worker. A worker
//! exits once the gate is drained and the queue is empty; under `ShutdownMode::Now` it first
//! cancels whatever is queued. The last thing a worker does under the lock is lower `live` and
//! signal `exited`, which is what `shutdown` waits on before it joins the threads.

use std::sync::PoisonError;
use std::time::Duration;

use crate::loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering, fence};
use crate::loom::sync::{Arc, Condvar, Mutex, MutexGuard};
use crate::loom::thread;

use super::counters::{PoolCounters, WorkerCounters};
use super::gate::{Gate, Left};
use super::queue::Queue;
use super::rejection::RejectionPolicy;
use super::spawner::Spawner;
use super::task::Task;

/// A thread start or stop hook.
pub(crate) type Hook = std::sync::Arc<dyn Fn() + Send + Sync + 'static>;

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
    pub(crate) index: usize,
    /// Signalled (under the state lock) to wake this worker.
    wake: Condvar,
    pub(crate) counters: WorkerCounters,
    /// Set under the state lock when the worker has left the pool's books; its thread is then
    /// about to end (it may still be running the stop hook).
    exited: AtomicBool,
}

/// What the state lock protects.
pub(crate) struct State {
    /// Workers the pool should have.
    pub(crate) target: usize,
    /// Workers started (or being started) and not yet exited.
    pub(crate) live: usize,
    /// Threads whose spawn has been decided but whose `JoinHandle` is not yet stored.
    pub(crate) spawning: usize,
    /// Idle workers, most recently idle last.
    idle: Vec<Arc<WorkerSlot>>,
    /// Which of `idle`'s workers have been woken: the flag lives here, under the lock, so a
    /// wake-up sent before the worker waits is not lost.
    woken: Vec<usize>,
    /// Every live worker, for stats.
    pub(crate) workers: Vec<Arc<WorkerSlot>>,
    /// Thread handles with their workers, joined at shutdown (finished ones are reaped on
    /// resize).
    threads: Vec<(Arc<WorkerSlot>, thread::JoinHandle<()>)>,
    /// Slot numbers in use, so thread names stay short (`bp-0` … `bp-<max-1>`).
    in_use: Vec<bool>,
    pub(crate) shutdown: Option<ShutdownMode>,
}

/// Everything the workers and the pool handle share.
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) queue: Queue,
    pub(crate) gate: Gate,
    state: Mutex<State>,
    /// Mirrors `state.idle.len()`, readable without the lock by submitters.
    idle_count: AtomicUsize,
    /// Mirrors `state.target` / `state.live`, for cheap reads between tasks.
    target: AtomicUsize,
    live: AtomicUsize,
    /// Submitters waiting for room under `RejectionPolicy::Block`.
    blocked_submitters: AtomicUsize,
    /// Signalled when a slot frees up in a full bounded queue.
    space: Condvar,
    /// Signalled when a worker exits or a spawn finishes.
    exited: Condvar,
    /// Slots of a growth waiting for their threads (see `spawner.rs`).
    pub(crate) spawner: Spawner,
    /// Whether `on_saturation` waits to be called (see `Pool::on_next_saturation`).
    saturation_armed: AtomicBool,
    on_saturation: Mutex<Option<SaturationFn>>,
    pub(crate) counters: PoolCounters,
    /// Tells workers apart from other threads, so `shutdown` called from a task does not wait on
    /// its own thread.
    pub(crate) id: usize,
    /// The origin of the per-worker `task_started_ns` stamps.
    pub(crate) epoch: std::time::Instant,
}

/// What a worker should do after parking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Park {
    /// There may be work: look at the queue.
    Work,
    /// The worker has been retired or the pool is shut down: its thread must end.
    Exit,
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
            spawner: Spawner::default(),
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

    pub(crate) fn target(&self) -> usize {
        self.target.load(Ordering::Relaxed)
    }

    pub(crate) fn live(&self) -> usize {
        self.live.load(Ordering::Relaxed)
    }

    pub(crate) fn idle(&self) -> usize {
        self.idle_count.load(Ordering::Relaxed)
    }

    // ---- submit side -------------------------------------------------------------------------

    /// Pushes an accepted task and wakes a worker if one is idle. `inside` proves the gate was
    /// passed and is left after the push.
    pub(crate) fn push(&self, task: Task, inside: super::gate::Inside) {
        self.queue.push(task);
        // SeqCst fence: pairs with the one in `park` (see the module documentation).
        fence(Ordering::SeqCst);
        if self.idle_count.load(Ordering::SeqCst) > 0 {
            self.wake_one();
        } else if self.saturation_armed.load(Ordering::Relaxed) {
            self.saturated();
        }
        self.leave_gate(inside);
    }

    /// Leaves `f` to be called by the next submitter that finds no idle worker.
    pub(crate) fn on_next_saturation(&self, f: SaturationFn) {
        *self
            .on_saturation
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(f);
        self.saturation_armed.store(true, Ordering::Release);
    }

    /// A task was queued with no worker idle: call the waiting `on_saturation`, once.
    #[cold]
    fn saturated(&self) {
        if !self.saturation_armed.swap(false, Ordering::Acquire) {
            return;
        }
        let f = self
            .on_saturation
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(f) = f {
            f();
        }
    }

    pub(crate) fn leave_gate(&self, inside: super::gate::Inside) {
        if self.gate.leave(inside) == Left::LastOut {
            self.wake_all();
        }
    }

    pub(crate) fn after_rejected_enter(&self, left: Left) {
        if left == Left::LastOut {
            self.wake_all();
        }
    }

    /// Wakes the most recently idle worker, if any.
    fn wake_one(&self) {
        let mut st = self.lock();
        if let Some(w) = st.idle.pop() {
            self.idle_count.fetch_sub(1, Ordering::SeqCst);
            st.woken.push(w.index);
            w.wake.notify_one();
        }
    }

    /// Wakes every idle worker so that each re-reads the state (shutdown, shrink).
    pub(crate) fn wake_all(&self) {
        let mut st = self.lock();
        Self::wake_all_locked(&mut st, &self.idle_count);
        // Blocked submitters must also re-check: the pool may be shutting down.
        self.space.notify_all();
    }

    fn wake_all_locked(st: &mut State, idle_count: &AtomicUsize) {
        while let Some(w) = st.idle.pop() {
            idle_count.fetch_sub(1, Ordering::SeqCst);
            st.woken.push(w.index);
            w.wake.notify_one();
        }
    }

    /// Called by a worker after it took a task: lets a blocked submitter in.
    pub(crate) fn after_pop(&self) {
        if self.queue.capacity().is_some() {
            // SeqCst fence: pairs with the one in `wait_for_space`.
            fence(Ordering::SeqCst);
            if self.blocked_submitters.load(Ordering::SeqCst) > 0 {
                let _st = self.lock();
                self.space.notify_one();
            }
        }
    }

    /// Waits until the bounded queue may have room or the pool is shutting down.
    /// Returns `false` if the pool is shutting down.
    pub(crate) fn wait_for_space(&self) -> bool {
        let mut st = self.lock();
        self.blocked_submitters.fetch_add(1, Ordering::SeqCst);
        fence(Ordering::SeqCst);
        let capacity = self.queue.capacity().unwrap_or(usize::MAX);
        if st.shutdown.is_none() && !self.gate.is_closed() && self.queue.len() >= capacity {
            st = self.space.wait(st).unwrap_or_else(PoisonError::into_inner);
        }
        self.blocked_submitters.fetch_sub(1, Ordering::SeqCst);
        st.shutdown.is_none() && !self.gate.is_closed()
    }

    // ---- worker side -------------------------------------------------------------------------

    /// Whether this worker is surplus; cheap enough to ask between every two tasks.
    pub(crate) fn over_target(&self) -> bool {
        self.live.load(Ordering::Relaxed) > self.target.load(Ordering::Relaxed)
    }

    /// Retires `slot` if the pool is above its target. Returns `true` if it did.
    pub(crate) fn try_retire(&self, slot: &Arc<WorkerSlot>) -> bool {
        let mut st = self.lock();
        if st.shutdown.is_none() && st.live > st.target {
            self.exit_locked(&mut st, slot);
            return true;
        }
        false
    }

    /// Parks an idle worker until there may be work, or tells it to exit.
    pub(crate) fn park(&self, slot: &Arc<WorkerSlot>) -> Park {
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

    /// Drops every queued task unrun, resolving their handles as cancelled. Must be called
    /// without the state lock: a task's destructor may run user code.
    pub(crate) fn cancel_queued(&self) -> u64 {
        let mut n = 0;
        while let Some(task) = self.queue.pop() {
            self.after_pop();
            task.cancel();
            PoolCounters::bump(&self.counters.cancelled);
            n += 1;
        }
        n
    }

    /// Removes `slot` from the pool's books. The caller's thread ends right after.
    fn exit_locked(&self, st: &mut State, slot: &Arc<WorkerSlot>) {
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
        if !self.queue.is_empty()
            && let Some(w) = st.idle.pop()
        {
            self.idle_count.fetch_sub(1, Ordering::SeqCst);
            st.woken.push(w.index);
            w.wake.notify_one();
        }
        self.exited.notify_all();
    }

    // ---- resize and shutdown -----------------------------------------------------------------

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
        for _ in 0..surplus.min(st.idle.len()) {
            let w = st.idle.remove(0);
            self.idle_count.fetch_sub(1, Ordering::SeqCst);
            st.woken.push(w.index);
            w.wake.notify_one();
        }
        Ok(new)
    }

    /// Records the outcome of spawning the thread of `slot`.
    pub(crate) fn spawned(&self, slot: &Arc<WorkerSlot>, handle: Option<thread::JoinHandle<()>>) {
        let mut st = self.lock();
        st.spawning -= 1;
        match handle {
            Some(h) => st.threads.push((slot.clone(), h)),
            None => self.exit_locked(&mut st, slot),
        }
        self.exited.notify_all();
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
        Self::wake_all_locked(&mut st, &self.idle_count);
        self.space.notify_all();
        first
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

#[cfg(all(test, loom))]
impl Shared {
    /// Worker slots reserved and not yet given back, for the loom models.
    pub(crate) fn slots_in_use(&self) -> usize {
        self.lock().in_use.iter().filter(|&&u| u).count()
    }

    /// Thread handles stored and not yet joined, for the loom models.
    pub(crate) fn unjoined_threads(&self) -> usize {
        self.lock().threads.len()
    }
}

impl Shared {
    /// A snapshot of every live worker's counters.
    pub(crate) fn worker_stats(&self) -> Vec<super::counters::WorkerStats> {
        let now = std::time::Instant::now().saturating_duration_since(self.epoch);
        let st = self.lock();
        st.workers
            .iter()
            .map(|w| w.counters.snapshot(w.index, now))
            .collect()
    }
}
