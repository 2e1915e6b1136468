//! Device selection without linking CUDA (the seed's `device.py`): which NVIDIA GPUs the machine
//! has (asked of a [`GpuProbe`]), which of them `CUDA_VISIBLE_DEVICES` lets this process see,
//! and what the force flags make of that. `select_device`'s documentation holds the rules.

use std::fmt;
use std::path::Path;

use crate::{ConfigError, EnvOverrides};

/// Where the NVIDIA kernel driver describes the GPUs it drives, one folder per GPU.
const PROC_NVIDIA: &str = "/proc/driver/nvidia";

/// Where a computation runs.
///
/// ```
/// use betapool_batch::DeviceType;
/// assert_eq!(DeviceType::Gpu.as_str(), "gpu");
/// assert_eq!(DeviceType::Cpu.to_string(), "cpu");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceType {
    /// The CPU.
    Cpu,
    /// An NVIDIA GPU.
    Gpu,
}

impl DeviceType {
    /// `"cpu"` or `"gpu"`, as the seed's `device_type` and its metrics spell them.
    ///
    /// ```
    /// assert_eq!(betapool_batch::DeviceType::Cpu.as_str(), "cpu");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceType::Cpu => "cpu",
            DeviceType::Gpu => "gpu",
        }
    }
}

impl fmt::Display for DeviceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One physical NVIDIA GPU, as a [`GpuProbe`] lists it.
///
/// ```
/// use betapool_batch::GpuDevice;
/// let gpu = GpuDevice::new(0, "Tesla T4").with_uuid("GPU-8932f937-d72c-4106-c12f-20bd9faed9f6");
/// assert_eq!((gpu.index, gpu.name.as_str()), (0, "Tesla T4"));
/// assert!(gpu.uuid.is_some());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct GpuDevice {
    /// The GPU's index in PCI bus order (as NVML and `nvidia-smi` number it), which is what
    /// the indices of `CUDA_VISIBLE_DEVICES` refer to.
    pub index: u32,
    /// The product name (`Tesla T4`).
    pub name: String,
    /// The GPU's UUID (`GPU-8932f937-...`), when the probe knows it; `CUDA_VISIBLE_DEVICES`
    /// entries that are UUIDs are matched against it.
    pub uuid: Option<String>,
}

impl GpuDevice {
    /// A GPU with its index and name, and no UUID.
    ///
    /// ```
    /// let gpu = betapool_batch::GpuDevice::new(1, "A100");
    /// assert_eq!(gpu.uuid, None);
    /// ```
    pub fn new(index: u32, name: impl Into<String>) -> Self {
        Self {
            index,
            name: name.into(),
            uuid: None,
        }
    }

    /// The same GPU, with its UUID.
    ///
    /// ```
    /// let gpu = betapool_batch::GpuDevice::new(0, "A100").with_uuid("GPU-0a1b");
    /// assert_eq!(gpu.uuid.as_deref(), Some("GPU-0a1b"));
    /// ```
    pub fn with_uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }
}

/// Lists the machine's physical NVIDIA GPUs, whatever `CUDA_VISIBLE_DEVICES` says (that is
/// applied by [`select_device`]).
///
/// `Err` says why no list could be made (no driver, no permission); `Ok` with an empty list
/// means the driver is there and drives no GPU. [`SystemProbe`] asks the machine;
/// [`FixedProbe`] and [`FailingProbe`] stand in for it in tests.
///
/// ```
/// use betapool_batch::{FixedProbe, GpuDevice, GpuProbe};
/// let probe: &dyn GpuProbe = &FixedProbe(vec![GpuDevice::new(0, "A100")]);
/// assert_eq!(probe.gpus().unwrap().len(), 1);
/// ```
pub trait GpuProbe: Send + Sync {
    /// The physical GPUs, in index order, or why none can be listed.
    fn gpus(&self) -> Result<Vec<GpuDevice>, String>;
}

