//! A small HTTP/1.1 client over one keep-alive `TcpStream`: enough to drive the service and
//! no more. It sends `GET` and `POST` (with `Content-Length: 0`), reads the status line and the
//! headers, then exactly the body the headers announce (`Content-Length`, chunked, or up to
//! the end of a `Connection: close` answer), and reconnects when the server closes.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// The longest status or header line accepted: far above what any server sends, low enough
/// that a server sending garbage cannot make the client buffer without end.
const MAX_LINE: usize = 8 * 1024;

/// The most header lines accepted in one answer, for the same reason.
const MAX_HEADERS: usize = 128;

/// The largest body accepted: `/metrics` of a few pools is a few KiB; 64 MiB only stops a
/// runaway answer.
const MAX_BODY: u64 = 64 * 1024 * 1024;

/// Connect, read and write timeout of every request the driver sends. Answers take tens of
/// milliseconds; one that takes 10 s is an error, counted as a `timeout`.
pub(crate) const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// An answer: its status and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
}

impl Response {
    /// Whether the status is 2xx.
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// How a request failed.
#[derive(Debug)]
enum Failure {
    /// Before any byte of the answer arrived: on a reused connection, the server may simply
    /// have closed it while it was idle, and the request is worth one retry on a new one.
    BeforeAnswer(io::Error),
    /// While the answer was being read, or on a new connection.
    During(io::Error),
}

/// A client of one server, over at most one connection at a time, opened on first use and
/// kept open between requests (HTTP/1.1 keep-alive) until the server closes it or an error
/// leaves it in an unknown state.
#[derive(Debug)]
pub(crate) struct Client {
    addr: SocketAddr,
    /// The connect, read and write timeout.
    timeout: Duration,
    conn: Option<BufReader<TcpStream>>,
    /// Connections opened so far.
    connections: u64,
    /// Requests sent a second time because a reused connection had been closed.
    retries: u64,
}

impl Client {
    /// A client of `addr`; nothing is connected until the first request.
    pub(crate) fn new(addr: SocketAddr, timeout: Duration) -> Client {
        Client {
            addr,
            timeout,
            conn: None,
            connections: 0,
            retries: 0,
        }
    }

    /// Connections opened so far: 1 for a server that keeps every connection alive.
    pub(crate) fn connections(&self) -> u64 {
        self.connections
    }

    /// Requests sent again on a new connection because the reused one turned out closed.
    pub(crate) fn retries(&self) -> u64 {
        self.retries
    }

    /// Sends one request (`POST` with an empty body if `post`, else `GET`) and reads its
    /// answer. A non-2xx answer is an `Ok`; the caller decides what it means. After an error
    /// or a `Connection: close` answer the connection is dropped and the next request opens a
    /// new one.
    ///
    /// A request that fails on a reused connection before any byte of its answer arrives is
    /// sent once more on a new connection: the server may have closed the idle connection just
    /// as the request went out, which is not an error of the request. [`Client::retries`]
    /// counts these.
    pub(crate) fn send(&mut self, post: bool, path: &str) -> io::Result<Response> {
        let reused = self.conn.is_some();
        match self.exchange(post, path) {
            Ok(response) => Ok(response),
            Err(Failure::BeforeAnswer(_)) if reused => {
                self.retries += 1;
                self.exchange(post, path).map_err(Failure::into_error)
            }
            Err(failure) => Err(failure.into_error()),
        }
    }

    /// One request and its answer, dropping the connection unless it stays usable.
    fn exchange(&mut self, post: bool, path: &str) -> Result<Response, Failure> {
        let result = self.exchange_on_connection(post, path);
        match &result {
            Ok((_, Keep::Open)) => {}
            Ok((_, Keep::Close)) | Err(_) => self.conn = None,
        }
        result.map(|(response, _)| response)
    }

    fn exchange_on_connection(
        &mut self,
        post: bool,
        path: &str,
    ) -> Result<(Response, Keep), Failure> {
        let fresh = self.conn.is_none();
        // On a new connection every failure is the request's own.
        let early = |e| {
            if fresh {
                Failure::During(e)
            } else {
                Failure::BeforeAnswer(e)
            }
        };
        let conn = match &mut self.conn {
            Some(conn) => conn,
            None => {
                let stream = connect(self.addr, self.timeout).map_err(Failure::During)?;
                self.connections += 1;
                self.conn.insert(BufReader::new(stream))
            }
        };
        let request = if post {
            format!(
                "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: 0\r\n\r\n",
                self.addr
            )
        } else {
            format!("GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", self.addr)
        };
        // One write of the whole request, so it leaves in one segment (`TCP_NODELAY` is on).
        let stream = conn.get_mut();
        stream.write_all(request.as_bytes()).map_err(early)?;
        stream.flush().map_err(early)?;

        let mut line = Vec::new();
        match read_line(conn, &mut line) {
            Ok(0) => {
                return Err(early(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the server closed the connection without answering",
                )));
            }
            Ok(_) => {}
            Err(e) => return Err(early(e)),
        }
        read_answer(conn, &line).map_err(Failure::During)
    }
}

impl Failure {
    fn into_error(self) -> io::Error {
        match self {
            Failure::BeforeAnswer(e) | Failure::During(e) => e,
        }
    }
}

/// Whether the connection can carry the next request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    Open,
    Close,
}

/// A one-off `GET` on a new connection: for `/stats` and `/metrics`.
pub(crate) fn get(addr: SocketAddr, path: &str, timeout: Duration) -> io::Result<Response> {
    Client::new(addr, timeout).send(false, path)
}

