//! The low-level readings the sampler turns into an `Observation`: CPU clocks, run-queue
//! delay and (with the `system-cpu` feature) whole-machine CPU use.
//!
//! Linux first: every reading works there. Elsewhere each one answers `None` instead of
//! failing, so the pool still runs, steered by
//! whatever signal remains. Costs, measured on a 2-core machine, decide where each is read
//! (ARCHITECTURE.md, "The signal").
//!
//! - [`clock`]: CPU time from `clock_gettime`. [`clock::process_cpu_time`] is the whole
//!   process's (`CLOCK_PROCESS_CPUTIME_ID`, ~400 ns; tick-granular, so judge it over
//!   windows of several milliseconds); [`clock::thread_cpu_time`] is one worker's, read
//!   from the controller thread by the worker's kernel thread id (200–400 ns).
//! - [`schedstat`]: [`schedstat::read`] gives a worker's [`schedstat::SchedStat`], its time
//!   on a CPU and its time waiting for one (`/proc/self/task/<tid>/schedstat`, ~5 µs, no
//!   heap allocation).
//! - `SystemCpu` (feature `system-cpu`): the machine's CPU utilisation from sysinfo,
//!   refreshed at most every 200 ms (sysinfo ignores faster refreshes), first reading
//!   discarded.
//!
//! Only `clock.rs` contains `unsafe` code.

pub(crate) mod clock;
pub(crate) mod schedstat;
#[cfg(feature = "system-cpu")]
mod system_cpu;
pub(crate) mod task_state;

#[cfg(feature = "system-cpu")]
pub(crate) use system_cpu::SystemCpu;
