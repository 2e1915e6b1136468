//! `examples/pools.toml`, the seed's five pools, loads and means what it says; and `load`
//! reports files it cannot read.

use std::path::Path;

use betapool_core::ControllerConfig;
use betapool_group::{ConfigErrorKind, GroupConfig, PolicyChoice, PoolKind};

fn example_path() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/pools.toml"))
}

#[test]
fn smoke_example_loads() {
    let config = GroupConfig::load(example_path()).expect("examples/pools.toml is valid");
    let names: Vec<&str> = config.pools.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["io", "cpu", "inference", "embedding", "db"]);
    assert_eq!(config.max_total_threads, 140);
    assert!(!config.verbose);
    assert_eq!(config.total_max_workers(), 50 + 8 + 20 + 15 + 25);
    assert!(config.validate().is_ok());

    assert_eq!(
        config.get("cpu").unwrap().kind,
        PoolKind::Static { workers: 8 }
    );
    let io = config.get("io").unwrap();
    assert_eq!((io.min_workers(), io.max_workers()), (4, 50));
    assert_eq!(io.controller_config(), Some(&ControllerConfig::default()));
    assert_eq!(io.policy_choice(), Some(PolicyChoice::Default));

    let inference = config.get("inference").unwrap();
    assert_eq!(inference.policy_choice(), Some(PolicyChoice::Seed));
    let seed_io_heavy = ControllerConfig::default()
        .stabilization_window(std::time::Duration::from_secs(1))
        .beta_high_threshold(0.8)
        .beta_low_threshold(0.4)
        .scale_up_step(4)
        .scale_down_step(1);
    assert_eq!(inference.controller_config(), Some(&seed_io_heavy));
}

#[test]
fn example_survives_a_round_trip() {
    let config = GroupConfig::load(example_path()).unwrap();
    let again = GroupConfig::from_toml_str(&config.to_toml_string(), "written.toml").unwrap();
    assert_eq!(again, config);
}

#[test]
fn load_reads_a_file_and_names_it_in_errors() {
    let dir = std::env::temp_dir().join(format!("betapool-group-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.toml");
    std::fs::write(
        &path,
        "max_total_threads = 4\n[pools.cpu]\nkind = \"static\"\nworkers = 8\n",
    )
    .unwrap();
    let err = GroupConfig::load(&path).unwrap_err();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(err.kind(), ConfigErrorKind::OverGlobalCap);
    let origin = path.display().to_string();
    assert_eq!(err.origin(), Some(origin.as_str()));
    assert!(
        err.to_string()
            .starts_with(&format!("{origin}:1:21: max_total_threads: ")),
        "{err}"
    );
}

#[test]
fn load_of_a_missing_file_is_an_io_error() {
    let err = GroupConfig::load("/nonexistent/betapool/pools.toml").unwrap_err();
    assert_eq!(err.kind(), ConfigErrorKind::Io);
    assert_eq!((err.line(), err.column(), err.key()), (None, None, None));
    assert!(std::error::Error::source(&err).is_some());
    assert!(
        err.to_string()
            .starts_with("/nonexistent/betapool/pools.toml: cannot read: "),
        "{err}"
    );
}
