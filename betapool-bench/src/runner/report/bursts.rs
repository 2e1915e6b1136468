//! The table per burst of workloads whose phases come after idle pauses (`recurring`): each
//! pool's throughput burst by burst beside the best warm and cold static pools, and the
//! targets' verdicts, computed from those numbers.

use std::fmt::Write as _;
use std::time::Duration;

use betapool_workloads::Workload;

use super::{Aggregate, Stat, percent};

/// The pool the verdicts judge.
const JUDGED: &str = "adaptive";

/// The share of its reference a burst must reach: within 5 % of the best static pool, the
/// margin every other row of the benchmark is held to.
const TARGET: f64 = 0.95;

/// The longest gap after which a pool is expected to be warm still. Bursts after longer gaps
/// (and the first) are judged against a pool built for them (the best cold static), since a
/// pool may rightly have retired its threads by then; a second is far below the 10 s that
/// tokio's blocking pool keeps idle threads for.
const WARM_GAP: Duration = Duration::from_secs(1);

/// The workload whose cold rows stand in for a first burst when the bursty workload has no
/// cold rows of its own: one burst of the same size.
const COLD_FALLBACK: &str = "io-burst";

/// The best static row of burst `i` among `rows`: its size and the burst's throughput.
struct Best {
    size: usize,
    throughput: Stat,
}

