//! The run counters behind the `lost` and `duplicated` checks: how often each task id ran.

use std::hint::black_box;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};

use serde::Serialize;

/// How many ids a failed `lost` or `duplicated` check quotes.
pub(crate) const EXAMPLE_IDS: usize = 5;

/// How often each task ran, by id.
#[derive(Debug)]
pub(crate) struct Ledger {
    runs: Vec<AtomicU8>,
    /// Tasks that have started, for the samples.
    pub(crate) ran: AtomicU64,
}

impl Ledger {
    pub(crate) fn new(tasks: usize) -> Ledger {
        // Every counter is written here, before the first RSS sample (`black_box` keeps the
        // writes from being folded into a zeroed allocation). Untouched pages would otherwise be
        // faulted in one by one as the ids advance, and the soak would measure its own ledger
        // growing.
        let runs = (0..tasks).map(|_| AtomicU8::new(black_box(0))).collect();
        Ledger {
            runs,
            ran: AtomicU64::new(0),
        }
    }

    /// Counts one run of task `id`, saturating so that no count wraps back to zero.
    pub(crate) fn record(&self, id: usize) {
        // Relaxed: the counts are read only after the handles have been joined, and a join
        // synchronises with the end of its task.
        if let Some(count) = self.runs.get(id) {
            let _ = count.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                Some(n.saturating_add(1))
            });
        }
        self.ran.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn audit(&self) -> Audit {
        let mut audit = Audit::default();
        for (id, count) in self.runs.iter().enumerate() {
            match count.load(Ordering::Relaxed) {
                0 => {
                    audit.lost += 1;
                    if audit.lost_ids.len() < EXAMPLE_IDS {
                        audit.lost_ids.push(id);
                    }
                }
                1 => audit.ran_once += 1,
                _ => {
                    audit.duplicated += 1;
                    if audit.duplicated_ids.len() < EXAMPLE_IDS {
                        audit.duplicated_ids.push(id);
                    }
                }
            }
        }
        audit
    }
}

/// What the run counters say at the end.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Audit {
    pub(crate) ran_once: usize,
    /// Tasks that never ran.
    pub(crate) lost: usize,
    /// Tasks that ran more than once.
    pub(crate) duplicated: usize,
    /// The first few lost ids.
    pub(crate) lost_ids: Vec<usize>,
    /// The first few duplicated ids.
    pub(crate) duplicated_ids: Vec<usize>,
}

#[cfg(test)]
mod tests;
