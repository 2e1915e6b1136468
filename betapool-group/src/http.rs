//! The group's stats over HTTP (seed 004's endpoints): `GET /stats` (JSON), `GET /metrics`
//! (Prometheus text) and `POST /log-status`, on a small synchronous server (tiny_http) with
//! one thread of its own. `GET /metrics` can carry more families than the group's, from a
//! [`MetricsSource`] the caller passes (the binary passes the inference runtimes' text), so
//! this crate needs to know nothing of where they come from.
//!
//! ```no_run
//! use std::sync::Arc;
//! use betapool_group::{GroupConfig, PoolGroup, StatsServer};
//!
//! let group = Arc::new(PoolGroup::new(&GroupConfig::load("pools.toml")?)?);
//! let server = StatsServer::start(group, "127.0.0.1:9464")?;
//! println!("stats on http://{}/stats", server.local_addr());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::net::{SocketAddr, ToSocketAddrs};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::thread::JoinHandle;

use tiny_http::{Header, Method, Response, Server};

use crate::group::PoolGroup;

/// The content type of `GET /metrics`: Prometheus text exposition format 0.0.4.
pub const PROMETHEUS_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The address `betapool serve` binds by default: loopback only.
pub const DEFAULT_BIND: &str = "127.0.0.1:9464";

/// Appends Prometheus text (format 0.0.4, whole lines ending in `\n`) to the body of
/// `GET /metrics`, after the group's families. It is called on the server's thread for every
/// scrape, so it should be quick; a panic in it answers that scrape with 500 and leaves the
/// server running.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use betapool_group::http::MetricsSource;
///
/// let source: MetricsSource = Arc::new(|out: &mut String| {
///     out.push_str("# TYPE app_up gauge\napp_up 1\n");
/// });
/// let mut body = String::new();
/// source(&mut body);
/// assert!(body.ends_with("app_up 1\n"));
/// ```
pub type MetricsSource = Arc<dyn Fn(&mut String) + Send + Sync>;

/// A running stats server. Dropping it (or [`stop`](Self::stop)) stops it.
pub struct StatsServer {
    server: Arc<Server>,
    addr: SocketAddr,
    thread: Option<JoinHandle<()>>,
}

/// The server could not start.
#[derive(Debug, thiserror::Error)]
#[error("could not serve stats on {addr}: {reason}")]
pub struct ServeError {
    addr: String,
    reason: String,
}

impl fmt::Debug for StatsServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatsServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl StatsServer {
    /// Binds `addr` (port 0 picks a free port) and serves `group`'s stats from a thread named
    /// `bp-stats`.
    pub fn start(
        group: Arc<PoolGroup>,
        addr: impl ToSocketAddrs,
    ) -> Result<StatsServer, ServeError> {
        Self::start_with_metrics(group, addr, Arc::new(|_: &mut String| {}))
    }

    /// Like [`start`](Self::start), with `extra`'s text appended to every `GET /metrics` after
    /// the group's families.
    ///
    /// ```no_run
    /// use std::sync::Arc;
    /// use betapool_group::{GroupConfig, PoolConfig, PoolGroup, StatsServer};
    ///
    /// let group = Arc::new(PoolGroup::new(&GroupConfig::new(8).pool(PoolConfig::fixed("db", 2)))?);
    /// let extra = Arc::new(|out: &mut String| out.push_str("# TYPE app_up gauge\napp_up 1\n"));
    /// let server = StatsServer::start_with_metrics(group, "127.0.0.1:0", extra)?;
    /// println!("metrics on http://{}/metrics", server.local_addr());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn start_with_metrics(
        group: Arc<PoolGroup>,
        addr: impl ToSocketAddrs,
        extra: MetricsSource,
    ) -> Result<StatsServer, ServeError> {
        let addr: SocketAddr = addr
            .to_socket_addrs()
            .map_err(|e| ServeError::new("the address", e))?
            .next()
            .ok_or_else(|| ServeError::new("the address", "it resolves to nothing"))?;
        let server = Server::http(addr).map_err(|e| ServeError::new(addr, e))?;
        let bound = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| ServeError::new(addr, "not an IP listener"))?;
        let server = Arc::new(server);
        let thread = {
            let server = Arc::clone(&server);
            std::thread::Builder::new()
                .name("bp-stats".into())
                .spawn(move || serve(&server, &group, extra.as_ref()))
                .map_err(|e| ServeError::new(bound, e))?
        };
        Ok(StatsServer {
            server,
            addr: bound,
            thread: Some(thread),
        })
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops the server and waits for its thread.
    pub fn stop(mut self) {
        self.shut();
    }

    fn shut(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for StatsServer {
    fn drop(&mut self) {
        self.shut();
    }
}

impl ServeError {
    fn new(addr: impl ToString, reason: impl ToString) -> ServeError {
        ServeError {
            addr: addr.to_string(),
            reason: reason.to_string(),
        }
    }
}

/// Answers requests until the server is unblocked.
fn serve(server: &Server, group: &PoolGroup, extra: &(dyn Fn(&mut String) + Send + Sync)) {
    for request in server.incoming_requests() {
        let method = match request.method() {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Head => "HEAD",
            _ => "OTHER",
        };
        let reply = route_with_metrics(group, method, request.url(), extra);
        let mut response = Response::from_string(reply.body).with_status_code(reply.status);
        for (name, value) in reply.headers {
            if let Ok(h) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
                response.add_header(h);
            }
        }
        // A client that hung up is its own problem; the server goes on.
        let _ = request.respond(response);
    }
}

