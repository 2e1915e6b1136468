//! TOML text to a `GroupConfig`. The text is parsed into toml's spanned `DeTable` and walked
//! by hand rather than through serde, so that every fault gets its own kind (an unknown key
//! is not a wrong type), its key path, and the place of the very key or value at fault.
//! Every key path is remembered with its place, so that the faults validation finds later
//! (knowing only key paths) are placed in the file too.

use std::ops::Range;
use std::time::Duration;

use betapool_core::ControllerConfig;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::error::{ConfigError, ConfigErrorKind};
use super::group::GroupConfig;
use super::keys::{self, pool_key_path, pool_path};
use super::pool::{PolicyChoice, PoolConfig, PoolKind};
use super::position::{Positions, line_column, syntax_key_path};

/// A value of the parsed document, with its byte range.
type Value<'i> = Spanned<DeValue<'i>>;

/// A fault found while decoding, at byte `offset` of the text.
#[derive(Debug)]
struct Fault {
    error: ConfigError,
    offset: usize,
}

impl Fault {
    fn new(kind: ConfigErrorKind, path: String, offset: usize, message: String) -> Fault {
        Fault {
            error: ConfigError::keyed(kind, path, message),
            offset,
        }
    }
}

/// Reads and validates a group from `text`, naming it `origin` in errors.
pub(super) fn group(text: &str, origin: &str) -> Result<GroupConfig, ConfigError> {
    let place = |error: ConfigError, offset| error.at(origin, line_column(text, offset));
    let root = DeTable::parse(text).map_err(|e| syntax(text, origin, &e))?;
    let mut positions = Positions::default();
    let config =
        root_table(root.get_ref(), &mut positions).map_err(|f| place(f.error, f.offset))?;
    config.validate().map_err(|error| {
        let error = prefer_written(error, &positions);
        let offset = error.key().map_or(0, |key| positions.locate(key));
        place(error, offset)
    })?;
    Ok(config)
}

/// A parse error from toml, placed and keyed. A repeated pool table is toml's "duplicate
/// key" on the pool's name, reported as the [`ConfigErrorKind::DuplicatePool`] it is.
fn syntax(text: &str, origin: &str, error: &toml::de::Error) -> ConfigError {
    let offset = error.span().map_or(0, |span| span.start);
    let key = syntax_key_path(text, offset);
    let message = error.message().trim_end();
    let pool = key
        .as_deref()
        .and_then(|key| key.strip_prefix(keys::POOLS)?.strip_prefix('.'))
        .filter(|name| !name.contains('.'));
    let error = match pool {
        Some(name) if message == "duplicate key" => ConfigError::keyed(
            ConfigErrorKind::DuplicatePool,
            pool_path(name),
            format!("pool {name:?} is defined twice"),
        ),
        _ => ConfigError::new(ConfigErrorKind::Syntax, key, message.to_owned()),
    };
    error.at(origin, line_column(text, offset))
}

/// A lower threshold left at its default that is not below the upper one the file set is
/// the upper one's fault: report it at the key the user wrote.
fn prefer_written(error: ConfigError, positions: &Positions) -> ConfigError {
    if error.kind() != ConfigErrorKind::LowNotBelowHigh {
        return error;
    }
    let Some(key) = error.key().map(str::to_owned) else {
        return error;
    };
    if positions.has_key(&key) {
        return error;
    }
    let partner = key.rsplit_once('.').and_then(|(table, last)| {
        keys::threshold_partner(last).map(|partner| format!("{table}.{partner}"))
    });
    match partner {
        Some(partner) if positions.has_key(&partner) => error.with_key(partner),
        _ => error,
    }
}

/// The table's entries in file order (toml keeps them sorted by name).
fn entries<'a, 'i>(table: &'a DeTable<'i>) -> Vec<(&'a str, Range<usize>, &'a Value<'i>)> {
    let mut entries: Vec<_> = table
        .iter()
        .map(|(key, value)| (key.get_ref().as_ref(), key.span(), value))
        .collect();
    entries.sort_by_key(|(_, span, _)| span.start);
    entries
}

