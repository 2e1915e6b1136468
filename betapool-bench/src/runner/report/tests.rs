//! Tests of the bench report: the median and spread of repeated runs, the cold oracle, the cost
//! per task and the table per burst, on constructed run reports.

use betapool_harness::{PhaseReport, RunReport};

use super::{Aggregate, Meta, Stat, aggregate, by_workload, summary};

#[test]
fn stat_median_min_max() {
    let s = Stat::of([3.0, 1.0, 2.0]);
    assert_eq!((s.median, s.min, s.max), (2.0, 1.0, 3.0));
    let s = Stat::of([4.0, 1.0, 2.0, 3.0]);
    assert_eq!(s.median, 2.5);
    assert!(Stat::of([]).median.is_nan());
}

/// A run of `pool` on `workload` at `throughput` tasks/s, with one phase per entry of
/// `phases` (tasks/s of each).
fn report(workload: &str, pool: &str, throughput: f64, phases: &[f64]) -> RunReport {
    RunReport {
        pool: pool.into(),
        workload: workload.into(),
        tasks: 1000,
        completed: 1000,
        skipped: 0,
        capped: false,
        elapsed_s: 1000.0 / throughput,
        throughput,
        p50_latency_s: 0.001,
        p99_latency_s: 0.002,
        peak_threads: 4,
        cpu_seconds: 0.5,
        timeline: Vec::new(),
        phases: phases
            .iter()
            .enumerate()
            .map(|(i, &t)| PhaseReport {
                name: format!("burst {}", i + 1),
                tasks: 200,
                elapsed_s: 200.0 / t,
                throughput: t,
            })
            .collect(),
    }
}

fn find<'a>(aggregates: &'a [Aggregate], workload: &str, pool: &str) -> &'a Aggregate {
    aggregates
        .iter()
        .find(|a| a.workload == workload && a.pool == pool)
        .unwrap()
}

#[test]
fn ns_per_task_is_the_inverse_of_each_runs_throughput() {
    let runs = [
        report("tiny-noop", "static:2", 2e6, &[2e6]),
        report("tiny-noop", "static:2", 4e6, &[4e6]),
        report("tiny-noop", "static:2", 1e6, &[1e6]),
    ];
    let aggregates = aggregate(&runs);
    let a = find(&aggregates, "tiny-noop", "static:2");
    assert_eq!(
        (a.ns_per_task.median, a.ns_per_task.min, a.ns_per_task.max),
        (500.0, 250.0, 1000.0)
    );
    let text = summary(&Meta::default(), &aggregates);
    assert!(text.contains("| ns/task (min–max) |"), "{text}");
    assert!(text.contains("| 500 (250–1000) |"), "{text}");
}

#[test]
fn cold_rows_are_an_oracle_of_their_own() {
    let runs = [
        report("io-burst", "static:4", 100.0, &[100.0]),
        report("io-burst", "static:8", 200.0, &[200.0]),
        report("io-burst", "cold:static:4", 80.0, &[80.0]),
        report("io-burst", "cold:static:8", 150.0, &[150.0]),
        report("io-burst", "adaptive", 120.0, &[120.0]),
        report("cpu", "static:2", 100.0, &[100.0]),
        report("cpu", "adaptive", 90.0, &[90.0]),
    ];
    let aggregates = aggregate(&runs);
    let cold = find(&aggregates, "io-burst", "cold:static:8");
    assert_eq!((cold.static_size, cold.cold_static_size), (None, Some(8)));
    assert_eq!(cold.fraction_of_best_static, Some(0.75));
    let adaptive = find(&aggregates, "io-burst", "adaptive");
    assert_eq!(adaptive.fraction_of_best_static, Some(0.6));
    assert_eq!(adaptive.fraction_of_best_cold, Some(0.8));
    assert_eq!(
        find(&aggregates, "cpu", "adaptive").fraction_of_best_cold,
        None
    );

    let text = summary(&Meta::default(), &aggregates);
    // The overview: cold static rows are oracles, not pools under test.
    assert!(text.contains("| workload | best static N | its tasks/s | best cold static N | its tasks/s | adaptive |"), "{text}");
    assert!(
        text.contains("| io-burst | 8 | 200 | 8 | 150 | 60 % / 80 % |"),
        "{text}"
    );
    assert!(text.contains("| cpu | 2 | 100 | – | – | 90 % |"), "{text}");
    assert!(text.contains("Best cold static size (the pool built inside the measured window): N = 8 at 150 tasks/s, 75 % of the best warm one"), "{text}");
    // Warm sizes, then cold ones, then the pools under test.
    let order: Vec<&str> = by_workload(&aggregates)[0]
        .1
        .iter()
        .map(|a| a.pool.as_str())
        .collect();
    assert_eq!(
        order,
        [
            "static:4",
            "static:8",
            "cold:static:4",
            "cold:static:8",
            "adaptive"
        ]
    );
}

