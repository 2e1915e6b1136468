//! Prometheus text exposition of inference runtimes' batching ([`BatchMetrics`]).
//!
//! Every metric is named `betapool_batch_*` and labelled `runtime="<name>"`, so several
//! runtimes share one family each. Requests are counted twice, in two families that each sum
//! to something meaningful: `betapool_batch_requests_total` by admission (`accepted`,
//! `rejected_full`, `rejected_deadline`: together, every submission) and
//! `betapool_batch_requests_finished_total` by how accepted requests ended (`completed`,
//! `failed`, `cancelled`, `expired`, `stopped`: together, the accepted requests no longer in
//! flight). Quantiles are `summary` families without `_sum` and `_count`, as for pools.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::time::Duration;

use super::{Value, count, write_family_header, write_label_value};
use crate::BatchMetrics;
use crate::percentile::{Q50, Q99};

/// Appends the text exposition of `runtimes` to `out`, one metric family after another.
///
/// Each family's `# HELP` and `# TYPE` lines appear once, followed by the samples of each
/// runtime in the order of `runtimes`; a family no runtime has a value for (the fitted cost
/// before any fit, quantiles before any request) is left out. Label values are escaped, so
/// any runtime name is safe; names should still be unique, since two runtimes with the same
/// name would produce duplicate series, which Prometheus rejects.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_metrics::{BatchMetrics, Histogram, prometheus};
///
/// let metrics = BatchMetrics {
///     name: "embed".into(),
///     accepted: 5,
///     batches: 2,
///     batch_sizes: Histogram::from_counts(&[1.0, 2.0, 4.0], &[0, 1, 1], 5.0),
///     cost_fixed: Some(Duration::from_millis(4)),
///     ..BatchMetrics::default()
/// };
/// let mut out = String::new();
/// prometheus::encode_batch(&[metrics], &mut out);
/// assert!(out.contains("betapool_batch_requests_total{runtime=\"embed\",outcome=\"accepted\"} 5\n"));
/// assert!(out.contains("betapool_batch_size_bucket{runtime=\"embed\",le=\"2\"} 1\n"));
/// assert!(out.contains("betapool_batch_size_bucket{runtime=\"embed\",le=\"+Inf\"} 2\n"));
/// assert!(out.contains("betapool_batch_cost_fixed_seconds{runtime=\"embed\"} 0.004\n"));
/// assert!(!out.contains("betapool_batch_cost_per_weight_seconds"));
/// ```
pub fn encode_batch(runtimes: &[BatchMetrics], out: &mut String) {
    // Writing into a String cannot fail, so the fmt::Result carries no information.
    let _ = encode_into(runtimes, out);
}

/// The body of [`encode_batch`], written against `fmt::Write` so `?` can carry the (never)
/// error.
fn encode_into(runtimes: &[BatchMetrics], out: &mut String) -> fmt::Result {
    let mut samples = Vec::new();
    for family in FAMILIES {
        let mut opened = false;
        for runtime in runtimes {
            samples.clear();
            (family.samples)(runtime, &mut samples);
            if samples.is_empty() {
                continue;
            }
            if !opened {
                write_family_header(out, family.name, family.help, family.kind)?;
                opened = true;
            }
            for sample in &samples {
                write!(out, "{}{}{{runtime=\"", family.name, sample.suffix)?;
                write_label_value(out, &runtime.name)?;
                for (label, value) in &sample.labels {
                    write!(out, "\",{label}=\"")?;
                    write_label_value(out, value)?;
                }
                writeln!(out, "\"}} {}", sample.value)?;
            }
        }
    }
    Ok(())
}

/// One line of a family: the suffix on the family's name (`_bucket`, `_sum`, `_count` for a
/// histogram, empty otherwise), the labels after `runtime`, and the value.
struct Sample<'a> {
    suffix: &'static str,
    labels: Vec<(&'static str, Cow<'a, str>)>,
    value: Value,
}

impl<'a> Sample<'a> {
    /// A sample with no labels but `runtime`.
    fn plain(value: Value) -> Self {
        Sample {
            suffix: "",
            labels: Vec::new(),
            value,
        }
    }

    /// A sample with one more label.
    fn labelled(label: &'static str, value_of_label: &'a str, value: Value) -> Self {
        Sample {
            suffix: "",
            labels: vec![(label, Cow::Borrowed(value_of_label))],
            value,
        }
    }
}

/// One metric family: its name, help, type, and the samples one runtime contributes (none
/// leaves that runtime out of the family).
struct Family {
    /// The full metric name.
    name: &'static str,
    /// The `# HELP` text: one line, with no backslash.
    help: &'static str,
    /// The `# TYPE`.
    kind: &'static str,
    /// Appends the runtime's samples.
    samples: for<'a> fn(&'a BatchMetrics, &mut Vec<Sample<'a>>),
}

/// A duration as seconds.
fn seconds(d: Duration) -> Value {
    Value::Float(d.as_secs_f64())
}

