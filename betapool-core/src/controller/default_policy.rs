//! `DefaultPolicy`: size the pool by Little's law while there is demand, and let CPU
//! contention veto growth and pull the size back down.
//!
//! The seed's policy creeps (+2 threads per 2 s) and reads time spent waiting for a core as
//! blocking. This one jumps: with tasks waiting and the cores not full, it sets the target to
//! the size that would keep every core busy, `cores × (busy − run_delay) / cpu` (each worker,
//! if it never queued for a core, would use one for `cpu / (busy − run_delay)` of its busy
//! time). When workers spend a large share of their busy time waiting for a core
//! (`contention`), the cores are full: growth is vetoed, and when the share is large the
//! target comes down to that same size. Growth and shrinking aim at one size, so the pool
//! settles instead of swinging between two. Without demand, the pool shrinks to what its busy
//! workers need.
//!
//! Tasks may report waits for a lock that serialises the workers (Python's GIL): such a wait
//! reads as contention, not blocking. While the process uses at most one and a half cores, and
//! either a tenth of the busy time goes on such waits or the process uses nine tenths of a
//! core, the lock is the bottleneck and growth is vetoed outright: a worker can also lose the
//! lock inside a call, where no report sees it. Work that is blocked beyond doubt once those
//! waits are taken out (sleeping callables queued by a thread that holds the lock while it
//! submits them) is exempt: its threads hold the lock for a sliver of each call.

use std::time::Duration;

use super::{Action, Decision, DecisionPolicy, Observation};

/// Threads per core of CPU demand that the Little's-law size adds as a margin. The ratio is
/// measured with noise, and blocking work needs slack to keep the cores busy (a 100 µs sleep
/// takes 150 µs with timer slack, and the wake-ups bunch up); half as many threads again as the
/// bare estimate measured best on the mixed workload, and costs little elsewhere: surplus
/// threads of blocked work are parked in the kernel, and CPU-bound work is held back by the
/// contention veto, not by this margin.
const HEADROOM: f64 = 1.5;

/// The margin for work that is blocked beyond doubt (own ratio of at least
/// [`OBVIOUSLY_BLOCKED`]). Its CPU per task is a few microseconds, so the ratio is known only
/// roughly (the first readings of a burst of 1 ms sleeps measure 50 to 130 where the settled
/// value is 230 to 300), while the costs are lopsided: a surplus thread of such work is parked
/// in the kernel, and a missing one costs throughput in proportion, more so since starting
/// threads is slow (40 to 150 µs each here while the cores are busy).
const BLOCKED_HEADROOM: f64 = 3.0;

/// The margin for work whose own ratio is `ratio`: never smaller for a larger ratio, so the
/// size stays monotone in the blocking ratio.
fn headroom(ratio: f64) -> f64 {
    if ratio >= OBVIOUSLY_BLOCKED {
        BLOCKED_HEADROOM
    } else {
        HEADROOM
    }
}

/// Threads per task present (running or queued) that growth may reach. Little's law gives the
/// size that keeps the cores busy if the work is there; when fewer tasks exist than that (a
/// service whose clients keep a few dozen requests in flight), the threads beyond them would
/// only wait. Measured under `cargo xtask load`, 64 connections: without this bound the five
/// named pools grew to their ceilings (512 threads for at most 64 requests in flight, whose
/// steps wait 5 to 20 ms each) and answered fewer requests than one shared static pool. The
/// margin covers the tasks that arrive before the next tick.
const TASK_HEADROOM: f64 = 1.5;

/// Contention (share of busy time spent waiting for a core) at which growth is vetoed: beyond
/// it, a new thread mostly queues for a core that another worker is using.
const CONTENTION_VETO: f64 = 0.35;

/// Contention at which the pool is shrunk towards the size that leaves no worker waiting. Kept
/// well above the veto so the size does not flap between growing and shrinking; 4 CPU-bound
/// workers on 2 cores measure 0.5, 8 measure 0.75.
const CONTENTION_SHRINK: f64 = 0.6;

