//! The command line: clap types for every subcommand, and the parsers that reject bad flags.

use std::fmt::Display;
use std::str::FromStr;

use clap::{Args, Parser, Subcommand};

/// The most tasks `demo` accepts per pool. The demo is a first look that should end in seconds;
/// at 1 ms per task even one pool of 2 threads takes under a minute at this bound.
pub(crate) const MAX_TASKS: usize = 100_000;

/// The largest pool size `demo` accepts. Past a few thousand threads a 2-core machine spends its
/// time scheduling, and a typo (an extra zero) should not ask the OS for 40 000 threads.
pub(crate) const MAX_POOL_SIZE: usize = 4_096;

/// How many sizes one `demo` run compares. The demo prints a table to read at a glance; a full
/// sweep belongs to `cargo xtask bench`.
pub(crate) const MAX_SIZES: usize = 32;

/// The longest sleep per task, in milliseconds. Longer "I/O" only makes the demo slower without
/// showing anything a 1 s sleep does not.
pub(crate) const MAX_SLEEP_MS: u64 = 1_000;

/// The longest CPU spin per task, in microseconds (0.1 s): more is a CPU benchmark, not a demo.
pub(crate) const MAX_SPIN_US: u64 = 100_000;

/// Run and compare betapool thread pools.
#[derive(Debug, Parser)]
#[command(name = "betapool", version, about, propagate_version = true)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run one workload on static pools of several sizes and compare them in a table.
    ///
    /// Each task sleeps (an I/O stand-in) and then spins the CPU for a fixed amount of work, so
    /// neither the smallest nor the largest pool is best.
    Demo(DemoArgs),
}

/// Flags of `betapool demo`. Numeric flags take negative numbers as values, so that
/// `--tasks -3` is reported as a bad `--tasks` rather than as an unknown flag `-3`.
#[derive(Debug, Clone, Args)]
pub(crate) struct DemoArgs {
    /// Tasks to run on each pool (1 to 100000).
    #[arg(
        long,
        value_name = "N",
        default_value = "4000",
        value_parser = parse_tasks,
        allow_negative_numbers = true
    )]
    pub(crate) tasks: usize,

    /// Pool sizes to compare, comma-separated (each 1 to 4096, at most 32 sizes).
    #[arg(long, value_name = "LIST", default_value = "2,8,32,128", value_parser = parse_sizes)]
    pub(crate) sizes: Sizes,

    /// Milliseconds each task sleeps, standing in for I/O (0 to 1000).
    #[arg(
        long,
        value_name = "MS",
        default_value_t = 1,
        value_parser = parse_sleep_ms,
        allow_negative_numbers = true
    )]
    pub(crate) sleep_ms: u64,

    /// Microseconds of CPU work each task does after its sleep (0 to 100000).
    #[arg(
        long,
        value_name = "US",
        default_value_t = 50,
        value_parser = parse_spin_us,
        allow_negative_numbers = true
    )]
    pub(crate) spin_us: u64,

    /// Print the results as JSON instead of a table.
    #[arg(long)]
    pub(crate) json: bool,
}

/// A checked list of pool sizes: non-empty, each within `1..=MAX_POOL_SIZE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sizes(pub(crate) Vec<usize>);

/// Parses `--tasks`. clap prefixes the message with the flag and the value.
fn parse_tasks(s: &str) -> Result<usize, String> {
    parse_bounded(s, 1, MAX_TASKS)
}

/// Parses `--sizes`: a comma-separated list of pool sizes.
fn parse_sizes(s: &str) -> Result<Sizes, String> {
    if s.trim().is_empty() {
        return Err("expected a comma-separated list of pool sizes, such as 2,8,32".to_owned());
    }
    let sizes = s
        .split(',')
        .map(|part| {
            parse_bounded(part.trim(), 1, MAX_POOL_SIZE)
                .map_err(|problem| format!("pool size {:?} {problem}", part.trim()))
        })
        .collect::<Result<Vec<usize>, String>>()?;
    if sizes.len() > MAX_SIZES {
        return Err(format!(
            "lists {} sizes; at most {MAX_SIZES} are compared in one run",
            sizes.len()
        ));
    }
    Ok(Sizes(sizes))
}

/// Parses `--sleep-ms`.
fn parse_sleep_ms(s: &str) -> Result<u64, String> {
    parse_bounded(s, 0, MAX_SLEEP_MS)
}

/// Parses `--spin-us`.
fn parse_spin_us(s: &str) -> Result<u64, String> {
    parse_bounded(s, 0, MAX_SPIN_US)
}

/// Parses a whole number within `low..=high`, with a message that says what was expected.
fn parse_bounded<T>(s: &str, low: T, high: T) -> Result<T, String>
where
    T: FromStr + PartialOrd + Display,
{
    match s.parse::<T>() {
        Ok(n) if low <= n && n <= high => Ok(n),
        Ok(_) => Err(format!("must be from {low} to {high}")),
        Err(_) => Err(format!("is not a whole number from {low} to {high}")),
    }
}

#[cfg(test)]
mod tests;
