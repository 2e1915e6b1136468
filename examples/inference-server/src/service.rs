//! `Service`: the HTTP side. A few receiver threads take requests off the server and turn
//! each into a pipeline on the pools; they never work on a request themselves. The service
//! owns the model runtime its inference steps call: started with it, stopped with it.

use std::fmt;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use betapool_group::PoolGroup;
use betapool_workloads::Calibration;
use tiny_http::{Request, Server};

use crate::api::{Route, resolve};
use crate::batching::Batching;
use crate::error::{ErrorKind, ServiceError};
use crate::in_flight::InFlight;
use crate::model::{ModelRuntime, runtime_json, start_runtime};
use crate::pipeline::{Backends, Job, Plans, submit};
use crate::reply::{JSON, TEXT, respond};
use crate::routes::Routes;
use crate::work::Work;

/// The number of receiver threads `inference-server` starts unless told otherwise. A
/// receiver only parses the request line and submits the first step, so a few keep up with
/// far more requests than the pools can serve.
pub const DEFAULT_HTTP_THREADS: usize = 4;

/// The running service: an HTTP server on `bind` whose requests run as pipelines of steps on
/// the group's pools. Dropping it stops receiving, like [`stop`](Self::stop) without the
/// wait.
///
/// ```
/// use std::io::{Read, Write};
/// use std::net::TcpStream;
/// use std::sync::Arc;
/// use std::time::Duration;
/// use betapool_group::{GroupConfig, PoolConfig, PoolGroup};
/// use inference_server::{Service, Work};
///
/// // One pool shared by every step.
/// let group = Arc::new(PoolGroup::new(&GroupConfig::new(4).pool(PoolConfig::fixed("shared", 4)))?);
/// let service = Service::start(Arc::clone(&group), Work::default().scaled(0.01), "127.0.0.1:0", 2)?;
///
/// let mut client = TcpStream::connect(service.local_addr())?;
/// client.write_all(b"GET /v1/documents/7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")?;
/// let mut answer = String::new();
/// client.read_to_string(&mut answer)?;
/// assert!(answer.starts_with("HTTP/1.1 200"));
/// assert!(answer.ends_with(r#"{"id":7,"steps":2}"#));
///
/// let report = service.stop(Duration::from_secs(5));
/// assert_eq!(report.unanswered, 0);
/// assert!(group.shutdown(Duration::from_secs(5)).all_finished());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Service {
    server: Arc<Server>,
    addr: SocketAddr,
    stopping: Arc<AtomicBool>,
    receivers: Vec<JoinHandle<()>>,
    in_flight: Arc<InFlight>,
    model: Arc<ModelRuntime>,
}

/// What [`Service::stop`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StopReport {
    /// Requests accepted but not yet answered when the wait ran out (zero if none). Their
    /// steps are still on the pools: shutting the group down answers them (and an inference
    /// step among them is answered 503, the model runtime being stopped).
    pub unanswered: usize,
    /// What stopping the model runtime did: whether every row queued was run.
    pub model: betapool_batch::StopReport,
}

/// What the receivers share with each other and with the steps they start.
#[derive(Debug)]
struct ServiceState {
    backends: Arc<Backends>,
    plans: Plans,
    in_flight: Arc<InFlight>,
}

impl fmt::Debug for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Service")
            .field("addr", &self.addr)
            .field("receivers", &self.receivers.len())
            .field("in_flight", &self.in_flight.count())
            .finish_non_exhaustive()
    }
}

