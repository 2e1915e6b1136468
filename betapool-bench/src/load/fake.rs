//! A fake HTTP service for the tests: a loopback `TcpListener` with a thread per connection,
//! answering each request with the text a handler returns, and keeping what it was sent.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

/// A request as the fake server read it.
#[derive(Debug, Clone)]
pub(crate) struct FakeRequest {
    /// The request line without its CRLF, e.g. `GET /stats HTTP/1.1`.
    pub(crate) line: String,
    pub(crate) path: String,
    /// The header lines without their CRLF.
    pub(crate) headers: Vec<String>,
}

/// The handler: the whole answer (status line, headers, body) for a request.
type Handler = dyn Fn(&FakeRequest) -> String + Send + Sync;

/// A running fake server; it stops accepting when dropped.
#[derive(Debug)]
pub(crate) struct FakeServer {
    pub(crate) addr: SocketAddr,
    /// Connections accepted so far.
    pub(crate) connections: Arc<AtomicUsize>,
    requests: Arc<Mutex<Vec<FakeRequest>>>,
    stop: Arc<AtomicBool>,
}

/// A 200 answer with `body` and its length, which keeps the connection alive.
pub(crate) fn ok(body: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

impl FakeServer {
    /// A server answering with `handler`, keeping connections open as long as the client does
    /// (unless an answer says `Connection: close` or is HTTP/1.0).
    pub(crate) fn start(
        handler: impl Fn(&FakeRequest) -> String + Send + Sync + 'static,
    ) -> FakeServer {
        FakeServer::serve(None, Arc::new(handler))
    }

    /// A server that closes each connection, without saying so, after `n` requests on it.
    pub(crate) fn start_closing_after(
        n: usize,
        handler: impl Fn(&FakeRequest) -> String + Send + Sync + 'static,
    ) -> FakeServer {
        FakeServer::serve(Some(n), Arc::new(handler))
    }

    /// Every request received so far, in order of arrival.
    pub(crate) fn requests(&self) -> Vec<FakeRequest> {
        self.requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn serve(close_after: Option<usize>, handler: Arc<Handler>) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let server = FakeServer {
            addr,
            connections: Arc::default(),
            requests: Arc::default(),
            stop: Arc::default(),
        };
        let (connections, requests, stop) = (
            Arc::clone(&server.connections),
            Arc::clone(&server.requests),
            Arc::clone(&server.stop),
        );
        thread::spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                connections.fetch_add(1, Ordering::SeqCst);
                let (handler, requests) = (Arc::clone(&handler), Arc::clone(&requests));
                thread::spawn(move || connection(stream, close_after, &*handler, &requests));
            }
        });
        server
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

/// Serves one connection until the client closes it, an answer closes it, or `close_after`
/// requests have been answered.
fn connection(
    stream: TcpStream,
    close_after: Option<usize>,
    handler: &Handler,
    requests: &Mutex<Vec<FakeRequest>>,
) {
    let mut reader = BufReader::new(stream);
    for served in 1.. {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let line = line.trim_end().to_string();
        let mut headers = Vec::new();
        let mut length = 0;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end().to_string();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
            headers.push(header);
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
        let request = FakeRequest {
            line,
            path,
            headers,
        };
        let answer = handler(&request);
        requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(request);
        if reader.get_mut().write_all(answer.as_bytes()).is_err() {
            return;
        }
        let closes = answer.starts_with("HTTP/1.0")
            || answer
                .split("\r\n\r\n")
                .next()
                .is_some_and(|head| head.to_ascii_lowercase().contains("connection: close"));
        if closes || close_after == Some(served) {
            return;
        }
    }
}
