//! `betapool-bench soak`: the adaptive pool under minutes of mixed, bursty load, checked for
//! lost or duplicated tasks, memory growth, and a return to its minimum size afterwards.
//!
//! The load is a Poisson stream plus a burst stream ([`POISSON_RATE`], [`BURST`]), merged into
//! one timetable fixed by the seed. Each task is CPU-bound (a calibrated spin), mixed (a sleep,
//! then a spin) or I/O (a sleep), chosen by its id, and one in [`PANIC_ONE_IN`] panics, also
//! chosen by id. On average it keeps about half a core busy, so a 2-core machine is never
//! saturated for long: the soak looks for leaks and lost work, not for overload. The last
//! [`PAUSE`] of every minute is a pause without arrivals, so that the end-of-minute RSS is
//! read with the pool at rest; the load stops with the last arrival, when the last pause
//! starts.
//!
//! While the load runs a monitor thread reads the pool's thread count every [`POLL`], and every
//! second samples RSS, threads and progress and reads the controller's decision history (which
//! keeps only the newest `LOG_LIMIT` resizes, so it is read often and de-duplicated by
//! timestamp), counting resizes and direction changes per minute as it goes, so that the
//! monitor itself keeps no list that grows with the run. A reaper thread joins every task's
//! handle in submission order.
//!
//! The checks; a failed one is named in the error, and the process exits non-zero:
//! - `lost`, `duplicated`: every task id ran exactly once (a run counter per id);
//! - `handles`: every handle resolved, none was cancelled;
//! - `panics`: exactly the planned tasks panicked, each with its own payload;
//! - `rss-drift`: in runs of at least [`DRIFT_MIN_MINUTES`], the RSS at rest at the end of the
//!   last minute is less than [`RSS_DRIFT_LIMIT_PCT`] % above that at the end of minute 1
//!   (the lowest reading of each minute's pause; see [`Drift`]);
//! - `back-to-min`: the pool is back at its minimum within [`RETURN_WAIT`] of the last arrival.

use std::fmt::Write as _;
use std::fs;
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use betapool_core::{JoinHandle, JoinTimeoutError};
use betapool_harness::svg::{Chart, HLine, Series, line_chart};
use betapool_harness::{
    ADAPTIVE_DEFAULT_BOUNDS, AdaptiveExecutor, AdaptivePolicy, Executor, procfs, table,
};
use betapool_workloads::{
    ArrivalProcess, BurstArrivals, BurstSpec, Calibration, PoissonArrivals, PreparedTask,
    SplitMix64, TaskSpec, WorkloadError,
};
use serde::Serialize;

/// Minutes of load when `--minutes` is not given: enough for the drift check, which compares
/// minute 1 with a later minute, to have a minute in between.
const DEFAULT_MINUTES: f64 = 3.0;

/// The longest soak `--minutes` accepts: a day. The run counters take one byte per task (about
/// 130 MB for a day at the mean rate), all allocated before the load starts.
const MAX_MINUTES: f64 = 24.0 * 60.0;

/// The shortest soak `--minutes` accepts: 6 s, half of them arrivals and half the pause
/// that ends every run.
const MIN_MINUTES: f64 = 0.1;

/// Seconds per minute, for the per-minute windows.
const SECONDS_PER_MINUTE: f64 = 60.0;

/// Mean rate of the steady Poisson stream, tasks per second: enough that the pool is never
/// idle for long, few enough that the minimum size serves it between bursts.
const POISSON_RATE: f64 = 500.0;

/// The burst stream: 5 000 tasks/s for 2 s in every 10 s, silent in between. A burst needs
/// about 35 workers busy at once (most of them asleep), so the pool grows and shrinks again in
/// every cycle. The 10 s period divides a minute, so every minute ends at the same point of the
/// cycle and the end-of-minute RSS readings compare like with like.
const BURST: BurstSpec = BurstSpec {
    burst_rate: 5_000.0,
    quiet_rate: 0.0,
    burst_duration: Duration::from_secs(2),
    quiet_duration: Duration::from_secs(8),
};

/// How far into its cycle the burst stream starts. 5 s puts the bursts at 5–7 s, 15–17 s, …,
/// so each minute ends 3 s after a burst, when the pool should be back at its minimum, rather
/// than on a burst's first arrivals.
const BURST_OFFSET: Duration = Duration::from_secs(5);

/// The pause: no task arrives in the last 3 s of each minute, nor in the last 3 s of the load.
/// The pool is then back at its minimum while the end-of-minute RSS is read, so the readings of
/// different minutes compare like with like: the default policy swings between 4 and 512
/// threads within a second under this load, and read mid-load, RSS depends on how many threads
/// happen to be alive (9–14 MiB within one minute in a trial run). Bursts end 3 s before each
/// minute does (see [`BURST_OFFSET`]), so the pause only silences the Poisson stream.
const PAUSE: Duration = Duration::from_secs(3);

/// CPU time of a CPU-bound task: a calibrated spin, so it costs the same however many threads
/// compete for the cores.
const CPU_WORK: Duration = Duration::from_micros(500);

/// A mixed task sleeps this long, then spins [`MIXED_WORK`].
const MIXED_SLEEP: Duration = Duration::from_millis(5);

/// The spin of a mixed task.
const MIXED_WORK: Duration = Duration::from_micros(100);

/// An I/O task sleeps this long: long enough that a burst needs many more threads than cores.
const IO_SLEEP: Duration = Duration::from_millis(10);

/// Out of every [`MIX_TOTAL`] tasks, how many are of each kind: 20 % CPU, 40 % mixed, 40 % I/O.
/// With the durations above a task costs about 140 µs of CPU on average.
const MIX: [(Kind, u64); 3] = [(Kind::Cpu, 2), (Kind::Mixed, 4), (Kind::Io, 4)];

/// The sum of [`MIX`]'s weights.
const MIX_TOTAL: u64 = 10;

/// One task in this many panics (0.1 %), chosen by its id.
const PANIC_ONE_IN: u64 = 1_000;

/// Mixed into the seed for each random choice, so that the streams of draws are unrelated.
const POISSON_SALT: u64 = 0x5041_1550_0000_0001;
/// See [`POISSON_SALT`].
const BURST_SALT: u64 = 0xB025_7000_0000_0002;
/// See [`POISSON_SALT`].
const KIND_SALT: u64 = 0x0C1D_0000_0000_0003;
/// See [`POISSON_SALT`].
const PANIC_SALT: u64 = 0x9A1C_0000_0000_0004;

/// How often the monitor reads the pool's thread count (and, in a pause, RSS).
const POLL: Duration = Duration::from_millis(250);

/// Every this many polls the monitor keeps a sample and reads the decision history: once a
/// second. The controller records at most one resize per tick (1 ms while busy), so its
/// 10 000-record history spans at least 10 s and a read every second misses none; reading it
/// copies the whole history, so not more often.
const POLLS_PER_SAMPLE: u64 = 4;

/// Samples per minute, to report each minute as it ends.
const SAMPLES_PER_MINUTE: u64 = 60;

/// How long the pool may take to come back to its minimum size after the load stops. The
/// default policy shrinks an idle pool within a few hundred milliseconds, so 10 s only fails a
/// pool that does not shrink at all.
const RETURN_WAIT: Duration = Duration::from_secs(10);

/// How often the thread count is read while waiting for the pool to come back to its minimum.
const RETURN_POLL: Duration = Duration::from_millis(10);

/// A handle the reaper has waited this long for counts as unresolved. Tasks last at most about
/// 10 ms, and the reaper reaches a handle only after every earlier one, so this is generous.
const HANDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// The `rss-drift` check fails when the RSS at the end of the last minute is this many percent
/// or more above the RSS at the end of minute 1.
const RSS_DRIFT_LIMIT_PCT: f64 = 10.0;

/// Runs shorter than this many minutes have no later minute to compare with minute 1, so the
/// `rss-drift` check is skipped.
const DRIFT_MIN_MINUTES: f64 = 2.0;

/// How many ids a failed `lost` or `duplicated` check quotes.
const EXAMPLE_IDS: usize = 5;

/// Bytes per MiB, for printing.
const MIB: f64 = 1024.0 * 1024.0;

/// The JSON file written into `--out`.
const JSON_FILE: &str = "soak.json";