/// Share of the usable cores the process must be using before the cores count as saturated
/// and growth is vetoed, when contention cannot be measured (no run-queue delays). With
/// contention known, the process's CPU is not used to veto: over a 10 ms window it reads
/// anything from 1.8 to 2.2 of 2 cores while hundreds of threads start, and pure I/O work
/// that keeps both cores busy with wake-ups still gains from more threads until contention
/// says otherwise.
const CPU_SATURATED: f64 = 0.95;

/// How long demand must be absent before the pool shrinks: its threads' keep-alive. Load comes
/// back (bursts of requests, batch jobs on a timer), and starting a thread costs 85–95 µs of
/// CPU here whatever its stack size: the 508 threads a burst of 1 ms sleeps wants cost 40–48 ms
/// of CPU on two cores, about half of what the burst itself takes at the best static size. A
/// burst that returns within two seconds finds its threads parked and warm; after two quiet
/// seconds the pool shrinks to what its busy workers need, well within the 10 s that tokio's
/// blocking pool keeps idle threads. Parked threads cost no CPU, only their stacks' touched
/// pages.
const IDLE_GRACE: Duration = Duration::from_secs(2);

/// Time constant of the smoothing applied to the measured ratios. A tick's sample covers a
/// millisecond and up to 32 workers; averaging over a few ticks removes most of that noise,
/// and a burst of 1 ms tasks that is over in 80 ms cannot wait for a slower average (measured:
/// with 10 ms the pool reached 476 threads 20 ms into such a burst instead of at once).
const SMOOTHING: Duration = Duration::from_millis(3);

/// Time constant for the number of busy workers, which sizes the pool when demand is gone.
/// Longer than `SMOOTHING`: arrival-driven load fluctuates from one millisecond to the next.
const BUSY_SMOOTHING: Duration = Duration::from_millis(50);

/// How long after a growth the pool is not shrunk for contention, nor, if its work is clearly
/// blocked, kept from growing by it. While hundreds of new threads start, each waits for a
/// core before its first task, and the run delays read then describe the start-up rather than
/// the work (measured: contention 0.4 to 0.9 just after 200 to 470 threads started for 1 ms
/// sleeps, 0.1 once they ran). Two run-delay windows.
const SETTLE: Duration = Duration::from_millis(20);

/// How much longer a growth settles for each thread it adds: starting a thread costs 90 to
/// 290 µs here while the cores are busy, so the start-up of a large growth outlasts
/// [`SETTLE`] (measured on `io`, 1 ms sleeps: 27 to 29 ms after growths to 414 and 512
/// threads, the delays of threads still starting read as a contention of 0.74 to 0.98 and
/// shrank the pool to 266 and 16 threads for 100 to 150 ms).
const SETTLE_PER_THREAD: Duration = Duration::from_micros(150);

/// When the blocking ratio is unknown (no thread CPU clocks), grow by this factor per decision
/// while there is demand and the cores are not saturated.
const BLIND_GROWTH_FACTOR: usize = 2;

/// Busy time per CPU time above which work is blocked beyond doubt (β ≥ 0.95). Below it, the
/// policy waits for a contention reading before growing: CPU-bound workers that share two cores
/// with a thread flooding them with tasks measure up to ~10 busy per CPU at first.
const OBVIOUSLY_BLOCKED: f64 = 20.0;

/// Share of the workers' busy time spent in reported waits for a shared lock (averaged with
/// [`LOCK_WEIGHT`]) from which the lock counts as contended. Workers running pure-Python
/// code report far more: four of them with 2 ms calls wait three quarters of the time as each
/// call starts, and with calls of 25 ms, which lose the GIL inside the call where no report
/// sees it, they still report about a fifth. Callables that release the GIL (sleeps, I/O)
/// report a few per cent even on 64 threads, while they wait behind each other's bookkeeping.
const LOCK_CONTENDED: f64 = 0.1;

