//! `CoreExecutor`: a Rust pool (adaptive or static) running the Python package's work items,
//! with the per-task metrics the seed's `get_metrics()` reports.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use betapool_adaptive::AdaptiveThreadPoolExecutor;
use betapool_metrics::MetricsCollector;
use betapool_static::StaticThreadPoolExecutor;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::config::SeedConfig;
use crate::worker::{self, TaskBook};

/// The two pools behind the package's two executors.
#[derive(Debug)]
enum Pool {
    Adaptive(AdaptiveThreadPoolExecutor),
    Static(StaticThreadPoolExecutor),
}

/// A Rust pool running Python work items (see the module documentation). Built by
/// `CoreExecutor.adaptive(...)` or `CoreExecutor.fixed(workers)`; the Python package's
/// executors wrap one each.
#[pyclass(module = "betapool._core", frozen)]
#[derive(Debug)]
pub struct CoreExecutor {
    pool: Arc<Pool>,
    book: Arc<TaskBook>,
}

/// The seed's policy name, as the benchmark asks for it.
const SEED_POLICY: &str = "seed";
/// This project's default policy.
const DEFAULT_POLICY: &str = "default";

fn book(reporter: Option<betapool_adaptive::LockWaitReporter>) -> Arc<TaskBook> {
    Arc::new(TaskBook {
        started: Instant::now(),
        collector: Mutex::new(MetricsCollector::default()),
        reporter,
    })
}

#[pymethods]
impl CoreExecutor {
    /// An adaptive pool between `min_workers` and `max_workers` threads, steered by `policy`
    /// (`"default"` or `"seed"`) with the seed's configuration `config` (or its defaults).
    #[staticmethod]
    #[pyo3(signature = (min_workers, max_workers, config=None, enable_logging=false, policy=DEFAULT_POLICY))]
    fn adaptive(
        min_workers: usize,
        max_workers: usize,
        config: Option<SeedConfig>,
        enable_logging: bool,
        policy: &str,
    ) -> PyResult<CoreExecutor> {
        let mut builder = AdaptiveThreadPoolExecutor::builder(min_workers, max_workers)
            .name("bpy-adapt")
            .enable_logging(enable_logging);
        if let Some(config) = config {
            builder = builder.config(config.to_rust()?);
        }
        builder = match policy {
            DEFAULT_POLICY => builder,
            SEED_POLICY => builder.seed_policy(),
            other => {
                return Err(PyValueError::new_err(format!(
                    "policy must be {DEFAULT_POLICY:?} or {SEED_POLICY:?}, got {other:?}"
                )));
            }
        };
        let pool = builder
            .build()
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let book = book(Some(pool.lock_wait_reporter()));
        Ok(CoreExecutor {
            pool: Arc::new(Pool::Adaptive(pool)),
            book,
        })
    }

    /// A static pool of `workers` threads.
    #[staticmethod]
    fn fixed(workers: usize) -> PyResult<CoreExecutor> {
        let pool = StaticThreadPoolExecutor::builder(workers)
            .name("bpy-static")
            .build()
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(CoreExecutor {
            pool: Arc::new(Pool::Static(pool)),
            book: book(None),
        })
    }

    /// Queues `item` (the package's `_WorkItem`); `RuntimeError` once the pool is shut down.
    fn submit(&self, item: Py<PyAny>) -> PyResult<()> {
        let book = self.book.clone();
        let task = move || worker::run(item, &book);
        let refused = match &*self.pool {
            Pool::Adaptive(p) => p.execute(task).is_err(),
            Pool::Static(p) => p.execute(task).is_err(),
        };
        if refused {
            // The refused closure (and the item in it) was dropped under the GIL we hold.
            return Err(PyRuntimeError::new_err(
                "cannot schedule new futures after shutdown",
            ));
        }
        Ok(())
    }

    /// Live worker threads.
    fn current_threads(&self) -> usize {
        match &*self.pool {
            Pool::Adaptive(p) => p.current_thread_count(),
            Pool::Static(p) => p.current_thread_count(),
        }
    }

