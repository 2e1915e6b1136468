//! A config built in code fails `validate` with the same kinds and key paths as the same
//! config read from a file, only without a file position.

use std::time::Duration;

use betapool_core::ControllerConfig;
use betapool_group::{ConfigErrorKind as K, GroupConfig, PoolConfig};

/// One invalid config built in code and the error it must give. `via_file` says whether
/// its TOML form can carry the fault (a duration of 1.5 ms cannot: the file holds whole
/// milliseconds).
struct Case {
    name: &'static str,
    config: GroupConfig,
    kind: K,
    key: &'static str,
    via_file: bool,
}

fn case(name: &'static str, config: GroupConfig, kind: K, key: &'static str) -> Case {
    Case {
        name,
        config,
        kind,
        key,
        via_file: true,
    }
}

fn io(controller: ControllerConfig) -> GroupConfig {
    GroupConfig::new(64).pool(PoolConfig::adaptive("io", 1, 8).controller(controller))
}

fn cases() -> Vec<Case> {
    let c = ControllerConfig::default;
    vec![
        case("no pools", GroupConfig::new(8), K::NoPools, "pools"),
        case(
            "zero cap",
            GroupConfig::new(0).pool(PoolConfig::fixed("a", 1)),
            K::ZeroWorkers,
            "max_total_threads",
        ),
        case(
            "cap beyond TOML",
            GroupConfig::new(usize::MAX).pool(PoolConfig::fixed("a", 1)),
            K::OutOfRange,
            "max_total_threads",
        ),
        case(
            "duplicate pool",
            GroupConfig::new(64)
                .pool(PoolConfig::fixed("db", 1))
                .pool(PoolConfig::adaptive("db", 1, 4)),
            K::DuplicatePool,
            "pools.db",
        ),
        case(
            "upper-case name",
            GroupConfig::new(8).pool(PoolConfig::fixed("IO", 1)),
            K::BadName,
            "pools.IO",
        ),
        case(
            "empty name",
            GroupConfig::new(8).pool(PoolConfig::fixed("", 1)),
            K::BadName,
            "pools.\"\"",
        ),
        case(
            "name with a space",
            GroupConfig::new(8).pool(PoolConfig::fixed("a b", 1)),
            K::BadName,
            "pools.\"a b\"",
        ),
        case(
            "name too long",
            GroupConfig::new(600).pool(PoolConfig::adaptive("inference_big", 1, 256)),
            K::NameTooLong,
            "pools.inference_big",
        ),
        case(
            "name too long for a big static pool",
            GroupConfig::new(20_000).pool(PoolConfig::fixed("embeddings", 10_001)),
            K::NameTooLong,
            "pools.embeddings",
        ),
        case(
            "zero min",
            GroupConfig::new(8).pool(PoolConfig::adaptive("io", 0, 4)),
            K::ZeroWorkers,
            "pools.io.min_workers",
        ),
        case(
            "zero static",
            GroupConfig::new(8).pool(PoolConfig::fixed("cpu", 0)),
            K::ZeroWorkers,
            "pools.cpu.workers",
        ),
        case(
            "min above max",
            GroupConfig::new(8).pool(PoolConfig::adaptive("io", 8, 4)),
            K::MinAboveMax,
            "pools.io.max_workers",
        ),
        case(
            "above the engine's limit",
            GroupConfig::new(100_000).pool(PoolConfig::adaptive("io", 1, 40_000)),
            K::OutOfRange,
            "pools.io.max_workers",
        ),
        case(
            "over the cap",
            GroupConfig::new(10)
                .pool(PoolConfig::fixed("cpu", 8))
                .pool(PoolConfig::adaptive("io", 1, 4)),
            K::OverGlobalCap,
            "max_total_threads",
        ),
        case(
            "beta above 1",
            io(c().beta_high_threshold(1.5)),
            K::ThresholdOutOfRange,
            "pools.io.beta_high_threshold",
        ),
        case(
            "beta NaN",
            io(c().beta_low_threshold(f64::NAN)),
            K::ThresholdOutOfRange,
            "pools.io.beta_low_threshold",
        ),
        case(
            "CPU above 100",
            io(c().cpu_upper_threshold(150.0)),
            K::ThresholdOutOfRange,
            "pools.io.cpu_upper_threshold",
        ),
        case(
            "CPU infinite",
            io(c().cpu_lower_threshold(f64::NEG_INFINITY)),
            K::ThresholdOutOfRange,
            "pools.io.cpu_lower_threshold",
        ),
        case(
            "beta low above high",
            io(c().beta_low_threshold(0.8)),
            K::LowNotBelowHigh,
            "pools.io.beta_low_threshold",
        ),
        case(
            "beta high below low",
            io(c().beta_high_threshold(0.2)),
            K::LowNotBelowHigh,
            "pools.io.beta_low_threshold",
        ),
        case(
            "CPU thresholds equal",
            io(c().cpu_upper_threshold(60.0).cpu_lower_threshold(60.0)),
            K::LowNotBelowHigh,
            "pools.io.cpu_lower_threshold",
        ),
        case(
            "zero monitor interval",
            io(c().monitor_interval(Duration::ZERO)),
            K::BadDuration,
            "pools.io.monitor_interval_ms",
        ),
        case(
            "zero stabilization window",
            io(c().stabilization_window(Duration::ZERO)),
            K::BadDuration,
            "pools.io.stabilization_window_ms",
        ),
        Case {
            via_file: false,
            ..case(
                "fractional milliseconds",
                io(c().monitor_interval(Duration::from_micros(1500))),
                K::BadDuration,
                "pools.io.monitor_interval_ms",
            )
        },
        Case {
            via_file: false,
            ..case(
                "window too long for TOML",
                io(c().stabilization_window(Duration::MAX)),
                K::BadDuration,
                "pools.io.stabilization_window_ms",
            )
        },
        case(
            "zero scale-down step",
            io(c().scale_down_step(0)),
            K::ZeroStep,
            "pools.io.scale_down_step",
        ),
        case(
            "warm-up beyond TOML",
            io(c().warmup_task_count(u64::MAX)),
            K::OutOfRange,
            "pools.io.warmup_task_count",
        ),
    ]
}

