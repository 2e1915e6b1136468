//! Unit tests of the config file: places and keys of errors, and flags over file values.

use std::fs;
use std::path::PathBuf;

use super::*;
use crate::cli::{CommonArgs, RunArgs};

/// A config file in the temp dir, removed when dropped.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

/// A config file with `text`, under a name unique to this test.
fn file(name: &str, text: &str) -> TempFile {
    let path = std::env::temp_dir().join(format!(
        "betapool-config-unit-{}-{name}.toml",
        std::process::id()
    ));
    fs::write(&path, text).expect("the temp dir is writable");
    TempFile(path)
}

fn run_args(config: Option<PathBuf>) -> RunArgs {
    RunArgs {
        pool: None,
        workload: None,
        tasks: None,
        arrival: None,
        time_cap_s: None,
        common: CommonArgs {
            seed: None,
            json: false,
            config,
        },
    }
}

#[test]
fn lines_and_columns_count_from_one_in_characters() {
    let text = "a = 1\nµµ = \"x\"\n";
    assert_eq!(line_column(text, 0), (1, 1));
    assert_eq!(line_column(text, 4), (1, 5));
    assert_eq!(line_column(text, 6), (2, 1));
    // `µ` is two bytes: the `=` after `µµ ` is the fourth character.
    assert_eq!(line_column(text, 11), (2, 4));
    assert_eq!(line_column(text, 1_000), (3, 1));
}

#[test]
fn keys_are_found_from_values_lines_and_headers() {
    let text = "workload = \"io\"\nsizes = [1,\n  \"x\"]\ntasks = \n[pools]\n";
    assert_eq!(key_at(text, 11).as_deref(), Some("workload"));
    let x = text.find("\"x\"").unwrap();
    assert_eq!(key_at(text, x).as_deref(), Some("sizes"));
    let tasks = text.find("tasks").unwrap() + 8;
    assert_eq!(key_at(text, tasks).as_deref(), Some("tasks"));
    let header = text.find("[pools]").unwrap();
    assert_eq!(key_at(text, header).as_deref(), Some("pools"));
    assert_eq!(key_at("# a comment only\n", 3), None);
}

#[test]
fn a_wrong_type_is_placed_at_its_value() {
    let path = file("wrong-type", "pool = \"static:2\"\n\ntasks = \"many\"\n");
    let err = run_settings(run_args(Some(path.0.clone()))).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}:3:9: tasks: invalid type: string \"many\", expected usize",
            path.0.display()
        )
    );
    assert!(err.is_usage());
}

#[test]
fn flags_override_the_file() {
    let path = file(
        "override",
        "pool = \"static:2\"\nworkload = \"io\"\ntasks = 50\nseed = 9\njson = true\n",
    );
    let mut args = run_args(Some(path.0.clone()));
    args.tasks = Some(30);
    args.pool = Some("static:3".into());
    let settings = run_settings(args).unwrap();
    assert_eq!(settings.workload.total_tasks(), 30);
    assert_eq!(settings.pool.value, "static:3");
    assert_eq!(settings.pool.origin, Origin::Flag("--pool"));
    assert_eq!((settings.common.seed, settings.common.json), (9, true));
    assert_eq!(
        settings.common.time_cap.as_secs_f64(),
        run::DEFAULT_TIME_CAP_S
    );
}

#[test]
fn file_values_remember_their_place() {
    let path = file("place", "workload = \"io\"\npool = \"static:2\"\n");
    let settings = run_settings(run_args(Some(path.0.clone()))).unwrap();
    let Origin::File(place) = settings.pool.origin else {
        panic!("the pool came from the file");
    };
    assert_eq!((place.line, place.column), (2, 8));
    assert_eq!(place.key.as_deref(), Some("pool"));
    assert_eq!(place.path, path.0.display().to_string());
}

#[test]
fn missing_required_settings_name_flag_and_key() {
    let err = run_settings(run_args(None)).unwrap_err().to_string();
    assert!(err.starts_with("--pool: missing"), "{err}");
    assert!(err.contains("`pool`"), "{err}");
}
