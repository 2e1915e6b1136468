//! The built `betapool` binary, run as a user would: `run`, `compare` and a scaled-down `demo`
//! as text and JSON, config files merged under flags, and bad flags and bad config files
//! rejected with one line naming the flag or the file, line, column and key. Task counts are
//! tiny and nothing here depends on timing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn betapool<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_betapool"))
        .args(args)
        .output()
        .expect("the betapool binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("output is UTF-8")
}

/// A fresh directory under the system's temp dir, unique to this process and `name`.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("betapool-cli-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("the temp dir is writable");
    dir
}

/// Writes `contents` to `dir/name` and returns the path.
fn write(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, contents).expect("the temp dir is writable");
    path
}

/// Asserts success, no panic, and returns stdout.
fn ok(out: &Output) -> String {
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "failed: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    text(&out.stdout)
}

/// The line of `stdout` starting with `pool` followed by a space, split into cells.
fn row<'a>(stdout: &'a str, pool: &str) -> Vec<&'a str> {
    stdout
        .lines()
        .find(|l| l.starts_with(&format!("{pool} ")))
        .unwrap_or_else(|| panic!("no row for {pool} in:\n{stdout}"))
        .split_whitespace()
        .collect()
}

#[test]
fn smoke_run_prints_seed_style_metrics() {
    let stdout = ok(&betapool(&[
        "run",
        "--pool",
        "static:4",
        "--workload",
        "mixed",
        "--tasks",
        "60",
    ]));
    for line in ["Pool: static:4", "Tasks: 60", "Completed: 60", "Skipped: 0"] {
        assert!(
            stdout.lines().any(|l| l == line),
            "no {line:?} in:\n{stdout}"
        );
    }
    for label in [
        "Workload: mixed",
        "Elapsed: ",
        "Throughput: ",
        "P50 latency: ",
        "P99 latency: ",
        "Peak threads: ",
        "CPU seconds: ",
    ] {
        assert!(stdout.contains(label), "no {label:?} in:\n{stdout}");
    }
}

#[test]
fn run_lists_phases_of_a_phased_workload() {
    let stdout = ok(&betapool(&[
        "run",
        "--pool",
        "static:4",
        "--workload",
        "phases",
        "--tasks",
        "30",
    ]));
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("Phase ")).count(),
        3,
        "{stdout}"
    );
}

