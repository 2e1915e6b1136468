//! One configuration measured, in order:
//! 1. the server starts with `--config PATH --bind 127.0.0.1:0` and prints where it listens
//!    ([`server`](super::server));
//! 2. `--connections` client threads, each with its own kept-alive connection
//!    ([`client`](super::client)), open their connections one at a time, each answered once
//!    (`GET /health`) before the next opens; then, all together, they send requests in a
//!    closed loop: the next as soon as the previous is answered, drawn from a seeded mix
//!    ([`latency`]). After `--warmup-s` the latency of every answer is recorded, for
//!    `--seconds`; a request in flight at the end is waited for, so the slowest answers are
//!    not cut from the tail. Non-2xx answers and I/O errors are counted, never dropped;
//! 3. meanwhile a sampler reads the server's threads, CPU time and RSS from `/proc/<pid>`
//!    every [`SAMPLE_INTERVAL`](super::sampler::SAMPLE_INTERVAL) ([`proc`](super::proc)) and,
//!    half-way, saves its `/stats` and `/metrics`;
//! 4. the server is killed, even when the run fails (the guard kills it when dropped).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};

use super::LoadArgs;
use super::client::IO_TIMEOUT;
use super::closed_loop::client_loop;
use super::latency;
use super::log::ClientLog;
use super::results::{ConfigEntry, ConfigResult};
use super::sampler::{sample, save_snapshot};
use super::server::Server;
use super::summarize::summarize;
use super::window::{StartGate, Window};

/// One configuration: its server, the load, the samples, and the result.
pub(crate) fn measure(
    args: &LoadArgs,
    config: &ConfigEntry,
    start: &dyn Fn(&ConfigEntry) -> Result<Server>,
) -> Result<ConfigResult> {
    // Dropping the guard kills the server, on every way out of this function.
    let mut server = start(config)?;
    let addr = server.addr();
    let pid = server.pid();
    eprintln!(
        "config {}: server on http://{addr} (curl /stats or /metrics while the load runs)",
        config.name
    );
    let warmup = Duration::from_secs_f64(args.warmup_s);
    let seconds = Duration::from_secs_f64(args.seconds);
    let stop = AtomicBool::new(false);
    let gate = StartGate::default();
    let (ready_tx, ready_rx) = mpsc::channel::<Result<(), String>>();
    let (logs, sampled) = thread::scope(|s| {
        let mut clients = Vec::with_capacity(args.connections);
        let mut sampler = None;
        let mut spawn_error = None;
        // The connections open one at a time, each answered once before the next opens. A
        // server that gives each kept-alive connection a thread (tiny_http does) may hand a
        // connection that arrives while its idle threads are waking to a queue that no thread
        // serves until another connection closes; opened all at once, part of the clients
        // would wait for the whole run and the load would be that of fewer connections.
        for i in 0..args.connections {
            let seed = latency::client_seed(args.seed, i);
            let (stop, gate, ready) = (&stop, &gate, ready_tx.clone());
            match thread::Builder::new()
                .name(format!("load-client-{i}"))
                .spawn_scoped(s, move || client_loop(addr, seed, gate, &ready, stop))
            {
                Ok(handle) => clients.push(handle),
                Err(e) => {
                    spawn_error = Some(anyhow!(e).context(format!("starting client thread {i}")));
                    break;
                }
            }
            match ready_rx.recv_timeout(IO_TIMEOUT + IO_TIMEOUT) {
                Ok(Ok(())) => {}
                Ok(Err(e)) => {
                    spawn_error = Some(anyhow!("connection {i}: GET /health: {e}"));
                    break;
                }
                Err(_) => {
                    spawn_error = Some(anyhow!(
                        "connection {i}: GET /health had no answer in {} s",
                        (IO_TIMEOUT + IO_TIMEOUT).as_secs()
                    ));
                    break;
                }
            }
        }
        let begin = Instant::now();
        let window = Window {
            start: begin + warmup,
            end: begin + warmup + seconds,
        };
        if spawn_error.is_none() {
            gate.open(Some(window));
        } else {
            gate.open(None);
        }
        if spawn_error.is_none() {
            match thread::Builder::new()
                .name("load-sampler".into())
                .spawn_scoped(s, {
                    let stop = &stop;
                    move || sample(pid, addr, window, stop)
                }) {
                Ok(handle) => sampler = Some(handle),
                Err(e) => spawn_error = Some(anyhow!(e).context("starting the sampler thread")),
            }
        }
        if spawn_error.is_some() {
            // Relaxed: the flag carries no data; the threads only need to see it soon.
            stop.store(true, Ordering::Relaxed);
        }
        let logs: Vec<ClientLog> = clients
            .into_iter()
            .map(|h| h.join().map_err(|_| anyhow!("a client thread panicked")))
            .collect::<Result<_>>()?;
        let sampled = sampler
            .map(|h| h.join().map_err(|_| anyhow!("the sampler thread panicked")))
            .transpose()?;
        match (spawn_error, sampled) {
            (Some(e), _) => Err(e),
            (None, Some(sampled)) => Ok((logs, sampled)),
            (None, None) => Err(anyhow!("the sampler thread did not start")),
        }
    })?;
    server.check_running()?;
    // The server has done its part: stop it before the report is built.
    drop(server);
    let snapshot = save_snapshot(&args.out, &config.name, sampled.stats, sampled.metrics);
    Ok(summarize(
        config,
        addr,
        ClientLog::merge(logs),
        &sampled.samples,
        snapshot,
        args.seconds,
    ))
}
