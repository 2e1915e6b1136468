//! What a bounded queue does with a task that arrives when it is full.

/// What happens to a task submitted while the bounded queue is full.
///
/// ```
/// use betapool_core::{Builder, RejectionPolicy};
/// let pool = Builder::new().queue_capacity(1_000).rejection_policy(RejectionPolicy::Block).build()?;
/// pool.spawn(|| ()).join()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RejectionPolicy {
    /// Refuse it: `try_spawn` and `execute` hand the closure back, `spawn` returns a handle that
    /// resolves as cancelled.
    #[default]
    Reject,
    /// Make the submitter wait until a slot frees up (or the pool shuts down).
    Block,
    /// Run it at once on the submitting thread (back-pressure by slowing the producer).
    CallerRuns,
}
