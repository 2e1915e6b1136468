//! The monitor thread: while the load runs it reads the pool's thread count every [`POLL`],
//! and every second samples RSS, threads and progress and reads the controller's decision
//! history.
//!
//! The history keeps only the newest `LOG_LIMIT` resizes, so it is read often and
//! de-duplicated by timestamp, and the resizes and direction changes are counted per minute
//! as they are read ([`Tally`]), so that the monitor itself keeps no list that grows with the
//! run.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use betapool_harness::{AdaptiveExecutor, procfs};
use serde::Serialize;

use super::arrivals::{SECONDS_PER_MINUTE, in_pause};
use super::drive::RETURN_WAIT;
use super::ledger::Ledger;
use super::memory::{Rest, add_rest};
use super::render::progress_line;
use super::tally::{Resize, Tally};
use super::window::{Window, summarize};

/// How often the monitor reads the pool's thread count (and, in a pause, RSS).
pub(crate) const POLL: Duration = Duration::from_millis(250);

/// Every this many polls the monitor keeps a sample and reads the decision history: once a
/// second. The controller records at most one resize per tick (1 ms while busy), so its
/// 10 000-record history spans at least 10 s and a read every second misses none; reading it
/// copies the whole history, so not more often.
const POLLS_PER_SAMPLE: u64 = 4;

/// Samples per minute, to report each minute as it ends.
const SAMPLES_PER_MINUTE: u64 = 60;

/// Whether a moment belongs to the load or comes after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Phase {
    Load,
    Drain,
}

/// One reading, taken every second.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Sample {
    /// When the reading was due, in seconds since the load started: whole seconds, except for
    /// the last reading, taken once the pool is back at its minimum (or the wait is over).
    pub(crate) at_s: f64,
    /// When it was taken.
    pub(crate) taken_s: f64,
    pub(crate) phase: Phase,
    /// `VmRSS` of `/proc/self/status`.
    pub(crate) rss_bytes: Option<u64>,
    /// Every thread of the process (`Threads` of `/proc/self/status`).
    pub(crate) process_threads: Option<usize>,
    /// The pool's live workers now.
    pub(crate) pool_threads: usize,
    /// The fewest live workers at the history polls since the previous sample.
    pub(crate) pool_threads_min: usize,
    /// The most live workers at the history polls since the previous sample.
    pub(crate) pool_threads_max: usize,
    /// The size the controller steers towards.
    pub(crate) target_threads: usize,
    /// Tasks submitted so far.
    pub(crate) submitted: u64,
    /// Tasks started so far.
    pub(crate) ran: u64,
}

/// What the monitor thread saw.
#[derive(Debug, Default)]
pub(crate) struct Observed {
    pub(crate) samples: Vec<Sample>,
    pub(crate) tally: Tally,
    /// One per minute, in order.
    pub(crate) rests: Vec<Rest>,
    /// Polls at which the history had already dropped resizes the monitor had not seen.
    pub(crate) history_gaps: usize,
    /// Resizes the pool's counters had reported at the last poll.
    pub(crate) resizes_counted: u64,
}

/// The monitor thread: reads the decision history and samples the process until stopped.
pub(crate) struct Monitor<'a> {
    pub(crate) exec: &'a AdaptiveExecutor,
    pub(crate) start: Instant,
    pub(crate) load: Duration,
    pub(crate) load_s: f64,
    pub(crate) stop: &'a AtomicBool,
    pub(crate) submitted: &'a AtomicU64,
    pub(crate) ledger: &'a Ledger,
}

impl Monitor<'_> {
    pub(crate) fn run(&self) -> Observed {
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

/// Sleeps until `when`; not at all if it has passed.
pub(crate) fn sleep_until(when: Instant) {
    let wait = when.saturating_duration_since(Instant::now());
    if !wait.is_zero() {
        thread::sleep(wait);
    }
}
