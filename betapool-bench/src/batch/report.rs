//! The batching section's report: medians with min–max per rate, the oracle's best fixed
//! setting, a verdict on each target, and a chart of P99 against the offered rate.

use std::fmt::Write as _;

use betapool_harness::svg::{Chart, Series, line_chart};

use super::model::Cost;
use super::scenarios::{KNEE_RATES, OVERLOAD_RATE, RATES, Row, TARGET};
use crate::runner::report::Stat;

/// A figure's median with its min–max, to `digits` decimals ("–" when there is none).
fn show(s: &Stat, digits: usize) -> String {
    if s.median.is_nan() {
        return "–".to_owned();
    }
    if (s.max - s.min).abs() < f64::EPSILON {
        return format!("{:.*}", digits, s.median);
    }
    format!(
        "{:.*} ({:.*}–{:.*})",
        digits, s.median, digits, s.min, digits, s.max
    )
}

/// The runs of one scenario, setting and rate.
fn runs<'a>(rows: &'a [Row], scenario: &str, setting: &str, rate: f64) -> Vec<&'a Row> {
    rows.iter()
        .filter(|r| r.scenario == scenario && r.setting == setting && r.rate == rate)
        .collect()
}

fn p99(runs: &[&Row]) -> Stat {
    Stat::of(runs.iter().map(|r| r.outcome.p99_ms))
}

fn served(runs: &[&Row]) -> Stat {
    Stat::of(
        runs.iter()
            .map(|r| r.outcome.throughput_per_s / r.outcome.offered_per_s),
    )
}

/// Keeps up: serves ≥ 98 % of what is offered and refuses nothing.
fn keeps_up(runs: &[&Row]) -> bool {
    served(runs).median >= 0.98
        && runs
            .iter()
            .all(|r| r.outcome.refused_full + r.outcome.refused_deadline + r.outcome.lost == 0)
}

/// The median share of measured requests refused (queue full or predicted to miss the target).
fn refused_share(runs: &[&Row]) -> f64 {
    Stat::of(runs.iter().map(|r| {
        (r.outcome.refused_full + r.outcome.refused_deadline) as f64
            / r.outcome.measured.max(1) as f64
    }))
    .median
}

