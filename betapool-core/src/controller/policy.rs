//! The `DecisionPolicy` trait that turns observations into decisions, and the trivial
//! `FixedPolicy` that never resizes.

use std::fmt;

use super::{Decision, Observation};

/// Decides, once per tick, whether the pool should grow, shrink or hold.
///
/// A policy is a pure state machine: it sees an [`Observation`] and answers with a
/// [`Decision`]; it never touches threads, clocks or I/O, and may keep whatever state it
/// needs (a cool-down timer, a smoothed β) in `&mut self`. The engine applies the
/// decision with [`Decision::apply`], which keeps the target inside the pool's bounds,
/// so a policy does not have to.
///
/// The trait is object-safe, so a pool can hold a `Box<dyn DecisionPolicy>` chosen at
/// run time. It requires `Send` because the controller thread owns the policy, and
/// `Debug` so that pools holding one can still be printed.
///
/// # Examples
///
/// A custom policy in a few lines: grow by one while work is waiting, otherwise hold.
///
/// ```
/// use betapool_core::controller::{Action, Decision, DecisionPolicy, Observation};
///
/// #[derive(Debug)]
/// struct GrowWhileQueued;
///
/// impl DecisionPolicy for GrowWhileQueued {
///     fn decide(&mut self, obs: &Observation) -> Decision {
///         if obs.queued > 0 {
///             Decision::grow(1, "tasks are waiting")
///         } else {
///             Decision::hold("queue is empty")
///         }
///     }
///
///     fn name(&self) -> &str {
///         "grow-while-queued"
///     }
/// }
///
/// let mut policy: Box<dyn DecisionPolicy> = Box::new(GrowWhileQueued);
/// let obs = Observation { queued: 5, target: 4, min_threads: 1, max_threads: 8, ..Observation::default() };
/// let decision = policy.decide(&obs);
/// assert_eq!(decision.action, Action::Grow(1));
/// assert_eq!(decision.apply(obs.target, obs.min_threads, obs.max_threads), 5);
/// assert_eq!(policy.name(), "grow-while-queued");
/// ```
pub trait DecisionPolicy: Send + fmt::Debug {
    /// Looks at one tick's observation and decides what to do with the target.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::{Action, DecisionPolicy, FixedPolicy, Observation};
    ///
    /// let mut policy = FixedPolicy;
    /// assert_eq!(policy.decide(&Observation::default()).action, Action::Hold);
    /// ```
    fn decide(&mut self, obs: &Observation) -> Decision;

    /// A short name for logs and decision histories; `"custom"` unless overridden.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::{Decision, DecisionPolicy, Observation};
    ///
    /// #[derive(Debug)]
    /// struct AlwaysHold;
    ///
    /// impl DecisionPolicy for AlwaysHold {
    ///     fn decide(&mut self, _: &Observation) -> Decision {
    ///         Decision::hold("never resizes")
    ///     }
    /// }
    ///
    /// assert_eq!(AlwaysHold.name(), "custom");
    /// ```
    fn name(&self) -> &str {
        "custom"
    }
}

/// A boxed policy is a policy, so generic code taking `P: DecisionPolicy` also accepts a
/// `Box<dyn DecisionPolicy>` chosen at run time.
impl<P: DecisionPolicy + ?Sized> DecisionPolicy for Box<P> {
    fn decide(&mut self, obs: &Observation) -> Decision {
        (**self).decide(obs)
    }

    fn name(&self) -> &str {
        (**self).name()
    }
}

/// A policy that never resizes: every decision is a hold, so the pool keeps the target it
/// already has.
///
/// Static pools use no policy at all. This one pins an adaptive executor at one size: its
/// controller still samples every tick and its experiment log still fills, so the signals
/// can be measured at a chosen size, but no resize (and so no decision record) ever
/// happens. Tests use it for a controller that never acts.
///
/// # Examples
///
/// ```
/// use betapool_core::controller::{Action, DecisionPolicy, FixedPolicy, Observation};
///
/// let mut policy = FixedPolicy;
/// let busy = Observation { queued: 1_000, current_threads: 4, ..Observation::default() };
/// assert_eq!(policy.decide(&busy).action, Action::Hold);
/// assert_eq!(policy.name(), "fixed");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FixedPolicy;

impl FixedPolicy {
    /// The reason attached to every decision, for the decision history.
    const REASON: &'static str = "fixed-size pool";
}

impl DecisionPolicy for FixedPolicy {
    fn decide(&mut self, _obs: &Observation) -> Decision {
        Decision::hold(Self::REASON)
    }

    fn name(&self) -> &str {
        "fixed"
    }
}