/// The machine's GPUs, found without linking CUDA.
///
/// With the `nvml` feature it first asks NVIDIA's management library, which it loads at run
/// time (`libnvidia-ml.so`, installed with the driver), so the program starts on machines that
/// have none. Without the feature, or when that fails, it reads what the kernel driver
/// publishes: one folder per GPU in `/proc/driver/nvidia/gpus/`, named by PCI bus id, whose
/// `information` file holds the model and UUID; the GPUs are indexed in bus-id order.
///
/// ```
/// use betapool_batch::{GpuProbe, SystemProbe};
/// // On a machine without an NVIDIA driver this is an error saying so, never a panic.
/// match SystemProbe.gpus() {
///     Ok(gpus) => println!("{} GPU(s)", gpus.len()),
///     Err(why) => println!("no GPU: {why}"),
/// }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemProbe;

impl GpuProbe for SystemProbe {
    fn gpus(&self) -> Result<Vec<GpuDevice>, String> {
        #[cfg(feature = "nvml")]
        {
            match nvml_gpus() {
                Ok(gpus) => Ok(gpus),
                Err(nvml) => proc_gpus(Path::new(PROC_NVIDIA))
                    .map_err(|proc| format!("NVML: {nvml}; {proc}")),
            }
        }
        #[cfg(not(feature = "nvml"))]
        {
            proc_gpus(Path::new(PROC_NVIDIA))
        }
    }
}

/// A probe that always lists the same GPUs: for tests, and for a program that knows its
/// hardware.
///
/// ```
/// use betapool_batch::{select_device, DeviceType, EnvOverrides, FixedProbe, GpuDevice};
/// let probe = FixedProbe(vec![GpuDevice::new(0, "A100"), GpuDevice::new(1, "A100")]);
/// let env = EnvOverrides::from_pairs([("CUDA_VISIBLE_DEVICES", "1")])?;
/// let device = select_device(&env, &probe)?;
/// assert_eq!(device.device_type, DeviceType::Gpu);
/// assert_eq!(device.visible_gpus[0].index, 1);
/// # Ok::<(), betapool_batch::ConfigError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FixedProbe(pub Vec<GpuDevice>);

impl GpuProbe for FixedProbe {
    fn gpus(&self) -> Result<Vec<GpuDevice>, String> {
        Ok(self.0.clone())
    }
}

/// A probe that cannot list GPUs, for the given reason: for tests of what a program does on a
/// machine without a driver.
///
/// ```
/// use betapool_batch::{select_device, EnvOverrides, FailingProbe};
/// let env = EnvOverrides::from_pairs([("MASX_FORCE_GPU", "1")])?;
/// let err = select_device(&env, &FailingProbe("no driver".into())).unwrap_err();
/// assert!(err.to_string().contains("no driver"));
/// # Ok::<(), betapool_batch::ConfigError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FailingProbe(pub String);

impl GpuProbe for FailingProbe {
    fn gpus(&self) -> Result<Vec<GpuDevice>, String> {
        Err(self.0.clone())
    }
}

/// The device chosen for inference (the seed's `get_device_config()`).
///
/// ```
/// use betapool_batch::{select_device, DeviceType, EnvOverrides, FixedProbe};
/// let device = select_device(&EnvOverrides::default(), &FixedProbe(vec![]))?;
/// assert_eq!(device.device_type, DeviceType::Cpu);
/// assert_eq!(device.device_id, None);
/// assert!(!device.cuda_available);
/// # Ok::<(), betapool_batch::ConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct DeviceConfig {
    /// Where inference runs.
    pub device_type: DeviceType,
    /// The GPU to use, in this process's CUDA numbering (CUDA numbers the visible GPUs from 0
    /// in `CUDA_VISIBLE_DEVICES` order, so this is always `Some(0)`, the first visible GPU);
    /// `None` on the CPU.
    pub device_id: Option<u32>,
    /// Whether this process can see at least one GPU (also reported when `MASX_FORCE_CPU`
    /// keeps inference on the CPU).
    pub cuda_available: bool,
    /// The GPUs this process can see, in its CUDA numbering (`visible_gpus[0]` is CUDA device
    /// 0); each keeps its physical index.
    pub visible_gpus: Vec<GpuDevice>,
    /// Why inference runs on the CPU (`MASX_FORCE_CPU`, no driver, every GPU hidden); `None`
    /// on a GPU.
    pub cpu_reason: Option<String>,
}

