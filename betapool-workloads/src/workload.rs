//! `Workload`: named phases of tasks, with an optional arrival process.

use std::cmp::Reverse;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::arrival_spec::ArrivalSpec;
use crate::catalog;
use crate::error::WorkloadError;
use crate::task::TaskSpec;

/// The longest idle pause a phase may ask for. The benchmark's longest gap is 3 s and tokio
/// keeps idle threads for 10 s, so gaps of up to a few minutes say something about a pool;
/// anything longer is a typo, and a run that sleeps for it looks hung.
pub const MAX_PAUSE: Duration = Duration::from_secs(600);

/// One phase of a workload: `tasks` tasks of one kind, submitted after an optional idle
/// `pause`. A harness runs a workload's phases one after another, so the work changes over
/// time; pauses make it come back after a rest, as real traffic does.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_workloads::{Phase, TaskSpec};
///
/// let phase = Phase::new("io", TaskSpec::Io { sleep: Duration::from_millis(1) }, 100);
/// assert_eq!((phase.tasks, phase.pause), (100, Duration::ZERO));
/// let later = phase.with_pause(Duration::from_secs(1));
/// assert_eq!(later.pause, Duration::from_secs(1));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Phase {
    /// The phase's name in reports.
    pub name: String,
    /// What each task of the phase does.
    pub spec: TaskSpec,
    /// How many tasks the phase has; at least 1.
    pub tasks: usize,
    /// How long the workload is idle after the previous phase's last task ends (for the first
    /// phase: after the run starts) before this phase's first submission; at most
    /// [`MAX_PAUSE`]. Nothing is submitted meanwhile, so a pool's behaviour at rest shows. A
    /// harness leaves pauses out of the elapsed time it reports. Default zero.
    #[serde(default)]
    pub pause: Duration,
}

impl Phase {
    /// A phase of `tasks` tasks of `spec`, with no pause before it.
    ///
    /// ```
    /// use betapool_workloads::{Phase, TaskSpec};
    ///
    /// let phase = Phase::new("spin", TaskSpec::Cpu { work: std::time::Duration::ZERO }, 10);
    /// assert_eq!(phase.name, "spin");
    /// ```
    pub fn new(name: impl Into<String>, spec: TaskSpec, tasks: usize) -> Phase {
        Phase {
            name: name.into(),
            spec,
            tasks,
            pause: Duration::ZERO,
        }
    }

    /// The same phase with an idle `pause` before it (see [`Phase::pause`]).
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_workloads::{Phase, TaskSpec};
    ///
    /// let phase = Phase::new("io", TaskSpec::Io { sleep: Duration::from_millis(1) }, 10)
    ///     .with_pause(Duration::from_millis(200));
    /// assert_eq!(phase.pause, Duration::from_millis(200));
    /// ```
    pub fn with_pause(self, pause: Duration) -> Phase {
        Phase { pause, ..self }
    }
}

/// A scenario to run on a pool: phases run in order, each task submitted as fast as possible
/// or, with `arrival`, when the arrival process says.
///
/// [`Workload::named`] gives the benchmark's scenarios; any other can be built by hand or
/// loaded with serde.
///
/// # Examples
///
/// ```
/// use betapool_workloads::Workload;
///
/// let w = Workload::named("phases")?;
/// assert_eq!(w.phases.len(), 3);
/// assert_eq!(w.total_tasks(), 150_000);
/// let small = w.with_tasks(300);
/// assert_eq!(small.total_tasks(), 300);
/// small.validate()?;
/// # Ok::<(), betapool_workloads::WorkloadError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    /// The workload's name in reports.
    pub name: String,
    /// The phases, in the order they run.
    pub phases: Vec<Phase>,
    /// When tasks arrive; `None` submits each phase's tasks all at once.
    pub arrival: Option<ArrivalSpec>,
}

