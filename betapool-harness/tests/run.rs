//! Integration tests of `run`: every task runs exactly once, time caps end runs, phases run in
//! order, arrivals pace tasks, and reports survive JSON. Behaviour only, never timing bounds.

use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use betapool_harness::{Executor, Job, RunOptions, RunReport, StaticExecutor, run};
use betapool_workloads::{ArrivalSpec, Calibration, Phase, TaskSpec, Workload};

const MS: Duration = Duration::from_millis(1);
const US: Duration = Duration::from_micros(1);

fn cal() -> Calibration {
    Calibration::fixed(100.0).unwrap()
}

fn single(spec: TaskSpec, tasks: usize) -> Workload {
    Workload {
        name: "test".into(),
        phases: vec![Phase::new("only", spec, tasks)],
        arrival: None,
    }
}

/// A static pool that counts how often each job (by submission order) starts, and checks at
/// every submission that each earlier phase's jobs have all started.
struct Spy {
    inner: StaticExecutor,
    /// Times each job started. It is bumped before the job runs, so it is complete as soon as
    /// the job's task has ended.
    runs: Arc<Vec<AtomicU32>>,
    submitted: AtomicUsize,
    /// The first job index of each phase after the first.
    phase_starts: Vec<usize>,
    violations: Mutex<Vec<String>>,
}

impl Spy {
    fn new(workers: usize, workload: &Workload) -> Spy {
        let mut phase_starts = Vec::new();
        let mut next = 0;
        for phase in &workload.phases {
            phase_starts.push(next);
            next += phase.tasks;
        }
        phase_starts.remove(0);
        Spy {
            inner: StaticExecutor::new(workers).unwrap(),
            runs: Arc::new((0..next).map(|_| AtomicU32::new(0)).collect()),
            submitted: AtomicUsize::new(0),
            phase_starts,
            violations: Mutex::new(Vec::new()),
        }
    }

    fn run_counts(&self) -> Vec<u32> {
        self.runs.iter().map(|r| r.load(Ordering::SeqCst)).collect()
    }
}

impl Executor for Spy {
    fn name(&self) -> String {
        self.inner.name()
    }

    fn execute(&self, job: Job) {
        let index = self.submitted.fetch_add(1, Ordering::SeqCst);
        // Jobs of the phases before this one must all have run their task by now.
        let earlier = self
            .phase_starts
            .iter()
            .copied()
            .filter(|&start| start <= index)
            .max()
            .unwrap_or(0);
        if let Some(unstarted) = (0..earlier).find(|&j| self.runs[j].load(Ordering::SeqCst) == 0) {
            self.violations
                .lock()
                .unwrap()
                .push(format!("job {index} submitted before job {unstarted} ran"));
        }
        let runs = Arc::clone(&self.runs);
        self.inner.execute(Box::new(move || {
            runs[index].fetch_add(1, Ordering::SeqCst);
            job();
        }));
    }

    fn shutdown(&self) {
        self.inner.shutdown();
    }
}

/// An executor that loses every job: the run must still end.
struct Lossy;

impl Executor for Lossy {
    fn name(&self) -> String {
        "lossy".into()
    }
    fn execute(&self, job: Job) {
        drop(job);
    }
    fn shutdown(&self) {}
}

#[test]
fn smoke_every_task_runs_exactly_once() {
    let workload = single(TaskSpec::Io { sleep: MS }, 200);
    let spy = Spy::new(4, &workload);
    let report = run(&spy, &workload, &cal(), &RunOptions::default()).unwrap();
    spy.shutdown();

    assert!(
        spy.run_counts().iter().all(|&n| n == 1),
        "{:?}",
        spy.run_counts()
    );
    assert_eq!(spy.submitted.load(Ordering::SeqCst), 200);
    assert_eq!(
        (
            report.tasks,
            report.completed,
            report.skipped,
            report.capped
        ),
        (200, 200, 0, false)
    );
    assert_eq!(report.pool, "static:4");
    assert_eq!(report.workload, "test");
    assert!(!report.timeline.is_empty());
    assert!(report.peak_threads >= 4, "{}", report.peak_threads);
    assert!(report.p50_latency_s > 0.0 && report.p99_latency_s >= report.p50_latency_s);
    assert!(report.elapsed_s > 0.0 && report.throughput > 0.0);
    assert_eq!(report.phases.len(), 1);
    assert_eq!(report.phases[0].tasks, 200);
    assert_eq!(spy.inner.inline_runs(), 0);
}