/// The SVG file written into `--out`.
const SVG_FILE: &str = "soak.svg";

/// The width of one `line_chart` panel, in pixels.
const PANEL_WIDTH: f64 = 800.0;

/// The height of one `line_chart` panel: the stacked chart places its panels this far apart.
const PANEL_HEIGHT: f64 = 450.0;

/// The options of `betapool-bench soak`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct SoakArgs {
    /// Minutes of load: a positive number, fractions allowed, at most a day.
    #[arg(
        long,
        default_value_t = DEFAULT_MINUTES,
        value_parser = parse_minutes,
        allow_negative_numbers = true
    )]
    pub(crate) minutes: f64,
    /// Where to write soak.json and soak.svg.
    #[arg(long, default_value = "target/soak")]
    pub(crate) out: PathBuf,
    /// Seed of the arrival times, task kinds and planned panics.
    #[arg(long, default_value_t = 42)]
    pub(crate) seed: u64,
}

/// Parses `--minutes`: a finite number above zero and at most [`MAX_MINUTES`].
fn parse_minutes(text: &str) -> Result<f64, String> {
    let minutes: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of minutes"))?;
    if !(minutes.is_finite() && minutes > 0.0) {
        return Err(format!("must be a positive number of minutes, got {text}"));
    }
    if minutes > MAX_MINUTES {
        return Err(format!("must be at most {MAX_MINUTES} (a day), got {text}"));
    }
    if minutes < MIN_MINUTES {
        return Err(format!(
            "must be at least {MIN_MINUTES} (6 s: each run ends with a {} s pause), got {text}",
            PAUSE.as_secs()
        ));
    }
    Ok(minutes)
}

/// What a task does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A calibrated spin of [`CPU_WORK`].
    Cpu,
    /// [`MIXED_SLEEP`], then a spin of [`MIXED_WORK`].
    Mixed,
    /// A sleep of [`IO_SLEEP`].
    Io,
}

impl Kind {
    /// Every kind, in the order of [`Kind::index`].
    const ALL: [Kind; 3] = [Kind::Cpu, Kind::Mixed, Kind::Io];

    fn index(self) -> usize {
        match self {
            Kind::Cpu => 0,
            Kind::Mixed => 1,
            Kind::Io => 2,
        }
    }

    fn spec(self) -> TaskSpec {
        match self {
            Kind::Cpu => TaskSpec::Cpu { work: CPU_WORK },
            Kind::Mixed => TaskSpec::Mixed {
                sleep: MIXED_SLEEP,
                work: MIXED_WORK,
            },
            Kind::Io => TaskSpec::Io { sleep: IO_SLEEP },
        }
    }
}

/// A draw that depends only on the salted seed and the task id.
fn draw(seed: u64, salt: u64, id: usize) -> u64 {
    SplitMix64::new(seed ^ salt ^ id as u64).next_u64()
}

/// The kind of task `id`, drawn with the weights of [`MIX`].
fn kind_of(seed: u64, id: usize) -> Kind {
    let mut pick = draw(seed, KIND_SALT, id) % MIX_TOTAL;
    for (kind, weight) in MIX {
        if pick < weight {
            return kind;
        }
        pick -= weight;
    }
    // The weights sum to `MIX_TOTAL`, so the loop has returned; I/O is the harmless default.
    Kind::Io
}

/// Whether task `id` is one of the planned panics.
fn planned_panic(seed: u64, id: usize) -> bool {
    draw(seed, PANIC_SALT, id).is_multiple_of(PANIC_ONE_IN)
}

/// The payload of a planned panic: the id of the task that raised it, so the reaper can tell
/// the planned panics from any other.
#[derive(Debug)]
struct PlannedPanic(usize);

/// The run's arrival times, in order: the Poisson stream and the burst stream merged, up to
/// the end of the load, with none in a [`PAUSE`]. The same seed gives the same times.
#[derive(Debug)]
struct Arrivals {
    poisson: PoissonArrivals,
    burst: BurstArrivals,
    /// The next Poisson arrival, since the start of the load.
    next_poisson: Duration,
    /// The next burst arrival on the burst stream's own clock, which runs [`BURST_OFFSET`]
    /// ahead of the load's.
    next_burst: Duration,
    end: Duration,
}

impl Arrivals {
    fn new(seed: u64, end: Duration) -> Result<Arrivals, WorkloadError> {
        let mut poisson = PoissonArrivals::new(
            POISSON_RATE,
            SplitMix64::new(seed ^ POISSON_SALT).next_u64(),
        )?;
        let mut burst = BurstArrivals::new(BURST, SplitMix64::new(seed ^ BURST_SALT).next_u64())?;
        let next_poisson = poisson.inter_arrival_time(Duration::ZERO);
        let next_burst = BURST_OFFSET.saturating_add(burst.inter_arrival_time(BURST_OFFSET));
        Ok(Arrivals {
            poisson,
            burst,
            next_poisson,
            next_burst,
            end,
        })
    }
}

impl Iterator for Arrivals {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        loop {
            let due = self.draw();
            if due > self.end {
                return None;
            }
            if !in_pause(due, self.end) {
                return Some(due);
            }
        }
    }
}

impl Arrivals {
    /// The next arrival of either stream, pauses not considered.
    fn draw(&mut self) -> Duration {
        let burst_due = self.next_burst.saturating_sub(BURST_OFFSET);
        // Each stream draws its next gap at its own scheduled time, so neither depends on when
        // the other arrives or on how late the submitting thread wakes.
        if self.next_poisson <= burst_due {
            let due = self.next_poisson;
            self.next_poisson = due.saturating_add(self.poisson.inter_arrival_time(due));
            due
        } else {
            let clock = self.next_burst;
            self.next_burst = clock.saturating_add(self.burst.inter_arrival_time(clock));
            burst_due
        }
    }
}

/// Whether `t` falls in a pause: `[n · 60 s − PAUSE, n · 60 s)` for a whole minute `n`,
/// or the last `PAUSE` of a load that ends at `end`.
fn in_pause(t: Duration, end: Duration) -> bool {
    let into_minute = t.as_secs_f64() % SECONDS_PER_MINUTE;
    SECONDS_PER_MINUTE - into_minute <= PAUSE.as_secs_f64() || end.saturating_sub(t) < PAUSE
}

/// The whole run decided in advance: how many tasks, of which kinds, and how many panic.
#[derive(Debug, Clone, Default, Serialize)]
struct Plan {
    tasks: usize,
    cpu: usize,
    mixed: usize,
    io: usize,
    panics: usize,
}

/// Counts the run's tasks by drawing its arrival times once (a few milliseconds per minute of
/// load), so the run counters can be allocated before the load starts.
fn plan(seed: u64, load: Duration) -> Result<Plan, WorkloadError> {
    let mut plan = Plan::default();
    for (id, _) in Arrivals::new(seed, load)?.enumerate() {
        plan.tasks += 1;
        match kind_of(seed, id) {
            Kind::Cpu => plan.cpu += 1,
            Kind::Mixed => plan.mixed += 1,
            Kind::Io => plan.io += 1,
        }
        if planned_panic(seed, id) {
            plan.panics += 1;
        }
    }
    Ok(plan)
}

/// How often each task ran, by id.
#[derive(Debug)]
struct Ledger {
    runs: Vec<AtomicU8>,
    /// Tasks that have started, for the samples.
    ran: AtomicU64,
}

impl Ledger {
    fn new(tasks: usize) -> Ledger {
        // Every counter is written here, before the first RSS sample (`black_box` keeps the
        // writes from being folded into a zeroed allocation). Untouched pages would otherwise be
        // faulted in one by one as the ids advance, and the soak would measure its own ledger
        // growing.
        let runs = (0..tasks).map(|_| AtomicU8::new(black_box(0))).collect();
        Ledger {
            runs,
            ran: AtomicU64::new(0),
        }
    }

