//! `betapool-bench load`: drives an HTTP service over loopback for a bounded time, one server
//! process per configuration, and compares the configurations.
//!
//! For each configuration, in order:
//! 1. the server starts with `--config PATH --bind 127.0.0.1:0` and prints where it listens
//!    ([`server`]);
//! 2. `--connections` client threads, each with its own kept-alive connection ([`client`]),
//!    open their connections one at a time, each answered once (`GET /health`) before the
//!    next opens; then, all together, they send requests in a closed loop: the next as soon as the previous is answered, drawn from
//!    a seeded mix ([`latency`]). After `--warmup-s` the latency of every answer is recorded,
//!    for `--seconds`; a request in flight at the end is waited for, so the slowest answers
//!    are not cut from the tail. Non-2xx answers and I/O errors are counted, never dropped;
//! 3. meanwhile a sampler reads the server's threads, CPU time and RSS from `/proc/<pid>`
//!    every [`SAMPLE_INTERVAL`] ([`proc`]) and, half-way, saves its `/stats` and `/metrics`;
//! 4. the server is killed, even when the run fails (the guard kills it when dropped).
//!
//! Then `load.json`, `load.md` (the table, also printed) and `load.svg` (latency by
//! percentile) are written into `--out` ([`report`]). A configuration that fails is reported
//! and the others still run; the command then exits non-zero.

mod client;
#[cfg(test)]
mod fake;
mod latency;
mod proc;
mod report;
mod server;

use std::fs;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, PoisonError, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use betapool_workloads::SplitMix64;

use self::client::{Client, Response};
use self::latency::{Endpoint, Summary};
use self::report::{
    ConfigEntry, ConfigResult, EndpointResult, Errors, Failure, LoadReport, Params, ProcSample,
    ServerUsage, Snapshot,
};
use self::server::Server;

/// Where the default configurations live, relative to the current directory (the workspace
/// root, where `cargo xtask load` runs the driver).
const DEFAULT_CONFIG_DIR: &str = "examples/inference-server/configs";

/// The default configurations, in the order they run and are reported: the seed's single pool
/// of 10, the same pool at the seed's total of 140, the seed's five fixed pools, and five
/// adaptive pools. A `--configs DIR` runs these first too, when it has them.
const DEFAULT_CONFIGS: [&str; 4] = [
    "shared-static",
    "shared-static-140",
    "named-static",
    "named-adaptive",
];

/// Seconds measured per configuration unless `--seconds` says otherwise.
const DEFAULT_SECONDS: f64 = 10.0;

/// The longest `--seconds`: every answer's latency is kept in memory (16 bytes), and 10
/// minutes at 10 000 requests/s is about 100 MB.
const MAX_SECONDS: f64 = 600.0;

/// Seconds of warm-up unless `--warmup-s` says otherwise: enough for adaptive pools to grow
/// to the load and for the server's allocator to settle.
const DEFAULT_WARMUP_S: f64 = 2.0;

/// The longest `--warmup-s`, as for [`MAX_SECONDS`].
const MAX_WARMUP_S: f64 = 600.0;

/// Client connections unless `--connections` says otherwise: with half the requests taking
/// about 30 ms, 64 keep about twice the seed's shared pool of 10 busy with generate alone.
const DEFAULT_CONNECTIONS: usize = 64;

/// The most `--connections`: each is a thread and a socket of this process, and past a few
/// hundred on a 2-core machine the driver, not the server, is what gets measured.
const MAX_CONNECTIONS: usize = 512;

/// Connect, read and write timeout of every request. Answers take tens of milliseconds; one
/// that takes 10 s is an error, counted as a `timeout`.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// A client pauses this long after an I/O error, so that a server that refuses connections
/// is not hammered in a tight loop (and does not flood the error counts).
const ERROR_BACKOFF: Duration = Duration::from_millis(10);

/// How often the sampler reads the server's process.
const SAMPLE_INTERVAL: Duration = Duration::from_millis(100);

/// How long a sleep of the sampler lasts at most, so that it sees the stop flag soon.
const STOP_POLL: Duration = Duration::from_millis(50);

/// The request mix, in words, for the report.
const MIX_TEXT: &str = "50 % POST /v1/generate, 25 % POST /v1/embed, 25 % GET /v1/documents/<id>";

/// Runs per configuration: three give a median and a spread.
const DEFAULT_REPEATS: usize = 3;

/// The most runs per configuration `--repeats` accepts.
const MAX_REPEATS: usize = 50;

/// Files written into `--out`.
const JSON_FILE: &str = "load.json";
/// See [`JSON_FILE`].
const MD_FILE: &str = "load.md";
/// See [`JSON_FILE`].
const SVG_FILE: &str = "load.svg";

/// Bytes per MiB, for the report.
const MIB: f64 = 1024.0 * 1024.0;

