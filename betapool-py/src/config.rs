//! The seed's `ControllerConfig` fields, as the Python package passes them, turned into the
//! Rust controller's configuration (validated there, with the field named on error).

use std::time::Duration;

use betapool_core::controller::ControllerConfig;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

/// The nine fields of the seed's `ControllerConfig`, in seconds and percent as the seed has
/// them.
#[derive(Debug, Clone, Copy, FromPyObject)]
pub(crate) struct SeedConfig {
    #[pyo3(attribute)]
    monitor_interval_sec: f64,
    #[pyo3(attribute)]
    beta_high_threshold: f64,
    #[pyo3(attribute)]
    beta_low_threshold: f64,
    #[pyo3(attribute)]
    scale_up_step: usize,
    #[pyo3(attribute)]
    scale_down_step: usize,
    #[pyo3(attribute)]
    cpu_upper_threshold: f64,
    #[pyo3(attribute)]
    cpu_lower_threshold: f64,
    #[pyo3(attribute)]
    stabilization_window_sec: f64,
    #[pyo3(attribute)]
    warmup_task_count: u64,
}

/// Seconds as a `Duration`, or a `ValueError` naming `field` for a negative or non-finite value.
fn seconds(field: &str, value: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value).map_err(|_| {
        PyValueError::new_err(format!(
            "ControllerConfig.{field} must be a finite number of seconds >= 0, got {value}"
        ))
    })
}

impl SeedConfig {
    /// The Rust configuration, checked by the controller's own validation.
    pub(crate) fn to_rust(self) -> PyResult<ControllerConfig> {
        let config = ControllerConfig::default()
            .monitor_interval(seconds("monitor_interval_sec", self.monitor_interval_sec)?)
            .beta_high_threshold(self.beta_high_threshold)
            .beta_low_threshold(self.beta_low_threshold)
            .scale_up_step(self.scale_up_step)
            .scale_down_step(self.scale_down_step)
            .cpu_upper_threshold(self.cpu_upper_threshold)
            .cpu_lower_threshold(self.cpu_lower_threshold)
            .stabilization_window(seconds(
                "stabilization_window_sec",
                self.stabilization_window_sec,
            )?)
            .warmup_task_count(self.warmup_task_count);
        config
            .validate()
            .map_err(|e| PyValueError::new_err(format!("ControllerConfig: {e}")))?;
        Ok(config)
    }
}
