//! The batching section's scenarios: the rate sweep (the default policy, the seed's setting and
//! an oracle sweep of fixed settings), overload, dropped futures, a curved cost, and the
//! runtime's own overhead on a model that does nothing.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use betapool_batch::policy::Fixed;
use betapool_batch::{EnvOverrides, InferenceRuntime};

use super::drive::{Outcome, open_loop};
use super::model::{Cost, SpinModel};

/// The offered rates of the sweep, requests per second.
pub(crate) const RATES: [f64; 6] = [50.0, 200.0, 1_000.0, 2_000.0, 3_000.0, 3_500.0];
/// The rates of the curved-cost comparison: above 2 800/s no batch size keeps up with it.
pub(crate) const KNEE_RATES: [f64; 3] = [1_000.0, 2_000.0, 2_500.0];
/// Overload: well past what any batch size within the target can serve (4 000/s).
pub(crate) const OVERLOAD_RATE: f64 = 6_000.0;
/// The P99 target of the default policy, untouched.
pub(crate) const TARGET: Duration = Duration::from_millis(50);
/// The oracle's fixed settings: batch sizes, each with no delay (send when the worker is idle)
/// and with a 5 ms delay.
const ORACLE_SIZES: [usize; 5] = [4, 16, 32, 64, 128];
const ORACLE_DELAYS_MS: [u64; 2] = [0, 5];

/// A batching policy under test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Setting {
    /// The default policy with its defaults.
    Adaptive,
    /// A fixed size and delay (the seed's is 32, 50 ms).
    Fixed(usize, Duration),
}

impl Setting {
    pub(crate) const SEED: Setting = Setting::Fixed(32, Duration::from_millis(50));

    pub(crate) fn label(&self) -> String {
        match self {
            Setting::Adaptive => "adaptive".to_owned(),
            Setting::Fixed(32, d) if *d == Duration::from_millis(50) => {
                "seed (32, 50 ms)".to_owned()
            }
            Setting::Fixed(s, d) => format!("fixed ({s}, {} ms)", d.as_millis()),
        }
    }

    pub(crate) fn is_oracle(&self) -> bool {
        matches!(self, Setting::Fixed(..)) && *self != Setting::SEED
    }

    /// The oracle sweep.
    pub(crate) fn oracle() -> Vec<Setting> {
        ORACLE_SIZES
            .iter()
            .flat_map(|&s| {
                ORACLE_DELAYS_MS
                    .iter()
                    .map(move |&d| Setting::Fixed(s, Duration::from_millis(d)))
            })
            .collect()
    }
}

/// One measured run, as written to `batch.json`.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct Row {
    pub(crate) scenario: &'static str,
    pub(crate) setting: String,
    pub(crate) oracle: bool,
    pub(crate) rate: f64,
    pub(crate) repeat: usize,
    pub(crate) outcome: Outcome,
    /// Resident memory before and after the run (overload only).
    pub(crate) rss_before_mib: Option<f64>,
    pub(crate) rss_after_mib: Option<f64>,
}

/// A started runtime on the synthetic model, and the model's request counter.
fn runtime(
    cost: Cost,
    setting: Setting,
    iterations_per_us: f64,
    capacity: usize,
) -> (InferenceRuntime<SpinModel>, Arc<AtomicU64>) {
    let model = SpinModel::new(cost, iterations_per_us);
    let seen = model.seen.clone();
    let b = InferenceRuntime::builder(move |_| Ok(model))
        .name("bench")
        .env(EnvOverrides::default())
        .queue_capacity(capacity);
    let b = match setting {
        Setting::Adaptive => b,
        Setting::Fixed(size, delay) => b.policy(Fixed::new(size, delay).expect("size >= 1")),
    };
    let rt = b.build().expect("valid settings");
    rt.start().expect("the synthetic model loads");
    (rt, seen)
}

/// How long a run at `rate` lasts: long enough for a P99 to rest on a few requests at the
/// lowest rate, and on dozens at the others (at 2 000/s, 4 s leave 72 requests above the P99
/// of the measured 90 %), so that one preempted batch moves a P99 little.
fn duration_for(rate: f64, quick: bool) -> Duration {
    const MIN_REQUESTS: f64 = 400.0;
    const MIN_SECS: f64 = 4.0;
    let secs = (MIN_REQUESTS / rate).max(MIN_SECS);
    Duration::from_secs_f64(if quick { secs / 2.0 } else { secs })
}

