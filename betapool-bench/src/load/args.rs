//! The flags of `betapool-bench load` and their checks.

use std::path::PathBuf;

use super::results::ConfigEntry;

/// Seconds measured per configuration unless `--seconds` says otherwise.
const DEFAULT_SECONDS: f64 = 10.0;

/// The longest `--seconds`: every answer's latency is kept in memory (16 bytes), and 10
/// minutes at 10 000 requests/s is about 100 MB.
const MAX_SECONDS: f64 = 600.0;

/// Seconds of warm-up unless `--warmup-s` says otherwise: enough for adaptive pools to grow
/// to the load and for the server's allocator to settle.
const DEFAULT_WARMUP_S: f64 = 2.0;

/// The longest `--warmup-s`, as for [`MAX_SECONDS`].
const MAX_WARMUP_S: f64 = 600.0;

/// Client connections unless `--connections` says otherwise: with half the requests taking
/// about 30 ms, 64 keep about twice the seed's shared pool of 10 busy with generate alone.
const DEFAULT_CONNECTIONS: usize = 64;

/// The most `--connections`: each is a thread and a socket of this process, and past a few
/// hundred on a 2-core machine the driver, not the server, is what gets measured.
const MAX_CONNECTIONS: usize = 512;

/// Runs per configuration: three give a median and a spread.
const DEFAULT_REPEATS: usize = 3;

/// The most runs per configuration `--repeats` accepts.
const MAX_REPEATS: usize = 50;

/// The options of `betapool-bench load`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct LoadArgs {
    /// The service's binary (e.g. target/release/inference-server).
    #[arg(long)]
    pub(crate) server: PathBuf,
    /// A directory of configurations: every `*.toml` in it, named by file stem (default:
    /// the four of examples/inference-server/configs).
    #[arg(long, value_name = "DIR", conflicts_with = "config")]
    pub(crate) configs: Option<PathBuf>,
    /// One configuration, named; repeat for more. Runs in the order given.
    #[arg(long = "config", value_name = "NAME=PATH", value_parser = parse_named_config)]
    pub(crate) config: Vec<ConfigEntry>,
    /// Seconds measured per configuration, after the warm-up (fractions allowed).
    #[arg(long, default_value_t = DEFAULT_SECONDS, value_parser = parse_seconds, allow_negative_numbers = true)]
    pub(crate) seconds: f64,
    /// Seconds of load before the measurement starts (0 for none).
    #[arg(long, default_value_t = DEFAULT_WARMUP_S, value_parser = parse_warmup, allow_negative_numbers = true)]
    pub(crate) warmup_s: f64,
    /// Client connections, each a thread sending its next request as soon as the previous
    /// one is answered.
    #[arg(long, default_value_t = DEFAULT_CONNECTIONS, value_parser = parse_connections)]
    pub(crate) connections: usize,
    /// Runs of every configuration, interleaved (config 1, 2, …, then again); the table shows
    /// medians with the min–max over the runs.
    #[arg(long, default_value_t = DEFAULT_REPEATS, value_parser = parse_repeats)]
    pub(crate) repeats: usize,
    /// Seed of the request mix; every configuration replays the same requests per client.
    #[arg(long, default_value_t = 42)]
    pub(crate) seed: u64,
    /// Where to write load.json, load.md, load.svg and each configuration's /stats and
    /// /metrics.
    #[arg(long, default_value = "target/load")]
    pub(crate) out: PathBuf,
}

/// Parses `--seconds`: a finite number above zero and at most [`MAX_SECONDS`].
fn parse_seconds(text: &str) -> Result<f64, String> {
    let s = parse_number(text)?;
    if s <= 0.0 {
        return Err(format!("must be a positive number of seconds, got {text}"));
    }
    if s > MAX_SECONDS {
        return Err(format!("must be at most {MAX_SECONDS}, got {text}"));
    }
    Ok(s)
}

/// Parses `--warmup-s`: a finite number from zero to [`MAX_WARMUP_S`].
fn parse_warmup(text: &str) -> Result<f64, String> {
    let s = parse_number(text)?;
    if s < 0.0 {
        return Err(format!(
            "must be zero or a positive number of seconds, got {text}"
        ));
    }
    if s > MAX_WARMUP_S {
        return Err(format!("must be at most {MAX_WARMUP_S}, got {text}"));
    }
    // `-0` passes the checks above; as a duration it is plain zero.
    Ok(s.abs())
}

/// A finite number of seconds.
fn parse_number(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(s) if s.is_finite() => Ok(s),
        _ => Err(format!("`{text}` is not a number of seconds")),
    }
}

/// Parses `--repeats`: from 1 to [`MAX_REPEATS`].
fn parse_repeats(text: &str) -> Result<usize, String> {
    let n: usize = text
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number of runs"))?;
    if n == 0 || n > MAX_REPEATS {
        return Err(format!("must be from 1 to {MAX_REPEATS}, got {n}"));
    }
    Ok(n)
}

/// Parses `--connections`: from 1 to [`MAX_CONNECTIONS`].
fn parse_connections(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(n @ 1..=MAX_CONNECTIONS) => Ok(n),
        _ => Err(format!(
            "must be a whole number from 1 to {MAX_CONNECTIONS}, got `{text}`"
        )),
    }
}

/// Parses `--config NAME=PATH`. The name becomes part of file names in `--out`, so it is
/// letters, digits, `.`, `-` and `_`, not starting with a dot.
fn parse_named_config(text: &str) -> Result<ConfigEntry, String> {
    let Some((name, path)) = text.split_once('=') else {
        return Err(format!("`{text}` is not NAME=PATH"));
    };
    let name_ok = !name.is_empty()
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if !name_ok {
        return Err(format!(
            "the name `{name}` must be letters, digits, `.`, `-` or `_`, not starting with `.`"
        ));
    }
    if path.is_empty() {
        return Err(format!("`{text}` has no path after `=`"));
    }
    Ok(ConfigEntry {
        name: name.into(),
        path: path.into(),
        args: Vec::new(),
    })
}

#[cfg(test)]
mod tests;
