//! `inference-server`: load a pool group from a TOML file, serve the example's endpoints on
//! its pools, and report any error in one line.
//!
//! Exit codes: 0 after `--seconds` ran out and every pool finished; 2 for a bad flag or a bad
//! config file (as clap's own); 1 for anything else (the address is taken, a thread could
//! not start, a pool did not finish in time).

use std::io::Write;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use betapool_group::{GroupConfig, PoolGroup};
use clap::Parser;
use inference_server::{Batching, DEFAULT_HTTP_THREADS, Routes, Service, Work};

/// The exit code for a bad flag or config file: clap's own, so that scripts can tell "called
/// wrongly" from 1, "ran and failed".
const USAGE_EXIT: u8 = 2;

/// How long the requests in flight get to be answered when `--seconds` runs out, and then
/// how long the pools get to finish their tasks. Every step is milliseconds long, so this
/// only runs out if something is stuck.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(10);

/// [`DEFAULT_HTTP_THREADS`] as the flag's type.
const HTTP_THREADS: NonZeroUsize = match NonZeroUsize::new(DEFAULT_HTTP_THREADS) {
    Some(n) => n,
    None => NonZeroUsize::MIN,
};

/// The most `--inference-rows`: the model runtime queues at most 1 024 rows
/// (`betapool_batch::DEFAULT_QUEUE_CAPACITY`), so one request with more could never be taken.
const MAX_INFERENCE_ROWS: usize = betapool_batch::DEFAULT_QUEUE_CAPACITY;

/// An example HTTP service whose handlers run each step of their work on a named pool.
///
/// Endpoints: POST /v1/generate, POST /v1/embed, GET /v1/documents/<id>, GET /stats,
/// GET /metrics, POST /log-status, GET /runtime, GET /health.
#[derive(Debug, Parser)]
#[command(name = "inference-server", version)]
struct Args {
    /// The pool group file (see configs/): pools named db, embedding, io, inference and cpu,
    /// or exactly one pool that every step shares.
    #[arg(long, value_name = "PATH")]
    config: PathBuf,
    /// The address to listen on; port 0 picks a free port.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    bind: String,
    /// Threads that receive requests and submit their first step.
    #[arg(long, value_name = "N", default_value_t = HTTP_THREADS)]
    http_threads: NonZeroUsize,
    /// Stop after this many seconds and shut the pools down (default: run until killed).
    #[arg(long, value_name = "N")]
    seconds: Option<u64>,
    /// How the model runtime batches the inference steps' rows: `adaptive` (as soon as the
    /// batch worker is idle, sized to a 50 ms P99 target), `fixed:SIZE:DELAY_MS` (the seed's
    /// rule), or `off` (every row alone, `fixed:1:0`).
    #[arg(long, value_name = "MODE", default_value = "adaptive")]
    batching: String,
    /// Rows of the example network each inference step runs (a request carrying several
    /// inputs, as the seed's `infer_many`).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = parse_rows)]
    inference_rows: usize,
}

/// Parses `--inference-rows`: from 1 to [`MAX_INFERENCE_ROWS`].
fn parse_rows(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n @ 1..=MAX_INFERENCE_ROWS) => Ok(n),
        _ => Err(format!(
            "must be a whole number from 1 to {MAX_INFERENCE_ROWS}, got `{text}`"
        )),
    }
}

/// A failure, and the exit code it gets.
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn usage(message: impl ToString) -> Failure {
        Failure {
            code: USAGE_EXIT,
            message: message.to_string(),
        }
    }

    fn run(message: impl ToString) -> Failure {
        Failure {
            code: 1,
            message: message.to_string(),
        }
    }
}

fn main() -> ExitCode {
    // A bad flag: clap prints its error and exits with 2 (help and version with 0).
    let args = Args::parse();
    // The pools log through `tracing` (each step with `verbose = true`, the status table on
    // `POST /log-status`): show it on stderr.
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
    match serve(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("inference-server: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

fn serve(args: &Args) -> Result<(), Failure> {
    // `--batching VALUE: what is accepted`, in the same one line as a bad config.
    let batching: Batching = args.batching.parse().map_err(Failure::usage)?;
    // `file:line:column: key: message`.
    let config = GroupConfig::load(&args.config).map_err(Failure::usage)?;
    // Check the pools fit the steps before starting any thread.
    Routes::for_config(&config)
        .map_err(|e| Failure::usage(format!("{}: {e}", args.config.display())))?;
    let group = Arc::new(PoolGroup::new(&config).map_err(Failure::run)?);
    let work = Work {
        inference_rows: args.inference_rows,
        ..Work::default()
    };
    let service = match Service::start_with(
        Arc::clone(&group),
        work,
        batching,
        &args.bind,
        args.http_threads.get(),
    ) {
        Ok(service) => service,
        Err(e) => {
            group.shutdown(Duration::ZERO);
            return Err(Failure::run(e));
        }
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on http://{}", service.local_addr())
        .and_then(|()| out.flush())
        .map_err(|e| Failure::run(format!("could not write to stdout: {e}")))?;
    drop(out);
    match args.seconds {
        Some(s) => std::thread::sleep(Duration::from_secs(s)),
        None => loop {
            std::thread::park();
        },
    }
    let stopped = service.stop(SHUTDOWN_TIMEOUT);
    let report = group.shutdown(SHUTDOWN_TIMEOUT);
    let pools: Vec<String> = report
        .pools
        .iter()
        .map(|(name, failure)| match failure {
            None => format!("{name} finished"),
            Some(why) => format!("{name} did not finish ({why})"),
        })
        .collect();
    let model = if stopped.model.drained {
        "model runtime drained".to_owned()
    } else {
        format!(
            "model runtime stopped with {} row(s) failed and {} batch(es) still running",
            stopped.model.stopped, stopped.model.running
        )
    };
    eprintln!(
        "inference-server: stopped after {}s; {} request(s) unanswered; {model}; pools shut down in {:.3}s: {}",
        args.seconds.unwrap_or(0),
        stopped.unanswered,
        report.elapsed_s,
        pools.join(", ")
    );
    if report.all_finished() {
        Ok(())
    } else {
        Err(Failure::run(
            "some pools did not finish their tasks in time",
        ))
    }
}