/// The top level: the cap, `verbose` and the pools.
fn root_table(root: &DeTable<'_>, positions: &mut Positions) -> Result<GroupConfig, Fault> {
    let mut cap = None;
    let mut verbose = false;
    let mut pools = Vec::new();
    for (key, key_span, value) in entries(root) {
        let at = value.span().start;
        match key {
            keys::MAX_TOTAL_THREADS => cap = Some(count(key, key, value)?),
            keys::VERBOSE => verbose = boolean(key, key, value)?,
            keys::POOLS => {
                positions.table(key.to_owned(), at);
                pools = pool_tables(value, positions)?;
            }
            _ => {
                return Err(Fault::new(
                    ConfigErrorKind::UnknownKey,
                    keys::quote(key),
                    key_span.start,
                    format!(
                        "unknown key `{key}`; the top level has only {} ([pools.<name>] tables)",
                        keys::TOP_LEVEL.join(", "),
                    ),
                ));
            }
        }
        positions.key(keys::quote(key), at);
    }
    let Some(max_total_threads) = cap else {
        return Err(Fault::new(
            ConfigErrorKind::MissingKey,
            keys::MAX_TOTAL_THREADS.to_owned(),
            0,
            "missing key `max_total_threads`: the cap on the pools' total thread count, \
             such as max_total_threads = 600"
                .to_owned(),
        ));
    };
    Ok(GroupConfig {
        max_total_threads,
        verbose,
        pools,
    })
}

/// The `pools` table: one table per pool, in file order.
fn pool_tables(value: &Value<'_>, positions: &mut Positions) -> Result<Vec<PoolConfig>, Fault> {
    let table = match value.get_ref() {
        DeValue::Table(table) => table,
        DeValue::Array(_) => {
            return Err(Fault::new(
                ConfigErrorKind::WrongType,
                keys::POOLS.to_owned(),
                value.span().start,
                "pools must be a table: write each pool as [pools.<name>], not [[pools]]"
                    .to_owned(),
            ));
        }
        other => {
            return Err(Fault::new(
                ConfigErrorKind::WrongType,
                keys::POOLS.to_owned(),
                value.span().start,
                format!(
                    "pools must be a table of [pools.<name>] tables, got {}",
                    describe(other)
                ),
            ));
        }
    };
    entries(table)
        .into_iter()
        .map(|(name, name_span, value)| {
            positions.key(pool_path(name), name_span.start);
            pool_table(name, value, positions)
        })
        .collect()
}