    /// Counts one run of task `id`, saturating so that no count wraps back to zero.
    fn record(&self, id: usize) {
        // Relaxed: the counts are read only after the handles have been joined, and a join
        // synchronises with the end of its task.
        if let Some(count) = self.runs.get(id) {
            let _ = count.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                Some(n.saturating_add(1))
            });
        }
        self.ran.fetch_add(1, Ordering::Relaxed);
    }

    fn audit(&self) -> Audit {
        let mut audit = Audit::default();
        for (id, count) in self.runs.iter().enumerate() {
            match count.load(Ordering::Relaxed) {
                0 => {
                    audit.lost += 1;
                    if audit.lost_ids.len() < EXAMPLE_IDS {
                        audit.lost_ids.push(id);
                    }
                }
                1 => audit.ran_once += 1,
                _ => {
                    audit.duplicated += 1;
                    if audit.duplicated_ids.len() < EXAMPLE_IDS {
                        audit.duplicated_ids.push(id);
                    }
                }
            }
        }
        audit
    }
}

/// What the run counters say at the end.
#[derive(Debug, Clone, Default, Serialize)]
struct Audit {
    ran_once: usize,
    /// Tasks that never ran.
    lost: usize,
    /// Tasks that ran more than once.
    duplicated: usize,
    /// The first few lost ids.
    lost_ids: Vec<usize>,
    /// The first few duplicated ids.
    duplicated_ids: Vec<usize>,
}

/// How the handles resolved.
#[derive(Debug, Clone, Default, Serialize)]
struct Handles {
    /// Handles the reaper was given: one per submitted task.
    received: usize,
    returned: usize,
    /// Planned panics, each carrying its own task's id.
    planned_panics: usize,
    /// Panics of tasks not planned to panic, or with a payload that is not theirs.
    unexpected_panics: usize,
    /// Tasks planned to panic that returned instead.
    missing_panics: usize,
    cancelled: usize,
    /// Handles that did not resolve within [`HANDLE_TIMEOUT`].
    unresolved: usize,
}

/// Joins every handle in submission order.
fn reap(rx: Receiver<(usize, JoinHandle<()>)>, seed: u64) -> Handles {
    let mut h = Handles::default();
    for (id, handle) in rx {
        h.received += 1;
        match handle.join_timeout(HANDLE_TIMEOUT) {
            Ok(()) if planned_panic(seed, id) => h.missing_panics += 1,
            Ok(()) => h.returned += 1,
            Err(JoinTimeoutError::Timeout(_)) => h.unresolved += 1,
            Err(JoinTimeoutError::Join(e)) => match e.try_into_panic() {
                Ok(payload) => match payload.downcast_ref::<PlannedPanic>() {
                    Some(PlannedPanic(raised_by))
                        if *raised_by == id && planned_panic(seed, id) =>
                    {
                        h.planned_panics += 1;
                    }
                    _ => h.unexpected_panics += 1,
                },
                Err(_) => h.cancelled += 1,
            },
        }
    }
    h
}

/// Keeps the default panic message for every panic but the planned ones, which would
/// otherwise print a few hundred lines.
fn silence_planned_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !info.payload().is::<PlannedPanic>() {
            default(info);
        }
    }));
}

/// Whether a moment belongs to the load or comes after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Phase {
    Load,
    Drain,
}

/// One reading, taken every second.
#[derive(Debug, Clone, Serialize)]
struct Sample {
    /// When the reading was due, in seconds since the load started: whole seconds, except for
    /// the last reading, taken once the pool is back at its minimum (or the wait is over).
    at_s: f64,
    /// When it was taken.
    taken_s: f64,
    phase: Phase,
    /// `VmRSS` of `/proc/self/status`.
    rss_bytes: Option<u64>,
    /// Every thread of the process (`Threads` of `/proc/self/status`).
    process_threads: Option<usize>,
    /// The pool's live workers now.
    pool_threads: usize,
    /// The fewest live workers at the history polls since the previous sample.
    pool_threads_min: usize,
    /// The most live workers at the history polls since the previous sample.
    pool_threads_max: usize,
    /// The size the controller steers towards.
    target_threads: usize,
    /// Tasks submitted so far.
    submitted: u64,
    /// Tasks started so far.
    ran: u64,
}

/// One resize from the controller's decision history.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Resize {
    /// Seconds since the pool started, a few milliseconds before the load did.
    t_s: f64,
    before: usize,
    after: usize,
}

/// Which way a resize went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Grow,
    Shrink,
}

impl Resize {
    /// `None` for a resize that did not change the target (a refused one).
    fn direction(&self) -> Option<Direction> {
        match self.after.cmp(&self.before) {
            std::cmp::Ordering::Greater => Some(Direction::Grow),
            std::cmp::Ordering::Less => Some(Direction::Shrink),
            std::cmp::Ordering::Equal => None,
        }
    }
}

/// The resizes of one window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
struct Moves {
    grows: usize,
    shrinks: usize,
    /// Resizes that went the other way from the previous one (grow → shrink or shrink → grow),
    /// counted in the window of the later one.
    direction_changes: usize,
}

/// Resizes counted per window as they are read.
#[derive(Debug, Clone, Default)]
struct Tally {
    /// Index `n − 1` holds minute `n`.
    minutes: Vec<Moves>,
    after_load: Moves,
    /// The direction of the latest resize that changed the target.
    last: Option<Direction>,
    /// Every resize read, refused ones included.
    resizes: usize,
}

impl Tally {
    /// A tally with room for `minutes` minutes, so that it does not grow during the run.
    fn new(minutes: usize) -> Tally {
        Tally {
            minutes: vec![Moves::default(); minutes],
            ..Tally::default()
        }
    }

    fn add(&mut self, r: Resize, load_s: f64) {
        self.resizes += 1;
        let Some(d) = r.direction() else { return };
        let turned = self.last.is_some_and(|l| l != d);
        self.last = Some(d);
        let moves = match Window::of(r.t_s, load_s) {
            Window::AfterLoad => &mut self.after_load,
            Window::Minute(n) => {
                if self.minutes.len() < n {
                    self.minutes.resize(n, Moves::default());
                }
                &mut self.minutes[n - 1]
            }
        };
        match d {
            Direction::Grow => moves.grows += 1,
            Direction::Shrink => moves.shrinks += 1,
        }
        moves.direction_changes += usize::from(turned);
    }

    fn moves(&self, window: Window) -> Moves {
        match window {
            Window::AfterLoad => self.after_load,
            Window::Minute(n) => n
                .checked_sub(1)
                .and_then(|i| self.minutes.get(i))
                .copied()
                .unwrap_or_default(),
        }
    }

    fn direction_changes(&self) -> usize {
        self.minutes
            .iter()
            .chain([&self.after_load])
            .map(|m| m.direction_changes)
            .sum()
    }
}

/// What the monitor read during one minute's pause (its [`PAUSE`]), at every history poll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
struct Rest {
    minute: usize,
    /// The lowest RSS read in the pause: the minute's RSS at rest, which the drift check
    /// compares. The lowest, because a machine shared with other work can delay the pool's
    /// return to its minimum past the first readings.
    rss_bytes: u64,
    /// Polls in the pause.
    polls: usize,
    /// Polls at which the pool was at its minimum.
    polls_at_min: usize,
}

/// What the monitor thread saw.
#[derive(Debug, Default)]
struct Observed {
    samples: Vec<Sample>,
    tally: Tally,
    /// One per minute, in order.
    rests: Vec<Rest>,
    /// Polls at which the history had already dropped resizes the monitor had not seen.
    history_gaps: usize,
    /// Resizes the pool's counters had reported at the last poll.
    resizes_counted: u64,
}

/// The monitor thread: reads the decision history and samples the process until stopped.
struct Monitor<'a> {
    exec: &'a AdaptiveExecutor,
    start: Instant,
    load: Duration,
    load_s: f64,
    stop: &'a AtomicBool,
    submitted: &'a AtomicU64,
    ledger: &'a Ledger,
}

