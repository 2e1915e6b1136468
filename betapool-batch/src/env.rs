//! The seed's environment overrides (`MASX_FORCE_CPU`, `MASX_FORCE_GPU`, `BATCH_SIZE`,
//! `BATCH_DELAY_MS`, `MAX_THREADS`, `MAX_PROCS`, and `CUDA_VISIBLE_DEVICES`), read from a map
//! that is passed in, so tests never touch the process environment.

use std::time::Duration;

use crate::ConfigError;

/// The variables this crate reads, in the order they are documented.
pub const VARIABLES: [&str; 7] = [
    "MASX_FORCE_CPU",
    "MASX_FORCE_GPU",
    "BATCH_SIZE",
    "BATCH_DELAY_MS",
    "MAX_THREADS",
    "MAX_PROCS",
    "CUDA_VISIBLE_DEVICES",
];

/// The environment's say on device, batching and executor sizes. Unset variables are `false` /
/// `None`; a variable set to something unusable is an error naming it.
///
/// ```
/// use std::time::Duration;
/// use betapool_batch::EnvOverrides;
///
/// let env = EnvOverrides::from_pairs([("BATCH_SIZE", "64"), ("BATCH_DELAY_MS", "100"), ("MASX_FORCE_CPU", "1")])?;
/// assert_eq!(env.batch_size, Some(64));
/// assert_eq!(env.batch_delay, Some(Duration::from_millis(100)));
/// assert!(env.force_cpu && !env.force_gpu);
///
/// let both = EnvOverrides::from_pairs([("MASX_FORCE_CPU", "1"), ("MASX_FORCE_GPU", "1")]);
/// assert!(both.is_err());
/// # Ok::<(), betapool_batch::ConfigError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnvOverrides {
    /// `MASX_FORCE_CPU`: run on the CPU even when a GPU is present.
    pub force_cpu: bool,
    /// `MASX_FORCE_GPU`: run on a GPU; `start` fails, saying why, when there is none.
    pub force_gpu: bool,
    /// `BATCH_SIZE`: use the seed's fixed policy with this batch size.
    pub batch_size: Option<usize>,
    /// `BATCH_DELAY_MS`: use the seed's fixed policy with this maximum delay.
    pub batch_delay: Option<Duration>,
    /// `MAX_THREADS`: the most threads of the shared pool for blocking work.
    pub max_threads: Option<usize>,
    /// `MAX_PROCS`: the size of the shared pool for CPU-bound work.
    pub max_procs: Option<usize>,
    /// `CUDA_VISIBLE_DEVICES`, as given: which GPUs this process may use.
    pub cuda_visible_devices: Option<String>,
}

impl EnvOverrides {
    /// Reads the overrides from the process environment.
    ///
    /// A variable whose value is not valid Unicode is reported as unusable, like any bad value.
    pub fn from_process_env() -> Result<Self, ConfigError> {
        Self::from_pairs(read_process_env(&VARIABLES)?)
    }

    /// Reads the overrides from `(name, value)` pairs (a `HashMap<String, String>` works), ignoring
    /// names this crate does not read.
    pub fn from_pairs<I, K, V>(pairs: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut env = Self::default();
        for (name, value) in pairs {
            let value = value.as_ref();
            match name.as_ref() {
                "MASX_FORCE_CPU" => env.force_cpu = flag("MASX_FORCE_CPU", value)?,
                "MASX_FORCE_GPU" => env.force_gpu = flag("MASX_FORCE_GPU", value)?,
                "BATCH_SIZE" => env.batch_size = Some(positive("BATCH_SIZE", value)?),
                "BATCH_DELAY_MS" => env.batch_delay = Some(millis("BATCH_DELAY_MS", value)?),
                "MAX_THREADS" => env.max_threads = Some(positive("MAX_THREADS", value)?),
                "MAX_PROCS" => env.max_procs = Some(positive("MAX_PROCS", value)?),
                "CUDA_VISIBLE_DEVICES" => env.cuda_visible_devices = Some(value.trim().to_owned()),
                _ => {}
            }
        }
        if env.force_cpu && env.force_gpu {
            return Err(ConfigError::both_forced());
        }
        Ok(env)
    }
}

/// The values of `vars` that are set in the process environment; one that is not valid Unicode
/// is reported as unusable, like any bad value.
pub(crate) fn read_process_env(
    vars: &[&'static str],
) -> Result<Vec<(&'static str, String)>, ConfigError> {
    let mut pairs = Vec::new();
    for &var in vars {
        match std::env::var(var) {
            Ok(v) => pairs.push((var, v)),
            Err(std::env::VarError::NotPresent) => {}
            Err(std::env::VarError::NotUnicode(raw)) => {
                return Err(ConfigError::variable(
                    var,
                    &raw.to_string_lossy(),
                    "valid UTF-8",
                ));
            }
        }
    }
    Ok(pairs)
}

/// The flag spellings accepted, as the seed's `export MASX_FORCE_CPU=1` and the usual others.
fn flag(var: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "" | "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ConfigError::variable(
            var,
            value,
            "1/true/yes/on or 0/false/no/off",
        )),
    }
}

fn positive(var: &'static str, value: &str) -> Result<usize, ConfigError> {
    match value.trim().parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(ConfigError::variable(
            var,
            value,
            "a whole number of at least 1",
        )),
    }
}

/// Whole or fractional milliseconds (`50`, `2.5`), at most an hour: a longer batch delay is
/// certainly a unit mistake.
fn millis(var: &'static str, value: &str) -> Result<Duration, ConfigError> {
    const MAX_MS: f64 = 3_600_000.0;
    match value.trim().parse::<f64>() {
        Ok(ms) if ms.is_finite() && (0.0..=MAX_MS).contains(&ms) => {
            Ok(Duration::from_secs_f64(ms / 1e3))
        }
        _ => Err(ConfigError::variable(
            var,
            value,
            "milliseconds between 0 and 3600000",
        )),
    }
}

#[cfg(test)]
mod tests;