/// Chooses the device from the environment's overrides and the GPUs `probe` lists.
///
/// - `MASX_FORCE_CPU`: the CPU; `cuda_available` still says whether a GPU is visible.
/// - `MASX_FORCE_GPU` with no visible GPU: [`ConfigError`] saying why (the probe's error, or
///   which `CUDA_VISIBLE_DEVICES` value hides which GPUs).
/// - Otherwise the first visible GPU (`device_id = Some(0)`), or the CPU (`device_id = None`)
///   when none is visible.
///
/// `CUDA_VISIBLE_DEVICES` is read the way the CUDA runtime reads it:
///
/// - unset: every GPU is visible;
/// - empty: none is;
/// - a comma-separated list of indices (`1,0`) makes those GPUs visible, in that order, and
///   CUDA numbers them from 0 in that order (so `1,0` makes physical GPU 1 the process's
///   device 0);
/// - the list stops at its first invalid entry: `0,2,-1,1` makes GPUs 0 and 2 visible, and
///   `-1` or `NoDevFiles` alone hides every GPU;
/// - an entry starting with `GPU-` is a GPU's UUID, or a prefix of it that only one GPU
///   matches (as `nvidia-smi -L` prints them); it selects that GPU when the probe knows the
///   GPUs' UUIDs (both [`SystemProbe`] sources do) and is invalid otherwise;
/// - an entry starting with `MIG-` names a MIG instance; resolving it needs NVML's MIG queries,
///   which this crate does not make, so it counts as invalid and ends the list (a process given
///   only MIG instances is reported as having no visible GPU, with that reason);
/// - a GPU named a second time is treated as an invalid entry, so no GPU is counted twice.
///
/// Indices are matched in PCI bus order, the order NVML and `nvidia-smi` number GPUs in. CUDA
/// uses that order too when `CUDA_DEVICE_ORDER=PCI_BUS_ID`; its default order puts the fastest
/// GPU first, which differs only on a machine with GPUs of different models.
///
/// ```
/// use betapool_batch::{select_device, DeviceType, EnvOverrides, FixedProbe, GpuDevice};
/// let probe = FixedProbe(vec![GpuDevice::new(0, "T4"), GpuDevice::new(1, "T4")]);
///
/// let device = select_device(&EnvOverrides::default(), &probe)?;
/// assert_eq!((device.device_type, device.device_id), (DeviceType::Gpu, Some(0)));
///
/// let hidden = EnvOverrides::from_pairs([("CUDA_VISIBLE_DEVICES", ""), ("MASX_FORCE_GPU", "1")])?;
/// let err = select_device(&hidden, &probe).unwrap_err();
/// assert!(err.to_string().contains("hides all 2 GPUs"));
/// # Ok::<(), betapool_batch::ConfigError>(())
/// ```
pub fn select_device(
    env: &EnvOverrides,
    probe: &dyn GpuProbe,
) -> Result<DeviceConfig, ConfigError> {
    let (visible_gpus, none_reason) = match probe.gpus() {
        Ok(all) => visible(env.cuda_visible_devices.as_deref(), all),
        Err(why) => (Vec::new(), Some(why)),
    };
    let cuda_available = !visible_gpus.is_empty();
    if env.force_cpu {
        return Ok(DeviceConfig {
            device_type: DeviceType::Cpu,
            device_id: None,
            cuda_available,
            visible_gpus,
            cpu_reason: Some("MASX_FORCE_CPU is set".to_owned()),
        });
    }
    match none_reason {
        None => Ok(DeviceConfig {
            device_type: DeviceType::Gpu,
            device_id: Some(0),
            cuda_available,
            visible_gpus,
            cpu_reason: None,
        }),
        Some(why) if env.force_gpu => Err(ConfigError::no_gpu(why)),
        Some(why) => Ok(DeviceConfig {
            device_type: DeviceType::Cpu,
            device_id: None,
            cuda_available,
            visible_gpus,
            cpu_reason: Some(why),
        }),
    }
}

