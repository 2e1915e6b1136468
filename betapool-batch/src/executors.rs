//! The seed's shared executors (`cpu_executors.py`): one self-sizing pool for blocking work and
//! one pool for CPU-bound work, shared by the whole process and built on first use, with
//! `run_in_thread`, `map_threads` and their CPU-bound counterparts.
//!
//! The seed pairs a thread pool with a process pool, because Python threads cannot run Python
//! code in parallel. Rust threads can, so there is no process pool here: CPU-bound work goes to
//! a second thread pool whose size is the number of usable cores, so that CPU-bound tasks never
//! outnumber the cores and never take turns on them. It keeps the seed's names where they are
//! metrics (`max_processes`) and aliases (`run_in_process`, `map_processes`).

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use betapool_adaptive::AdaptiveThreadPoolExecutor;
use betapool_core::{MAX_WORKERS_LIMIT, available_cores};
use betapool_instrumented::{InstrumentedPool, JoinHandle, PoolStats};

use crate::{ConfigError, EnvOverrides, InstallError};

mod handle;

pub use handle::{MapHandle, TaskHandle};

/// The fewest threads the blocking pool keeps: two, so that one long blocking task never holds
/// up the next one while the pool's controller has yet to notice and grow it.
pub const MIN_THREADS: usize = 2;

/// The most threads the blocking pool starts when `MAX_THREADS` is unset: the ceiling of
/// Python's `ThreadPoolExecutor` default (`min(32, cores + 4)`), which the seed's executors
/// replace. The pool only grows towards it while its tasks are blocked, so the ceiling need
/// not follow the core count.
pub const DEFAULT_MAX_THREADS: usize = 32;

/// The blocking pool's thread names (`bpb-io-<i>`, controller `bpb-io-ctl`), within the
/// kernel's 15 bytes.
const THREADS_NAME: &str = "bpb-io";

/// The CPU pool's thread names (`bpb-cpu-<i>`), within the kernel's 15 bytes.
const CPU_NAME: &str = "bpb-cpu";

/// What `MAX_THREADS` and `MAX_PROCS` may be: the engine's own limit, spelled out because an
/// error's `expected` text is static. A unit test checks it against `MAX_WORKERS_LIMIT`.
const SIZE_EXPECTED: &str = "a whole number from 1 to 32768 (the engine's limit)";

/// The two pools' names in task errors.
const BLOCKING: &str = "blocking";
const CPU: &str = "CPU";

/// The pair of shared pools: an [`AdaptiveThreadPoolExecutor`] for blocking work (I/O, waiting
/// on other services), which grows while its tasks are blocked, and a fixed-size
/// [`InstrumentedPool`] for CPU-bound work.
///
/// - The blocking pool keeps [`MIN_THREADS`] threads (fewer if `MAX_THREADS` is lower) and
///   grows up to `MAX_THREADS`, or [`DEFAULT_MAX_THREADS`] when it is unset.
/// - The CPU pool has one thread per usable core ([`betapool_core::available_cores`], which
///   honours CPU affinity and cgroup quotas), or `MAX_PROCS` threads when it is set. An explicit
///   `MAX_PROCS` is honoured as given, even above the core count (quietly lowering a value the
///   operator chose would be a silent default); CPU-bound tasks beyond the cores only take
///   turns.
///
/// Most programs use the process-wide pair through the free functions ([`run_in_thread`],
/// [`map_threads`], [`run_cpu`], [`map_cpu`]) and [`cpu_executors`]; a private pair is for
/// tests and for programs that want their own.
///
/// ```
/// use betapool_batch::{CpuExecutors, EnvOverrides};
///
/// let env = EnvOverrides::from_pairs([("MAX_THREADS", "20"), ("MAX_PROCS", "4")])?;
/// let executors = CpuExecutors::from_env(&env)?;
/// assert_eq!((executors.max_threads(), executors.max_processes()), (20, 4));
///
/// let lengths = executors.map_threads(|s: &str| s.len(), ["a", "bb", "ccc"]).wait()?;
/// assert_eq!(lengths, [1, 2, 3]);
/// assert_eq!(executors.run_cpu(|| (1..=10u64).product::<u64>()).wait()?, 3_628_800);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct CpuExecutors {
    threads: AdaptiveThreadPoolExecutor,
    cpu: InstrumentedPool,
}