/// The options of `betapool-bench load`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct LoadArgs {
    /// The service's binary (e.g. target/release/inference-server).
    #[arg(long)]
    pub(crate) server: PathBuf,
    /// A directory of configurations: every `*.toml` in it, named by file stem (default:
    /// the four of examples/inference-server/configs).
    #[arg(long, value_name = "DIR", conflicts_with = "config")]
    pub(crate) configs: Option<PathBuf>,
    /// One configuration, named; repeat for more. Runs in the order given.
    #[arg(long = "config", value_name = "NAME=PATH", value_parser = parse_named_config)]
    pub(crate) config: Vec<ConfigEntry>,
    /// Seconds measured per configuration, after the warm-up (fractions allowed).
    #[arg(long, default_value_t = DEFAULT_SECONDS, value_parser = parse_seconds, allow_negative_numbers = true)]
    pub(crate) seconds: f64,
    /// Seconds of load before the measurement starts (0 for none).
    #[arg(long, default_value_t = DEFAULT_WARMUP_S, value_parser = parse_warmup, allow_negative_numbers = true)]
    pub(crate) warmup_s: f64,
    /// Client connections, each a thread sending its next request as soon as the previous
    /// one is answered.
    #[arg(long, default_value_t = DEFAULT_CONNECTIONS, value_parser = parse_connections)]
    pub(crate) connections: usize,
    /// Runs of every configuration, interleaved (config 1, 2, …, then again); the table shows
    /// medians with the min–max over the runs.
    #[arg(long, default_value_t = DEFAULT_REPEATS, value_parser = parse_repeats)]
    pub(crate) repeats: usize,
    /// Seed of the request mix; every configuration replays the same requests per client.
    #[arg(long, default_value_t = 42)]
    pub(crate) seed: u64,
    /// Where to write load.json, load.md, load.svg and each configuration's /stats and
    /// /metrics.
    #[arg(long, default_value = "target/load")]
    pub(crate) out: PathBuf,
}

/// Parses `--seconds`: a finite number above zero and at most [`MAX_SECONDS`].
fn parse_seconds(text: &str) -> Result<f64, String> {
    let s = parse_number(text)?;
    if s <= 0.0 {
        return Err(format!("must be a positive number of seconds, got {text}"));
    }
    if s > MAX_SECONDS {
        return Err(format!("must be at most {MAX_SECONDS}, got {text}"));
    }
    Ok(s)
}

/// Parses `--warmup-s`: a finite number from zero to [`MAX_WARMUP_S`].
fn parse_warmup(text: &str) -> Result<f64, String> {
    let s = parse_number(text)?;
    if s < 0.0 {
        return Err(format!(
            "must be zero or a positive number of seconds, got {text}"
        ));
    }
    if s > MAX_WARMUP_S {
        return Err(format!("must be at most {MAX_WARMUP_S}, got {text}"));
    }
    // `-0` passes the checks above; as a duration it is plain zero.
    Ok(s.abs())
}

/// A finite number of seconds.
fn parse_number(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(s) if s.is_finite() => Ok(s),
        _ => Err(format!("`{text}` is not a number of seconds")),
    }
}

/// Parses `--connections`: from 1 to [`MAX_CONNECTIONS`].
fn parse_repeats(text: &str) -> Result<usize, String> {
    let n: usize = text
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number of runs"))?;
    if n == 0 || n > MAX_REPEATS {
        return Err(format!("must be from 1 to {MAX_REPEATS}, got {n}"));
    }
    Ok(n)
}

fn parse_connections(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n @ 1..=MAX_CONNECTIONS) => Ok(n),
        _ => Err(format!(
            "must be a whole number from 1 to {MAX_CONNECTIONS}, got `{text}`"
        )),
    }
}

/// Parses `--config NAME=PATH`. The name becomes part of file names in `--out`, so it is
/// letters, digits, `.`, `-` and `_`, not starting with a dot.
fn parse_named_config(text: &str) -> Result<ConfigEntry, String> {
    let Some((name, path)) = text.split_once('=') else {
        return Err(format!("`{text}` is not NAME=PATH"));
    };
    let name_ok = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !name_ok {
        return Err(format!(
            "the name `{name}` must be letters, digits, `.`, `-` or `_`, not starting with `.`"
        ));
    }
    if path.is_empty() {
        return Err(format!("`{text}` has no path after `=`"));
    }
    Ok(ConfigEntry {
        name: name.into(),
        path: path.into(),
    })
}

/// The configurations to run, in order: the `--config` flags as given, the `*.toml` files of
/// `--configs DIR` (the defaults' names first, in their order, then the rest by name), or
/// the four defaults.
fn resolve_configs(args: &LoadArgs) -> Result<Vec<ConfigEntry>> {
    if !args.config.is_empty() {
        let mut seen = Vec::new();
        for c in &args.config {
            if seen.contains(&&c.name) {
                bail!(
                    "--config {}={}: the name `{}` is given twice",
                    c.name,
                    c.path,
                    c.name
                );
            }
            seen.push(&c.name);
            if !Path::new(&c.path).is_file() {
                bail!("--config {}={}: no such file", c.name, c.path);
            }
        }
        return Ok(args.config.clone());
    }
    let Some(dir) = &args.configs else {
        return DEFAULT_CONFIGS
            .iter()
            .map(|name| {
                let path = Path::new(DEFAULT_CONFIG_DIR).join(format!("{name}.toml"));
                if !path.is_file() {
                    bail!(
                        "{}: no such file; run from the workspace root, or name the \
                         configurations with --configs DIR or --config NAME=PATH",
                        path.display()
                    );
                }
                Ok(ConfigEntry {
                    name: (*name).into(),
                    path: path.display().to_string(),
                })
            })
            .collect();
    };
    let entries = fs::read_dir(dir)
        .with_context(|| format!("--configs {}: cannot read the directory", dir.display()))?;
    let mut configs = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("--configs {}: cannot read the directory", dir.display()))?
            .path();
        if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            configs.push(ConfigEntry {
                name,
                path: path.display().to_string(),
            });
        }
    }
    if configs.is_empty() {
        bail!("--configs {}: no .toml file in it", dir.display());
    }
    let rank = |name: &str| {
        DEFAULT_CONFIGS
            .iter()
            .position(|d| *d == name)
            .unwrap_or(DEFAULT_CONFIGS.len())
    };
    configs.sort_by(|a, b| (rank(&a.name), &a.name).cmp(&(rank(&b.name), &b.name)));
    Ok(configs)
}

