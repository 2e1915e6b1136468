//! The settings each subcommand runs with, where each value came from (a flag, the config
//! file, a default), and the checks every value passes whichever source it came from.
//!
//! The same check serves a flag (through clap's value parsers in `cli.rs`) and a key of the
//! config file (in `config.rs`), so both reject the same values with the same words.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use betapool_harness::{MAX_STATIC_WORKERS, MAX_TASKS, pool_from_spec};
use betapool_workloads::{ArrivalSpec, Workload};

use crate::error::CliError;

/// The most pool sizes one `compare` accepts. The doubling sweep 1 … 512 has ten; a list
/// several times longer is a mistake, and each size is a full run.
pub(crate) const MAX_SIZES: usize = 32;

/// The longest time cap accepted, in seconds (a day). A longer run would be a typo: nobody
/// watches a progress bar for days, and the cap exists to end slow configurations.
pub(crate) const MAX_TIME_CAP_S: f64 = 86_400.0;

/// The largest demo scale. Ten times the demo is about ten minutes on two cores; anything
/// longer is a benchmark, which `compare` or `cargo xtask bench` do better.
pub(crate) const MAX_SCALE: f64 = 10.0;

/// Where a setting came from, so that a check made later (a pool that will not build, an
/// unknown workload) still names the flag, or the file, line, column and key, at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Given on the command line as this flag.
    Flag(&'static str),
    /// Read from the config file, at this place.
    File(Place),
    /// Not given anywhere: the built-in default of this flag.
    Default(&'static str),
}

/// A place in a config file: the path as the user wrote it, a 1-based line and column
/// (counted in characters), and the top-level key there, when one could be found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Place {
    /// The path, as given to `--config`.
    pub(crate) path: String,
    /// The line, from 1.
    pub(crate) line: usize,
    /// The column, from 1, in characters.
    pub(crate) column: usize,
    /// The key at fault, if the place is inside a `key = value` line.
    pub(crate) key: Option<String>,
}

impl fmt::Display for Origin {
    /// `--tasks`, `run.toml:3:9: tasks`, or `--sizes (default)`: what precedes the message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(flag) => f.write_str(flag),
            Origin::File(place) => {
                write!(f, "{}:{}:{}", place.path, place.line, place.column)?;
                match &place.key {
                    Some(key) => write!(f, ": {key}"),
                    None => Ok(()),
                }
            }
            Origin::Default(flag) => write!(f, "{flag} (default)"),
        }
    }
}

/// A value with the place it came from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Setting<T> {
    /// The value.
    pub(crate) value: T,
    /// Where it came from.
    pub(crate) origin: Origin,
}

impl<T> Setting<T> {
    /// `value`, given by `origin`.
    pub(crate) fn new(value: T, origin: Origin) -> Setting<T> {
        Setting { value, origin }
    }

    /// The value passed through `check`; a rejection becomes an error naming the origin.
    pub(crate) fn check<U>(
        self,
        check: impl FnOnce(T) -> Result<U, String>,
    ) -> Result<Setting<U>, CliError> {
        match check(self.value) {
            Ok(value) => Ok(Setting::new(value, self.origin)),
            Err(message) => Err(CliError::setting(self.origin, message)),
        }
    }

    /// An error about this setting.
    pub(crate) fn error(&self, message: impl Into<String>) -> CliError {
        CliError::setting(self.origin.clone(), message)
    }
}

/// Settings every subcommand shares.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Common {
    /// The run's seed.
    pub(crate) seed: u64,
    /// After this long, a run's remaining tasks skip their work.
    pub(crate) time_cap: Duration,
    /// Print JSON instead of text.
    pub(crate) json: bool,
}

/// What `betapool run` runs.
#[derive(Debug, Clone)]
pub(crate) struct RunSettings {
    /// The pool spec; it is checked when the pool is built.
    pub(crate) pool: Setting<String>,
    /// The workload, scaled and with its arrival process replaced as asked.
    pub(crate) workload: Workload,
    /// Seed, time cap, output form.
    pub(crate) common: Common,
}

