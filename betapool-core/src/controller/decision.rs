//! What a policy decides on each tick, and how a decision turns into a new target.

use std::borrow::Cow;
use std::fmt;

/// The change a policy asks for: an outcome as an enum, so "do nothing" is a value and
/// not a zero hidden in a number.
///
/// # Examples
///
/// ```
/// use betapool_core::controller::Action;
///
/// assert_eq!(Action::Hold.to_string(), "hold");
/// assert_eq!(Action::Grow(2).to_string(), "grow +2");
/// assert_eq!(Action::Shrink(1).to_string(), "shrink -1");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "snake_case")
)]
pub enum Action {
    /// Keep the current target.
    Hold,
    /// Add this many threads to the target.
    Grow(usize),
    /// Remove this many threads from the target.
    Shrink(usize),
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Hold => f.write_str("hold"),
            Action::Grow(n) => write!(f, "grow +{n}"),
            Action::Shrink(n) => write!(f, "shrink -{n}"),
        }
    }
}

/// A policy's answer for one tick: the [`Action`] and a short human-readable reason,
/// which ends up in the pool's decision history.
///
/// The reason is a `Cow` so that the common case, a fixed string, costs no allocation
/// on every tick, while a policy can still format numbers into it when it wants to.
///
/// # Examples
///
/// ```
/// use betapool_core::controller::{Action, Decision};
///
/// let d = Decision::grow(2, format!("queue length {}", 40));
/// assert_eq!(d.action, Action::Grow(2));
/// assert_eq!(d.reason, "queue length 40");
/// assert_eq!(d.to_string(), "grow +2 (queue length 40)");
/// assert_eq!(d.apply(4, 1, 64), 6);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Decision {
    /// What to do with the target.
    pub action: Action,
    /// Why, in a few words, for the decision history and logs.
    pub reason: Cow<'static, str>,
}

impl Decision {
    /// Keeps the current target.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::{Action, Decision};
    ///
    /// let d = Decision::hold("warming up");
    /// assert_eq!(d.action, Action::Hold);
    /// assert_eq!(d.apply(4, 1, 64), 4);
    /// ```
    pub fn hold(reason: impl Into<Cow<'static, str>>) -> Self {
        Self {
            action: Action::Hold,
            reason: reason.into(),
        }
    }

    /// Adds `n` threads to the target.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::{Action, Decision};
    ///
    /// let d = Decision::grow(2, "workers are blocked on I/O");
    /// assert_eq!(d.action, Action::Grow(2));
    /// assert_eq!(d.apply(4, 1, 64), 6);
    /// ```
    pub fn grow(n: usize, reason: impl Into<Cow<'static, str>>) -> Self {
        Self {
            action: Action::Grow(n),
            reason: reason.into(),
        }
    }

    /// Removes `n` threads from the target.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::{Action, Decision};
    ///
    /// let d = Decision::shrink(1, "workers are CPU-bound");
    /// assert_eq!(d.action, Action::Shrink(1));
    /// assert_eq!(d.apply(4, 1, 64), 3);
    /// ```
    pub fn shrink(n: usize, reason: impl Into<Cow<'static, str>>) -> Self {
        Self {
            action: Action::Shrink(n),
            reason: reason.into(),
        }
    }

    /// The target after this decision: `current_target` moved by the action, then
    /// clamped to `[min, max]`. It never panics.
    ///
    /// The arithmetic saturates, so `Grow(usize::MAX)` or `Shrink` below zero simply land
    /// on a bound. Clamping applies to `Hold` too, so a target that was outside the
    /// bounds (say the bounds were just changed) is pulled back inside.
    ///
    /// If `min > max` the bounds are invalid (the pool's builder rejects them with
    /// [`validate_bounds`](super::validate_bounds)). Rather than panic as
    /// [`Ord::clamp`] would, `max` wins and the result is always `max`, because the upper
    /// bound is the resource limit the user asked never to exceed.
    ///
    /// # Examples
    ///
    /// ```
    /// use betapool_core::controller::Decision;
    ///
    /// assert_eq!(Decision::grow(8, "burst").apply(60, 4, 64), 64);
    /// assert_eq!(Decision::shrink(8, "idle").apply(6, 4, 64), 4);
    /// assert_eq!(Decision::grow(usize::MAX, "huge").apply(10, 1, usize::MAX), usize::MAX);
    /// assert_eq!(Decision::hold("bounds changed").apply(100, 4, 64), 64);
    /// // Invalid bounds: the upper bound wins.
    /// assert_eq!(Decision::hold("bad bounds").apply(5, 8, 2), 2);
    /// ```
    #[must_use]
    pub fn apply(&self, current_target: usize, min: usize, max: usize) -> usize {
        let moved = match self.action {
            Action::Hold => current_target,
            Action::Grow(n) => current_target.saturating_add(n),
            Action::Shrink(n) => current_target.saturating_sub(n),
        };
        // `max(min)` first and `min(max)` last makes the upper bound win when the bounds
        // are inverted, where `usize::clamp` would panic.
        moved.max(min).min(max)
    }
}

impl fmt::Display for Decision {
    /// Formats as `action (reason)`, e.g. `grow +2 (queue is growing)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.action, self.reason)
    }
}
