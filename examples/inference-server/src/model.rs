//! The service's model runtime: the example network behind a `betapool_batch::InferenceRuntime`,
//! the inference step's call into it, and its stats as the JSON of `GET /runtime`.

use std::sync::Arc;

use betapool_batch::{BatchStats, EnvOverrides, InferError, InferenceRuntime};
use serde_json::{Value, json};

use crate::batching::Batching;
use crate::error::{ErrorKind, ServiceError};
use crate::model_io::output_digest;
use crate::onnx::OnnxModel;

/// The runtime's name in its stats and its worker threads' names.
const RUNTIME_NAME: &str = "mlp";

/// The model runtime the service owns.
pub(crate) type ModelRuntime = InferenceRuntime<OnnxModel>;

/// Loads the example network, builds the runtime with `batching`'s policy and starts it;
/// returns it with the width of the network's input rows.
///
/// tract runs the network on the CPU whatever GPUs the machine has, so the runtime is told
/// so (`MASX_FORCE_CPU`) and reports `cpu` as its execution path; the other variables of the
/// seed would only choose a policy, which `batching` already does.
pub(crate) fn start_runtime(
    batching: Batching,
) -> Result<(Arc<ModelRuntime>, usize), ServiceError> {
    let runtime_error = |e: &dyn std::fmt::Display| -> ServiceError {
        ErrorKind::Model {
            reason: e.to_string(),
        }
        .into()
    };
    let env = EnvOverrides::from_pairs([("MASX_FORCE_CPU", "1")]).map_err(|e| runtime_error(&e))?;
    let model = OnnxModel::mlp().map_err(|e| runtime_error(&e))?;
    let width = model.input_width();
    let builder = InferenceRuntime::builder(move |_device| Ok(model))
        .name(RUNTIME_NAME)
        .env(env);
    let runtime = batching
        .apply(builder)
        .and_then(|b| b.build())
        .map_err(|e| runtime_error(&e))?;
    runtime.start().map_err(|e| runtime_error(&e))?;
    Ok((Arc::new(runtime), width))
}

/// Why the inference step got no output, as the HTTP answer it gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CallFailure {
    pub(crate) status: u16,
    pub(crate) message: String,
}

/// Runs `rows` through the runtime, blocking this thread until every row has its output, and
/// returns the digest of the outputs. A refusal (queue full, deadline, stopped) is 503, which
/// tells the client to try again later; a failure of the model itself is 500.
pub(crate) fn call(runtime: &ModelRuntime, rows: Vec<Vec<f32>>) -> Result<String, CallFailure> {
    let results = match rows.len() {
        // One row, the usual case, skips the `InferMany` bookkeeping.
        1 => rows.into_iter().map(|r| runtime.infer(r).wait()).collect(),
        _ => runtime.infer_many(rows).wait(),
    };
    let mut outputs = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(y) => outputs.push(y),
            Err(e) => {
                let status = match e {
                    InferError::QueueFull { .. }
                    | InferError::DeadlineExceeded { .. }
                    | InferError::NotStarted
                    | InferError::Stopped => 503,
                    _ => 500,
                };
                return Err(CallFailure {
                    status,
                    message: format!("the model runtime `{RUNTIME_NAME}` gave no output: {e}\n"),
                });
            }
        }
    }
    Ok(output_digest(&outputs))
}

/// `GET /runtime`: the runtime's health and metrics (the seed's shapes and keys) and its
/// batching stats, as one JSON object.
pub(crate) fn runtime_json(runtime: &ModelRuntime) -> String {
    let body = json!({
        "name": runtime.name(),
        "health": runtime.health(),
        "metrics": runtime.metrics(),
        "batching": stats_json(&runtime.stats()),
    });
    // A `Value` always serializes.
    serde_json::to_string_pretty(&body).unwrap_or_default()
}

/// The batching stats, durations in milliseconds, batch sizes as the buckets that occurred.
fn stats_json(s: &BatchStats) -> Value {
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
    let releases: serde_json::Map<String, Value> = s
        .releases
        .iter()
        .map(|(reason, n)| (reason.as_str().to_owned(), json!(n)))
        .collect();
    let sizes: Vec<Value> = betapool_batch::BATCH_SIZE_BUCKETS
        .iter()
        .map(|b| json!(format!("≤{b}")))
        .chain([json!(format!(
            ">{}",
            betapool_batch::BATCH_SIZE_BUCKETS[betapool_batch::BATCH_SIZE_BUCKETS.len() - 1]
        ))])
        .zip(s.batch_sizes)
        // Only the sizes that occurred: most of the eleven buckets are empty under any one load.
        .filter(|&(_, n)| n > 0)
        .map(|(label, n)| json!({ "rows": label, "batches": n }))
        .collect();
    json!({
        "policy": s.policy,
        "accepted": s.accepted,
        "rejected_full": s.rejected_full,
        "rejected_deadline": s.rejected_deadline,
        "cancelled": s.cancelled,
        "expired": s.expired,
        "stopped": s.stopped,
        "batches": s.batches,
        "items": s.items,
        "completed": s.completed,
        "failed_batches": s.failed_batches,
        "failed_items": s.failed_items,
        "mean_batch_size": s.mean_batch_size(),
        "avg_batch_ms": ms(s.avg_batch_time()),
        "model_ms": ms(s.model_time),
        "releases": releases,
        "batch_sizes": sizes,
        "queue_wait_p50_ms": s.queue_wait_p50.map(ms),
        "queue_wait_p99_ms": s.queue_wait_p99.map(ms),
        "latency_p50_ms": s.latency_p50.map(ms),
        "latency_p99_ms": s.latency_p99.map(ms),
        "cost": s.cost.map(|c| json!({ "fixed_ms": ms(c.fixed), "per_row_ms": ms(c.per_weight) })),
    })
}
