//! Tests of the HTTP client against a fake service: keep-alive, reconnects, body framing and errors.

use std::sync::atomic::Ordering;

use super::*;
use crate::load::fake::{FakeServer, ok};

const TIMEOUT: Duration = Duration::from_secs(10);

#[test]
fn keep_alive_reuses_one_connection_and_reads_exact_bodies() {
    let server = FakeServer::start(|req| match req.path.as_str() {
        "/a" => ok("first"),
        "/b" => ok(""),
        _ => ok("third body, longer"),
    });
    let mut client = Client::new(server.addr, TIMEOUT);
    for (post, path, body) in [
        (true, "/a", "first"),
        (false, "/b", ""),
        (true, "/c", "third body, longer"),
        (false, "/a", "first"),
    ] {
        let r = client.send(post, path).unwrap();
        assert_eq!((r.status, r.body.as_slice()), (200, body.as_bytes()));
    }
    assert_eq!(client.connections(), 1);
    assert_eq!(server.connections.load(Ordering::SeqCst), 1);
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    assert_eq!(requests[0].line, "POST /a HTTP/1.1");
    assert!(
        requests[0]
            .headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case("content-length: 0"))
    );
    assert_eq!(requests[1].line, "GET /b HTTP/1.1");
    assert!(requests[1].headers.iter().any(|h| h.starts_with("Host: ")));
}

#[test]
fn connection_close_reconnects() {
    let server = FakeServer::start(|req| {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
            req.path.len(),
            req.path
        )
    });
    let mut client = Client::new(server.addr, TIMEOUT);
    for path in ["/one", "/two", "/three"] {
        let r = client.send(false, path).unwrap();
        assert_eq!(r.body, path.as_bytes());
    }
    assert_eq!(client.connections(), 3);
    assert_eq!(server.connections.load(Ordering::SeqCst), 3);
    assert_eq!(client.retries(), 0);
}

#[test]
fn close_without_length_reads_to_the_end() {
    let server = FakeServer::start(|_| "HTTP/1.0 200 OK\r\n\r\nall of it".into());
    let mut client = Client::new(server.addr, TIMEOUT);
    assert_eq!(client.send(false, "/").unwrap().body, b"all of it");
    assert_eq!(client.send(false, "/").unwrap().body, b"all of it");
    assert_eq!(client.connections(), 2);
}

#[test]
fn chunked_bodies_are_joined() {
    let server = FakeServer::start(|_| {
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n"
            .into()
    });
    let mut client = Client::new(server.addr, TIMEOUT);
    assert_eq!(client.send(true, "/").unwrap().body, b"hello, world");
    assert_eq!(client.send(true, "/").unwrap().body, b"hello, world");
    assert_eq!(client.connections(), 1);
}

#[test]
fn status_500_is_an_answer_that_is_not_a_success() {
    let server = FakeServer::start(|_| {
        "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops".into()
    });
    let mut client = Client::new(server.addr, TIMEOUT);
    let r = client.send(true, "/v1/embed").unwrap();
    assert_eq!((r.status, r.body.as_slice()), (500, b"oops".as_slice()));
    assert!(!r.is_success());
    // The connection survives a 500 with a length.
    assert!(client.send(true, "/v1/embed").is_ok());
    assert_eq!(client.connections(), 1);
}

#[test]
fn a_server_closing_a_kept_connection_gets_one_retry() {
    // Answers every request with keep-alive, then closes without a word after the first
    // request of each connection: the second request on it is retried on a new one.
    let server = FakeServer::start_closing_after(1, |_| ok("x"));
    let mut client = Client::new(server.addr, TIMEOUT);
    for _ in 0..3 {
        assert_eq!(client.send(false, "/").unwrap().body, b"x");
    }
    assert_eq!(client.connections(), 3);
    assert_eq!(client.retries(), 2);
}

#[test]
fn garbage_and_refusals_are_errors_with_a_kind() {
    let server = FakeServer::start(|_| "SPDY/9 what\r\n\r\n".into());
    let mut client = Client::new(server.addr, TIMEOUT);
    let e = client.send(false, "/").unwrap_err();
    assert_eq!(error_kind(&e), "protocol", "{e}");
    assert!(e.to_string().contains("bad status line"), "{e}");

    // A port nobody listens on: bind one, then close it.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let e = get(addr, "/", TIMEOUT).unwrap_err();
    assert_eq!(error_kind(&e), "refused", "{e}");
}