/// Weight of one tick's lock-wait share in its running average, counted only on ticks that
/// carry news of the lock: a task completed (and the next call took the lock) or a wait was
/// reported. With long calls, which lose the lock inside the call where no report sees it,
/// ticks without either are most ticks, and a process starved of cores by other programs
/// completes nothing for a long time; neither says the lock is free, so neither lowers the
/// average. A weight of a tenth averages over the last ten or so such ticks: the bursts of
/// waits of long calls keep the share above [`LOCK_CONTENDED`], while the waits of sleeping
/// callables behind the thread submitting them are forgotten within twenty completions.
const LOCK_WEIGHT: f64 = 0.1;

/// Cores of CPU from which the process's lock counts as saturated, for a pool whose tasks
/// report waiting for it, whatever the share of their reported waits. Python code runs only
/// under the GIL, so a Python process using nine tenths of a core has it held nine tenths of
/// the time, and a thread more can add at most the tenth left; the rule catches workers that
/// lose the GIL inside long calls, which report few waits. Callables that release the GIL
/// (sleeps, I/O, with a little Python around them) use far less until the pool is large.
const LOCK_SATURATED_CORES: f64 = 0.9;

/// The most cores the process may use for its workers to count as serialised by a contended
/// lock. The GIL lets one thread run Python code at a time, so Python workers together use at
/// most one core whatever their number (less on a machine busy with other work), plus the
/// pool's own code (queueing, the controller): pure-Python work on four workers reads 0.95 to
/// 1.1 cores (measured on two cores). Half a core above one is the midpoint between that and
/// the two cores of the smallest machine where threads can run native code (which releases
/// the lock) side by side, which more threads can then speed up; it leaves room for the noise
/// that [`LOCK_CPU_SMOOTHING`] leaves.
const SERIALISED_MAX_CORES: f64 = 1.5;

/// Time constant of the process CPU rate the lock rules read. Over its 10 ms window the rate
/// moves in scheduler-tick steps: single windows of pure-Python work on four workers read up
/// to 1.5 cores where the mean is 1.05 (measured on two cores), and one such window must not
/// let a jump through. Five windows average most of that out, and still follow a workload
/// that changes within a tenth of a second.
const LOCK_CPU_SMOOTHING: Duration = Duration::from_millis(50);

/// Reported-lock ticks after which [`LOCK_WEIGHT`] takes over from a plain mean, so that the
/// first ticks (whose waits have only just begun) do not weigh on the average for long.
const LOCK_WARM_UP: u32 = 10;

/// How long the policy waits for its first CPU measurement before concluding that the thread
/// clocks are unavailable and growing blind.
const BLIND_AFTER: Duration = Duration::from_millis(50);

/// The adaptive pool's default policy. See the module documentation for the rule; every
/// constant it uses is documented with the reason for its value.
///
/// ```
/// use std::time::Duration;
/// use betapool_core::controller::{Action, DecisionPolicy, DefaultPolicy, Observation};
///
/// let mut policy = DefaultPolicy::new();
/// // Four workers, all blocked (1 ms of busy time each, 10 µs of CPU), tasks queued.
/// let obs = Observation {
///     now: Duration::from_millis(1),
///     window: Duration::from_millis(1),
///     current_threads: 4, target: 4, min_threads: 4, max_threads: 512,
///     busy_workers: 4, queued: 1_000, cores: 2,
///     busy_delta: Duration::from_millis(4),
///     cpu_delta: Some(Duration::from_micros(40)),
///     run_delay_delta: Some(Duration::ZERO),
///     process_cpu_cores: Some(0.1),
///     ..Observation::default()
/// };
/// // Little's law: 2 cores × 100 busy per cpu × 3 (the margin for clearly blocked work)
/// // = 600 threads, at once, within the maximum of 512.
/// assert_eq!(policy.decide(&obs).action, Action::Grow(508));
/// ```
#[derive(Debug, Clone, Default)]
pub struct DefaultPolicy {
    /// Smoothed `busy / cpu` of the sampled workers.
    busy_per_cpu: Option<f64>,
    /// Smoothed `(busy − run_delay) / cpu`: the work's own ratio, without queueing for cores.
    own_per_cpu: Option<f64>,
    /// Smoothed share of busy time spent waiting for a core.
    contention: Option<f64>,
    /// Smoothed count of busy workers.
    busy_workers: Option<f64>,
    /// When demand was last seen.
    last_demand: Option<Duration>,
    /// Until when the last growth settles ([`SETTLE`] plus [`SETTLE_PER_THREAD`] per thread).
    settle_until: Option<Duration>,
    /// Smoothed share of busy time spent in reported waits for a shared lock.
    lock_share: Option<f64>,
    /// How many ticks have moved `lock_share`, up to [`LOCK_WARM_UP`].
    lock_ticks: u32,
    /// The process CPU rate, in cores, smoothed over [`LOCK_CPU_SMOOTHING`].
    process_cpu: Option<f64>,
    /// The `now` of the previous observation.
    last_now: Option<Duration>,
}

