//! The built `betapool` binary, run as a user would: a tiny demo as a table and as JSON, and bad
//! flags rejected with one line naming the flag. Nothing here depends on timing.

use std::process::{Command, Output};

/// A demo small enough to take a fraction of a second.
const TINY: &[&str] = &[
    "demo",
    "--tasks",
    "50",
    "--sizes",
    "1,4",
    "--sleep-ms",
    "1",
    "--spin-us",
    "10",
];

fn betapool(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_betapool"))
        .args(args)
        .output()
        .expect("the betapool binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("output is UTF-8")
}

#[test]
fn smoke_demo_prints_a_table() {
    let out = betapool(TINY);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "stderr: {stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    let header = lines
        .iter()
        .find(|l| l.starts_with("pool"))
        .unwrap_or_else(|| panic!("no table header in:\n{stdout}"));
    for column in [
        "threads",
        "tasks",
        "wall s",
        "tasks/s",
        "P50 ms",
        "P99 ms",
        "e2e P99 ms",
    ] {
        assert!(header.contains(column), "missing column {column}: {header}");
    }
    for (pool, threads) in [("static-1", "1"), ("static-4", "4")] {
        let row = lines
            .iter()
            .find(|l| l.starts_with(pool))
            .unwrap_or_else(|| panic!("no row for {pool} in:\n{stdout}"));
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cells.len(), 8, "{row}");
        assert_eq!((cells[1], cells[2]), (threads, "50"), "{row}");
    }
    assert!(stdout.contains("adaptive pool"), "{stdout}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn demo_json_has_one_entry_per_size() {
    let mut args = TINY.to_vec();
    args.push("--json");
    let out = betapool(&args);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let results = json["results"].as_array().expect("a results array");
    assert_eq!(results.len(), 2);
    for (entry, size) in results.iter().zip([1, 4]) {
        assert_eq!(entry["pool"], format!("static-{size}"));
        assert_eq!(entry["threads"], size);
        assert_eq!(entry["tasks"], 50);
        assert_eq!(entry["metrics"]["total_tasks"], 50);
        assert!(entry["throughput"].as_f64().unwrap() > 0.0);
        assert!(entry["p99_latency_s"].is_f64());
        assert!(entry["end_to_end_p99_s"].is_f64());
    }
    assert_eq!(json["tasks"], 50);
}

#[test]
fn bad_flags_exit_non_zero_naming_the_flag() {
    for (args, flag) in [
        (&["demo", "--tasks", "0"][..], "--tasks"),
        (&["demo", "--tasks", "100001"], "--tasks"),
        (&["demo", "--sizes", "0"], "--sizes"),
        (&["demo", "--sizes", "x"], "--sizes"),
        (&["demo", "--sizes", ""], "--sizes"),
        (&["demo", "--sizes", "8,4097"], "--sizes"),
        (&["demo", "--spin-us", "-1"], "--spin-us"),
        (&["demo", "--bogus"], "--bogus"),
    ] {
        let out = betapool(args);
        let stderr = text(&out.stderr);
        assert!(!out.status.success(), "{args:?} was accepted");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
        assert_eq!(
            stderr.lines().count(),
            1,
            "{args:?}: one line, got {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
    }
}

#[test]
fn help_and_version_succeed() {
    let out = betapool(&["demo", "--help"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("--sizes"));
    let out = betapool(&["--version"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).starts_with("betapool "));
}
