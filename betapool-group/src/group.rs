//! `PoolGroup`: named pools built from a [`GroupConfig`], and the ways to put work on them.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use betapool_adaptive::AdaptiveThreadPoolExecutor;
use betapool_core::controller::{DefaultPolicy, SeedPolicy};
use betapool_static::{JoinError, JoinHandle, Pool, StaticThreadPoolExecutor};

use crate::config::{GroupConfig, PolicyChoice, PoolConfig, PoolKind};
use crate::error::GroupError;
use crate::running::Running;
use crate::stats::{GroupStats, PoolSnapshot, ShutdownReport};

/// One pool of the group: the seed's adaptive executor or a fixed-size one.
#[derive(Debug)]
pub enum GroupExecutor {
    /// Sizes itself between its minimum and maximum.
    Adaptive(AdaptiveThreadPoolExecutor),
    /// A fixed number of workers.
    Static(StaticThreadPoolExecutor),
}

#[derive(Debug)]
struct Member {
    name: String,
    max_workers: usize,
    executor: GroupExecutor,
    running: Arc<Running>,
}

/// A set of named pools (seed 004's pool manager): `io`, `cpu`, `inference`, … each sized
/// for its kind of work, under one global thread cap.
///
/// ```
/// use betapool_group::{GroupConfig, PoolConfig, PoolGroup};
///
/// let config = GroupConfig::new(64)
///     .pool(PoolConfig::adaptive("io", 2, 32))
///     .pool(PoolConfig::fixed("cpu", 2));
/// let group = PoolGroup::new(&config)?;
/// let answer = group.spawn_in("cpu", || 6 * 7)?;
/// assert_eq!(answer.join()?, 42);
/// assert!(group.spawn_in("gpu", || ()).is_err()); // no such pool
/// let squares = group.batch_in("io", 1..=4, 2, |x: u64| x * x)?;
/// assert_eq!(squares.into_iter().collect::<Result<Vec<_>, _>>()?, [1, 4, 9, 16]);
/// let report = group.shutdown(std::time::Duration::from_secs(5));
/// assert!(report.all_finished());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct PoolGroup {
    members: Vec<Member>,
    verbose: bool,
    max_total_threads: usize,
}

impl PoolGroup {
    /// Validates `config` and starts every pool. If one pool cannot start, the ones already
    /// started are shut down and the error names the pool.
    pub fn new(config: &GroupConfig) -> Result<PoolGroup, GroupError> {
        config.validate()?;
        let mut members: Vec<Member> = Vec::with_capacity(config.pools.len());
        for pool in &config.pools {
            match start(pool) {
                Ok(executor) => members.push(Member {
                    name: pool.name.clone(),
                    max_workers: pool.kind.max_workers(),
                    executor,
                    running: Arc::default(),
                }),
                Err(e) => {
                    for m in &members {
                        m.executor.shutdown_now();
                    }
                    return Err(e);
                }
            }
        }
        Ok(PoolGroup {
            members,
            verbose: config.verbose,
            max_total_threads: config.max_total_threads,
        })
    }

