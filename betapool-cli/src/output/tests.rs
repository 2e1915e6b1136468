//! Unit tests of the text output: run summaries, comparison tables and workload descriptions,
//! on made-up reports.

use betapool_harness::{PhaseReport, RunReport};
use betapool_workloads::Workload;

use super::*;

/// A report of `pool` at `throughput` tasks/s, with round numbers elsewhere.
pub(crate) fn report(pool: &str, throughput: f64) -> RunReport {
    RunReport {
        pool: pool.to_owned(),
        workload: "io".to_owned(),
        tasks: 100,
        completed: 100,
        skipped: 0,
        capped: false,
        elapsed_s: 100.0 / throughput,
        throughput,
        p50_latency_s: 0.001,
        p99_latency_s: 0.0025,
        peak_threads: 4,
        cpu_seconds: 0.5,
        timeline: Vec::new(),
        phases: Vec::new(),
    }
}

#[test]
fn run_summary_has_the_seed_style_lines() {
    let workload = Workload::named("io").unwrap().with_tasks(100);
    let text = run_summary(&workload, &report("static:4", 2000.0));
    for line in [
        "Pool: static:4",
        "Workload: io (100 tasks, each a 1 ms sleep)",
        "Tasks: 100",
        "Completed: 100",
        "Skipped: 0",
        "Elapsed: 0.050 s",
        "Throughput: 2000.0 tasks/sec",
        "P50 latency: 1.00 ms",
        "P99 latency: 2.50 ms",
        "Peak threads: 4",
        "CPU seconds: 0.50",
    ] {
        assert!(text.lines().any(|l| l == line), "no {line:?} in\n{text}");
    }
    assert!(!text.contains("Phase"), "one phase is not listed:\n{text}");
}

#[test]
fn run_summary_lists_several_phases() {
    let workload = Workload::named("phases").unwrap().with_tasks(300);
    let mut r = report("static:4", 2000.0);
    r.workload = "phases".to_owned();
    r.phases = ["io", "cpu", "io"]
        .iter()
        .map(|name| PhaseReport {
            name: (*name).to_owned(),
            tasks: 100,
            elapsed_s: 0.5,
            throughput: 200.0,
        })
        .collect();
    let text = run_summary(&workload, &r);
    assert!(
        text.contains("Phase 2 (cpu): 100 tasks in 0.500 s, 200.0 tasks/sec"),
        "{text}"
    );
    assert!(text.contains("Workload: phases (phases: 100 × a 1 ms sleep, then 100 × 100 µs of CPU, then 100 × a 1 ms sleep)"), "{text}");
}

#[test]
fn table_compares_each_run_with_the_best_static_one() {
    let (slow, fast, other) = (
        report("static:1", 500.0),
        report("static:8", 2000.0),
        report("adaptive", 1500.0),
    );
    let rows = [
        Row {
            size: Some(1),
            report: &slow,
        },
        Row {
            size: Some(8),
            report: &fast,
        },
        Row {
            size: None,
            report: &other,
        },
    ];
    assert_eq!(best_static(&rows).map(|r| r.size), Some(Some(8)));
    let text = comparison_table(&rows);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("pool") && lines[0].contains("× best static"));
    let cells = |i: usize| lines[i].split_whitespace().collect::<Vec<_>>();
    assert_eq!(
        cells(2),
        ["static:1", "1", "500", "0.25×", "1.00", "2.50", "4", "0.50"]
    );
    assert_eq!(cells(3)[3], "1.00×");
    assert_eq!(cells(4)[..4], ["adaptive", "-", "1500", "0.75×"]);
}

#[test]
fn capped_runs_get_a_note() {
    let mut r = report("static:1", 10.0);
    r.capped = true;
    r.skipped = 60;
    r.completed = 40;
    let text = capped_notes(&[r, report("static:2", 20.0)]);
    assert_eq!(text.lines().count(), 1);
    assert!(
        text.starts_with("static:1 hit the time cap: 60 of 100 tasks"),
        "{text}"
    );
}

#[test]
fn descriptions_name_task_and_arrivals() {
    let mixed = Workload::named("mixed").unwrap().with_tasks(10);
    assert_eq!(
        describe(&mixed),
        "10 tasks, each a 100 µs sleep then 50 µs of CPU"
    );
    let mut io = Workload::named("io").unwrap().with_tasks(10);
    io.arrival = Some("poisson:200".parse().unwrap());
    assert_eq!(
        describe(&io),
        "10 tasks, each a 1 ms sleep, arriving poisson:200"
    );
    let rag = Workload::named("rag").unwrap().with_tasks(10);
    assert_eq!(describe(&rag), "10 tasks, each a rag task");
}

#[test]
fn charts_are_written_into_new_directories() {
    let dir = std::env::temp_dir().join(format!("betapool-output-unit-{}", std::process::id()));
    let path = dir.join("nested").join("c.svg");
    write_chart(&path, "<svg/>").unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), "<svg/>");
    let _ = fs::remove_dir_all(dir);
}
