//! Unit tests for the registry: runtimes appear at start and disappear at stop or drop, several
//! are reported together, and the metrics match the runtime's stats.
//!
//! Tests of one binary may run at once and share the registry, so each test names its
//! runtimes uniquely and looks only at those names.

use std::time::Duration;

use super::*;
use crate::clock::Clock;
use crate::policy::Fixed;
use crate::{BoxError, EnvOverrides, RuntimeBuilder};

struct Double;

impl BatchModel for Double {
    type Input = u32;
    type Output = u32;
    fn infer_batch(&self, xs: Vec<u32>) -> Result<Vec<u32>, BoxError> {
        Ok(xs.into_iter().map(|x| 2 * x).collect())
    }
}

fn builder(name: &str) -> RuntimeBuilder<Double> {
    InferenceRuntime::builder(|_| Ok(Double))
        .name(name)
        .env(EnvOverrides::default())
}

fn runtime(name: &str) -> InferenceRuntime<Double> {
    builder(name).build().unwrap()
}

/// The registered runtimes whose name starts with `prefix`.
fn registered(prefix: &str) -> Vec<BatchMetrics> {
    registered_metrics()
        .into_iter()
        .filter(|m| m.name.starts_with(prefix))
        .collect()
}

const STOP: Duration = Duration::from_secs(5);

#[test]
fn a_runtime_is_registered_from_start_to_stop() {
    let rt = runtime("reg-stop");
    assert!(registered("reg-stop").is_empty(), "not before start");
    rt.start().unwrap();
    assert_eq!(rt.infer(4).wait().unwrap(), 8);
    let seen = registered("reg-stop");
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].name, "reg-stop");
    assert_eq!(seen[0].completed, 1);
    rt.stop(STOP);
    assert!(registered("reg-stop").is_empty(), "gone after stop");
}

#[test]
fn a_dropped_runtime_is_gone() {
    let rt = runtime("reg-drop");
    rt.start().unwrap();
    assert_eq!(registered("reg-drop").len(), 1);
    drop(rt);
    assert!(registered("reg-drop").is_empty());
}

#[test]
fn a_runtime_that_failed_to_start_is_not_registered() {
    let rt = InferenceRuntime::<Double>::builder(|_| Err("no weights".into()))
        .name("reg-failed")
        .env(EnvOverrides::default())
        .build()
        .unwrap();
    assert!(rt.start().is_err());
    assert!(registered("reg-failed").is_empty());
}

#[test]
fn a_second_start_does_not_register_twice() {
    let rt = runtime("reg-twice");
    rt.start().unwrap();
    assert!(rt.start().is_err());
    assert_eq!(registered("reg-twice").len(), 1);
    rt.stop(STOP);
}

#[test]
fn two_runtimes_are_reported_together_in_start_order() {
    let (a, b) = (runtime("reg-two-a"), runtime("reg-two-b"));
    b.start().unwrap();
    a.start().unwrap();
    a.infer(1).wait().unwrap();
    let names: Vec<String> = registered("reg-two-").into_iter().map(|m| m.name).collect();
    assert_eq!(names, ["reg-two-b", "reg-two-a"]);

    let mut text = String::new();
    prometheus_text(&mut text);
    assert!(
        text.contains("betapool_batch_queue_depth{runtime=\"reg-two-a\"} 0\n"),
        "{text}"
    );
    assert!(
        text.contains("betapool_batch_queue_depth{runtime=\"reg-two-b\"} 0\n"),
        "{text}"
    );
    assert!(text.contains(
        "betapool_batch_requests_finished_total{runtime=\"reg-two-a\",outcome=\"completed\"} 1\n"
    ));
    assert_eq!(
        text.matches("# TYPE betapool_batch_queue_depth gauge\n")
            .count(),
        1
    );

    drop(b);
    let names: Vec<String> = registered("reg-two-").into_iter().map(|m| m.name).collect();
    assert_eq!(names, ["reg-two-a"]);
    a.stop(STOP);
}

#[test]
fn a_name_taken_twice_gets_a_suffix_so_series_stay_unique() {
    let (first, second) = (runtime("reg-same"), runtime("reg-same"));
    first.start().unwrap();
    second.start().unwrap();
    let names: Vec<String> = registered("reg-same").into_iter().map(|m| m.name).collect();
    assert_eq!(names, ["reg-same", "reg-same#2"]);
    first.stop(STOP);
    let names: Vec<String> = registered("reg-same").into_iter().map(|m| m.name).collect();
    assert_eq!(names, ["reg-same"]);
    second.stop(STOP);
}

#[test]
fn a_registration_outliving_its_queue_reports_nothing() {
    let policy = Fixed::new(4, Duration::from_millis(1)).unwrap();
    let queue = Arc::new(Queue::<u32, u32>::new(8, Box::new(policy), Clock::real()));
    // A registration kept past its queue: the weak reference is all that ties the two, so the
    // queue is freed and the entry skipped.
    let kept = register("reg-weak", &queue);
    assert_eq!(registered("reg-weak").len(), 1);
    drop(queue);
    assert!(registered("reg-weak").is_empty());
    drop(kept);
}

#[test]
fn batch_metrics_match_the_stats() {
    let rt = runtime("reg-stats");
    rt.start().unwrap();
    let outputs = rt.infer_many(0..20).wait();
    assert!(outputs.iter().all(Result::is_ok));
    let stats = rt.stats();
    let metrics = rt.batch_metrics();
    assert_eq!(metrics.name, "reg-stats");
    assert_eq!(metrics.policy, stats.policy);
    assert_eq!(metrics.accepted, 20);
    assert_eq!(metrics.completed, 20);
    assert_eq!(metrics.batches, stats.batches);
    assert_eq!(metrics.batch_sizes.count, stats.batches);
    assert_eq!(metrics.batch_sizes.sum, 20.0);
    assert_eq!(
        metrics.releases.iter().map(|(_, n)| n).sum::<u64>(),
        stats.batches
    );
    let bounds: Vec<f64> = metrics.batch_sizes.buckets.iter().map(|b| b.0).collect();
    assert_eq!(bounds.len(), BATCH_SIZE_BUCKETS.len());
    assert_eq!(bounds[0], 1.0);
    assert_eq!(metrics.queue_wait_p50, stats.queue_wait_p50);
    assert_eq!(metrics.cost_fixed, stats.cost.map(|c| c.fixed));
    rt.stop(STOP);
}
