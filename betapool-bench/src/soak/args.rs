//! The flags of `betapool-bench soak` and their checks.

use std::path::PathBuf;

use super::arrivals::PAUSE;

/// Minutes of load when `--minutes` is not given: enough for the drift check, which compares
/// minute 1 with a later minute, to have a minute in between.
const DEFAULT_MINUTES: f64 = 3.0;

/// The longest soak `--minutes` accepts: a day. The run counters take one byte per task (about
/// 130 MB for a day at the mean rate), all allocated before the load starts.
const MAX_MINUTES: f64 = 24.0 * 60.0;

/// The shortest soak `--minutes` accepts: 6 s, half of them arrivals and half the pause
/// that ends every run.
const MIN_MINUTES: f64 = 0.1;

/// The options of `betapool-bench soak`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct SoakArgs {
    /// Minutes of load: a positive number, fractions allowed, at most a day.
    #[arg(
        long,
        default_value_t = DEFAULT_MINUTES,
        value_parser = parse_minutes,
        allow_negative_numbers = true
    )]
    pub(crate) minutes: f64,
    /// Where to write soak.json and soak.svg.
    #[arg(long, default_value = "target/soak")]
    pub(crate) out: PathBuf,
    /// Seed of the arrival times, task kinds and planned panics.
    #[arg(long, default_value_t = 42)]
    pub(crate) seed: u64,
}

/// Parses `--minutes`: a finite number above zero and at most [`MAX_MINUTES`].
fn parse_minutes(text: &str) -> Result<f64, String> {
    let minutes: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of minutes"))?;
    if !(minutes.is_finite() && minutes > 0.0) {
        return Err(format!("must be a positive number of minutes, got {text}"));
    }
    if minutes > MAX_MINUTES {
        return Err(format!("must be at most {MAX_MINUTES} (a day), got {text}"));
    }
    if minutes < MIN_MINUTES {
        return Err(format!(
            "must be at least {MIN_MINUTES} (6 s: each run ends with a {} s pause), got {text}",
            PAUSE.as_secs()
        ));
    }
    Ok(minutes)
}

#[cfg(test)]
mod tests;
