//! A request as a pipeline of steps: each step runs on its pool, then hands the request to
//! the next step's pool; the last step answers. No thread ever waits for another pool.
//!
//! The request travels inside a [`Pending`] guard, which answers it if the step never runs
//! (its pool refused the task or dropped it at shutdown: 503), panics (500) or gets no output
//! from the model runtime (503 for a refusal, 500 for a model failure). So every accepted
//! request is answered exactly once, whatever happens to its tasks.

use std::hint::black_box;
use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use betapool_group::PoolGroup;
use betapool_workloads::{Calibration, spin};
use tiny_http::Request;

use crate::endpoint::Endpoint;
use crate::in_flight::Ticket;
use crate::model::{CallFailure, ModelRuntime, call};
use crate::model_io::model_rows;
use crate::reply::{JSON, TEXT, respond};
use crate::routes::Routes;
use crate::step::Step;
use crate::work::Work;

/// The most bytes of a request body that go into the hash its model rows are drawn from: the
/// service's bodies are small JSON objects, and a larger body is hashed by its start (the rest
/// is drained by the HTTP server as usual).
const MAX_HASHED_BODY: u64 = 64 * 1024;

/// What the steps run on: the pools, and the model runtime the inference steps call.
#[derive(Debug)]
pub(crate) struct Backends {
    pub(crate) group: Arc<PoolGroup>,
    pub(crate) model: Arc<ModelRuntime>,
    /// How many values one model input row has.
    pub(crate) model_width: usize,
}

/// One step of an endpoint, ready to run: its pool, its task name and its work.
#[derive(Debug)]
pub(crate) struct Stage {
    /// The pool that runs it.
    pool: String,
    /// The task name in the stats: `<endpoint>/<step>`, e.g. `generate/db`.
    label: String,
    /// Iterations of [`spin`]: the step's CPU time, converted once.
    spin: u64,
    /// How long the step then sleeps.
    wait: Duration,
    /// Whether the step panics instead (fault injection).
    panics: bool,
    /// Rows the step runs through the model runtime after its CPU work, before its wait
    /// (zero: none).
    model_rows: usize,
}

impl Stage {
    /// The step's work: CPU, then the model (whose output digest goes into the job's answer),
    /// then the wait. Fails only when the model runtime gives no output.
    fn work(&self, backends: &Backends, job: &mut Job) -> Result<(), CallFailure> {
        if self.panics {
            panic!("injected fault: step `{}` panics", self.label);
        }
        black_box(spin(self.spin));
        if self.model_rows > 0 {
            let rows = job.model_rows(self.model_rows, backends.model_width);
            job.model = Some((self.model_rows, call(&backends.model, rows)?));
        }
        if !self.wait.is_zero() {
            std::thread::sleep(self.wait);
        }
        Ok(())
    }
}

/// An endpoint's stages, in order.
#[derive(Debug)]
pub(crate) struct Plan {
    stages: Vec<Stage>,
}

impl Plan {
    /// `endpoint`'s steps with their pools (from `routes`) and costs (from `work`, CPU time
    /// turned into iterations by `calibration`).
    pub(crate) fn new(
        endpoint: Endpoint,
        work: &Work,
        routes: &Routes,
        calibration: &Calibration,
    ) -> Plan {
        let stages = endpoint
            .steps()
            .iter()
            .zip(endpoint.costs(work))
            .map(|(&step, cost)| Stage {
                pool: routes.pool(step).to_owned(),
                label: format!("{}/{}", endpoint.name(), step.pool_name()),
                spin: calibration.iterations_for(cost.cpu),
                wait: cost.wait,
                panics: work.panic_at == Some(step),
                model_rows: if step == Step::Inference {
                    work.inference_rows
                } else {
                    0
                },
            })
            .collect();
        Plan { stages }
    }
}

/// A request on its way through its plan.
#[derive(Debug)]
pub(crate) struct Job {
    request: Request,
    plan: Arc<Plan>,
    /// The stage to run next.
    next: usize,
    /// The JSON the last stage answers with.
    body: String,
    /// The rows the model ran for this request and the digest of its output, once it has.
    model: Option<(usize, String)>,
    /// Dropped after `request` is answered (fields drop in declaration order, and answering
    /// consumes `request` before that), so a stopping service that waits for the count to
    /// reach zero waits for the answers.
    _ticket: Ticket,
}

impl Job {
    pub(crate) fn new(request: Request, plan: Arc<Plan>, body: String, ticket: Ticket) -> Job {
        Job {
            request,
            plan,
            next: 0,
            body,
            model: None,
            _ticket: ticket,
        }
    }