impl DefaultPolicy {
    /// A policy with nothing measured yet.
    pub fn new() -> DefaultPolicy {
        DefaultPolicy::default()
    }

    /// Folds this tick's measurements into the smoothed values.
    fn observe(&mut self, obs: &Observation) {
        let dt = match self.last_now {
            Some(last) => obs.now.saturating_sub(last),
            None => obs.window,
        };
        self.last_now = Some(obs.now);
        let weight = |tau: Duration| {
            if tau.is_zero() {
                1.0
            } else {
                1.0 - (-dt.as_secs_f64() / tau.as_secs_f64()).exp()
            }
        };
        let fast = weight(SMOOTHING);
        if let (Some(cpu), false) = (obs.cpu_delta, obs.busy_delta.is_zero()) {
            // A worker cannot use more CPU than its busy time; clamping keeps the ratio ≥ 1.
            // Time spent waiting for a shared lock is not the work's: it is left out.
            let busy = obs.busy_delta.saturating_sub(obs.lock_wait_delta);
            let ratio = busy.as_secs_f64() / cpu.as_secs_f64().max(1e-9);
            let ratio = ratio.clamp(1.0, 1e6);
            ewma(&mut self.busy_per_cpu, ratio, fast);
            if let Some(delay) = obs.run_delay_delta {
                let own = obs.busy_delta.saturating_sub(delay).as_secs_f64()
                    / cpu.as_secs_f64().max(1e-9);
                ewma(&mut self.own_per_cpu, own.clamp(1.0, 1e6), fast);
            }
        }
        if let Some(c) = obs.contention() {
            ewma(&mut self.contention, c, fast);
        }
        ewma(
            &mut self.busy_workers,
            obs.busy_workers as f64,
            weight(BUSY_SMOOTHING),
        );
        if obs.has_demand() {
            self.last_demand = Some(obs.now);
        }
        // Only pools whose tasks have reported a wait keep the share at all, and only ticks
        // with news of the lock move it (see `LOCK_WEIGHT`).
        let reported = !obs.lock_wait_delta.is_zero();
        let news = reported || (self.lock_share.is_some() && obs.completed_delta > 0);
        if news && !obs.busy_delta.is_zero() {
            let share = obs.lock_wait_delta.as_secs_f64() / obs.busy_delta.as_secs_f64();
            self.lock_ticks = self.lock_ticks.saturating_add(1).min(LOCK_WARM_UP);
            let weight = LOCK_WEIGHT.max(1.0 / f64::from(self.lock_ticks));
            ewma(&mut self.lock_share, share.min(1.0), weight);
        }
        if let Some(cores) = obs.process_cpu_cores {
            ewma(&mut self.process_cpu, cores, weight(LOCK_CPU_SMOOTHING));
        }
    }

    /// Whether the workers are serialised by a lock their tasks report waiting for: a pool
    /// whose tasks have reported such waits, with the process using at most
    /// [`SERIALISED_MAX_CORES`] (or its CPU not known yet, since the first waits are those
    /// behind the thread still submitting the work), and either the smoothed share of busy
    /// time in reported waits at least [`LOCK_CONTENDED`] or the process using at least
    /// [`LOCK_SATURATED_CORES`].
    fn lock_bound(&self) -> bool {
        let Some(share) = self.lock_share else {
            return false;
        };
        let cpu = self.process_cpu;
        cpu.is_none_or(|c| c <= SERIALISED_MAX_CORES)
            && (share >= LOCK_CONTENDED || cpu.is_some_and(|c| c >= LOCK_SATURATED_CORES))
    }