impl Workload {
    /// Every name [`named`](Self::named) accepts.
    ///
    /// ```
    /// use betapool_workloads::Workload;
    /// for name in Workload::NAMES {
    ///     assert_eq!(Workload::named(name)?.name, *name);
    /// }
    /// # Ok::<(), betapool_workloads::WorkloadError>(())
    /// ```
    pub const NAMES: &'static [&'static str] = &[
        "io",
        "cpu",
        "mixed",
        "phases",
        "bursty",
        "rag",
        "io-burst",
        "mixed-burst",
        "recurring",
        "tiny-noop",
        "tiny-1us",
        "tiny-10us",
        "matrix",
        "fibonacci",
        "variable",
    ];

    /// The benchmark's scenario called `name`. Each is sized to last at least about a second
    /// at its best static pool size on two cores, long enough for a pool to settle yet short
    /// enough for a sweep of many sizes:
    ///
    /// | name | tasks | why |
    /// |---|---|---|
    /// | `io` | 300 000 × sleep 1 ms | pure blocking: the right size is large |
    /// | `cpu` | 30 000 × spin 100 µs | pure CPU: the right size is the core count |
    /// | `mixed` | 50 000 × sleep 0.1 ms + spin 50 µs | a third blocked: a few threads per core |
    /// | `phases` | io 50 000, cpu 50 000, io 50 000 | the right size changes twice mid-run |
    /// | `bursty` | 60 000 × sleep 1 ms, bursts of 60 000/s for 0.25 s, 1 000/s for 0.25 s | load comes and goes |
    /// | `rag` | 20 000 RAG requests, waits 1/5/20 ms, CPU 50/100 µs | the seed's pipeline, scaled down |
    /// | `io-burst` | 20 000 × sleep 1 ms | over in well under a second: tests reaction speed |
    /// | `mixed-burst` | 20 000 × `mixed`'s task | the same, with CPU in each task |
    /// | `recurring` | 5 × 20 000 × sleep 1 ms, idle 0.2, 1, 3 and 0.2 s before bursts 2–5 | traffic comes back: does the pool keep what it learned? |
    /// | `tiny-noop` | 1 000 000 no-op tasks | never blocks, shorter than the pool's own cost per task: must not grow |
    /// | `tiny-1us` | 1 500 000 × spin 1 µs | the same, with a little work |
    /// | `tiny-10us` | 250 000 × spin 10 µs | the same, with work longer than the pool's cost |
    /// | `matrix` | 5 000 × 64 × 64 matmul | the seed's NumPy task |
    /// | `fibonacci` | 5 000 × fib(25) | the seed's recursive CPU task |
    /// | `variable` | 20 000 × 1–5 ms, 20 % CPU | the seed's variable-latency task |
    ///
    /// An unknown name is an error that lists the valid ones.
    ///
    /// ```
    /// use betapool_workloads::Workload;
    ///
    /// assert_eq!(Workload::named("cpu")?.total_tasks(), 30_000);
    /// let err = Workload::named("disk").unwrap_err();
    /// assert!(err.to_string().starts_with("unknown workload `disk`; valid names: io, cpu, mixed"));
    /// # Ok::<(), betapool_workloads::WorkloadError>(())
    /// ```
    pub fn named(name: &str) -> Result<Workload, WorkloadError> {
        catalog::named(name).ok_or_else(|| WorkloadError::unknown_workload(name, Self::NAMES))
    }

    /// The number of tasks over all phases (saturating).
    ///
    /// ```
    /// assert_eq!(betapool_workloads::Workload::named("io-burst")?.total_tasks(), 20_000);
    /// # Ok::<(), betapool_workloads::WorkloadError>(())
    /// ```
    pub fn total_tasks(&self) -> usize {
        self.phases
            .iter()
            .fold(0, |sum, phase| sum.saturating_add(phase.tasks))
    }

    /// The same workload with `total` tasks, shared among the phases in proportion to their
    /// current counts, every phase keeping at least one. The counts add up to `total` exactly,
    /// unless `total` is smaller than the number of phases (then each phase has one task).
    /// Everything else (names, task specs, arrivals) is kept.
    ///
    /// ```
    /// use betapool_workloads::Workload;
    ///
    /// let w = Workload::named("phases")?.with_tasks(1000);
    /// let counts: Vec<usize> = w.phases.iter().map(|p| p.tasks).collect();
    /// assert_eq!(counts, [334, 333, 333]);
    /// assert_eq!(Workload::named("phases")?.with_tasks(1).total_tasks(), 3);
    /// # Ok::<(), betapool_workloads::WorkloadError>(())
    /// ```
    pub fn with_tasks(mut self, total: usize) -> Workload {
        let counts = rescale(
            &self.phases.iter().map(|p| p.tasks).collect::<Vec<_>>(),
            total,
        );
        for (phase, tasks) in self.phases.iter_mut().zip(counts) {
            phase.tasks = tasks;
        }
        self
    }

    /// Checks that there is at least one phase, that every phase has at least one task, a
    /// valid task spec and a pause of at most [`MAX_PAUSE`], and that the arrival process is
    /// valid. The error names the workload,
    /// the phase and the parameter.
    ///
    /// ```
    /// use betapool_workloads::{TaskSpec, Workload};
    ///
    /// let mut w = Workload::named("matrix")?;
    /// w.phases[0].spec = TaskSpec::Matrix { size: 4096 };
    /// assert_eq!(
    ///     w.validate().unwrap_err().to_string(),
    ///     "workload `matrix`, phase `matrix`: matrix size must be in 1..=1024, got 4096"
    /// );
    /// # Ok::<(), betapool_workloads::WorkloadError>(())
    /// ```
    pub fn validate(&self) -> Result<(), WorkloadError> {
        if self.phases.is_empty() {
            return Err(WorkloadError::no_phases(&self.name));
        }
        for phase in &self.phases {
            let in_phase = |e: WorkloadError| e.in_phase(&self.name, &phase.name);
            if phase.tasks == 0 {
                return Err(in_phase(WorkloadError::out_of_range(
                    "tasks",
                    "at least 1",
                    0,
                )));
            }
            if phase.pause > MAX_PAUSE {
                return Err(in_phase(WorkloadError::out_of_range(
                    "pause",
                    format!("at most {MAX_PAUSE:?}"),
                    format!("{:?}", phase.pause),
                )));
            }
            phase.spec.validate().map_err(in_phase)?;
        }
        if let Some(arrival) = &self.arrival {
            arrival.validate().map_err(|e| e.in_arrivals(&self.name))?;
        }
        Ok(())
    }
}

