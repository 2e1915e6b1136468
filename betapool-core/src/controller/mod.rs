//! The pure controller state machine: `Observation -> DecisionPolicy -> Decision`.
//!
//! Nothing here touches threads, clocks or I/O. The sampler fills an [`Observation`]
//! every tick, with time passed in as [`Duration`](std::time::Duration)s; a
//! [`DecisionPolicy`] turns it into a [`Decision`]; the engine applies the decision with
//! [`Decision::apply`]. The engine applies decisions and never decides; the controller
//! decides and never touches threads.
//!
//! - [`Observation`]: what the controller sees each tick, and the blocking signal
//!   computed from it (naive β, true β, CPU contention).
//! - [`Action`]: hold, grow by n threads, or shrink by n threads.
//! - [`Decision`]: an [`Action`] with a reason, and the arithmetic that turns it into a
//!   new target inside the pool's bounds.
//! - [`DecisionPolicy`]: the object-safe trait a policy implements.
//! - [`FixedPolicy`]: always holds, so the pool keeps its target: for tests and for pinning an
//!   adaptive executor at one size.
//! - [`DefaultPolicy`]: the adaptive pool's default: jumps to the Little's-law size while
//!   there is demand and the cores are not full, vetoes growth under CPU contention.
//! - [`SeedPolicy`]: BetaPool's published algorithm (warm-up, monitor interval,
//!   stabilization window, the "GIL safety veto", +2/−1 steps), to run the seed as it was.
//! - [`ControllerConfig`]: BetaPool's nine settings with the seed's defaults, and their
//!   validation.
//! - [`validate_bounds`]: the check on a pool's minimum and maximum thread counts.
//! - [`ConfigError`]: the error for a setting that cannot work.

mod config;
mod decision;
mod default_policy;
mod error;
mod observation;
mod policy;
mod seed_policy;

#[cfg(test)]
mod tests;

pub use config::{ControllerConfig, validate_bounds};
pub use decision::{Action, Decision};
pub use default_policy::DefaultPolicy;
pub use error::ConfigError;
pub use observation::Observation;
pub use policy::{DecisionPolicy, FixedPolicy};
pub use seed_policy::SeedPolicy;