    /// The request's model rows: drawn from a hash of its method, URL and body (the body's
    /// first [`MAX_HASHED_BODY`] bytes; one that cannot be read counts as empty).
    fn model_rows(&mut self, rows: usize, width: usize) -> Vec<Vec<f32>> {
        let method = self.request.method().as_str().to_owned();
        let url = self.request.url().to_owned();
        let mut body = Vec::new();
        if self
            .request
            .as_reader()
            .take(MAX_HASHED_BODY)
            .read_to_end(&mut body)
            .is_err()
        {
            body.clear();
        }
        model_rows(&method, &url, &body, rows, width)
    }

    /// The answer's JSON: the endpoint's, with the model's rows and digest added when the
    /// request ran through the model.
    fn answer(&self) -> String {
        match (&self.model, self.body.strip_suffix('}')) {
            (Some((rows, digest)), Some(open)) => {
                format!("{open},\"model\":{{\"rows\":{rows},\"digest\":\"{digest}\"}}}}")
            }
            _ => self.body.clone(),
        }
    }
}

/// What a [`Pending`] guard answers if it is dropped with its job still inside.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Fallback {
    /// The task never ran: its pool refused it or dropped it while shutting down.
    NotRun,
    /// The task started, so the step panicked.
    Panicked,
    /// The step ran and the model runtime gave no output: its answer.
    Failed(CallFailure),
}

/// A job waiting for (or inside) one stage. Dropped with the job still inside, it answers
/// the client with its [`Fallback`].
#[derive(Debug)]
struct Pending {
    job: Option<Job>,
    fallback: Fallback,
}

impl Drop for Pending {
    fn drop(&mut self) {
        let Some(job) = self.job.take() else { return };
        let stage = &job.plan.stages[job.next];
        let (status, message) = match std::mem::replace(&mut self.fallback, Fallback::NotRun) {
            Fallback::NotRun => (
                503,
                format!(
                    "pool `{}` refused step `{}`: the pool is shut down or shutting down\n",
                    stage.pool, stage.label
                ),
            ),
            Fallback::Panicked => (500, format!("step `{}` panicked\n", stage.label)),
            Fallback::Failed(failure) => (
                failure.status,
                format!("step `{}`: {}", stage.label, failure.message),
            ),
        };
        // This may run while a panic unwinds: `respond` only writes to the socket and never
        // panics, so the unwinding cannot turn into an abort.
        respond(job.request, status, TEXT, &[], message);
    }
}

/// Puts the job's next stage on its pool. Never blocks and never fails: if the pool will
/// not run the stage, the client is answered 503.
pub(crate) fn submit(backends: &Arc<Backends>, job: Job) {
    let plan = Arc::clone(&job.plan);
    let stage = &plan.stages[job.next];
    let pending = Pending {
        job: Some(job),
        fallback: Fallback::NotRun,
    };
    let task_backends = Arc::clone(backends);
    let submitted = backends
        .group
        .spawn_named_in(&stage.pool, &stage.label, move || {
            run(&task_backends, pending);
        });
    match submitted {
        // The handle is dropped, detaching the task: the job answers the client itself.
        Ok(_handle) => {}
        // The routes name only the group's pools, so this is unreachable in practice; the
        // task (and its guard) was dropped, which answered 503.
        Err(e) => tracing::warn!(error = %e, "a step could not be submitted"),
    }
}

/// Runs the job's next stage on this worker, then submits the stage after it or answers.
fn run(backends: &Arc<Backends>, mut pending: Pending) {
    pending.fallback = Fallback::Panicked;
    let Some(job) = pending.job.as_mut() else {
        return;
    };
    let plan = Arc::clone(&job.plan);
    // If this panics, `pending` drops during the unwind and answers 500; the pool then
    // catches the panic and counts it.
    if let Err(failure) = plan.stages[job.next].work(backends, job) {
        // Dropping the guard with the job inside answers the failure.
        pending.fallback = Fallback::Failed(failure);
        return;
    }
    let Some(mut job) = pending.job.take() else {
        return;
    };
    job.next += 1;
    if job.next < plan.stages.len() {
        submit(backends, job);
    } else {
        let body = job.answer();
        respond(job.request, 200, JSON, &[], body);
    }
}

/// The steps each endpoint's requests run, as plans.
#[derive(Debug)]
pub(crate) struct Plans {
    generate: Arc<Plan>,
    embed: Arc<Plan>,
    document: Arc<Plan>,
}

impl Plans {
    pub(crate) fn new(work: &Work, routes: &Routes, calibration: &Calibration) -> Plans {
        let plan = |e| Arc::new(Plan::new(e, work, routes, calibration));
        Plans {
            generate: plan(Endpoint::Generate),
            embed: plan(Endpoint::Embed),
            document: plan(Endpoint::Document),
        }
    }

    pub(crate) fn get(&self, endpoint: Endpoint) -> Arc<Plan> {
        Arc::clone(match endpoint {
            Endpoint::Generate => &self.generate,
            Endpoint::Embed => &self.embed,
            Endpoint::Document => &self.document,
        })
    }
}

#[cfg(test)]
mod tests;
