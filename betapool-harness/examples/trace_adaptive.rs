//! Runs one named workload on the adaptive pool and prints what the controller saw and decided
//! at every tick (holds included) for the first `TICKS` ticks, then the run's figures: the
//! tool for seeing why the controller chose the sizes it did.
//!
//! ```text
//! cargo run --release -p betapool-harness --example trace_adaptive -- io
//! cargo run --release -p betapool-harness --example trace_adaptive -- mixed seed
//! ```

use std::error::Error;
use std::sync::{Arc, Mutex, PoisonError};

use betapool_adaptive::AdaptiveThreadPoolExecutor;
use betapool_core::controller::{Decision, DecisionPolicy, DefaultPolicy, Observation, SeedPolicy};
use betapool_harness::{Executor, Job, RunOptions, run};
use betapool_workloads::{Calibration, Workload};

/// Ticks printed; the rest are counted only.
const TICKS: usize = 400;

/// The pool's minimum size (the benchmark's).
const MIN: usize = 4;

/// Wraps a policy and keeps one line per tick.
#[derive(Debug)]
struct Traced<P> {
    inner: P,
    lines: Arc<Mutex<Vec<String>>>,
}

impl<P: DecisionPolicy> DecisionPolicy for Traced<P> {
    fn decide(&mut self, obs: &Observation) -> Decision {
        let d = self.inner.decide(obs);
        let f = |x: Option<f64>| x.map_or("-".to_owned(), |v| format!("{v:.2}"));
        let mut lines = self.lines.lock().unwrap_or_else(PoisonError::into_inner);
        if lines.len() < TICKS {
            lines.push(format!(
                "{:.1},{},{},{},{},{},{},{},{},{}",
                obs.now.as_secs_f64() * 1e3,
                obs.current_threads,
                obs.target,
                obs.busy_workers,
                obs.queued,
                f(obs.beta_true()),
                f(obs.contention()),
                f(obs.process_cpu_cores),
                d.action,
                d.reason
            ));
        }
        d
    }

    fn name(&self) -> &str {
        self.inner.name()
    }
}

#[derive(Debug)]
struct Pool(AdaptiveThreadPoolExecutor);

impl Executor for Pool {
    fn name(&self) -> String {
        "adaptive".into()
    }
    fn execute(&self, job: Job) {
        if let Err(refused) = self.0.execute(job) {
            (refused.into_inner())();
        }
    }
    fn shutdown(&self) {
        self.0.shutdown();
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "io".to_owned());
    let lines = Arc::new(Mutex::new(Vec::new()));
    let builder = AdaptiveThreadPoolExecutor::builder(MIN, 512);
    let builder = match args.next().as_deref() {
        None | Some("default") => builder.policy(Traced {
            inner: DefaultPolicy::new(),
            lines: lines.clone(),
        }),
        Some("seed") => builder.policy(Traced {
            inner: SeedPolicy::default(),
            lines: lines.clone(),
        }),
        Some(other) => return Err(format!("unknown policy `{other}`: default or seed").into()),
    };
    let workload = Workload::named(&name)?;
    let cal = Calibration::measure();
    let pool = Pool(builder.build()?);
    let report = run(&pool, &workload, &cal, &RunOptions::default())?;
    let controller_cpu = thread_cpu_seconds("-ctl");
    // The run ends when the last task is done: from there, time the pool's way back to min.
    let idle_since = std::time::Instant::now();
    let back_to_min = loop {
        let threads = pool.0.current_thread_count();
        if threads <= MIN || idle_since.elapsed() > std::time::Duration::from_secs(10) {
            break (threads, idle_since.elapsed());
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    };
    pool.shutdown();
    println!("t_ms,live,target,busy,queued,beta_true,contention,cpu_cores,action,reason");
    for line in lines.lock().unwrap_or_else(PoisonError::into_inner).iter() {
        println!("{line}");
    }
    println!(
        "{}: {:.0} tasks/s, {:.3} s, P50 {:.1} ms, peak {} threads, CPU {:.2} s",
        workload.name,
        report.throughput,
        report.elapsed_s,
        report.p50_latency_s * 1e3,
        report.peak_threads,
        report.cpu_seconds
    );
    println!("controller thread CPU: {controller_cpu:.3} s");
    println!(
        "after the load: {} threads {:.0} ms after the last task (min {MIN})",
        back_to_min.0,
        back_to_min.1.as_secs_f64() * 1e3
    );
    Ok(())
}

/// CPU seconds (user + system) of this process's threads whose name ends with `suffix`, from
/// `/proc/self/task/*/stat` (clock ticks of 10 ms).
fn thread_cpu_seconds(suffix: &str) -> f64 {
    let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
        return f64::NAN;
    };
    let mut ticks = 0u64;
    for entry in dir.flatten() {
        let comm = std::fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
        if !comm.trim_end().ends_with(suffix) {
            continue;
        }
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the name.
        for i in [11, 12] {
            ticks += fields
                .get(i)
                .and_then(|f| f.parse::<u64>().ok())
                .unwrap_or(0);
        }
    }
    ticks as f64 / 100.0
}