impl Service {
    /// [`start_with`](Service::start_with) the default batching, [`Batching::Adaptive`].
    ///
    /// Fails, with nothing left running, if the group lacks a pool for some step (see
    /// [`Routes`]), `http_threads` is zero, the address cannot be bound, a thread cannot
    /// start or the model runtime cannot start.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use betapool_group::{GroupConfig, PoolConfig, PoolGroup};
    /// use inference_server::{Service, Work};
    ///
    /// let group = GroupConfig::new(4).pool(PoolConfig::fixed("db", 2)).pool(PoolConfig::fixed("io", 2));
    /// let group = Arc::new(PoolGroup::new(&group)?);
    /// let err = Service::start(group, Work::default(), "127.0.0.1:0", 1).unwrap_err();
    /// assert!(err.to_string().contains("`embedding`"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn start(
        group: Arc<PoolGroup>,
        work: Work,
        bind: &str,
        http_threads: usize,
    ) -> Result<Service, ServiceError> {
        Service::start_with(group, work, Batching::default(), bind, http_threads)
    }

    /// Binds `bind` (port 0 picks a free port), measures the CPU spin once (about 60 ms),
    /// loads the example network and starts its model runtime with `batching`, and starts
    /// `http_threads` receiver threads (named `http-<n>`).
    ///
    /// Fails as [`start`](Service::start) does, with nothing left running.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use betapool_group::{GroupConfig, PoolConfig, PoolGroup};
    /// use inference_server::{Batching, Service, Work};
    ///
    /// let group = Arc::new(PoolGroup::new(&GroupConfig::new(2).pool(PoolConfig::fixed("shared", 2)))?);
    /// let service = Service::start_with(group, Work::default(), Batching::Off, "127.0.0.1:0", 1)?;
    /// assert_eq!(service.model().stats().policy, "fixed");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn start_with(
        group: Arc<PoolGroup>,
        work: Work,
        batching: Batching,
        bind: &str,
        http_threads: usize,
    ) -> Result<Service, ServiceError> {
        let routes = Routes::for_group(&group)?;
        if http_threads == 0 {
            return Err(ErrorKind::NoHttpThreads.into());
        }
        let addr: SocketAddr = bind
            .to_socket_addrs()
            .map_err(|e| ServiceError::bind(bind, e))?
            .next()
            .ok_or_else(|| ServiceError::bind(bind, "the address resolves to nothing"))?;
        let server = Server::http(addr).map_err(|e| ServiceError::bind(addr, e))?;
        let addr = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| ServiceError::bind(addr, "not an IP listener"))?;
        let (model, model_width) = start_runtime(batching)?;
        let in_flight = Arc::new(InFlight::default());
        let shared = Arc::new(ServiceState {
            backends: Arc::new(Backends {
                group,
                model: Arc::clone(&model),
                model_width,
            }),
            plans: Plans::new(&work, &routes, &Calibration::measure()),
            in_flight: Arc::clone(&in_flight),
        });
        let mut service = Service {
            server: Arc::new(server),
            addr,
            stopping: Arc::new(AtomicBool::new(false)),
            receivers: Vec::with_capacity(http_threads),
            in_flight,
            model,
        };
        for n in 0..http_threads {
            let server = Arc::clone(&service.server);
            let stopping = Arc::clone(&service.stopping);
            let shared = Arc::clone(&shared);
            let spawned = std::thread::Builder::new()
                .name(format!("http-{n}"))
                .spawn(move || receive(&server, &stopping, &shared));
            match spawned {
                Ok(handle) => service.receivers.push(handle),
                // Dropping `service` stops the receivers already started.
                Err(e) => {
                    return Err(ErrorKind::Thread {
                        reason: e.to_string(),
                    }
                    .into());
                }
            }
        }
        Ok(service)
    }

    /// The address the service listens on.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use betapool_group::{GroupConfig, PoolConfig, PoolGroup};
    /// # use inference_server::{Service, Work};
    /// # let group = Arc::new(PoolGroup::new(&GroupConfig::new(1).pool(PoolConfig::fixed("shared", 1)))?);
    /// let service = Service::start(group, Work::default(), "127.0.0.1:0", 1)?;
    /// assert_ne!(service.local_addr().port(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Requests accepted and not yet answered.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use betapool_group::{GroupConfig, PoolConfig, PoolGroup};
    /// # use inference_server::{Service, Work};
    /// # let group = Arc::new(PoolGroup::new(&GroupConfig::new(1).pool(PoolConfig::fixed("shared", 1)))?);
    /// let service = Service::start(group, Work::default(), "127.0.0.1:0", 1)?;
    /// assert_eq!(service.in_flight(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn in_flight(&self) -> usize {
        self.in_flight.count()
    }

    /// The model runtime the inference steps call: its `stats()`, `metrics()` and
    /// `health()` are what `GET /runtime` shows.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use betapool_group::{GroupConfig, PoolConfig, PoolGroup};
    /// # use inference_server::{Service, Work};
    /// # let group = Arc::new(PoolGroup::new(&GroupConfig::new(1).pool(PoolConfig::fixed("shared", 1)))?);
    /// let service = Service::start(group, Work::default(), "127.0.0.1:0", 1)?;
    /// assert_eq!(service.model().health().status, "healthy");
    /// assert_eq!(service.model().stats().policy, "adaptive");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn model(&self) -> &betapool_batch::InferenceRuntime<crate::OnnxModel> {
        &self.model
    }

    /// Stops receiving requests, waits for the receiver threads, then waits up to `drain`
    /// for the requests already accepted to be answered, then stops the model runtime (for
    /// what is left of `drain`). Requests that arrive after this are answered 500 when the
    /// service is dropped.
    ///
    /// Stop the service before shutting the group down: a pool that is shut down answers
    /// the steps still coming to it with 503.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use std::time::Duration;
    /// # use betapool_group::{GroupConfig, PoolConfig, PoolGroup};
    /// # use inference_server::{Service, Work};
    /// # let group = Arc::new(PoolGroup::new(&GroupConfig::new(1).pool(PoolConfig::fixed("shared", 1)))?);
    /// let service = Service::start(group, Work::default(), "127.0.0.1:0", 2)?;
    /// assert_eq!(service.stop(Duration::ZERO).unanswered, 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stop(mut self, drain: Duration) -> StopReport {
        let started = std::time::Instant::now();
        self.shut();
        let unanswered = self.in_flight.wait_idle(drain);
        let model = self.model.stop(drain.saturating_sub(started.elapsed()));
        StopReport { unanswered, model }
    }

    /// Stops every receiver and waits for them.
    fn shut(&mut self) {
        // Release pairs with the receivers' Acquire load: a receiver that sees its recv
        // interrupted also sees the flag, so it knows the interruption means "stop".
        self.stopping.store(true, Ordering::Release);
        // Each unblock wakes exactly one `recv`, after the requests queued before it.
        for _ in &self.receivers {
            self.server.unblock();
        }
        for r in self.receivers.drain(..) {
            // A receiver does not panic (dispatching returns no errors); if one did, there
            // is nothing left to stop.
            let _ = r.join();
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.shut();
    }
}

