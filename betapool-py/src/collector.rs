//! `MetricsCollector`: `betapool-metrics`' rolling window of task samples behind a lock, so
//! that any Python thread may record into it and read it (the package's `MetricsCollector`
//! wraps it with the seed's method names and its `TaskMetrics`).

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use betapool_metrics::{MetricsCollector as Collector, TaskSample};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// The rolling window and bounded history of task samples (see the module documentation).
#[pyclass(module = "betapool._core", name = "CoreCollector", frozen)]
#[derive(Debug)]
pub struct MetricsCollector {
    inner: Mutex<Collector>,
}

fn secs(what: &str, value: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value).map_err(|_| {
        PyValueError::new_err(format!(
            "TaskMetrics.{what} must be a finite number of seconds >= 0, got {value}"
        ))
    })
}

impl MetricsCollector {
    fn lock(&self) -> MutexGuard<'_, Collector> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[pymethods]
impl MetricsCollector {
    /// A collector averaging over the last `window_size` samples and keeping `max_history`.
    #[new]
    #[pyo3(signature = (window_size=100, max_history=10000))]
    fn new(window_size: usize, max_history: usize) -> PyResult<MetricsCollector> {
        let inner = Collector::new(window_size, max_history)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(MetricsCollector {
            inner: Mutex::new(inner),
        })
    }

    /// Records one task's values (the fields of the seed's `TaskMetrics`).
    #[allow(clippy::too_many_arguments)]
    #[pyo3(signature = (task_id, wall_time, cpu_time, blocking_ratio, timestamp, success, error_message=None))]
    fn record(
        &self,
        task_id: u64,
        wall_time: f64,
        cpu_time: f64,
        blocking_ratio: f64,
        timestamp: f64,
        success: bool,
        error_message: Option<String>,
    ) -> PyResult<()> {
        let sample = TaskSample {
            task_id,
            wall_time: secs("wall_time", wall_time)?,
            cpu_time: Some(secs("cpu_time", cpu_time)?),
            blocking_ratio: Some(blocking_ratio.clamp(0.0, 1.0)),
            timestamp: secs("timestamp", timestamp)?,
            success,
            error_message,
        };
        self.lock().record(sample);
        Ok(())
    }

    /// Samples recorded since the start or the last reset.
    fn total_recorded(&self) -> u64 {
        self.lock().total_recorded()
    }

    /// Mean β of the window, `None` when empty.
    fn recent_blocking_ratio(&self) -> Option<f64> {
        self.lock().recent_blocking_ratio()
    }

    /// Standard deviation of β over the window, `None` with fewer than two samples.
    fn blocking_ratio_std(&self) -> Option<f64> {
        self.lock().blocking_ratio_std()
    }

    /// Tasks per second over the window's timestamps.
    fn throughput(&self) -> f64 {
        self.lock().throughput()
    }

    /// `{"p50", "p95", "p99"}` latencies of the window in seconds (0.0 when empty).
    fn latency_percentiles<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let p = self.lock().latency_percentiles();
        let d = PyDict::new(py);
        let s = |f: fn(&betapool_metrics::Percentiles) -> Duration| {
            p.as_ref().map_or(0.0, |p| f(p).as_secs_f64())
        };
        d.set_item("p50", s(|p| p.p50))?;
        d.set_item("p95", s(|p| p.p95))?;
        d.set_item("p99", s(|p| p.p99))?;
        Ok(d)
    }

    /// Everything about the window as a JSON object (`AggregatedMetrics`' fields).
    fn aggregated_json(&self) -> PyResult<String> {
        let a = self.lock().aggregated();
        let ms = |d: Option<Duration>| d.map(|d| d.as_secs_f64());
        let value = serde_json::json!({
            "sample_count": a.sample_count,
            "success_count": a.success_count,
            "failure_count": a.failure_count,
            "mean_blocking_ratio": a.mean_blocking_ratio,
            "blocking_ratio_std": a.blocking_ratio_std,
            "throughput": a.throughput,
            "p50_latency": ms(a.latency.map(|p| p.p50)),
            "p95_latency": ms(a.latency.map(|p| p.p95)),
            "p99_latency": ms(a.latency.map(|p| p.p99)),
            "mean_wall_time": ms(a.mean_wall_time),
            "mean_cpu_time": ms(a.mean_cpu_time),
        });
        Ok(value.to_string())
    }

    /// Forgets every sample.
    fn reset(&self) {
        self.lock().reset();
    }

    /// The history as a JSON array of rows.
    fn export_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.lock().export())
            .map_err(|e| PyValueError::new_err(e.to_string()))
    }
}
