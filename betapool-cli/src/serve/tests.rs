//! Unit tests of `serve`'s `/metrics`: an inference runtime running in the serving process
//! appears after the pools, and disappears when it stops.

use std::time::Duration;

use betapool_batch::{BatchModel, BoxError, EnvOverrides, InferenceRuntime};
use betapool_group::http::route_with_metrics;
use betapool_group::{GroupConfig, PoolConfig, PoolGroup};

use super::*;

/// Adds one to each input.
struct Inc;

impl BatchModel for Inc {
    type Input = u32;
    type Output = u32;
    fn infer_batch(&self, xs: Vec<u32>) -> Result<Vec<u32>, BoxError> {
        Ok(xs.into_iter().map(|x| x + 1).collect())
    }
}

fn metrics_body(group: &PoolGroup) -> String {
    let extra = extra_metrics();
    let reply = route_with_metrics(group, "GET", "/metrics", extra.as_ref());
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body
}

#[test]
fn a_runtime_running_in_process_shows_on_metrics_until_it_stops() {
    let group = PoolGroup::new(&GroupConfig::new(8).pool(PoolConfig::fixed("cpu", 2))).unwrap();
    let runtime = InferenceRuntime::builder(|_| Ok(Inc))
        .name("serve-test")
        .env(EnvOverrides::default())
        .build()
        .unwrap();
    assert!(!metrics_body(&group).contains("runtime=\"serve-test\""));

    runtime.start().unwrap();
    let outputs = runtime.infer_many(0..6).wait();
    assert!(outputs.iter().all(Result::is_ok));
    let body = metrics_body(&group);
    let pools_at = body
        .find("betapool_threads{pool=\"cpu\"} 2\n")
        .expect(&body);
    let batch_at = body
        .find("# TYPE betapool_batch_queue_depth gauge\n")
        .expect(&body);
    assert!(pools_at < batch_at, "the pools come first:\n{body}");
    for line in [
        "betapool_batch_queue_depth{runtime=\"serve-test\"} 0\n",
        "betapool_batch_requests_total{runtime=\"serve-test\",outcome=\"accepted\"} 6\n",
        "betapool_batch_requests_finished_total{runtime=\"serve-test\",outcome=\"completed\"} 6\n",
        "betapool_batch_size_sum{runtime=\"serve-test\"} 6\n",
        "betapool_batch_size_bucket{runtime=\"serve-test\",le=\"+Inf\"} ",
        "betapool_batch_batches_total{runtime=\"serve-test\",reason=\"size\"} ",
        "betapool_batch_queue_wait_seconds{runtime=\"serve-test\",quantile=\"0.99\"} ",
        "betapool_batch_policy_info{runtime=\"serve-test\",policy=\"",
    ] {
        assert!(body.contains(line), "{line:?} missing from\n{body}");
    }

    runtime.stop(Duration::from_secs(5));
    assert!(!metrics_body(&group).contains("runtime=\"serve-test\""));
}
