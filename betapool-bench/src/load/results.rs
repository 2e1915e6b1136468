//! The results of `betapool-bench load`, as `load.json` holds them: the run's parameters,
//! each configuration's result (latencies, errors, the server's usage, its samples) and the
//! spread over its repeated runs.

use std::collections::BTreeMap;

use serde::Serialize;

use super::latency::{Endpoint, Summary};

/// The run's parameters, as given or defaulted.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Params {
    pub(crate) server: String,
    pub(crate) configs: Vec<ConfigEntry>,
    pub(crate) seconds: f64,
    pub(crate) warmup_s: f64,
    pub(crate) connections: usize,
    /// Runs per configuration, interleaved.
    pub(crate) repeats: usize,
    pub(crate) seed: u64,
    /// The request mix, in words.
    pub(crate) mix: String,
    pub(crate) io_timeout_s: f64,
    pub(crate) sample_interval_ms: u64,
    /// Cores of this machine, shared by the driver and the server.
    pub(crate) cores: usize,
}

/// A configuration of the server: a name, its TOML file and any further server flags.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ConfigEntry {
    pub(crate) name: String,
    pub(crate) path: String,
    /// Flags passed to the server after `--config PATH --bind ADDR` (e.g. `--batching off`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) args: Vec<String>,
}

/// What one configuration did under the load.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct ConfigResult {
    pub(crate) name: String,
    /// Which run of the configuration this is, from 0.
    pub(crate) repeat: usize,
    /// In `results`: the medians and min–max over the configuration's runs (this result is
    /// the run of median req/s); `None` in `runs`.
    pub(crate) spread: Option<Spread>,
    pub(crate) config: String,
    /// Where the server listened.
    pub(crate) address: String,
    /// Successful answers to requests sent during the measurement, including those sent just
    /// before its end and answered after it, so the slowest are not cut from the latencies.
    pub(crate) requests: usize,
    /// Of those, the ones answered before the measurement ended: what `req_per_s` counts.
    pub(crate) completed_in_window: usize,
    pub(crate) req_per_s: f64,
    /// Latencies of the successful answers (errors are counted apart, so a fast error cannot
    /// flatter them).
    pub(crate) latency: Summary,
    /// Per endpoint, in the order of [`Endpoint::ALL`].
    pub(crate) endpoints: Vec<EndpointResult>,
    pub(crate) errors: Errors,
    /// Connections the clients opened: the number of clients when the server keeps them all
    /// alive.
    pub(crate) connections_opened: u64,
    /// Requests sent again because a kept-alive connection had been closed by the server.
    pub(crate) retries: u64,
    pub(crate) server: ServerUsage,
    pub(crate) snapshot: Snapshot,
    /// The latency-by-percentile curve: `(nines, ms)`, as drawn in `load.svg`.
    pub(crate) curve: Vec<(f64, f64)>,
    /// The server's process, every sample.
    pub(crate) samples: Vec<ProcSample>,
}

/// A configuration's figures over its runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct Spread {
    pub(crate) runs: usize,
    pub(crate) req_per_s: Range,
    pub(crate) p99_ms: Range,
}

/// The median, smallest and largest of some runs' values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub(crate) struct Range {
    pub(crate) median: f64,
    pub(crate) min: f64,
    pub(crate) max: f64,
}

impl Range {
    /// The range of `values` (the lower middle for an even count), or `None` if there are
    /// none.
    pub(crate) fn of(mut values: Vec<f64>) -> Option<Range> {
        values.retain(|v| v.is_finite());
        values.sort_by(f64::total_cmp);
        Some(Range {
            median: *values.get((values.len().checked_sub(1)?) / 2)?,
            min: *values.first()?,
            max: *values.last()?,
        })
    }
}

