//! A crate-private shim: the queue's sync primitives come from std normally and from loom under
//! `cfg(loom)`, so the loom models in `tests/` explore every interleaving of the queue, the
//! dispatcher and cancellation (the arrangement of `betapool-core`'s engine and tokio's
//! `src/loom/`).

#[cfg(not(loom))]
pub(crate) use std::sync;

#[cfg(loom)]
pub(crate) use loom::sync;

/// What the crate takes from std even under loom. An `Arc` here only counts references to the
/// queue and to each request's slot; every state the threads order (the queue's lock, each
/// slot's state and cell) is a loom primitive inside them. std's `Arc` can also hold the
/// `dyn CancelSlot` a future keeps, which loom's cannot.
pub(crate) mod std_only {
    pub(crate) use std::sync::Arc;
}