    /// The seed's `get_metrics()` dict, plus this project's `beta_true`, `contention`,
    /// `target_threads`, `queued` and `policy` for an adaptive pool.
    fn metrics<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let (total, beta, throughput, latency) = {
            let c = self.book.lock();
            (
                c.total_recorded(),
                c.recent_blocking_ratio(),
                c.throughput(),
                c.latency_percentiles(),
            )
        };
        let secs = |f: fn(&betapool_metrics::Percentiles) -> std::time::Duration| {
            latency.as_ref().map_or(0.0, |p| f(p).as_secs_f64())
        };
        match &*self.pool {
            Pool::Adaptive(p) => {
                let m = p.metrics();
                d.set_item("current_threads", m.current_threads)?;
                d.set_item("min_workers", m.min_workers)?;
                d.set_item("max_workers", m.max_workers)?;
                d.set_item("scale_up_count", m.scale_up_count)?;
                d.set_item("scale_down_count", m.scale_down_count)?;
                d.set_item("beta_true", m.beta_true)?;
                d.set_item("contention", m.contention)?;
                d.set_item("target_threads", m.target_threads)?;
                d.set_item("queued", m.queued)?;
                d.set_item("policy", m.policy)?;
            }
            Pool::Static(p) => {
                let n = p.workers();
                d.set_item("current_threads", n)?;
                d.set_item("min_workers", n)?;
                d.set_item("max_workers", n)?;
                d.set_item("scale_up_count", 0)?;
                d.set_item("scale_down_count", 0)?;
            }
        }
        d.set_item("total_tasks", total)?;
        // The seed reports 0.5 before any task: neither blocked nor CPU-bound.
        d.set_item("avg_blocking_ratio", beta.unwrap_or(0.5))?;
        d.set_item("throughput", throughput)?;
        d.set_item("p50_latency", secs(|p| p.p50))?;
        d.set_item("p95_latency", secs(|p| p.p95))?;
        d.set_item("p99_latency", secs(|p| p.p99))?;
        Ok(d)
    }

    /// The adaptive controller's decisions as a JSON array (empty for a static pool).
    fn decision_history_json(&self) -> PyResult<String> {
        let rows = match &*self.pool {
            Pool::Adaptive(p) => serde_json::to_string(&p.decision_history()),
            Pool::Static(_) => Ok("[]".to_owned()),
        };
        rows.map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }

    /// The adaptive controller's experiment log as a JSON array; a static pool's rows are its
    /// tasks.
    fn experiment_log_json(&self) -> PyResult<String> {
        let rows = match &*self.pool {
            Pool::Adaptive(p) => serde_json::to_string(&p.experiment_log()),
            Pool::Static(_) => serde_json::to_string(&self.book.lock().export()),
        };
        rows.map_err(|e| PyRuntimeError::new_err(e.to_string()))
    }

    /// Begins a graceful shutdown (queued items still run); with `wait`, returns once every
    /// worker has ended, the GIL released meanwhile so that running items can finish.
    fn shutdown(&self, py: Python<'_>, wait: bool) {
        let pool = self.pool.clone();
        let stop = move || match &*pool {
            Pool::Adaptive(p) => p.shutdown(),
            Pool::Static(p) => p.shutdown(),
        };
        run_shutdown(py, wait, stop);
    }

    /// Whether shutdown has begun.
    fn is_shutdown(&self) -> bool {
        match &*self.pool {
            Pool::Adaptive(p) => p.is_shutdown(),
            Pool::Static(p) => p.is_shutdown(),
        }
    }
}

/// Runs a Rust shutdown, which waits for the workers: with the GIL released when the caller
/// waits, or on a thread of its own so that the caller returns at once, as
/// `Executor.shutdown(wait=False)` does.
pub(crate) fn run_shutdown(py: Python<'_>, wait: bool, stop: impl FnOnce() + Send + 'static) {
    if wait {
        py.detach(stop);
    } else {
        let _ = std::thread::Builder::new()
            .name("betapool-py-shutdown".to_owned())
            .spawn(stop);
    }
}
