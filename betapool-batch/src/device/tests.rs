//! Unit tests of device selection: fake probes for every case of `CUDA_VISIBLE_DEVICES` and the
//! force flags, the driver's `/proc` files in a scratch folder, and the real probe on this
//! machine.

use std::path::PathBuf;

use super::*;

const UUID_0: &str = "GPU-8932f937-d72c-4106-c12f-20bd9faed9f6";
const UUID_1: &str = "GPU-89aa1234-0000-4106-c12f-000000000001";

fn two_gpus() -> FixedProbe {
    FixedProbe(vec![
        GpuDevice::new(0, "Tesla T4").with_uuid(UUID_0),
        GpuDevice::new(1, "A100").with_uuid(UUID_1),
    ])
}

fn env(pairs: &[(&str, &str)]) -> EnvOverrides {
    EnvOverrides::from_pairs(pairs.iter().copied()).unwrap()
}

fn visible_indices(pairs: &[(&str, &str)]) -> Vec<u32> {
    let device = select_device(&env(pairs), &two_gpus()).unwrap();
    device.visible_gpus.iter().map(|g| g.index).collect()
}

fn forced_gpu_error(cuda_visible_devices: &str) -> String {
    let env = env(&[
        ("MASX_FORCE_GPU", "1"),
        ("CUDA_VISIBLE_DEVICES", cuda_visible_devices),
    ]);
    select_device(&env, &two_gpus()).unwrap_err().to_string()
}

#[test]
fn gpu_present_is_chosen_as_cuda_device_0() {
    let device = select_device(&EnvOverrides::default(), &two_gpus()).unwrap();
    assert_eq!(device.device_type, DeviceType::Gpu);
    assert_eq!(device.device_id, Some(0));
    assert!(device.cuda_available);
    assert_eq!(device.visible_gpus, two_gpus().0);
    assert_eq!(device.cpu_reason, None);
}

#[test]
fn no_gpu_means_cpu_with_the_reason() {
    let device = select_device(&EnvOverrides::default(), &FixedProbe(vec![])).unwrap();
    assert_eq!(device.device_type, DeviceType::Cpu);
    assert_eq!(device.device_id, None);
    assert!(!device.cuda_available);
    assert_eq!(
        device.cpu_reason.as_deref(),
        Some("no NVIDIA GPU found: the driver lists none")
    );
}

#[test]
fn probe_error_means_cpu_and_its_text_is_the_reason() {
    let device = select_device(
        &EnvOverrides::default(),
        &FailingProbe("NVML: no permission".into()),
    )
    .unwrap();
    assert_eq!(device.device_type, DeviceType::Cpu);
    assert!(!device.cuda_available);
    assert_eq!(device.cpu_reason.as_deref(), Some("NVML: no permission"));
}

#[test]
fn probe_error_text_reaches_the_forced_gpu_error() {
    let env = env(&[("MASX_FORCE_GPU", "1")]);
    let probe = FailingProbe("no NVIDIA GPU found: /proc/driver/nvidia does not exist".into());
    let err = select_device(&env, &probe).unwrap_err();
    assert_eq!(
        err.to_string(),
        "MASX_FORCE_GPU is set but no GPU can be used: no NVIDIA GPU found: /proc/driver/nvidia does not exist"
    );
    assert_eq!(err.key(), Some("MASX_FORCE_GPU"));
}

#[test]
fn forced_gpu_with_no_gpu_listed_says_so() {
    let env = env(&[("MASX_FORCE_GPU", "1")]);
    let err = select_device(&env, &FixedProbe(vec![])).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("no NVIDIA GPU found: the driver lists none"),
        "{err}"
    );
}

#[test]
fn forced_gpu_with_a_gpu_is_the_gpu() {
    let device = select_device(&env(&[("MASX_FORCE_GPU", "yes")]), &two_gpus()).unwrap();
    assert_eq!(
        (device.device_type, device.device_id),
        (DeviceType::Gpu, Some(0))
    );
}

#[test]
fn forced_cpu_still_reports_cuda_available() {
    let device = select_device(&env(&[("MASX_FORCE_CPU", "1")]), &two_gpus()).unwrap();
    assert_eq!(device.device_type, DeviceType::Cpu);
    assert_eq!(device.device_id, None);
    assert!(device.cuda_available);
    assert_eq!(device.visible_gpus.len(), 2);
    assert_eq!(device.cpu_reason.as_deref(), Some("MASX_FORCE_CPU is set"));

    let hidden = env(&[("MASX_FORCE_CPU", "1"), ("CUDA_VISIBLE_DEVICES", "")]);
    assert!(!select_device(&hidden, &two_gpus()).unwrap().cuda_available);
}

