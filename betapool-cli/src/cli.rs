//! The command line: clap types for every subcommand, and the value parsers that reject bad
//! flags with the flag named.
//!
//! Every setting is optional here, even those a run needs: a missing one may come from the
//! `--config` file, and `config.rs` decides (flag, then file, then default) and reports what is
//! still missing.

use std::path::PathBuf;
use std::str::FromStr;

use betapool_workloads::{ArrivalSpec, Workload};
use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand};

use crate::settings::{check_scale, check_size, check_size_count, check_tasks, check_time_cap};

/// Run and compare betapool thread pools on the benchmark's workloads.
#[derive(Debug, Parser)]
#[command(name = "betapool", version, about, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run one pool on one workload and print what it measured.
    ///
    /// Prints throughput, latency (submit to done), peak threads and CPU time, and the
    /// throughput of each phase when the workload has several.
    Run(RunArgs),
    /// Sweep static pool sizes on one workload, plus any other pools, as a table and a chart.
    ///
    /// Runs one static pool per size, one after another in this process, then each pool given
    /// with `--pools`; prints a table and writes an SVG chart of throughput against pool size.
    Compare(CompareArgs),
    /// The tour: three workloads on static pools of 2 to 512 threads and the adaptive pool, in
    /// about a minute.
    ///
    /// Shows that the best static pool size depends on the workload: prints a table per
    /// workload and writes one SVG chart of throughput as a percentage of each workload's best.
    Demo(DemoArgs),
    /// Start the named pools of a group file and serve their stats over HTTP.
    ///
    /// Endpoints: GET /stats (JSON), GET /metrics (Prometheus text), POST /log-status (logs
    /// and returns the status table). Runs until interrupted, or for --seconds.
    Serve(ServeArgs),
}

/// Flags of `betapool serve`.
#[derive(Debug, Clone, Args)]
pub(crate) struct ServeArgs {
    /// The pool-group file: `[pools.<name>]` tables and `max_total_threads` (see
    /// betapool-group/examples/pools.toml).
    #[arg(long, value_name = "PATH")]
    pub(crate) config: PathBuf,

    /// Address to listen on; port 0 picks a free one [default: 127.0.0.1:9464].
    #[arg(long, value_name = "ADDR")]
    pub(crate) bind: Option<String>,

    /// Stop after this many seconds instead of running until interrupted.
    #[arg(long, value_name = "SECONDS", value_parser = parse_time_cap, allow_negative_numbers = true)]
    pub(crate) seconds: Option<f64>,
}

/// Flags every subcommand has.
#[derive(Debug, Clone, Args)]
pub(crate) struct CommonArgs {
    /// Seed of the workload's random choices; task i runs with seed ^ i [default: 42].
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub(crate) seed: Option<u64>,

    /// Print the reports as JSON on stdout instead of text.
    #[arg(long)]
    pub(crate) json: bool,

    /// Read settings from this TOML file: keys named like the long flags with `_` for `-`
    /// (`pool = "static:32"`, `time_cap_s = 10`, `sizes = [1, 2, 4]`). Flags override it;
    /// relative paths in it are relative to the current directory.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
}

/// Flags of `betapool run`.
#[derive(Debug, Clone, Args)]
pub(crate) struct RunArgs {
    /// The pool, as the harness spells it, such as `static:32` (required, here or in --config).
    #[arg(long, value_name = "SPEC")]
    pub(crate) pool: Option<String>,

    /// The named workload (required, here or in --config).
    #[arg(long, value_name = "NAME", value_parser = workload_names())]
    pub(crate) workload: Option<String>,

    /// Run this many tasks instead of the workload's own count; phases keep their proportions.
    #[arg(long, value_name = "N", value_parser = parse_tasks, allow_negative_numbers = true)]
    pub(crate) tasks: Option<usize>,

    /// Replace the workload's arrival process: `poisson:RATE` or
    /// `burst:BURST_RATE,QUIET_RATE,BURST_S,QUIET_S` (rates per second, durations in seconds).
    #[arg(long, value_name = "SPEC", value_parser = parse_arrival)]
    pub(crate) arrival: Option<ArrivalSpec>,

    /// Seconds after which the remaining tasks skip their work, so a slow pool ends [default: 60].
    #[arg(long, value_name = "SECONDS", value_parser = parse_time_cap, allow_negative_numbers = true)]
    pub(crate) time_cap_s: Option<f64>,

    #[command(flatten)]
    pub(crate) common: CommonArgs,
}

/// Flags of `betapool compare`.
#[derive(Debug, Clone, Args)]
pub(crate) struct CompareArgs {
    /// The named workload (required, here or in --config).
    #[arg(long, value_name = "NAME", value_parser = workload_names())]
    pub(crate) workload: Option<String>,

