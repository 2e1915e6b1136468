//! Starting the threads of a growth, with the new workers helping.
//!
//! A resize that adds `k` workers reserves `k` slots (`Shared::retarget`) and leaves them here.
//! The caller of `set_target` starts them one at a time, and every new worker helps until none
//! is left before it looks at the queue, so the number of threads spawning doubles at each
//! round: 300 threads start in about nine spawn latencies rather than three hundred. It matters when
//! the cores are busy, which is when a pool grows: a lone spawner gets only its share of them
//! (measured before this existed: 335 threads took 50 ms to start from the controller thread
//! while the workers already running kept both cores busy).
//!
//! The caller of `set_target` keeps spawning until nothing is pending and then waits for the
//! helpers' spawns in flight, so `set_target` still returns with every thread started and any
//! failure reported; the helpers only make it sooner. `request_target` starts one and leaves
//! the rest to the new workers. After the first refusal by the OS the remaining slots are
//! released rather than tried.

use std::io;
use std::mem;
use std::sync::PoisonError;

use crate::loom::sync::{Arc, Condvar, Mutex, MutexGuard};

use super::shared::{Shared, WorkerSlot};
use super::worker;

/// Slots waiting for a thread, and spawns under way.
#[derive(Default)]
struct State {
    pending: Vec<Arc<WorkerSlot>>,
    /// Slots taken from `pending` whose outcome is not yet recorded with `Shared::spawned`.
    in_flight: usize,
    /// The first refusal since the last `finish`: the slot's index and the OS error.
    failure: Option<(usize, io::Error)>,
}

/// See the module documentation.
#[derive(Default)]
pub(crate) struct Spawner {
    state: Mutex<State>,
    /// Signalled when a spawn's outcome has been recorded.
    done: Condvar,
}

impl Spawner {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Leaves `slots` to be started.
    pub(crate) fn add(&self, slots: Vec<Arc<WorkerSlot>>) {
        self.lock().pending.extend(slots);
    }

    /// Starts the thread of one pending slot, if there is one; returns whether there was.
    pub(crate) fn spawn_one(shared: &Arc<Shared>) -> bool {
        let spawner = &shared.spawner;
        let slot = {
            let mut st = spawner.lock();
            let Some(slot) = st.pending.pop() else {
                return false;
            };
            st.in_flight += 1;
            slot
        };
        let refused = match worker::spawn(shared, slot.clone()) {
            Ok(handle) => {
                shared.spawned(&slot, Some(handle));
                None
            }
            Err(e) => {
                shared.spawned(&slot, None);
                Some(e)
            }
        };
        let released = {
            let mut st = spawner.lock();
            st.in_flight -= 1;
            match refused {
                None => Vec::new(),
                Some(e) => {
                    if st.failure.is_none() {
                        st.failure = Some((slot.index, e));
                    }
                    // Do not hammer an OS that refuses threads: give the other slots back.
                    let released = mem::take(&mut st.pending);
                    st.in_flight += released.len();
                    released
                }
            }
        };
        if !released.is_empty() {
            for s in &released {
                shared.spawned(s, None);
            }
            spawner.lock().in_flight -= released.len();
        }
        spawner.done.notify_all();
        true
    }

    /// The first refusal since the last call, if any, without waiting.
    pub(crate) fn take_failure(shared: &Arc<Shared>) -> Option<(usize, io::Error)> {
        shared.spawner.lock().failure.take()
    }

    /// Starts pending slots until none is left, waits for the spawns other threads have under
    /// way, and returns the first refusal since the last call.
    pub(crate) fn finish(shared: &Arc<Shared>) -> Option<(usize, io::Error)> {
        loop {
            while Self::spawn_one(shared) {}
            let st = shared.spawner.lock();
            if !st.pending.is_empty() {
                continue;
            }
            if st.in_flight == 0 {
                let mut st = st;
                return st.failure.take();
            }
            drop(
                shared
                    .spawner
                    .done
                    .wait(st)
                    .unwrap_or_else(PoisonError::into_inner),
            );
        }
    }
}
