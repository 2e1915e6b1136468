//! A crate-private shim: the engine's sync primitives come from std normally and from loom under `cfg(loom)`.
//!
//! loom cannot see crossbeam-deque (it uses core atomics directly), so under `cfg(loom)` the
//! queue becomes a `Mutex<VecDeque>` (see `engine/queue.rs`). Everything else the engine shares
//! between threads is imported from here, never from `std::sync` directly, so that a loom model
//! explores every interleaving of it (the same arrangement as tokio's `src/loom/`).

#[cfg(not(loom))]
pub(crate) use std::{sync, thread};

#[cfg(loom)]
pub(crate) use loom::{sync, thread};

/// Declares a thread-local that loom can track. Under std it is `std::thread_local!`.
#[cfg(not(loom))]
macro_rules! shim_thread_local {
    ($($tt:tt)*) => { std::thread_local!($($tt)*); };
}

/// Declares a thread-local that loom can track. Under loom it is `loom::thread_local!`.
#[cfg(loom)]
macro_rules! shim_thread_local {
    ($($tt:tt)*) => { loom::thread_local!($($tt)*); };
}

pub(crate) use shim_thread_local as thread_local;

/// Whether a thread has ended, without blocking. loom's `JoinHandle` cannot tell, so under loom
/// the answer is always "not yet" (which only delays reaping until shutdown).
#[cfg(not(loom))]
pub(crate) fn is_finished<T>(h: &thread::JoinHandle<T>) -> bool {
    h.is_finished()
}

/// See the std version.
#[cfg(loom)]
pub(crate) fn is_finished<T>(_h: &thread::JoinHandle<T>) -> bool {
    false
}

/// The two things the engine takes from std even under loom. Neither carries engine state
/// between threads, so loom has no interleaving of them to explore; they are imported from
/// here, like everything else, so the exception is visible in one place.
pub(crate) mod std_only {
    /// The `Arc<dyn Fn()>` of the user's thread start and stop hooks: loom's `Arc` cannot hold
    /// an unsized closure, and a hook is shared read-only (its reference count is all that
    /// threads touch; nothing the engine orders depends on it).
    pub(crate) use std::sync::Arc;

    /// The process-wide counter that gives each pool its id: a `static` needs a `const`
    /// constructor, which loom's atomics lack, and the ids only need to differ, so the order in
    /// which pools take them cannot matter.
    pub(crate) use std::sync::atomic::AtomicUsize;
}
