//! `betapool-bench soak`: plans the run, drives the load on the adaptive pool, then prints the
//! summary, writes `soak.json` and `soak.svg`, and fails naming every check that failed.

use std::fs;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use betapool_harness::{ADAPTIVE_DEFAULT_BOUNDS, AdaptiveExecutor, AdaptivePolicy, Executor};
use betapool_workloads::Calibration;

use super::SoakArgs;
use super::arrivals::SECONDS_PER_MINUTE;
use super::chart::chart;
use super::checks::{Outcome, checks};
use super::drive::drive;
use super::ledger::Ledger;
use super::memory::drift;
use super::plan::plan;
use super::render::render;
use super::report::{Config, LoadDescription, Report, Summary};
use super::tasks::{Kind, silence_planned_panics};
use super::window::{Window, WindowSummary, summarize};

/// The JSON file written into `--out`.
const JSON_FILE: &str = "soak.json";

/// The SVG file written into `--out`.
const SVG_FILE: &str = "soak.svg";

/// Runs the soak, prints its summary, writes `soak.json` and `soak.svg` into `--out`, and
/// fails naming every check that failed.
pub(crate) fn run(args: &SoakArgs) -> Result<()> {
    let began = Instant::now();
    let load = Duration::try_from_secs_f64(args.minutes * SECONDS_PER_MINUTE)
        .with_context(|| format!("--minutes {} is not a usable duration", args.minutes))?;
    fs::create_dir_all(&args.out)
        .with_context(|| format!("--out {}: cannot create the directory", args.out.display()))?;

    let calibration = Calibration::measure();
    let prepared = Kind::ALL.map(|k| k.spec().prepare(&calibration));
    let plan = plan(args.seed, load).context("planning the arrivals")?;
    let (min, max) = ADAPTIVE_DEFAULT_BOUNDS;
    eprintln!(
        "soak: {} tasks over {} min ({} cpu, {} mixed, {} io; {} planned panics), adaptive pool {min}-{max}",
        plan.tasks, args.minutes, plan.cpu, plan.mixed, plan.io, plan.panics
    );
    let ledger = Arc::new(Ledger::new(plan.tasks));
    silence_planned_panics();

    let exec = AdaptiveExecutor::new(AdaptivePolicy::Default, min, max)
        .context("building the adaptive pool")?;
    let ran = drive(args, load, &plan, &prepared, &ledger, &exec);
    exec.shutdown();
    let ran = ran?;

    let audit = ledger.audit();
    let load_s = load.as_secs_f64();
    let minutes = (load_s / SECONDS_PER_MINUTE).ceil() as usize;
    let windows: Vec<WindowSummary> = (1..=minutes)
        .map(Window::Minute)
        .chain([Window::AfterLoad])
        .map(|w| summarize(&ran.observed, w, load_s))
        .collect();
    let drift = drift(&windows, args.minutes);
    let samples = &ran.observed.samples;
    let summary = Summary {
        wall_s: 0.0,
        load_s,
        submitted: ran.submitted,
        audit,
        handles: ran.handles,
        drift,
        back_to_min: ran.back,
        resizes: ran.observed.tally.resizes,
        direction_changes: ran.observed.tally.direction_changes(),
        history_gaps: ran.observed.history_gaps,
        cpu_s: ran.cpu.map(|(cpu, _)| cpu),
        mean_cores: ran.cpu.map(|(cpu, over)| cpu / over),
        peak_pool_threads: samples.iter().map(|s| s.pool_threads_max).max(),
        peak_process_threads: samples.iter().filter_map(|s| s.process_threads).max(),
    };
    let checks = checks(&plan, &summary, min);
    let mut report = Report {
        config: Config {
            minutes: args.minutes,
            seed: args.seed,
            pool: "adaptive (default policy)",
            min_threads: min,
            max_threads: max,
            cores: thread::available_parallelism().map_or(1, |n| n.get()),
            calibration_iterations_per_us: calibration.iterations_per_us,
            load: LoadDescription::current(),
        },
        plan,
        summary,
        checks,
        windows,
        samples: ran.observed.samples,
    };
    report.summary.wall_s = began.elapsed().as_secs_f64();

    let json = args.out.join(JSON_FILE);
    let svg = args.out.join(SVG_FILE);
    fs::write(&json, serde_json::to_string_pretty(&report)?)
        .with_context(|| format!("writing {}", json.display()))?;
    fs::write(&svg, chart(&report)).with_context(|| format!("writing {}", svg.display()))?;
    print!("{}", render(&report));
    println!("wrote {} and {}", json.display(), svg.display());

    let failed: Vec<String> = report
        .checks
        .iter()
        .filter(|c| c.outcome == Outcome::Fail)
        .map(|c| format!("{}: {}", c.name, c.detail))
        .collect();
    if !failed.is_empty() {
        bail!(
            "soak failed {} check(s):\n  {}",
            failed.len(),
            failed.join("\n  ")
        );
    }
    Ok(())
}
