//! `Builder`: every setting of a pool, checked once, turned into a running `Pool` or an error.

use std::fmt;

use crate::loom::std_only::{self, AtomicUsize};
use crate::loom::sync::atomic::Ordering;

use crate::error::BuildError;

use super::pool::Pool;
use super::rejection::RejectionPolicy;
use super::shared::{Config, Hook};

/// The default thread-name prefix: short, so `bp-511` fits the kernel's 15-byte limit with room.
pub const DEFAULT_NAME: &str = "bp";

/// The default upper bound on workers. A pool sized for blocking work needs far more threads than
/// cores (1 ms sleeps on 2 cores keep rising in throughput up to ~256 threads), and 512 idle
/// stacks cost only virtual memory; beyond that, scheduling cost usually outweighs the gain.
pub const DEFAULT_MAX_WORKERS: usize = 512;

/// A hard ceiling on `max_workers`, so a typo cannot ask the OS for a million threads.
pub const MAX_WORKERS_LIMIT: usize = 32_768;

/// The kernel truncates thread names to 15 bytes (16 with the NUL).
const THREAD_NAME_LIMIT: usize = 15;

/// Distinguishes pools, so a worker knows which pool it belongs to. 0 means "no pool".
static NEXT_POOL_ID: AtomicUsize = AtomicUsize::new(1);

/// Configures and builds a [`Pool`].
///
/// ```
/// use betapool_core::{Builder, RejectionPolicy};
///
/// let pool = Builder::new()
///     .name("io")
///     .min_workers(2)
///     .max_workers(64)
///     .workers(4)
///     .queue_capacity(10_000)
///     .rejection_policy(RejectionPolicy::Block)
///     .on_thread_start(|| eprintln!("worker up"))
///     .build()?;
/// assert_eq!(pool.target(), 4);
/// pool.set_target(16)?;
/// assert_eq!(pool.target(), 16);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use = "a Builder does nothing until `build` is called"]
pub struct Builder {
    name: String,
    min: usize,
    max: usize,
    workers: Option<usize>,
    stack_size: Option<usize>,
    on_start: Option<Hook>,
    on_stop: Option<Hook>,
    capacity: Option<usize>,
    rejection: RejectionPolicy,
}

impl Default for Builder {
    fn default() -> Builder {
        Builder::new()
    }
}

impl Builder {
    /// A builder with the defaults: name `bp`, 1 to [`DEFAULT_MAX_WORKERS`] workers, starting
    /// with as many as the process may use cores, an unbounded queue.
    pub fn new() -> Builder {
        Builder {
            name: DEFAULT_NAME.to_owned(),
            min: 1,
            max: DEFAULT_MAX_WORKERS,
            workers: None,
            stack_size: None,
            on_start: None,
            on_stop: None,
            capacity: None,
            rejection: RejectionPolicy::Reject,
        }
    }

    /// The pool's name, also the prefix of its thread names (`<name>-<index>`). It must leave room
    /// for the index within 15 bytes.
    pub fn name(mut self, name: impl Into<String>) -> Builder {
        self.name = name.into();
        self
    }

    /// The fewest workers the pool may be resized to (at least 1).
    pub fn min_workers(mut self, n: usize) -> Builder {
        self.min = n;
        self
    }

    /// The most workers the pool may be resized to.
    pub fn max_workers(mut self, n: usize) -> Builder {
        self.max = n;
        self
    }

    /// How many workers to start with (within `[min_workers, max_workers]`). Without it the pool
    /// starts with the number of cores the process may use, clamped to the bounds.
    pub fn workers(mut self, n: usize) -> Builder {
        self.workers = Some(n);
        self
    }

    /// Stack size of each worker thread, in bytes.
    pub fn stack_size(mut self, bytes: usize) -> Builder {
        self.stack_size = Some(bytes);
        self
    }

    /// Runs on each worker thread when it starts. A panic in it is caught and counted.
    pub fn on_thread_start(mut self, f: impl Fn() + Send + Sync + 'static) -> Builder {
        self.on_start = Some(std_only::Arc::new(f));
        self
    }

    /// Runs on each worker thread before it ends. A panic in it is caught and counted.
    pub fn on_thread_stop(mut self, f: impl Fn() + Send + Sync + 'static) -> Builder {
        self.on_stop = Some(std_only::Arc::new(f));
        self
    }