#[test]
fn forced_cpu_never_fails_on_a_probe_error() {
    let device =
        select_device(&env(&[("MASX_FORCE_CPU", "1")]), &FailingProbe("x".into())).unwrap();
    assert_eq!(device.device_type, DeviceType::Cpu);
    assert!(!device.cuda_available);
}

#[test]
fn unset_cuda_visible_devices_shows_every_gpu() {
    assert_eq!(visible_indices(&[]), [0, 1]);
}

#[test]
fn empty_cuda_visible_devices_hides_every_gpu() {
    let device = select_device(&env(&[("CUDA_VISIBLE_DEVICES", "")]), &two_gpus()).unwrap();
    assert_eq!(device.device_type, DeviceType::Cpu);
    assert!(!device.cuda_available);
    assert_eq!(
        device.cpu_reason.as_deref(),
        Some("CUDA_VISIBLE_DEVICES=\"\" hides all 2 GPUs")
    );
    assert_eq!(
        forced_gpu_error(""),
        "MASX_FORCE_GPU is set but no GPU can be used: CUDA_VISIBLE_DEVICES=\"\" hides all 2 GPUs"
    );
}

#[test]
fn minus_one_and_no_dev_files_hide_every_gpu() {
    for spec in ["-1", "NoDevFiles", "none"] {
        let err = forced_gpu_error(spec);
        assert!(
            err.contains(&format!("CUDA_VISIBLE_DEVICES={spec:?} hides all 2 GPUs")),
            "{err}"
        );
        assert!(err.contains("is not a GPU index (0 to 1) or UUID"), "{err}");
    }
}

#[test]
fn a_single_gpu_hidden_is_called_the_only_gpu() {
    let env = env(&[("CUDA_VISIBLE_DEVICES", "-1")]);
    let device = select_device(&env, &FixedProbe(vec![GpuDevice::new(0, "T4")])).unwrap();
    assert!(device.cpu_reason.unwrap().contains("hides the only GPU"));
}

#[test]
fn a_list_selects_and_reorders() {
    assert_eq!(visible_indices(&[("CUDA_VISIBLE_DEVICES", "1")]), [1]);
    assert_eq!(visible_indices(&[("CUDA_VISIBLE_DEVICES", "1,0")]), [1, 0]);
    assert_eq!(
        visible_indices(&[("CUDA_VISIBLE_DEVICES", " 1 , 0 ")]),
        [1, 0]
    );
    let device = select_device(&env(&[("CUDA_VISIBLE_DEVICES", "1,0")]), &two_gpus()).unwrap();
    // Physical GPU 1 is this process's CUDA device 0.
    assert_eq!(device.device_id, Some(0));
    assert_eq!(device.visible_gpus[0].name, "A100");
}

#[test]
fn the_list_stops_at_the_first_invalid_entry() {
    assert_eq!(visible_indices(&[("CUDA_VISIBLE_DEVICES", "0,-1,1")]), [0]);
    assert_eq!(visible_indices(&[("CUDA_VISIBLE_DEVICES", "1,7,0")]), [1]);
    assert_eq!(visible_indices(&[("CUDA_VISIBLE_DEVICES", "1,,0")]), [1]);
    assert_eq!(visible_indices(&[("CUDA_VISIBLE_DEVICES", "0,x")]), [0]);
    // An out-of-range index first hides everything.
    assert!(forced_gpu_error("2,0").contains("\"2\" is not a GPU index (0 to 1) or UUID"));
}

#[test]
fn a_gpu_named_twice_ends_the_list() {
    assert_eq!(visible_indices(&[("CUDA_VISIBLE_DEVICES", "1,1,0")]), [1]);
}

#[test]
fn uuids_and_unique_prefixes_select_gpus() {
    let spec = format!("{UUID_1},{UUID_0}");
    assert_eq!(visible_indices(&[("CUDA_VISIBLE_DEVICES", &spec)]), [1, 0]);
    assert_eq!(
        visible_indices(&[("CUDA_VISIBLE_DEVICES", "GPU-8932")]),
        [0]
    );
    assert_eq!(
        visible_indices(&[("CUDA_VISIBLE_DEVICES", "gpu-89AA")]),
        [1]
    );
    // "GPU-89" is a prefix of both UUIDs: ambiguous, hence invalid.
    let err = forced_gpu_error("GPU-89");
    assert!(
        err.contains("matches the UUID of no GPU, or of more than one"),
        "{err}"
    );
}

