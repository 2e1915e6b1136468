//! Unit tests of prepared tasks: stages, checksums and out-of-range inputs.

use std::time::Duration;

use super::*;

const US: Duration = Duration::from_micros(1);

fn cal() -> Calibration {
    Calibration::fixed(10.0).unwrap()
}

fn run(spec: TaskSpec, seed: u64) -> TaskOutput {
    spec.prepare(&cal()).run(seed)
}

#[test]
fn every_kind_reports_one_stage_named_after_it() {
    let specs = [
        TaskSpec::Io { sleep: US },
        TaskSpec::Cpu { work: 10 * US },
        TaskSpec::Matrix { size: 4 },
        TaskSpec::Mixed {
            sleep: US,
            work: 10 * US,
        },
        TaskSpec::Fibonacci { n: 10 },
        TaskSpec::VariableLatency {
            min: US,
            max: 20 * US,
            cpu_fraction: 0.5,
        },
    ];
    for spec in specs {
        let out = run(spec.clone(), 1);
        let names: Vec<_> = out.stages.iter().map(|s| s.name).collect();
        assert_eq!(names, [spec.kind()]);
    }
}

#[test]
fn rag_stages_in_order() {
    let spec = RagSpec {
        network_latency: US,
        vector_db_latency: US,
        llm_latency: US,
        tokenization_work: US,
        reranking_work: 2 * US,
    };
    let out = run(TaskSpec::Rag(spec), 0);
    let names: Vec<_> = out.stages.iter().map(|s| s.name).collect();
    assert_eq!(
        names,
        ["network", "vector_db", "tokenization", "reranking", "llm"]
    );
    assert_eq!(names, RagSpec::STAGES);
}

#[test]
fn sleeps_last_at_least_their_duration() {
    let out = run(
        TaskSpec::Io {
            sleep: Duration::from_millis(2),
        },
        0,
    );
    assert!(out.stages[0].duration >= Duration::from_millis(2));
    assert_eq!(out.checksum, 0);
}

#[test]
fn same_seed_same_output_checksum() {
    let spec = TaskSpec::VariableLatency {
        min: US,
        max: 50 * US,
        cpu_fraction: 0.3,
    };
    let task = spec.prepare(&cal());
    for seed in 0..20 {
        assert_eq!(task.run(seed).checksum, task.run(seed).checksum);
    }
}

#[test]
fn matrix_checksum_is_deterministic_across_preparations() {
    let a = run(TaskSpec::Matrix { size: 12 }, 0).checksum;
    let b = run(TaskSpec::Matrix { size: 12 }, 5).checksum;
    assert_eq!(a, b);
}

#[test]
fn cpu_checksum_depends_on_the_work() {
    let a = run(TaskSpec::Cpu { work: 10 * US }, 0).checksum;
    let b = run(TaskSpec::Cpu { work: 20 * US }, 0).checksum;
    assert_ne!(a, b);
}

#[test]
fn fibonacci_checksum_is_the_number() {
    assert_eq!(run(TaskSpec::Fibonacci { n: 20 }, 0).checksum, 6765);
}

#[test]
fn out_of_range_specs_still_run() {
    assert_eq!(run(TaskSpec::Matrix { size: 0 }, 0).stages.len(), 1);
    let swapped = TaskSpec::VariableLatency {
        min: 20 * US,
        max: US,
        cpu_fraction: f64::NAN,
    };
    let out = run(swapped, 3);
    assert_eq!(out.stages.len(), 1);
}

#[test]
fn prepared_tasks_are_send_sync_and_clone() {
    fn assert_traits<T: Send + Sync + Clone + 'static>() {}
    assert_traits::<PreparedTask>();
}
