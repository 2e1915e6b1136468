//! The queue of accepted tasks, and the gate in front of it that shutdown closes.
//!
//! # The queue
//!
//! A crossbeam `Injector` normally, a `Mutex<VecDeque>` under loom. Every worker takes from this
//! one FIFO queue. A blocking pool must not hide tasks in per-worker deques: a worker that grabbed
//! a batch of 1 ms sleeps would sit on them while its siblings idle (tokio's blocking pool and
//! smol's `blocking` share one queue for the same reason).
//!
//! The queue also keeps its own length counter, which the bounded-queue admission and the
//! controller's `queued` reading use. The counter is raised *before* a push and lowered *after* a
//! pop, so it may briefly over-count but never under-counts: a bounded queue never holds more than
//! its capacity.
//!
//! # The gate
//!
//! A submitter `enter`s the gate, pushes its task, and leaves. Shutdown `close`s the gate. Workers
//! may only exit a closed pool once no submitter is inside (`is_drained`) and the queue is empty,
//! so a task that passed the gate before it closed is always run (or, under `shutdown_now`,
//! cancelled) — never stranded in a queue nobody reads.
//!
//! One word holds both facts so that "closed" and "nobody inside" are read together: bit 0 is
//! the closed flag, the rest counts submitters inside.

use crate::loom::sync::atomic::{AtomicUsize, Ordering};

use super::task::Task;

/// The queue of accepted tasks waiting for a worker.
pub(crate) struct Queue {
    #[cfg(not(loom))]
    inner: crossbeam_deque::Injector<Task>,
    #[cfg(loom)]
    inner: crate::loom::sync::Mutex<std::collections::VecDeque<Task>>,
    /// Reserved slots: tasks pushed or about to be pushed and not yet popped.
    len: AtomicUsize,
    /// `None` for an unbounded queue.
    capacity: Option<usize>,
}

/// Whether a slot in a bounded queue could be reserved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reserve {
    /// A slot is reserved: the caller must `push` exactly one task.
    Reserved,
    /// The queue is at capacity.
    Full,
}

impl Queue {
    pub(crate) fn new(capacity: Option<usize>) -> Queue {
        Queue {
            #[cfg(not(loom))]
            inner: crossbeam_deque::Injector::new(),
            #[cfg(loom)]
            inner: crate::loom::sync::Mutex::new(std::collections::VecDeque::new()),
            len: AtomicUsize::new(0),
            capacity,
        }
    }

    /// Reserves room for one task. Unbounded queues always succeed.
    pub(crate) fn reserve(&self) -> Reserve {
        let Some(cap) = self.capacity else {
            // Relaxed is enough: the counter only sizes the queue, it orders nothing.
            self.len.fetch_add(1, Ordering::Relaxed);
            return Reserve::Reserved;
        };
        let mut cur = self.len.load(Ordering::Relaxed);
        loop {
            if cur >= cap {
                return Reserve::Full;
            }
            match self
                .len
                .compare_exchange_weak(cur, cur + 1, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return Reserve::Reserved,
                Err(actual) => cur = actual,
            }
        }
    }

    /// Pushes a task into a slot reserved by `reserve`.
    pub(crate) fn push(&self, task: Task) {
        #[cfg(not(loom))]
        self.inner.push(task);
        #[cfg(loom)]
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push_back(task);
    }

    /// Takes the oldest task, if any, and frees its slot.
    pub(crate) fn pop(&self) -> Option<Task> {
        #[cfg(not(loom))]
        let task = loop {
            match self.inner.steal() {
                crossbeam_deque::Steal::Success(t) => break Some(t),
                crossbeam_deque::Steal::Empty => break None,
                crossbeam_deque::Steal::Retry => std::hint::spin_loop(),
            }
        };
        #[cfg(loom)]
        let task = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop_front();
        if task.is_some() {
            self.len.fetch_sub(1, Ordering::Relaxed);
        }
        task
    }

    /// Whether a task is visible to `pop` right now. Used in the park protocol, so it reads the
    /// queue itself and not the (possibly early) length counter.
    pub(crate) fn is_empty(&self) -> bool {
        #[cfg(not(loom))]
        return self.inner.is_empty();
        #[cfg(loom)]
        return self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .is_empty();
    }

    /// Tasks reserved or queued and not yet taken by a worker.
    pub(crate) fn len(&self) -> usize {
        self.len.load(Ordering::Relaxed)
    }

    /// The bound, if the queue has one.
    pub(crate) fn capacity(&self) -> Option<usize> {
        self.capacity
    }
}

/// The gate's closed flag, bit 0 of its word.
const CLOSED: usize = 1;
/// One submitter inside the gate, counted from bit 1 up.
const ONE: usize = 2;

/// The submission gate (see the module documentation).
pub(crate) struct Gate {
    state: AtomicUsize,
}

/// A submitter that passed the gate. Leaving is explicit (`Gate::leave`) because the last one out
/// of a closed gate must wake the workers.
#[derive(Debug)]
#[must_use = "a submitter inside the gate must leave it"]
pub(crate) struct Inside(());

/// Whether the submitter that just left was the last one out of a closed gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Left {
    /// Others are still inside, or the gate is open.
    Quietly,
    /// The gate is closed and now empty: workers waiting to exit must be woken.
    LastOut,
}

impl Gate {
    pub(crate) fn new() -> Gate {
        Gate {
            state: AtomicUsize::new(0),
        }
    }

    /// Passes the gate unless it is closed.
    pub(crate) fn enter(&self) -> Result<Inside, Left> {
        // AcqRel: entering must be ordered before the push that follows, and `close` must see it.
        let prev = self.state.fetch_add(ONE, Ordering::AcqRel);
        if prev & CLOSED == 0 {
            return Ok(Inside(()));
        }
        Err(self.exit())
    }

    /// Leaves the gate after the push (or after deciding not to push).
    pub(crate) fn leave(&self, inside: Inside) -> Left {
        let Inside(()) = inside;
        self.exit()
    }

    fn exit(&self) -> Left {
        // AcqRel: the push before leaving happens-before a worker that sees the gate drained.
        let prev = self.state.fetch_sub(ONE, Ordering::AcqRel);
        if prev == CLOSED | ONE {
            Left::LastOut
        } else {
            Left::Quietly
        }
    }

    /// Closes the gate. Returns `true` the first time.
    pub(crate) fn close(&self) -> bool {
        self.state.fetch_or(CLOSED, Ordering::AcqRel) & CLOSED == 0
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.state.load(Ordering::Acquire) & CLOSED != 0
    }

    /// Closed, and no submitter is inside: nothing more can reach the queue.
    pub(crate) fn is_drained(&self) -> bool {
        self.state.load(Ordering::Acquire) == CLOSED
    }
}
