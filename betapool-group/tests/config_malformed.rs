//! Malformed group files, one row each: the exact kind of fault, its line and column, and
//! the key path at fault.

use betapool_group::{ConfigErrorKind as K, GroupConfig};

/// One malformed file and the error it must give.
struct Case {
    name: &'static str,
    text: &'static str,
    kind: K,
    line: usize,
    column: usize,
    key: Option<&'static str>,
}

const fn case(
    name: &'static str,
    text: &'static str,
    kind: K,
    (line, column): (usize, usize),
    key: Option<&'static str>,
) -> Case {
    Case {
        name,
        text,
        kind,
        line,
        column,
        key,
    }
}

#[rustfmt::skip]
const CASES: &[Case] = &[
    // The text itself.
    case("syntax: unquoted string",
        "max_total_threads = 64\n[pools.io]\nkind = adaptive\n",
        K::Syntax, (3, 8), Some("pools.io.kind")),
    case("syntax: missing value",
        "max_total_threads = \n",
        K::Syntax, (1, 21), Some("max_total_threads")),
    case("syntax: unclosed header",
        "max_total_threads = 64\n[pools.io\nkind = \"static\"\n",
        K::Syntax, (2, 10), Some("pools.io")),
    case("syntax: repeated key in a pool",
        "max_total_threads = 64\n[pools.cpu]\nkind = \"static\"\nworkers = 1\nworkers = 2\n",
        K::Syntax, (5, 1), Some("pools.cpu.workers")),
    case("duplicate pool table",
        "max_total_threads = 64\n[pools.cpu]\nkind = \"static\"\nworkers = 1\n\n[pools.cpu]\nkind = \"static\"\nworkers = 2\n",
        K::DuplicatePool, (6, 8), Some("pools.cpu")),
    case("duplicate pool, inline then table",
        "max_total_threads = 64\n[pools]\ncpu = { kind = \"static\", workers = 1 }\n[pools.cpu]\n",
        K::DuplicatePool, (4, 8), Some("pools.cpu")),
    // Keys the format does not have.
    case("unknown top-level key",
        "max_total_threads = 64\nthreads = 4\n",
        K::UnknownKey, (2, 1), Some("threads")),
    case("unknown pool key",
        "max_total_threads = 64\n[pools.cpu]\nkind = \"static\"\nworkers = 1\nstack_size = 9\n",
        K::UnknownKey, (5, 1), Some("pools.cpu.stack_size")),
    case("controller key on a static pool",
        "max_total_threads = 64\n[pools.cpu]\nkind = \"static\"\nworkers = 1\nmonitor_interval_ms = 100\n",
        K::UnknownKey, (5, 1), Some("pools.cpu.monitor_interval_ms")),
    case("policy on a static pool",
        "max_total_threads = 64\n[pools.cpu]\nkind = \"static\"\npolicy = \"seed\"\nworkers = 1\n",
        K::UnknownKey, (4, 1), Some("pools.cpu.policy")),
    case("workers on an adaptive pool",
        "max_total_threads = 64\n[pools.io]\nkind = \"adaptive\"\nworkers = 4\n",
        K::UnknownKey, (4, 1), Some("pools.io.workers")),
    case("sub-table in a pool",
        "max_total_threads = 64\n[pools.cpu]\nkind = \"static\"\nworkers = 1\n[pools.cpu.extra]\n",
        K::UnknownKey, (5, 12), Some("pools.cpu.extra")),
    // Keys that must be there.
    case("missing max_total_threads",
        "[pools.cpu]\nkind = \"static\"\nworkers = 1\n",
        K::MissingKey, (1, 1), Some("max_total_threads")),
    case("missing kind",
        "max_total_threads = 64\n[pools.cpu]\nworkers = 1\n",
        K::MissingKey, (2, 1), Some("pools.cpu.kind")),
    case("missing workers",
        "max_total_threads = 64\n[pools.cpu]\nkind = \"static\"\n",
        K::MissingKey, (2, 1), Some("pools.cpu.workers")),
    case("missing max_workers",
        "max_total_threads = 64\n\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 1\n",
        K::MissingKey, (3, 1), Some("pools.io.max_workers")),
    case("no pools at all",
        "max_total_threads = 64\n",
        K::NoPools, (1, 1), Some("pools")),
    case("empty pools table",
        "max_total_threads = 64\n[pools]\n",
        K::NoPools, (2, 1), Some("pools")),
    // Values of the wrong type.
    case("cap as a string",
        "max_total_threads = \"64\"\n",
        K::WrongType, (1, 21), Some("max_total_threads")),
    case("verbose as a string",
        "max_total_threads = 64\nverbose = \"yes\"\n",
        K::WrongType, (2, 11), Some("verbose")),
    case("workers as a float",
        "max_total_threads = 64\n[pools.cpu]\nkind = \"static\"\nworkers = 2.0\n",
        K::WrongType, (4, 11), Some("pools.cpu.workers")),
    case("threshold as a string",
        "max_total_threads = 64\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 1\nmax_workers = 4\nbeta_high_threshold = \"high\"\n",
        K::WrongType, (6, 23), Some("pools.io.beta_high_threshold")),
    case("duration as a string",
        "max_total_threads = 64\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 1\nmax_workers = 4\nmonitor_interval_ms = \"500ms\"\n",
        K::WrongType, (6, 23), Some("pools.io.monitor_interval_ms")),
    case("pools as an array of tables",
        "max_total_threads = 64\n[[pools]]\nkind = \"static\"\n",
        K::WrongType, (2, 1), Some("pools")),
    case("pool as a number",
        "max_total_threads = 64\npools.cpu = 3\n",
        K::WrongType, (2, 13), Some("pools.cpu")),
    case("kind as a number",
        "max_total_threads = 64\n[pools.cpu]\nkind = 1\nworkers = 1\n",
        K::WrongType, (3, 8), Some("pools.cpu.kind")),
    // Words the format does not know.
    case("unknown kind",
        "max_total_threads = 64\n[pools.cpu]\nkind = \"dynamic\"\nworkers = 1\n",
        K::BadKind, (3, 8), Some("pools.cpu.kind")),
    case("unknown policy",
        "max_total_threads = 64\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 1\nmax_workers = 4\npolicy = \"fast\"\n",
        K::BadPolicy, (6, 10), Some("pools.io.policy")),
    // Names.
    case("upper-case name",
        "max_total_threads = 64\n[pools.IO]\nkind = \"static\"\nworkers = 1\n",
        K::BadName, (2, 8), Some("pools.IO")),
    case("empty name",
        "max_total_threads = 64\n[pools.\"\"]\nkind = \"static\"\nworkers = 1\n",
        K::BadName, (2, 8), Some("pools.\"\"")),
    case("name with a space",
        "max_total_threads = 64\n[pools.\"db pool\"]\nkind = \"static\"\nworkers = 1\n",
        K::BadName, (2, 8), Some("pools.\"db pool\"")),
    case("name too long for 256 workers",
        "max_total_threads = 600\n[pools.inference_big]\nkind = \"adaptive\"\nmin_workers = 1\nmax_workers = 256\n",
        K::NameTooLong, (2, 8), Some("pools.inference_big")),
    case("name too long for the controller thread",
        "max_total_threads = 600\n[pools.embeddings_x]\nkind = \"adaptive\"\nmin_workers = 1\nmax_workers = 2\n",
        K::NameTooLong, (2, 8), Some("pools.embeddings_x")),
    // Worker counts.
    case("min above max",
        "max_total_threads = 600\n\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 8\nmax_workers = 4\n",
        K::MinAboveMax, (6, 15), Some("pools.io.max_workers")),
    case("zero min_workers",
        "max_total_threads = 600\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 0\nmax_workers = 4\n",
        K::ZeroWorkers, (4, 15), Some("pools.io.min_workers")),
    case("zero static workers",
        "max_total_threads = 64\n[pools.cpu]\nkind = \"static\"\nworkers = 0\n",
        K::ZeroWorkers, (4, 11), Some("pools.cpu.workers")),
    case("zero workers in an inline table",
        "max_total_threads = 64\npools = { cpu = { kind = \"static\", workers = 0 } }\n",
        K::ZeroWorkers, (2, 46), Some("pools.cpu.workers")),
    case("zero cap",
        "max_total_threads = 0\n[pools.cpu]\nkind = \"static\"\nworkers = 1\n",
        K::ZeroWorkers, (1, 21), Some("max_total_threads")),
    case("over the global cap",
        "max_total_threads = 10\n[pools.cpu]\nkind = \"static\"\nworkers = 8\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 1\nmax_workers = 4\n",
        K::OverGlobalCap, (1, 21), Some("max_total_threads")),
    case("negative workers",
        "max_total_threads = 64\n[pools.cpu]\nkind = \"static\"\nworkers = -2\n",
        K::OutOfRange, (4, 11), Some("pools.cpu.workers")),
    case("more workers than the engine allows",
        "max_total_threads = 100000\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 1\nmax_workers = 40000\n",
        K::OutOfRange, (5, 15), Some("pools.io.max_workers")),
    case("integer too large for TOML",
        "max_total_threads = 99999999999999999999\n",
        K::OutOfRange, (1, 21), Some("max_total_threads")),
    case("negative warm-up",
        "max_total_threads = 64\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 1\nmax_workers = 4\nwarmup_task_count = -1\n",
        K::OutOfRange, (6, 21), Some("pools.io.warmup_task_count")),
    // Controller settings.
    case("beta threshold above 1",
        "max_total_threads = 64\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 1\nmax_workers = 4\nbeta_high_threshold = 1.5\n",
        K::ThresholdOutOfRange, (6, 23), Some("pools.io.beta_high_threshold")),
    case("beta threshold NaN",
        "max_total_threads = 64\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 1\nmax_workers = 4\nbeta_low_threshold = nan\n",
        K::ThresholdOutOfRange, (6, 22), Some("pools.io.beta_low_threshold")),
    case("CPU threshold above 100",
        "max_total_threads = 64\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 1\nmax_workers = 4\ncpu_upper_threshold = 150\n",
        K::ThresholdOutOfRange, (6, 23), Some("pools.io.cpu_upper_threshold")),
    case("negative CPU threshold",
        "max_total_threads = 64\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 1\nmax_workers = 4\ncpu_lower_threshold = -5.0\n",
        K::ThresholdOutOfRange, (6, 23), Some("pools.io.cpu_lower_threshold")),
    case("beta low above the default high",
        "max_total_threads = 64\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 1\nmax_workers = 4\nbeta_low_threshold = 0.8\n",
        K::LowNotBelowHigh, (6, 22), Some("pools.io.beta_low_threshold")),
    case("beta high below the default low: shown at the key written",
        "max_total_threads = 64\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 1\nmax_workers = 4\nbeta_high_threshold = 0.2\n",
        K::LowNotBelowHigh, (6, 23), Some("pools.io.beta_high_threshold")),
    case("CPU thresholds equal",
        "max_total_threads = 64\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 1\nmax_workers = 4\ncpu_upper_threshold = 60\ncpu_lower_threshold = 60\n",
        K::LowNotBelowHigh, (7, 23), Some("pools.io.cpu_lower_threshold")),
    case("zero monitor interval",
        "max_total_threads = 64\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 1\nmax_workers = 4\nmonitor_interval_ms = 0\n",
        K::BadDuration, (6, 23), Some("pools.io.monitor_interval_ms")),
    case("negative stabilization window",
        "max_total_threads = 64\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 1\nmax_workers = 4\nstabilization_window_ms = -1\n",
        K::BadDuration, (6, 27), Some("pools.io.stabilization_window_ms")),
    case("fractional milliseconds",
        "max_total_threads = 64\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 1\nmax_workers = 4\nmonitor_interval_ms = 0.5\n",
        K::BadDuration, (6, 23), Some("pools.io.monitor_interval_ms")),
    case("zero scale-up step",
        "max_total_threads = 64\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 1\nmax_workers = 4\nscale_up_step = 0\n",
        K::ZeroStep, (6, 17), Some("pools.io.scale_up_step")),
];

