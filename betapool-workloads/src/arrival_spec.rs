//! `ArrivalSpec`: an arrival process as data, and its command-line form
//! (`poisson:200`, `burst:20000,500,0.2,0.3`).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::arrival::ArrivalProcess;
use crate::burst::{BurstArrivals, BurstSpec};
use crate::error::WorkloadError;
use crate::poisson::{PoissonArrivals, check_rate};

/// The accepted forms, quoted in every syntax error.
const FORMS: &str = "`poisson:RATE` or `burst:BURST_RATE,QUIET_RATE,BURST_S,QUIET_S`";

/// How tasks arrive, as data: saved with a workload, parsed from a flag, built into a process.
///
/// The text form is `poisson:RATE` or `burst:BURST_RATE,QUIET_RATE,BURST_S,QUIET_S` (rates in
/// arrivals per second, durations in seconds); [`Display`](fmt::Display) writes the same form.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use betapool_workloads::{ArrivalSpec, BurstSpec};
///
/// let spec: ArrivalSpec = "burst:20000,500,0.2,0.3".parse()?;
/// assert_eq!(
///     spec,
///     ArrivalSpec::Burst(BurstSpec {
///         burst_rate: 20_000.0,
///         quiet_rate: 500.0,
///         burst_duration: Duration::from_millis(200),
///         quiet_duration: Duration::from_millis(300),
///     })
/// );
/// assert_eq!(spec.to_string(), "burst:20000,500,0.2,0.3");
/// assert_eq!("poisson:200".parse::<ArrivalSpec>()?, ArrivalSpec::Poisson { rate: 200.0 });
/// # Ok::<(), betapool_workloads::WorkloadError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ArrivalSpec {
    /// A steady Poisson stream of mean `rate` arrivals per second.
    Poisson {
        /// Mean arrivals per second; positive and finite.
        rate: f64,
    },
    /// Alternating bursts and quiet spells.
    Burst(BurstSpec),
}

impl ArrivalSpec {
    /// Checks the rates and durations; the error names the field and its value.
    ///
    /// ```
    /// use betapool_workloads::ArrivalSpec;
    /// let err = ArrivalSpec::Poisson { rate: -3.0 }.validate().unwrap_err();
    /// assert_eq!(err.to_string(), "rate must be positive and finite, got -3");
    /// ```
    pub fn validate(&self) -> Result<(), WorkloadError> {
        match self {
            ArrivalSpec::Poisson { rate } => check_rate("rate", *rate),
            ArrivalSpec::Burst(spec) => spec.validate(),
        }
    }

    /// The process this spec describes, with gaps fixed by `seed`; its clock starts now.
    ///
    /// ```
    /// use std::time::Duration;
    /// use betapool_workloads::ArrivalSpec;
    ///
    /// let spec: ArrivalSpec = "poisson:1000".parse()?;
    /// let mut a = spec.build(1)?;
    /// let mut b = spec.build(1)?;
    /// assert_eq!(a.inter_arrival_time(Duration::ZERO), b.inter_arrival_time(Duration::ZERO));
    /// # Ok::<(), betapool_workloads::WorkloadError>(())
    /// ```
    pub fn build(&self, seed: u64) -> Result<Box<dyn ArrivalProcess>, WorkloadError> {
        Ok(match self {
            ArrivalSpec::Poisson { rate } => Box::new(PoissonArrivals::new(*rate, seed)?),
            ArrivalSpec::Burst(spec) => Box::new(BurstArrivals::new(*spec, seed)?),
        })
    }
}

impl FromStr for ArrivalSpec {
    type Err = WorkloadError;

    /// Parses `poisson:RATE` or `burst:BURST_RATE,QUIET_RATE,BURST_S,QUIET_S`; the error
    /// quotes the spec and names the part at fault.
    ///
    /// ```
    /// use betapool_workloads::ArrivalSpec;
    /// let err = "burst:20000,fast,0.2,0.3".parse::<ArrivalSpec>().unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "invalid arrival spec `burst:20000,fast,0.2,0.3`: QUIET_RATE `fast` is not a number"
    /// );
    /// ```
    fn from_str(s: &str) -> Result<ArrivalSpec, WorkloadError> {
        let syntax = |problem: String| WorkloadError::arrival_syntax(s, problem);
        let Some((kind, args)) = s.trim().split_once(':') else {
            return Err(syntax(format!("expected {FORMS}")));
        };
        let spec = match kind.trim().to_ascii_lowercase().as_str() {
            "poisson" => ArrivalSpec::Poisson {
                rate: number("RATE", args).map_err(syntax)?,
            },
            "burst" => {
                let parts: Vec<&str> = args.split(',').collect();
                let [burst_rate, quiet_rate, burst_s, quiet_s] = parts[..] else {
                    return Err(syntax(format!(
                        "burst takes 4 comma-separated values \
                         (BURST_RATE,QUIET_RATE,BURST_S,QUIET_S), got {}",
                        parts.len()
                    )));
                };
                ArrivalSpec::Burst(BurstSpec {
                    burst_rate: number("BURST_RATE", burst_rate).map_err(syntax)?,
                    quiet_rate: number("QUIET_RATE", quiet_rate).map_err(syntax)?,
                    burst_duration: seconds("BURST_S", burst_s).map_err(syntax)?,
                    quiet_duration: seconds("QUIET_S", quiet_s).map_err(syntax)?,
                })
            }
            other => {
                return Err(syntax(format!("unknown kind `{other}`; expected {FORMS}")));
            }
        };
        spec.validate().map_err(|e| syntax(e.to_string()))?;
        Ok(spec)
    }
}

impl fmt::Display for ArrivalSpec {
    /// The text form [`FromStr`] reads, with durations in seconds.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArrivalSpec::Poisson { rate } => write!(f, "poisson:{rate}"),
            ArrivalSpec::Burst(spec) => write!(
                f,
                "burst:{},{},{},{}",
                spec.burst_rate,
                spec.quiet_rate,
                spec.burst_duration.as_secs_f64(),
                spec.quiet_duration.as_secs_f64()
            ),
        }
    }
}

/// Parses the part called `name` as a number.
fn number(name: &str, text: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .map_err(|_| format!("{name} `{}` is not a number", text.trim()))
}

/// Parses the part called `name` as a non-negative number of seconds.
fn seconds(name: &str, text: &str) -> Result<Duration, String> {
    let value = number(name, text)?;
    Duration::try_from_secs_f64(value).map_err(|_| {
        format!(
            "{name} `{}` is not a non-negative number of seconds",
            text.trim()
        )
    })
}

#[cfg(test)]
mod tests;
