//! The load's request mix and the arithmetic on its latencies: exact percentiles by sorting,
//! and the latency-by-percentile curve. Pure: no clocks, threads or I/O.

use betapool_workloads::SplitMix64;
use serde::Serialize;

/// Documents are fetched by an id drawn uniformly below this. The service treats every id
/// alike (a fixed wait), so the range only keeps the paths from being all the same.
pub(crate) const DOCUMENT_IDS: u64 = 10_000;

/// Out of every [`MIX_TOTAL`] requests, how many go to each endpoint: 50 % generate, 25 %
/// embed, 25 % documents.
const MIX: [(Endpoint, u64); 3] = [
    (Endpoint::Generate, 2),
    (Endpoint::Embed, 1),
    (Endpoint::Documents, 1),
];

/// The sum of [`MIX`]'s weights.
const MIX_TOTAL: u64 = 4;

/// Percentiles of the latency curve are this far apart, in nines: fine enough for a smooth
/// line, coarse enough that the SVG stays small.
const CURVE_STEP_NINES: f64 = 0.1;

/// The curve starts at P50.
const CURVE_FIRST_P: f64 = 0.5;

/// Microseconds per millisecond, for reporting.
const US_PER_MS: f64 = 1_000.0;

/// An endpoint of the service the load drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Endpoint {
    /// `POST /v1/generate`: the pipeline over every pool, about 30 ms, mostly waiting.
    Generate,
    /// `POST /v1/embed`: about 0.5 ms of CPU.
    Embed,
    /// `GET /v1/documents/<id>`: about 4 ms of waiting.
    Documents,
}

impl Endpoint {
    /// Every endpoint, in the order of the report's columns.
    pub(crate) const ALL: [Endpoint; 3] =
        [Endpoint::Generate, Endpoint::Embed, Endpoint::Documents];

    /// The name in reports.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Endpoint::Generate => "generate",
            Endpoint::Embed => "embed",
            Endpoint::Documents => "documents",
        }
    }
}

/// One request of the mix: which endpoint, with which method and path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Request {
    pub(crate) endpoint: Endpoint,
    /// `true` for `POST` (with an empty body), `false` for `GET`.
    pub(crate) post: bool,
    pub(crate) path: String,
}

/// The next request of a client's mix, drawn from its own generator with the weights of
/// [`MIX`].
pub(crate) fn next_request(rng: &mut SplitMix64) -> Request {
    let mut pick = rng.next_u64() % MIX_TOTAL;
    let mut endpoint = Endpoint::Documents;
    for (e, weight) in MIX {
        if pick < weight {
            endpoint = e;
            break;
        }
        pick -= weight;
    }
    match endpoint {
        Endpoint::Generate => Request {
            endpoint,
            post: true,
            path: "/v1/generate".into(),
        },
        Endpoint::Embed => Request {
            endpoint,
            post: true,
            path: "/v1/embed".into(),
        },
        Endpoint::Documents => Request {
            endpoint,
            post: false,
            path: format!("/v1/documents/{}", rng.next_u64() % DOCUMENT_IDS),
        },
    }
}

/// The seed of client `i`'s generator: the `i`-th output of a generator seeded with the run's
/// seed, so that the clients draw unrelated streams and every configuration of a run replays
/// the same ones.
pub(crate) fn client_seed(seed: u64, i: usize) -> u64 {
    let mut master = SplitMix64::new(seed);
    for _ in 0..i {
        master.next_u64();
    }
    master.next_u64()
}

/// The `p`-quantile (`0 ≤ p ≤ 1`) of `sorted` (ascending) by the nearest-rank method: the
/// smallest value with at least `p · n` values at or below it. Exact, and always one of the
/// values; `None` for no values. `p = 1` is the maximum, `p = 0` the minimum.
pub(crate) fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let rank = (p.clamp(0.0, 1.0) * n as f64).ceil() as usize;
    sorted.get(rank.clamp(1, n) - 1).copied()
}

/// How many nines a percentile has: `−log10(1 − p)`; P50 → 0.30, P90 → 1, P99 → 2.
pub(crate) fn nines(p: f64) -> f64 {
    -(1.0 - p).log10()
}

/// The latencies one would quote, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub(crate) struct Summary {
    pub(crate) requests: usize,
    pub(crate) p50_ms: Option<f64>,
    pub(crate) p90_ms: Option<f64>,
    pub(crate) p99_ms: Option<f64>,
    pub(crate) p999_ms: Option<f64>,
    pub(crate) max_ms: Option<f64>,
}

impl Summary {
    /// The summary of `sorted` latencies in microseconds (ascending).
    pub(crate) fn of(sorted: &[u64]) -> Summary {
        let ms = |p: f64| percentile(sorted, p).map(|us| us as f64 / US_PER_MS);
        Summary {
            requests: sorted.len(),
            p50_ms: ms(0.5),
            p90_ms: ms(0.9),
            p99_ms: ms(0.99),
            p999_ms: ms(0.999),
            max_ms: ms(1.0),
        }
    }
}

/// The latency-by-percentile curve of `sorted` latencies in microseconds: `(nines, ms)` points
/// from P50 every [`CURVE_STEP_NINES`], up to the last percentile with at least one latency
/// above it (so 1 000 latencies reach P99.9 and no further).
pub(crate) fn curve(sorted: &[u64]) -> Vec<(f64, f64)> {
    let n = sorted.len();
    if n == 0 {
        return Vec::new();
    }
    // A percentile p has at least one latency above it while (1 − p) · n ≥ 1, i.e. while its
    // nines are at most log10(n).
    let last = (n as f64).log10();
    let first = nines(CURVE_FIRST_P);
    let mut points = Vec::new();
    let mut step = 0u32;
    loop {
        let x = first + f64::from(step) * CURVE_STEP_NINES;
        // A little slack, so that a whole number of nines (n = 1 000 → 3) is not lost to
        // rounding in the sum above.
        if x > last + 1e-9 {
            break;
        }
        let p = 1.0 - 10f64.powf(-x);
        if let Some(us) = percentile(sorted, p) {
            points.push((x, us as f64 / US_PER_MS));
        }
        step += 1;
    }
    points
}

#[cfg(test)]
mod tests;