    /// Bounds the queue of waiting tasks; see [`RejectionPolicy`] for what happens when it is
    /// full. Unbounded by default.
    pub fn queue_capacity(mut self, n: usize) -> Builder {
        self.capacity = Some(n);
        self
    }

    /// What to do with a task that arrives when the bounded queue is full.
    pub fn rejection_policy(mut self, policy: RejectionPolicy) -> Builder {
        self.rejection = policy;
        self
    }

    /// Checks the settings, starts the workers and returns the pool. Never panics: a bad setting
    /// or a thread the OS refuses to start is a [`BuildError`].
    pub fn build(self) -> Result<Pool, BuildError> {
        let initial = self.validate()?;
        let config = Config {
            name: self.name,
            min: self.min,
            max: self.max,
            stack_size: self.stack_size,
            on_start: self.on_start,
            on_stop: self.on_stop,
            rejection: self.rejection,
        };
        let id = NEXT_POOL_ID.fetch_add(1, Ordering::Relaxed);
        Pool::start(config, self.capacity, id, initial)
    }

    /// Returns the initial worker count if every setting is valid.
    fn validate(&self) -> Result<usize, BuildError> {
        let bad = |key, value: &dyn fmt::Display, problem: String| {
            Err(BuildError::invalid(&self.name, key, value, problem))
        };
        if self.name.is_empty() || self.name.contains('\0') {
            return bad(
                "name",
                &format!("{:?}", self.name),
                "must be non-empty and contain no NUL".into(),
            );
        }
        if self.min == 0 {
            return bad("min_workers", &self.min, "must be at least 1".into());
        }
        if self.max > MAX_WORKERS_LIMIT {
            return bad(
                "max_workers",
                &self.max,
                format!("must be at most {MAX_WORKERS_LIMIT}"),
            );
        }
        if self.min > self.max {
            return bad(
                "min_workers",
                &self.min,
                format!("is greater than max_workers ({})", self.max),
            );
        }
        let longest = super::worker::thread_name(&self.name, self.max - 1);
        if longest.len() > THREAD_NAME_LIMIT {
            return bad(
                "name",
                &format!("{:?}", self.name),
                format!(
                    "is too long: thread name {longest:?} would exceed {THREAD_NAME_LIMIT} bytes"
                ),
            );
        }
        if self.capacity == Some(0) {
            return bad("queue_capacity", &0, "must be at least 1".into());
        }
        if self.stack_size == Some(0) {
            return bad("stack_size", &0, "must be positive".into());
        }
        match self.workers {
            Some(n) if n < self.min || n > self.max => bad(
                "workers",
                &n,
                format!(
                    "must be within min_workers ({}) and max_workers ({})",
                    self.min, self.max
                ),
            ),
            Some(n) => Ok(n),
            None => Ok(available_cores().clamp(self.min, self.max)),
        }
    }
}

/// The number of cores this process may run on, at least 1: the `cores` of the Little's-law
/// size `cores × busy / cpu`, the default starting size of a pool, and the scale of every
/// "share of the machine" reading.
///
/// This is [`std::thread::available_parallelism`], which on Linux honours the process's CPU
/// affinity mask (`taskset`, `sched_setaffinity`) and cgroup CPU quotas (v1 and v2, as set by
/// `docker run --cpus`), so a container limited to two CPUs on a 64-core host reads 2, not 64.
/// The answer can change while the process runs (both limits can be changed from outside), and
/// each call reads the affinity mask and the cgroup files afresh, which costs microseconds:
/// call it on a slow cadence, not on every tick.
///
/// When the count cannot be determined the answer is 1: an unknown machine is treated as the
/// smallest one, so that a policy sizing the pool from it errs towards too few threads (which
/// it can grow out of) rather than too many.
///
/// ```
/// let cores = betapool_core::available_cores();
/// assert!(cores >= 1);
/// assert_eq!(cores, std::thread::available_parallelism().map_or(1, |n| n.get()));
/// ```
pub fn available_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("name", &self.name)
            .field("min_workers", &self.min)
            .field("max_workers", &self.max)
            .field("workers", &self.workers)
            .field("stack_size", &self.stack_size)
            .field("queue_capacity", &self.capacity)
            .field("rejection_policy", &self.rejection)
            .finish_non_exhaustive()
    }
}
