//! The sampler thread: reads the server's process from `/proc/<pid>` over the measurement,
//! fetches its `/stats` and `/metrics` half-way through, and saves them into `--out`.

use std::fs;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use super::client::{self, IO_TIMEOUT};
use super::proc;
use super::results::Snapshot;
use super::window::Window;

/// How often the sampler reads the server's process.
pub(crate) const SAMPLE_INTERVAL: Duration = Duration::from_millis(100);

/// How long a sleep of the sampler lasts at most, so that it sees the stop flag soon.
const STOP_POLL: Duration = Duration::from_millis(50);

/// What the sampler saw: `(seconds since the measurement started, reading)` pairs, and the
/// `/stats` and `/metrics` bodies (or why they are missing).
#[derive(Debug)]
pub(crate) struct Sampled {
    pub(crate) samples: Vec<(f64, proc::Reading)>,
    pub(crate) stats: Result<Vec<u8>, String>,
    pub(crate) metrics: Result<Vec<u8>, String>,
}

/// The sampler thread: reads the server's process at the start of the measurement, every
/// [`SAMPLE_INTERVAL`] and at its end, and fetches `/stats` and `/metrics` half-way.
pub(crate) fn sample(pid: u32, addr: SocketAddr, window: Window, stop: &AtomicBool) -> Sampled {
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
pub(crate) fn save_snapshot(
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
