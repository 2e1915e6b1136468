//! The soak's checks; a failed one is named in the error, and the process exits non-zero:
//! - `lost`, `duplicated`: every task id ran exactly once (a run counter per id);
//! - `handles`: every handle resolved, none was cancelled;
//! - `panics`: exactly the planned tasks panicked, each with its own payload;
//! - `rss-drift`: in runs of at least [`DRIFT_MIN_MINUTES`], the RSS at rest at the end of the
//!   last minute is less than [`RSS_DRIFT_LIMIT_PCT`] % above that at the end of minute 1
//!   (the lowest reading of each minute's pause; see [`Drift`]);
//! - `back-to-min`: the pool is back at its minimum within [`RETURN_WAIT`] of the last arrival.

use serde::Serialize;

use super::drive::{BackToMin, RETURN_WAIT};
use super::ledger::EXAMPLE_IDS;
use super::memory::{DRIFT_MIN_MINUTES, Drift, RSS_DRIFT_LIMIT_PCT};
use super::plan::Plan;
use super::reaper::HANDLE_TIMEOUT;
use super::render::mib;
use super::report::Summary;

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Outcome {
    Pass,
    Fail,
    /// Not applicable to this run (too short, or nothing to measure with).
    Skip,
}

/// One named check and what it found.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Check {
    pub(crate) name: &'static str,
    pub(crate) outcome: Outcome,
    pub(crate) detail: String,
}

impl Check {
    pub(crate) fn new(name: &'static str, passed: bool, detail: String) -> Check {
        let outcome = if passed { Outcome::Pass } else { Outcome::Fail };
        Check {
            name,
            outcome,
            detail,
        }
    }
}

/// The checks, in the order they are printed.
pub(crate) fn checks(plan: &Plan, s: &Summary, min: usize) -> Vec<Check> {
    let a = &s.audit;
    let h = &s.handles;
    let mut checks = vec![
        Check::new(
            "lost",
            a.lost == 0,
            format!(
                "{} of {} tasks never ran{}",
                a.lost,
                plan.tasks,
                example_ids(&a.lost_ids)
            ),
        ),
        Check::new(
            "duplicated",
            a.duplicated == 0,
            format!(
                "{} of {} tasks ran more than once{}",
                a.duplicated,
                plan.tasks,
                example_ids(&a.duplicated_ids)
            ),
        ),
        Check::new(
            "handles",
            h.received == plan.tasks && h.cancelled == 0 && h.unresolved == 0,
            format!(
                "{} of {} handles resolved ({} returned, {} panicked), {} cancelled, {} unresolved after {} s",
                h.received - h.unresolved,
                plan.tasks,
                h.returned + h.missing_panics,
                h.planned_panics + h.unexpected_panics,
                h.cancelled,
                h.unresolved,
                HANDLE_TIMEOUT.as_secs()
            ),
        ),
        Check::new(
            "panics",
            h.planned_panics == plan.panics && h.unexpected_panics == 0 && h.missing_panics == 0,
            format!(
                "{} planned, {} caught with their own payload, {} unexpected, {} missing",
                plan.panics, h.planned_panics, h.unexpected_panics, h.missing_panics
            ),
        ),
    ];
    checks.push(match &s.drift {
        Drift::TooShort => Check {
            name: "rss-drift",
            outcome: Outcome::Skip,
            detail: format!("the run is shorter than {DRIFT_MIN_MINUTES} minutes"),
        },
        Drift::Unmeasured => Check {
            name: "rss-drift",
            outcome: Outcome::Skip,
            detail: "no RSS reading (no /proc/self/status)".into(),
        },
        Drift::Measured {
            first_end_bytes,
            last_minute,
            last_end_bytes,
            change_pct,
        } => Check::new(
            "rss-drift",
            *change_pct < RSS_DRIFT_LIMIT_PCT,
            format!(
                "RSS at rest at the end of minute 1 {} ({first_end_bytes} B), at the end of \
                 minute {last_minute} {} ({last_end_bytes} B): {change_pct:+.1} % (limit \
                 +{RSS_DRIFT_LIMIT_PCT} %)",
                mib(Some(*first_end_bytes)),
                mib(Some(*last_end_bytes)),
            ),
        ),
    });
    checks.push(match &s.back_to_min {
        BackToMin::Returned { after_s } => Check::new(
            "back-to-min",
            true,
            format!(
                "back to {min} threads {after_s:.2} s after the last arrival (limit {} s)",
                RETURN_WAIT.as_secs()
            ),
        ),
        BackToMin::NotWithin { waited_s, threads } => Check::new(
            "back-to-min",
            false,
            format!(
                "still {threads} threads {waited_s:.2} s after the last arrival (min {min}, limit {} s)",
                RETURN_WAIT.as_secs()
            ),
        ),
    });
    checks
}

/// ` (ids 3, 17, …)`, or nothing for no ids.
fn example_ids(ids: &[usize]) -> String {
    if ids.is_empty() {
        return String::new();
    }
    let list: Vec<String> = ids.iter().map(usize::to_string).collect();
    let more = if ids.len() == EXAMPLE_IDS {
        ", …"
    } else {
        ""
    };
    format!(" (ids {}{more})", list.join(", "))
}