#[test]
fn report_json_round_trips() {
    let pool = StaticExecutor::new(2).unwrap();
    let workload = single(TaskSpec::Cpu { work: 20 * US }, 50);
    let report = run(&pool, &workload, &cal(), &RunOptions::default()).unwrap();
    pool.shutdown();

    let json = serde_json::to_string(&report).unwrap();
    let back: RunReport = serde_json::from_str(&json).unwrap();
    // serde_json may parse the last digit of a float one unit off, so floats are compared
    // within a relative 1e-12; everything else must be equal.
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * a.abs().max(b.abs());
    assert_eq!(
        (&back.pool, &back.workload, back.tasks, back.completed),
        (
            &report.pool,
            &report.workload,
            report.tasks,
            report.completed
        )
    );
    assert_eq!((back.skipped, back.capped), (report.skipped, report.capped));
    assert_eq!(back.peak_threads, report.peak_threads);
    for (a, b) in [
        (back.elapsed_s, report.elapsed_s),
        (back.throughput, report.throughput),
        (back.p50_latency_s, report.p50_latency_s),
        (back.p99_latency_s, report.p99_latency_s),
        (back.cpu_seconds, report.cpu_seconds),
    ] {
        assert!(close(a, b), "{a} vs {b}");
    }
    assert_eq!(back.timeline.len(), report.timeline.len());
    for (a, b) in back.timeline.iter().zip(&report.timeline) {
        assert!(close(a.t_s, b.t_s) && a.threads == b.threads);
    }
    assert_eq!(back.phases.len(), report.phases.len());
    for (a, b) in back.phases.iter().zip(&report.phases) {
        assert_eq!((&a.name, a.tasks), (&b.name, b.tasks));
        assert!(close(a.elapsed_s, b.elapsed_s) && close(a.throughput, b.throughput));
    }
}

#[test]
fn zero_time_cap_skips_every_task_and_ends() {
    let pool = StaticExecutor::new(4).unwrap();
    // Uncapped this would sleep for 100 × 50 ms / 4 workers; capped, nothing sleeps.
    let workload = single(TaskSpec::Io { sleep: 50 * MS }, 100);
    let opts = RunOptions {
        time_cap: Some(Duration::ZERO),
        ..RunOptions::default()
    };
    let report = run(&pool, &workload, &cal(), &opts).unwrap();
    pool.shutdown();
    assert_eq!((report.completed, report.skipped), (0, 100));
    assert!(report.capped);
    assert_eq!(report.p50_latency_s, 0.0);
    assert_eq!(report.throughput, 0.0);
}

#[test]
fn capped_arrivals_stop_waiting() {
    let pool = StaticExecutor::new(2).unwrap();
    // One arrival every 100 s on average: only the cap lets this end.
    let workload = Workload {
        arrival: Some(ArrivalSpec::Poisson { rate: 0.01 }),
        ..single(TaskSpec::Io { sleep: MS }, 5)
    };
    let opts = RunOptions {
        time_cap: Some(Duration::ZERO),
        ..RunOptions::default()
    };
    let report = run(&pool, &workload, &cal(), &opts).unwrap();
    pool.shutdown();
    assert_eq!(report.skipped, 5);
}

#[test]
fn phases_run_in_order() {
    let phase = |name: &str, spec| Phase::new(name, spec, 40);
    let workload = Workload {
        name: "three".into(),
        phases: vec![
            phase("io-1", TaskSpec::Io { sleep: MS }),
            phase("cpu", TaskSpec::Cpu { work: 20 * US }),
            phase("io-2", TaskSpec::Io { sleep: MS }),
        ],
        arrival: None,
    };
    let spy = Spy::new(4, &workload);
    let report = run(&spy, &workload, &cal(), &RunOptions::default()).unwrap();
    spy.shutdown();

    let violations = spy.violations.lock().unwrap();
    assert!(violations.is_empty(), "{violations:?}");
    assert_eq!(report.completed, 120);
    let names: Vec<&str> = report.phases.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["io-1", "cpu", "io-2"]);
    assert!(report.phases.iter().all(|p| p.tasks == 40));
}