#[test]
fn validate_in_code_gives_the_kinds_a_file_gives() {
    let mut failures = Vec::new();
    for case in cases() {
        let Err(err) = case.config.validate() else {
            failures.push(format!("{}: accepted", case.name));
            continue;
        };
        let have = (
            err.kind(),
            err.key(),
            err.origin(),
            err.line(),
            err.column(),
        );
        if have != (case.kind, Some(case.key), None, None, None) {
            failures.push(format!(
                "{}: want {:?} at {}, got {have:?} ({err})",
                case.name, case.kind, case.key
            ));
        }
        // Built in code, the error reads `key: message`.
        if !err.to_string().starts_with(&format!("{}: ", case.key)) {
            failures.push(format!("{}: display {err:?}", case.name));
        }
        if !case.via_file {
            continue;
        }
        // The same config written out and read back fails the same way, placed in the file.
        let text = case.config.to_toml_string();
        match GroupConfig::from_toml_str(&text, "written.toml") {
            Ok(_) => failures.push(format!("{}: its TOML form is accepted:\n{text}", case.name)),
            Err(from_file) => {
                let have = (from_file.kind(), from_file.key());
                if have != (case.kind, Some(case.key)) || from_file.line().is_none() {
                    failures.push(format!("{}: from the file, got {from_file}", case.name));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn pool_validate_checks_the_pool_alone() {
    // Over any cap, but a pool on its own has none.
    assert!(PoolConfig::adaptive("io", 1, 10_000).validate().is_ok());
    let err = PoolConfig::fixed("cpu", 0).validate().unwrap_err();
    assert_eq!(
        (err.kind(), err.key()),
        (K::ZeroWorkers, Some("pools.cpu.workers"))
    );
    assert_eq!(
        err.to_string(),
        "pools.cpu.workers: workers must be at least 1, got 0"
    );
}

#[test]
fn first_fault_wins_in_pool_order() {
    let config = GroupConfig::new(1)
        .pool(PoolConfig::fixed("a", 1))
        .pool(PoolConfig::fixed("B", 0))
        .pool(PoolConfig::fixed("c", 0));
    let err = config.validate().unwrap_err();
    assert_eq!((err.kind(), err.key()), (K::BadName, Some("pools.B")));
}

#[test]
fn valid_configs_pass() {
    let config = GroupConfig::new(600)
        .pool(PoolConfig::adaptive("io", 4, 256))
        .pool(PoolConfig::fixed("cpu", 2))
        // 11 bytes is the most `<name>-ctl` and `<name>-511` allow.
        .pool(PoolConfig::adaptive("inference_x", 1, 300))
        .pool(PoolConfig::fixed("a", 42));
    assert_eq!(config.validate().map_err(|e| e.to_string()), Ok(()));
    assert_eq!(config.total_max_workers(), 600);
}
