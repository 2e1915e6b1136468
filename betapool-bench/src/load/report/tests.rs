//! Tests of the load report: the results it aggregates and their table, ratios, chart and JSON.

use super::*;
use crate::load::latency::{Summary, curve};
use crate::load::results::{
    ConfigEntry, EndpointResult, Errors, Failure, LoadReport, Range, ServerUsage, medians,
};

fn params() -> Params {
    Params {
        server: "target/release/inference-server".into(),
        configs: Vec::new(),
        seconds: 10.0,
        warmup_s: 2.0,
        connections: 64,
        repeats: 1,
        seed: 42,
        mix: "50 % generate".into(),
        io_timeout_s: 10.0,
        sample_interval_ms: 100,
        cores: 2,
    }
}

/// A result whose latencies are `1..=n` times `scale` ms.
fn result(name: &str, req_per_s: f64, scale: u64) -> ConfigResult {
    let us: Vec<u64> = (1..=1000).map(|i| i * scale * 1000).collect();
    ConfigResult {
        name: name.into(),
        req_per_s,
        latency: Summary::of(&us),
        endpoints: Endpoint::ALL
            .iter()
            .map(|&endpoint| EndpointResult {
                endpoint,
                latency: Summary::of(&us),
            })
            .collect(),
        errors: Errors {
            total: 3,
            ..Errors::default()
        },
        server: ServerUsage {
            peak_threads: Some(140),
            cpu_ms_per_request: Some(0.25),
            ..ServerUsage::default()
        },
        curve: curve(&us),
        ..ConfigResult::default()
    }
}

fn results() -> Vec<ConfigResult> {
    vec![
        result("shared-static", 300.0, 4),
        result("named-static", 1800.0, 1),
        result(REFERENCE, 2000.0, 1),
    ]
}

#[test]
fn table_has_a_row_per_config_and_every_column() {
    let t = table(&results());
    let lines: Vec<&str> = t.lines().collect();
    assert_eq!(lines.len(), 5, "{t}");
    for column in [
        "config",
        "req/s",
        "P50 ms",
        "P99 ms",
        "P99 generate ms",
        "P99 embed ms",
        "P99 documents ms",
        "errors",
        "peak threads",
        "CPU ms/req",
    ] {
        assert!(lines[0].contains(column), "{column}: {t}");
    }
    assert!(
        lines[1].starts_with("| ---") && lines[1].contains("-: |"),
        "{t}"
    );
    // shared-static: P50 = 500 · 4 ms, P99 = 990 · 4 ms.
    assert!(lines[2].starts_with("| shared-static "), "{t}");
    assert!(
        lines[2].contains(" 300 |") && lines[2].contains(" 2000.0 |"),
        "{t}"
    );
    assert!(
        lines[2].contains(" 3960.0 |") && lines[2].contains(" 0.250 |"),
        "{t}"
    );
    assert!(
        lines
            .iter()
            .all(|l| l.chars().count() == lines[0].chars().count())
    );
}

#[test]
fn missing_values_show_as_dashes() {
    let t = table(&[ConfigResult {
        name: "empty".into(),
        ..ConfigResult::default()
    }]);
    let row = t.lines().nth(2).unwrap();
    // P50, P99, the three endpoints' P99, peak threads and CPU.
    assert_eq!(row.split('|').filter(|c| c.trim() == "-").count(), 7, "{t}");
}

#[test]
fn ratios_compare_the_reference_with_each_other_row() {
    let r = ratios(&results()).unwrap();
    assert_eq!(
        r,
        "named-adaptive vs shared-static: 6.67× the req/s, 0.25× the P99\n\
         named-adaptive vs named-static: 1.11× the req/s, 1.00× the P99\n"
    );
    assert_eq!(ratios(&results()[..2]), None);
}

