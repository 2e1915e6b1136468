//! The group's stats over HTTP (seed 004's endpoints): `GET /stats` (JSON), `GET /metrics`
//! (Prometheus text) and `POST /log-status`, on a small synchronous server (tiny_http) with
//! one thread of its own.
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
use std::sync::Arc;
use std::thread::JoinHandle;

use tiny_http::{Header, Method, Response, Server};

use crate::group::PoolGroup;

/// The content type of `GET /metrics`: Prometheus text exposition format 0.0.4.
pub const PROMETHEUS_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The address `betapool serve` binds by default: loopback only.
pub const DEFAULT_BIND: &str = "127.0.0.1:9464";

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
                .spawn(move || serve(&server, &group))
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
fn serve(server: &Server, group: &PoolGroup) {
    for request in server.incoming_requests() {
        let method = match request.method() {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Head => "HEAD",
            _ => "OTHER",
        };
        let reply = route(group, method, request.url());
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
    let path = path.split('?').next().unwrap_or(path);
    let (allowed, reply): (&'static str, fn(&PoolGroup) -> Reply) = match path {
        "/stats" => ("GET", |g| {
            let body = serde_json::to_string_pretty(&g.stats())
                .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
            Reply::new(200, "application/json", body)
        }),
        "/metrics" => ("GET", |g| {
            let mut body = String::new();
            betapool_metrics::prometheus::encode(&g.pool_stats(), &mut body);
            Reply::new(200, PROMETHEUS_CONTENT_TYPE, body)
        }),
        "/log-status" => ("POST", |g| {
            Reply::new(200, "text/plain; charset=utf-8", g.log_status())
        }),
        _ => {
            return Reply::new(
                404,
                "text/plain; charset=utf-8",
                format!("no such path: {path} (try GET /stats, GET /metrics, POST /log-status)\n"),
            );
        }
    };
    if method == allowed {
        reply(group)
    } else {
        let mut r = Reply::new(
            405,
            "text/plain; charset=utf-8",
            format!("{path} takes {allowed}, not {method}\n"),
        );
        r.headers.push(("Allow", allowed));
        r
    }
}
