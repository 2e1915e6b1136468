//! The whole run decided in advance from the seed: how many tasks, of which kinds, and how
//! many of them panic.

use std::time::Duration;

use betapool_workloads::WorkloadError;
use serde::Serialize;

use super::arrivals::Arrivals;
use super::tasks::{Kind, kind_of, planned_panic};

/// The whole run decided in advance: how many tasks, of which kinds, and how many panic.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Plan {
    pub(crate) tasks: usize,
    pub(crate) cpu: usize,
    pub(crate) mixed: usize,
    pub(crate) io: usize,
    pub(crate) panics: usize,
}

/// Counts the run's tasks by drawing its arrival times once (a few milliseconds per minute of
/// load), so the run counters can be allocated before the load starts.
pub(crate) fn plan(seed: u64, load: Duration) -> Result<Plan, WorkloadError> {
    let mut plan = Plan::default();
    for (id, _) in Arrivals::new(seed, load)?.enumerate() {
        plan.tasks += 1;
        match kind_of(seed, id) {
            Kind::Cpu => plan.cpu += 1,
            Kind::Mixed => plan.mixed += 1,
            Kind::Io => plan.io += 1,
        }
        if planned_panic(seed, id) {
            plan.panics += 1;
        }
    }
    Ok(plan)
}