/// A receiver thread: takes requests until the service stops.
fn receive(server: &Server, stopping: &AtomicBool, shared: &Arc<ServiceState>) {
    loop {
        match server.recv() {
            Ok(request) => dispatch(shared, request),
            Err(_) if stopping.load(Ordering::Acquire) => return,
            // An accept failure (too many open files, a reset before the request line) is
            // one lost connection, not a reason to stop serving.
            Err(e) => tracing::warn!(error = %e, "could not accept a connection"),
        }
    }
}

/// Answers a control request at once, or starts a request's pipeline on the pools.
fn dispatch(shared: &Arc<ServiceState>, request: Request) {
    let method = request.method().as_str().to_owned();
    match resolve(&method, request.url()) {
        Route::Work { endpoint, body } => {
            let job = Job::new(
                request,
                shared.plans.get(endpoint),
                body,
                shared.in_flight.enter(),
            );
            submit(&shared.backends, job);
        }
        // The stats are a snapshot of counters, cheap enough to answer here; putting them on
        // a pool would count them among the pools' tasks.
        Route::Group => {
            // /metrics also carries the model runtime's `betapool_batch_*` families (every
            // runtime registered in this process: the one the service owns).
            let reply = betapool_group::http::route_with_metrics(
                &shared.backends.group,
                &method,
                request.url(),
                &betapool_batch::registry::prometheus_text,
            );
            let content_type = reply
                .headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case("Content-Type"))
                .map_or(TEXT, |&(_, value)| value);
            let extra: Vec<(&str, &str)> = reply
                .headers
                .iter()
                .filter(|(name, _)| !name.eq_ignore_ascii_case("Content-Type"))
                .copied()
                .collect();
            respond(request, reply.status, content_type, &extra, reply.body);
        }
        Route::Health => respond(request, 200, TEXT, &[], "ok".to_owned()),
        Route::Runtime => {
            let body = runtime_json(&shared.backends.model);
            respond(request, 200, JSON, &[], body);
        }
        Route::BadRequest(message) => respond(request, 400, TEXT, &[], message),
        Route::NotFound(message) => respond(request, 404, TEXT, &[], message),
        Route::MethodNotAllowed { allow, message } => {
            respond(request, 405, TEXT, &[("Allow", allow)], message);
        }
    }
}