impl Monitor<'_> {
    fn run(&self) -> Observed {
        let mut seen = Observed::default();
        // One sample a second, plus slack for the wait after the load: reserved now so that
        // the vector does not grow (and move) while RSS is being measured.
        let expected = (self.load_s + RETURN_WAIT.as_secs_f64()) as usize + 2;
        seen.samples.reserve(expected);
        let minutes = (self.load_s / SECONDS_PER_MINUTE).ceil() as usize;
        seen.rests.reserve(minutes);
        seen.tally = Tally::new(minutes);
        let min = self.exec.executor().engine().min_workers();
        let mut last_seen = None;
        let (mut lo, mut hi) = (usize::MAX, 0);
        for poll in 0u64.. {
            let due = POLL.saturating_mul(u32::try_from(poll).unwrap_or(u32::MAX));
            // Every reading due up to the end of the load is taken, even by a monitor running
            // late. Relaxed: the flag carries no data; the monitor only needs to see it soon.
            let stopping = due > self.load && self.stop.load(Ordering::Relaxed);
            let pool = self.exec.executor();
            let threads = pool.current_thread_count();
            lo = lo.min(threads);
            hi = hi.max(threads);
            if !stopping && due <= self.load && in_pause(due, self.load) {
                self.read_rest(&mut seen.rests, due, threads <= min);
            }
            if poll.is_multiple_of(POLLS_PER_SAMPLE) || stopping {
                self.read_history(&mut seen, &mut last_seen);
                let at_s = if stopping {
                    self.start.elapsed().as_secs_f64()
                } else {
                    (poll / POLLS_PER_SAMPLE) as f64
                };
                seen.samples.push(Sample {
                    at_s,
                    taken_s: self.start.elapsed().as_secs_f64(),
                    phase: if at_s <= self.load_s {
                        Phase::Load
                    } else {
                        Phase::Drain
                    },
                    rss_bytes: procfs::rss_bytes(),
                    process_threads: procfs::thread_count(),
                    pool_threads: threads,
                    pool_threads_min: lo,
                    pool_threads_max: hi,
                    target_threads: pool.engine().target(),
                    submitted: self.submitted.load(Ordering::Relaxed),
                    ran: self.ledger.ran.load(Ordering::Relaxed),
                });
                (lo, hi) = (usize::MAX, 0);
                let second = poll / POLLS_PER_SAMPLE;
                if !stopping
                    && second > 0
                    && second.is_multiple_of(SAMPLES_PER_MINUTE)
                    && second as f64 <= self.load_s
                {
                    let minute = (second / SAMPLES_PER_MINUTE) as usize;
                    let w = summarize(&seen, Window::Minute(minute), self.load_s);
                    eprintln!("soak: {}", progress_line(&w, self.load_s));
                }
            }
            if stopping {
                break;
            }
            let next = u32::try_from(poll + 1).unwrap_or(u32::MAX);
            sleep_until(self.start + POLL.saturating_mul(next));
        }
        seen
    }

    /// Adds one reading of a pause, due at `due`, to its minute's [`Rest`].
    fn read_rest(&self, rests: &mut Vec<Rest>, due: Duration, at_min: bool) {
        let (Window::Minute(minute), Some(rss)) = (
            Window::of(due.as_secs_f64(), self.load_s),
            procfs::rss_bytes(),
        ) else {
            return;
        };
        add_rest(rests, minute, rss, at_min);
    }

    /// Counts the resizes newer than the newest one seen before.
    fn read_history(&self, seen: &mut Observed, last_seen: &mut Option<f64>) {
        // Only the records not seen yet: copying the whole history every second would make
        // the monitor's own allocations grow with the history, which the RSS check would see.
        // The resize counters are read first, so every resize they count is in the history
        // unless the history has dropped it.
        let m = self.exec.executor().metrics();
        let counted = m.scale_up_count + m.scale_down_count;
        let history = self
            .exec
            .executor()
            .decision_history_since(last_seen.unwrap_or(f64::NEG_INFINITY));
        if (history.len() as u64) < counted.saturating_sub(seen.resizes_counted) {
            seen.history_gaps += 1;
        }
        seen.resizes_counted = seen.resizes_counted.max(counted);
        for r in &history {
            let resize = Resize {
                t_s: r.timestamp_s,
                before: r.threads_before,
                after: r.threads_after,
            };
            seen.tally.add(resize, self.load_s);
        }
        if let Some(newest) = history.last() {
            *last_seen = Some(newest.timestamp_s);
        }
    }
}

/// Adds one pause reading of `minute` to `rests`, which holds one [`Rest`] per minute in order.
fn add_rest(rests: &mut Vec<Rest>, minute: usize, rss_bytes: u64, at_min: bool) {
    match rests.last_mut() {
        Some(rest) if rest.minute == minute => {
            rest.rss_bytes = rest.rss_bytes.min(rss_bytes);
            rest.polls += 1;
            rest.polls_at_min += usize::from(at_min);
        }
        _ => rests.push(Rest {
            minute,
            rss_bytes,
            polls: 1,
            polls_at_min: usize::from(at_min),
        }),
    }
}

/// Sleeps until `when`; not at all if it has passed.
fn sleep_until(when: Instant) {
    let wait = when.saturating_duration_since(Instant::now());
    if !wait.is_zero() {
        thread::sleep(wait);
    }
}

/// A stretch of the run that the summary reports on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Window {
    /// Minute `n` of the load, from 1: the moments in `((n − 1) · 60 s, n · 60 s]` (minute 1
    /// also holds 0 s). The last minute ends with the load, so it may be shorter.
    Minute(usize),
    /// From the end of the load until the pool is back at its minimum (or the wait is over).
    AfterLoad,
}

impl Window {
    fn of(t_s: f64, load_s: f64) -> Window {
        if t_s > load_s {
            Window::AfterLoad
        } else {
            Window::Minute(((t_s / SECONDS_PER_MINUTE).ceil() as usize).max(1))
        }
    }

    /// When the window starts, in seconds since the load started.
    fn start_s(self, load_s: f64) -> f64 {
        match self {
            Window::Minute(n) => n.saturating_sub(1) as f64 * SECONDS_PER_MINUTE,
            Window::AfterLoad => load_s,
        }
    }

    fn label(self) -> String {
        match self {
            Window::Minute(n) => n.to_string(),
            Window::AfterLoad => "after load".into(),
        }
    }
}

/// The figures of one window.
#[derive(Debug, Clone, Serialize)]
struct WindowSummary {
    window: Window,
    samples: usize,
    /// RSS at the window's last sample: at its last whole second, or for the window after the
    /// load, once the pool is back at its minimum.
    rss_end_bytes: Option<u64>,
    rss_min_bytes: Option<u64>,
    rss_max_bytes: Option<u64>,
    /// Fewest and most live workers over the history polls in the window.
    threads_min: Option<usize>,
    threads_max: Option<usize>,
    /// Live workers at the window's last sample (after the pause, for a minute).
    threads_end: Option<usize>,
    /// The readings of the minute's pause.
    rest: Option<Rest>,
    process_threads_max: Option<usize>,
    grows: usize,
    shrinks: usize,
    direction_changes: usize,
    /// Tasks submitted during the window.
    tasks: u64,
}

/// Summarises `window` from what the monitor saw.
fn summarize(seen: &Observed, window: Window, load_s: f64) -> WindowSummary {
    let samples = &seen.samples;
    let inside: Vec<&Sample> = samples
        .iter()
        .filter(|s| Window::of(s.at_s, load_s) == window)
        .collect();
    let rss = || inside.iter().filter_map(|s| s.rss_bytes);
    let moves = seen.tally.moves(window);
    let start_s = window.start_s(load_s);
    let submitted_before = samples
        .iter()
        .filter(|s| s.at_s <= start_s)
        .map(|s| s.submitted)
        .next_back()
        .unwrap_or(0);
    let submitted_after = inside.last().map_or(submitted_before, |s| s.submitted);
    WindowSummary {
        window,
        samples: inside.len(),
        rss_end_bytes: inside.last().and_then(|s| s.rss_bytes),
        rss_min_bytes: rss().min(),
        rss_max_bytes: rss().max(),
        threads_min: inside.iter().map(|s| s.pool_threads_min).min(),
        threads_end: inside.last().map(|s| s.pool_threads),
        rest: seen
            .rests
            .iter()
            .find(|r| Window::Minute(r.minute) == window)
            .copied(),
        threads_max: inside.iter().map(|s| s.pool_threads_max).max(),
        process_threads_max: inside.iter().filter_map(|s| s.process_threads).max(),
        grows: moves.grows,
        shrinks: moves.shrinks,
        direction_changes: moves.direction_changes,
        tasks: submitted_after.saturating_sub(submitted_before),
    }
}

