//! A `GroupConfig` as TOML text, written by hand (toml's serializer would sort the pools by
//! name) so that the pools keep their order and every setting is spelled as `decode.rs`
//! reads it.

use std::fmt::Write as _;
use std::time::Duration;

use super::group::GroupConfig;
use super::keys;
use super::pool::PoolKind;

/// The group as TOML, one `[pools.<name>]` table per pool, in order.
pub(super) fn group(config: &GroupConfig) -> String {
    let mut out = String::new();
    line(&mut out, keys::MAX_TOTAL_THREADS, config.max_total_threads);
    line(&mut out, keys::VERBOSE, config.verbose);
    for pool in &config.pools {
        out.push('\n');
        out.push_str(&format!("[{}]\n", keys::pool_path(&pool.name)));
        line(&mut out, keys::KIND, quoted(pool.kind.as_str()));
        match &pool.kind {
            PoolKind::Adaptive {
                min_workers,
                max_workers,
                controller: c,
                policy,
            } => {
                line(&mut out, keys::MIN_WORKERS, min_workers);
                line(&mut out, keys::MAX_WORKERS, max_workers);
                line(&mut out, keys::POLICY, quoted(policy.as_str()));
                line(
                    &mut out,
                    keys::MONITOR_INTERVAL_MS,
                    millis(c.monitor_interval),
                );
                line(
                    &mut out,
                    keys::STABILIZATION_WINDOW_MS,
                    millis(c.stabilization_window),
                );
                line(
                    &mut out,
                    keys::BETA_HIGH_THRESHOLD,
                    float(c.beta_high_threshold),
                );
                line(
                    &mut out,
                    keys::BETA_LOW_THRESHOLD,
                    float(c.beta_low_threshold),
                );
                line(&mut out, keys::SCALE_UP_STEP, c.scale_up_step);
                line(&mut out, keys::SCALE_DOWN_STEP, c.scale_down_step);
                line(
                    &mut out,
                    keys::CPU_UPPER_THRESHOLD,
                    float(c.cpu_upper_threshold),
                );
                line(
                    &mut out,
                    keys::CPU_LOWER_THRESHOLD,
                    float(c.cpu_lower_threshold),
                );
                line(&mut out, keys::WARMUP_TASK_COUNT, c.warmup_task_count);
            }
            PoolKind::Static { workers } => line(&mut out, keys::WORKERS, workers),
        }
    }
    out
}

/// `key = value` and a newline.
fn line(out: &mut String, key: &str, value: impl std::fmt::Display) {
    // Writing to a `String` cannot fail.
    let _ = writeln!(out, "{key} = {value}");
}

/// A string value; the values written (kinds, policy names) need no escapes.
fn quoted(text: &str) -> String {
    format!("\"{text}\"")
}

/// A duration in whole milliseconds (validation rejects the rest).
fn millis(duration: Duration) -> u128 {
    duration.as_millis()
}

/// A float as TOML reads it back bit for bit: Rust's shortest round-trip form (`0.6`,
/// `85.0`, `1e-7`), and TOML's spelling of the values that have no digits.
fn float(value: f64) -> String {
    if value.is_nan() {
        "nan".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "inf" } else { "-inf" }.to_owned()
    } else {
        // `Debug` always writes a `.` or an exponent, so the value stays a TOML float.
        format!("{value:?}")
    }
}
