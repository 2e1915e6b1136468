//! One worker's last readings, and what a new reading adds to the tick: its busy, CPU and
//! run-delay deltas, and whether the worker is stuck in a call (blocked).

use std::time::Duration;

use super::Sums;
use super::readings::{ClockReading, DelayReading, WorkerReading};
use crate::signal::task_state::TaskState;

/// The shortest window over which one worker's run-queue delay is read. The kernel adds a
/// thread's wait to its run delay only when the thread gets a core again, so over a single
/// millisecond the delay arrives in lumps; over ten it spans several time slices.
pub(crate) const DELAY_WINDOW: Duration = Duration::from_millis(10);

/// A worker whose CPU clock has not moved for this long while inside a task, and which the
/// kernel reports asleep, is counted as blocked (stuck in a call) rather than as a normal
/// blocking task. Longer than any ordinary I/O wait of the workloads the pool is measured on,
/// and short enough that a stuck worker is compensated well within 100 ms.
pub(crate) const BLOCKED_AFTER: Duration = Duration::from_millis(50);

/// A worker whose CPU clock advanced by less than this share of the wall time between two
/// readings did not compute in between.
pub(crate) const STILL_CPU_SHARE: f64 = 0.01;

/// The last readings of one worker thread. Times are since the sampler started.
#[derive(Debug, Clone, Copy)]
pub(super) struct Track {
    tid: u64,
    at: Duration,
    busy: Duration,
    cpu: Option<Duration>,
    /// Time, busy time, run delay and CPU time at the last `schedstat` read.
    delay_at: Duration,
    delay_busy: Duration,
    run_delay: Option<Duration>,
    delay_cpu: Duration,
    /// Since when the worker's CPU clock has not moved while it was inside a task.
    still_since: Option<Duration>,
    pub(super) blocked: bool,
}

impl Track {
    /// A first reading: a baseline that yields no deltas yet.
    pub(super) fn first(
        tid: u64,
        at: Duration,
        worker: &WorkerReading,
        cpu: Option<Duration>,
    ) -> Track {
        Track {
            tid,
            at,
            busy: worker.busy,
            cpu,
            delay_at: at,
            delay_busy: worker.busy,
            run_delay: None,
            delay_cpu: Duration::ZERO,
            still_since: None,
            blocked: false,
        }
    }

    /// Whether this track belongs to thread `tid` (a slot is reused by new threads).
    pub(super) fn is_of(&self, tid: u64) -> bool {
        self.tid == tid
    }

    /// Since when the worker will have been still (its CPU clock not moving while inside a
    /// task) once its CPU clock reads `cpu` at `at`, against `prev_cpu` at the last reading;
    /// `None` if it computed in between or is between tasks.
    fn still_since_after(
        &self,
        at: Duration,
        cpu: Duration,
        prev_cpu: Duration,
        worker: &WorkerReading,
    ) -> Option<Duration> {
        let dcpu = cpu.saturating_sub(prev_cpu);
        let dwall = at.saturating_sub(self.at);
        let still = dcpu.as_secs_f64() < dwall.as_secs_f64() * STILL_CPU_SHARE;
        match (still && worker.in_task_for.is_some(), self.still_since) {
            (false, _) => None,
            (true, Some(since)) => Some(since),
            (true, None) => Some(self.at),
        }
    }

    /// Whether the worker has been still for [`BLOCKED_AFTER`] in a task that has run that
    /// long: then only the kernel can tell a blocked worker from one waiting for a core (an
    /// oversubscribed CPU-bound worker can go without a turn for a long time).
    pub(super) fn long_still(&self, at: Duration, reading: &ClockReading) -> bool {
        let Some(tid) = reading.worker.tid else {
            return false;
        };
        let (Some(cpu), Some(prev_cpu)) = (reading.cpu, self.cpu) else {
            return false;
        };
        self.is_of(tid)
            && self
                .still_since_after(at, cpu, prev_cpu, &reading.worker)
                .is_some_and(|since| Self::still_long_enough(at, since, &reading.worker))
    }

    fn still_long_enough(at: Duration, since: Duration, worker: &WorkerReading) -> bool {
        at.saturating_sub(since) >= BLOCKED_AFTER
            && worker.in_task_for.is_some_and(|t| t >= BLOCKED_AFTER)
    }

    /// Takes a CPU clock reading of this track's thread: adds the busy and CPU time since the
    /// last one to `sums` unless the worker is blocked, and moves the baseline.
    pub(super) fn clock(&mut self, at: Duration, reading: &ClockReading, sums: &mut Sums) {
        let worker = &reading.worker;
        let (Some(cpu), Some(prev_cpu)) = (reading.cpu, self.cpu) else {
            self.cpu = reading.cpu;
            return;
        };
        let dbusy = worker.busy.saturating_sub(self.busy);
        let dcpu = cpu.saturating_sub(prev_cpu);
        self.still_since = self.still_since_after(at, cpu, prev_cpu, worker);
        self.blocked = self
            .still_since
            .is_some_and(|since| Self::still_long_enough(at, since, worker))
            && reading.task_state == Some(TaskState::Asleep);
        if !self.blocked && !dbusy.is_zero() {
            sums.busy += dbusy;
            sums.cpu += dcpu.min(dbusy);
            sums.clock_samples += 1;
        }
        self.at = at;
        self.busy = worker.busy;
        self.cpu = Some(cpu);
    }

    /// Whether a `schedstat` read is due: the first one, or [`DELAY_WINDOW`] after the last.
    pub(super) fn delay_due(&self, at: Duration) -> bool {
        self.run_delay.is_none() || at.saturating_sub(self.delay_at) >= DELAY_WINDOW
    }

    /// Takes a `schedstat` reading of this track's thread: adds the busy time, run delay and
    /// CPU time since the last one to `sums` unless the worker is blocked, and moves the
    /// baseline.
    pub(super) fn delay(&mut self, at: Duration, reading: &DelayReading, sums: &mut Sums) {
        let busy = reading.worker.busy;
        if let Some(prev) = self.run_delay {
            let dbusy = busy.saturating_sub(self.delay_busy);
            if !dbusy.is_zero() && !self.blocked {
                sums.delay_busy += dbusy;
                sums.delay += reading.run_delay.saturating_sub(prev).min(dbusy);
                sums.delay_cpu += reading.on_cpu.saturating_sub(self.delay_cpu).min(dbusy);
                sums.delay_samples += 1;
            }
        }
        self.run_delay = Some(reading.run_delay);
        self.delay_cpu = reading.on_cpu;
        self.delay_busy = busy;
        self.delay_at = at;
    }
}
