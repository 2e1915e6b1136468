//! `run`: drives one workload through one executor and measures it.

use std::hint::black_box;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use betapool_metrics::percentile;
use betapool_workloads::{ArrivalProcess, Calibration, PreparedTask, SplitMix64, Workload};

use crate::error::HarnessError;
use crate::executor::{Executor, Job};
use crate::options::RunOptions;
use crate::procfs;
use crate::report::{PhaseReport, RunReport};
use crate::sampler::{Sampler, SamplerConfig};
use crate::tracker::{Outcome, Ticket, Tracker};

/// The most tasks one run may have. Each task has an 8-byte latency slot, so this caps them at
/// 400 MB; the largest benchmark workload has 200 000 tasks.
pub const MAX_TASKS: usize = 50_000_000;

/// Mixed into the run's seed to seed the arrival processes, so that their draws are not the
/// same streams as the tasks' (which use `seed ^ index`).
const ARRIVAL_SEED_SALT: u64 = 0xA5A5_0000_A77B_1A15;

/// The median.
const Q50: f64 = 0.50;
/// The 99th percentile.
const Q99: f64 = 0.99;

/// Runs `workload` on `exec` and reports throughput, latency, threads and CPU time.
///
/// - Phases run one after another: a phase's tasks are submitted only when the previous
///   phase's have all ended, so the work changes over time. A phase with a
///   [`pause`](betapool_workloads::Phase::pause) is submitted that long after the previous
///   phase ended (the first phase: after the run started). Nothing is submitted during a
///   pause, but the sampler keeps sampling, so the timeline shows what the pool does at rest.
/// - Without an arrival process, a phase's tasks are submitted from the calling thread as fast
///   as possible. With one, the caller follows an absolute schedule measured from the phase's
///   start (next = previous + gap, sleeping until then, so lateness does not accumulate).
/// - Task `i` (counted over the whole workload) runs `PreparedTask::run(seed ^ i)`, unless the
///   time cap has passed when it starts: then it skips its work and counts as skipped. Once the
///   cap has passed, the caller also stops waiting for arrivals, so a capped run ends soon.
/// - Latency is from submission to the end of the task; throughput is completed tasks over the
///   elapsed time: from the first submission to the last task's end, less the pauses slept
///   between phases, plus [`RunOptions::setup`] (time spent before the run that belongs to
///   the measurement, such as building the pool). Each phase's elapsed time runs from its own
///   first submission to its last task's end (the first phase's also counts `setup`). P50/P99
///   are nearest-rank over the completed tasks.
/// - The time cap counts working time: it is pushed back by every pause slept. Once it has
///   passed, pauses are skipped like arrivals.
/// - A sampler thread records the thread count every `sample_interval` (see
///   [`TimelinePoint`](crate::TimelinePoint) for what is subtracted) and calls `progress`.
/// - `cpu_seconds` is the process's CPU time over the run.
///
/// The executor is built and shut down by the caller; `run` never shuts it down, so one pool
/// can serve several runs. The calling thread blocks until the last task has ended (an
/// executor that neither runs nor drops a job would block it forever).
///
/// Bad input (an invalid or empty workload, an unusable calibration, a zero sample interval)
/// is an error, never a panic.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_harness::{Executor, RunOptions, StaticExecutor, run};
/// use betapool_workloads::{Calibration, Phase, TaskSpec, Workload};
///
/// let workload = Workload {
///     name: "tiny".into(),
///     phases: vec![
///         Phase::new("io", TaskSpec::Io { sleep: Duration::from_millis(1) }, 20),
///         Phase::new("cpu", TaskSpec::Cpu { work: Duration::from_micros(20) }, 20)
///             .with_pause(Duration::from_millis(10)),
///     ],
///     arrival: None,
/// };
/// let pool = StaticExecutor::new(4)?;
/// let report = run(&pool, &workload, &Calibration::fixed(100.0)?, &RunOptions::default())?;
/// pool.shutdown();
///
/// assert_eq!(report.completed, 40);
/// assert_eq!(report.phases.len(), 2);
/// assert_eq!(report.phases[1].name, "cpu");
/// assert!(!report.timeline.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run(
    exec: &dyn Executor,
    workload: &Workload,
    cal: &Calibration,
    opts: &RunOptions,
) -> Result<RunReport, HarnessError> {
    workload.validate().map_err(HarnessError::workload)?;
    let total = workload.total_tasks();
    if total == 0 {
        return Err(HarnessError::empty_workload(&workload.name));
    }
    if total > MAX_TASKS {
        return Err(HarnessError::option(
            "total tasks",
            format!("at most {MAX_TASKS}"),
            total,
        ));
    }
    Calibration::fixed(cal.iterations_per_us).map_err(HarnessError::calibration)?;
    if opts.sample_interval.is_zero() {
        return Err(HarnessError::option(
            "sample_interval",
            "positive",
            format!("{:?}", opts.sample_interval),
        ));
    }

    // Everything that can fail or take time is done before the clock starts.
    let tasks: Vec<PreparedTask> = workload
        .phases
        .iter()
        .map(|p| p.spec.prepare(cal))
        .collect();
    let sizes: Vec<usize> = workload.phases.iter().map(|p| p.tasks).collect();
    let mut arrivals = Vec::with_capacity(sizes.len());
    for phase in 0..sizes.len() {
        arrivals.push(match &workload.arrival {
            Some(spec) => Some(
                spec.build(arrival_seed(opts.seed, phase))
                    .map_err(HarnessError::workload)?,
            ),
            None => None,
        });
    }

    let cpu_before = procfs::process_cpu_time();
    let start = Instant::now();
    let deadline = opts.time_cap.and_then(|cap| start.checked_add(cap));
    let tracker = Arc::new(Tracker::new(start, deadline, &sizes));
    let sampler = Sampler::start(
        SamplerConfig {
            start,
            interval: opts.sample_interval,
            // The sampler's own thread is not the pool's.
            discount: 1 + opts.baseline_threads.unwrap_or(0),
            total: total as u64,
            progress: opts.progress.clone(),
        },
        Arc::clone(&tracker),
    )
    .map_err(HarnessError::sampler)?;

    let mut phase_starts = Vec::with_capacity(sizes.len());
    // The pauses slept after the first submission, which the run's elapsed time leaves out.
    let mut idle_between = Duration::ZERO;
    let mut next_index = 0;
    for (phase, (task, arrival)) in tasks.iter().zip(&mut arrivals).enumerate() {
        let slept = pause(&tracker, workload.phases[phase].pause);
        if phase > 0 {
            idle_between = idle_between.saturating_add(slept);
        }
        phase_starts.push(start.elapsed());
        let submission = Submission {
            exec,
            tracker: &tracker,
            task,
            phase,
            seed: opts.seed,
        };
        next_index = submission.submit(next_index, sizes[phase], arrival.as_mut());
        tracker.wait_phase(phase);
    }

    let timeline = sampler.stop();
    let cpu_seconds = match (cpu_before, procfs::process_cpu_time()) {
        (Some(before), Some(after)) => after.saturating_sub(before).as_secs_f64(),
        _ => 0.0,
    };

    let tallies: Vec<_> = (0..sizes.len()).map(|p| tracker.phase_tally(p)).collect();
    let first_submit = phase_starts.first().copied().unwrap_or_default();
    let last_end = tallies.iter().map(|t| t.last_end).max().unwrap_or_default();
    let elapsed_s = last_end
        .saturating_sub(first_submit)
        .saturating_sub(idle_between)
        .saturating_add(opts.setup)
        .as_secs_f64();
    let completed = tracker.completed();
    let skipped = tracker.skipped();
    let latencies = tracker.sorted_latencies();
    let quantile = |q| percentile(&latencies, q).map_or(0.0, |d: Duration| d.as_secs_f64());

    let phases = workload
        .phases
        .iter()
        .zip(&tallies)
        .zip(&phase_starts)
        .enumerate()
        .map(|(i, ((phase, tally), &begun))| {
            let setup = if i == 0 { opts.setup } else { Duration::ZERO };
            let elapsed_s = tally
                .last_end
                .saturating_sub(begun)
                .saturating_add(setup)
                .as_secs_f64();
            PhaseReport {
                name: phase.name.clone(),
                tasks: phase.tasks as u64,
                elapsed_s,
                throughput: rate(tally.completed, elapsed_s),
            }
        })
        .collect();

    Ok(RunReport {
        pool: exec.name(),
        workload: workload.name.clone(),
        tasks: total as u64,
        completed,
        skipped,
        capped: skipped > 0,
        elapsed_s,
        throughput: rate(completed, elapsed_s),
        p50_latency_s: quantile(Q50),
        p99_latency_s: quantile(Q99),
        peak_threads: timeline.iter().map(|p| p.threads).max().unwrap_or(0),
        cpu_seconds,
        timeline,
        phases,
    })
}