/// One HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// Headers, `Content-Type` first.
    pub headers: Vec<(&'static str, &'static str)>,
    /// The body.
    pub body: String,
}

impl Reply {
    fn new(status: u16, content_type: &'static str, body: String) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type", content_type)],
            body,
        }
    }
}

/// The answer to `method path`: the routing of the server, without the network.
///
/// ```
/// use betapool_group::{GroupConfig, PoolConfig, PoolGroup, http::route};
///
/// let group = PoolGroup::new(&GroupConfig::new(8).pool(PoolConfig::fixed("db", 2)))?;
/// assert_eq!(route(&group, "GET", "/stats").status, 200);
/// assert!(route(&group, "GET", "/metrics").body.contains("betapool_threads{pool=\"db\"} 2"));
/// assert_eq!(route(&group, "GET", "/nope").status, 404);
/// assert_eq!(route(&group, "POST", "/stats").status, 405);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn route(group: &PoolGroup, method: &str, path: &str) -> Reply {
    route_with_metrics(group, method, path, &|_: &mut String| {})
}

/// [`route`], with `extra`'s text appended to the body of `GET /metrics` after the group's
/// families: the routing of [`StatsServer::start_with_metrics`].
///
/// A line `extra` leaves unfinished is ended, so the body stays whole lines. A panic in
/// `extra` is answered with 500 and its message, rather than a body missing families
/// without a word.
///
/// ```
/// use betapool_group::{GroupConfig, PoolConfig, PoolGroup, http::route_with_metrics};
///
/// let group = PoolGroup::new(&GroupConfig::new(8).pool(PoolConfig::fixed("db", 2)))?;
/// let extra = |out: &mut String| out.push_str("# TYPE app_up gauge\napp_up 1\n");
/// let reply = route_with_metrics(&group, "GET", "/metrics", &extra);
/// assert!(reply.body.contains("betapool_threads{pool=\"db\"} 2\n"));
/// assert!(reply.body.ends_with("app_up 1\n"));
/// // Only /metrics carries the extra text.
/// assert!(!route_with_metrics(&group, "GET", "/stats", &extra).body.contains("app_up"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn route_with_metrics(
    group: &PoolGroup,
    method: &str,
    path: &str,
    extra: &dyn Fn(&mut String),
) -> Reply {
    let path = path.split('?').next().unwrap_or(path);
    let (allowed, endpoint) = match path {
        "/stats" => ("GET", Endpoint::Stats),
        "/metrics" => ("GET", Endpoint::Metrics),
        "/log-status" => ("POST", Endpoint::LogStatus),
        _ => {
            return Reply::new(
                404,
                "text/plain; charset=utf-8",
                format!("no such path: {path} (try GET /stats, GET /metrics, POST /log-status)\n"),
            );
        }
    };
    if method != allowed {
        let mut r = Reply::new(
            405,
            "text/plain; charset=utf-8",
            format!("{path} takes {allowed}, not {method}\n"),
        );
        r.headers.push(("Allow", allowed));
        return r;
    }
    match endpoint {
        Endpoint::Stats => {
            let body = serde_json::to_string_pretty(&group.stats())
                .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
            Reply::new(200, "application/json", body)
        }
        Endpoint::Metrics => metrics(group, extra),
        Endpoint::LogStatus => Reply::new(200, "text/plain; charset=utf-8", group.log_status()),
    }
}

/// The paths the server answers.
#[derive(Debug, Clone, Copy)]
enum Endpoint {
    Stats,
    Metrics,
    LogStatus,
}

/// `GET /metrics`: the group's families, then `extra`'s.
fn metrics(group: &PoolGroup, extra: &dyn Fn(&mut String)) -> Reply {
    let mut body = String::new();
    betapool_metrics::prometheus::encode(&group.pool_stats(), &mut body);
    let ours = body.len();
    match catch_unwind(AssertUnwindSafe(|| extra(&mut body))) {
        Ok(()) => {
            if body.len() > ours && !body.ends_with('\n') {
                body.push('\n');
            }
            Reply::new(200, PROMETHEUS_CONTENT_TYPE, body)
        }
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic with no message".to_owned());
            Reply::new(
                500,
                "text/plain; charset=utf-8",
                format!("the extra metrics source panicked: {message}\n"),
            )
        }
    }
}