#[test]
fn arrivals_pace_every_task() {
    for arrival in ["poisson:20000", "burst:20000,2000,0.002,0.002"] {
        let pool = StaticExecutor::new(4).unwrap();
        let workload = Workload {
            arrival: Some(arrival.parse().unwrap()),
            ..single(TaskSpec::Io { sleep: 100 * US }, 100)
        };
        let report = run(&pool, &workload, &cal(), &RunOptions::default()).unwrap();
        pool.shutdown();
        assert_eq!(report.completed, 100, "{arrival}");
    }
}

#[test]
fn progress_reaches_the_total() {
    let last = Arc::new(Mutex::new((0, 0)));
    let seen = Arc::clone(&last);
    let opts = RunOptions {
        progress: Some(Arc::new(move |done, total| {
            *seen.lock().unwrap() = (done, total);
        })),
        sample_interval: MS,
        ..RunOptions::default()
    };
    let pool = StaticExecutor::new(4).unwrap();
    run(
        &pool,
        &single(TaskSpec::Io { sleep: MS }, 60),
        &cal(),
        &opts,
    )
    .unwrap();
    pool.shutdown();
    assert_eq!(*last.lock().unwrap(), (60, 60));
}

#[test]
fn a_panicking_progress_callback_does_not_break_the_run() {
    let opts = RunOptions {
        progress: Some(Arc::new(|_, _| panic!("progress display broke"))),
        ..RunOptions::default()
    };
    let pool = StaticExecutor::new(2).unwrap();
    let report = run(
        &pool,
        &single(TaskSpec::Io { sleep: MS }, 10),
        &cal(),
        &opts,
    )
    .unwrap();
    pool.shutdown();
    assert_eq!(report.completed, 10);
    assert!(!report.timeline.is_empty());
}

#[test]
fn run_leaves_the_executor_running() {
    let pool = StaticExecutor::new(2).unwrap();
    let workload = single(TaskSpec::Io { sleep: 100 * US }, 20);
    for _ in 0..2 {
        let report = run(&pool, &workload, &cal(), &RunOptions::default()).unwrap();
        assert_eq!(report.completed, 20);
    }
    assert_eq!(pool.inline_runs(), 0);
    pool.shutdown();
}

#[test]
fn lost_jobs_still_end_the_run() {
    let report = run(
        &Lossy,
        &single(TaskSpec::Io { sleep: MS }, 30),
        &cal(),
        &RunOptions::default(),
    )
    .unwrap();
    assert_eq!((report.tasks, report.completed, report.skipped), (30, 0, 0));
    assert_eq!(report.pool, "lossy");
}

#[test]
fn same_seed_same_work() {
    // Variable-latency checksums are not reported, but the same seed must give the same
    // task count and no loss on every run.
    let pool = StaticExecutor::new(4).unwrap();
    let workload = Workload::named("variable").unwrap().with_tasks(40);
    let opts = RunOptions {
        seed: 7,
        ..RunOptions::default()
    };
    let a = run(&pool, &workload, &cal(), &opts).unwrap();
    let b = run(&pool, &workload, &cal(), &opts).unwrap();
    pool.shutdown();
    assert_eq!((a.completed, b.completed), (40, 40));
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let pool = StaticExecutor::new(1).unwrap();
    let err = |w: &Workload, c: &Calibration, o: &RunOptions| {
        run(&pool, w, c, o).unwrap_err().to_string()
    };
    let ok = single(TaskSpec::Io { sleep: MS }, 1);
    let opts = RunOptions::default();

    let empty = Workload {
        name: "none".into(),
        phases: vec![],
        arrival: None,
    };
    assert_eq!(err(&empty, &cal(), &opts), "workload `none` has no phases");

    let bad_cal = Calibration {
        iterations_per_us: -1.0,
    };
    assert_eq!(
        err(&ok, &bad_cal, &opts),
        "invalid calibration: iterations_per_us must be positive and finite, got -1"
    );

    let zero_interval = RunOptions {
        sample_interval: Duration::ZERO,
        ..RunOptions::default()
    };
    assert_eq!(
        err(&ok, &cal(), &zero_interval),
        "sample_interval must be positive, got 0ns"
    );

    let bad_task = single(TaskSpec::Matrix { size: 0 }, 1);
    assert_eq!(
        err(&bad_task, &cal(), &opts),
        "workload `test`, phase `only`: matrix size must be in 1..=1024, got 0"
    );
    pool.shutdown();
}

