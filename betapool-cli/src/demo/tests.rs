//! Unit tests of the demo: its constants, scaling, and the summary and chart drawn from
//! made-up reports.

use betapool_workloads::Workload;

use super::*;
use crate::output::tests::report;

fn results(name: &str, throughputs: &[(&str, f64)]) -> Results {
    Results {
        workload: Workload::named(name).unwrap().with_tasks(100),
        runs: throughputs
            .iter()
            .map(|&(pool, t)| report(pool, t))
            .collect(),
    }
}

#[test]
fn demo_pools_and_workloads_exist() {
    for spec in DEMO_POOLS {
        let (pool, _) = betapool_harness::split_cold(spec);
        assert!(
            betapool_harness::pool_from_spec(pool).is_ok_and(|p| {
                p.shutdown();
                true
            }),
            "{spec}"
        );
    }
    let names: Vec<String> = workloads(1.0)
        .unwrap()
        .into_iter()
        .map(|w| w.name)
        .collect();
    assert_eq!(names, ["io", "cpu", "mixed"]);
}

#[test]
fn scale_multiplies_task_counts_and_keeps_one() {
    let full: Vec<usize> = workloads(1.0)
        .unwrap()
        .iter()
        .map(Workload::total_tasks)
        .collect();
    let tiny: Vec<usize> = workloads(0.01)
        .unwrap()
        .iter()
        .map(Workload::total_tasks)
        .collect();
    for (f, t) in full.iter().zip(&tiny) {
        assert_eq!(*t, (*f as f64 / 100.0).round() as usize);
    }
    assert!(
        workloads(1e-9)
            .unwrap()
            .iter()
            .all(|w| w.total_tasks() == 1)
    );
}

#[test]
fn the_default_chart_goes_with_the_others() {
    assert!(DEFAULT_OUT.starts_with(crate::compare::OUT_DIR));
}

#[test]
fn static_sizes_come_from_pool_names() {
    assert_eq!(static_size("static:32"), Some(32));
    assert_eq!(static_size("adaptive"), None);
    assert_eq!(static_size("static:x"), None);
}

#[test]
fn summary_names_each_best_size_and_the_all_round_loss() {
    let all = [
        results("io", &[("static:2", 10.0), ("static:512", 100.0)]),
        results("cpu", &[("static:2", 100.0), ("static:512", 60.0)]),
    ];
    let text = summary(&all);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "The best static size differs per workload: 512 threads for io, 2 for cpu (the \
             fewest threads within 5% of each one's best).",
            "No one size fits all: the best all-round choice, 512 threads, reaches only 60% of \
             the best on cpu.",
        ]
    );
}

#[test]
fn summary_prefers_the_fewest_threads_that_are_close_to_the_best() {
    // Flat results, as `cpu` gives on a quiet machine: the top is chance, 2 threads are enough.
    let all = [
        results(
            "cpu",
            &[
                ("static:2", 97.0),
                ("static:8", 96.0),
                ("static:512", 100.0),
            ],
        ),
        results(
            "io",
            &[("static:2", 1.0), ("static:8", 4.0), ("static:512", 100.0)],
        ),
    ];
    let text = summary(&all);
    assert!(
        text.starts_with(
            "The best static size differs per workload: 2 threads for cpu, 512 for io"
        ),
        "{text}"
    );
}

#[test]
fn summary_says_so_when_one_size_wins_everywhere() {
    let all = [
        results("io", &[("static:2", 10.0), ("static:8", 100.0)]),
        results("cpu", &[("static:2", 90.0), ("static:8", 100.0)]),
    ];
    let text = summary(&all);
    assert!(
        text.starts_with("Here 8 threads were enough for every workload (within 5% of its best"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 1, "{text}");
}

#[test]
fn summary_of_nothing_is_empty() {
    assert_eq!(summary(&[]), "");
    assert_eq!(summary(&[results("io", &[("adaptive", 5.0)])]), "");
}

#[test]
fn chart_has_a_line_per_workload_and_a_point_per_other_pool() {
    let all = [
        results(
            "io",
            &[("static:2", 10.0), ("static:8", 100.0), ("adaptive", 90.0)],
        ),
        results("cpu", &[("static:2", 100.0), ("static:8", 90.0)]),
    ];
    let svg = chart(&all);
    assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    assert!(svg.contains(">io</text>"), "{svg}");
    assert!(svg.contains(">cpu</text>"), "{svg}");
    assert!(svg.contains("adaptive on io"), "{svg}");
    assert_eq!(svg.matches("<polyline").count(), 2);
}

#[test]
fn summary_reads_each_cold_pool_against_its_warm_twin() {
    let all = [
        results(
            "io",
            &[
                ("static:8", 100.0),
                ("static:512", 200.0),
                ("cold:static:512", 150.0),
            ],
        ),
        results("cpu", &[("static:8", 100.0), ("cold:static:512", 99.0)]),
        results("mixed", &[("static:512", 100.0), ("cold:static:512", 97.0)]),
    ];
    let text = summary(&all);
    let last = text.lines().last().unwrap_or_default();
    assert!(
        last.starts_with(
            "Built inside the run (cold), static:512 reached 75% on io, 97% on mixed of its \
             throughput when built before (warm)"
        ),
        "{text}"
    );
    // Without a cold pool the line is absent.
    let warm_only = [results("io", &[("static:8", 100.0), ("static:512", 200.0)])];
    assert!(
        !summary(&warm_only).contains("cold"),
        "{}",
        summary(&warm_only)
    );
}
