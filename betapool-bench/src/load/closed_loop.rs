//! One client thread: opens its connection, waits for the start gate, then sends requests in a
//! closed loop, the next as soon as the previous is answered, until the measurement ends.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use betapool_workloads::SplitMix64;

use super::client::{Client, IO_TIMEOUT};
use super::latency;
use super::log::ClientLog;
use super::window::StartGate;

/// A client pauses this long after an I/O error, so that a server that refuses connections
/// is not hammered in a tight loop (and does not flood the error counts).
const ERROR_BACKOFF: Duration = Duration::from_millis(10);

/// One client thread: opens its connection with a `GET /health` and says so on `ready`, waits
/// for the gate, then sends requests in a closed loop until the measurement ends (or `stop`),
/// finishing the request in flight.
pub(crate) fn client_loop(
    addr: SocketAddr,
    seed: u64,
    gate: &StartGate,
    ready: &mpsc::Sender<Result<(), String>>,
    stop: &AtomicBool,
) -> ClientLog {
    let mut rng = SplitMix64::new(seed);
    let mut client = Client::new(addr, IO_TIMEOUT);
    let mut log = ClientLog::default();
    let first = match client.send(false, "/health") {
        Ok(r) if r.is_success() => Ok(()),
        Ok(r) => Err(format!("status {}", r.status)),
        Err(e) => Err(e.to_string()),
    };
    // The receiver is gone only when the run has already failed; the gate says so next.
    let _ = ready.send(first);
    let Some(window) = gate.wait() else {
        log.connections = client.connections();
        return log;
    };
    loop {
        let sent = Instant::now();
        // Relaxed: the flag carries no data; a client only needs to see it soon.
        if sent >= window.end || stop.load(Ordering::Relaxed) {
            break;
        }
        let request = latency::next_request(&mut rng);
        let outcome = client.send(request.post, &request.path);
        log.record(request.endpoint, &outcome, sent, Instant::now(), window);
        if outcome.is_err() {
            thread::sleep(ERROR_BACKOFF);
        }
    }
    log.connections = client.connections();
    log.retries = client.retries();
    log
}
