//! What a method and path ask for: pure routing, without the network or the pools.

use crate::endpoint::Endpoint;

/// The token count `POST /v1/generate` answers with. Nothing is generated: the number only
/// gives the answer the shape of a real one.
pub(crate) const GENERATED_TOKENS: u32 = 64;

/// The vector length `POST /v1/embed` answers with (a common sentence-embedding size), for
/// the same reason.
pub(crate) const EMBEDDING_DIMENSIONS: u32 = 384;

/// The paths the pool group's own routing ([`betapool_group::http::route`]) answers.
const GROUP_PATHS: [&str; 3] = ["/stats", "/metrics", "/log-status"];

/// The prefix of `GET /v1/documents/<id>`.
const DOCUMENTS: &str = "/v1/documents/";

/// What a request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// Work on the pools; `body` is the JSON the last step answers with.
    Work { endpoint: Endpoint, body: String },
    /// The group's stats, metrics or status log: its own routing answers, wrong methods too.
    Group,
    /// `GET /health`.
    Health,
    /// `GET /runtime`: the model runtime's health, metrics and batching stats.
    Runtime,
    /// A known path with a malformed part (a document id that is not a number).
    BadRequest(String),
    /// No such path.
    NotFound(String),
    /// A known path with the wrong method; `allow` is the method it takes.
    MethodNotAllowed {
        allow: &'static str,
        message: String,
    },
}

/// Resolves `method path` (the path may carry a query string, which is ignored).
pub(crate) fn resolve(method: &str, url: &str) -> Route {
    let path = url.split('?').next().unwrap_or(url);
    if GROUP_PATHS.contains(&path) {
        return Route::Group;
    }
    let (allow, route) = match path {
        "/health" => ("GET", Route::Health),
        "/runtime" => ("GET", Route::Runtime),
        "/v1/generate" => (
            "POST",
            Route::Work {
                endpoint: Endpoint::Generate,
                body: body("tokens", GENERATED_TOKENS.into(), Endpoint::Generate),
            },
        ),
        "/v1/embed" => (
            "POST",
            Route::Work {
                endpoint: Endpoint::Embed,
                body: body("dimensions", EMBEDDING_DIMENSIONS.into(), Endpoint::Embed),
            },
        ),
        _ => match path.strip_prefix(DOCUMENTS) {
            Some(id) if !id.contains('/') => ("GET", document(id)),
            _ => {
                return Route::NotFound(format!(
                    "no such path: {path} (try POST /v1/generate, POST /v1/embed, \
                     GET /v1/documents/<id>, GET /stats, GET /metrics, GET /runtime, GET /health)\n"
                ));
            }
        },
    };
    if method == allow {
        route
    } else {
        Route::MethodNotAllowed {
            allow,
            message: format!("{path} takes {allow}, not {method}\n"),
        }
    }
}

/// `GET /v1/documents/<id>`: the id must be a whole number.
fn document(id: &str) -> Route {
    match id.parse::<u64>() {
        Ok(n) => Route::Work {
            endpoint: Endpoint::Document,
            body: body("id", n, Endpoint::Document),
        },
        Err(e) => Route::BadRequest(format!("document id `{id}` is not a whole number: {e}\n")),
    }
}

/// `{"<key>":<value>,"steps":<n>}`: the answer of a request that went through every step.
fn body(key: &str, value: u64, endpoint: Endpoint) -> String {
    format!("{{\"{key}\":{value},\"steps\":{}}}", endpoint.steps().len())
}

#[cfg(test)]
mod tests;
