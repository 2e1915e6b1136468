//! Device selection (placeholder until the full probe lands): CPU unless a probe reports a GPU.

use crate::{ConfigError, EnvOverrides};

/// Where the model runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceType {
    /// The CPU.
    Cpu,
    /// An NVIDIA GPU.
    Gpu,
}

impl DeviceType {
    /// "cpu" or "gpu".
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cpu => "cpu",
            Self::Gpu => "gpu",
        }
    }
}

/// The device chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeviceConfig {
    /// CPU or GPU.
    pub device_type: DeviceType,
    /// The GPU's index, on a GPU.
    pub device_id: Option<u32>,
    /// Whether a GPU is visible.
    pub cuda_available: bool,
}

/// One GPU.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GpuDevice {
    /// Its index.
    pub index: u32,
    /// Its name.
    pub name: String,
}

/// Lists GPUs.
pub trait GpuProbe: Send + Sync {
    /// The GPUs, or why none can be listed.
    fn gpus(&self) -> Result<Vec<GpuDevice>, String>;
}

/// The machine's GPUs.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemProbe;

impl GpuProbe for SystemProbe {
    fn gpus(&self) -> Result<Vec<GpuDevice>, String> {
        Err("no probe".into())
    }
}

/// Chooses the device.
pub fn select_device(
    env: &EnvOverrides,
    probe: &dyn GpuProbe,
) -> Result<DeviceConfig, ConfigError> {
    let gpus = probe.gpus();
    let available = gpus.as_ref().is_ok_and(|g| !g.is_empty());
    if env.force_gpu && !available {
        return Err(ConfigError::no_gpu(
            gpus.err().unwrap_or_else(|| "no GPU".into()),
        ));
    }
    Ok(if available && !env.force_cpu {
        DeviceConfig {
            device_type: DeviceType::Gpu,
            device_id: Some(0),
            cuda_available: true,
        }
    } else {
        DeviceConfig {
            device_type: DeviceType::Cpu,
            device_id: None,
            cuda_available: available,
        }
    })
}
