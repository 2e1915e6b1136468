//! Every check on a group config, the same for a config built in code and one read from a
//! file. Errors name the key path at fault; `decode.rs` adds the place in the file.
//!
//! Checks run in a fixed order so that the first fault is always the same one: the cap,
//! then each pool in order (its name, duplicates, its worker counts, its name's length
//! against those counts, its controller), then the sum of maximums against the cap.

use std::collections::HashSet;
use std::fmt::Display;
use std::time::Duration;

use betapool_core::controller::validate_bounds;
use betapool_core::{ControllerConfig, MAX_WORKERS_LIMIT};

use super::THREAD_NAME_LIMIT;
use super::error::{ConfigError, ConfigErrorKind};
use super::group::GroupConfig;
use super::keys::{self, pool_key_path, pool_path};
use super::pool::{PoolConfig, PoolKind};

/// Checks the whole group (see [`GroupConfig::validate`]).
pub(super) fn group(config: &GroupConfig) -> Result<(), ConfigError> {
    let cap_key = || keys::MAX_TOTAL_THREADS.to_owned();
    if config.max_total_threads == 0 {
        return Err(ConfigError::keyed(
            ConfigErrorKind::ZeroWorkers,
            cap_key(),
            "max_total_threads must be at least 1, got 0".to_owned(),
        ));
    }
    fits_toml(cap_key(), keys::MAX_TOTAL_THREADS, config.max_total_threads)?;
    if config.pools.is_empty() {
        return Err(ConfigError::keyed(
            ConfigErrorKind::NoPools,
            keys::POOLS.to_owned(),
            "no pools: add at least one [pools.<name>] table".to_owned(),
        ));
    }
    let mut seen = HashSet::new();
    for pool in &config.pools {
        if !seen.insert(pool.name.as_str()) {
            return Err(ConfigError::keyed(
                ConfigErrorKind::DuplicatePool,
                pool_path(&pool.name),
                format!("pool {:?} is defined twice", pool.name),
            ));
        }
        self::pool(pool)?;
    }
    let total = config.total_max_workers();
    if total > config.max_total_threads {
        let parts: Vec<String> = config
            .pools
            .iter()
            .map(|pool| format!("{} {}", pool.name, pool.max_workers()))
            .collect();
        return Err(ConfigError::keyed(
            ConfigErrorKind::OverGlobalCap,
            cap_key(),
            format!(
                "the pools' maximums add up to {total} ({}), above max_total_threads {}",
                parts.join(" + "),
                config.max_total_threads
            ),
        ));
    }
    Ok(())
}

/// Checks one pool on its own (see [`PoolConfig::validate`]).
pub(super) fn pool(pool: &PoolConfig) -> Result<(), ConfigError> {
    name(pool)?;
    match &pool.kind {
        PoolKind::Adaptive {
            min_workers,
            max_workers,
            controller,
            ..
        } => {
            bounds(pool, *min_workers, *max_workers)?;
            name_length(pool)?;
            self::controller(pool, controller)
        }
        PoolKind::Static { workers } => {
            if *workers == 0 {
                return Err(zero_workers(pool, keys::WORKERS));
            }
            at_most_limit(pool)?;
            name_length(pool)
        }
    }
}

/// A pool name is non-empty ASCII `[a-z0-9_-]`: it is a bare TOML key, a thread-name prefix
/// and a label in logs and stats, and the same in all three.
fn name(pool: &PoolConfig) -> Result<(), ConfigError> {
    let bad = |message| {
        Err(ConfigError::keyed(
            ConfigErrorKind::BadName,
            pool_path(&pool.name),
            message,
        ))
    };
    if pool.name.is_empty() {
        return bad("a pool name must not be empty".to_owned());
    }
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-';
    if let Some(c) = pool.name.chars().find(|&c| !allowed(c)) {
        return bad(format!(
            "pool name {:?} has {c:?}; a pool name may use only a-z, 0-9, _ and -",
            pool.name
        ));
    }
    Ok(())
}

/// An adaptive pool's bounds, through betapool-core's own check, then the engine's limit.
fn bounds(pool: &PoolConfig, min: usize, max: usize) -> Result<(), ConfigError> {
    if validate_bounds(min, max).is_err() {
        // `validate_bounds` fails for exactly these two reasons.
        if min == 0 {
            return Err(zero_workers(pool, keys::MIN_WORKERS));
        }
        return Err(ConfigError::keyed(
            ConfigErrorKind::MinAboveMax,
            pool_key_path(&pool.name, keys::MAX_WORKERS),
            format!("min_workers {min} is above max_workers {max}"),
        ));
    }
    at_most_limit(pool)
}

fn zero_workers(pool: &PoolConfig, key: &str) -> ConfigError {
    ConfigError::keyed(
        ConfigErrorKind::ZeroWorkers,
        pool_key_path(&pool.name, key),
        format!("{key} must be at least 1, got 0"),
    )
}