/// Runs one setting at one rate in a fresh runtime and stops it.
fn one(
    scenario: &'static str,
    cost: Cost,
    setting: Setting,
    rate: f64,
    repeat: usize,
    cal: f64,
    quick: bool,
) -> Row {
    let (rt, seen) = runtime(cost, setting, cal, betapool_batch::DEFAULT_QUEUE_CAPACITY);
    // The dropped-futures scenario drops every second future right after submitting it.
    let drop_every = (scenario == "dropped").then_some(2);
    let seed = 1 + repeat as u64;
    let outcome = open_loop(
        &rt,
        &seen,
        rate,
        duration_for(rate, quick),
        seed,
        drop_every,
    );
    rt.stop(Duration::from_secs(10));
    Row {
        scenario,
        setting: setting.label(),
        oracle: setting.is_oracle(),
        rate,
        repeat,
        outcome,
        rss_before_mib: None,
        rss_after_mib: None,
    }
}

/// The rate sweep on the linear cost, or the curved one.
pub(crate) fn sweep(
    scenario: &'static str,
    cost: Cost,
    rates: &[f64],
    repeat: usize,
    cal: f64,
    quick: bool,
    progress: &mut dyn FnMut(&Row),
) -> Vec<Row> {
    let mut settings = vec![Setting::Adaptive, Setting::SEED];
    settings.extend(Setting::oracle());
    let mut rows = Vec::new();
    for &rate in rates {
        for &s in settings.iter().filter(|s| can_keep_up(cost, **s, rate)) {
            let row = one(scenario, cost, s, rate, repeat, cal, quick);
            progress(&row);
            rows.push(row);
        }
    }
    rows
}

/// Whether to run `setting` at `rate`: every setting but the oracle's always runs; an oracle
/// setting whose batch size cannot serve the rate even with the worker never idle (b requests
/// per a + c·b of model time) falls behind for the whole run, so it can never be the oracle's
/// best, and running it would only spend minutes draining its backlog.
fn can_keep_up(cost: Cost, setting: Setting, rate: f64) -> bool {
    match setting {
        Setting::Fixed(size, _) if setting.is_oracle() => cost.capacity_at(size as u64) >= rate,
        _ => true,
    }
}

/// The default policy at 6 000 requests/s: what it serves, how fast it refuses the rest, and
/// what the queue costs in memory.
pub(crate) fn overload(repeat: usize, cal: f64, quick: bool) -> Row {
    let before = rss_mib();
    let mut row = one(
        "overload",
        Cost::LINEAR,
        Setting::Adaptive,
        OVERLOAD_RATE,
        repeat,
        cal,
        quick,
    );
    row.rss_before_mib = before;
    row.rss_after_mib = rss_mib();
    row
}

/// Half the futures dropped right after submission, at a rate that keeps the worker busy (so
/// most are still queued when dropped).
pub(crate) fn dropped(repeat: usize, cal: f64, quick: bool) -> Row {
    one(
        "dropped",
        Cost::LINEAR,
        Setting::Adaptive,
        3_000.0,
        repeat,
        cal,
        quick,
    )
}

/// The runtime's own cost per request: a model that does nothing, `n` requests submitted as
/// fast as one thread can, then all awaited. Returns µs per request.
pub(crate) fn overhead(n: usize, cal: f64) -> f64 {
    let (rt, _seen) = runtime(Cost::NOTHING, Setting::Adaptive, cal, n);
    let start = Instant::now();
    let results = rt.infer_many(0..n as u32).wait();
    let took = start.elapsed();
    assert!(results.iter().all(Result::is_ok), "a no-op request failed");
    rt.stop(Duration::from_secs(10));
    took.as_secs_f64() * 1e6 / n as f64
}

fn rss_mib() -> Option<f64> {
    betapool_harness::procfs::rss_bytes().map(|b| b as f64 / (1024.0 * 1024.0))
}
