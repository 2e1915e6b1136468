//! The key names of the file format, and the dotted key paths errors name. Decoding,
//! encoding and validation all spell keys through here, so they cannot drift apart.

/// Top level: the cap on the sum of every pool's maximum.
pub(super) const MAX_TOTAL_THREADS: &str = "max_total_threads";
/// Top level: log each pool's activity.
pub(super) const VERBOSE: &str = "verbose";
/// Top level: the table of pools, one `[pools.<name>]` each.
pub(super) const POOLS: &str = "pools";

/// Every top-level key.
pub(super) const TOP_LEVEL: &[&str] = &[MAX_TOTAL_THREADS, VERBOSE, POOLS];

/// A pool's kind: [`ADAPTIVE`] or [`STATIC`].
pub(super) const KIND: &str = "kind";
/// The value of `kind` for an adaptive pool.
pub(super) const ADAPTIVE: &str = "adaptive";
/// The value of `kind` for a static pool.
pub(super) const STATIC: &str = "static";

/// Adaptive pools: the fewest workers.
pub(super) const MIN_WORKERS: &str = "min_workers";
/// Adaptive pools: the most workers.
pub(super) const MAX_WORKERS: &str = "max_workers";
/// Adaptive pools: the decision policy, `"default"` or `"seed"`.
pub(super) const POLICY: &str = "policy";
/// Static pools: the worker count.
pub(super) const WORKERS: &str = "workers";

/// `ControllerConfig::monitor_interval`, in whole milliseconds.
pub(super) const MONITOR_INTERVAL_MS: &str = "monitor_interval_ms";
/// `ControllerConfig::stabilization_window`, in whole milliseconds.
pub(super) const STABILIZATION_WINDOW_MS: &str = "stabilization_window_ms";
/// `ControllerConfig::beta_high_threshold`.
pub(super) const BETA_HIGH_THRESHOLD: &str = "beta_high_threshold";
/// `ControllerConfig::beta_low_threshold`.
pub(super) const BETA_LOW_THRESHOLD: &str = "beta_low_threshold";
/// `ControllerConfig::scale_up_step`.
pub(super) const SCALE_UP_STEP: &str = "scale_up_step";
/// `ControllerConfig::scale_down_step`.
pub(super) const SCALE_DOWN_STEP: &str = "scale_down_step";
/// `ControllerConfig::cpu_upper_threshold`, in percent.
pub(super) const CPU_UPPER_THRESHOLD: &str = "cpu_upper_threshold";
/// `ControllerConfig::cpu_lower_threshold`, in percent.
pub(super) const CPU_LOWER_THRESHOLD: &str = "cpu_lower_threshold";
/// `ControllerConfig::warmup_task_count`.
pub(super) const WARMUP_TASK_COUNT: &str = "warmup_task_count";

/// The keys only an adaptive pool has, in the order they are written.
pub(super) const ADAPTIVE_ONLY: &[&str] = &[
    MIN_WORKERS,
    MAX_WORKERS,
    POLICY,
    MONITOR_INTERVAL_MS,
    STABILIZATION_WINDOW_MS,
    BETA_HIGH_THRESHOLD,
    BETA_LOW_THRESHOLD,
    SCALE_UP_STEP,
    SCALE_DOWN_STEP,
    CPU_UPPER_THRESHOLD,
    CPU_LOWER_THRESHOLD,
    WARMUP_TASK_COUNT,
];

/// The key of the file that holds the `ControllerConfig` field `field`: the two durations
/// gain their unit, the others keep their name.
pub(super) fn controller_key(field: &'static str) -> &'static str {
    match field {
        "monitor_interval" => MONITOR_INTERVAL_MS,
        "stabilization_window" => STABILIZATION_WINDOW_MS,
        other => other,
    }
}

/// The upper partner of a lower threshold, and the other way round.
pub(super) fn threshold_partner(key: &str) -> Option<&'static str> {
    match key {
        BETA_LOW_THRESHOLD => Some(BETA_HIGH_THRESHOLD),
        BETA_HIGH_THRESHOLD => Some(BETA_LOW_THRESHOLD),
        CPU_LOWER_THRESHOLD => Some(CPU_UPPER_THRESHOLD),
        CPU_UPPER_THRESHOLD => Some(CPU_LOWER_THRESHOLD),
        _ => None,
    }
}

/// `key` as TOML writes it: bare when it can be, else a basic string with escapes.
pub(super) fn quote(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        return key.to_owned();
    }
    let mut out = String::with_capacity(key.len() + 2);
    out.push('"');
    for c in key.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The path of pool `name`: `pools.<name>`.
pub(super) fn pool_path(name: &str) -> String {
    format!("{POOLS}.{}", quote(name))
}

/// The path of `key` in pool `name`: `pools.<name>.<key>`.
pub(super) fn pool_key_path(name: &str, key: &str) -> String {
    format!("{}.{key}", pool_path(name))
}
