//! `betapool-bench load`: drives an HTTP service (the inference server) over loopback for a
//! bounded time, one server process per configuration, and compares the configurations in
//! `load.json`, `load.md` and `load.svg`.
//!
//! - [`args`]: the flags;
//! - [`configs`]: which configurations run, in what order;
//! - [`run`](mod@run): the command: every configuration in turn, then the report and the exit code;
//! - [`measure`]: one configuration, from starting its server to its result;
//! - [`server`]: the service as a child process, killed when its guard is dropped;
//! - [`window`]: the start gate and the measurement window;
//! - [`closed_loop`]: one client thread sending its next request as soon as the previous is
//!   answered;
//! - [`client`]: a small keep-alive HTTP/1.1 client;
//! - [`latency`]: the request mix and the latency arithmetic (percentiles, curve);
//! - [`log`]: each client's answers and errors;
//! - [`sampler`]: the server's threads, CPU time and RSS over the measurement, and its
//!   `/stats` and `/metrics`;
//! - [`proc`]: readings of another process from `/proc/<pid>`;
//! - [`summarize`]: one configuration's result from its log and samples;
//! - [`results`]: what `load.json` holds;
//! - [`report`]: the table, the ratios and the chart.
//!
//! Test-only: `fake`, a fake HTTP service, and `testing`, helpers shared by the tests.

mod args;
mod client;
mod closed_loop;
mod configs;
#[cfg(test)]
mod fake;
mod latency;
mod log;
mod measure;
mod proc;
mod report;
mod results;
mod run;
mod sampler;
mod server;
mod summarize;
#[cfg(test)]
mod testing;
mod window;

pub(crate) use self::args::LoadArgs;
pub(crate) use self::run::run;
