//! Unit tests of task validation.

use std::time::Duration;

use super::*;

const MS: Duration = Duration::from_millis(1);

#[test]
fn valid_specs_pass() {
    let specs = [
        TaskSpec::Io { sleep: MS },
        TaskSpec::Cpu { work: MS },
        TaskSpec::Matrix { size: 1 },
        TaskSpec::Matrix {
            size: MAX_MATRIX_SIZE,
        },
        TaskSpec::Mixed {
            sleep: MS,
            work: MS,
        },
        TaskSpec::Fibonacci { n: 0 },
        TaskSpec::Fibonacci { n: MAX_FIBONACCI_N },
        TaskSpec::VariableLatency {
            min: MS,
            max: MS,
            cpu_fraction: 0.0,
        },
        TaskSpec::VariableLatency {
            min: MS,
            max: 5 * MS,
            cpu_fraction: 1.0,
        },
        TaskSpec::Rag(RagSpec::default()),
    ];
    for spec in specs {
        assert_eq!(spec.validate(), Ok(()), "{spec:?}");
    }
}

#[test]
fn matrix_size_out_of_range() {
    for size in [0, MAX_MATRIX_SIZE + 1] {
        let err = TaskSpec::Matrix { size }.validate().unwrap_err();
        assert_eq!(err.parameter(), Some("matrix size"));
        assert_eq!(
            err.to_string(),
            format!("matrix size must be in 1..=1024, got {size}")
        );
    }
}

#[test]
fn fibonacci_too_large() {
    let err = TaskSpec::Fibonacci { n: 50 }.validate().unwrap_err();
    assert_eq!(err.parameter(), Some("fibonacci n"));
}

#[test]
fn variable_latency_errors_name_the_parameter() {
    let swapped = TaskSpec::VariableLatency {
        min: 2 * MS,
        max: MS,
        cpu_fraction: 0.5,
    };
    assert_eq!(
        swapped.validate().unwrap_err().parameter(),
        Some("variable latency min")
    );
    for bad in [-0.1, 1.1, f64::NAN] {
        let spec = TaskSpec::VariableLatency {
            min: MS,
            max: MS,
            cpu_fraction: bad,
        };
        let err = spec.validate().unwrap_err();
        assert_eq!(err.parameter(), Some("cpu_fraction"));
        assert!(
            err.to_string().contains("cpu_fraction must be in [0, 1]"),
            "{err}"
        );
    }
}

#[test]
fn kinds_are_distinct() {
    let kinds = [
        TaskSpec::Io { sleep: MS }.kind(),
        TaskSpec::Cpu { work: MS }.kind(),
        TaskSpec::Matrix { size: 1 }.kind(),
        TaskSpec::Mixed {
            sleep: MS,
            work: MS,
        }
        .kind(),
        TaskSpec::Fibonacci { n: 1 }.kind(),
        TaskSpec::VariableLatency {
            min: MS,
            max: MS,
            cpu_fraction: 0.0,
        }
        .kind(),
        TaskSpec::Rag(RagSpec::default()).kind(),
    ];
    let mut sorted = kinds.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), kinds.len());
}

#[test]
fn serde_round_trip() {
    let spec = TaskSpec::VariableLatency {
        min: MS,
        max: 5 * MS,
        cpu_fraction: 0.25,
    };
    let json = serde_json::to_string(&spec).unwrap();
    assert_eq!(serde_json::from_str::<TaskSpec>(&json).unwrap(), spec);
}
