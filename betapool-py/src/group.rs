//! `CoreGroup`: seed 004's named pools (`io`, `cpu`, `inference`, …) as a `betapool-group`
//! `PoolGroup` running the Python package's work items, with the group's stats (threads,
//! active and queued tasks, the tasks running now and for how long) as JSON.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use betapool_group::{GroupConfig, GroupExecutor, PoolConfig, PoolGroup};
use betapool_metrics::MetricsCollector;
use pyo3::exceptions::{PyKeyError, PyRuntimeError, PyValueError};
use pyo3::prelude::*;

use crate::worker::{self, TaskBook};

/// How long `shutdown(wait=True)` lets each pool finish its queued and running tasks. A
/// Python executor's `shutdown(wait=True)` waits for them all, and a day is as good as
/// forever for a call that is going to end at all.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

/// Named pools running Python work items (see the module documentation). The Python
/// package's `ThreadPoolManager` wraps one.
#[pyclass(module = "betapool._core", frozen)]
#[derive(Debug)]
pub struct CoreGroup {
    group: Arc<PoolGroup>,
    /// Each pool's task book: its metrics and, for an adaptive pool, where its tasks report
    /// their waits for the GIL.
    books: HashMap<String, Arc<TaskBook>>,
}

impl CoreGroup {
    fn start(config: &GroupConfig) -> PyResult<CoreGroup> {
        let group = PoolGroup::new(config).map_err(|e| PyValueError::new_err(e.to_string()))?;
        let mut books = HashMap::new();
        for name in group.names() {
            let reporter = match group.executor(name) {
                Ok(GroupExecutor::Adaptive(e)) => Some(e.lock_wait_reporter()),
                _ => None,
            };
            let book = Arc::new(TaskBook {
                started: Instant::now(),
                collector: Mutex::new(MetricsCollector::default()),
                reporter,
            });
            books.insert(name.to_owned(), book);
        }
        Ok(CoreGroup {
            group: Arc::new(group),
            books,
        })
    }
}

#[pymethods]
impl CoreGroup {
    /// A group under `max_total_threads` threads in all, with `pools` as
    /// `(name, min_workers, max_workers)` (an adaptive pool) or `(name, 0, workers)` (a static
    /// one), in that order; `ValueError` names the bad setting.
    #[new]
    #[pyo3(signature = (max_total_threads, pools, verbose=false))]
    fn new(
        max_total_threads: usize,
        pools: Vec<(String, usize, usize)>,
        verbose: bool,
    ) -> PyResult<CoreGroup> {
        let mut config = GroupConfig::new(max_total_threads).verbose(verbose);
        for (name, min, max) in pools {
            config = config.pool(if min == 0 {
                PoolConfig::fixed(name, max)
            } else {
                PoolConfig::adaptive(name, min, max)
            });
        }
        CoreGroup::start(&config)
    }

    /// A group from the text of a `betapool-group` TOML file; `origin` names it in errors.
    #[staticmethod]
    fn from_toml(text: &str, origin: &str) -> PyResult<CoreGroup> {
        let config = GroupConfig::from_toml_str(text, origin)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        CoreGroup::start(&config)
    }

    /// The pools' names, in configuration order.
    fn names(&self) -> Vec<String> {
        self.group.names().map(str::to_owned).collect()
    }

    /// Queues `item` (the package's `_WorkItem`) on pool `pool`, shown in the stats as
    /// `task` while it runs. `KeyError` for an unknown pool; `RuntimeError` once shut down.
    fn submit(&self, pool: &str, task: &str, item: Py<PyAny>) -> PyResult<()> {
        let Some(book) = self.books.get(pool).cloned() else {
            let known = self.names().join(", ");
            return Err(PyKeyError::new_err(format!(
                "no pool named {pool:?}; the pools are {known}"
            )));
        };
        if self.group.executor(pool).is_ok_and(is_shut_down) {
            return Err(PyRuntimeError::new_err(format!(
                "pool {pool:?} is shut down: cannot schedule new futures"
            )));
        }
        // The handle is dropped, which detaches the task: its outcome goes to the item's
        // future.
        self.group
            .spawn_named_in(pool, task, move || worker::run(item, &book))
            .map(drop)
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }

    /// The group's stats (`betapool_group::GroupStats`) as JSON.
    fn stats_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.group.stats())
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }

    /// The status table: one row per pool, the tasks running now, and a total row.
    fn status_table(&self) -> String {
        self.group.stats().to_table()
    }

    /// Shuts every pool down (queued items still run); with `wait`, returns once they have
    /// all ended, the GIL released meanwhile so that running items can finish.
    fn shutdown(&self, py: Python<'_>, wait: bool) {
        let group = self.group.clone();
        let stop = move || {
            let _ = group.shutdown(SHUTDOWN_WAIT);
        };
        crate::executor::run_shutdown(py, wait, stop);
    }
}

fn is_shut_down(executor: &GroupExecutor) -> bool {
    match executor {
        GroupExecutor::Adaptive(e) => e.is_shutdown(),
        GroupExecutor::Static(e) => e.is_shutdown(),
    }
}