/// One result per configuration (in the order of `configs`, skipping those with no
/// successful run): the run of median req/s, with the spread of all its runs.
pub(crate) fn medians(configs: &[ConfigEntry], runs: &[ConfigResult]) -> Vec<ConfigResult> {
    configs
        .iter()
        .filter_map(|c| {
            let mut mine: Vec<&ConfigResult> = runs.iter().filter(|r| r.name == c.name).collect();
            mine.sort_by(|a, b| a.req_per_s.total_cmp(&b.req_per_s));
            let middle = *mine.get(mine.len().checked_sub(1)? / 2)?;
            let spread = Spread {
                runs: mine.len(),
                req_per_s: Range::of(mine.iter().map(|r| r.req_per_s).collect())?,
                p99_ms: Range::of(mine.iter().filter_map(|r| r.latency.p99_ms).collect())
                    .unwrap_or_default(),
            };
            Some(ConfigResult {
                spread: Some(spread),
                ..middle.clone()
            })
        })
        .collect()
}

/// One endpoint's latencies.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EndpointResult {
    pub(crate) endpoint: Endpoint,
    pub(crate) latency: Summary,
}

/// Requests that got no successful answer: none is dropped silently.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Errors {
    /// Errors during the measurement: non-2xx answers and I/O errors.
    pub(crate) total: u64,
    /// Non-2xx answers by status code.
    pub(crate) by_status: BTreeMap<u16, u64>,
    /// I/O errors by kind (`timeout`, `refused`, `closed`, `protocol`, `other`).
    pub(crate) by_io_kind: BTreeMap<String, u64>,
    /// The first I/O error's message, to say what went wrong.
    pub(crate) first_io_error: Option<String>,
    /// Errors during the warm-up, counted apart.
    pub(crate) warmup: u64,
}

/// The server process during the measurement, from `/proc/<pid>`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub(crate) struct ServerUsage {
    pub(crate) peak_threads: Option<usize>,
    pub(crate) mean_threads: Option<f64>,
    /// CPU time of all its threads over the measurement.
    pub(crate) cpu_s: Option<f64>,
    /// `cpu_s` per answer completed in the window, in ms: the same number as CPU seconds per
    /// 1 000 requests.
    pub(crate) cpu_ms_per_request: Option<f64>,
    pub(crate) peak_rss_mib: Option<f64>,
}

/// One reading of the server's process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub(crate) struct ProcSample {
    /// Seconds since the measurement started.
    pub(crate) at_s: f64,
    pub(crate) threads: Option<usize>,
    pub(crate) rss_mib: Option<f64>,
    /// CPU seconds since the server started.
    pub(crate) cpu_s: Option<f64>,
}

/// The `/stats` and `/metrics` bodies saved in the middle of the measurement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Snapshot {
    pub(crate) stats_file: Option<String>,
    pub(crate) metrics_file: Option<String>,
    /// What went wrong fetching or saving them.
    pub(crate) errors: Vec<String>,
}

/// A configuration that could not be measured.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Failure {
    pub(crate) name: String,
    pub(crate) error: String,
}

/// Everything `load.json` holds.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LoadReport {
    pub(crate) params: Params,
    /// Per configuration, its run of median req/s with the spread over its runs.
    pub(crate) results: Vec<ConfigResult>,
    /// Every run, in the order they ran.
    pub(crate) runs: Vec<ConfigResult>,
    pub(crate) failures: Vec<Failure>,
}

impl ConfigResult {
    /// Median req/s over the runs (the run's own when there is no spread).
    pub(crate) fn median_req_per_s(&self) -> f64 {
        self.spread
            .as_ref()
            .map_or(self.req_per_s, |s| s.req_per_s.median)
    }

    /// Median P99 over the runs (the run's own when there is no spread), in ms.
    pub(crate) fn median_p99_ms(&self) -> Option<f64> {
        match &self.spread {
            Some(s) if s.runs > 0 && s.p99_ms.median > 0.0 => Some(s.p99_ms.median),
            _ => self.latency.p99_ms,
        }
    }

    /// P99 of one endpoint, in ms.
    pub(crate) fn endpoint_p99(&self, endpoint: Endpoint) -> Option<f64> {
        self.endpoints
            .iter()
            .find(|e| e.endpoint == endpoint)
            .and_then(|e| e.latency.p99_ms)
    }
}