/// The seed's `get_device_config()`: [`select_device`] with the process environment and the
/// [`SystemProbe`].
///
/// Each call reads the environment and probes the machine afresh (loading NVML, with the
/// `nvml` feature, takes milliseconds), so call it once and keep the result.
///
/// ```
/// use betapool_batch::{get_device_config, DeviceType};
/// match get_device_config() {
///     Ok(device) if device.device_type == DeviceType::Gpu => println!("GPU {:?}", device.device_id),
///     Ok(device) => println!("CPU: {}", device.cpu_reason.unwrap_or_default()),
///     Err(e) => println!("unusable environment: {e}"),
/// }
/// ```
pub fn get_device_config() -> Result<DeviceConfig, ConfigError> {
    select_device(&EnvOverrides::from_process_env()?, &SystemProbe)
}

/// The seed's `use_gpu()`: whether [`get_device_config`] chooses a GPU.
///
/// An environment that cannot be used (a bad variable, or `MASX_FORCE_GPU` with no GPU)
/// answers `false` and logs the error at warn level through `tracing`; call
/// [`get_device_config`] to handle the error yourself.
///
/// ```
/// if betapool_batch::use_gpu() {
///     println!("GPU is available and will be used");
/// } else {
///     println!("Using CPU for inference");
/// }
/// ```
pub fn use_gpu() -> bool {
    match get_device_config() {
        Ok(device) => device.device_type == DeviceType::Gpu,
        Err(e) => {
            tracing::warn!("use_gpu: {e}; answering false");
            false
        }
    }
}

/// The GPUs `CUDA_VISIBLE_DEVICES` (`spec`) leaves visible out of `all`, in CUDA order, and why
/// there are none when there are none.
fn visible(spec: Option<&str>, all: Vec<GpuDevice>) -> (Vec<GpuDevice>, Option<String>) {
    if all.is_empty() {
        return (
            all,
            Some("no NVIDIA GPU found: the driver lists none".to_owned()),
        );
    }
    let Some(spec) = spec else {
        return (all, None);
    };
    let mut chosen: Vec<GpuDevice> = Vec::new();
    let mut stopped_at = None;
    if !spec.trim().is_empty() {
        for entry in spec.split(',').map(str::trim) {
            match resolve(entry, &all) {
                Some(gpu) if !chosen.iter().any(|c| c.index == gpu.index) => {
                    chosen.push(gpu.clone())
                }
                _ => {
                    stopped_at = Some(entry);
                    break;
                }
            }
        }
    }
    if !chosen.is_empty() {
        if let Some(entry) = stopped_at {
            tracing::warn!(
                "CUDA_VISIBLE_DEVICES={spec:?}: {}; the entries from there on are ignored, as CUDA does",
                invalid_entry(entry, &all)
            );
        }
        return (chosen, None);
    }
    let hides = match all.len() {
        1 => "hides the only GPU".to_owned(),
        n => format!("hides all {n} GPUs"),
    };
    let why = match stopped_at {
        None => format!("CUDA_VISIBLE_DEVICES={spec:?} {hides}"),
        Some(entry) => format!(
            "CUDA_VISIBLE_DEVICES={spec:?} {hides}: {}, and CUDA stops reading the list there",
            invalid_entry(entry, &all)
        ),
    };
    (Vec::new(), Some(why))
}