#[test]
fn batching_on_is_compared_with_batching_off_only() {
    let mut all = results();
    all.push(result(BATCHING_ON, 2500.0, 1));
    all.push(result(BATCHING_OFF, 1000.0, 2));
    assert_eq!(
        ratios(&all).unwrap(),
        "named-adaptive vs shared-static: 6.67× the req/s, 0.25× the P99\n\
         named-adaptive vs named-static: 1.11× the req/s, 1.00× the P99\n\
         batching-adaptive vs batching-off: 2.50× the req/s, 0.50× the P99\n"
    );
    assert_eq!(
        ratios(&all[3..]).unwrap(),
        "batching-adaptive vs batching-off: 2.50× the req/s, 0.50× the P99\n"
    );
    assert_eq!(ratios(&all[..2]), None);
}

#[test]
fn chart_draws_one_line_per_config() {
    let svg = chart(&params(), &results());
    assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
    assert!(svg.ends_with("</svg>"));
    for name in ["shared-static", "named-static", REFERENCE] {
        assert!(svg.contains(name), "{name}");
    }
    assert_eq!(svg.matches("<polyline").count(), 3);
}

#[test]
fn report_and_json_hold_everything() {
    let md = markdown_report(&params(), &results());
    assert!(md.starts_with("# Load over loopback"));
    assert!(md.contains("64 closed-loop connections for 10 s"));
    assert!(md.contains("| named-adaptive "));
    assert!(md.contains("named-adaptive vs shared-static"));
    let report = LoadReport {
        params: params(),
        results: results(),
        runs: results(),
        failures: vec![Failure {
            name: "broken".into(),
            error: "exited".into(),
        }],
    };
    let json: serde_json::Value = serde_json::to_value(&report).unwrap();
    assert_eq!(json["results"].as_array().unwrap().len(), 3);
    assert_eq!(json["results"][0]["endpoints"][0]["endpoint"], "generate");
    assert_eq!(json["results"][0]["latency"]["p99_ms"], 3960.0);
    assert_eq!(json["params"]["connections"], 64);
    assert_eq!(json["failures"][0]["name"], "broken");
}

#[test]
fn ranges_are_exact_and_medians_pick_the_middle_run() {
    assert_eq!(Range::of(vec![]), None);
    assert_eq!(
        Range::of(vec![3.0, f64::NAN, 1.0, 2.0]),
        Some(Range {
            median: 2.0,
            min: 1.0,
            max: 3.0
        })
    );
    // An even count takes the lower middle.
    assert_eq!(Range::of(vec![4.0, 1.0, 3.0, 2.0]).unwrap().median, 2.0);

    let entry = |name: &str| ConfigEntry {
        name: name.into(),
        path: format!("{name}.toml"),
        args: Vec::new(),
    };
    let mut runs = Vec::new();
    for (i, rps) in [300.0, 100.0, 200.0].into_iter().enumerate() {
        let mut r = result("a", rps, 1);
        r.repeat = i;
        r.latency.p99_ms = Some(rps / 10.0);
        runs.push(r);
    }
    runs.push(result("b", 50.0, 1));
    let medians = medians(&[entry("b"), entry("a"), entry("gone")], &runs);
    assert_eq!(medians.len(), 2, "a configuration with no run has no row");
    assert_eq!(medians[0].name, "b");
    let a = &medians[1];
    assert_eq!(
        (a.req_per_s, a.repeat),
        (200.0, 2),
        "the run of median req/s"
    );
    let spread = a.spread.as_ref().unwrap();
    assert_eq!(spread.runs, 3);
    assert_eq!(
        spread.req_per_s,
        Range {
            median: 200.0,
            min: 100.0,
            max: 300.0
        }
    );
    assert_eq!(
        spread.p99_ms,
        Range {
            median: 20.0,
            min: 10.0,
            max: 30.0
        }
    );
    let t = table(&medians);
    assert!(t.contains("req/s (min–max)"), "{t}");
    assert!(t.contains("200 (100–300)"), "{t}");
    assert!(t.contains("20.0 (10.0–30.0)"), "{t}");
}