/// One `[pools.<name>]` table. Its `kind` is read first, since it decides which keys the
/// pool may have; then every key in file order.
fn pool_table(
    name: &str,
    value: &Value<'_>,
    positions: &mut Positions,
) -> Result<PoolConfig, Fault> {
    let header = value.span().start;
    let DeValue::Table(table) = value.get_ref() else {
        return Err(Fault::new(
            ConfigErrorKind::WrongType,
            pool_path(name),
            header,
            format!(
                "pool {name:?} must be a table of settings ([pools.{}]), got {}",
                keys::quote(name),
                describe(value.get_ref())
            ),
        ));
    };
    positions.table(pool_path(name), header);
    let entries = entries(table);
    let missing = |key: &str, why: &str| {
        Fault::new(
            ConfigErrorKind::MissingKey,
            pool_key_path(name, key),
            header,
            format!("pool {name:?} is missing `{key}`: {why}"),
        )
    };

    let Some(&(_, _, kind_value)) = entries.iter().find(|(key, ..)| *key == keys::KIND) else {
        return Err(missing(keys::KIND, "\"adaptive\" or \"static\""));
    };
    let kind_path = pool_key_path(name, keys::KIND);
    let adaptive = match string(&kind_path, keys::KIND, kind_value)? {
        keys::ADAPTIVE => true,
        keys::STATIC => false,
        other => {
            return Err(Fault::new(
                ConfigErrorKind::BadKind,
                kind_path,
                kind_value.span().start,
                format!("unknown pool kind {other:?}; expected \"adaptive\" or \"static\""),
            ));
        }
    };

    let mut min_workers = None;
    let mut max_workers = None;
    let mut workers = None;
    let mut policy = PolicyChoice::Default;
    let mut c = ControllerConfig::default();
    for (key, key_span, value) in entries {
        let path = pool_key_path(name, key);
        let at = value.span().start;
        match (key, adaptive) {
            (keys::KIND, _) => {}
            (keys::WORKERS, false) => workers = Some(count(&path, key, value)?),
            (keys::MIN_WORKERS, true) => min_workers = Some(count(&path, key, value)?),
            (keys::MAX_WORKERS, true) => max_workers = Some(count(&path, key, value)?),
            (keys::POLICY, true) => {
                let text = string(&path, key, value)?;
                policy = PolicyChoice::from_name(text).ok_or_else(|| {
                    Fault::new(
                        ConfigErrorKind::BadPolicy,
                        path.clone(),
                        at,
                        format!("unknown policy {text:?}; expected \"default\" or \"seed\""),
                    )
                })?;
            }
            (keys::MONITOR_INTERVAL_MS, true) => c = c.monitor_interval(millis(&path, key, value)?),
            (keys::STABILIZATION_WINDOW_MS, true) => {
                c = c.stabilization_window(millis(&path, key, value)?);
            }
            (keys::BETA_HIGH_THRESHOLD, true) => {
                c = c.beta_high_threshold(number(&path, key, value)?)
            }
            (keys::BETA_LOW_THRESHOLD, true) => {
                c = c.beta_low_threshold(number(&path, key, value)?)
            }
            (keys::CPU_UPPER_THRESHOLD, true) => {
                c = c.cpu_upper_threshold(number(&path, key, value)?)
            }
            (keys::CPU_LOWER_THRESHOLD, true) => {
                c = c.cpu_lower_threshold(number(&path, key, value)?)
            }
            (keys::SCALE_UP_STEP, true) => c = c.scale_up_step(count(&path, key, value)?),
            (keys::SCALE_DOWN_STEP, true) => c = c.scale_down_step(count(&path, key, value)?),
            (keys::WARMUP_TASK_COUNT, true) => c = c.warmup_task_count(count(&path, key, value)?),
            _ => return Err(unknown_pool_key(name, key, key_span.start, adaptive)),
        }
        positions.key(path, at);
    }

    let kind = if adaptive {
        let min_workers = min_workers.ok_or_else(|| {
            missing(
                keys::MIN_WORKERS,
                "an adaptive pool needs min_workers and max_workers",
            )
        })?;
        let max_workers = max_workers.ok_or_else(|| {
            missing(
                keys::MAX_WORKERS,
                "an adaptive pool needs min_workers and max_workers",
            )
        })?;
        PoolKind::Adaptive {
            min_workers,
            max_workers,
            controller: c,
            policy,
        }
    } else {
        let workers = workers
            .ok_or_else(|| missing(keys::WORKERS, "a static pool needs its worker count"))?;
        PoolKind::Static { workers }
    };
    Ok(PoolConfig::new(name, kind))
}

/// A key a pool of this kind does not have, with a hint when it belongs to the other kind.
fn unknown_pool_key(name: &str, key: &str, offset: usize, adaptive: bool) -> Fault {
    let message = if !adaptive && keys::ADAPTIVE_ONLY.contains(&key) {
        format!(
            "`{key}` applies only to adaptive pools; pool {name:?} is static (it takes kind and workers)"
        )
    } else if adaptive && key == keys::WORKERS {
        format!(
            "`workers` is for static pools; adaptive pool {name:?} takes min_workers and max_workers"
        )
    } else if adaptive {
        format!(
            "unknown key `{key}`; an adaptive pool takes kind, {}",
            keys::ADAPTIVE_ONLY.join(", ")
        )
    } else {
        format!("unknown key `{key}`; a static pool takes kind and workers")
    };
    Fault::new(
        ConfigErrorKind::UnknownKey,
        pool_key_path(name, &keys::quote(key)),
        offset,
        message,
    )
}

/// What a value is, for "got …" in messages.
fn describe(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) => format!("the string {:?}", s.as_ref()),
        DeValue::Integer(i) => format!("the integer {i}"),
        DeValue::Float(f) => format!("the float {f}"),
        DeValue::Boolean(b) => format!("the boolean {b}"),
        DeValue::Datetime(d) => format!("the datetime {d}"),
        DeValue::Array(_) => "an array".to_owned(),
        DeValue::Table(_) => "a table".to_owned(),
    }
}

