//! Unit tests for the batch encoder: exact output, and the output parsed back line by line
//! (well-formed lines, one header per family, cumulative buckets ending in `+Inf` = count).

use std::collections::HashMap;
use std::time::Duration;

use super::*;
use crate::Histogram;

fn embed() -> BatchMetrics {
    let ms = Duration::from_millis;
    BatchMetrics {
        name: "embed".to_owned(),
        policy: "adaptive".to_owned(),
        queue_depth: 3,
        accepted: 120,
        rejected_full: 4,
        rejected_deadline: 2,
        cancelled: 1,
        expired: 2,
        stopped: 0,
        completed: 100,
        failed: 8,
        batches: 14,
        failed_batches: 1,
        releases: vec![
            ("size".to_owned(), 9),
            ("delay".to_owned(), 3),
            ("idle".to_owned(), 2),
            ("drain".to_owned(), 0),
        ],
        batch_sizes: Histogram::from_counts(
            &[1.0, 2.0, 4.0, 8.0, 16.0],
            &[1, 1, 2, 6, 3, 1],
            108.0,
        ),
        model_time: ms(350),
        queue_wait_p50: Some(ms(2)),
        queue_wait_p99: Some(ms(12)),
        latency_p50: Some(ms(25)),
        latency_p99: Some(ms(60)),
        cost_fixed: Some(ms(5)),
        cost_per_weight: Some(Duration::from_micros(1250)),
    }
}

/// A runtime that has done nothing yet: no quantiles, no fit.
fn fresh(name: &str) -> BatchMetrics {
    BatchMetrics {
        name: name.to_owned(),
        policy: "fixed".to_owned(),
        batch_sizes: Histogram::from_counts(&[1.0, 2.0], &[], 0.0),
        releases: vec![("size".to_owned(), 0)],
        ..BatchMetrics::default()
    }
}