/// A short name for what went wrong, to count I/O errors by kind in the report.
pub(crate) fn error_kind(e: &io::Error) -> &'static str {
    use io::ErrorKind as K;
    match e.kind() {
        // A read timeout shows as `WouldBlock` on Unix and `TimedOut` elsewhere.
        K::TimedOut | K::WouldBlock => "timeout",
        K::ConnectionRefused => "refused",
        K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof => "closed",
        K::InvalidData => "protocol",
        _ => "other",
    }
}

/// A new connection with `timeout` for connecting, reading and writing, and `TCP_NODELAY`, so
/// that small requests leave at once rather than waiting for an acknowledgement.
fn connect(addr: SocketAddr, timeout: Duration) -> io::Result<TcpStream> {
    let stream = TcpStream::connect_timeout(&addr, timeout)?;
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    Ok(stream)
}

/// A protocol error: the server sent something this client does not read.
fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// Reads one line, `\n` included, into `buf` (cleared first); 0 at the end of the stream.
fn read_line(conn: &mut BufReader<TcpStream>, buf: &mut Vec<u8>) -> io::Result<usize> {
    buf.clear();
    let n = conn.by_ref().take(MAX_LINE as u64).read_until(b'\n', buf)?;
    if n == MAX_LINE && !buf.ends_with(b"\n") {
        return Err(invalid(format!("a line longer than {MAX_LINE} bytes")));
    }
    Ok(n)
}

/// What the headers say about the body and the connection.
#[derive(Debug, Default)]
struct Head {
    content_length: Option<u64>,
    chunked: bool,
    close: bool,
    keep_alive: bool,
}

/// Reads the rest of an answer whose status line is `status_line`: the headers and the body.
fn read_answer(
    conn: &mut BufReader<TcpStream>,
    status_line: &[u8],
) -> io::Result<(Response, Keep)> {
    let text = String::from_utf8_lossy(status_line);
    let mut parts = text.split_whitespace();
    let version = parts.next().unwrap_or("");
    let status: u16 = match (version.strip_prefix("HTTP/1."), parts.next()) {
        (Some(_), Some(code)) if code.len() == 3 => code
            .parse()
            .map_err(|_| invalid(format!("bad status line `{}`", text.trim_end())))?,
        _ => return Err(invalid(format!("bad status line `{}`", text.trim_end()))),
    };
    let http10 = version == "HTTP/1.0";

    let mut head = Head::default();
    let mut line = Vec::new();
    for count in 0.. {
        if count > MAX_HEADERS {
            return Err(invalid(format!("more than {MAX_HEADERS} header lines")));
        }
        if read_line(conn, &mut line)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the connection closed inside the headers",
            ));
        }
        let header = String::from_utf8_lossy(&line);
        let header = header.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            break;
        }
        let Some((name, value)) = header.split_once(':') else {
            return Err(invalid(format!("bad header line `{header}`")));
        };
        let value = value.trim();
        let has_token = |token: &str| {
            value
                .split(',')
                .any(|t| t.trim().eq_ignore_ascii_case(token))
        };
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => {
                let n = value
                    .parse()
                    .map_err(|_| invalid(format!("bad Content-Length `{value}`")))?;
                head.content_length = Some(n);
            }
            "transfer-encoding" => head.chunked = has_token("chunked"),
            "connection" => {
                head.close |= has_token("close");
                head.keep_alive |= has_token("keep-alive");
            }
            _ => {}
        }
    }
    let keep = if head.close || (http10 && !head.keep_alive) {
        Keep::Close
    } else {
        Keep::Open
    };

    // 1xx, 204 and 304 answers have no body, whatever their headers say (RFC 9112, 6.3).
    let body = if (100..200).contains(&status) || status == 204 || status == 304 {
        Vec::new()
    } else if head.chunked {
        read_chunked(conn)?
    } else if let Some(n) = head.content_length {
        if n > MAX_BODY {
            return Err(invalid(format!(
                "a body of {n} bytes, over the {MAX_BODY} limit"
            )));
        }
        let mut body = vec![0; n as usize];
        conn.read_exact(&mut body)?;
        body
    } else if keep == Keep::Close {
        let mut body = Vec::new();
        conn.by_ref().take(MAX_BODY).read_to_end(&mut body)?;
        body
    } else {
        return Err(invalid(
            "an answer with neither Content-Length nor chunked encoding on a kept-alive \
             connection"
                .into(),
        ));
    };
    Ok((Response { status, body }, keep))
}

/// Reads a chunked body: hexadecimal sizes (extensions ignored), each chunk followed by CRLF,
/// a zero size, then trailers up to an empty line.
fn read_chunked(conn: &mut BufReader<TcpStream>) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    let mut line = Vec::new();
    loop {
        if read_line(conn, &mut line)? == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the connection closed inside a chunked body",
            ));
        }
        let text = String::from_utf8_lossy(&line);
        let size_text = text.split(';').next().unwrap_or("").trim();
        let size = u64::from_str_radix(size_text, 16)
            .map_err(|_| invalid(format!("bad chunk size `{}`", text.trim_end())))?;
        if size == 0 {
            break;
        }
        if body.len() as u64 + size > MAX_BODY {
            return Err(invalid(format!("a body over the {MAX_BODY} byte limit")));
        }
        let start = body.len();
        body.resize(start + size as usize, 0);
        conn.read_exact(&mut body[start..])?;
        let mut crlf = [0; 2];
        conn.read_exact(&mut crlf)?;
        if crlf != *b"\r\n" {
            return Err(invalid("a chunk not followed by CRLF".into()));
        }
    }
    // Trailers, if any, up to the empty line.
    loop {
        if read_line(conn, &mut line)? == 0 || line == b"\r\n" || line == b"\n" {
            break;
        }
    }
    Ok(body)
}

#[cfg(test)]
mod tests;
