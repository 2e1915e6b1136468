//! Prometheus text exposition (format 0.0.4) of pool snapshots ([`encode`]) and of inference
//! runtimes' batching ([`encode_batch`], in `betapool_batch_*` families labelled `runtime`).
//!
//! Every metric is named `betapool_*` and labelled `pool="<name>"`, so several pools share one
//! family each and a single scrape can hold them all. Counters end in `_total`. Latency is a
//! `summary` family with `quantile` labels; its `_sum` and `_count` series are left out because
//! a [`PoolStats`] holds only windowed quantiles, and Prometheus accepts a summary without them.
//! A family with no sample (for example latency before any task finished) is left out entirely.
//!
//! ```
//! use betapool_metrics::{PoolStats, prometheus};
//!
//! let mut out = String::new();
//! prometheus::encode(&[PoolStats { name: "io".into(), completed: 3, ..PoolStats::default() }],
//!     &mut out);
//! assert!(out.contains("# TYPE betapool_tasks_completed_total counter\n"));
//! assert!(out.contains("betapool_tasks_completed_total{pool=\"io\"} 3\n"));
//! ```

use std::fmt::{self, Write as _};

use crate::PoolStats;
use crate::percentile::{Q50, Q95, Q99};

mod batch;

pub use batch::encode_batch;

/// The `Content-Type` header value for a response carrying [`encode`]'s output.
///
/// # Examples
///
/// ```
/// use betapool_metrics::prometheus::CONTENT_TYPE;
///
/// assert!(CONTENT_TYPE.contains("version=0.0.4"));
/// ```
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The name of the latency summary family.
const LATENCY_FAMILY: &str = "betapool_task_latency_seconds";

/// Help text for the latency summary family.
const LATENCY_HELP: &str = "Task wall time over the recent window, by nearest-rank quantile.";

/// Appends the text exposition of `stats` to `out`, one metric family after another.
///
/// Each family's `# HELP` and `# TYPE` lines appear once, followed by one sample per pool in
/// the order of `stats`. Pool names are escaped as label values (`\` → `\\`, `"` → `\"`, line
/// feed → `\n`), so any name is safe; names should still be unique, since two pools with the
/// same name would produce duplicate series, which Prometheus rejects.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_metrics::{Percentiles, PoolStats, prometheus};
///
/// let ms = Duration::from_millis;
/// let stats = PoolStats {
///     name: "io".into(),
///     current_threads: 16,
///     latency: Some(Percentiles { p50: ms(5), p95: ms(20), p99: ms(50) }),
///     ..PoolStats::default()
/// };
/// let mut out = String::new();
/// prometheus::encode(&[stats], &mut out);
/// assert!(out.contains("betapool_threads{pool=\"io\"} 16\n"));
/// assert!(out.contains("betapool_task_latency_seconds{pool=\"io\",quantile=\"0.99\"} 0.05\n"));
/// ```
pub fn encode(stats: &[PoolStats], out: &mut String) {
    // Writing into a String cannot fail, so the fmt::Result carries no information.
    let _ = encode_into(stats, out);
}

/// The body of [`encode`], written against `fmt::Write` so `?` can carry the (never) error.
fn encode_into(stats: &[PoolStats], out: &mut String) -> fmt::Result {
    for family in FAMILIES {
        let samples: Vec<(&PoolStats, Value)> = stats
            .iter()
            .filter_map(|pool| (family.value)(pool).map(|value| (pool, value)))
            .collect();
        if samples.is_empty() {
            continue;
        }
        write_family_header(out, family.name, family.help, family.kind)?;
        for (pool, value) in samples {
            write!(out, "{}{{pool=\"", family.name)?;
            write_label_value(out, &pool.name)?;
            writeln!(out, "\"}} {value}")?;
        }
    }

    let with_latency: Vec<_> = stats
        .iter()
        .filter_map(|pool| pool.latency.map(|latency| (pool, latency)))
        .collect();
    if !with_latency.is_empty() {
        write_family_header(out, LATENCY_FAMILY, LATENCY_HELP, "summary")?;
        for (pool, latency) in with_latency {
            for (quantile, duration) in [(Q50, latency.p50), (Q95, latency.p95), (Q99, latency.p99)]
            {
                write!(out, "{LATENCY_FAMILY}{{pool=\"")?;
                write_label_value(out, &pool.name)?;
                let seconds = Value::Float(duration.as_secs_f64());
                writeln!(out, "\",quantile=\"{quantile}\"}} {seconds}")?;
            }
        }
    }
    Ok(())
}

/// Writes the `# HELP` and `# TYPE` lines that open a family.
fn write_family_header(out: &mut String, name: &str, help: &str, kind: &str) -> fmt::Result {
    writeln!(out, "# HELP {name} {help}")?;
    writeln!(out, "# TYPE {name} {kind}")
}