/// The per-burst Markdown for `workload`, or `None` when it is not a named workload whose
/// phases pause.
pub(super) fn section(workload: &str, rows: &[&Aggregate], all: &[Aggregate]) -> Option<String> {
    let pauses: Vec<Duration> = Workload::named(workload)
        .ok()?
        .phases
        .iter()
        .map(|p| p.pause)
        .collect();
    if pauses.iter().all(Duration::is_zero) {
        return None;
    }
    let bursts = rows
        .iter()
        .map(|a| a.phases.len())
        .max()
        .unwrap_or(0)
        .min(pauses.len());
    if bursts == 0 {
        return None;
    }
    let label = |i: usize| {
        if i == 0 {
            "burst 1 (first)".to_owned()
        } else {
            format!("burst {} (after {} s)", i + 1, pauses[i].as_secs_f64())
        }
    };
    let warm: Vec<Option<Best>> = (0..bursts)
        .map(|i| best(rows, i, |a| a.static_size))
        .collect();
    let cold: Vec<Option<Best>> = (0..bursts)
        .map(|i| best(rows, i, |a| a.cold_static_size))
        .collect();
    let cold_reference = cold_reference(cold.first().and_then(Option::as_ref), all);

    let mut s = String::new();
    let _ =
        writeln!(
            s,
            "### {workload}, burst by burst\n\nTasks/s of each burst, median (min–max). Each burst \
         is timed from its own first submission; the idle gaps are not counted. The best \
         static rows are chosen burst by burst (N beside the figure); a cold pool is built \
         inside the first burst's measured window and is warm for the later ones. The cold \
         reference of the `{JUDGED}` rows is {}.\n",
            cold_reference.as_ref().map_or(
                "missing (no cold static rows)".to_owned(),
                |r| format!("{}, at {:.0} tasks/s", r.1, r.0)
            )
        );
    let _ = write!(s, "| pool |");
    for i in 0..bursts {
        let _ = write!(s, " {} |", label(i));
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "|---|{}", "---:|".repeat(bursts));
    let best_row = |name: &str, bests: &[Option<Best>]| {
        let mut line = format!("| {name} |");
        for b in bests {
            match b {
                Some(b) => {
                    let _ = write!(line, " {}, N = {} |", cell(&b.throughput), b.size);
                }
                None => line.push_str(" – |"),
            }
        }
        line
    };
    let _ = writeln!(s, "{}", best_row("best warm static", &warm));
    let _ = writeln!(s, "{}", best_row("best cold static", &cold));
    for a in rows.iter().filter(|a| !a.is_static()) {
        let _ = write!(s, "| {} |", a.pool);
        for i in 0..bursts {
            let figure = a.phases.get(i).map_or("–".into(), |p| cell(&p.throughput));
            let _ = write!(s, " {figure} |");
        }
        let _ = writeln!(s);
    }
    let judged = rows.iter().find(|a| a.pool == JUDGED);
    let median = |i: usize| {
        judged
            .and_then(|a| a.phases.get(i))
            .map(|p| p.throughput.median)
    };
    if judged.is_some() {
        let _ = write!(s, "| {JUDGED} ÷ best warm |");
        for (i, w) in warm.iter().enumerate() {
            let f = median(i)
                .zip(w.as_ref())
                .map(|(m, w)| m / w.throughput.median);
            let _ = write!(s, " {} |", percent(f));
        }
        let _ = writeln!(s);
        let _ = write!(s, "| {JUDGED} ÷ cold reference |");
        for i in 0..bursts {
            let f = median(i).zip(cold_reference.as_ref()).map(|(m, r)| m / r.0);
            let _ = write!(s, " {} |", percent(f));
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(
        s,
        "\nTargets: a burst after a gap of at most {} s reaches {:.0} % of the best warm static \
         of that burst; the first burst, and one after a longer gap, {:.0} % of the cold \
         reference.\n",
        WARM_GAP.as_secs_f64(),
        TARGET * 100.0,
        TARGET * 100.0
    );
    for i in 0..bursts {
        let against_warm = i > 0 && pauses[i] <= WARM_GAP;
        let reference = if against_warm {
            warm[i].as_ref().map(|w| {
                (
                    w.throughput.median,
                    format!("the best warm static of this burst (N = {})", w.size),
                )
            })
        } else {
            cold_reference.clone()
        };
        let verdict = match (median(i), reference) {
            (None, _) => format!("not judged: no `{JUDGED}` rows"),
            (Some(_), None) => "not judged: no reference rows".to_owned(),
            (Some(m), Some((r, what))) if r > 0.0 => {
                let f = m / r;
                let outcome = if f >= TARGET { "met" } else { "MISSED" };
                format!(
                    "`{JUDGED}` {m:.0} tasks/s = {:.0} % of {what} ({r:.0} tasks/s); target \
                     ≥ {:.0} %: {outcome}",
                    f * 100.0,
                    TARGET * 100.0
                )
            }
            (Some(_), Some(_)) => "not judged: the reference did no work".to_owned(),
        };
        let _ = writeln!(s, "- {}: {verdict}", label(i));
    }
    let _ = writeln!(s);
    Some(s)
}

/// The row of `rows` whose size `size_of` gives that has the best median throughput in burst
/// `i`.
fn best(rows: &[&Aggregate], i: usize, size_of: fn(&Aggregate) -> Option<usize>) -> Option<Best> {
    rows.iter()
        .filter_map(|a| Some((size_of(a)?, a.phases.get(i)?.throughput)))
        .max_by(|a, b| a.1.median.total_cmp(&b.1.median))
        .map(|(size, throughput)| Best { size, throughput })
}

/// What a first burst is judged against: the best cold static of this workload's first burst,
/// or else the best cold static row of [`COLD_FALLBACK`]; its median tasks/s and a description.
fn cold_reference(first_burst: Option<&Best>, all: &[Aggregate]) -> Option<(f64, String)> {
    if let Some(b) = first_burst {
        return Some((
            b.throughput.median,
            format!("the best cold static of the first burst (N = {})", b.size),
        ));
    }
    all.iter()
        .filter(|a| a.workload == COLD_FALLBACK)
        .filter_map(|a| Some((a.cold_static_size?, a.throughput.median)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(size, t)| {
            (
                t,
                format!("the best cold static row of `{COLD_FALLBACK}` (N = {size})"),
            )
        })
}

/// "123 456 (120 000–125 000)": a median and its spread.
fn cell(stat: &Stat) -> String {
    format!("{:.0} ({:.0}–{:.0})", stat.median, stat.min, stat.max)
}
