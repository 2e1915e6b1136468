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
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_known_inputs_are_exact() {
        let hundred: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&hundred, 0.5), Some(50));
        assert_eq!(percentile(&hundred, 0.9), Some(90));
        assert_eq!(percentile(&hundred, 0.99), Some(99));
        assert_eq!(percentile(&hundred, 0.999), Some(100));
        assert_eq!(percentile(&hundred, 1.0), Some(100));
        assert_eq!(percentile(&hundred, 0.0), Some(1));
        let thousand: Vec<u64> = (1..=1000).collect();
        assert_eq!(percentile(&thousand, 0.999), Some(999));
        assert_eq!(percentile(&thousand, 0.5), Some(500));
        assert_eq!(percentile(&[7], 0.5), Some(7));
        assert_eq!(percentile(&[7], 0.999), Some(7));
        assert_eq!(percentile(&[], 0.5), None);
        // Repeated values: the 3rd of 4 is the P75.
        assert_eq!(percentile(&[1, 1, 5, 9], 0.75), Some(5));
        assert_eq!(percentile(&[1, 1, 5, 9], 0.76), Some(9));
    }

    #[test]
    fn summary_reports_milliseconds() {
        let us: Vec<u64> = (1..=1000).map(|i| i * 1000).collect();
        let s = Summary::of(&us);
        assert_eq!(s.requests, 1000);
        assert_eq!(s.p50_ms, Some(500.0));
        assert_eq!(s.p90_ms, Some(900.0));
        assert_eq!(s.p99_ms, Some(990.0));
        assert_eq!(s.p999_ms, Some(999.0));
        assert_eq!(s.max_ms, Some(1000.0));
        assert_eq!(Summary::of(&[]), Summary::default());
    }

    #[test]
    fn nines_match_the_usual_percentiles() {
        assert!((nines(0.5) - std::f64::consts::LOG10_2).abs() < 1e-12);
        assert!((nines(0.9) - 1.0).abs() < 1e-12);
        assert!((nines(0.99) - 2.0).abs() < 1e-12);
        assert!((nines(0.999) - 3.0).abs() < 1e-9);
    }

    #[test]
    fn curve_stops_where_the_data_does() {
        let thousand: Vec<u64> = (1..=1000).map(|i| i * 1000).collect();
        let c = curve(&thousand);
        assert!((c[0].0 - nines(0.5)).abs() < 1e-12);
        assert_eq!(c[0].1, 500.0);
        let (last_x, _) = *c.last().unwrap();
        assert!(last_x <= 3.0 + 1e-9 && last_x > 2.9, "{last_x}");
        assert!(c.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1));
        assert!(curve(&[]).is_empty());
        // One latency: only P50 has it at or above.
        assert_eq!(curve(&[3000]), Vec::<(f64, f64)>::new());
        assert_eq!(curve(&[1000, 3000]).len(), 1);
    }

    #[test]
    fn mix_follows_its_weights_and_replays() {
        let mut rng = SplitMix64::new(client_seed(42, 3));
        let mut counts = [0usize; 3];
        let n = 40_000;
        for _ in 0..n {
            let r = next_request(&mut rng);
            counts[Endpoint::ALL.iter().position(|&e| e == r.endpoint).unwrap()] += 1;
            match r.endpoint {
                Endpoint::Generate => assert_eq!((r.post, r.path.as_str()), (true, "/v1/generate")),
                Endpoint::Embed => assert_eq!((r.post, r.path.as_str()), (true, "/v1/embed")),
                Endpoint::Documents => {
                    assert!(!r.post);
                    let id: u64 = r
                        .path
                        .strip_prefix("/v1/documents/")
                        .unwrap()
                        .parse()
                        .unwrap();
                    assert!(id < DOCUMENT_IDS);
                }
            }
        }
        for ((_, weight), got) in MIX.iter().zip(counts) {
            let want = n as f64 * *weight as f64 / MIX_TOTAL as f64;
            assert!((got as f64 - want).abs() < want * 0.05, "{counts:?}");
        }
        let draw = |seed, i| {
            let mut rng = SplitMix64::new(client_seed(seed, i));
            (0..50).map(|_| next_request(&mut rng)).collect::<Vec<_>>()
        };
        assert_eq!(draw(1, 0), draw(1, 0));
        assert_ne!(draw(1, 0), draw(1, 1));
        assert_ne!(draw(1, 0), draw(2, 0));
    }
}
