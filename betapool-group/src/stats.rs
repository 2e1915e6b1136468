//! The group's stats snapshot (seed 004's `get_stats`) and its shutdown report.

use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;

pub use crate::running::RunningTask;

/// What every pool is doing now, with totals. Serialises to the JSON `GET /stats` serves.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupStats {
    /// Totals over the pools.
    pub totals: Totals,
    /// One entry per pool, in configuration order.
    pub pools: Vec<PoolSnapshot>,
}

/// The group's totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    /// The configured cap on the sum of the pools' maximums.
    pub max_total_threads: usize,
    /// The sum of the pools' maximum workers.
    pub max_workers: usize,
    /// Worker threads alive now.
    pub live_threads: usize,
    /// Workers inside a task now (a task submitted through the group).
    pub active_threads: usize,
    /// Tasks waiting in the pools' queues.
    pub queued_tasks: usize,
    /// Active workers as a percentage of the maximum workers.
    pub utilization_percent: f64,
}

/// One pool's state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PoolSnapshot {
    /// The pool's name.
    pub name: String,
    /// `adaptive` or `static`.
    pub kind: String,
    /// Its maximum workers (the fixed size of a static pool).
    pub max_workers: usize,
    /// Worker threads alive now.
    pub live_threads: usize,
    /// Workers inside a task now (a task submitted through the group).
    pub active_threads: usize,
    /// Tasks waiting in its queue.
    pub queued_tasks: usize,
    /// Active workers as a percentage of `max_workers`.
    pub utilization_percent: f64,
    /// The tasks running now, longest-running first.
    pub running: Vec<RunningTask>,
}

impl GroupStats {
    pub(crate) fn from_pools(max_total_threads: usize, pools: Vec<PoolSnapshot>) -> GroupStats {
        let sum = |f: fn(&PoolSnapshot) -> usize| pools.iter().map(f).sum::<usize>();
        let max_workers = sum(|p| p.max_workers);
        let active_threads = sum(|p| p.active_threads);
        GroupStats {
            totals: Totals {
                max_total_threads,
                max_workers,
                live_threads: sum(|p| p.live_threads),
                active_threads,
                queued_tasks: sum(|p| p.queued_tasks),
                utilization_percent: if max_workers == 0 {
                    0.0
                } else {
                    active_threads as f64 * 100.0 / max_workers as f64
                },
            },
            pools,
        }
    }

    /// The status table: one row per pool and a total row.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<12} {:>8} {:>5} {:>5} {:>6} {:>6} {:>6}  running",
            "pool", "kind", "max", "live", "active", "queued", "util%"
        );
        for p in &self.pools {
            let running: Vec<String> = p
                .running
                .iter()
                .take(3)
                .map(|t| format!("{} {:.1}s", t.name, t.running_s))
                .collect();
            let _ = writeln!(
                out,
                "{:<12} {:>8} {:>5} {:>5} {:>6} {:>6} {:>6.1}  {}",
                p.name,
                p.kind,
                p.max_workers,
                p.live_threads,
                p.active_threads,
                p.queued_tasks,
                p.utilization_percent,
                running.join(", ")
            );
        }
        let t = &self.totals;
        let _ = writeln!(
            out,
            "{:<12} {:>8} {:>5} {:>5} {:>6} {:>6} {:>6.1}",
            "total",
            "",
            t.max_workers,
            t.live_threads,
            t.active_threads,
            t.queued_tasks,
            t.utilization_percent
        );
        out
    }
}

/// How the group's shutdown went, pool by pool.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShutdownReport {
    /// Each pool's name and, if it did not finish in time, why.
    pub pools: Vec<(String, Option<String>)>,
    /// How long the whole shutdown took, in seconds.
    pub elapsed_s: f64,
}

impl ShutdownReport {
    pub(crate) fn new(pools: Vec<(String, Result<(), String>)>, elapsed: Duration) -> Self {
        ShutdownReport {
            pools: pools.into_iter().map(|(n, r)| (n, r.err())).collect(),
            elapsed_s: elapsed.as_secs_f64(),
        }
    }

    /// Whether every pool finished its tasks within the timeout.
    pub fn all_finished(&self) -> bool {
        self.pools.iter().all(|(_, e)| e.is_none())
    }
}