/// The engine refuses more than `MAX_WORKERS_LIMIT` threads per pool.
fn at_most_limit(pool: &PoolConfig) -> Result<(), ConfigError> {
    let max = pool.max_workers();
    if max > MAX_WORKERS_LIMIT {
        let key = pool.kind.max_key();
        return Err(ConfigError::keyed(
            ConfigErrorKind::OutOfRange,
            pool_key_path(&pool.name, key),
            format!("{key} {max} is above the limit of {MAX_WORKERS_LIMIT} threads per pool"),
        ));
    }
    Ok(())
}

/// The pool's longest thread name must fit the kernel's limit, or threads would share
/// truncated names and be told apart by nobody.
fn name_length(pool: &PoolConfig) -> Result<(), ConfigError> {
    let limit = pool.kind.max_name_len();
    if pool.name.len() <= limit {
        return Ok(());
    }
    let longest = pool.longest_thread_name();
    Err(ConfigError::keyed(
        ConfigErrorKind::NameTooLong,
        pool_path(&pool.name),
        format!(
            "pool name {:?} is {} bytes: its threads would be named up to {longest:?} ({} bytes) \
             but the kernel keeps {THREAD_NAME_LIMIT}; with {} {} the name may have at most {limit} bytes",
            pool.name,
            pool.name.len(),
            longest.len(),
            pool.kind.max_key(),
            pool.max_workers(),
        ),
    ))
}

/// An adaptive pool's controller settings: what the file format needs (whole milliseconds,
/// numbers TOML can hold), then betapool-core's `ControllerConfig::validate`, its verdict
/// sorted into this crate's kinds and named by the file's keys.
fn controller(pool: &PoolConfig, config: &ControllerConfig) -> Result<(), ConfigError> {
    whole_millis(pool, keys::MONITOR_INTERVAL_MS, config.monitor_interval)?;
    whole_millis(
        pool,
        keys::STABILIZATION_WINDOW_MS,
        config.stabilization_window,
    )?;
    let path = |key| pool_key_path(&pool.name, key);
    fits_toml(
        path(keys::SCALE_UP_STEP),
        keys::SCALE_UP_STEP,
        config.scale_up_step,
    )?;
    fits_toml(
        path(keys::SCALE_DOWN_STEP),
        keys::SCALE_DOWN_STEP,
        config.scale_down_step,
    )?;
    fits_toml(
        path(keys::WARMUP_TASK_COUNT),
        keys::WARMUP_TASK_COUNT,
        config.warmup_task_count,
    )?;

    let Err(err) = config.validate() else {
        return Ok(());
    };
    let key = keys::controller_key(err.field());
    let in_range = |value: f64, top: f64| (0.0..=top).contains(&value);
    let (kind, message) = match key {
        // Whole milliseconds were checked above, so the only fault left is zero.
        keys::MONITOR_INTERVAL_MS | keys::STABILIZATION_WINDOW_MS => (
            ConfigErrorKind::BadDuration,
            format!("{key} must be at least 1, got 0"),
        ),
        keys::SCALE_UP_STEP | keys::SCALE_DOWN_STEP => (ConfigErrorKind::ZeroStep, err.to_string()),
        // betapool-core checks both ranges before their order, so a lower threshold in range
        // was rejected for not being below its partner.
        keys::BETA_LOW_THRESHOLD if in_range(config.beta_low_threshold, 1.0) => {
            (ConfigErrorKind::LowNotBelowHigh, err.to_string())
        }
        keys::CPU_LOWER_THRESHOLD if in_range(config.cpu_lower_threshold, 100.0) => {
            (ConfigErrorKind::LowNotBelowHigh, err.to_string())
        }
        keys::BETA_LOW_THRESHOLD
        | keys::BETA_HIGH_THRESHOLD
        | keys::CPU_LOWER_THRESHOLD
        | keys::CPU_UPPER_THRESHOLD => (ConfigErrorKind::ThresholdOutOfRange, err.to_string()),
        _ => (ConfigErrorKind::BadValue, err.to_string()),
    };
    Err(ConfigError::keyed(kind, path(key), message))
}

/// A duration the file can hold: a whole number of milliseconds that fits a TOML integer.
fn whole_millis(pool: &PoolConfig, key: &str, duration: Duration) -> Result<(), ConfigError> {
    let problem = if !duration.subsec_nanos().is_multiple_of(1_000_000) {
        format!("{key} must be a whole number of milliseconds, got {duration:?}")
    } else if i64::try_from(duration.as_millis()).is_err() {
        format!(
            "{key} {} is too long for a TOML integer",
            duration.as_millis()
        )
    } else {
        return Ok(());
    };
    Err(ConfigError::keyed(
        ConfigErrorKind::BadDuration,
        pool_key_path(&pool.name, key),
        problem,
    ))
}

/// A count the file can hold: TOML integers are signed 64-bit.
fn fits_toml<T>(path: String, key: &str, value: T) -> Result<(), ConfigError>
where
    T: Copy + Display,
    i64: TryFrom<T>,
{
    if i64::try_from(value).is_ok() {
        return Ok(());
    }
    Err(ConfigError::keyed(
        ConfigErrorKind::OutOfRange,
        path,
        format!(
            "{key} {value} is too large for a TOML integer (at most {})",
            i64::MAX
        ),
    ))
}