/// The seed's `cpu_executors` metrics, with both pools' statistics.
///
/// ```
/// use betapool_batch::{CpuExecutors, EnvOverrides};
/// let executors = CpuExecutors::from_env(&EnvOverrides::from_pairs([("MAX_PROCS", "2")])?)?;
/// let metrics = executors.metrics();
/// assert_eq!(metrics.max_processes, 2);
/// let json = serde_json::to_value(&metrics).unwrap();
/// assert_eq!(json["max_threads"], 32);
/// # Ok::<(), betapool_batch::ConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct CpuExecutorsMetrics {
    /// The most threads the blocking pool may start (`MAX_THREADS`).
    pub max_threads: usize,
    /// The CPU pool's size (`MAX_PROCS`, or the usable cores), under the seed's name.
    pub max_processes: usize,
    /// The blocking pool's threads alive now.
    pub current_threads: usize,
    /// The blocking pool's statistics.
    pub thread_pool: PoolStats,
    /// The CPU pool's statistics.
    pub cpu_pool: PoolStats,
}

/// Which of the two pools a task goes to.
#[derive(Debug, Clone, Copy)]
enum Which {
    Threads,
    Cpu,
}

impl Which {
    fn label(self) -> &'static str {
        match self {
            Which::Threads => BLOCKING,
            Which::Cpu => CPU,
        }
    }
}

impl CpuExecutors {
    /// Builds a private pair from the environment's overrides (`MAX_THREADS`, `MAX_PROCS`);
    /// the other overrides are not read here.
    ///
    /// A size the engine cannot start is an error naming its variable; so is a thread the OS
    /// refuses to start.
    ///
    /// ```
    /// use betapool_batch::{CpuExecutors, EnvOverrides};
    /// let executors = CpuExecutors::from_env(&EnvOverrides::default())?;
    /// assert_eq!(executors.max_threads(), betapool_batch::DEFAULT_MAX_THREADS);
    /// assert_eq!(executors.max_processes(), betapool_core::available_cores());
    ///
    /// let too_many = EnvOverrides::from_pairs([("MAX_PROCS", "100000")])?;
    /// let err = CpuExecutors::from_env(&too_many).unwrap_err();
    /// assert_eq!(err.key(), Some("MAX_PROCS"));
    /// # Ok::<(), betapool_batch::ConfigError>(())
    /// ```
    pub fn from_env(env: &EnvOverrides) -> Result<Self, ConfigError> {
        let max_threads =
            checked_size("MAX_THREADS", env.max_threads)?.unwrap_or(DEFAULT_MAX_THREADS);
        let procs = checked_size("MAX_PROCS", env.max_procs)?.unwrap_or_else(available_cores);
        let threads =
            AdaptiveThreadPoolExecutor::builder(MIN_THREADS.min(max_threads), max_threads)
                .name(THREADS_NAME)
                .build()
                .map_err(|e| ConfigError::executors(BLOCKING, e))?;
        let cpu = InstrumentedPool::builder()
            .name(CPU_NAME)
            .fixed_size(procs)
            .build()
            .map_err(|e| ConfigError::executors(CPU, e))?;
        Ok(Self { threads, cpu })
    }

    /// The most threads the blocking pool may start (the seed's `max_threads` metric).
    ///
    /// ```
    /// # use betapool_batch::{CpuExecutors, EnvOverrides};
    /// let executors = CpuExecutors::from_env(&EnvOverrides::from_pairs([("MAX_THREADS", "8")])?)?;
    /// assert_eq!(executors.max_threads(), 8);
    /// # Ok::<(), betapool_batch::ConfigError>(())
    /// ```
    pub fn max_threads(&self) -> usize {
        self.threads.engine().max_workers()
    }

    /// The CPU pool's size (the seed's `max_processes` metric: its process pool's size).
    ///
    /// ```
    /// # use betapool_batch::{CpuExecutors, EnvOverrides};
    /// let executors = CpuExecutors::from_env(&EnvOverrides::from_pairs([("MAX_PROCS", "3")])?)?;
    /// assert_eq!(executors.max_processes(), 3);
    /// # Ok::<(), betapool_batch::ConfigError>(())
    /// ```
    pub fn max_processes(&self) -> usize {
        self.cpu.engine().max_workers()
    }