/// Two phases of `tasks` short sleeps each, the second after `pause`.
fn paused(pause: Duration, tasks: usize) -> Workload {
    Workload {
        name: "paused".into(),
        phases: vec![
            Phase::new("before", TaskSpec::Io { sleep: MS }, tasks),
            Phase::new("after", TaskSpec::Io { sleep: MS }, tasks).with_pause(pause),
        ],
        arrival: None,
    }
}

#[test]
fn a_pause_idles_between_phases_and_is_left_out_of_elapsed() {
    let pause = 50 * MS;
    let pool = StaticExecutor::new(2).unwrap();
    let opts = RunOptions {
        sample_interval: MS,
        ..RunOptions::default()
    };
    let clock = Instant::now();
    let report = run(&pool, &paused(pause, 5), &cal(), &opts).unwrap();
    let wall = clock.elapsed();
    pool.shutdown();

    assert_eq!(report.completed, 10);
    assert!(wall >= pause, "the run took {wall:?}, less than its pause");
    // The run's elapsed time is both phases' plus the caller's wake-up between them, never
    // the pause: with it, the run would not fit in the wall time.
    let phases: f64 = report.phases.iter().map(|p| p.elapsed_s).sum();
    assert!(report.elapsed_s >= phases - 1e-9, "{report:?}");
    assert!(
        report.elapsed_s + pause.as_secs_f64() <= wall.as_secs_f64(),
        "elapsed {} s + pause {pause:?} > wall {wall:?}",
        report.elapsed_s
    );
    // The sampler kept sampling through the pause.
    let last = report.timeline.last().unwrap().t_s;
    assert!(last >= pause.as_secs_f64(), "{last}");
}

#[test]
fn pauses_do_not_count_against_the_time_cap() {
    // Working time is far below the cap; the pause alone is longer than it.
    let pool = StaticExecutor::new(2).unwrap();
    let opts = RunOptions {
        time_cap: Some(300 * MS),
        ..RunOptions::default()
    };
    let report = run(&pool, &paused(400 * MS, 2), &cal(), &opts).unwrap();
    pool.shutdown();
    assert_eq!((report.completed, report.skipped), (4, 0));
}

#[test]
fn a_capped_run_skips_its_pauses() {
    let pause = Duration::from_secs(30);
    let pool = StaticExecutor::new(2).unwrap();
    let opts = RunOptions {
        time_cap: Some(Duration::ZERO),
        ..RunOptions::default()
    };
    let clock = Instant::now();
    let report = run(&pool, &paused(pause, 3), &cal(), &opts).unwrap();
    pool.shutdown();
    assert_eq!(report.skipped, 6);
    assert!(clock.elapsed() < pause, "a capped run slept its pause");
}

#[test]
fn setup_time_counts_in_the_run_and_its_first_phase() {
    let setup = Duration::from_secs(2);
    let pool = StaticExecutor::new(2).unwrap();
    let opts = RunOptions {
        setup,
        ..RunOptions::default()
    };
    let report = run(&pool, &paused(Duration::ZERO, 4), &cal(), &opts).unwrap();
    pool.shutdown();
    assert!(report.elapsed_s >= 2.0, "{report:?}");
    assert!(report.phases[0].elapsed_s >= 2.0, "{report:?}");
    assert!(report.phases[1].elapsed_s < 2.0, "{report:?}");
    assert!(report.throughput <= 8.0 / 2.0, "{report:?}");
}
