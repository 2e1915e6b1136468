//! Unit tests of the demo: a tiny run end to end, and the rendering of a hand-made report.

use super::{render, run};
use crate::cli::{DemoArgs, Sizes};

fn tiny() -> DemoArgs {
    DemoArgs {
        tasks: 20,
        sizes: Sizes(vec![1, 3]),
        sleep_ms: 0,
        spin_us: 1,
        json: false,
    }
}

#[test]
fn smoke_one_result_per_size() {
    let report = run(&tiny()).unwrap();
    assert_eq!(report.results.len(), 2);
    for (r, size) in report.results.iter().zip([1, 3]) {
        assert_eq!(r.pool, format!("static-{size}"));
        assert_eq!(r.threads, size);
        assert_eq!(r.tasks, 20);
        assert_eq!(r.metrics.total_tasks, 20);
        assert!(r.p50_latency_s.is_some() && r.end_to_end_p99_s.is_some());
    }
}

#[test]
fn render_has_header_rows_and_conclusion() {
    let text = render(&run(&tiny()).unwrap());
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("pool") && l.contains("e2e P99 ms"))
    );
    assert!(lines.iter().any(|l| l.starts_with("static-1 ")));
    assert!(lines.iter().any(|l| l.starts_with("static-3 ")));
    assert!(lines.last().unwrap().contains("adaptive pool"));
}
