//! The submission gate: closes a pool to new tasks without losing one that is being pushed.
//!
//! A submitter `enter`s the gate, pushes its task, and leaves. Shutdown `close`s the gate. Workers
//! may only exit a closed pool once no submitter is inside (`is_drained`) and the queue is empty,
//! so a task that passed the gate before it closed is always run (or, under `shutdown_now`,
//! cancelled) — never stranded in a queue nobody reads.
//!
//! One word holds both facts so that "closed" and "nobody inside" are read together: bit 0 is
//! the closed flag, the rest counts submitters inside.

use crate::loom::sync::atomic::{AtomicUsize, Ordering};

const CLOSED: usize = 1;
const ONE: usize = 2;

/// See the module documentation.
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