/// One line per minute while the soak runs.
fn progress_line(w: &WindowSummary, load_s: f64) -> String {
    let minutes = (load_s / SECONDS_PER_MINUTE).ceil();
    format!(
        "minute {}/{minutes}: RSS at rest {} (pool at its minimum at {} of the pause's polls), \
         pool threads {}, {} direction changes, {} tasks",
        w.window.label(),
        mib(w.rest.map(|r| r.rss_bytes)),
        at_min(w.rest),
        range(w.threads_min, w.threads_max),
        w.direction_changes,
        w.tasks
    )
}

/// The RSS comparison behind the `rss-drift` check.
///
/// "RSS at the end of minute n" is the minute's RSS at rest: the lowest RSS read during the
/// pause ([`PAUSE`]) that ends the minute, at every [`POLL`] from `n · 60 − 3` s up
/// to `n · 60` s after the load started (for a last, partial minute, during the last 3 s of
/// the load). The change is `(last − first) / first`, in percent.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
enum Drift {
    /// The run is shorter than [`DRIFT_MIN_MINUTES`]: no later minute to compare.
    TooShort,
    /// RSS could not be read (no `/proc/self/status`).
    Unmeasured,
    Measured {
        first_end_bytes: u64,
        last_minute: usize,
        last_end_bytes: u64,
        change_pct: f64,
    },
}

fn drift(windows: &[WindowSummary], minutes: f64) -> Drift {
    if minutes < DRIFT_MIN_MINUTES {
        return Drift::TooShort;
    }
    let end_of = |n: usize| {
        windows
            .iter()
            .find(|w| w.window == Window::Minute(n))
            .and_then(|w| w.rest)
            .map(|r| r.rss_bytes)
    };
    let last_minute = windows
        .iter()
        .filter_map(|w| match w.window {
            Window::Minute(n) => Some(n),
            Window::AfterLoad => None,
        })
        .max()
        .unwrap_or(1);
    match (end_of(1), end_of(last_minute)) {
        (Some(first), Some(last)) if first > 0 => Drift::Measured {
            first_end_bytes: first,
            last_minute,
            last_end_bytes: last,
            change_pct: (last as f64 - first as f64) / first as f64 * 100.0,
        },
        _ => Drift::Unmeasured,
    }
}

/// How the pool came back to its minimum after the load.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
enum BackToMin {
    /// Back at the minimum this long after the last arrival.
    Returned { after_s: f64 },
    /// Still above it when the wait ended.
    NotWithin { waited_s: f64, threads: usize },
}

