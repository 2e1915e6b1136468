//! `pool_from_spec`: a pool from its command-line form, such as `static:32`.

use crate::adaptive::{AdaptiveExecutor, AdaptivePolicy};
use crate::error::HarnessError;
use crate::executor::{Executor, StaticExecutor};

/// The largest static pool a spec may ask for. The benchmark's oracle sweep stops at 512;
/// thousands of threads are a typo, and each costs a stack's worth of address space.
pub const MAX_STATIC_WORKERS: usize = 4096;

/// Builds a pool from the whole spec (for messages) and the text after the colon, if any.
type BuildPool = fn(spec: &str, argument: Option<&str>) -> Result<Box<dyn Executor>, HarnessError>;

/// One kind of pool a spec can name. To add a kind, add a row to [`POOL_KINDS`].
struct PoolKind {
    /// The word before the colon.
    name: &'static str,
    /// How to write it, for error messages.
    usage: &'static str,
    /// Builds the pool.
    build: BuildPool,
}

/// Every kind of pool [`pool_from_spec`] knows.
const POOL_KINDS: &[PoolKind] = &[
    PoolKind {
        name: "static",
        usage: "static:N (N in 1..=4096)",
        build: build_static,
    },
    PoolKind {
        name: "adaptive",
        usage: "adaptive[:MIN-MAX] (default 4-512)",
        build: build_adaptive,
    },
    PoolKind {
        name: "adaptive-seed",
        usage: "adaptive-seed[:MIN-MAX] (the seeds' algorithm)",
        build: build_adaptive_seed,
    },
];

/// The self-sizing pools the harness knows, as specs with their default bounds: what
/// `betapool compare` and the benchmark run next to the static sweep.
pub const SELF_SIZING_POOLS: &[&str] = &["adaptive", "adaptive-seed"];

/// `adaptive[:MIN-MAX]`.
fn build_adaptive(spec: &str, argument: Option<&str>) -> Result<Box<dyn Executor>, HarnessError> {
    let (min, max) = crate::adaptive::bounds(spec, argument)?;
    Ok(Box::new(AdaptiveExecutor::new(
        AdaptivePolicy::Default,
        min,
        max,
    )?))
}

/// `adaptive-seed[:MIN-MAX]`.
fn build_adaptive_seed(
    spec: &str,
    argument: Option<&str>,
) -> Result<Box<dyn Executor>, HarnessError> {
    let (min, max) = crate::adaptive::bounds(spec, argument)?;
    Ok(Box::new(AdaptiveExecutor::new(
        AdaptivePolicy::Seed,
        min,
        max,
    )?))
}

/// The prefix of a pool spec whose pool is built inside the measured window, as a pool created
/// for one burst of work would be (`cold:static:64`): the time its caller spends starting the
/// threads is then part of the run ([`RunOptions::setup`](crate::RunOptions::setup)), and its
/// report is named with the prefix.
pub const COLD_PREFIX: &str = "cold:";

/// Splits a [`COLD_PREFIX`] off `spec`: the pool's own spec and whether it is cold.
///
/// ```
/// use betapool_harness::split_cold;
///
/// assert_eq!(split_cold("cold:static:64"), ("static:64", true));
/// assert_eq!(split_cold(" static:8 "), ("static:8", false));
/// ```
pub fn split_cold(spec: &str) -> (&str, bool) {
    let spec = spec.trim();
    match spec.strip_prefix(COLD_PREFIX) {
        Some(rest) => (rest.trim(), true),
        None => (spec, false),
    }
}

/// The pool a spec names: `static:N` (N in `1..=4096`), `adaptive[:MIN-MAX]` or
/// `adaptive-seed[:MIN-MAX]`.
///
/// The error names the spec and, for an unknown kind, lists the known ones.
///
/// # Examples
///
/// ```
/// use betapool_harness::pool_from_spec;
///
/// let pool = pool_from_spec("static:8")?;
/// assert_eq!(pool.name(), "static:8");
/// pool.shutdown();
///
/// let err = pool_from_spec("elastic:8").unwrap_err();
/// assert!(err.to_string().starts_with("unknown pool spec `elastic:8`; known kinds: static:N (N in 1..=4096), adaptive"));
/// # Ok::<(), betapool_harness::HarnessError>(())
/// ```
pub fn pool_from_spec(spec: &str) -> Result<Box<dyn Executor>, HarnessError> {
    let trimmed = spec.trim();
    let (name, argument) = match trimmed.split_once(':') {
        Some((name, argument)) => (name.trim(), Some(argument.trim())),
        None => (trimmed, None),
    };
    match POOL_KINDS
        .iter()
        .find(|kind| kind.name.eq_ignore_ascii_case(name))
    {
        Some(kind) => (kind.build)(spec, argument),
        None => {
            let known: Vec<&str> = POOL_KINDS.iter().map(|kind| kind.usage).collect();
            Err(HarnessError::unknown_pool(spec, known.join(", ")))
        }
    }
}

/// `static:N`.
fn build_static(spec: &str, argument: Option<&str>) -> Result<Box<dyn Executor>, HarnessError> {
    let expected = format!("N must be an integer in 1..={MAX_STATIC_WORKERS}");
    let Some(argument) = argument else {
        return Err(HarnessError::bad_pool_argument(
            spec,
            format!("{expected}, as in `static:32`"),
        ));
    };
    match argument.parse::<usize>() {
        Ok(workers) if (1..=MAX_STATIC_WORKERS).contains(&workers) => {
            let pool = StaticExecutor::new(workers)?;
            Ok(Box::new(pool))
        }
        _ => Err(HarnessError::bad_pool_argument(
            spec,
            format!("{expected}, got `{argument}`"),
        )),
    }
}

#[cfg(test)]
mod tests;