    /// The blocking pool, for its decisions, metrics and task log.
    ///
    /// ```
    /// # use betapool_batch::{CpuExecutors, EnvOverrides};
    /// let executors = CpuExecutors::from_env(&EnvOverrides::default())?;
    /// assert!(executors.thread_pool().current_thread_count() >= 1);
    /// # Ok::<(), betapool_batch::ConfigError>(())
    /// ```
    pub fn thread_pool(&self) -> &AdaptiveThreadPoolExecutor {
        &self.threads
    }

    /// The CPU pool, for its statistics and task log.
    ///
    /// ```
    /// # use betapool_batch::{CpuExecutors, EnvOverrides};
    /// let executors = CpuExecutors::from_env(&EnvOverrides::from_pairs([("MAX_PROCS", "2")])?)?;
    /// assert_eq!(executors.cpu_pool().current_thread_count(), 2);
    /// # Ok::<(), betapool_batch::ConfigError>(())
    /// ```
    pub fn cpu_pool(&self) -> &InstrumentedPool {
        &self.cpu
    }

    /// The seed's `cpu_executors` metrics and both pools' statistics, now.
    ///
    /// ```
    /// # use betapool_batch::{CpuExecutors, EnvOverrides};
    /// let executors = CpuExecutors::from_env(&EnvOverrides::default())?;
    /// executors.run_in_thread(|| ()).wait()?;
    /// assert_eq!(executors.metrics().thread_pool.completed, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn metrics(&self) -> CpuExecutorsMetrics {
        CpuExecutorsMetrics {
            max_threads: self.max_threads(),
            max_processes: self.max_processes(),
            current_threads: self.threads.current_thread_count(),
            thread_pool: self.threads.pool_stats(),
            cpu_pool: self.cpu.pool_stats(),
        }
    }

    /// Runs `f` on the blocking pool (the seed's `run_in_thread`): for work that waits (files,
    /// network, other services).
    ///
    /// ```
    /// # use betapool_batch::{CpuExecutors, EnvOverrides};
    /// let executors = CpuExecutors::from_env(&EnvOverrides::default())?;
    /// assert_eq!(executors.run_in_thread(|| 5 * 2).wait()?, 10);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn run_in_thread<F, T>(&self, f: F) -> TaskHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        TaskHandle::running(self.submit(Which::Threads, f), BLOCKING)
    }

    /// `f` over every item on the blocking pool (the seed's `map_threads`); the results come
    /// in input order. Every item is submitted at once.
    ///
    /// ```
    /// # use betapool_batch::{CpuExecutors, EnvOverrides};
    /// let executors = CpuExecutors::from_env(&EnvOverrides::default())?;
    /// assert_eq!(executors.map_threads(|x: u32| x + 1, [1, 2, 3]).wait()?, [2, 3, 4]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn map_threads<I, F, T>(&self, f: F, items: I) -> MapHandle<T>
    where
        I: IntoIterator,
        I::Item: Send + 'static,
        F: Fn(I::Item) -> T + Send + Sync + 'static,
        T: Send + 'static,
    {
        self.map(Which::Threads, f, items)
    }

    /// Runs `f` on the CPU pool (the seed's `run_in_process`): for work that computes.
    ///
    /// ```
    /// # use betapool_batch::{CpuExecutors, EnvOverrides};
    /// let executors = CpuExecutors::from_env(&EnvOverrides::default())?;
    /// assert_eq!(executors.run_cpu(|| (1..=4u32).sum::<u32>()).wait()?, 10);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "run_in_process")]
    pub fn run_cpu<F, T>(&self, f: F) -> TaskHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        TaskHandle::running(self.submit(Which::Cpu, f), CPU)
    }

    /// `f` over every item on the CPU pool (the seed's `map_processes`); the results come in
    /// input order. Every item is submitted at once.
    ///
    /// ```
    /// # use betapool_batch::{CpuExecutors, EnvOverrides};
    /// let executors = CpuExecutors::from_env(&EnvOverrides::default())?;
    /// assert_eq!(executors.map_cpu(|x: u64| x * x, 0..4).wait()?, [0, 1, 4, 9]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[doc(alias = "map_processes")]
    pub fn map_cpu<I, F, T>(&self, f: F, items: I) -> MapHandle<T>
    where
        I: IntoIterator,
        I::Item: Send + 'static,
        F: Fn(I::Item) -> T + Send + Sync + 'static,
        T: Send + 'static,
    {
        self.map(Which::Cpu, f, items)
    }

    /// Refuses new tasks, runs the ones already accepted, and waits for both pools' threads to
    /// end. Tasks submitted afterwards resolve to [`TaskError::Cancelled`](crate::TaskError).
    /// Dropping the pair shuts it down too, without waiting.
    ///
    /// ```
    /// # use betapool_batch::{CpuExecutors, EnvOverrides};
    /// let executors = CpuExecutors::from_env(&EnvOverrides::default())?;
    /// executors.shutdown();
    /// assert!(executors.run_cpu(|| 1).wait().is_err());
    /// # Ok::<(), betapool_batch::ConfigError>(())
    /// ```
    pub fn shutdown(&self) {
        self.threads.shutdown();
        self.cpu.shutdown();
    }

    fn submit<F, T>(&self, which: Which, f: F) -> JoinHandle<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        match which {
            Which::Threads => self.threads.submit(f),
            Which::Cpu => self.cpu.submit(f),
        }
    }

    fn map<I, F, T>(&self, which: Which, f: F, items: I) -> MapHandle<T>
    where
        I: IntoIterator,
        I::Item: Send + 'static,
        F: Fn(I::Item) -> T + Send + Sync + 'static,
        T: Send + 'static,
    {
        let f = Arc::new(f);
        let handles = items
            .into_iter()
            .map(|item| {
                let f = Arc::clone(&f);
                self.submit(which, move || f(item))
            })
            .collect();
        MapHandle::running(handles, which.label())
    }
}