/// What `betapool compare` runs.
#[derive(Debug, Clone)]
pub(crate) struct CompareSettings {
    /// The workload, scaled and with its arrival process replaced as asked.
    pub(crate) workload: Workload,
    /// The static sizes to sweep, in the order given.
    pub(crate) sizes: Vec<Setting<usize>>,
    /// Extra pools (self-sizing ones), drawn as horizontal lines.
    pub(crate) pools: Vec<Setting<String>>,
    /// Where the chart goes.
    pub(crate) out: PathBuf,
    /// Seed, time cap, output form.
    pub(crate) common: Common,
}

/// What `betapool demo` runs.
#[derive(Debug, Clone)]
pub(crate) struct DemoSettings {
    /// Pools run besides the demo's own list.
    pub(crate) pools: Vec<Setting<String>>,
    /// Where the chart goes.
    pub(crate) out: PathBuf,
    /// Multiplies the demo's task counts (1 is the demo as documented).
    pub(crate) scale: f64,
    /// Seed, time cap, output form.
    pub(crate) common: Common,
}

/// A task count: at least 1, at most the harness's limit.
pub(crate) fn check_tasks(tasks: usize) -> Result<usize, String> {
    if (1..=MAX_TASKS).contains(&tasks) {
        Ok(tasks)
    } else {
        Err(format!("must be from 1 to {MAX_TASKS}, got {tasks}"))
    }
}

/// A time cap in seconds: positive, finite and at most [`MAX_TIME_CAP_S`].
pub(crate) fn check_time_cap(seconds: f64) -> Result<Duration, String> {
    if seconds.is_finite() && seconds > 0.0 && seconds <= MAX_TIME_CAP_S {
        Ok(Duration::from_secs_f64(seconds))
    } else {
        Err(format!(
            "must be a number of seconds above 0 and at most {MAX_TIME_CAP_S}, got {seconds}"
        ))
    }
}

/// One static pool size: from 1 to the harness's largest static pool.
pub(crate) fn check_size(size: usize) -> Result<usize, String> {
    if (1..=MAX_STATIC_WORKERS).contains(&size) {
        Ok(size)
    } else {
        Err(format!(
            "pool size must be from 1 to {MAX_STATIC_WORKERS}, got {size}"
        ))
    }
}

/// The length of a list of sizes: at least one, at most [`MAX_SIZES`].
pub(crate) fn check_size_count(count: usize) -> Result<(), String> {
    match count {
        0 => Err("must list at least one pool size, such as [2, 8, 32]".to_owned()),
        n if n > MAX_SIZES => Err(format!(
            "lists {n} sizes; at most {MAX_SIZES} are compared in one run"
        )),
        _ => Ok(()),
    }
}

/// The demo's scale: positive, finite, at most [`MAX_SCALE`].
pub(crate) fn check_scale(scale: f64) -> Result<f64, String> {
    if scale.is_finite() && scale > 0.0 && scale <= MAX_SCALE {
        Ok(scale)
    } else {
        Err(format!(
            "must be a number above 0 and at most {MAX_SCALE}, got {scale}"
        ))
    }
}

/// The named workload; the error lists the valid names.
pub(crate) fn workload(name: String) -> Result<Workload, String> {
    Workload::named(&name).map_err(|e| e.to_string())
}

/// An arrival process in its text form (`poisson:200`, `burst:20000,500,0.2,0.3`).
pub(crate) fn arrival(text: String) -> Result<ArrivalSpec, String> {
    text.parse::<ArrivalSpec>().map_err(|e| e.to_string())
}

/// A pool spec the harness can build. The harness has no "check only" call, so the pool is
/// built and shut down at once: that is what proves the spec good before a long sweep starts
/// (a static pool of a few hundred threads starts and stops in milliseconds).
pub(crate) fn check_pool(spec: String) -> Result<String, String> {
    let pool = pool_from_spec(&spec).map_err(|e| e.to_string())?;
    pool.shutdown();
    Ok(spec)
}

#[cfg(test)]
mod tests;
