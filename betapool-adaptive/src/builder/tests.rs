//! Unit tests of the builder's policy choice: the seed's policy takes the configuration the
//! builder holds at `build`, whichever order the two calls came in.

use std::time::Duration;

use betapool_core::controller::{Action, ControllerConfig, Observation};

use super::AdaptiveBuilder;

/// A pool past its warm-up whose workers are 90 % blocked, with tasks waiting and the CPU at
/// 20 %: the seed's algorithm grows it by its `scale_up_step` on the first decision.
fn io_bound() -> Observation {
    Observation {
        now: Duration::ZERO,
        current_threads: 8,
        target: 8,
        min_threads: 4,
        max_threads: 64,
        queued: 10,
        completed_total: 100,
        busy_delta: Duration::from_secs(1),
        cpu_delta: Some(Duration::from_millis(100)),
        system_cpu_percent: Some(20.0),
        ..Observation::default()
    }
}

fn first_growth(builder: AdaptiveBuilder) -> Action {
    let mut policy = builder.policy.make(&builder.config);
    assert_eq!(policy.name(), "seed");
    policy.decide(&io_bound()).action
}

#[test]
fn seed_policy_then_config_uses_the_config() {
    let config = ControllerConfig::default().scale_up_step(7);
    let builder = AdaptiveBuilder::new(4, 64).seed_policy().config(config);
    assert_eq!(first_growth(builder), Action::Grow(7));
}

#[test]
fn config_then_seed_policy_uses_the_config() {
    let config = ControllerConfig::default().scale_up_step(7);
    let builder = AdaptiveBuilder::new(4, 64).config(config).seed_policy();
    assert_eq!(first_growth(builder), Action::Grow(7));
}

#[test]
fn seed_policy_alone_uses_the_seeds_settings() {
    let builder = AdaptiveBuilder::new(4, 64).seed_policy();
    assert_eq!(first_growth(builder), Action::Grow(2));
}
