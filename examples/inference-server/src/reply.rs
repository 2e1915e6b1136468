//! Writing an answer to a tiny_http request.

use tiny_http::{Header, Request, Response};

/// The content type of the work endpoints' answers.
pub(crate) const JSON: &str = "application/json";

/// The content type of plain-text answers (errors, `/health`).
pub(crate) const TEXT: &str = "text/plain; charset=utf-8";

/// Answers `request` with `status`, a `Content-Type` and any `extra` headers. A client that
/// has hung up is its own problem: the error is dropped and the service goes on. Never
/// panics, so it is safe to call while a panic unwinds.
pub(crate) fn respond(
    request: Request,
    status: u16,
    content_type: &str,
    extra: &[(&str, &str)],
    body: String,
) {
    let mut response = Response::from_string(body).with_status_code(status);
    for (name, value) in std::iter::once(&("Content-Type", content_type)).chain(extra) {
        // Every header here is an ASCII constant, so building it cannot fail in practice.
        if let Ok(header) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(header);
        }
    }
    let _ = request.respond(response);
}
