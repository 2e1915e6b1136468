//! `betapool demo`: one sleep-then-spin workload on static pools of several sizes, compared.

use std::io::{IsTerminal, Write};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};
use betapool_metrics::Percentiles;
use betapool_static::{ExecutorMetrics, StaticThreadPoolExecutor};
use serde::Serialize;

use crate::cli::DemoArgs;
use crate::spin;
use crate::table::{Align, Table};

/// The thread-name prefix of the demo's pools: `demo-4095` still fits the kernel's 15 bytes.
const POOL_NAME: &str = "demo";

/// What one demo run did, as printed by `--json`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Report {
    /// Tasks run on each pool.
    pub(crate) tasks: usize,
    /// Each task's sleep, in milliseconds.
    pub(crate) sleep_ms: u64,
    /// Each task's CPU work, in microseconds (as calibrated on this machine before the run).
    pub(crate) spin_us: u64,
    /// The busy-loop iterations that stand for `spin_us`.
    pub(crate) spin_iterations: u64,
    /// Cores this process may use.
    pub(crate) cores: usize,
    /// One entry per pool size, in the order given.
    pub(crate) results: Vec<PoolResult>,
}

/// One pool's run.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct PoolResult {
    /// The pool's label, `static-<size>`.
    pub(crate) pool: String,
    /// Worker threads alive at the end of the run (the pool's fixed size).
    pub(crate) threads: usize,
    /// Tasks run.
    pub(crate) tasks: usize,
    /// From the first submission to the last result, in seconds.
    pub(crate) wall_s: f64,
    /// `tasks / wall_s`.
    pub(crate) throughput: f64,
    /// Median time a task ran, from the executor's metrics, in seconds.
    pub(crate) p50_latency_s: Option<f64>,
    /// 99th percentile of the time a task ran, from the executor's metrics, in seconds.
    pub(crate) p99_latency_s: Option<f64>,
    /// 99th percentile from submission to the task's end, queueing included, in seconds.
    pub(crate) end_to_end_p99_s: Option<f64>,
    /// The executor's full snapshot at the end of the run.
    pub(crate) metrics: ExecutorMetrics,
}

/// Runs the demo and prints the table (or JSON) on stdout.
pub(crate) fn main(args: &DemoArgs) -> anyhow::Result<()> {
    let report = run(args)?;
    let text = if args.json {
        let mut json = serde_json::to_string_pretty(&report).context("encoding the JSON report")?;
        json.push('\n');
        json
    } else {
        render(&report)
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .context("writing the report to stdout")
}

/// Runs every pool size in turn and gathers the results.
pub(crate) fn run(args: &DemoArgs) -> anyhow::Result<Report> {
    let progress = Progress::new(args.sizes.0.len());
    progress.show(0, "calibrating the CPU spin");
    let workload = Workload {
        sleep: Duration::from_millis(args.sleep_ms),
        spin_iterations: spin::iterations_for(Duration::from_micros(args.spin_us)),
    };
    let mut results = Vec::with_capacity(args.sizes.0.len());
    for (i, &size) in args.sizes.0.iter().enumerate() {
        progress.show(i, &format!("running static-{size}"));
        results.push(run_pool(size, args.tasks, workload)?);
    }
    progress.clear();
    Ok(Report {
        tasks: args.tasks,
        sleep_ms: args.sleep_ms,
        spin_us: args.spin_us,
        spin_iterations: workload.spin_iterations,
        cores: betapool_core::available_cores(),
        results,
    })
}

/// What each task does: sleep (an I/O stand-in), then a fixed amount of CPU work.
#[derive(Debug, Clone, Copy)]
struct Workload {
    sleep: Duration,
    spin_iterations: u64,
}

impl Workload {
    fn run(self) {
        if !self.sleep.is_zero() {
            thread::sleep(self.sleep);
        }
        std::hint::black_box(spin::spin(self.spin_iterations));
    }
}

/// Runs `tasks` tasks on a fresh static pool of `size` threads.
fn run_pool(size: usize, tasks: usize, workload: Workload) -> anyhow::Result<PoolResult> {
    // A window as large as the run makes the executor's percentiles cover every task, not just
    // the last hundred.
    let executor = StaticThreadPoolExecutor::builder(size)
        .name(POOL_NAME)
        .window_size(tasks)
        .max_history(tasks)
        .build()
        .with_context(|| format!("starting a static pool of {size} threads"))?;
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let submitted = Instant::now();
            executor.submit(move || {
                workload.run();
                submitted.elapsed()
            })
        })
        .collect();
    let mut end_to_end = Vec::with_capacity(tasks);
    for handle in handles {
        let latency = handle
            .join()
            .map_err(|e| anyhow!("a demo task on static-{size} failed: {e}"))?;
        end_to_end.push(latency);
    }
    let wall = start.elapsed();
    let metrics = executor.metrics();
    executor.shutdown();
    let seconds = |d: Duration| d.as_secs_f64();
    Ok(PoolResult {
        pool: format!("static-{size}"),
        threads: metrics.current_threads,
        tasks,
        wall_s: wall.as_secs_f64(),
        throughput: tasks as f64 / wall.as_secs_f64().max(f64::MIN_POSITIVE),
        p50_latency_s: metrics.p50_latency.map(seconds),
        p99_latency_s: metrics.p99_latency.map(seconds),
        end_to_end_p99_s: Percentiles::from_unsorted(end_to_end).map(|p| seconds(p.p99)),
        metrics,
    })
}

