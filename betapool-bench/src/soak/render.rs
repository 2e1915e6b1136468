//! The soak's text: the summary printed at the end (a table per window, then the totals and
//! the checks) and the progress line printed as each minute ends.

use std::fmt::Write as _;

use betapool_harness::table;

use super::arrivals::SECONDS_PER_MINUTE;
use super::checks::Outcome;
use super::drive::{BackToMin, RETURN_WAIT};
use super::memory::{DRIFT_MIN_MINUTES, Drift, RSS_DRIFT_LIMIT_PCT, Rest};
use super::report::Report;
use super::tasks::MIX_TOTAL;
use super::window::WindowSummary;
use crate::units::MIB;

/// One line per minute while the soak runs.
pub(crate) fn progress_line(w: &WindowSummary, load_s: f64) -> String {
    let minutes = (load_s / SECONDS_PER_MINUTE).ceil();
    format!(
        "minute {}/{minutes}: RSS at rest {} (pool at its minimum at {} of the pause's polls), \
         pool threads {}, {} direction changes, {} tasks",
        w.window.label(),
        mib(w.rest.map(|r| r.rss_bytes)),
        at_min(w.rest),
        range(w.threads_min, w.threads_max),
        w.direction_changes,
        w.tasks
    )
}

/// `11/12`: the pause's polls at which the pool was at its minimum, of all its polls.
fn at_min(rest: Option<Rest>) -> String {
    rest.map_or_else(|| "-".into(), |r| format!("{}/{}", r.polls_at_min, r.polls))
}

/// `12.34 MiB`, or `-` without a reading.
pub(crate) fn mib(bytes: Option<u64>) -> String {
    bytes.map_or_else(|| "-".into(), |b| format!("{:.2} MiB", b as f64 / MIB))
}

/// `lo–hi`, or `-` without readings.
fn range(lo: Option<usize>, hi: Option<usize>) -> String {
    match (lo, hi) {
        (Some(lo), Some(hi)) => format!("{lo}–{hi}"),
        _ => "-".into(),
    }
}