    /// Turns an absolute target into a decision relative to the engine's current target.
    fn towards(obs: &Observation, target: usize, reason: String) -> Decision {
        let target = target
            .max(obs.min_threads)
            .min(obs.max_threads.max(obs.min_threads));
        match target.cmp(&obs.target) {
            std::cmp::Ordering::Greater => Decision::grow(target - obs.target, reason),
            std::cmp::Ordering::Less => Decision::shrink(obs.target - target, reason),
            std::cmp::Ordering::Equal => Decision::hold(reason),
        }
    }
}

/// The most threads the tasks present (running or queued) could use, with [`TASK_HEADROOM`].
fn enough_for_tasks(obs: &Observation) -> usize {
    ceil(obs.busy_workers.saturating_add(obs.queued) as f64 * TASK_HEADROOM)
}

fn ewma(slot: &mut Option<f64>, value: f64, weight: f64) {
    *slot = Some(match *slot {
        Some(old) => old + weight * (value - old),
        None => value,
    });
}

fn ceil(x: f64) -> usize {
    if x.is_finite() && x > 0.0 {
        x.ceil().min(usize::MAX as f64) as usize
    } else {
        0
    }
}

impl DecisionPolicy for DefaultPolicy {
    fn decide(&mut self, obs: &Observation) -> Decision {
        self.observe(obs);
        let decision = self.choose(obs);
        if let Action::Grow(n) = decision.action {
            let start_up = SETTLE_PER_THREAD.saturating_mul(u32::try_from(n).unwrap_or(u32::MAX));
            self.settle_until = Some(obs.now.saturating_add(SETTLE.saturating_add(start_up)));
        }
        decision
    }

    fn name(&self) -> &str {
        "default"
    }
}