/// `value` of `var`, if set, when the engine can start that many workers.
fn checked_size(var: &'static str, value: Option<usize>) -> Result<Option<usize>, ConfigError> {
    match value {
        Some(n) if n == 0 || n > MAX_WORKERS_LIMIT => {
            Err(ConfigError::variable(var, &n.to_string(), SIZE_EXPECTED))
        }
        other => Ok(other),
    }
}

/// The process-wide pair, once built or installed.
static SHARED: OnceLock<CpuExecutors> = OnceLock::new();

/// Held while the shared pair is built or installed, so two first callers never both start a
/// pair's threads only for one of them to be thrown away.
static INIT: Mutex<()> = Mutex::new(());

/// The process-wide pair, built from the process environment on first use, unless [`install`]
/// set it first. It lives until the process ends.
///
/// Only `MAX_THREADS` and `MAX_PROCS` are read here; the runtime's other variables (a bad
/// `BATCH_SIZE`, say) do not stop the executors.
///
/// A bad variable is an error naming it, returned again on every call until the variable is
/// fixed (nothing is built, nothing is cached).
///
/// ```
/// let executors = betapool_batch::cpu_executors()?;
/// println!("max threads {}, max processes {}", executors.max_threads(), executors.max_processes());
/// # Ok::<(), betapool_batch::ConfigError>(())
/// ```
pub fn cpu_executors() -> Result<&'static CpuExecutors, ConfigError> {
    if let Some(shared) = SHARED.get() {
        return Ok(shared);
    }
    let _init = INIT.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(shared) = SHARED.get() {
        return Ok(shared);
    }
    let built = CpuExecutors::from_env(&sizes_from_process_env()?)?;
    Ok(SHARED.get_or_init(|| built))
}

/// `MAX_THREADS` and `MAX_PROCS` from the process environment, and no other variable: a bad
/// `BATCH_SIZE` is the runtime's error to report, not a reason for `run_in_thread` to fail.
fn sizes_from_process_env() -> Result<EnvOverrides, ConfigError> {
    EnvOverrides::from_pairs(crate::env::read_process_env(&["MAX_THREADS", "MAX_PROCS"])?)
}

/// Makes `executors` the process-wide pair, before anything has used it; a program that
/// builds its sizes from its own configuration calls this at start-up.
///
/// If the shared pair is already in use (built by [`cpu_executors`] or a free function, or
/// installed before), nothing changes and the error hands `executors` back.
///
/// ```
/// use betapool_batch::{CpuExecutors, EnvOverrides};
/// let mine = CpuExecutors::from_env(&EnvOverrides::from_pairs([("MAX_PROCS", "2")])?)?;
/// match betapool_batch::install(mine) {
///     Ok(()) => assert_eq!(betapool_batch::cpu_executors()?.max_processes(), 2),
///     Err(e) => println!("{e}"),
/// }
/// # Ok::<(), betapool_batch::ConfigError>(())
/// ```
pub fn install(executors: CpuExecutors) -> Result<(), InstallError> {
    let _init = INIT.lock().unwrap_or_else(PoisonError::into_inner);
    SHARED.set(executors).map_err(InstallError::new)
}