    /// The pools' names, in configuration order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.members.iter().map(|m| m.name.as_str())
    }

    /// The executor of pool `name`, for what the group does not wrap (metrics, decision
    /// history).
    pub fn executor(&self, name: &str) -> Result<&GroupExecutor, GroupError> {
        self.member(name).map(|m| &m.executor)
    }

    fn member(&self, name: &str) -> Result<&Member, GroupError> {
        self.members
            .iter()
            .find(|m| m.name == name)
            .ok_or_else(|| GroupError::unknown_pool(name, self.names()))
    }

    /// Runs `f` on pool `name`; the handle joins (or `.await`s) its result.
    pub fn spawn_in<F, T>(&self, name: &str, f: F) -> Result<JoinHandle<T>, GroupError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.spawn_named_in(name, "", f)
    }

    /// [`spawn_in`](Self::spawn_in) with a task name, shown in the stats while it runs and
    /// in the verbose log.
    pub fn spawn_named_in<F, T>(
        &self,
        pool: &str,
        task: &str,
        f: F,
    ) -> Result<JoinHandle<T>, GroupError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let m = self.member(pool)?;
        let f = self.wrap(m, task, f);
        Ok(match &m.executor {
            GroupExecutor::Adaptive(e) => e.submit(f),
            GroupExecutor::Static(e) => e.submit(f),
        })
    }

    /// Runs `f` on pool `name` without a handle. A refused task (the pool shut down, or its
    /// bounded queue full) is an error naming the pool.
    pub fn execute_in<F>(&self, name: &str, f: F) -> Result<(), GroupError>
    where
        F: FnOnce() + Send + 'static,
    {
        let m = self.member(name)?;
        let f = self.wrap(m, "", f);
        let refused = match &m.executor {
            GroupExecutor::Adaptive(e) => e.execute(f).err().map(|e| e.to_string()),
            GroupExecutor::Static(e) => e.execute(f).err().map(|e| e.to_string()),
        };
        match refused {
            None => Ok(()),
            Some(reason) => Err(GroupError::Rejected {
                pool: name.to_owned(),
                reason,
            }),
        }
    }

    /// Runs `f` over `items` on pool `name` with at most `max_concurrent` tasks submitted and
    /// not yet joined, and returns the results in the items' order (seed 004's
    /// `batch_executor(pool, max_concurrent)`). A task that panicked gives its `JoinError`
    /// in its place; the others still run.
    ///
    /// Call it from outside the pool: a task of pool `name` that waits for a batch on the same
    /// pool can wait for tasks queued behind itself.
    pub fn batch_in<I, F, T>(
        &self,
        name: &str,
        items: I,
        max_concurrent: usize,
        f: F,
    ) -> Result<Vec<Result<T, JoinError>>, GroupError>
    where
        I: IntoIterator,
        I::Item: Send + 'static,
        F: Fn(I::Item) -> T + Send + Sync + 'static,
        T: Send + 'static,
    {
        if max_concurrent == 0 {
            return Err(GroupError::ZeroConcurrency);
        }
        self.member(name)?;
        let f = Arc::new(f);
        let mut in_flight = VecDeque::with_capacity(max_concurrent);
        let mut results = Vec::new();
        for item in items {
            if in_flight.len() == max_concurrent {
                let oldest: JoinHandle<T> = in_flight.pop_front().expect("a task in flight");
                results.push(oldest.join());
            }
            let f = Arc::clone(&f);
            in_flight.push_back(self.spawn_in(name, move || f(item))?);
        }
        results.extend(in_flight.into_iter().map(JoinHandle::join));
        Ok(results)
    }

    /// Wraps a task so that it shows in the stats while it runs and, with `verbose`, logs its
    /// submission and completion.
    fn wrap<F, T>(&self, m: &Member, task: &str, f: F) -> impl FnOnce() -> T + Send + 'static
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let running = Arc::clone(&m.running);
        let id = running.next_id();
        let label: Arc<str> = if task.is_empty() {
            format!("task-{id}").into()
        } else {
            task.into()
        };
        let verbose = self.verbose;
        if verbose {
            let (live, busy) = (m.executor.engine().live_workers(), m.running.count());
            tracing::info!(
                pool = %m.name,
                task = %label,
                utilization = format!("{:.0}%", percent(busy, m.max_workers)),
                live,
                "submitted"
            );
        }
        let pool = m.name.clone();
        move || {
            let _guard = running.start(id, Arc::clone(&label));
            if !verbose {
                return f();
            }
            let started = Instant::now();
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            let took = started.elapsed();
            match outcome {
                Ok(v) => {
                    tracing::info!(pool = %pool, task = %label, duration_ms = ms(took), "completed");
                    v
                }
                Err(payload) => {
                    tracing::warn!(pool = %pool, task = %label, duration_ms = ms(took), "panicked");
                    std::panic::resume_unwind(payload)
                }
            }
        }
    }

    /// A snapshot of every pool: threads, active workers, queued and running tasks.
    pub fn stats(&self) -> GroupStats {
        let pools: Vec<PoolSnapshot> = self
            .members
            .iter()
            .map(|m| {
                // Active means running a task now: a worker spinning for its next task or
                // on its way to park is alive but not active.
                let running = m.running.snapshot();
                PoolSnapshot {
                    name: m.name.clone(),
                    kind: m.executor.kind().to_owned(),
                    max_workers: m.max_workers,
                    live_threads: m.executor.engine().live_workers(),
                    active_threads: running.len(),
                    queued_tasks: m.executor.engine().queued(),
                    utilization_percent: percent(running.len(), m.max_workers),
                    running,
                }
            })
            .collect();
        GroupStats::from_pools(self.max_total_threads, pools)
    }

    /// Each pool's counters and gauges in the metrics crate's shape, for the Prometheus
    /// encoder (`betapool_metrics::prometheus::encode`), in configuration order.
    pub fn pool_stats(&self) -> Vec<betapool_metrics::PoolStats> {
        self.members
            .iter()
            .map(|m| match &m.executor {
                GroupExecutor::Adaptive(e) => e.pool_stats(),
                GroupExecutor::Static(e) => e.pool_stats(),
            })
            .collect()
    }

    /// Logs the status table (the seed's `log_status`) through `tracing` and returns it.
    pub fn log_status(&self) -> String {
        let table = self.stats().to_table();
        tracing::info!("pool status\n{table}");
        table
    }

    /// Shuts every pool down, each waiting up to `timeout` for its queued and running tasks,
    /// and reports per pool whether it finished in time.
    pub fn shutdown(&self, timeout: Duration) -> ShutdownReport {
        let started = Instant::now();
        let pools = self
            .members
            .iter()
            .map(|m| {
                let left = timeout.saturating_sub(started.elapsed());
                (m.name.clone(), m.executor.shutdown_timeout(left))
            })
            .collect();
        ShutdownReport::new(pools, started.elapsed())
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// Starts the executor `pool` describes, its threads named after the pool.
fn start(pool: &PoolConfig) -> Result<GroupExecutor, GroupError> {
    let built = match &pool.kind {
        PoolKind::Adaptive {
            min_workers,
            max_workers,
            controller,
            policy,
        } => {
            let builder = AdaptiveThreadPoolExecutor::builder(*min_workers, *max_workers)
                .name(pool.name.clone())
                .config(controller.clone());
            let builder = match policy {
                PolicyChoice::Default => builder.policy(DefaultPolicy::new()),
                PolicyChoice::Seed => builder.policy(SeedPolicy::new(controller.clone())),
            };
            builder
                .build()
                .map(GroupExecutor::Adaptive)
                .map_err(|e| e.to_string())
        }
        PoolKind::Static { workers } => StaticThreadPoolExecutor::builder(*workers)
            .name(pool.name.clone())
            .build()
            .map(GroupExecutor::Static)
            .map_err(|e| e.to_string()),
    };
    built.map_err(|reason| GroupError::Start {
        pool: pool.name.clone(),
        reason,
    })
}

impl GroupExecutor {
    fn kind(&self) -> &'static str {
        match self {
            GroupExecutor::Adaptive(_) => "adaptive",
            GroupExecutor::Static(_) => "static",
        }
    }

    /// The engine under either executor, for its live counts (`live_workers`, `queued`,
    /// `idle_workers`, `counters`).
    ///
    /// ```
    /// use betapool_group::{GroupConfig, PoolConfig, PoolGroup};
    ///
    /// let group = PoolGroup::new(&GroupConfig::new(8).pool(PoolConfig::fixed("io", 3)))?;
    /// assert_eq!(group.executor("io")?.engine().live_workers(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn engine(&self) -> &Pool {
        match self {
            GroupExecutor::Adaptive(e) => e.engine(),
            GroupExecutor::Static(e) => e.engine(),
        }
    }

    fn shutdown_now(&self) {
        match self {
            GroupExecutor::Adaptive(e) => e.shutdown_now(),
            GroupExecutor::Static(e) => e.shutdown_now(),
        }
    }

    fn shutdown_timeout(&self, timeout: Duration) -> Result<(), String> {
        let r = match self {
            GroupExecutor::Adaptive(e) => e.shutdown_timeout(timeout),
            GroupExecutor::Static(e) => e.shutdown_timeout(timeout),
        };
        r.map_err(|e| e.to_string())
    }
}