/// The P50 and P99 samples of a quantile summary, if the runtime has them.
fn quantiles(p50: Option<Duration>, p99: Option<Duration>, samples: &mut Vec<Sample<'_>>) {
    for (q, d) in [(Q50, p50), (Q99, p99)] {
        if let Some(d) = d {
            samples.push(Sample {
                suffix: "",
                labels: vec![("quantile", Cow::Owned(Value::Float(q).to_string()))],
                value: seconds(d),
            });
        }
    }
}

/// The families in output order: the queue now, requests, batches, time, then the fit.
const FAMILIES: &[Family] = &[
    Family {
        name: "betapool_batch_queue_depth",
        help: "Requests queued now.",
        kind: "gauge",
        samples: |m, s| s.extend(count(m.queue_depth).map(Sample::plain)),
    },
    Family {
        name: "betapool_batch_requests_total",
        help: "Requests submitted, by admission: accepted, rejected_full, rejected_deadline.",
        kind: "counter",
        samples: |m, s| {
            for (outcome, n) in [
                ("accepted", m.accepted),
                ("rejected_full", m.rejected_full),
                ("rejected_deadline", m.rejected_deadline),
            ] {
                s.push(Sample::labelled("outcome", outcome, Value::Int(n)));
            }
        },
    },
    Family {
        name: "betapool_batch_requests_finished_total",
        help: "Accepted requests that ended, by how: completed, failed, cancelled, expired, stopped.",
        kind: "counter",
        samples: |m, s| {
            for (outcome, n) in [
                ("completed", m.completed),
                ("failed", m.failed),
                ("cancelled", m.cancelled),
                ("expired", m.expired),
                ("stopped", m.stopped),
            ] {
                s.push(Sample::labelled("outcome", outcome, Value::Int(n)));
            }
        },
    },
    Family {
        name: "betapool_batch_batches_total",
        help: "Batches run, by the reason they were released.",
        kind: "counter",
        samples: |m, s| {
            for (reason, n) in &m.releases {
                s.push(Sample::labelled("reason", reason, Value::Int(*n)));
            }
        },
    },
    Family {
        name: "betapool_batch_batches_failed_total",
        help: "Batches on which the model failed.",
        kind: "counter",
        samples: |m, s| s.push(Sample::plain(Value::Int(m.failed_batches))),
    },
    Family {
        name: "betapool_batch_size",
        help: "Requests per batch.",
        kind: "histogram",
        samples: |m, s| {
            let h = &m.batch_sizes;
            let bucket = |le: Cow<'static, str>, n: u64| Sample {
                suffix: "_bucket",
                labels: vec![("le", le)],
                value: Value::Int(n),
            };
            for &(le, n) in &h.buckets {
                s.push(bucket(Cow::Owned(Value::Float(le).to_string()), n));
            }
            s.push(bucket(Cow::Borrowed("+Inf"), h.count));
            s.push(Sample {
                suffix: "_sum",
                labels: Vec::new(),
                value: Value::Float(h.sum),
            });
            s.push(Sample {
                suffix: "_count",
                labels: Vec::new(),
                value: Value::Int(h.count),
            });
        },
    },
    Family {
        name: "betapool_batch_model_seconds_total",
        help: "Time spent in the model, all batches.",
        kind: "counter",
        samples: |m, s| s.push(Sample::plain(seconds(m.model_time))),
    },
    Family {
        name: "betapool_batch_queue_wait_seconds",
        help: "Time from acceptance to being taken by a batch, over recent requests, by nearest-rank quantile.",
        kind: "summary",
        samples: |m, s| quantiles(m.queue_wait_p50, m.queue_wait_p99, s),
    },
    Family {
        name: "betapool_batch_latency_seconds",
        help: "Time from acceptance to output, over recent requests, by nearest-rank quantile.",
        kind: "summary",
        samples: |m, s| quantiles(m.latency_p50, m.latency_p99, s),
    },
    Family {
        name: "betapool_batch_cost_fixed_seconds",
        help: "Fitted model time of a batch that carries nothing (a in a + c*weight).",
        kind: "gauge",
        samples: |m, s| s.extend(m.cost_fixed.map(|d| Sample::plain(seconds(d)))),
    },
    Family {
        name: "betapool_batch_cost_per_weight_seconds",
        help: "Fitted model time of one more unit of weight, one request unless the model weighs inputs (c in a + c*weight).",
        kind: "gauge",
        samples: |m, s| s.extend(m.cost_per_weight.map(|d| Sample::plain(seconds(d)))),
    },
    Family {
        name: "betapool_batch_policy_info",
        help: "The batching policy the runtime runs, as a label; the value is always 1.",
        kind: "gauge",
        samples: |m, s| {
            if !m.policy.is_empty() {
                s.push(Sample::labelled("policy", &m.policy, Value::Int(1)));
            }
        },
    },
];

#[cfg(test)]
mod tests;
