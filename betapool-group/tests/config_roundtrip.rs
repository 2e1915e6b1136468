//! Any valid group config survives `to_toml_string` then `from_toml_str` unchanged.

use std::time::Duration;

use betapool_core::ControllerConfig;
use betapool_group::{GroupConfig, PolicyChoice, PoolConfig, PoolKind};
use proptest::prelude::*;

/// A lower and an upper threshold in `[0, top]`, the lower strictly below, edges included.
fn pair(top: f64) -> impl Strategy<Value = (f64, f64)> {
    let value = prop_oneof![Just(0.0), Just(top), 0.0..=top];
    (value.clone(), value)
        .prop_filter("distinct", |(a, b)| a != b)
        .prop_map(|(a, b)| (a.min(b), a.max(b)))
}

fn controller() -> impl Strategy<Value = ControllerConfig> {
    (
        (1u64..=600_000, 1u64..=600_000),
        pair(1.0),
        pair(100.0),
        (1usize..=64, 1usize..=64, 0u64..=10_000),
    )
        .prop_map(
            |((monitor, window), (b_low, b_high), (c_low, c_high), (up, down, warmup))| {
                ControllerConfig::default()
                    .monitor_interval(Duration::from_millis(monitor))
                    .stabilization_window(Duration::from_millis(window))
                    .beta_high_threshold(b_high)
                    .beta_low_threshold(b_low)
                    .cpu_upper_threshold(c_high)
                    .cpu_lower_threshold(c_low)
                    .scale_up_step(up)
                    .scale_down_step(down)
                    .warmup_task_count(warmup)
            },
        )
}

/// A kind whose thread names leave room for 8-byte pool names (indexes below 10 000).
fn kind() -> impl Strategy<Value = PoolKind> {
    let policy = prop_oneof![Just(PolicyChoice::Default), Just(PolicyChoice::Seed)];
    prop_oneof![
        (1usize..=512, 0usize..=512, controller(), policy).prop_map(
            |(min_workers, extra, controller, policy)| PoolKind::Adaptive {
                min_workers,
                max_workers: min_workers + extra,
                controller,
                policy,
            }
        ),
        (1usize..=9_999).prop_map(|workers| PoolKind::Static { workers }),
    ]
}

fn group() -> impl Strategy<Value = GroupConfig> {
    let pools = prop::collection::btree_map("[a-z0-9_-]{1,8}", kind(), 1..6)
        .prop_map(|pools| pools.into_iter().collect::<Vec<_>>())
        // Not in name order: the file's order is the config's.
        .prop_shuffle();
    (pools, 0usize..=1_000, any::<bool>()).prop_map(|(pools, slack, verbose)| {
        let total: usize = pools.iter().map(|(_, kind)| kind.max_workers()).sum();
        pools.into_iter().fold(
            GroupConfig::new(total + slack).verbose(verbose),
            |group, (name, kind)| group.pool(PoolConfig::new(name, kind)),
        )
    })
}

proptest! {
    #[test]
    fn valid_configs_round_trip(config in group()) {
        prop_assert!(config.validate().is_ok(), "{:?}", config.validate());
        let text = config.to_toml_string();
        let read = GroupConfig::from_toml_str(&text, "generated.toml");
        prop_assert!(read.is_ok(), "{}\n{}", read.unwrap_err(), text);
        let read = read.unwrap();
        prop_assert_eq!(&read, &config, "{}", text);
        // Writing what was read gives the same text.
        prop_assert_eq!(read.to_toml_string(), text);
    }
}

#[test]
fn awkward_floats_round_trip() {
    for (low, high) in [
        (5e-324, 1e-300),
        (0.1 + 0.2, 0.7),
        (0.0, 1.0),
        (1.0 / 3.0, 2.0 / 3.0),
    ] {
        let controller = ControllerConfig::default()
            .beta_low_threshold(low)
            .beta_high_threshold(high)
            .cpu_lower_threshold(low * 100.0)
            .cpu_upper_threshold(high * 100.0);
        let config =
            GroupConfig::new(8).pool(PoolConfig::adaptive("io", 1, 8).controller(controller));
        config.validate().unwrap();
        let text = config.to_toml_string();
        assert_eq!(
            GroupConfig::from_toml_str(&text, "floats.toml").unwrap(),
            config,
            "{text}"
        );
    }
}

#[test]
fn defaults_and_minimal_pools_round_trip() {
    let config = GroupConfig::new(600)
        .pool(PoolConfig::adaptive("io", 4, 256))
        .pool(PoolConfig::fixed("cpu", 2))
        .pool(PoolConfig::adaptive("x", 1, 1).policy(PolicyChoice::Seed));
    let text = config.to_toml_string();
    assert_eq!(
        GroupConfig::from_toml_str(&text, "defaults.toml").unwrap(),
        config
    );
    // A file that leaves every optional key out reads as the defaults.
    let short = "max_total_threads = 600\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 4\nmax_workers = 256\n\
                 [pools.cpu]\nkind = \"static\"\nworkers = 2\n[pools.x]\nkind = \"adaptive\"\nmin_workers = 1\n\
                 max_workers = 1\npolicy = \"seed\"\n";
    assert_eq!(
        GroupConfig::from_toml_str(short, "short.toml").unwrap(),
        config
    );
}
