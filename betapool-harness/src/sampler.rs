//! The sampler thread: reads the process's thread count every interval for the timeline and
//! reports progress, until the run ends.

use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use crate::options::ProgressFn;
use crate::procfs;
use crate::report::TimelinePoint;
use crate::tracker::Tracker;

/// The sampler thread's name (the kernel keeps 15 bytes of it).
const THREAD_NAME: &str = "bp-harness-smpl";

/// What the sampler needs to know.
pub(crate) struct SamplerConfig {
    /// The run's start; timeline times are measured from it.
    pub(crate) start: Instant,
    pub(crate) interval: Duration,
    /// Threads to subtract from each reading: the sampler's own, plus the baseline.
    pub(crate) discount: usize,
    pub(crate) total: u64,
    pub(crate) progress: Option<ProgressFn>,
}

/// A running sampler; [`stop`](Self::stop) ends it and hands back the timeline.
#[derive(Debug)]
pub(crate) struct Sampler {
    /// Dropping the sender is the stop signal: the thread's `recv_timeout` sees it at once.
    stop: mpsc::Sender<()>,
    handle: thread::JoinHandle<Vec<TimelinePoint>>,
}

impl Sampler {
    /// Starts the thread; it samples at once, then every `interval`.
    pub(crate) fn start(config: SamplerConfig, tracker: Arc<Tracker>) -> io::Result<Sampler> {
        let (stop, stopped) = mpsc::channel();
        let handle = thread::Builder::new()
            .name(THREAD_NAME.to_owned())
            .spawn(move || sample_until_stopped(config, &tracker, &stopped))?;
        Ok(Sampler { stop, handle })
    }

    /// Stops the thread after one last sample and returns the timeline.
    pub(crate) fn stop(self) -> Vec<TimelinePoint> {
        drop(self.stop);
        // The loop catches the only code that could panic (the progress callback), so a join
        // error is not expected; an empty timeline is the harmless answer if it ever happens.
        self.handle.join().unwrap_or_default()
    }
}

/// The thread's body.
fn sample_until_stopped(
    config: SamplerConfig,
    tracker: &Tracker,
    stopped: &mpsc::Receiver<()>,
) -> Vec<TimelinePoint> {
    let mut timeline = Vec::new();
    let mut progress = config.progress.clone();
    loop {
        take_sample(&config, &mut timeline);
        report_progress(&mut progress, tracker.finished(), config.total);
        match stopped.recv_timeout(config.interval) {
            Err(RecvTimeoutError::Timeout) => {}
            // The sender was dropped (or, never, sent): the run is over.
            Ok(()) | Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    take_sample(&config, &mut timeline);
    report_progress(&mut progress, tracker.finished(), config.total);
    timeline
}

/// Appends one reading, if the thread count can be read on this system.
fn take_sample(config: &SamplerConfig, timeline: &mut Vec<TimelinePoint>) {
    if let Some(threads) = procfs::thread_count() {
        timeline.push(TimelinePoint {
            t_s: config.start.elapsed().as_secs_f64(),
            threads: threads.saturating_sub(config.discount),
        });
    }
}

/// Calls the progress callback. One that panics is not called again, so that a broken
/// progress display cannot take the timeline down with it (the panic hook still prints it).
fn report_progress(progress: &mut Option<ProgressFn>, finished: u64, total: u64) {
    if let Some(f) = progress
        && catch_unwind(AssertUnwindSafe(|| f(finished, total))).is_err()
    {
        *progress = None;
    }
}