impl DefaultPolicy {
    /// The decision for `obs`, once it has been folded into the smoothed values.
    fn choose(&mut self, obs: &Observation) -> Decision {
        let cores = obs.cores.max(1) as f64;
        let contention = self.contention.unwrap_or(0.0);
        let saturated = self.contention.is_none()
            && obs
                .process_cpu_cores
                .is_some_and(|c| c >= cores * CPU_SATURATED);
        // Work blocked beyond doubt once its lock waits and its waits for a core are taken out
        // (sleeping callables behind a thread that holds the lock while it submits them) is
        // not serialised by the lock: its threads hold it for a sliver of each call, and more
        // of them sleep more sleeps at once.
        let clearly_blocked = self
            .own_per_cpu
            .or(self.busy_per_cpu)
            .is_some_and(|r| r >= OBVIOUSLY_BLOCKED);
        let lock_bound = self.lock_bound() && !clearly_blocked;
        // Workers stuck in a call are not available to run tasks: the pool keeps its minimum
        // of available workers by adding one thread per stuck worker. Workers serialised by a
        // lock look stuck while they wait for it inside a call, and a thread more would only
        // join the wait, so they are not made up for.
        let floor = if lock_bound {
            obs.min_threads
        } else {
            obs.min_threads.saturating_add(obs.blocked_workers)
        };

        if obs.has_demand() {
            let settling = self.settle_until.is_some_and(|until| obs.now < until);
            // Work blocked beyond doubt is not shrunk for contention, only kept from growing:
            // its threads queue for the cores to handle their wake-ups, and fewer of them
            // would sleep fewer sleeps at once. Measured on `io` (1 ms sleeps, 512 threads
            // best): 29 ms after a growth to 414, with hundreds of threads still starting,
            // the own ratio read 44 where it settles above 100, and the shrink to 266 that it
            // implied held for 145 ms of a 1.3 s run.
            if contention >= CONTENTION_SHRINK && !settling && !clearly_blocked {
                // Cores full: come down to the size that keeps them busy without the queue for
                // them, cores × (busy − run_delay) / cpu. Its time waiting for a core is what a
                // worker would not spend if there were fewer of them.
                let own = self.own_per_cpu.unwrap_or(1.0);
                let fit = ceil(cores * headroom(own) * own);
                let target = fit.max(floor).min(obs.target.max(floor));
                return Self::towards(
                    obs,
                    target,
                    format!("cores full: contention {contention:.2}, fits {fit} threads"),
                );
            }
            // While a growth settles, the contention of clearly blocked work is the start-up
            // of its new threads, not a sign that the cores are full.
            let starting_up = settling
                && self
                    .own_per_cpu
                    .or(self.busy_per_cpu)
                    .is_some_and(|r| r >= OBVIOUSLY_BLOCKED);
            if lock_bound {
                // One thread at a time runs under the lock: a new thread only queues for it.
                // Not lifted while a growth settles, since it does not rest on run delays.
                return Self::towards(
                    obs,
                    obs.target.max(floor),
                    format!(
                        "veto growth: tasks wait for a shared lock ({:.2} of busy time), \
                         cpu {:.2} cores",
                        self.lock_share.unwrap_or(0.0),
                        self.process_cpu.unwrap_or(f64::NAN)
                    ),
                );
            }
            if (contention >= CONTENTION_VETO || saturated) && !starting_up {
                let target = obs.target.max(floor);
                return Self::towards(
                    obs,
                    target,
                    format!(
                        "veto growth: contention {contention:.2}, cpu {:.2} of {cores} cores",
                        obs.process_cpu_cores.unwrap_or(f64::NAN)
                    ),
                );
            }
            let Some(busy_per_cpu) = self.busy_per_cpu else {
                if obs.cpu_delta.is_some() || obs.now < BLIND_AFTER {
                    // The clocks work but no busy worker has been measured twice yet: one more
                    // tick gives the ratio, and guessing now would oversubscribe CPU-bound work.
                    return Self::towards(obs, obs.target.max(floor), "demand, measuring".into());
                }
                let target = obs
                    .target
                    .saturating_mul(BLIND_GROWTH_FACTOR)
                    .min(enough_for_tasks(obs))
                    .max(obs.target)
                    .max(floor);
                return Self::towards(obs, target, "demand, no CPU clocks: doubling".into());
            };
            if self.contention.is_none() && busy_per_cpu < OBVIOUSLY_BLOCKED {
                // No run-delay reading yet (the first ~10 ms of a pool's life): CPU-bound work
                // that merely shares the cores with its submitter can look half blocked, so
                // only clearly blocked work may grow before contention is known.
                return Self::towards(
                    obs,
                    obs.target.max(floor),
                    format!("demand, measuring contention (busy/cpu {busy_per_cpu:.1})"),
                );
            }
            // The work's own ratio once run delays are known; before, busy / cpu (which is
            // only larger by the queueing, small for work this clearly blocked).
            let ratio = self.own_per_cpu.unwrap_or(busy_per_cpu);
            let little = ceil(cores * headroom(ratio) * ratio);
            let enough = enough_for_tasks(obs);
            let target = little
                .saturating_add(obs.blocked_workers)
                .min(enough)
                .max(obs.target)
                .max(floor);
            return Self::towards(
                obs,
                target,
                format!(
                    "demand: Little's law {little} (busy/cpu {busy_per_cpu:.1}, own {ratio:.1}), \
                     tasks allow {enough}"
                ),
            );
        }

        let quiet_for = self
            .last_demand
            .map_or(obs.now, |t| obs.now.saturating_sub(t));
        if quiet_for < IDLE_GRACE {
            return Self::towards(obs, obs.target.max(floor), "idle workers, waiting".into());
        }
        let busy = self.busy_workers.unwrap_or(0.0);
        let need = ceil(busy * HEADROOM).max(floor);
        Self::towards(
            obs,
            need.min(obs.target.max(floor)),
            format!("no demand for {} ms: {busy:.1} busy", quiet_for.as_millis()),
        )
    }
}

#[cfg(test)]
mod tests;