/// The fixed setting with the lowest median P99 among those that keep up at `rate`.
fn oracle_best<'a>(rows: &'a [Row], scenario: &str, rate: f64) -> Option<(String, Vec<&'a Row>)> {
    let mut labels: Vec<&str> = rows
        .iter()
        .filter(|r| r.scenario == scenario && r.rate == rate && r.setting != "adaptive")
        .map(|r| r.setting.as_str())
        .collect();
    labels.sort_unstable();
    labels.dedup();
    labels
        .into_iter()
        .map(|l| (l.to_owned(), runs(rows, scenario, l, rate)))
        .filter(|(_, r)| keeps_up(r))
        .min_by(|a, b| p99(&a.1).median.total_cmp(&p99(&b.1).median))
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

/// The Markdown section and the SVG chart.
pub(crate) fn render(rows: &[Row], overhead_us: &[f64], repeats: usize) -> (String, String) {
    let mut md = String::new();
    let target_ms = TARGET.as_secs_f64() * 1e3;
    let _ = writeln!(
        md,
        "## Batching (`betapool-batch`)\n\nA synthetic model whose batch of b spins 5 ms + 0.2 ms·b of CPU on one batch \
         worker; Poisson arrivals, open loop; the default policy untuned (P99 target {target_ms:.0} ms); \
         the seed's setting (32, 50 ms); an oracle sweep of fixed (size, delay) settings, each in a \
         fresh runtime (an oracle setting whose batch size cannot serve the rate, b / (a + c·b) \
         requests/s below it, is not run there). Medians of {repeats} repeat(s), min–max in brackets; the first 10 % of each \
         run's requests are left out (every policy's warm-up).\n"
    );
    let mut targets = Vec::new();
    let _ = writeln!(
        md,
        "| rate /s | default P99 ms | default served | oracle best | oracle P99 ms | default ÷ oracle | seed P99 ms | seed served |\n|---|---|---|---|---|---|---|---|"
    );
    let mut chart = vec![
        Series {
            name: "default".into(),
            points: vec![],
        },
        Series {
            name: "seed (32, 50 ms)".into(),
            points: vec![],
        },
        Series {
            name: "oracle best".into(),
            points: vec![],
        },
    ];
    for &rate in &RATES {
        let ours = runs(rows, "sweep", "adaptive", rate);
        let seed = runs(rows, "sweep", "seed (32, 50 ms)", rate);
        let best = oracle_best(rows, "sweep", rate);
        let (best_label, best_p99) = match &best {
            Some((l, r)) => (l.clone(), p99(r)),
            None => ("none keeps up".to_owned(), Stat::of([])),
        };
        let ratio = p99(&ours).median / best_p99.median;
        let _ = writeln!(
            md,
            "| {rate:.0} | {} | {} | {best_label} | {} | {:.2} | {} | {} |",
            show(&p99(&ours), 1),
            show(&served(&ours), 3),
            show(&best_p99, 1),
            ratio,
            show(&p99(&seed), 1),
            show(&served(&seed), 3),
        );
        chart[0].points.push((rate, p99(&ours).median));
        chart[1]
            .points
            .push((rate, p99(&seed).median.min(10.0 * target_ms)));
        chart[2].points.push((rate, best_p99.median));
        if best_p99.median <= target_ms {
            let refused = refused_share(&ours);
            targets.push(format!(
                "{rate:.0}/s: default P99 ≤ 1.1 × oracle ({ratio:.2}): {}; served ≥ 0.98 ({:.3}, {:.2} % refused): {}",
                verdict(ratio <= 1.1),
                served(&ours).median,
                refused * 100.0,
                verdict(served(&ours).median >= 0.98),
            ));
        }
    }
    let low = RATES[0];
    let (ours_low, seed_low) = (
        p99(&runs(rows, "sweep", "adaptive", low)).median,
        p99(&runs(rows, "sweep", "seed (32, 50 ms)", low)).median,
    );
    targets.push(format!(
        "{low:.0}/s: the seed's P99 ÷ the default's = {:.1} (≥ 5): {}",
        seed_low / ours_low,
        verdict(seed_low / ours_low >= 5.0)
    ));
    let at = 3_000.0;
    let ours_3k = runs(rows, "sweep", "adaptive", at);
    let seed_3k = runs(rows, "sweep", "seed (32, 50 ms)", at);
    targets.push(format!(
        "{at:.0}/s: the default keeps up within the target (P99 {:.1} ms): {}; the seed's setting keeps up: {}",
        p99(&ours_3k).median,
        verdict(keeps_up(&ours_3k) && p99(&ours_3k).median <= target_ms),
        if keeps_up(&seed_3k) { "yes" } else { "no (diverges)" },
    ));

    // Overload.
    let over: Vec<&Row> = rows.iter().filter(|r| r.scenario == "overload").collect();
    let capacity = Cost::LINEAR.capacity_at(Cost::LINEAR.largest_within(TARGET / 2));
    let goodput = Stat::of(over.iter().map(|r| r.outcome.throughput_per_s));
    let over_p99 = p99(&over);
    let refusal = Stat::of(over.iter().map(|r| r.outcome.refusal_p99_us));
    let rss_growth = Stat::of(
        over.iter()
            .filter_map(|r| Some(r.rss_after_mib? - r.rss_before_mib?)),
    );
    let refused = Stat::of(over.iter().map(|r| {
        (r.outcome.refused_full + r.outcome.refused_deadline) as f64 / r.outcome.measured as f64
    }));
    let _ = writeln!(
        md,
        "\n**Overload** at {OVERLOAD_RATE:.0}/s (capacity within the target: batches of at most {} take ≤ 25 ms, \
         {capacity:.0}/s): goodput {} /s ({:.2} × capacity), P99 of accepted requests {} ms, {} of \
         requests refused, refusals returned in {} µs (P99), RSS growth over the run {} MiB.",
        Cost::LINEAR.largest_within(TARGET / 2),
        show(&goodput, 0),
        goodput.median / capacity,
        show(&over_p99, 1),
        show(&refused, 2),
        show(&refusal, 1),
        show(&rss_growth, 1),
    );
    targets.push(format!(
        "overload: goodput ≥ 0.9 × capacity ({:.2}): {}; accepted P99 ≤ {target_ms:.0} ms ({:.1}): {}; refusals < 100 µs ({:.1} µs): {}",
        goodput.median / capacity,
        verdict(goodput.median >= 0.9 * capacity),
        over_p99.median,
        verdict(over_p99.median <= target_ms),
        refusal.median,
        verdict(refusal.max < 100.0),
    ));

    // Dropped futures.
    let dropped: Vec<&Row> = rows.iter().filter(|r| r.scenario == "dropped").collect();
    let exact = dropped.iter().all(|r| {
        r.outcome.model_saw + r.outcome.cancelled == r.outcome.accepted_all && r.outcome.lost == 0
    });
    if let Some(r) = dropped.first() {
        let o = &r.outcome;
        let _ = writeln!(
            md,
            "\n**Dropped futures** at {:.0}/s: {} of {} accepted requests' futures dropped right after \
             submission; {} cancelled before a batch took them, the model ran {} requests \
             (= accepted − cancelled: {}), {} requests never answered.",
            r.rate,
            o.dropped,
            o.accepted_all,
            o.cancelled,
            o.model_saw,
            if o.model_saw + o.cancelled == o.accepted_all {
                "yes"
            } else {
                "NO"
            },
            o.lost
        );
    }
    targets.push(format!(
        "dropped futures: the model sees exactly the requests not cancelled, nothing hangs: {}",
        verdict(exact && !dropped.is_empty())
    ));

    // Curved cost.
    let _ = writeln!(
        md,
        "\n**Curved cost** (c doubles above b = 32):\n\n| rate /s | default P99 ms | oracle best | oracle P99 ms | default ÷ oracle |\n|---|---|---|---|---|"
    );
    for &rate in &KNEE_RATES {
        let ours = runs(rows, "knee", "adaptive", rate);
        let best = oracle_best(rows, "knee", rate);
        let (label, bp) = match &best {
            Some((l, r)) => (l.clone(), p99(r)),
            None => ("none keeps up".to_owned(), Stat::of([])),
        };
        let ratio = p99(&ours).median / bp.median;
        let _ = writeln!(
            md,
            "| {rate:.0} | {} | {label} | {} | {ratio:.2} |",
            show(&p99(&ours), 1),
            show(&bp, 1)
        );
        targets.push(format!(
            "curved cost at {rate:.0}/s: within 10 % of the oracle ({ratio:.2}): {}",
            verdict(ratio <= 1.1 && keeps_up(&ours))
        ));
    }

    // Overhead.
    let oh = Stat::of(overhead_us.iter().copied());
    let _ = writeln!(
        md,
        "\n**Overhead** with a model that does nothing (requests submitted from one thread, then awaited): {} µs per request.",
        show(&oh, 2)
    );
    targets.push(format!(
        "overhead ≤ 5 µs per request ({:.2}): {}",
        oh.median,
        verdict(oh.median <= 5.0)
    ));

    let _ = writeln!(md, "\nTargets:\n");
    for t in &targets {
        let _ = writeln!(md, "- {t}");
    }
    let svg = line_chart(
        &Chart {
            title: "Batching: P99 latency against the offered rate (a = 5 ms, c = 0.2 ms)".into(),
            x_label: "requests per second".into(),
            y_label: "P99 latency, ms".into(),
            x_log2: true,
        },
        &chart,
        &[],
    );
    (md, svg)
}