#[test]
fn every_malformed_file_gives_its_exact_error() {
    assert!(CASES.len() >= 30);
    let mut failures = Vec::new();
    for case in CASES {
        let got = match GroupConfig::from_toml_str(case.text, "pools.toml") {
            Ok(config) => {
                failures.push(format!("{}: accepted as {config:?}", case.name));
                continue;
            }
            Err(err) => err,
        };
        let want = (case.kind, Some(case.line), Some(case.column), case.key);
        let have = (got.kind(), got.line(), got.column(), got.key());
        if have != want || got.origin() != Some("pools.toml") {
            failures.push(format!(
                "{}: want {want:?}, got {have:?} ({got})",
                case.name
            ));
        }
        // The one-line form starts with the place and the key, then says something.
        let prefix = match case.key {
            Some(key) => format!("pools.toml:{}:{}: {key}: ", case.line, case.column),
            None => format!("pools.toml:{}:{}: ", case.line, case.column),
        };
        let line = got.to_string();
        if !line.starts_with(&prefix) || line.len() <= prefix.len() || line.contains('\n') {
            failures.push(format!(
                "{}: display {line:?} is not {prefix:?} + message",
                case.name
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn messages_name_the_values_at_fault() {
    let err = |text| {
        GroupConfig::from_toml_str(text, "pools.toml")
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err(
            "max_total_threads = 600\n\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 8\nmax_workers = 4\n"
        ),
        "pools.toml:6:15: pools.io.max_workers: min_workers 8 is above max_workers 4",
    );
    assert_eq!(
        err(
            "max_total_threads = 10\n[pools.cpu]\nkind = \"static\"\nworkers = 8\n[pools.io]\nkind = \"adaptive\"\nmin_workers = 1\nmax_workers = 4\n"
        ),
        "pools.toml:1:21: max_total_threads: the pools' maximums add up to 12 (cpu 8 + io 4), above max_total_threads 10",
    );
    let long = err(
        "max_total_threads = 600\n[pools.inference_big]\nkind = \"adaptive\"\nmin_workers = 1\nmax_workers = 256\n",
    );
    assert!(
        long.contains("\"inference_big-255\"") && long.contains("at most 11 bytes"),
        "{long}"
    );
    let dup =
        err("max_total_threads = 64\n[pools.cpu]\nkind = \"static\"\nworkers = 1\n[pools.cpu]\n");
    assert!(
        dup.ends_with("pools.cpu: pool \"cpu\" is defined twice"),
        "{dup}"
    );
}
