//! Unit tests of the seed's task factories.

use std::time::Duration;

use super::*;

const US: Duration = Duration::from_micros(1);

#[test]
fn closures_are_shareable() {
    fn assert_traits<T: Fn() -> TaskOutput + Send + Sync + Clone + 'static>(_: &T) {}
    let cal = Calibration::fixed(10.0).unwrap();
    assert_traits(&WorkloadGenerator::io_task(US));
    assert_traits(&WorkloadGenerator::cpu_task(US, &cal));
    assert_traits(&WorkloadGenerator::cpu_task_matrix(2));
    assert_traits(&WorkloadGenerator::mixed_task(US, US, &cal));
    assert_traits(&WorkloadGenerator::fibonacci_task(3));
    assert_traits(&WorkloadGenerator::variable_latency_task(
        US, US, 0.5, 1, &cal,
    ));
    assert_traits(&WorkloadGenerator::rag_pipeline_task(
        RagSpec::default(),
        &cal,
    ));
}

#[test]
fn variable_latency_draws_vary_per_call_and_replay_per_seed() {
    let cal = Calibration::fixed(10.0).unwrap();
    let task = WorkloadGenerator::variable_latency_task(US, 100 * US, 0.0, 9, &cal);
    let draws: Vec<u64> = (0..5).map(|_| task().checksum).collect();
    let mut distinct = draws.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), draws.len());

    let again = WorkloadGenerator::variable_latency_task(US, 100 * US, 0.0, 9, &cal);
    let replay: Vec<u64> = (0..5).map(|_| again().checksum).collect();
    assert_eq!(draws, replay);
}

#[test]
fn clones_share_the_draw_counter() {
    let cal = Calibration::fixed(10.0).unwrap();
    let a = WorkloadGenerator::variable_latency_task(US, 100 * US, 0.0, 1, &cal);
    let b = a.clone();
    let reference = WorkloadGenerator::variable_latency_task(US, 100 * US, 0.0, 1, &cal);
    let interleaved = [a().checksum, b().checksum];
    let sequential = [reference().checksum, reference().checksum];
    assert_eq!(interleaved, sequential);
}