/// The GPU one entry of `CUDA_VISIBLE_DEVICES` names, if it names exactly one.
fn resolve<'a>(entry: &str, all: &'a [GpuDevice]) -> Option<&'a GpuDevice> {
    if !entry.is_empty() && entry.bytes().all(|b| b.is_ascii_digit()) {
        let index: usize = entry.parse().ok()?;
        return all.get(index);
    }
    if entry.len() > "GPU-".len() && starts_with_ci(entry, "GPU-") {
        let mut matches = all.iter().filter(|gpu| {
            gpu.uuid
                .as_deref()
                .is_some_and(|uuid| starts_with_ci(uuid, entry))
        });
        let first = matches.next()?;
        return matches.next().is_none().then_some(first);
    }
    None
}

/// Whether `s` starts with `prefix`, ignoring ASCII case (UUIDs are hexadecimal, which people
/// write in either case). Never splits a character, whatever the text.
fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// Why `entry` of `CUDA_VISIBLE_DEVICES` selects no further GPU, in words.
fn invalid_entry(entry: &str, all: &[GpuDevice]) -> String {
    let last = all.len().saturating_sub(1);
    if starts_with_ci(entry, "MIG-") {
        format!("{entry:?} is a MIG instance, which this crate does not resolve")
    } else if starts_with_ci(entry, "GPU-") {
        format!("{entry:?} matches the UUID of no GPU, or of more than one")
    } else if resolve(entry, all).is_some() {
        format!("{entry:?} names a GPU already listed")
    } else {
        format!("{entry:?} is not a GPU index (0 to {last}) or UUID")
    }
}

/// The GPUs the kernel driver publishes under `root` (`/proc/driver/nvidia`), indexed in
/// bus-id order.
fn proc_gpus(root: &Path) -> Result<Vec<GpuDevice>, String> {
    if !root.exists() {
        return Err(format!(
            "no NVIDIA GPU found: {} does not exist (no NVIDIA driver is loaded)",
            root.display()
        ));
    }
    let dir = root.join("gpus");
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        // The driver is loaded but has created no GPU folder: it drives no GPU.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("cannot list {}: {e}", dir.display())),
    };
    let mut bus_ids: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_ascii_lowercase())
        .collect();
    // Bus ids have a fixed width (`0000:3b:00.0`), so sorting the text sorts the addresses.
    bus_ids.sort();
    let mut gpus = Vec::with_capacity(bus_ids.len());
    for (index, bus_id) in (0u32..).zip(bus_ids) {
        let info =
            std::fs::read_to_string(dir.join(&bus_id).join("information")).unwrap_or_default();
        let name = field(&info, "Model").unwrap_or_else(|| format!("NVIDIA GPU at {bus_id}"));
        let mut gpu = GpuDevice::new(index, name);
        gpu.uuid = field(&info, "GPU UUID");
        gpus.push(gpu);
    }
    Ok(gpus)
}

/// The value of a `Key: value` line of a driver `information` file.
fn field(info: &str, key: &str) -> Option<String> {
    info.lines().find_map(|line| {
        let (k, v) = line.split_once(':')?;
        (k.trim() == key && !v.trim().is_empty()).then(|| v.trim().to_owned())
    })
}

/// The GPUs NVML lists, in its (PCI bus) order.
#[cfg(feature = "nvml")]
fn nvml_gpus() -> Result<Vec<GpuDevice>, String> {
    let nvml = nvml_wrapper::Nvml::init().map_err(|e| e.to_string())?;
    let count = nvml.device_count().map_err(|e| e.to_string())?;
    let mut gpus = Vec::with_capacity(count as usize);
    for index in 0..count {
        let device = nvml
            .device_by_index(index)
            .map_err(|e| format!("GPU {index}: {e}"))?;
        let name = device
            .name()
            .unwrap_or_else(|_| format!("NVIDIA GPU {index}"));
        let mut gpu = GpuDevice::new(index, name);
        gpu.uuid = device.uuid().ok();
        gpus.push(gpu);
    }
    Ok(gpus)
}

#[cfg(test)]
mod tests;
