//! `betapool-bench soak`: the adaptive pool under minutes of mixed, bursty load, checked for
//! lost or duplicated tasks, memory growth, and a return to its minimum size afterwards.
//!
//! - [`args`]: the flags;
//! - [`draws`]: the seeded draws behind every random choice;
//! - [`arrivals`]: the timetable, a Poisson stream and a burst stream with a pause at the end
//!   of every minute;
//! - [`tasks`]: what each task does (CPU, mixed or I/O) and which ones panic;
//! - [`plan`]: the whole run counted in advance;
//! - [`drive`]: the load generator, which submits the tasks on their timetable and waits for
//!   the pool to come back to its minimum;
//! - [`ledger`]: how often each task ran;
//! - [`reaper`]: joins every handle and counts how it resolved;
//! - [`monitor`]: samples threads, RSS and the controller's resizes while the load runs;
//! - [`tally`]: the resizes counted per window;
//! - [`memory`]: each minute's RSS at rest and its drift;
//! - [`window`]: each minute's figures and those after the load;
//! - [`checks`]: the named checks the run must pass;
//! - [`report`]: what `soak.json` holds;
//! - [`render`]: the printed summary and progress lines;
//! - [`chart`]: the chart of threads and memory, `soak.svg`;
//! - [`run`](mod@run): the command from start to exit code.

mod args;
mod arrivals;
mod chart;
mod checks;
mod draws;
mod drive;
mod ledger;
mod memory;
mod monitor;
mod plan;
mod reaper;
mod render;
mod report;
mod run;
mod tally;
mod tasks;
#[cfg(test)]
mod testing;
mod window;

pub(crate) use self::args::SoakArgs;
pub(crate) use self::run::run;
