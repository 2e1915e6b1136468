//! Starting the threads of a growth, with the new workers helping: the one place a worker
//! thread is started.
//!
//! A resize that adds `k` workers reserves `k` slots (`Shared::retarget`) and leaves them in
//! `Shared::growth`. The caller of `set_target` starts them one at a time, and every new worker
//! helps until none is left before it looks at the queue, so the number of threads spawning
//! doubles at each round: 300 threads start in about nine spawn latencies rather than three
//! hundred. It matters when the cores are busy, which is when a pool grows: a lone spawner gets
//! only its share of them (335 threads took 50 ms to start from a lone controller thread while
//! the workers already running kept both cores busy).
//!
//! The caller of `set_target` keeps spawning until nothing is pending and then waits for the
//! helpers' spawns in flight, so `set_target` still returns with every thread started and any
//! failure reported; the helpers only make it sooner. `request_target` starts one and leaves
//! the rest to the new workers. After the first refusal by the OS the remaining slots are
//! released rather than tried.

use std::io;
use std::mem;
use std::sync::PoisonError;

use crate::error::ResizeError;
use crate::loom::sync::{Arc, MutexGuard};
use crate::loom::thread;

use super::shared::{Grow, Growth, Refusal, Shared, WorkerSlot};
use super::worker;

impl Shared {
    fn lock_growth(&self) -> MutexGuard<'_, Growth> {
        self.growth.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Leaves `slots` to be started.
    pub(crate) fn add_pending(&self, slots: Vec<Arc<WorkerSlot>>) {
        self.lock_growth().pending.extend(slots);
    }

    /// The first refusal since the last call, if any, without waiting.
    pub(crate) fn take_spawn_failure(&self) -> Option<Refusal> {
        self.lock_growth().failure.take()
    }

    /// The error for a resize to `target` whose thread `refusal` the OS refused.
    pub(crate) fn resize_error(&self, refusal: Refusal, target: usize) -> ResizeError {
        let (index, e) = refusal;
        let name = self.name();
        ResizeError::spawn(
            name,
            &worker::thread_name(name, index),
            self.live(),
            target,
            e,
        )
    }
}

impl Grow for Arc<Shared> {
    fn spawn_pending(&self) -> bool {
        let slot = {
            let mut g = self.lock_growth();
            let Some(slot) = g.pending.pop() else {
                return false;
            };
            g.in_flight += 1;
            slot
        };
        let refused = match start_thread(self, slot.clone()) {
            Ok(handle) => {
                self.spawned(&slot, Some(handle));
                None
            }
            Err(e) => {
                self.spawned(&slot, None);
                Some(e)
            }
        };
        let released = {
            let mut g = self.lock_growth();
            g.in_flight -= 1;
            match refused {
                None => Vec::new(),
                Some(e) => {
                    if g.failure.is_none() {
                        g.failure = Some((slot.index, e));
                    }
                    // Do not hammer an OS that refuses threads: give the other slots back.
                    let released = mem::take(&mut g.pending);
                    g.in_flight += released.len();
                    released
                }
            }
        };
        if !released.is_empty() {
            for s in &released {
                self.spawned(s, None);
            }
            self.lock_growth().in_flight -= released.len();
        }
        self.growth_done.notify_all();
        true
    }

    fn finish_growth(&self) -> Option<Refusal> {
        loop {
            while self.spawn_pending() {}
            let g = self.lock_growth();
            if !g.pending.is_empty() {
                continue;
            }
            if g.in_flight == 0 {
                let mut g = g;
                return g.failure.take();
            }
            drop(
                self.growth_done
                    .wait(g)
                    .unwrap_or_else(PoisonError::into_inner),
            );
        }
    }
}

/// Starts the thread of `slot`, running the worker loop.
fn start_thread(shared: &Arc<Shared>, slot: Arc<WorkerSlot>) -> io::Result<thread::JoinHandle<()>> {
    let name = worker::thread_name(shared.name(), slot.index);
    let mut builder = thread::Builder::new().name(name);
    if let Some(size) = shared.config.stack_size {
        builder = builder.stack_size(size);
    }
    let shared = shared.clone();
    builder.spawn(move || worker::main_loop(&shared, &slot))
}