    /// Static pool sizes to sweep, comma-separated [default: 1,2,4,8,16,32,64,128,256,512].
    #[arg(long, value_name = "LIST", value_parser = parse_sizes)]
    pub(crate) sizes: Option<Sizes>,

    /// Other pools to run on the same workload (self-sizing ones), comma-separated specs;
    /// each is drawn as a horizontal line over the sweep.
    #[arg(long, value_name = "SPECS", value_delimiter = ',')]
    pub(crate) pools: Option<Vec<String>>,

    /// Run this many tasks instead of the workload's own count; phases keep their proportions.
    #[arg(long, value_name = "N", value_parser = parse_tasks, allow_negative_numbers = true)]
    pub(crate) tasks: Option<usize>,

    /// Replace the workload's arrival process: `poisson:RATE` or
    /// `burst:BURST_RATE,QUIET_RATE,BURST_S,QUIET_S`.
    #[arg(long, value_name = "SPEC", value_parser = parse_arrival)]
    pub(crate) arrival: Option<ArrivalSpec>,

    /// Seconds after which a run's remaining tasks skip their work, so the smallest pools of
    /// the sweep end [default: 10].
    #[arg(long, value_name = "SECONDS", value_parser = parse_time_cap, allow_negative_numbers = true)]
    pub(crate) time_cap_s: Option<f64>,

    /// Where to write the SVG chart [default: target/betapool/compare-WORKLOAD.svg].
    #[arg(long, value_name = "PATH")]
    pub(crate) out: Option<PathBuf>,

    #[command(flatten)]
    pub(crate) common: CommonArgs,
}

/// Flags of `betapool demo`.
#[derive(Debug, Clone, Args)]
pub(crate) struct DemoArgs {
    /// Other pools to run besides the demo's static sizes, comma-separated specs.
    #[arg(long, value_name = "SPECS", value_delimiter = ',')]
    pub(crate) pools: Option<Vec<String>>,

    /// Seconds after which a run's remaining tasks skip their work, so that no single run holds
    /// the demo up on a slow or busy machine [default: 30].
    #[arg(long, value_name = "SECONDS", value_parser = parse_time_cap, allow_negative_numbers = true)]
    pub(crate) time_cap_s: Option<f64>,

    /// Where to write the SVG chart [default: target/betapool/demo.svg].
    #[arg(long, value_name = "PATH")]
    pub(crate) out: Option<PathBuf>,

    /// Multiplies every task count of the demo (0.01 for a quick smoke run) [default: 1].
    #[arg(long, value_name = "FACTOR", hide = true, value_parser = parse_scale, allow_negative_numbers = true)]
    pub(crate) scale: Option<f64>,

    #[command(flatten)]
    pub(crate) common: CommonArgs,
}

/// A checked list of static pool sizes (a newtype, so that clap takes the whole list as one
/// value rather than one value per size).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sizes(pub(crate) Vec<usize>);

/// `--workload`'s parser: the names the workloads crate knows, listed in `--help`.
fn workload_names() -> PossibleValuesParser {
    PossibleValuesParser::new(Workload::NAMES.iter().copied())
}

/// Parses `--tasks`. clap prefixes the message with the flag and the value.
fn parse_tasks(s: &str) -> Result<usize, String> {
    check_tasks(whole_number(s)?)
}

/// Parses `--sizes`: a comma-separated list of pool sizes.
fn parse_sizes(s: &str) -> Result<Sizes, String> {
    if s.trim().is_empty() {
        return Err("expected a comma-separated list of pool sizes, such as 2,8,32".to_owned());
    }
    let sizes = s
        .split(',')
        .map(|part| whole_number(part.trim()).and_then(check_size))
        .collect::<Result<Vec<usize>, String>>()?;
    check_size_count(sizes.len())?;
    Ok(Sizes(sizes))
}

/// Parses `--arrival`; the error quotes the spec and names the part at fault.
fn parse_arrival(s: &str) -> Result<ArrivalSpec, String> {
    s.parse::<ArrivalSpec>().map_err(|e| e.to_string())
}

/// Parses `--time-cap-s`.
fn parse_time_cap(s: &str) -> Result<f64, String> {
    let seconds = number(s)?;
    check_time_cap(seconds).map(|_| seconds)
}

/// Parses `--scale`.
fn parse_scale(s: &str) -> Result<f64, String> {
    check_scale(number(s)?)
}

/// A whole number, with a message that says what was expected.
fn whole_number<T: FromStr>(s: &str) -> Result<T, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("expected a whole number, got nothing".to_owned());
    }
    s.parse::<T>()
        .map_err(|_| format!("`{s}` is not a whole number"))
}

/// A number, with a message that says what was expected.
fn number(s: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .map_err(|_| format!("`{s}` is not a number"))
}

#[cfg(test)]
mod tests;
