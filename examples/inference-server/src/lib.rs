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
//! - [`ServiceError`]: why the service could not start.
//! - [`OnnxModel`]: a real network (ONNX, run on the CPU by tract) as a
//!   [`betapool_batch::BatchModel`], the example `models/mlp.onnx` built in; [`OnnxError`], why
//!   it could not load or run.
//! - [`DEFAULT_HTTP_THREADS`]: the receiver threads the binary starts by default.
//!
//! Endpoints: `POST /v1/generate`, `POST /v1/embed`, `GET /v1/documents/<id>` (the work),
//! `GET /stats`, `GET /metrics`, `POST /log-status` (the group's own, see
//! [`betapool_group::http::route`]) and `GET /health`.

mod api;
mod endpoint;
mod error;
mod in_flight;
mod onnx;
mod pipeline;
mod reply;
mod routes;
mod service;
mod step;
mod work;

pub use endpoint::Endpoint;
pub use error::ServiceError;
pub use onnx::{OnnxError, OnnxModel};
pub use routes::Routes;
pub use service::{DEFAULT_HTTP_THREADS, Service, StopReport};
pub use step::Step;
pub use work::{Cost, Work};