/// The report as the text people read: the workload, the table, and what it shows.
pub(crate) fn render(report: &Report) -> String {
    let mut table = Table::new(&[
        ("pool", Align::Left),
        ("threads", Align::Right),
        ("tasks", Align::Right),
        ("wall s", Align::Right),
        ("tasks/s", Align::Right),
        ("P50 ms", Align::Right),
        ("P99 ms", Align::Right),
        ("e2e P99 ms", Align::Right),
    ]);
    let ms = |s: Option<f64>| s.map_or_else(|| "-".to_owned(), |s| format!("{:.2}", s * 1e3));
    for r in &report.results {
        table.push(vec![
            r.pool.clone(),
            r.threads.to_string(),
            r.tasks.to_string(),
            format!("{:.3}", r.wall_s),
            format!("{:.0}", r.throughput),
            ms(r.p50_latency_s),
            ms(r.p99_latency_s),
            ms(r.end_to_end_p99_s),
        ]);
    }
    let mut out = format!(
        "{} tasks per pool, each a {} ms sleep (I/O stand-in) then {} µs of CPU work, on {} core(s).\n\n",
        report.tasks, report.sleep_ms, report.spin_us, report.cores
    );
    out.push_str(&table.render());
    out.push_str(
        "\nP50/P99: how long a task ran (executor metrics); e2e P99: from submit to done, \
         queueing included.\n",
    );
    out.push_str(&conclusion(report));
    out.push('\n');
    out
}

/// The one line that says what the table shows.
fn conclusion(report: &Report) -> String {
    let best = report
        .results
        .iter()
        .max_by(|a, b| a.throughput.total_cmp(&b.throughput));
    match best {
        Some(best) => format!(
            "Fastest here: {} threads ({:.0} tasks/s). The best static size depends on the \
             workload; betapool's adaptive pool, coming next, finds it by itself.",
            best.threads, best.throughput
        ),
        None => "No pool ran.".to_owned(),
    }
}

/// A one-line progress note on stderr, shown only when stderr is a terminal so that logs and
/// pipes get clean output.
#[derive(Debug)]
struct Progress {
    total: usize,
    enabled: bool,
}

impl Progress {
    fn new(total: usize) -> Progress {
        Progress {
            total,
            enabled: std::io::stderr().is_terminal(),
        }
    }

    fn show(&self, done: usize, what: &str) {
        if self.enabled {
            // `\r` then "erase to end of line" redraws the note in place.
            eprint!("\r\x1b[K[{done}/{}] {what}", self.total);
        }
    }

    fn clear(&self) {
        if self.enabled {
            eprint!("\r\x1b[K");
        }
    }
}

#[cfg(test)]
mod tests;