/// Shares `total` among phases weighted by `weights` (zero weights everywhere count as equal):
/// each phase gets the whole part of its exact share, at least one; the tasks left over go to
/// the largest fractional parts, ties to the earlier phase; tasks owed for phases raised to one
/// are taken back from the largest counts.
fn rescale(weights: &[usize], total: usize) -> Vec<usize> {
    let n = weights.len();
    // No phases get nothing; as few tasks as phases (or fewer) give each phase its one.
    if total <= n {
        return vec![1; n];
    }
    let equal = weights.iter().all(|&w| w == 0);
    let weight = |w: usize| if equal { 1 } else { w as u128 };
    let sum: u128 = weights.iter().map(|&w| weight(w)).sum();
    let mut counts = Vec::with_capacity(n);
    // Fractional parts (as numerators over `sum`) of the phases not raised to one.
    let mut fractions: Vec<(u128, usize)> = Vec::with_capacity(n);
    for (i, &w) in weights.iter().enumerate() {
        let share = total as u128 * weight(w);
        // `share / sum` is at most `total`, which is a `usize`.
        let whole = (share / sum) as usize;
        if whole == 0 {
            counts.push(1);
        } else {
            counts.push(whole);
            fractions.push((share % sum, i));
        }
    }
    let given: usize = counts.iter().sum();
    if given < total {
        // Fewer are left than there are phases not raised (the fractions sum to less than
        // their count), so each gets at most one more. A stable sort keeps earlier phases
        // first among equals.
        fractions.sort_by_key(|&(fraction, _)| Reverse(fraction));
        for &(_, i) in fractions.iter().take(total - given) {
            counts[i] += 1;
        }
    }
    for _ in total..given {
        // `total > n`, so some phase has more than one task to give back; `max_by_key` keeps
        // the last of equals, which over the reversed range is the earliest phase.
        let largest = (0..n).rev().max_by_key(|&i| counts[i]).unwrap_or(0);
        counts[largest] -= 1;
    }
    counts
}

#[cfg(test)]
mod tests;