fn wrong_type(path: &str, key: &str, value: &Value<'_>, expected: &str) -> Fault {
    Fault::new(
        ConfigErrorKind::WrongType,
        path.to_owned(),
        value.span().start,
        format!(
            "{key} must be {expected}, got {}",
            describe(value.get_ref())
        ),
    )
}

/// A TOML integer as an `i64` (the parser keeps its digits and leaves the range to us);
/// `None` if it does not fit, as TOML requires of every integer.
fn integer(value: &DeValue<'_>) -> Option<Result<i64, ()>> {
    match value {
        DeValue::Integer(i) => Some(i64::from_str_radix(i.as_str(), i.radix()).map_err(|_| ())),
        _ => None,
    }
}

/// The message for an integer the parser read but TOML does not allow (beyond 64 bits).
fn too_large(key: &str, value: &Value<'_>) -> String {
    let digits = match value.get_ref() {
        DeValue::Integer(i) => i.to_string(),
        other => describe(other),
    };
    format!(
        "{key} {digits} is too large for a TOML integer (at most {})",
        i64::MAX
    )
}

/// A whole number of things (workers, steps, tasks): a non-negative integer that fits `T`.
fn count<T: TryFrom<i64>>(path: &str, key: &str, value: &Value<'_>) -> Result<T, Fault> {
    let out_of_range = |problem: String| {
        Fault::new(
            ConfigErrorKind::OutOfRange,
            path.to_owned(),
            value.span().start,
            problem,
        )
    };
    match integer(value.get_ref()) {
        None => Err(wrong_type(path, key, value, "a whole number")),
        Some(Err(())) => Err(out_of_range(too_large(key, value))),
        Some(Ok(n)) if n < 0 => Err(out_of_range(format!("{key} must not be negative, got {n}"))),
        Some(Ok(n)) => T::try_from(n)
            .map_err(|_| out_of_range(format!("{key} {n} is too large on this platform"))),
    }
}

/// A number: a float, or an integer written without `.0`. NaN and infinities are read as
/// written; validation rejects them with the other out-of-range values.
fn number(path: &str, key: &str, value: &Value<'_>) -> Result<f64, Fault> {
    match value.get_ref() {
        // A float the standard parser cannot read (none should reach here) is not a number.
        DeValue::Float(f) => Ok(f.as_str().parse().unwrap_or(f64::NAN)),
        DeValue::Integer(i) if i.radix() == 10 => Ok(i.as_str().parse().unwrap_or(f64::NAN)),
        DeValue::Integer(i) => {
            Ok(u64::from_str_radix(i.as_str(), i.radix()).map_or(f64::NAN, |n| n as f64))
        }
        _ => Err(wrong_type(path, key, value, "a number")),
    }
}

/// A duration written as a whole number of milliseconds. Zero is read, and rejected by
/// validation like a zero `Duration` built in code.
fn millis(path: &str, key: &str, value: &Value<'_>) -> Result<Duration, Fault> {
    let bad = |problem: String| {
        Fault::new(
            ConfigErrorKind::BadDuration,
            path.to_owned(),
            value.span().start,
            problem,
        )
    };
    match (integer(value.get_ref()), value.get_ref()) {
        (Some(Ok(n)), _) => match u64::try_from(n) {
            Ok(ms) => Ok(Duration::from_millis(ms)),
            Err(_) => Err(bad(format!("{key} must be at least 1, got {n}"))),
        },
        (Some(Err(())), _) => Err(bad(too_large(key, value))),
        (None, DeValue::Float(f)) => Err(bad(format!(
            "{key} must be a whole number of milliseconds, got {f}"
        ))),
        (None, _) => Err(wrong_type(
            path,
            key,
            value,
            "a whole number of milliseconds",
        )),
    }
}

fn boolean(path: &str, key: &str, value: &Value<'_>) -> Result<bool, Fault> {
    match value.get_ref() {
        DeValue::Boolean(b) => Ok(*b),
        _ => Err(wrong_type(path, key, value, "true or false")),
    }
}

fn string<'a>(path: &str, key: &str, value: &'a Value<'_>) -> Result<&'a str, Fault> {
    match value.get_ref() {
        DeValue::String(s) => Ok(s.as_ref()),
        _ => Err(wrong_type(path, key, value, "a string")),
    }
}