/// Writes `value` escaped for use inside a double-quoted label value.
fn write_label_value(out: &mut String, value: &str) -> fmt::Result {
    for c in value.chars() {
        match c {
            '\\' => out.write_str("\\\\")?,
            '"' => out.write_str("\\\"")?,
            '\n' => out.write_str("\\n")?,
            c => out.write_char(c)?,
        }
    }
    Ok(())
}

/// A sample value: integers print exactly, floats in the exposition format's spelling.
#[derive(Debug, Clone, Copy)]
enum Value {
    /// A count or a gauge of whole things, printed without a fraction so large counters stay
    /// exact (an `f64` loses integers above 2^53).
    Int(u64),
    /// A measured quantity.
    Float(f64),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Int(n) => write!(f, "{n}"),
            // Rust spells infinities `inf`; the exposition format wants Go's `+Inf` and `-Inf`.
            Self::Float(x) if x == f64::INFINITY => f.write_str("+Inf"),
            Self::Float(x) if x == f64::NEG_INFINITY => f.write_str("-Inf"),
            Self::Float(x) if x.is_nan() => f.write_str("NaN"),
            Self::Float(x) => write!(f, "{x}"),
        }
    }
}

/// One metric family with one sample per pool.
struct Family {
    /// The full metric name.
    name: &'static str,
    /// The `# HELP` text: one line, with no backslash.
    help: &'static str,
    /// The `# TYPE`: `gauge` or `counter`.
    kind: &'static str,
    /// The pool's value, or `None` to leave the pool out of this family.
    value: fn(&PoolStats) -> Option<Value>,
}

/// A count of things held in a `usize`, as a sample value.
fn count(n: usize) -> Option<Value> {
    // usize is at most 64 bits on every target std supports, so this never saturates.
    Some(Value::Int(u64::try_from(n).unwrap_or(u64::MAX)))
}

/// The families other than latency, in output order: gauges of the pool's shape, counters of
/// what it has done, then the signals the controller steers by.
const FAMILIES: &[Family] = &[
    Family {
        name: "betapool_threads",
        help: "Worker threads alive.",
        kind: "gauge",
        value: |s| count(s.current_threads),
    },
    Family {
        name: "betapool_threads_min",
        help: "Fewest worker threads the pool keeps.",
        kind: "gauge",
        value: |s| count(s.min_threads),
    },
    Family {
        name: "betapool_threads_max",
        help: "Most worker threads the pool may start.",
        kind: "gauge",
        value: |s| count(s.max_threads),
    },
    Family {
        name: "betapool_threads_idle",
        help: "Worker threads waiting for work.",
        kind: "gauge",
        value: |s| count(s.idle_threads),
    },
    Family {
        name: "betapool_tasks_queued",
        help: "Tasks waiting in the queue.",
        kind: "gauge",
        value: |s| count(s.queued_tasks),
    },
    Family {
        name: "betapool_tasks_submitted_total",
        help: "Tasks accepted by the pool.",
        kind: "counter",
        value: |s| Some(Value::Int(s.submitted)),
    },
    Family {
        name: "betapool_tasks_completed_total",
        help: "Tasks that ran to completion, successfully or not.",
        kind: "counter",
        value: |s| Some(Value::Int(s.completed)),
    },
    Family {
        name: "betapool_tasks_panicked_total",
        help: "Tasks that panicked.",
        kind: "counter",
        value: |s| Some(Value::Int(s.panicked)),
    },
    Family {
        name: "betapool_tasks_cancelled_total",
        help: "Tasks cancelled before they ran.",
        kind: "counter",
        value: |s| Some(Value::Int(s.cancelled)),
    },
    Family {
        name: "betapool_tasks_rejected_total",
        help: "Tasks refused at submission.",
        kind: "counter",
        value: |s| Some(Value::Int(s.rejected)),
    },
    Family {
        name: "betapool_scale_up_total",
        help: "Times the pool decided to grow.",
        kind: "counter",
        value: |s| Some(Value::Int(s.scale_up_count)),
    },
    Family {
        name: "betapool_scale_down_total",
        help: "Times the pool decided to shrink.",
        kind: "counter",
        value: |s| Some(Value::Int(s.scale_down_count)),
    },
    Family {
        name: "betapool_blocking_ratio",
        help: "Mean blocking ratio (1 - cpu/wall) over the recent window.",
        kind: "gauge",
        value: |s| s.avg_blocking_ratio.map(Value::Float),
    },
    Family {
        name: "betapool_throughput_tasks_per_second",
        help: "Task completions per second over the recent window.",
        kind: "gauge",
        value: |s| Some(Value::Float(s.throughput)),
    },
];

#[cfg(test)]
mod tests;