/// The human summary.
pub(crate) fn render(r: &Report) -> String {
    let c = &r.config;
    let s = &r.summary;
    let l = &c.load;
    let mut out = String::new();
    // `write!` into a `String` cannot fail.
    let _ = writeln!(
        out,
        "soak: {}, {}–{} threads, {} min of load, seed {}, {} cores",
        c.pool, c.min_threads, c.max_threads, c.minutes, c.seed, c.cores
    );
    let _ = writeln!(
        out,
        "load: Poisson {}/s + bursts of {}/s for {} s every {} s, no arrivals in the last {} s of \
         each minute; tasks {} % cpu ({} µs spin), {} % mixed ({} ms sleep + {} µs spin), {} % io \
         ({} ms sleep); 1 in {} panics",
        l.poisson_rate,
        l.burst_rate,
        l.burst_s,
        l.burst_s + l.quiet_s,
        l.pause_s,
        l.mix_cpu_mixed_io[0] * 100 / MIX_TOTAL,
        l.cpu_work_us,
        l.mix_cpu_mixed_io[1] * 100 / MIX_TOTAL,
        l.mixed_sleep_ms,
        l.mixed_work_us,
        l.mix_cpu_mixed_io[2] * 100 / MIX_TOTAL,
        l.io_sleep_ms,
        l.panic_one_in
    );
    let _ = writeln!(out);
    let rows: Vec<Vec<String>> = r
        .windows
        .iter()
        .map(|w| {
            vec![
                w.window.label(),
                mib(w.rest.map(|r| r.rss_bytes)),
                match (w.rss_min_bytes, w.rss_max_bytes) {
                    (Some(lo), Some(hi)) => {
                        format!("{:.2}–{:.2} MiB", lo as f64 / MIB, hi as f64 / MIB)
                    }
                    _ => "-".into(),
                },
                range(w.threads_min, w.threads_max),
                at_min(w.rest),
                w.process_threads_max
                    .map_or_else(|| "-".into(), |n| n.to_string()),
                format!("{}/{}", w.grows, w.shrinks),
                w.direction_changes.to_string(),
                w.tasks.to_string(),
            ]
        })
        .collect();
    out.push_str(&table::render(
        &[
            "minute",
            "RSS at rest",
            "RSS min–max",
            "pool threads",
            "at min in pause",
            "process threads max",
            "grows/shrinks",
            "direction changes",
            "tasks",
        ],
        &rows,
    ));
    let _ = writeln!(out);
    let a = &s.audit;
    let h = &s.handles;
    let _ = writeln!(
        out,
        "tasks: {} planned, {} submitted, {} ran once; lost {}, duplicated {}",
        r.plan.tasks, s.submitted, a.ran_once, a.lost, a.duplicated
    );
    let _ = writeln!(
        out,
        "panics: {} planned, {} caught ({} unexpected, {} missing); handles: {} received, {} cancelled, {} unresolved",
        r.plan.panics,
        h.planned_panics,
        h.unexpected_panics,
        h.missing_panics,
        h.received,
        h.cancelled,
        h.unresolved
    );
    match &s.drift {
        Drift::Measured {
            first_end_bytes,
            last_minute,
            last_end_bytes,
            change_pct,
        } => {
            let _ = writeln!(
                out,
                "RSS drift (lowest RSS in the pause that ends each minute): end of minute 1 {} \
                 ({first_end_bytes} B) -> end of minute {last_minute} {} ({last_end_bytes} B): \
                 {change_pct:+.2} % (limit +{RSS_DRIFT_LIMIT_PCT} %)",
                mib(Some(*first_end_bytes)),
                mib(Some(*last_end_bytes)),
            );
        }
        Drift::TooShort => {
            let _ = writeln!(
                out,
                "RSS drift: not checked (the run is shorter than {DRIFT_MIN_MINUTES} minutes)"
            );
        }
        Drift::Unmeasured => {
            let _ = writeln!(out, "RSS drift: not checked (no RSS reading)");
        }
    }
    let back = match &s.back_to_min {
        BackToMin::Returned { after_s } => format!(
            "back to {} in {after_s:.2} s after the last arrival",
            c.min_threads
        ),
        BackToMin::NotWithin { waited_s, threads } => format!(
            "NOT back to {}: still {threads} after {waited_s:.2} s",
            c.min_threads
        ),
    };
    let _ = writeln!(
        out,
        "threads: pool peak {}, process peak {}; {back} (limit {} s)",
        s.peak_pool_threads
            .map_or_else(|| "-".into(), |n| n.to_string()),
        s.peak_process_threads
            .map_or_else(|| "-".into(), |n| n.to_string()),
        RETURN_WAIT.as_secs()
    );
    let load_minutes = s.load_s / SECONDS_PER_MINUTE;
    let _ = writeln!(
        out,
        "controller: {} resizes, {} direction changes ({:.1} per minute of load), {} history gaps",
        s.resizes,
        s.direction_changes,
        s.direction_changes as f64 / load_minutes,
        s.history_gaps
    );
    if let (Some(cpu), Some(cores)) = (s.cpu_s, s.mean_cores) {
        let _ = writeln!(
            out,
            "CPU: {cpu:.1} s over {:.1} s of load ({cores:.2} cores on average)",
            s.load_s
        );
    }
    let _ = writeln!(out, "wall time: {:.1} s", s.wall_s);
    let _ = writeln!(out, "checks:");
    for check in &r.checks {
        let mark = match check.outcome {
            Outcome::Pass => "ok  ",
            Outcome::Fail => "FAIL",
            Outcome::Skip => "skip",
        };
        let _ = writeln!(out, "  {mark}  {}: {}", check.name, check.detail);
    }
    out
}