/// Runs `betapool-bench load`: every configuration, then the report.
pub(crate) fn run(args: &LoadArgs) -> Result<()> {
    if !args.server.is_file() {
        bail!(
            "--server {}: no such file (build it with `cargo build --release -p \
             inference-server`, or run `cargo xtask load`)",
            args.server.display()
        );
    }
    let configs = resolve_configs(args)?;
    run_with(args, &configs, &|c: &ConfigEntry| {
        Server::spawn(&args.server, Path::new(&c.path))
    })
}

/// Runs `configs` one after another, each on a server from `start`, writes the report and
/// fails naming every configuration that failed.
fn run_with(
    args: &LoadArgs,
    configs: &[ConfigEntry],
    start: &dyn Fn(&ConfigEntry) -> Result<Server>,
) -> Result<()> {
    fs::create_dir_all(&args.out)
        .with_context(|| format!("--out {}: cannot create the directory", args.out.display()))?;
    let params = Params {
        server: args.server.display().to_string(),
        configs: configs.to_vec(),
        seconds: args.seconds,
        warmup_s: args.warmup_s,
        connections: args.connections,
        repeats: args.repeats,
        seed: args.seed,
        mix: MIX_TEXT.into(),
        io_timeout_s: IO_TIMEOUT.as_secs_f64(),
        sample_interval_ms: SAMPLE_INTERVAL.as_millis() as u64,
        cores: thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let mut runs = Vec::new();
    let mut failures = Vec::new();
    // Interleaved, so that a slow minute of the shared machine falls on every configuration
    // rather than on one.
    for repeat in 0..args.repeats {
        for (i, config) in configs.iter().enumerate() {
            eprintln!(
                "config {} ({}/{}, run {}/{}): {} ({} connections, {} s warm-up, {} s measured)",
                config.name,
                i + 1,
                configs.len(),
                repeat + 1,
                args.repeats,
                config.path,
                args.connections,
                args.warmup_s,
                args.seconds
            );
            match measure(args, config, start) {
                Ok(mut result) => {
                    eprintln!("{}", end_line(&result));
                    result.repeat = repeat;
                    runs.push(result);
                }
                Err(e) => {
                    eprintln!("config {}: failed: {e:#}", config.name);
                    failures.push(Failure {
                        name: config.name.clone(),
                        error: format!("{e:#}"),
                    });
                }
            }
        }
    }
    let results = report::medians(configs, &runs);

    let markdown = report::markdown_report(&params, &results);
    let svg = report::chart(&params, &results);
    let report = LoadReport {
        params,
        results,
        runs,
        failures,
    };
    let json_path = args.out.join(JSON_FILE);
    let md_path = args.out.join(MD_FILE);
    let svg_path = args.out.join(SVG_FILE);
    fs::write(&json_path, serde_json::to_string_pretty(&report)?)
        .with_context(|| format!("writing {}", json_path.display()))?;
    fs::write(&md_path, &markdown).with_context(|| format!("writing {}", md_path.display()))?;
    fs::write(&svg_path, svg).with_context(|| format!("writing {}", svg_path.display()))?;

    print!("{}", report::table(&report.results));
    if let Some(ratios) = report::ratios(&report.results) {
        println!();
        print!("{ratios}");
    }
    println!(
        "wrote {}, {} and {}",
        json_path.display(),
        md_path.display(),
        svg_path.display()
    );
    if !report.failures.is_empty() {
        let names: Vec<&str> = report.failures.iter().map(|f| f.name.as_str()).collect();
        bail!(
            "{} of {} run(s) failed: {} (see the messages above and {})",
            names.len(),
            configs.len() * args.repeats,
            names.join(", "),
            json_path.display()
        );
    }
    Ok(())
}

/// The progress line at the end of a configuration.
fn end_line(r: &ConfigResult) -> String {
    let ms = |v: Option<f64>| v.map_or_else(|| "-".into(), |v| format!("{v:.1} ms"));
    let mut errors = r.errors.total.to_string();
    let kinds: Vec<String> = (r.errors.by_status.iter())
        .map(|(status, n)| format!("{status}: {n}"))
        .chain(r.errors.by_io_kind.iter().map(|(k, n)| format!("{k}: {n}")))
        .collect();
    if !kinds.is_empty() {
        errors = format!("{errors} ({})", kinds.join(", "));
    }
    let threads = r
        .server
        .peak_threads
        .map_or_else(|| "-".into(), |n| n.to_string());
    format!(
        "config {}: {} answers, {:.0} req/s, P50 {}, P99 {}, errors {errors}; server peak {threads} threads",
        r.name,
        r.requests,
        r.req_per_s,
        ms(r.latency.p50_ms),
        ms(r.latency.p99_ms)
    )
}

/// The warm-up ends at `start`, the measurement at `end`.
#[derive(Debug, Clone, Copy)]
struct Window {
    start: Instant,
    end: Instant,
}

/// One configuration: its server, the load, the samples, and the result.
fn measure(
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

/// One client's answers and errors.
#[derive(Debug, Default)]
struct ClientLog {
    answers: Vec<Answer>,
    errors: Errors,
    connections: u64,
    retries: u64,
}

/// A successful answer to a request sent during the measurement.
#[derive(Debug, Clone, Copy)]
struct Answer {
    endpoint: Endpoint,
    latency_us: u64,
    /// Whether it came before the measurement ended.
    in_window: bool,
}

impl ClientLog {
    /// Records the outcome of a request sent at `sent` and settled at `settled`: in the
    /// warm-up only its errors are counted (apart); in the measurement, a 2xx answer's
    /// latency, or the error.
    fn record(
        &mut self,
        endpoint: Endpoint,
        outcome: &io::Result<Response>,
        sent: Instant,
        settled: Instant,
        window: Window,
    ) {
        let measured = sent >= window.start;
        match outcome {
            Ok(response) if response.is_success() => {
                if measured {
                    self.answers.push(Answer {
                        endpoint,
                        latency_us: u64::try_from(settled.duration_since(sent).as_micros())
                            .unwrap_or(u64::MAX),
                        in_window: settled <= window.end,
                    });
                }
            }
            Ok(_) | Err(_) if !measured => self.errors.warmup += 1,
            Ok(response) => {
                self.errors.total += 1;
                *self.errors.by_status.entry(response.status).or_default() += 1;
            }
            Err(e) => {
                self.errors.total += 1;
                *self
                    .errors
                    .by_io_kind
                    .entry(client::error_kind(e).into())
                    .or_default() += 1;
            }
        }
        if let Err(e) = outcome {
            self.errors
                .first_io_error
                .get_or_insert_with(|| e.to_string());
        }
    }

    /// All clients' logs as one.
    fn merge(logs: Vec<ClientLog>) -> ClientLog {
        let mut all = ClientLog::default();
        for log in logs {
            all.answers.extend(log.answers);
            let e = log.errors;
            all.errors.total += e.total;
            all.errors.warmup += e.warmup;
            for (status, n) in e.by_status {
                *all.errors.by_status.entry(status).or_default() += n;
            }
            for (kind, n) in e.by_io_kind {
                *all.errors.by_io_kind.entry(kind).or_default() += n;
            }
            if all.errors.first_io_error.is_none() {
                all.errors.first_io_error = e.first_io_error;
            }
            all.connections += log.connections;
            all.retries += log.retries;
        }
        all
    }
}

/// When the clients may start: after every connection has been opened and answered once.
#[derive(Debug, Default)]
struct StartGate {
    /// `None` until opened; then the window, or `None` when the run is called off.
    state: Mutex<Option<Option<Window>>>,
    opened: Condvar,
}

impl StartGate {
    /// Lets every client go, with the measurement `window` (or `None`: stop at once).
    fn open(&self, window: Option<Window>) {
        *self.state.lock().unwrap_or_else(PoisonError::into_inner) = Some(window);
        self.opened.notify_all();
    }

    /// Waits until the gate is open; the window, or `None` if the run was called off.
    fn wait(&self) -> Option<Window> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(window) = *state {
                return window;
            }
            state = self
                .opened
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// One client thread: opens its connection with a `GET /health` and says so on `ready`, waits
/// for the gate, then sends requests in a closed loop until the measurement ends (or `stop`),
/// finishing the request in flight.
fn client_loop(
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

/// What the sampler saw: `(seconds since the measurement started, reading)` pairs, and the
/// `/stats` and `/metrics` bodies (or why they are missing).
#[derive(Debug)]
struct Sampled {
    samples: Vec<(f64, proc::Reading)>,
    stats: Result<Vec<u8>, String>,
    metrics: Result<Vec<u8>, String>,
}

/// The sampler thread: reads the server's process at the start of the measurement, every
/// [`SAMPLE_INTERVAL`] and at its end, and fetches `/stats` and `/metrics` half-way.
fn sample(pid: u32, addr: SocketAddr, window: Window, stop: &AtomicBool) -> Sampled {
    let since = |at: Instant| at.saturating_duration_since(window.start).as_secs_f64();
    sleep_until(window.start, stop);
    let mut samples = vec![(since(Instant::now()), proc::read(pid))];
    let middle = window.start + (window.end - window.start) / 2;
    let mut snapshot = None;
    for k in 1u32.. {
        let due = window.start + SAMPLE_INTERVAL.saturating_mul(k);
        if due >= window.end || stop.load(Ordering::Relaxed) {
            break;
        }
        if snapshot.is_none() && due >= middle {
            snapshot = Some((fetch(addr, "/stats"), fetch(addr, "/metrics")));
        }
        sleep_until(due, stop);
        samples.push((since(Instant::now()), proc::read(pid)));
    }
    // A measurement shorter than a sample interval has no reading past its middle.
    let (stats, metrics) =
        snapshot.unwrap_or_else(|| (fetch(addr, "/stats"), fetch(addr, "/metrics")));
    sleep_until(window.end, stop);
    samples.push((since(Instant::now()), proc::read(pid)));
    Sampled {
        samples,
        stats,
        metrics,
    }
}

/// Sleeps until `when`, or until `stop` is set.
fn sleep_until(when: Instant, stop: &AtomicBool) {
    loop {
        let left = when.saturating_duration_since(Instant::now());
        if left.is_zero() || stop.load(Ordering::Relaxed) {
            return;
        }
        thread::sleep(left.min(STOP_POLL));
    }
}

/// The body of `GET path`, or what went wrong.
fn fetch(addr: SocketAddr, path: &str) -> Result<Vec<u8>, String> {
    match client::get(addr, path, IO_TIMEOUT) {
        Ok(r) if r.is_success() => Ok(r.body),
        Ok(r) => Err(format!("GET {path}: status {}", r.status)),
        Err(e) => Err(format!("GET {path}: {e}")),
    }
}

/// Writes `OUT/NAME.stats.json` and `OUT/NAME.metrics.txt`; a body that is missing or cannot
/// be written is a warning on stderr and an entry in the report, not a failed run.
fn save_snapshot(
    out: &Path,
    name: &str,
    stats: Result<Vec<u8>, String>,
    metrics: Result<Vec<u8>, String>,
) -> Snapshot {
    let mut snapshot = Snapshot::default();
    for (body, suffix) in [(stats, "stats.json"), (metrics, "metrics.txt")] {
        let path = out.join(format!("{name}.{suffix}"));
        let saved = body.and_then(|b| {
            fs::write(&path, b).map_err(|e| format!("writing {}: {e}", path.display()))
        });
        match saved {
            Ok(()) if suffix == "stats.json" => {
                snapshot.stats_file = Some(path.display().to_string());
            }
            Ok(()) => snapshot.metrics_file = Some(path.display().to_string()),
            Err(e) => {
                eprintln!("config {name}: warning: {e}");
                snapshot.errors.push(e);
            }
        }
    }
    snapshot
}

/// The result of one configuration from its merged client log and its samples.
fn summarize(
    config: &ConfigEntry,
    addr: SocketAddr,
    log: ClientLog,
    samples: &[(f64, proc::Reading)],
    snapshot: Snapshot,
    seconds: f64,
) -> ConfigResult {
    let mut all: Vec<u64> = log.answers.iter().map(|a| a.latency_us).collect();
    all.sort_unstable();
    let endpoints = Endpoint::ALL
        .iter()
        .map(|&endpoint| {
            let mut us: Vec<u64> = (log.answers.iter())
                .filter(|a| a.endpoint == endpoint)
                .map(|a| a.latency_us)
                .collect();
            us.sort_unstable();
            EndpointResult {
                endpoint,
                latency: Summary::of(&us),
            }
        })
        .collect();
    let completed = log.answers.iter().filter(|a| a.in_window).count();

    let threads: Vec<usize> = samples.iter().filter_map(|(_, r)| r.threads).collect();
    let cpu = match (
        samples.first().and_then(|(_, r)| r.cpu),
        samples.last().and_then(|(_, r)| r.cpu),
    ) {
        (Some(a), Some(b)) => Some(b.saturating_sub(a).as_secs_f64()),
        _ => None,
    };
    let server = ServerUsage {
        peak_threads: threads.iter().copied().max(),
        mean_threads: (!threads.is_empty())
            .then(|| threads.iter().sum::<usize>() as f64 / threads.len() as f64),
        cpu_s: cpu,
        cpu_ms_per_request: cpu
            .filter(|_| completed > 0)
            .map(|c| c * 1000.0 / completed as f64),
        peak_rss_mib: samples
            .iter()
            .filter_map(|(_, r)| r.rss_bytes)
            .max()
            .map(|b| b as f64 / MIB),
    };
    ConfigResult {
        name: config.name.clone(),
        repeat: 0,
        spread: None,
        config: config.path.clone(),
        address: addr.to_string(),
        requests: all.len(),
        completed_in_window: completed,
        req_per_s: completed as f64 / seconds,
        latency: Summary::of(&all),
        endpoints,
        errors: log.errors,
        connections_opened: log.connections,
        retries: log.retries,
        server,
        snapshot,
        curve: latency::curve(&all),
        samples: samples
            .iter()
            .map(|&(at_s, r)| ProcSample {
                at_s,
                threads: r.threads,
                rss_mib: r.rss_bytes.map(|b| b as f64 / MIB),
                cpu_s: r.cpu.map(|c| c.as_secs_f64()),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::process::Command;
    use std::sync::Mutex;
    use std::sync::atomic::AtomicUsize;

    use clap::Parser as _;
    use clap::error::ErrorKind;

    use super::fake::{FakeServer, ok};
    use super::server::STARTUP_TIMEOUT;
    use super::*;
    use crate::{Cli, Command as BenchCommand};

    fn parse(args: &[&str]) -> Result<LoadArgs, clap::Error> {
        let argv = ["betapool-bench", "load"].iter().chain(args);
        match Cli::try_parse_from(argv)?.command {
            BenchCommand::Load(a) => Ok(a),
            other => panic!("parsed as {other:?}"),
        }
    }

    /// A directory of its own under the system's temporary directory, empty.
    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("betapool-load-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn flags_have_defaults() {
        let a = parse(&["--server", "s"]).unwrap();
        assert_eq!(a.server, PathBuf::from("s"));
        assert_eq!(
            (a.seconds, a.warmup_s, a.connections, a.seed),
            (10.0, 2.0, 64, 42)
        );
        assert_eq!(a.out, PathBuf::from("target/load"));
        assert!(a.configs.is_none() && a.config.is_empty());
        let a = parse(&[
            "--server",
            "s",
            "--seconds",
            "0.5",
            "--warmup-s",
            "0",
            "--connections",
            "3",
            "--config",
            "a=x.toml",
            "--config",
            "b.2=y.toml",
            "--out",
            "o",
            "--seed",
            "7",
        ])
        .unwrap();
        assert_eq!(
            (a.seconds, a.warmup_s, a.connections, a.seed),
            (0.5, 0.0, 3, 7)
        );
        assert_eq!(
            a.config[1],
            ConfigEntry {
                name: "b.2".into(),
                path: "y.toml".into()
            }
        );
    }

    #[test]
    fn bad_flags_are_rejected_naming_the_flag() {
        let cases: &[(&[&str], &str, &str)] = &[
            (
                &["--seconds", "0"],
                "--seconds",
                "must be a positive number",
            ),
            (
                &["--seconds", "-1"],
                "--seconds",
                "must be a positive number",
            ),
            (
                &["--seconds", "abc"],
                "--seconds",
                "is not a number of seconds",
            ),
            (
                &["--seconds", "nan"],
                "--seconds",
                "is not a number of seconds",
            ),
            (&["--seconds", "601"], "--seconds", "at most 600"),
            (&["--warmup-s", "-0.5"], "--warmup-s", "zero or a positive"),
            (&["--connections", "0"], "--connections", "from 1 to 512"),
            (&["--connections", "513"], "--connections", "from 1 to 512"),
            (&["--repeats", "0"], "--repeats", "from 1 to 50"),
            (&["--repeats", "two"], "--repeats", "not a whole number"),
            (&["--config", "noequals"], "--config", "is not NAME=PATH"),
            (&["--config", "=x.toml"], "--config", "the name ``"),
            (&["--config", "a/b=x.toml"], "--config", "letters, digits"),
            (&["--config", "a="], "--config", "no path"),
            (&["--seed", "x"], "--seed", ""),
        ];
        for (args, flag, message) in cases {
            let argv: Vec<&str> = ["--server", "s"].iter().chain(*args).copied().collect();
            let err = parse(&argv).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::ValueValidation, "{args:?}: {err}");
            let text = err.to_string();
            assert!(
                text.contains(flag) && text.contains(message),
                "{args:?}: {text}"
            );
        }
        assert!(parse(&[]).is_err(), "--server is required");
        let err = parse(&["--server", "s", "--configs", "d", "--config", "a=b"]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ArgumentConflict);
    }

    #[test]
    fn configs_resolve_in_order() {
        let dir = temp_dir("configs");
        for name in ["zeta", "named-adaptive", "alpha", "shared-static"] {
            fs::write(dir.join(format!("{name}.toml")), "").unwrap();
        }
        fs::write(dir.join("notes.md"), "").unwrap();
        let dir_s = dir.display().to_string();
        let names = |args: &[&str]| -> Result<Vec<String>> {
            let argv: Vec<&str> = ["--server", "s"].iter().chain(args).copied().collect();
            Ok(resolve_configs(&parse(&argv).unwrap())?
                .into_iter()
                .map(|c| c.name)
                .collect())
        };
        assert_eq!(
            names(&["--configs", &dir_s]).unwrap(),
            ["shared-static", "named-adaptive", "alpha", "zeta"]
        );
        let zeta = format!("z={}/zeta.toml", dir_s);
        let alpha = format!("a={}/alpha.toml", dir_s);
        assert_eq!(
            names(&["--config", &zeta, "--config", &alpha]).unwrap(),
            ["z", "a"]
        );
        let err = names(&["--config", &zeta, "--config", &zeta]).unwrap_err();
        assert!(err.to_string().contains("given twice"), "{err}");
        let err = names(&["--config", "m=/nonexistent.toml"]).unwrap_err();
        assert!(
            err.to_string()
                .contains("--config m=/nonexistent.toml: no such file")
        );
        let empty = temp_dir("configs-empty");
        let err = names(&["--configs", &empty.display().to_string()]).unwrap_err();
        assert!(err.to_string().contains("no .toml file"), "{err}");
        let err = names(&["--configs", "/nonexistent-dir"]).unwrap_err();
        assert!(
            err.to_string().contains("cannot read the directory"),
            "{err}"
        );
        let _ = fs::remove_dir_all(dir);
        let _ = fs::remove_dir_all(empty);
    }

    #[test]
    fn a_missing_server_binary_is_named() {
        let a = parse(&["--server", "/nonexistent/inference-server"]).unwrap();
        let err = run(&a).unwrap_err().to_string();
        assert!(
            err.contains("--server /nonexistent/inference-server: no such file"),
            "{err}"
        );
    }

    fn window_at(start: Instant, seconds: u64) -> Window {
        Window {
            start,
            end: start + Duration::from_secs(seconds),
        }
    }

    #[test]
    fn outcomes_are_recorded_by_phase() {
        let t0 = Instant::now();
        let window = window_at(t0 + Duration::from_secs(1), 10);
        let at = |ms| t0 + Duration::from_millis(ms);
        let ok = || -> io::Result<Response> {
            Ok(Response {
                status: 200,
                body: Vec::new(),
            })
        };
        let status = |s| -> io::Result<Response> {
            Ok(Response {
                status: s,
                body: Vec::new(),
            })
        };
        let refused = || -> io::Result<Response> {
            Err(io::Error::new(io::ErrorKind::ConnectionRefused, "refused"))
        };
        let mut log = ClientLog::default();
        log.record(Endpoint::Embed, &ok(), at(0), at(5), window); // warm-up
        log.record(Endpoint::Embed, &status(503), at(10), at(12), window); // warm-up error
        log.record(Endpoint::Generate, &ok(), at(1000), at(1030), window);
        log.record(Endpoint::Embed, &status(500), at(1100), at(1101), window);
        log.record(Endpoint::Embed, &status(500), at(1200), at(1201), window);
        log.record(Endpoint::Documents, &refused(), at(1300), at(1300), window);
        // Sent before the end, answered after it.
        log.record(Endpoint::Generate, &ok(), at(10_990), at(11_020), window);
        assert_eq!(log.answers.len(), 2);
        assert_eq!(log.answers[0].latency_us, 30_000);
        assert!(log.answers[0].in_window && !log.answers[1].in_window);
        assert_eq!(log.errors.total, 3);
        assert_eq!(log.errors.warmup, 1);
        assert_eq!(log.errors.by_status, BTreeMap::from([(500, 2)]));
        assert_eq!(
            log.errors.by_io_kind,
            BTreeMap::from([("refused".into(), 1)])
        );
        assert_eq!(log.errors.first_io_error.as_deref(), Some("refused"));

        let merged = ClientLog::merge(vec![
            log,
            ClientLog {
                connections: 2,
                ..ClientLog::default()
            },
        ]);
        assert_eq!(
            (
                merged.answers.len(),
                merged.errors.total,
                merged.connections
            ),
            (2, 3, 2)
        );
    }

    #[test]
    fn summary_counts_the_window_and_the_server() {
        let t0 = Instant::now();
        let window = window_at(t0, 2);
        let mut log = ClientLog::default();
        for i in 0..100u64 {
            let sent = t0 + Duration::from_millis(i * 20);
            let endpoint = if i % 2 == 0 {
                Endpoint::Generate
            } else {
                Endpoint::Embed
            };
            log.record(
                endpoint,
                &Ok(Response {
                    status: 200,
                    body: Vec::new(),
                }),
                sent,
                sent + Duration::from_millis(i + 1),
                window,
            );
        }
        let reading = |threads, rss_mib: u64, cpu_ms| proc::Reading {
            threads: Some(threads),
            rss_bytes: Some(rss_mib << 20),
            cpu: Some(Duration::from_millis(cpu_ms)),
        };
        let samples = [
            (0.0, reading(10, 5, 1000)),
            (1.0, reading(30, 9, 1500)),
            (2.0, reading(20, 7, 2000)),
        ];
        let config = ConfigEntry {
            name: "c".into(),
            path: "c.toml".into(),
        };
        let r = summarize(
            &config,
            "127.0.0.1:9".parse().unwrap(),
            log,
            &samples,
            Snapshot::default(),
            2.0,
        );
        assert_eq!(r.requests, 100);
        // Request 99 is sent at 1.98 s and answered 100 ms later, after the window.
        let late = (0..100u64).filter(|i| i * 20 + i + 1 > 2000).count();
        assert_eq!(r.completed_in_window, 100 - late);
        assert_eq!(r.req_per_s, (100 - late) as f64 / 2.0);
        assert_eq!(r.latency.max_ms, Some(100.0));
        assert_eq!(r.endpoints[0].latency.requests, 50);
        assert_eq!(r.endpoints[0].latency.max_ms, Some(99.0));
        assert_eq!(r.endpoints[2].latency.requests, 0);
        assert_eq!(r.server.peak_threads, Some(30));
        assert_eq!(r.server.mean_threads, Some(20.0));
        assert_eq!(r.server.cpu_s, Some(1.0));
        assert_eq!(
            r.server.cpu_ms_per_request,
            Some(1000.0 / r.completed_in_window as f64)
        );
        assert_eq!(r.server.peak_rss_mib, Some(9.0));
        assert_eq!(r.samples.len(), 3);
        assert!(!r.curve.is_empty());
    }

    /// A fake service: the endpoints of the real one, answered at once (generate after a
    /// millisecond), with `embed_status` for embed.
    fn fake_service(embed_status: u16) -> FakeServer {
        FakeServer::start(move |req| match req.path.as_str() {
            "/v1/generate" => {
                thread::sleep(Duration::from_millis(1));
                ok(r#"{"text":"hi"}"#)
            }
            "/v1/embed" if embed_status != 200 => {
                format!("HTTP/1.1 {embed_status} Oops\r\nContent-Length: 4\r\n\r\noops")
            }
            "/v1/embed" => ok("[0.5]"),
            "/health" => ok("ok"),
            "/stats" => ok(r#"{"totals":{"live_threads":3},"pools":{}}"#),
            "/metrics" => ok("betapool_live_threads 3\n"),
            p if p.starts_with("/v1/documents/") => ok("doc"),
            _ => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".into(),
        })
    }

    /// A "server" process that says it listens at `addr` (where a fake service really does)
    /// and then sleeps, so the guard has a process to sample and kill.
    fn pretend(addr: SocketAddr, pids: &Mutex<Vec<u32>>) -> Result<Server> {
        let mut cmd = Command::new("sh");
        cmd.args([
            "-c",
            &format!("echo listening on http://{addr}; exec sleep 60"),
        ]);
        let server = Server::start(cmd, STARTUP_TIMEOUT)?;
        pids.lock().unwrap().push(server.pid());
        Ok(server)
    }

    fn args(out: &Path) -> LoadArgs {
        LoadArgs {
            server: PathBuf::from("fake"),
            configs: None,
            config: Vec::new(),
            seconds: 0.4,
            warmup_s: 0.0,
            connections: 3,
            repeats: 1,
            seed: 42,
            out: out.to_path_buf(),
        }
    }

    fn entry(name: &str) -> ConfigEntry {
        ConfigEntry {
            name: name.into(),
            path: format!("{name}.toml"),
        }
    }

    #[test]
    fn load_runs_each_config_against_a_fake_service() {
        let out = temp_dir("e2e");
        let good = fake_service(200);
        let failing = fake_service(500);
        let pids = Mutex::new(Vec::new());
        let started = AtomicUsize::new(0);
        let configs = [entry("shared-static"), entry("named-adaptive")];
        run_with(&args(&out), &configs, &|c| {
            started.fetch_add(1, Ordering::SeqCst);
            let addr = if c.name == "shared-static" {
                failing.addr
            } else {
                good.addr
            };
            pretend(addr, &pids)
        })
        .unwrap();
        assert_eq!(started.load(Ordering::SeqCst), 2);
        for pid in pids.lock().unwrap().iter() {
            assert!(
                !Path::new(&format!("/proc/{pid}")).exists(),
                "server {pid} outlived the run"
            );
        }

        let json: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(out.join(JSON_FILE)).unwrap()).unwrap();
        let results = json["results"].as_array().unwrap();
        assert_eq!(results.len(), 2);
        assert_eq!(results[0]["name"], "shared-static");
        // Every embed request got a 500, counted as an error and never as a latency.
        let embeds = failing
            .requests()
            .iter()
            .filter(|r| r.path == "/v1/embed")
            .count() as u64;
        assert!(embeds > 0);
        assert_eq!(results[0]["errors"]["by_status"]["500"], embeds);
        assert_eq!(results[0]["errors"]["total"], embeds);
        assert_eq!(results[0]["endpoints"][1]["latency"]["requests"], 0);
        assert!(
            results[0]["endpoints"][0]["latency"]["requests"]
                .as_u64()
                .unwrap()
                > 0
        );
        let good_result = &results[1];
        assert_eq!(good_result["errors"]["total"], 0);
        assert!(good_result["requests"].as_u64().unwrap() > 0);
        // Three clients, each on one kept-alive connection.
        assert_eq!(good_result["connections_opened"], 3);
        assert!(
            good_result["server"]["peak_threads"]
                .as_u64()
                .is_some_and(|n| n >= 1)
        );
        assert!(good_result["samples"].as_array().unwrap().len() >= 2);
        assert_eq!(json["params"]["connections"], 3);
        assert!(json["failures"].as_array().unwrap().is_empty());

        assert_eq!(
            fs::read_to_string(out.join("named-adaptive.stats.json")).unwrap(),
            r#"{"totals":{"live_threads":3},"pools":{}}"#
        );
        assert_eq!(
            fs::read_to_string(out.join("named-adaptive.metrics.txt")).unwrap(),
            "betapool_live_threads 3\n"
        );
        let md = fs::read_to_string(out.join(MD_FILE)).unwrap();
        assert!(
            md.contains("| shared-static ") && md.contains("| named-adaptive "),
            "{md}"
        );
        assert!(md.contains("named-adaptive vs shared-static"), "{md}");
        let svg = fs::read_to_string(out.join(SVG_FILE)).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("named-adaptive"));
        let _ = fs::remove_dir_all(out);
    }

    #[test]
    fn a_failing_config_is_reported_and_the_others_still_run() {
        let out = temp_dir("failing");
        let good = fake_service(200);
        let pids = Mutex::new(Vec::new());
        let configs = [entry("broken"), entry("fine")];
        let err = run_with(&args(&out), &configs, &|c| {
            if c.name == "broken" {
                let mut cmd = Command::new("sh");
                cmd.args(["-c", "echo 'broken.toml:1:1: expected a table' >&2; exit 2"]);
                Server::start(cmd, STARTUP_TIMEOUT)
            } else {
                pretend(good.addr, &pids)
            }
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains("1 of 2 run(s) failed: broken"), "{err}");
        let json: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(out.join(JSON_FILE)).unwrap()).unwrap();
        assert_eq!(json["results"][0]["name"], "fine");
        assert_eq!(json["failures"][0]["name"], "broken");
        let why = json["failures"][0]["error"].as_str().unwrap();
        assert!(why.contains("broken.toml:1:1: expected a table"), "{why}");
        let _ = fs::remove_dir_all(out);
    }

    #[test]
    fn a_server_that_dies_during_the_load_fails_its_config() {
        let out = temp_dir("dies");
        // It says it listens where a fake service answers, and exits while the load runs:
        // the answers still come, but the run fails because the server process is gone.
        let fake = fake_service(200);
        let addr = fake.addr;
        let err = run_with(&args(&out), &[entry("dies")], &|_| {
            let mut cmd = Command::new("sh");
            cmd.args([
                "-c",
                &format!(
                    "echo listening on http://{addr}; sleep 0.1; echo 'out of memory' >&2; exit 137"
                ),
            ]);
            Server::start(cmd, STARTUP_TIMEOUT)
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains("failed: dies"), "{err}");
        let json: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(out.join(JSON_FILE)).unwrap()).unwrap();
        let why = json["failures"][0]["error"].as_str().unwrap();
        assert!(
            why.contains("exited during the load") && why.contains("out of memory"),
            "{why}"
        );
        let _ = fs::remove_dir_all(out);
    }

    #[test]
    fn a_connection_not_answered_before_the_load_fails_its_config() {
        let out = temp_dir("ramp");
        // No `/health`: the first answer of connection 0 is a 404, so the load never starts.
        let no_health =
            FakeServer::start(|_| ok("nothing here").replace("200 OK", "404 Not Found"));
        let pids = Mutex::new(Vec::new());
        let err = run_with(&args(&out), &[entry("ramp")], &|_| {
            pretend(no_health.addr, &pids)
        })
        .unwrap_err()
        .to_string();
        assert!(err.contains("failed: ramp"), "{err}");
        let json: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(out.join(JSON_FILE)).unwrap()).unwrap();
        let why = json["failures"][0]["error"].as_str().unwrap();
        assert!(
            why.contains("connection 0: GET /health: status 404"),
            "{why}"
        );
        let _ = fs::remove_dir_all(out);
    }
}
