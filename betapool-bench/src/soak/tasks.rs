//! What each task of the soak does, chosen by its id: a CPU-bound calibrated spin, a mixed
//! task (a sleep, then a spin) or an I/O task (a sleep), and whether it is one of the planned
//! panics (one in [`PANIC_ONE_IN`]).
//!
//! On average the load keeps about half a core busy, so a 2-core machine is never saturated
//! for long: the soak looks for leaks and lost work, not for overload.

use std::time::Duration;

use betapool_workloads::TaskSpec;

use super::draws::{KIND_SALT, PANIC_SALT, draw};

/// CPU time of a CPU-bound task: a calibrated spin, so it costs the same however many threads
/// compete for the cores.
pub(crate) const CPU_WORK: Duration = Duration::from_micros(500);

/// A mixed task sleeps this long, then spins [`MIXED_WORK`].
pub(crate) const MIXED_SLEEP: Duration = Duration::from_millis(5);

/// The spin of a mixed task.
pub(crate) const MIXED_WORK: Duration = Duration::from_micros(100);

/// An I/O task sleeps this long: long enough that a burst needs many more threads than cores.
pub(crate) const IO_SLEEP: Duration = Duration::from_millis(10);

/// Out of every [`MIX_TOTAL`] tasks, how many are of each kind: 20 % CPU, 40 % mixed, 40 % I/O.
/// With the durations above a task costs about 140 µs of CPU on average.
pub(crate) const MIX: [(Kind, u64); 3] = [(Kind::Cpu, 2), (Kind::Mixed, 4), (Kind::Io, 4)];

/// The sum of [`MIX`]'s weights.
pub(crate) const MIX_TOTAL: u64 = 10;

/// One task in this many panics (0.1 %), chosen by its id.
pub(crate) const PANIC_ONE_IN: u64 = 1_000;

/// What a task does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A calibrated spin of [`CPU_WORK`].
    Cpu,
    /// [`MIXED_SLEEP`], then a spin of [`MIXED_WORK`].
    Mixed,
    /// A sleep of [`IO_SLEEP`].
    Io,
}

impl Kind {
    /// Every kind, in the order of [`Kind::index`].
    pub(crate) const ALL: [Kind; 3] = [Kind::Cpu, Kind::Mixed, Kind::Io];

    pub(crate) fn index(self) -> usize {
        match self {
            Kind::Cpu => 0,
            Kind::Mixed => 1,
            Kind::Io => 2,
        }
    }

    pub(crate) fn spec(self) -> TaskSpec {
        match self {
            Kind::Cpu => TaskSpec::Cpu { work: CPU_WORK },
            Kind::Mixed => TaskSpec::Mixed {
                sleep: MIXED_SLEEP,
                work: MIXED_WORK,
            },
            Kind::Io => TaskSpec::Io { sleep: IO_SLEEP },
        }
    }
}

/// The kind of task `id`, drawn with the weights of [`MIX`].
pub(crate) fn kind_of(seed: u64, id: usize) -> Kind {
    let mut pick = draw(seed, KIND_SALT, id) % MIX_TOTAL;
    for (kind, weight) in MIX {
        if pick < weight {
            return kind;
        }
        pick -= weight;
    }
    // The weights sum to `MIX_TOTAL`, so the loop has returned; I/O is the harmless default.
    Kind::Io
}

/// Whether task `id` is one of the planned panics.
pub(crate) fn planned_panic(seed: u64, id: usize) -> bool {
    draw(seed, PANIC_SALT, id).is_multiple_of(PANIC_ONE_IN)
}

/// The payload of a planned panic: the id of the task that raised it, so the reaper can tell
/// the planned panics from any other.
#[derive(Debug)]
pub(crate) struct PlannedPanic(pub(crate) usize);

/// Keeps the default panic message for every panic but the planned ones, which would
/// otherwise print a few hundred lines.
pub(crate) fn silence_planned_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !info.payload().is::<PlannedPanic>() {
            default(info);
        }
    }));
}

#[cfg(test)]
mod tests;