#[test]
fn recurring_gets_a_table_per_burst_with_verdicts_from_the_numbers() {
    let warm = [100.0, 100.0, 100.0, 100.0, 100.0];
    let cold = [50.0, 100.0, 100.0, 100.0, 100.0];
    // Burst 1: 96 % of the cold 50; bursts 2 and 3 follow short gaps, judged against the warm
    // 100; burst 4 follows 3 s, judged against the cold 50; burst 5 the warm 100 again.
    let adaptive = [48.0, 96.0, 90.0, 40.0, 99.0];
    let runs = [
        report("recurring", "static:64", 100.0, &warm),
        report("recurring", "static:8", 60.0, &[60.0; 5]),
        report("recurring", "cold:static:64", 90.0, &cold),
        report("recurring", "adaptive", 70.0, &adaptive),
        report("recurring", "tokio", 70.0, &[70.0; 5]),
    ];
    let text = summary(&Meta::default(), &aggregate(&runs));
    assert!(text.contains("### recurring, burst by burst"), "{text}");
    assert!(
        text.contains("The cold reference of the `adaptive` rows is the best cold static of the first burst (N = 64), at 50 tasks/s."),
        "{text}"
    );
    assert!(
        text.contains("| pool | burst 1 (first) | burst 2 (after 0.2 s) | burst 3 (after 1 s) | burst 4 (after 3 s) | burst 5 (after 0.2 s) |"),
        "{text}"
    );
    assert!(
        text.contains("| best warm static | 100 (100–100), N = 64 |"),
        "{text}"
    );
    assert!(
        text.contains("| best cold static | 50 (50–50), N = 64 | 100 (100–100), N = 64 |"),
        "{text}"
    );
    assert!(text.contains("| tokio | 70 (70–70) |"), "{text}");
    assert!(
        text.contains("| adaptive ÷ best warm | 48 % | 96 % | 90 % | 40 % | 99 % |"),
        "{text}"
    );
    assert!(
        text.contains("| adaptive ÷ cold reference | 96 % | 192 % |"),
        "{text}"
    );
    let verdicts: Vec<&str> = text.lines().filter(|l| l.starts_with("- burst")).collect();
    assert_eq!(verdicts.len(), 5, "{text}");
    let ends: Vec<&str> = verdicts
        .iter()
        .map(|l| l.rsplit(' ').next().unwrap())
        .collect();
    assert_eq!(ends, ["met", "met", "MISSED", "MISSED", "met"]);
    assert!(
        verdicts[0]
            .contains("= 96 % of the best cold static of the first burst (N = 64) (50 tasks/s)"),
        "{}",
        verdicts[0]
    );
    assert!(
        verdicts[2].contains("the best warm static of this burst (N = 64)"),
        "{}",
        verdicts[2]
    );
    assert!(
        verdicts[3].contains("= 80 % of the best cold static"),
        "{}",
        verdicts[3]
    );
    // Workloads without pauses get no such table.
    assert_eq!(text.matches(", burst by burst").count(), 1);
}

#[test]
fn without_cold_rows_of_its_own_a_first_burst_is_judged_against_cold_io_burst() {
    let runs = [
        report("io-burst", "cold:static:32", 50.0, &[50.0]),
        report("recurring", "static:64", 100.0, &[100.0; 5]),
        report(
            "recurring",
            "adaptive",
            70.0,
            &[40.0, 100.0, 100.0, 100.0, 100.0],
        ),
    ];
    let text = summary(&Meta::default(), &aggregate(&runs));
    let first = text.lines().find(|l| l.starts_with("- burst 1")).unwrap();
    assert!(
        first.contains("= 80 % of the best cold static row of `io-burst` (N = 32) (50 tasks/s)"),
        "{first}"
    );
    assert!(first.ends_with("MISSED"), "{first}");
}

#[test]
fn without_references_nothing_is_judged() {
    let runs = [report("recurring", "adaptive", 70.0, &[70.0; 5])];
    let text = summary(&Meta::default(), &aggregate(&runs));
    let verdicts: Vec<&str> = text.lines().filter(|l| l.starts_with("- burst")).collect();
    assert_eq!(verdicts.len(), 5, "{text}");
    assert!(
        verdicts
            .iter()
            .all(|l| l.ends_with("not judged: no reference rows")),
        "{text}"
    );
}