/// Sleeps for a phase's `pause` unless the time cap has passed, pushes the cap back by the time
/// slept, and returns that time.
fn pause(tracker: &Tracker, pause: Duration) -> Duration {
    if pause.is_zero() || tracker.expired() {
        return Duration::ZERO;
    }
    let before = Instant::now();
    thread::sleep(pause);
    let slept = before.elapsed();
    tracker.extend_deadline(slept);
    slept
}

/// What submitting one phase needs.
struct Submission<'a> {
    exec: &'a dyn Executor,
    tracker: &'a Arc<Tracker>,
    task: &'a PreparedTask,
    phase: usize,
    seed: u64,
}

impl Submission<'_> {
    /// Submits `count` tasks numbered from `first`, paced by `arrivals` if given; returns the
    /// next task number.
    fn submit(
        &self,
        first: usize,
        count: usize,
        mut arrivals: Option<&mut Box<dyn ArrivalProcess>>,
    ) -> usize {
        let phase_start = Instant::now();
        let mut due = Duration::ZERO;
        for index in first..first + count {
            if let Some(arrivals) = arrivals.as_mut() {
                // The gap is drawn at the scheduled time, not the clock, so the sequence does
                // not depend on how late this thread woke.
                due = due.saturating_add(arrivals.inter_arrival_time(due));
                self.wait_until(phase_start, due);
            }
            let ticket = self.tracker.ticket(index, self.phase);
            let task = self.task.clone();
            let seed = self.seed ^ index as u64;
            let job: Job = Box::new(move || run_task(&task, seed, ticket));
            self.exec.execute(job);
        }
        first + count
    }

    /// Sleeps until `due` after `phase_start`, or until the time cap if that comes first; not
    /// at all if the moment has passed.
    fn wait_until(&self, phase_start: Instant, due: Duration) {
        let target = phase_start.checked_add(due);
        let until = match (target, self.tracker.deadline()) {
            (Some(t), Some(d)) => t.min(d),
            (Some(t), None) => t,
            (None, Some(d)) => d,
            // Due beyond the end of time with no cap: submit now rather than never.
            (None, None) => return,
        };
        let wait = until.saturating_duration_since(Instant::now());
        if !wait.is_zero() {
            thread::sleep(wait);
        }
    }
}

/// The body of every job: skip after the cap, otherwise run the task; a panic is caught and
/// the task counted as lost.
fn run_task(task: &PreparedTask, seed: u64, ticket: Ticket) {
    if ticket.expired() {
        ticket.finish(Outcome::Skipped);
        return;
    }
    match catch_unwind(AssertUnwindSafe(|| task.run(seed))) {
        Ok(output) => {
            black_box(output.checksum);
            ticket.finish(Outcome::Completed);
        }
        Err(_) => ticket.finish(Outcome::Lost),
    }
}

/// The seed of phase `phase`'s arrival process.
fn arrival_seed(seed: u64, phase: usize) -> u64 {
    SplitMix64::new(seed ^ ARRIVAL_SEED_SALT ^ phase as u64).next_u64()
}

/// `count` per `seconds`, or 0 when no time passed.
fn rate(count: u64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        count as f64 / seconds
    } else {
        0.0
    }
}