#[test]
fn run_json_is_the_run_report() {
    let out = betapool(&[
        "run",
        "--pool",
        "static:4",
        "--workload",
        "io",
        "--tasks",
        "50",
        "--arrival",
        "poisson:20000",
        "--json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&ok(&out)).expect("stdout is JSON");
    assert_eq!(json["pool"], "static:4");
    assert_eq!(json["workload"], "io");
    assert_eq!(
        (json["tasks"].as_u64(), json["completed"].as_u64()),
        (Some(50), Some(50))
    );
    assert_eq!(json["peak_threads"], 4);
    assert!(json["throughput"].as_f64().unwrap() > 0.0);
    assert!(json["timeline"].is_array());
}

#[test]
fn compare_prints_a_table_and_writes_a_chart() {
    let dir = temp_dir("compare");
    let svg = dir.join("c.svg");
    let stdout = ok(&betapool(&[
        "compare".as_ref(),
        "--sizes".as_ref(),
        "1,4".as_ref(),
        "--tasks".as_ref(),
        "100".as_ref(),
        "--workload".as_ref(),
        "io".as_ref(),
        "--pools".as_ref(),
        "static:2".as_ref(),
        "--out".as_ref(),
        svg.as_os_str(),
    ]));
    let header = stdout
        .lines()
        .find(|l| l.starts_with("pool"))
        .unwrap_or_else(|| panic!("no header in:\n{stdout}"));
    for column in [
        "threads",
        "tasks/s",
        "× best static",
        "P50 ms",
        "P99 ms",
        "peak threads",
        "CPU s",
    ] {
        assert!(header.contains(column), "no {column} in {header}");
    }
    // The header's "× best static" and "peak threads" are two words each.
    for (pool, threads) in [("static:1", "1"), ("static:4", "4"), ("static:2", "-")] {
        let cells = row(&stdout, pool);
        assert_eq!(cells.len(), 8, "{cells:?}");
        assert_eq!(cells[1], threads, "{cells:?}");
    }
    assert!(
        stdout.contains(&format!("Chart: {}", svg.display())),
        "{stdout}"
    );
    let chart = fs::read_to_string(&svg).expect("the chart was written");
    assert!(chart.starts_with("<svg"), "{chart}");
    assert!(
        chart.contains("static:2"),
        "the extra pool is in the legend"
    );
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn compare_json_has_every_run() {
    let dir = temp_dir("compare-json");
    let svg = dir.join("sub").join("c.svg");
    let out = betapool(&[
        "compare".as_ref(),
        "--workload".as_ref(),
        "cpu".as_ref(),
        "--sizes".as_ref(),
        "2,1".as_ref(),
        "--tasks".as_ref(),
        "40".as_ref(),
        "--json".as_ref(),
        "--out".as_ref(),
        svg.as_os_str(),
    ]);
    let json: serde_json::Value = serde_json::from_str(&ok(&out)).expect("stdout is JSON");
    assert_eq!(json["workload"], "cpu");
    assert_eq!(json["sizes"], serde_json::json!([2, 1]));
    let runs = json["static_runs"].as_array().expect("static runs");
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["pool"], "static:2");
    assert!(runs.iter().all(|r| r["completed"] == 40));
    // Every self-sizing pool the harness knows runs next to the sweep.
    let pools = json["pool_runs"].as_array().expect("pool runs");
    let names: Vec<&str> = pools.iter().filter_map(|r| r["pool"].as_str()).collect();
    assert_eq!(names, ["adaptive", "adaptive-seed"]);
    assert!(pools.iter().all(|r| r["completed"] == 40));
    assert!(svg.exists(), "the chart's directory was created");
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn smoke_demo_scaled_down() {
    let dir = temp_dir("demo");
    let svg = dir.join("demo.svg");
    let stdout = ok(&betapool(&[
        "demo".as_ref(),
        "--scale".as_ref(),
        "0.005".as_ref(),
        "--out".as_ref(),
        svg.as_os_str(),
    ]));
    for workload in ["io: ", "cpu: ", "mixed: "] {
        assert!(
            stdout.lines().any(|l| l.starts_with(workload)),
            "no {workload} table in:\n{stdout}"
        );
    }
    for pool in [
        "static:2",
        "static:8",
        "static:32",
        "static:128",
        "static:512",
    ] {
        let rows = stdout
            .lines()
            .filter(|l| l.starts_with(&format!("{pool} ")))
            .count();
        assert_eq!(rows, 3, "{pool} once per workload in:\n{stdout}");
    }
    assert!(
        stdout.contains(&format!("Chart: {}", svg.display())),
        "{stdout}"
    );
    assert!(
        stdout.contains("static size"),
        "a closing summary:\n{stdout}"
    );
    let chart = fs::read_to_string(&svg).expect("the chart was written");
    assert!(chart.starts_with("<svg"), "{chart}");
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn demo_json_with_an_extra_pool() {
    let dir = temp_dir("demo-json");
    let config = write(
        &dir,
        "demo.toml",
        "scale = 0.002\npools = [\"static:3\"]\njson = true\n",
    );
    let svg = dir.join("d.svg");
    let out = betapool(&[
        "demo".as_ref(),
        "--config".as_ref(),
        config.as_os_str(),
        "--out".as_ref(),
        svg.as_os_str(),
    ]);
    let json: serde_json::Value = serde_json::from_str(&ok(&out)).expect("stdout is JSON");
    let workloads = json["workloads"].as_array().expect("workloads");
    assert_eq!(workloads.len(), 3);
    for w in workloads {
        let runs = w["runs"].as_array().expect("runs");
        assert_eq!(
            runs.len(),
            8,
            "five static sizes, one cold, adaptive and static:3"
        );
        assert_eq!(runs[5]["pool"], "cold:static:512");
        assert_eq!(runs[6]["pool"], "adaptive");
        assert_eq!(runs[7]["pool"], "static:3");
        assert!(runs.iter().all(|r| r["completed"] == w["tasks"]));
    }
    assert!(svg.exists());
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn a_config_file_alone_is_enough() {
    let dir = temp_dir("config-alone");
    let config = write(
        &dir,
        "run.toml",
        "pool = \"static:3\"\nworkload = \"io\"\ntasks = 40\narrival = \"poisson:50000\"\n\
         seed = 7\ntime_cap_s = 30\njson = true\n",
    );
    let out = betapool(&["run".as_ref(), "--config".as_ref(), config.as_os_str()]);
    let json: serde_json::Value = serde_json::from_str(&ok(&out)).expect("stdout is JSON");
    assert_eq!(
        (json["pool"].as_str(), json["tasks"].as_u64()),
        (Some("static:3"), Some(40))
    );
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn flags_override_the_config_file() {
    let dir = temp_dir("override");
    let config = write(
        &dir,
        "run.toml",
        "pool = \"static:2\"\nworkload = \"mixed\"\ntasks = 50\n",
    );
    let out = betapool(&[
        "run".as_ref(),
        "--config".as_ref(),
        config.as_os_str(),
        "--tasks".as_ref(),
        "30".as_ref(),
        "--pool".as_ref(),
        "static:3".as_ref(),
        "--json".as_ref(),
    ]);
    let json: serde_json::Value = serde_json::from_str(&ok(&out)).expect("stdout is JSON");
    assert_eq!(json["tasks"], 30);
    assert_eq!(json["completed"], 30);
    assert_eq!(json["pool"], "static:3");
    assert_eq!(json["workload"], "mixed");
    let _ = fs::remove_dir_all(dir);
}

/// One malformed config file: the subcommand, the file's text, and where the error must
/// point (line, column, key) with a word the message must contain.
struct BadConfig {
    command: &'static str,
    contents: &'static str,
    line: usize,
    column: usize,
    key: &'static str,
    says: &'static str,
}

#[test]
fn bad_config_files_name_file_line_column_and_key() {
    let cases = [
        BadConfig {
            command: "run",
            contents: "pool = \"static:2\"\nworkload = \"io\"\ntasks = \"many\"\n",
            line: 3,
            column: 9,
            key: "tasks",
            says: "invalid type: string \"many\", expected usize",
        },
        BadConfig {
            command: "run",
            contents: "workload = \"io\"\nthreads = 4\n",
            line: 2,
            column: 1,
            key: "threads",
            says: "unknown field `threads`",
        },
        BadConfig {
            command: "run",
            contents: "pool = \"static:2\"\nworkload = \"io\ntasks = 3\n",
            line: 2,
            column: 15,
            key: "workload",
            says: "invalid basic string",
        },
        BadConfig {
            command: "compare",
            contents: "workload = \"io\"\ntasks = = 3\n",
            line: 2,
            column: 9,
            key: "tasks",
            says: "",
        },
        BadConfig {
            command: "run",
            contents: "pool = \"static:2\"\nworkload = \"io\"\n\n  tasks = 0\n",
            line: 4,
            column: 11,
            key: "tasks",
            says: "must be from 1",
        },
        BadConfig {
            command: "run",
            contents: "pool = \"static:2\"\ntasks = -4\n",
            line: 2,
            column: 9,
            key: "tasks",
            says: "invalid value: integer `-4`",
        },
        BadConfig {
            command: "compare",
            contents: "workload = \"disk\"\n",
            line: 1,
            column: 12,
            key: "workload",
            says: "unknown workload `disk`",
        },
        BadConfig {
            command: "run",
            contents: "pool = \"static:2\"\nworkload = \"io\"\narrival = \"poisson:fast\"\n",
            line: 3,
            column: 11,
            key: "arrival",
            says: "RATE `fast` is not a number",
        },
        BadConfig {
            command: "run",
            contents: "pool = \"elastic:4\"\nworkload = \"io\"\ntasks = 10\n",
            line: 1,
            column: 8,
            key: "pool",
            says: "unknown pool spec `elastic:4`",
        },
        BadConfig {
            command: "compare",
            contents: "workload = \"io\"\npools = [\"static:2\", \"static:0\"]\n",
            line: 2,
            column: 22,
            key: "pools",
            says: "pool spec `static:0`",
        },
        BadConfig {
            command: "compare",
            contents: "workload = \"io\"\nsizes = [1, 0, 4]\n",
            line: 2,
            column: 13,
            key: "sizes",
            says: "pool size must be from 1",
        },
        BadConfig {
            command: "compare",
            contents: "workload = \"io\"\nsizes = []\n",
            line: 2,
            column: 9,
            key: "sizes",
            says: "at least one pool size",
        },
        BadConfig {
            command: "compare",
            contents: "workload = \"io\"\nsizes = \"1,2\"\n",
            line: 2,
            column: 9,
            key: "sizes",
            says: "expected a sequence",
        },
        BadConfig {
            command: "compare",
            contents: "workload = \"io\"\ntime_cap_s = -5\n",
            line: 2,
            column: 14,
            key: "time_cap_s",
            says: "got -5",
        },
        BadConfig {
            command: "run",
            contents: "pool = \"static:2\"\nworkload = \"io\"\nsizes = [1, 2]\n",
            line: 3,
            column: 1,
            key: "sizes",
            says: "unknown field `sizes`",
        },
        BadConfig {
            command: "demo",
            contents: "scale = 0\n",
            line: 1,
            column: 9,
            key: "scale",
            says: "must be a number above 0",
        },
        BadConfig {
            command: "demo",
            contents: "# the demo's settings\n[pools]\nextra = \"static:3\"\n",
            line: 2,
            column: 1,
            key: "pools",
            says: "expected a sequence",
        },
    ];
    let dir = temp_dir("bad-configs");
    for (i, case) in cases.iter().enumerate() {
        let path = write(&dir, &format!("case-{i}.toml"), case.contents);
        let out = betapool(&[case.command.as_ref(), "--config".as_ref(), path.as_os_str()]);
        let stderr = text(&out.stderr);
        let context = format!(
            "case {i} ({}):\n{}\nstderr: {stderr}",
            case.command, case.contents
        );
        assert_eq!(out.status.code(), Some(2), "{context}");
        assert!(!stderr.contains("panicked"), "{context}");
        assert_eq!(stderr.lines().count(), 1, "one line: {context}");
        assert!(out.stdout.is_empty(), "nothing on stdout: {context}");
        let at = format!(
            "betapool: {}:{}:{}: {}: ",
            path.display(),
            case.line,
            case.column,
            case.key
        );
        assert!(stderr.starts_with(&at), "expected {at:?}: {context}");
        assert!(
            stderr.contains(case.says),
            "expected {:?}: {context}",
            case.says
        );
    }
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn a_missing_config_file_is_named() {
    let dir = temp_dir("missing");
    let path = dir.join("nowhere.toml");
    for command in ["run", "compare", "demo"] {
        let out = betapool(&[command.as_ref(), "--config".as_ref(), path.as_os_str()]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with(&format!("betapool: {}: cannot read", path.display())),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn bad_flags_exit_non_zero_naming_the_flag() {
    for (args, flag) in [
        (&["run", "--tasks", "0"][..], "--tasks"),
        (
            &["run", "--pool", "static:2", "--workload", "disk"],
            "--workload",
        ),
        (
            &[
                "run",
                "--pool",
                "static:0",
                "--workload",
                "io",
                "--tasks",
                "5",
            ],
            "--pool",
        ),
        (
            &["run", "--pool", "elastic:8", "--workload", "io"],
            "--pool",
        ),
        (&["run", "--workload", "io"], "--pool"),
        (&["run", "--pool", "static:2"], "--workload"),
        (&["run", "--arrival", "burst:1,2"], "--arrival"),
        (&["run", "--time-cap-s", "-3"], "--time-cap-s"),
        (&["compare", "--sizes", "0"], "--sizes"),
        (&["compare", "--sizes", "x"], "--sizes"),
        (&["compare", "--sizes", ""], "--sizes"),
        (&["compare", "--sizes", "8,4097"], "--sizes"),
        (
            &["compare", "--workload", "io", "--pools", "nope"],
            "--pools",
        ),
        (&["demo", "--pools", "static:99999"], "--pools"),
        (&["demo", "--scale", "-1"], "--scale"),
        (&["demo", "--bogus"], "--bogus"),
    ] {
        let out = betapool(args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
        assert_eq!(
            stderr.lines().count(),
            1,
            "{args:?}: one line, got {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
    }
}

#[test]
fn help_and_version_succeed() {
    for command in ["run", "compare", "demo"] {
        let out = betapool(&[command, "--help"]);
        assert!(out.status.success());
        assert!(text(&out.stdout).contains("--config"), "{command}");
    }
    let out = betapool(&["--version"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).starts_with("betapool "));
}
