//! An example HTTP service (seed 004's inference server) whose handlers put each step of
//! their work on a named pool of a [`betapool_group::PoolGroup`]: database calls on `db`,
//! embeddings on `embedding`, vector-store calls on `io`, model calls on `inference`,
//! post-processing on `cpu`. With a group of one pool, every step shares it: the seed's
//! single static pool, to compare against.
//!
//! A request is a pipeline: a receiver thread submits its first step, each step does its work
//! and submits the next to that step's pool, and the last step answers. No thread waits for
//! another pool (continuation passing, like the seed's `await run_in_pool`).
//!
//! - [`Service`]: the running HTTP service (`start`, `local_addr`, `in_flight`, `stop`), and
//!   [`StopReport`], what `stop` found.
//! - [`Routes`]: which pool runs each step, from the group's pool names.
//! - [`Step`]: the five kinds of work, each named after its pool.
//! - [`Endpoint`]: the three requests that do work, and their steps.
//! - [`Work`], [`Cost`]: the CPU time and waiting each step costs; a fault to inject.
//! - [`Batching`]: how the model runtime batches the inference steps' rows (`--batching`:
//!   `adaptive`, `fixed:SIZE:DELAY_MS`, `off`), and [`BATCHING_FLAG`], the flag's name.
//! - [`model_rows`], [`output_digest`]: the rows a request sends to the model and the digest
//!   of the output that its answer carries.
//! - [`ServiceError`]: why the service could not start.
//! - [`OnnxModel`]: a real network (ONNX, run on the CPU by tract) as a
//!   [`betapool_batch::BatchModel`], the example `models/mlp.onnx` built in; [`OnnxError`], why
//!   it could not load or run.
//! - [`DEFAULT_HTTP_THREADS`]: the receiver threads the binary starts by default.
//!
//! The inference step runs the example network for real: the [`Service`] owns a
//! [`betapool_batch::InferenceRuntime`] of [`OnnxModel`], and each inference step blocks its
//! worker on `infer(row).wait()` while the runtime batches the rows of concurrent requests.
//!
//! Endpoints: `POST /v1/generate`, `POST /v1/embed`, `GET /v1/documents/<id>` (the work),
//! `GET /stats`, `GET /metrics`, `POST /log-status` (the group's own, see
//! [`betapool_group::http::route_with_metrics`]; `/metrics` also carries the model runtime's
//! `betapool_batch_*` families), `GET /runtime` (the model runtime's) and `GET /health`.

mod api;
mod batching;
mod endpoint;
mod error;
mod in_flight;
mod model;
mod model_io;
mod onnx;
mod pipeline;
mod reply;
mod routes;
mod service;
mod step;
mod work;

pub use batching::{BATCHING_FLAG, Batching};
pub use endpoint::Endpoint;
pub use error::ServiceError;
pub use model_io::{model_rows, output_digest};
pub use onnx::{OnnxError, OnnxModel};
pub use routes::Routes;
pub use service::{DEFAULT_HTTP_THREADS, Service, StopReport};
pub use step::Step;
pub use work::{Cost, Work};

/// The repository README's examples, compiled and run as doc tests so they cannot go stale. They
/// live here, in the example at the top of the layers, because it may depend on every crate they
/// use (the executors as dev-dependencies, the batching runtime as a dependency).
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