#[test]
fn one_runtime_exact_output() {
    let mut out = String::new();
    encode_batch(&[embed()], &mut out);
    let expected = "\
# HELP betapool_batch_queue_depth Requests queued now.
# TYPE betapool_batch_queue_depth gauge
betapool_batch_queue_depth{runtime=\"embed\"} 3
# HELP betapool_batch_requests_total Requests submitted, by admission: accepted, rejected_full, rejected_deadline.
# TYPE betapool_batch_requests_total counter
betapool_batch_requests_total{runtime=\"embed\",outcome=\"accepted\"} 120
betapool_batch_requests_total{runtime=\"embed\",outcome=\"rejected_full\"} 4
betapool_batch_requests_total{runtime=\"embed\",outcome=\"rejected_deadline\"} 2
# HELP betapool_batch_requests_finished_total Accepted requests that ended, by how: completed, failed, cancelled, expired, stopped.
# TYPE betapool_batch_requests_finished_total counter
betapool_batch_requests_finished_total{runtime=\"embed\",outcome=\"completed\"} 100
betapool_batch_requests_finished_total{runtime=\"embed\",outcome=\"failed\"} 8
betapool_batch_requests_finished_total{runtime=\"embed\",outcome=\"cancelled\"} 1
betapool_batch_requests_finished_total{runtime=\"embed\",outcome=\"expired\"} 2
betapool_batch_requests_finished_total{runtime=\"embed\",outcome=\"stopped\"} 0
# HELP betapool_batch_batches_total Batches run, by the reason they were released.
# TYPE betapool_batch_batches_total counter
betapool_batch_batches_total{runtime=\"embed\",reason=\"size\"} 9
betapool_batch_batches_total{runtime=\"embed\",reason=\"delay\"} 3
betapool_batch_batches_total{runtime=\"embed\",reason=\"idle\"} 2
betapool_batch_batches_total{runtime=\"embed\",reason=\"drain\"} 0
# HELP betapool_batch_batches_failed_total Batches on which the model failed.
# TYPE betapool_batch_batches_failed_total counter
betapool_batch_batches_failed_total{runtime=\"embed\"} 1
# HELP betapool_batch_size Requests per batch.
# TYPE betapool_batch_size histogram
betapool_batch_size_bucket{runtime=\"embed\",le=\"1\"} 1
betapool_batch_size_bucket{runtime=\"embed\",le=\"2\"} 2
betapool_batch_size_bucket{runtime=\"embed\",le=\"4\"} 4
betapool_batch_size_bucket{runtime=\"embed\",le=\"8\"} 10
betapool_batch_size_bucket{runtime=\"embed\",le=\"16\"} 13
betapool_batch_size_bucket{runtime=\"embed\",le=\"+Inf\"} 14
betapool_batch_size_sum{runtime=\"embed\"} 108
betapool_batch_size_count{runtime=\"embed\"} 14
# HELP betapool_batch_model_seconds_total Time spent in the model, all batches.
# TYPE betapool_batch_model_seconds_total counter
betapool_batch_model_seconds_total{runtime=\"embed\"} 0.35
# HELP betapool_batch_queue_wait_seconds Time from acceptance to being taken by a batch, over recent requests, by nearest-rank quantile.
# TYPE betapool_batch_queue_wait_seconds summary
betapool_batch_queue_wait_seconds{runtime=\"embed\",quantile=\"0.5\"} 0.002
betapool_batch_queue_wait_seconds{runtime=\"embed\",quantile=\"0.99\"} 0.012
# HELP betapool_batch_latency_seconds Time from acceptance to output, over recent requests, by nearest-rank quantile.
# TYPE betapool_batch_latency_seconds summary
betapool_batch_latency_seconds{runtime=\"embed\",quantile=\"0.5\"} 0.025
betapool_batch_latency_seconds{runtime=\"embed\",quantile=\"0.99\"} 0.06
# HELP betapool_batch_cost_fixed_seconds Fitted model time of a batch that carries nothing (a in a + c*weight).
# TYPE betapool_batch_cost_fixed_seconds gauge
betapool_batch_cost_fixed_seconds{runtime=\"embed\"} 0.005
# HELP betapool_batch_cost_per_weight_seconds Fitted model time of one more unit of weight, one request unless the model weighs inputs (c in a + c*weight).
# TYPE betapool_batch_cost_per_weight_seconds gauge
betapool_batch_cost_per_weight_seconds{runtime=\"embed\"} 0.00125
# HELP betapool_batch_policy_info The batching policy the runtime runs, as a label; the value is always 1.
# TYPE betapool_batch_policy_info gauge
betapool_batch_policy_info{runtime=\"embed\",policy=\"adaptive\"} 1
";
    assert_eq!(out, expected);
}

#[test]
fn nothing_to_encode_writes_nothing() {
    let mut out = String::from("kept\n");
    encode_batch(&[], &mut out);
    assert_eq!(out, "kept\n");
}

#[test]
fn unfitted_families_are_left_out() {
    let mut out = String::new();
    encode_batch(&[fresh("new")], &mut out);
    for absent in [
        "betapool_batch_cost_fixed_seconds",
        "betapool_batch_cost_per_weight_seconds",
        "betapool_batch_queue_wait_seconds",
        "betapool_batch_latency_seconds",
    ] {
        assert!(!out.contains(absent), "{absent} in\n{out}");
    }
    assert!(out.contains("betapool_batch_size_bucket{runtime=\"new\",le=\"+Inf\"} 0\n"));
    parse(&out);
}

#[test]
fn label_values_are_escaped() {
    let mut m = fresh("a\"b\\c\nd");
    m.releases = vec![("odd\"reason".to_owned(), 1)];
    let mut out = String::new();
    encode_batch(&[m], &mut out);
    assert!(out.contains("betapool_batch_queue_depth{runtime=\"a\\\"b\\\\c\\nd\"} 0\n"));
    assert!(out.contains(",reason=\"odd\\\"reason\"} 1\n"));
    let parsed = parse(&out);
    assert!(
        parsed
            .samples
            .iter()
            .all(|s| s.labels["runtime"] == "a\"b\\c\nd")
    );
}

#[test]
fn several_runtimes_share_one_header_per_family() {
    let mut out = String::new();
    encode_batch(&[embed(), fresh("rank"), fresh("ocr")], &mut out);
    let parsed = parse(&out);
    // parse() checks each family is declared once; every runtime is in the always-present
    // families, and only the one with data is in the quantile and cost families.
    for runtime in ["embed", "rank", "ocr"] {
        assert!(
            parsed.has("betapool_batch_queue_depth", runtime),
            "{runtime}"
        );
        assert!(
            parsed.has("betapool_batch_size_count", runtime),
            "{runtime}"
        );
        assert!(
            parsed.has("betapool_batch_policy_info", runtime),
            "{runtime}"
        );
    }
    assert!(parsed.has("betapool_batch_cost_fixed_seconds", "embed"));
    assert!(!parsed.has("betapool_batch_cost_fixed_seconds", "rank"));
}

#[test]
fn parsed_output_is_well_formed_with_cumulative_buckets() {
    let mut odd = fresh("odd");
    // Counts far past 2^53 must print exactly, not through an f64.
    odd.accepted = u64::MAX;
    odd.batch_sizes = Histogram::from_counts(&[1.0, 10.0, 100.0], &[5, 0, 7, 2], 900.5);
    let mut out = String::new();
    encode_batch(&[embed(), odd], &mut out);
    let parsed = parse(&out);
    assert!(out.contains(&format!("outcome=\"accepted\"}} {}\n", u64::MAX)));

    for runtime in ["embed", "odd"] {
        let buckets: Vec<(f64, f64)> = parsed
            .samples
            .iter()
            .filter(|s| s.name == "betapool_batch_size_bucket" && s.labels["runtime"] == runtime)
            .map(|s| (parse_value(&s.labels["le"]), s.value))
            .collect();
        assert!(buckets.len() >= 2, "{runtime}: {buckets:?}");
        assert!(
            buckets
                .windows(2)
                .all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1),
            "{runtime}: bounds ascend and counts never fall: {buckets:?}"
        );
        let (last_le, last_n) = *buckets.last().unwrap();
        assert_eq!(last_le, f64::INFINITY, "{runtime}");
        let count = parsed.value("betapool_batch_size_count", runtime);
        assert_eq!(last_n, count, "{runtime}: +Inf bucket = count");
    }
    assert_eq!(parsed.value("betapool_batch_size_count", "odd"), 14.0);
    assert_eq!(parsed.value("betapool_batch_size_sum", "odd"), 900.5);
}

/// One sample line, parsed.
#[derive(Debug)]
struct ParsedSample {
    name: String,
    labels: HashMap<String, String>,
    value: f64,
}

#[derive(Debug, Default)]
struct Parsed {
    samples: Vec<ParsedSample>,
}

impl Parsed {
    fn has(&self, name: &str, runtime: &str) -> bool {
        self.samples
            .iter()
            .any(|s| s.name == name && s.labels["runtime"] == runtime)
    }

    fn value(&self, name: &str, runtime: &str) -> f64 {
        self.samples
            .iter()
            .find(|s| s.name == name && s.labels["runtime"] == runtime)
            .unwrap_or_else(|| panic!("no {name} for {runtime}"))
            .value
    }
}

/// Parses text exposition 0.0.4 strictly enough to catch a malformed line: every line is a
/// HELP, a TYPE or a sample; HELP comes right before TYPE, once per family; every sample
/// belongs to the family last declared (with `_bucket`/`_sum`/`_count` for a histogram) and
/// has a `runtime` label; no series appears twice.
fn parse(text: &str) -> Parsed {
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "ends with a newline"
    );
    let mut parsed = Parsed::default();
    let mut declared: Vec<String> = Vec::new();
    let mut family: Option<(String, String)> = None;
    let mut pending_help: Option<String> = None;
    let mut series = std::collections::HashSet::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').expect("HELP has a name and text");
            assert!(is_metric_name(name), "{line}");
            assert!(!help.is_empty() && !help.contains('\\'), "{line}");
            assert!(pending_help.is_none(), "HELP without TYPE before {line}");
            pending_help = Some(name.to_owned());
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("TYPE has a name and kind");
            assert_eq!(
                pending_help.take().as_deref(),
                Some(name),
                "HELP then TYPE: {line}"
            );
            assert!(
                ["counter", "gauge", "histogram", "summary"].contains(&kind),
                "{line}"
            );
            assert!(
                !declared.iter().any(|d| d == name),
                "family declared twice: {name}"
            );
            declared.push(name.to_owned());
            family = Some((name.to_owned(), kind.to_owned()));
        } else {
            let sample = parse_sample(line);
            let (fam, kind) = family.as_ref().expect("a sample after a TYPE");
            let allowed = if kind == "histogram" {
                ["_bucket", "_sum", "_count"]
                    .iter()
                    .any(|suffix| sample.name == format!("{fam}{suffix}"))
            } else {
                sample.name == *fam
            };
            assert!(allowed, "{} outside its family {fam}", sample.name);
            if kind == "counter" {
                assert!(fam.ends_with("_total"), "{fam}");
            }
            assert!(sample.labels.contains_key("runtime"), "{line}");
            let mut key: Vec<_> = sample.labels.iter().collect();
            key.sort();
            assert!(
                series.insert(format!("{}{key:?}", sample.name)),
                "duplicate {line}"
            );
            parsed.samples.push(sample);
        }
    }
    assert!(pending_help.is_none(), "a HELP with no TYPE at the end");
    parsed
}

fn is_metric_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// `name{label="value",…} value`, with label values unescaped.
fn parse_sample(line: &str) -> ParsedSample {
    let open = line
        .find('{')
        .unwrap_or_else(|| panic!("labels in {line:?}"));
    let name = &line[..open];
    assert!(is_metric_name(name), "{line}");
    let mut labels = HashMap::new();
    let mut rest = line[open + 1..].chars().peekable();
    loop {
        let label: String = rest.by_ref().take_while(|&c| c != '=').collect();
        assert!(
            is_metric_name(&label) && !label.contains(':'),
            "label name in {line}"
        );
        assert_eq!(rest.next(), Some('"'), "quoted value in {line}");
        let mut value = String::new();
        loop {
            match rest
                .next()
                .unwrap_or_else(|| panic!("unterminated value in {line}"))
            {
                '"' => break,
                '\\' => match rest.next() {
                    Some('\\') => value.push('\\'),
                    Some('"') => value.push('"'),
                    Some('n') => value.push('\n'),
                    other => panic!("bad escape {other:?} in {line}"),
                },
                '\n' => panic!("raw newline in {line}"),
                c => value.push(c),
            }
        }
        assert!(
            labels.insert(label, value).is_none(),
            "repeated label in {line}"
        );
        match rest.next() {
            Some(',') => {}
            Some('}') => break,
            other => panic!("expected , or }} after a label, got {other:?} in {line}"),
        }
    }
    assert_eq!(
        rest.next(),
        Some(' '),
        "one space before the value in {line}"
    );
    let value: String = rest.collect();
    ParsedSample {
        name: name.to_owned(),
        labels,
        value: parse_value(&value),
    }
}

/// A sample value in the exposition format's spelling.
fn parse_value(text: &str) -> f64 {
    match text {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        "NaN" => f64::NAN,
        _ => text
            .parse()
            .unwrap_or_else(|e| panic!("value {text:?}: {e}")),
    }
}