#[test]
fn uuids_select_nothing_when_the_probe_knows_no_uuid() {
    let probe = FixedProbe(vec![GpuDevice::new(0, "T4")]);
    let env = env(&[("CUDA_VISIBLE_DEVICES", UUID_0)]);
    assert!(!select_device(&env, &probe).unwrap().cuda_available);
}

#[test]
fn mig_instances_are_not_resolved_and_say_so() {
    let err = forced_gpu_error("MIG-4f1a7e2b-0000-5b1c-9f3e-123456789abc");
    assert!(
        err.contains("is a MIG instance, which this crate does not resolve"),
        "{err}"
    );
}

#[test]
fn strange_entries_never_panic() {
    for spec in ["é", "GPU-é", "MIG", ",", "99999999999999999999", "GPU-"] {
        let env = env(&[("CUDA_VISIBLE_DEVICES", spec)]);
        let device = select_device(&env, &two_gpus()).unwrap();
        assert!(!device.cuda_available, "{spec}");
    }
}

#[test]
fn device_config_serializes_as_the_seed_names_it() {
    let device = select_device(&EnvOverrides::default(), &FixedProbe(vec![])).unwrap();
    let json = serde_json::to_value(&device).unwrap();
    assert_eq!(json["device_type"], "cpu");
    assert_eq!(json["device_id"], serde_json::Value::Null);
    assert_eq!(json["cuda_available"], false);
}

/// A scratch folder laid out like `/proc/driver/nvidia`, removed on drop.
struct FakeProc(PathBuf);

impl FakeProc {
    fn new(test: &str) -> Self {
        let root = std::env::temp_dir().join(format!(
            "betapool-batch-device-{test}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap();
        Self(root)
    }

    fn gpu(&self, bus_id: &str, information: &str) {
        let dir = self.0.join("gpus").join(bus_id);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("information"), information).unwrap();
    }
}

impl Drop for FakeProc {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn proc_gpus_reads_models_and_uuids_in_bus_order() {
    let root = FakeProc::new("bus-order");
    root.gpu(
        "0000:3b:00.0",
        "Model: \t\t A100-SXM4-40GB\nIRQ:   \t\t 35\nGPU UUID: \t GPU-bbbb\nBus Location: \t 0000:3b:00.0\n",
    );
    root.gpu(
        "0000:00:1e.0",
        "Model: \t\t Tesla T4\nGPU UUID: \t GPU-aaaa\nBus Location: \t 0000:00:1e.0\n",
    );
    root.gpu("0000:af:00.0", "");
    let gpus = proc_gpus(&root.0).unwrap();
    assert_eq!(
        gpus,
        [
            GpuDevice::new(0, "Tesla T4").with_uuid("GPU-aaaa"),
            GpuDevice::new(1, "A100-SXM4-40GB").with_uuid("GPU-bbbb"),
            GpuDevice::new(2, "NVIDIA GPU at 0000:af:00.0"),
        ]
    );
}

#[test]
fn proc_gpus_with_a_driver_but_no_gpu_folder_is_an_empty_list() {
    let root = FakeProc::new("no-gpus");
    assert_eq!(proc_gpus(&root.0), Ok(vec![]));
}

#[test]
fn proc_gpus_without_the_driver_says_so() {
    let missing = std::env::temp_dir().join("betapool-batch-device-no-such-folder");
    let err = proc_gpus(&missing).unwrap_err();
    assert!(err.starts_with("no NVIDIA GPU found: "), "{err}");
    assert!(
        err.ends_with("does not exist (no NVIDIA driver is loaded)"),
        "{err}"
    );
}

#[test]
fn system_probe_on_this_machine_answers_without_panicking() {
    // This machine may or may not have a GPU; either answer is fine, a panic is not.
    match SystemProbe.gpus() {
        Ok(gpus) => {
            for (i, gpu) in (0u32..).zip(&gpus) {
                assert_eq!(gpu.index, i);
            }
        }
        Err(why) => assert!(!why.is_empty()),
    }
    let _ = use_gpu();
}