/// Waits up to [`RETURN_WAIT`] after `last_arrival` for the pool to be back at `min` workers.
fn wait_for_min(exec: &AdaptiveExecutor, min: usize, last_arrival: Instant) -> BackToMin {
    loop {
        let threads = exec.executor().current_thread_count();
        let waited = last_arrival.elapsed();
        if threads <= min {
            return BackToMin::Returned {
                after_s: waited.as_secs_f64(),
            };
        }
        if waited >= RETURN_WAIT {
            return BackToMin::NotWithin {
                waited_s: waited.as_secs_f64(),
                threads,
            };
        }
        thread::sleep(RETURN_POLL);
    }
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Outcome {
    Pass,
    Fail,
    /// Not applicable to this run (too short, or nothing to measure with).
    Skip,
}

/// One named check and what it found.
#[derive(Debug, Clone, Serialize)]
struct Check {
    name: &'static str,
    outcome: Outcome,
    detail: String,
}

impl Check {
    fn new(name: &'static str, passed: bool, detail: String) -> Check {
        let outcome = if passed { Outcome::Pass } else { Outcome::Fail };
        Check {
            name,
            outcome,
            detail,
        }
    }
}

/// The load, as the report describes it.
#[derive(Debug, Clone, Serialize)]
struct LoadDescription {
    poisson_rate: f64,
    burst_rate: f64,
    burst_s: f64,
    quiet_s: f64,
    burst_offset_s: f64,
    pause_s: f64,
    cpu_work_us: f64,
    mixed_sleep_ms: f64,
    mixed_work_us: f64,
    io_sleep_ms: f64,
    mix_cpu_mixed_io: [u64; 3],
    panic_one_in: u64,
}

impl LoadDescription {
    fn current() -> LoadDescription {
        LoadDescription {
            poisson_rate: POISSON_RATE,
            burst_rate: BURST.burst_rate,
            burst_s: BURST.burst_duration.as_secs_f64(),
            quiet_s: BURST.quiet_duration.as_secs_f64(),
            burst_offset_s: BURST_OFFSET.as_secs_f64(),
            pause_s: PAUSE.as_secs_f64(),
            cpu_work_us: CPU_WORK.as_secs_f64() * 1e6,
            mixed_sleep_ms: MIXED_SLEEP.as_secs_f64() * 1e3,
            mixed_work_us: MIXED_WORK.as_secs_f64() * 1e6,
            io_sleep_ms: IO_SLEEP.as_secs_f64() * 1e3,
            mix_cpu_mixed_io: MIX.map(|(_, w)| w),
            panic_one_in: PANIC_ONE_IN,
        }
    }
}

/// The run's settings.
#[derive(Debug, Clone, Serialize)]
struct Config {
    minutes: f64,
    seed: u64,
    pool: &'static str,
    min_threads: usize,
    max_threads: usize,
    cores: usize,
    calibration_iterations_per_us: f64,
    load: LoadDescription,
}

/// The headline figures.
#[derive(Debug, Clone, Serialize)]
struct Summary {
    /// From the start of the command to the end of the checks.
    wall_s: f64,
    /// The load, as planned.
    load_s: f64,
    submitted: u64,
    audit: Audit,
    handles: Handles,
    drift: Drift,
    back_to_min: BackToMin,
    resizes: usize,
    direction_changes: usize,
    history_gaps: usize,
    /// Process CPU time over the load, and that over the time it was counted over.
    cpu_s: Option<f64>,
    mean_cores: Option<f64>,
    peak_pool_threads: Option<usize>,
    peak_process_threads: Option<usize>,
}

/// Everything `soak.json` holds.
#[derive(Debug, Clone, Serialize)]
struct Report {
    config: Config,
    plan: Plan,
    summary: Summary,
    checks: Vec<Check>,
    windows: Vec<WindowSummary>,
    samples: Vec<Sample>,
}

/// What the load phase hands back.
struct Ran {
    observed: Observed,
    handles: Handles,
    back: BackToMin,
    submitted: u64,
    /// Process CPU seconds over the load, and the seconds they were counted over.
    cpu: Option<(f64, f64)>,
}

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

/// Submits the planned tasks on their timetable while the monitor and the reaper run, then
/// waits for the pool to come back to its minimum.
fn drive(
    args: &SoakArgs,
    load: Duration,
    plan: &Plan,
    prepared: &[PreparedTask; 3],
    ledger: &Arc<Ledger>,
    exec: &AdaptiveExecutor,
) -> Result<Ran> {
    let seed = args.seed;
    let min = exec.executor().engine().min_workers();
    // Built before the threads start: once the monitor runs, only its own stop flag ends it.
    let arrivals = Arrivals::new(seed, load).context("building the arrivals")?;
    let submitted = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let cpu_before = procfs::process_cpu_time();
    let start = Instant::now();
    thread::scope(|s| {
        let (tx, rx) = mpsc::channel();
        let reaper = thread::Builder::new()
            .name("soak-reaper".into())
            .spawn_scoped(s, move || reap(rx, seed))
            .context("starting the reaper thread")?;
        let monitor = Monitor {
            exec,
            start,
            load,
            load_s: load.as_secs_f64(),
            stop: &stop,
            submitted: &submitted,
            ledger,
        };
        let monitor = thread::Builder::new()
            .name("soak-monitor".into())
            .spawn_scoped(s, move || monitor.run())
            .context("starting the monitor thread")?;

        for (id, due) in arrivals.take(plan.tasks).enumerate() {
            sleep_until(start + due);
            let task = prepared[kind_of(seed, id).index()].clone();
            let panics = planned_panic(seed, id);
            let ledger = Arc::clone(ledger);
            let handle = exec.executor().submit(move || {
                ledger.record(id);
                if panics {
                    std::panic::panic_any(PlannedPanic(id));
                }
                black_box(task.run(seed ^ id as u64).checksum);
            });
            submitted.fetch_add(1, Ordering::Relaxed);
            // The reaper ends only when this sender is dropped, so a send cannot fail unless
            // the reaper panicked; its join below reports that.
            if tx.send((id, handle)).is_err() {
                break;
            }
        }
        let last_arrival = Instant::now();
        drop(tx);
        let back = wait_for_min(exec, min, last_arrival);
        // The last minute ends with its pause: its end-of-minute sample is due at `load`.
        sleep_until(start + load);
        let cpu = match (cpu_before, procfs::process_cpu_time()) {
            (Some(a), Some(b)) => Some((
                b.saturating_sub(a).as_secs_f64(),
                start.elapsed().as_secs_f64(),
            )),
            _ => None,
        };
        stop.store(true, Ordering::Relaxed);
        let observed = monitor
            .join()
            .map_err(|_| anyhow!("the monitor thread panicked"))?;
        let handles = reaper
            .join()
            .map_err(|_| anyhow!("the reaper thread panicked"))?;
        Ok(Ran {
            observed,
            handles,
            back,
            submitted: submitted.load(Ordering::Relaxed),
            cpu,
        })
    })
}

/// The checks, in the order they are printed.
fn checks(plan: &Plan, s: &Summary, min: usize) -> Vec<Check> {
    let a = &s.audit;
    let h = &s.handles;
    let mut checks = vec![
        Check::new(
            "lost",
            a.lost == 0,
            format!(
                "{} of {} tasks never ran{}",
                a.lost,
                plan.tasks,
                example_ids(&a.lost_ids)
            ),
        ),
        Check::new(
            "duplicated",
            a.duplicated == 0,
            format!(
                "{} of {} tasks ran more than once{}",
                a.duplicated,
                plan.tasks,
                example_ids(&a.duplicated_ids)
            ),
        ),
        Check::new(
            "handles",
            h.received == plan.tasks && h.cancelled == 0 && h.unresolved == 0,
            format!(
                "{} of {} handles resolved ({} returned, {} panicked), {} cancelled, {} unresolved after {} s",
                h.received - h.unresolved,
                plan.tasks,
                h.returned + h.missing_panics,
                h.planned_panics + h.unexpected_panics,
                h.cancelled,
                h.unresolved,
                HANDLE_TIMEOUT.as_secs()
            ),
        ),
        Check::new(
            "panics",
            h.planned_panics == plan.panics && h.unexpected_panics == 0 && h.missing_panics == 0,
            format!(
                "{} planned, {} caught with their own payload, {} unexpected, {} missing",
                plan.panics, h.planned_panics, h.unexpected_panics, h.missing_panics
            ),
        ),
    ];
    checks.push(match &s.drift {
        Drift::TooShort => Check {
            name: "rss-drift",
            outcome: Outcome::Skip,
            detail: format!("the run is shorter than {DRIFT_MIN_MINUTES} minutes"),
        },
        Drift::Unmeasured => Check {
            name: "rss-drift",
            outcome: Outcome::Skip,
            detail: "no RSS reading (no /proc/self/status)".into(),
        },
        Drift::Measured {
            first_end_bytes,
            last_minute,
            last_end_bytes,
            change_pct,
        } => Check::new(
            "rss-drift",
            *change_pct < RSS_DRIFT_LIMIT_PCT,
            format!(
                "RSS at rest at the end of minute 1 {} ({first_end_bytes} B), at the end of \
                 minute {last_minute} {} ({last_end_bytes} B): {change_pct:+.1} % (limit \
                 +{RSS_DRIFT_LIMIT_PCT} %)",
                mib(Some(*first_end_bytes)),
                mib(Some(*last_end_bytes)),
            ),
        ),
    });
    checks.push(match &s.back_to_min {
        BackToMin::Returned { after_s } => Check::new(
            "back-to-min",
            true,
            format!(
                "back to {min} threads {after_s:.2} s after the last arrival (limit {} s)",
                RETURN_WAIT.as_secs()
            ),
        ),
        BackToMin::NotWithin { waited_s, threads } => Check::new(
            "back-to-min",
            false,
            format!(
                "still {threads} threads {waited_s:.2} s after the last arrival (min {min}, limit {} s)",
                RETURN_WAIT.as_secs()
            ),
        ),
    });
    checks
}

/// ` (ids 3, 17, …)`, or nothing for no ids.
fn example_ids(ids: &[usize]) -> String {
    if ids.is_empty() {
        return String::new();
    }
    let list: Vec<String> = ids.iter().map(usize::to_string).collect();
    let more = if ids.len() == EXAMPLE_IDS {
        ", …"
    } else {
        ""
    };
    format!(" (ids {}{more})", list.join(", "))
}

/// `11/12`: the pause's polls at which the pool was at its minimum, of all its polls.
fn at_min(rest: Option<Rest>) -> String {
    rest.map_or_else(|| "-".into(), |r| format!("{}/{}", r.polls_at_min, r.polls))
}

/// `12.34 MiB`, or `-` without a reading.
fn mib(bytes: Option<u64>) -> String {
    bytes.map_or_else(|| "-".into(), |b| format!("{:.2} MiB", b as f64 / MIB))
}

/// `lo–hi`, or `-` without readings.
fn range(lo: Option<usize>, hi: Option<usize>) -> String {
    match (lo, hi) {
        (Some(lo), Some(hi)) => format!("{lo}–{hi}"),
        _ => "-".into(),
    }
}

/// The human summary.
fn render(r: &Report) -> String {
    let c = &r.config;
    let s = &r.summary;
    let l = &c.load;
    let mut out = String::new();
    // `write!` into a `String` cannot fail.
    let _ = writeln!(
        out,
        "soak: {}, {}–{} threads, {} min of load, seed {}, {} cores",
        c.pool, c.min_threads, c.max_threads, c.minutes, c.seed, c.cores
    );
    let _ = writeln!(
        out,
        "load: Poisson {}/s + bursts of {}/s for {} s every {} s, no arrivals in the last {} s of \
         each minute; tasks {} % cpu ({} µs spin), {} % mixed ({} ms sleep + {} µs spin), {} % io \
         ({} ms sleep); 1 in {} panics",
        l.poisson_rate,
        l.burst_rate,
        l.burst_s,
        l.burst_s + l.quiet_s,
        l.pause_s,
        l.mix_cpu_mixed_io[0] * 100 / MIX_TOTAL,
        l.cpu_work_us,
        l.mix_cpu_mixed_io[1] * 100 / MIX_TOTAL,
        l.mixed_sleep_ms,
        l.mixed_work_us,
        l.mix_cpu_mixed_io[2] * 100 / MIX_TOTAL,
        l.io_sleep_ms,
        l.panic_one_in
    );
    let _ = writeln!(out);
    let rows: Vec<Vec<String>> = r
        .windows
        .iter()
        .map(|w| {
            vec![
                w.window.label(),
                mib(w.rest.map(|r| r.rss_bytes)),
                match (w.rss_min_bytes, w.rss_max_bytes) {
                    (Some(lo), Some(hi)) => {
                        format!("{:.2}–{:.2} MiB", lo as f64 / MIB, hi as f64 / MIB)
                    }
                    _ => "-".into(),
                },
                range(w.threads_min, w.threads_max),
                at_min(w.rest),
                w.process_threads_max
                    .map_or_else(|| "-".into(), |n| n.to_string()),
                format!("{}/{}", w.grows, w.shrinks),
                w.direction_changes.to_string(),
                w.tasks.to_string(),
            ]
        })
        .collect();
    out.push_str(&table::render(
        &[
            "minute",
            "RSS at rest",
            "RSS min–max",
            "pool threads",
            "at min in pause",
            "process threads max",
            "grows/shrinks",
            "direction changes",
            "tasks",
        ],
        &rows,
    ));
    let _ = writeln!(out);
    let a = &s.audit;
    let h = &s.handles;
    let _ = writeln!(
        out,
        "tasks: {} planned, {} submitted, {} ran once; lost {}, duplicated {}",
        r.plan.tasks, s.submitted, a.ran_once, a.lost, a.duplicated
    );
    let _ = writeln!(
        out,
        "panics: {} planned, {} caught ({} unexpected, {} missing); handles: {} received, {} cancelled, {} unresolved",
        r.plan.panics,
        h.planned_panics,
        h.unexpected_panics,
        h.missing_panics,
        h.received,
        h.cancelled,
        h.unresolved
    );
    match &s.drift {
        Drift::Measured {
            first_end_bytes,
            last_minute,
            last_end_bytes,
            change_pct,
        } => {
            let _ = writeln!(
                out,
                "RSS drift (lowest RSS in the pause that ends each minute): end of minute 1 {} \
                 ({first_end_bytes} B) -> end of minute {last_minute} {} ({last_end_bytes} B): \
                 {change_pct:+.2} % (limit +{RSS_DRIFT_LIMIT_PCT} %)",
                mib(Some(*first_end_bytes)),
                mib(Some(*last_end_bytes)),
            );
        }
        Drift::TooShort => {
            let _ = writeln!(
                out,
                "RSS drift: not checked (the run is shorter than {DRIFT_MIN_MINUTES} minutes)"
            );
        }
        Drift::Unmeasured => {
            let _ = writeln!(out, "RSS drift: not checked (no RSS reading)");
        }
    }
    let back = match &s.back_to_min {
        BackToMin::Returned { after_s } => format!(
            "back to {} in {after_s:.2} s after the last arrival",
            c.min_threads
        ),
        BackToMin::NotWithin { waited_s, threads } => format!(
            "NOT back to {}: still {threads} after {waited_s:.2} s",
            c.min_threads
        ),
    };
    let _ = writeln!(
        out,
        "threads: pool peak {}, process peak {}; {back} (limit {} s)",
        s.peak_pool_threads
            .map_or_else(|| "-".into(), |n| n.to_string()),
        s.peak_process_threads
            .map_or_else(|| "-".into(), |n| n.to_string()),
        RETURN_WAIT.as_secs()
    );
    let load_minutes = s.load_s / SECONDS_PER_MINUTE;
    let _ = writeln!(
        out,
        "controller: {} resizes, {} direction changes ({:.1} per minute of load), {} history gaps",
        s.resizes,
        s.direction_changes,
        s.direction_changes as f64 / load_minutes,
        s.history_gaps
    );
    if let (Some(cpu), Some(cores)) = (s.cpu_s, s.mean_cores) {
        let _ = writeln!(
            out,
            "CPU: {cpu:.1} s over {:.1} s of load ({cores:.2} cores on average)",
            s.load_s
        );
    }
    let _ = writeln!(out, "wall time: {:.1} s", s.wall_s);
    let _ = writeln!(out, "checks:");
    for check in &r.checks {
        let mark = match check.outcome {
            Outcome::Pass => "ok  ",
            Outcome::Fail => "FAIL",
            Outcome::Skip => "skip",
        };
        let _ = writeln!(out, "  {mark}  {}: {}", check.name, check.detail);
    }
    out
}

/// Two panels, one above the other: worker threads over time, and RSS over time.
fn chart(r: &Report) -> String {
    let load_s = r.summary.load_s;
    let x_label = "seconds since the load started".to_string();
    let threads = line_chart(
        &Chart {
            title: format!("soak: pool threads (load until {load_s:.0} s)"),
            x_label: x_label.clone(),
            y_label: "threads".into(),
            x_log2: false,
        },
        &[
            Series {
                name: "most in the second".into(),
                points: r
                    .samples
                    .iter()
                    .map(|s| (s.at_s, s.pool_threads_max as f64))
                    .collect(),
            },
            Series {
                name: "live at the sample".into(),
                points: r
                    .samples
                    .iter()
                    .map(|s| (s.at_s, s.pool_threads as f64))
                    .collect(),
            },
        ],
        &[HLine {
            name: format!("min ({})", r.config.min_threads),
            y: r.config.min_threads as f64,
        }],
    );
    let limits = match &r.summary.drift {
        Drift::Measured {
            first_end_bytes, ..
        } => {
            let first = *first_end_bytes as f64 / MIB;
            vec![
                HLine {
                    name: "end of minute 1".into(),
                    y: first,
                },
                HLine {
                    name: format!("+{RSS_DRIFT_LIMIT_PCT} % limit"),
                    y: first * (1.0 + RSS_DRIFT_LIMIT_PCT / 100.0),
                },
            ]
        }
        Drift::TooShort | Drift::Unmeasured => Vec::new(),
    };
    let rss = line_chart(
        &Chart {
            title: "soak: resident memory (VmRSS)".into(),
            x_label,
            y_label: "MiB".into(),
            x_log2: false,
        },
        &[
            Series {
                name: "RSS, every second".into(),
                points: r
                    .samples
                    .iter()
                    .filter_map(|s| Some((s.at_s, s.rss_bytes? as f64 / MIB)))
                    .collect(),
            },
            Series {
                name: "at rest, end of minute".into(),
                points: r
                    .windows
                    .iter()
                    .filter_map(|w| {
                        let end_s = match w.window {
                            Window::Minute(n) => (n as f64 * SECONDS_PER_MINUTE).min(load_s),
                            Window::AfterLoad => return None,
                        };
                        Some((end_s, w.rest?.rss_bytes as f64 / MIB))
                    })
                    .collect(),
            },
        ],
        &limits,
    );
    stack(&[threads, rss])
}

/// One SVG document with `panels` (each a `line_chart` document) one above the other, as
/// nested `<svg>` elements.
fn stack(panels: &[String]) -> String {
    let height = PANEL_HEIGHT * panels.len() as f64;
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{PANEL_WIDTH}" height="{height}" viewBox="0 0 {PANEL_WIDTH} {height}">"#
    );
    out.push('\n');
    for (i, panel) in panels.iter().enumerate() {
        let y = PANEL_HEIGHT * i as f64;
        out.push_str(&panel.replacen("<svg ", &format!(r#"<svg y="{y}" "#), 1));
        out.push('\n');
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;
    use clap::error::ErrorKind;

    use super::*;
    use crate::{Cli, Command};

    fn parse(args: &[&str]) -> Result<SoakArgs, clap::Error> {
        let argv = ["betapool-bench", "soak"].iter().chain(args);
        match Cli::try_parse_from(argv)?.command {
            Command::Soak(a) => Ok(a),
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn minutes_flag_rejects_bad_values_naming_the_flag() {
        for bad in ["0", "-1", "abc", "", "nan", "inf", "1e9", "0.05"] {
            let err = parse(&["--minutes", bad]).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::ValueValidation, "{bad}: {err}");
            assert!(err.to_string().contains("--minutes"), "{bad}: {err}");
        }
        let err = parse(&["--minutes", "abc"]).unwrap_err().to_string();
        assert!(err.contains("`abc` is not a number of minutes"), "{err}");
        let err = parse(&["--minutes", "0"]).unwrap_err().to_string();
        assert!(
            err.contains("must be a positive number of minutes, got 0"),
            "{err}"
        );
        let err = parse(&["--minutes", "0.05"]).unwrap_err().to_string();
        assert!(err.contains("must be at least 0.1"), "{err}");
        assert!(parse(&["--minutes"]).is_err());
        assert!(
            parse(&["--seed", "x"])
                .unwrap_err()
                .to_string()
                .contains("--seed")
        );
    }

    #[test]
    fn minutes_flag_accepts_fractions_and_has_defaults() {
        let a = parse(&["--minutes", "0.5", "--out", "x", "--seed", "7"]).unwrap();
        assert_eq!((a.minutes, a.out, a.seed), (0.5, PathBuf::from("x"), 7));
        let a = parse(&[]).unwrap();
        assert_eq!(
            (a.minutes, a.out, a.seed),
            (DEFAULT_MINUTES, PathBuf::from("target/soak"), 42)
        );
    }

    #[test]
    fn arrivals_are_seeded_ordered_and_bounded() {
        let end = Duration::from_secs(30);
        let a: Vec<Duration> = Arrivals::new(7, end).unwrap().collect();
        let b: Vec<Duration> = Arrivals::new(7, end).unwrap().collect();
        assert_eq!(a, b);
        assert_ne!(a, Arrivals::new(8, end).unwrap().collect::<Vec<_>>());
        assert!(a.windows(2).all(|w| w[0] <= w[1]));
        assert!(a.iter().all(|&t| t <= end));
        // 27 s at 500/s (the last 3 s are the run's pause), plus bursts at 5–7 s, 15–17 s
        // and 25–27 s at 5 000/s: 43 500 expected.
        assert!((41_000..46_000).contains(&a.len()), "{}", a.len());
        assert!(a.iter().all(|t| t.as_secs_f64() < 27.0));
        let rate = |from: f64, to: f64| {
            a.iter()
                .filter(|t| (from..to).contains(&t.as_secs_f64()))
                .count() as f64
                / (to - from)
        };
        assert!(rate(15.0, 17.0) > 4_500.0, "{}", rate(15.0, 17.0));
        assert!(rate(8.0, 14.0) < 600.0, "{}", rate(8.0, 14.0));
        assert_eq!(plan(7, end).unwrap().tasks, a.len());
    }

    #[test]
    fn pauses_end_every_minute_and_the_load() {
        let s = Duration::from_secs_f64;
        let end = s(150.0);
        assert!(!in_pause(s(56.9), end));
        assert!(in_pause(s(57.0), end));
        assert!(in_pause(s(59.99), end));
        assert!(!in_pause(s(60.0), end));
        assert!(in_pause(s(118.0), end));
        assert!(!in_pause(s(146.9), end));
        assert!(in_pause(s(147.5), end));
        let a: Vec<Duration> = Arrivals::new(1, end).unwrap().collect();
        assert!(!a.iter().any(|&t| in_pause(t, end)));
        assert!(a.iter().any(|t| (56.0..57.0).contains(&t.as_secs_f64())));
        assert!(a.iter().any(|t| (60.0..61.0).contains(&t.as_secs_f64())));
    }

    #[test]
    fn kinds_and_panics_follow_their_shares() {
        let n = 100_000;
        let mut kinds = [0usize; 3];
        for id in 0..n {
            kinds[kind_of(3, id).index()] += 1;
        }
        for ((_, weight), got) in MIX.iter().zip(kinds) {
            let want = n as f64 * *weight as f64 / MIX_TOTAL as f64;
            assert!((got as f64 - want).abs() < want * 0.05, "{kinds:?}");
        }
        let panics = (0..n).filter(|&id| planned_panic(3, id)).count();
        assert!((60..140).contains(&panics), "{panics}");
        assert_eq!(planned_panic(3, 17), planned_panic(3, 17));
    }

    #[test]
    fn ledger_finds_lost_and_duplicated_ids() {
        let ledger = Ledger::new(4);
        ledger.record(0);
        ledger.record(1);
        ledger.record(1);
        ledger.record(3);
        ledger.record(99); // out of range: ignored, not a panic
        let a = ledger.audit();
        assert_eq!((a.ran_once, a.lost, a.duplicated), (2, 1, 1));
        assert_eq!((a.lost_ids, a.duplicated_ids), (vec![2], vec![1]));
    }

    fn resize(t_s: f64, before: usize, after: usize) -> Resize {
        Resize { t_s, before, after }
    }

    fn tally(resizes: &[Resize], load_s: f64) -> Tally {
        let mut t = Tally::new(1);
        for &r in resizes {
            t.add(r, load_s);
        }
        t
    }

    #[test]
    fn direction_changes_count_turns_only() {
        let r = [
            resize(1.0, 4, 8),
            resize(2.0, 8, 16),
            resize(3.0, 16, 16), // refused: no direction
            resize(61.0, 16, 4), // a turn, in minute 2
            resize(62.0, 4, 4),
            resize(63.0, 4, 3),
            resize(121.0, 3, 9), // a turn, after a 2-minute load
        ];
        let t = tally(&r, 120.0);
        assert_eq!(t.resizes, 7);
        let moves = |grows, shrinks, direction_changes| Moves {
            grows,
            shrinks,
            direction_changes,
        };
        assert_eq!(t.moves(Window::Minute(1)), moves(2, 0, 0));
        assert_eq!(t.moves(Window::Minute(2)), moves(0, 2, 1));
        assert_eq!(t.moves(Window::AfterLoad), moves(1, 0, 1));
        assert_eq!(t.moves(Window::Minute(9)), Moves::default());
        assert_eq!(t.direction_changes(), 2);
        assert_eq!(tally(&[], 60.0).direction_changes(), 0);
    }

    fn sample(at_s: f64, rss: u64, threads: usize, submitted: u64) -> Sample {
        Sample {
            at_s,
            taken_s: at_s,
            phase: Phase::Load,
            rss_bytes: Some(rss),
            process_threads: Some(threads + 3),
            pool_threads: threads,
            pool_threads_min: threads,
            pool_threads_max: threads,
            target_threads: threads,
            submitted,
            ran: submitted,
        }
    }

    #[test]
    fn rest_keeps_the_lowest_rss_of_each_pause() {
        let mut rests = Vec::new();
        add_rest(&mut rests, 1, 300, false);
        add_rest(&mut rests, 1, 200, true);
        add_rest(&mut rests, 1, 250, true);
        add_rest(&mut rests, 2, 400, false);
        let want = |minute, rss_bytes, polls, polls_at_min| Rest {
            minute,
            rss_bytes,
            polls,
            polls_at_min,
        };
        assert_eq!(rests, vec![want(1, 200, 3, 2), want(2, 400, 1, 0)]);
    }

    #[test]
    fn windows_split_at_whole_minutes() {
        assert_eq!(Window::of(0.0, 150.0), Window::Minute(1));
        assert_eq!(Window::of(60.0, 150.0), Window::Minute(1));
        assert_eq!(Window::of(61.0, 150.0), Window::Minute(2));
        assert_eq!(Window::of(150.0, 150.0), Window::Minute(3));
        assert_eq!(Window::of(150.5, 150.0), Window::AfterLoad);
    }

    #[test]
    fn summary_and_drift_use_each_minutes_rest() {
        let samples = vec![
            sample(0.0, 100, 4, 0),
            sample(30.0, 180, 40, 50),
            sample(60.0, 200, 4, 100),
            sample(90.0, 400, 60, 150),
            sample(120.0, 210, 5, 200),
            sample(121.5, 150, 4, 200),
        ];
        let resizes = vec![
            resize(10.0, 4, 40),
            resize(40.0, 40, 4),
            resize(70.0, 4, 60),
            resize(100.0, 60, 5),
            resize(121.0, 5, 4),
        ];
        let rest = |minute, rss_bytes| Rest {
            minute,
            rss_bytes,
            polls: 12,
            polls_at_min: 11,
        };
        let seen = Observed {
            samples,
            tally: tally(&resizes, 120.0),
            rests: vec![rest(1, 190), rest(2, 209)],
            history_gaps: 0,
            resizes_counted: 0,
        };
        let windows: Vec<WindowSummary> = [Window::Minute(1), Window::Minute(2), Window::AfterLoad]
            .into_iter()
            .map(|w| summarize(&seen, w, 120.0))
            .collect();
        let m1 = &windows[0];
        assert_eq!(
            (m1.samples, m1.rss_end_bytes, m1.rss_max_bytes),
            (3, Some(200), Some(200))
        );
        assert_eq!((m1.threads_min, m1.threads_max), (Some(4), Some(40)));
        assert_eq!(
            (m1.grows, m1.shrinks, m1.direction_changes, m1.tasks),
            (1, 1, 1, 100)
        );
        let m2 = &windows[1];
        assert_eq!(
            (m2.rss_end_bytes, m2.direction_changes, m2.tasks),
            (Some(210), 2, 100)
        );
        assert_eq!(m2.rest, Some(rest(2, 209)));
        let after = &windows[2];
        assert_eq!((after.samples, after.shrinks, after.tasks), (1, 1, 0));
        assert_eq!(after.rest, None);
        match drift(&windows, 2.0) {
            Drift::Measured {
                first_end_bytes,
                last_minute,
                last_end_bytes,
                change_pct,
            } => {
                assert_eq!(
                    (first_end_bytes, last_minute, last_end_bytes),
                    (190, 2, 209)
                );
                assert!((change_pct - 10.0).abs() < 1e-9);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(drift(&windows, 1.5), Drift::TooShort));
    }

    #[test]
    fn stacked_chart_nests_one_panel_per_row() {
        let svg = stack(&["<svg a>1</svg>".into(), "<svg b>2</svg>".into()]);
        assert!(svg.starts_with("<svg xmlns="));
        assert!(svg.contains(r#"height="900""#));
        assert!(svg.contains(r#"<svg y="0" a>1</svg>"#));
        assert!(svg.contains(r#"<svg y="450" b>2</svg>"#));
        assert!(svg.ends_with("</svg>"));
    }
}