/// Runs `f` on the shared blocking pool (the seed's `run_in_thread`); await the handle or
/// [`wait`](TaskHandle::wait) on it.
///
/// If the shared pair cannot be built (a bad `MAX_THREADS`), `f` is dropped unrun and the
/// handle resolves to [`TaskError::Config`](crate::TaskError) naming the variable.
///
/// ```
/// let contents = betapool_batch::run_in_thread(|| std::fs::read_to_string("/proc/self/stat").is_ok());
/// assert!(contents.wait()?);
/// # Ok::<(), betapool_batch::TaskError>(())
/// ```
pub fn run_in_thread<F, T>(f: F) -> TaskHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    match cpu_executors() {
        Ok(shared) => shared.run_in_thread(f),
        Err(e) => TaskHandle::failed(e.into()),
    }
}

/// `f` over every item on the shared blocking pool (the seed's `map_threads`), results in input
/// order.
///
/// ```
/// let doubled = betapool_batch::map_threads(|x: i32| x * 2, vec![1, 2, 3]).wait()?;
/// assert_eq!(doubled, [2, 4, 6]);
/// # Ok::<(), betapool_batch::TaskError>(())
/// ```
pub fn map_threads<I, F, T>(f: F, items: I) -> MapHandle<T>
where
    I: IntoIterator,
    I::Item: Send + 'static,
    F: Fn(I::Item) -> T + Send + Sync + 'static,
    T: Send + 'static,
{
    match cpu_executors() {
        Ok(shared) => shared.map_threads(f, items),
        Err(e) => MapHandle::failed(e.into()),
    }
}

/// Runs `f` on the shared CPU pool (the seed's `run_in_process`).
///
/// Rust threads run CPU-bound work in parallel, so where the seed used a process pool this is a
/// thread pool capped at the usable cores (or `MAX_PROCS`): no pickling, no start-up cost, and
/// `f` may capture anything `Send`.
///
/// ```
/// let sum = betapool_batch::run_cpu(|| (1..=100u64).sum::<u64>()).wait()?;
/// assert_eq!(sum, 5_050);
/// # Ok::<(), betapool_batch::TaskError>(())
/// ```
#[doc(alias = "run_in_process")]
pub fn run_cpu<F, T>(f: F) -> TaskHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    match cpu_executors() {
        Ok(shared) => shared.run_cpu(f),
        Err(e) => TaskHandle::failed(e.into()),
    }
}

/// `f` over every item on the shared CPU pool (the seed's `map_processes`), results in input
/// order.
///
/// Rust threads run CPU-bound work in parallel, so where the seed used a process pool this is a
/// thread pool capped at the usable cores (or `MAX_PROCS`).
///
/// ```
/// let squares = betapool_batch::map_cpu(|x: u64| x * x, 0..5).wait()?;
/// assert_eq!(squares, [0, 1, 4, 9, 16]);
/// # Ok::<(), betapool_batch::TaskError>(())
/// ```
#[doc(alias = "map_processes")]
pub fn map_cpu<I, F, T>(f: F, items: I) -> MapHandle<T>
where
    I: IntoIterator,
    I::Item: Send + 'static,
    F: Fn(I::Item) -> T + Send + Sync + 'static,
    T: Send + 'static,
{
    match cpu_executors() {
        Ok(shared) => shared.map_cpu(f, items),
        Err(e) => MapHandle::failed(e.into()),
    }
}

#[cfg(test)]
mod tests;

/// The sizes the seed's `cpu_executors` metrics report for a runtime: the shared pair's own
/// once it exists, else the sizes it would get from the runtime's environment and config
/// (`MAX_THREADS` over `cpu_max_threads`, `MAX_PROCS` over the usable cores).
pub(crate) fn limits(env: &EnvOverrides, config: &crate::RuntimeConfig) -> (usize, usize) {
    if let Some(shared) = SHARED.get() {
        return (shared.max_threads(), shared.max_processes());
    }
    let threads = env
        .max_threads
        .or(config.cpu_max_threads)
        .unwrap_or(DEFAULT_MAX_THREADS);
    (threads, env.max_procs.unwrap_or_else(available_cores))
}
