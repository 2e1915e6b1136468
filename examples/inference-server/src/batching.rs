//! `Batching`: how the model runtime groups the inference steps' rows into batches, as the
//! `--batching` flag names it.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use betapool_batch::policy::{Adaptive, Fixed};
use betapool_batch::{BatchModel, ConfigError, RuntimeBuilder};

/// The flag that chooses the batching, named in every parse error.
pub const BATCHING_FLAG: &str = "--batching";

/// The largest batch size `fixed:SIZE:DELAY_MS` accepts: the runtime's default queue holds 1 024
/// rows, so a larger batch could never fill and would always wait its whole delay.
const MAX_FIXED_SIZE: usize = 1024;

/// The longest delay `fixed:SIZE:DELAY_MS` accepts, in ms: a batch that waits longer than a
/// second is no longer serving requests, and every HTTP client would have given up.
const MAX_FIXED_DELAY_MS: u64 = 1000;

/// How the model runtime batches rows: `adaptive` (the runtime's default policy: a batch leaves
/// as soon as the batch worker is idle, as large as a 50 ms P99 target allows), `fixed:SIZE:DELAY_MS`
/// (the seed's rule: a batch leaves when it holds SIZE rows or its oldest row has waited
/// DELAY_MS), or `off` (every row runs alone: `fixed:1:0`).
///
/// ```
/// use std::time::Duration;
/// use inference_server::Batching;
///
/// assert_eq!("adaptive".parse::<Batching>()?, Batching::Adaptive);
/// assert_eq!("off".parse::<Batching>()?, Batching::Off);
/// assert_eq!(
///     "fixed:32:50".parse::<Batching>()?,
///     Batching::Fixed { size: 32, delay: Duration::from_millis(50) }
/// );
/// let err = "sometimes".parse::<Batching>().unwrap_err();
/// assert!(err.starts_with("--batching sometimes: "));
/// assert_eq!(Batching::default().to_string(), "adaptive");
/// # Ok::<(), String>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Batching {
    /// The runtime's default policy, [`Adaptive`].
    #[default]
    Adaptive,
    /// The seed's policy, [`Fixed`]: `size` rows or `delay`, whichever comes first.
    Fixed {
        /// Rows per batch, from 1 to 1 024.
        size: usize,
        /// The longest the oldest row of a batch waits for it to fill, at most 1 s.
        delay: Duration,
    },
    /// No batching: every row is a batch of its own, run as soon as the batch worker is free.
    Off,
}

impl Batching {
    /// Gives `builder` this batching's policy.
    ///
    /// ```
    /// use betapool_batch::{BatchModel, BoxError, EnvOverrides, InferenceRuntime};
    /// use inference_server::Batching;
    ///
    /// struct Echo;
    /// impl BatchModel for Echo {
    ///     type Input = u8;
    ///     type Output = u8;
    ///     fn infer_batch(&self, xs: Vec<u8>) -> Result<Vec<u8>, BoxError> { Ok(xs) }
    /// }
    ///
    /// let builder = InferenceRuntime::builder(|_| Ok(Echo)).env(EnvOverrides::default());
    /// let runtime = Batching::Off.apply(builder)?.build()?;
    /// assert_eq!(runtime.stats().policy, "fixed");
    /// # Ok::<(), betapool_batch::ConfigError>(())
    /// ```
    pub fn apply<M: BatchModel>(
        self,
        builder: RuntimeBuilder<M>,
    ) -> Result<RuntimeBuilder<M>, ConfigError> {
        Ok(match self {
            Batching::Adaptive => builder.policy(Adaptive::default()),
            Batching::Fixed { size, delay } => builder.policy(Fixed::new(size, delay)?),
            Batching::Off => builder.policy(Fixed::new(1, Duration::ZERO)?),
        })
    }
}

impl FromStr for Batching {
    type Err = String;

    /// Parses `adaptive`, `off` or `fixed:SIZE:DELAY_MS`; the error is one line that starts
    /// with `--batching VALUE: ` and says what is accepted.
    fn from_str(text: &str) -> Result<Batching, String> {
        let fail = |why: String| format!("{BATCHING_FLAG} {text}: {why}");
        match text {
            "adaptive" => return Ok(Batching::Adaptive),
            "off" => return Ok(Batching::Off),
            _ => {}
        }
        let Some(rest) = text.strip_prefix("fixed:") else {
            return Err(fail(
                "expected `adaptive`, `off` or `fixed:SIZE:DELAY_MS` (e.g. `fixed:32:50`)".into(),
            ));
        };
        let Some((size, delay)) = rest.split_once(':') else {
            return Err(fail(
                "expected `fixed:SIZE:DELAY_MS`, with both the size and the delay (e.g. `fixed:32:50`)"
                    .into(),
            ));
        };
        let size = match size.parse::<usize>() {
            Ok(n @ 1..=MAX_FIXED_SIZE) => n,
            _ => {
                return Err(fail(format!(
                    "SIZE `{size}` must be a whole number of rows from 1 to {MAX_FIXED_SIZE}"
                )));
            }
        };
        let delay = match delay.parse::<u64>() {
            Ok(ms @ 0..=MAX_FIXED_DELAY_MS) => Duration::from_millis(ms),
            _ => {
                return Err(fail(format!(
                    "DELAY_MS `{delay}` must be a whole number of milliseconds from 0 to \
                     {MAX_FIXED_DELAY_MS}"
                )));
            }
        };
        Ok(Batching::Fixed { size, delay })
    }
}

impl fmt::Display for Batching {
    /// The form `--batching` takes: `adaptive`, `off`, `fixed:SIZE:DELAY_MS`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Batching::Adaptive => f.write_str("adaptive"),
            Batching::Off => f.write_str("off"),
            Batching::Fixed { size, delay } => write!(f, "fixed:{size}:{}", delay.as_millis()),
        }
    }
}

#[cfg(test)]
mod tests;
